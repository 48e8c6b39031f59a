// reindex_cmd.cc: `veille reindex`: index every stored article again with
// this version's analyzer (Archive::Reindex).
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "cli/cli.h"
#include "veille/archive.h"

namespace veille::cli {

Runner RegisterReindex(CLI::App& sub, const Common& common) {
  auto quiet = std::make_shared<bool>(false);
  sub.add_flag("-q,--quiet", *quiet, "No progress line");
  return [quiet, &common]() -> int {
    auto archive = Archive::Open(common.db, OpenMode::kReadWrite);
    if (!archive.ok()) return Fail(archive.error());
    const bool tty = !*quiet && isatty(STDERR_FILENO);
    const auto t0 = std::chrono::steady_clock::now();
    uint64_t articles = 0;
    auto s = (*archive)->Reindex([&](uint64_t done, uint64_t total) {
      articles = done;
      if (tty)
        std::fprintf(stderr, "\rreindex: %llu / %llu articles", (unsigned long long)done,
                     (unsigned long long)total);
    });
    if (tty) std::fprintf(stderr, "\n");
    if (!s.ok()) return Fail(s.error());
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("reindexed %llu articles in %.2f s\n", (unsigned long long)articles, secs);
    return kExitOk;
  };
}

}  // namespace veille::cli
