// eval_cmd.cc: `veille eval --gold FILE`.
#include <cstdio>

#include "cli/cli.h"
#include "veille/eval.h"

namespace veille::cli {

Runner RegisterEval(CLI::App& sub, const Common& common) {
  struct Opts {
    std::string gold;
    bool json = false;
    bool strict = false;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("--gold", o->gold, "Gold file (format: ../shared/gold/README.md)")
      ->required()
      ->check(CLI::ExistingFile);
  sub.add_flag("--json", o->json, "Print the figures as JSON");
  sub.add_flag("--strict", o->strict, "Exit with status 5 if any check fails");
  return [o, &common]() -> int {
    auto archive = Archive::Open(common.db, OpenMode::kReadOnly);
    if (!archive.ok()) return Fail(archive.error());
    auto r = Evaluate(**archive, o->gold);
    if (!r.ok()) return Fail(r.error());
    std::printf("%s\n", o->json ? ReportJson(*r).c_str() : FormatReport(*r).c_str());
    return o->strict && !r->all_pass() ? kExitEvalFailed : kExitOk;
  };
}

}  // namespace veille::cli
