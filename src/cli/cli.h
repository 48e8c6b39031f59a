// cli.h: shared pieces of the `veille` subcommands (internal to the CLI).
//
// Each subcommand lives in its own file and registers itself on the CLI11
// app; the library does the work. Exit codes are decided here, once.
#ifndef VEILLE_CLI_CLI_H_
#define VEILLE_CLI_CLI_H_

#include <CLI/CLI.hpp>
#include <algorithm>
#include <functional>
#include <string>
#include <string_view>

#include "veille/result.h"

namespace veille::cli {

// Exit codes of every subcommand (documented in docs/cli.md).
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,     // database, I/O or internal failure
  kExitUsage = 2,       // bad flags or arguments
  kExitBadInput = 3,    // bad input: some articles were skipped, or a malformed file
  kExitNotFound = 4,    // archive, article or file not found
  kExitEvalFailed = 5,  // `eval --strict` with failing checks
  kExitInterrupted = 130,
};

int ExitCodeFor(const Error& e);
// Prints "veille: <message>" on stderr and returns the exit code for `e`.
int Fail(const Error& e);

// Options shared by every subcommand.
struct Common {
  std::string db = "veille.db";
};

// A subcommand: registers its options on `sub` and returns the function that
// runs it (called after parsing).
using Runner = std::function<int()>;
Runner RegisterIngest(CLI::App& sub, const Common& common);
Runner RegisterSearch(CLI::App& sub, const Common& common);
Runner RegisterShow(CLI::App& sub, const Common& common);
Runner RegisterStats(CLI::App& sub, const Common& common);
Runner RegisterExport(CLI::App& sub, const Common& common);
Runner RegisterEval(CLI::App& sub, const Common& common);
Runner RegisterEntities(CLI::App& sub, const Common& common);
Runner RegisterEntity(CLI::App& sub, const Common& common);
Runner RegisterQuotes(CLI::App& sub, const Common& common);
Runner RegisterEvalNer(CLI::App& sub, const Common& common);
Runner RegisterTagNer(CLI::App& sub, const Common& common);
Runner RegisterServe(CLI::App& sub, const Common& common);
Runner RegisterDupes(CLI::App& sub, const Common& common);
Runner RegisterReuse(CLI::App& sub, const Common& common);
Runner RegisterUsers(CLI::App& sub, const Common& common);
Runner RegisterTokens(CLI::App& sub, const Common& common);
Runner RegisterAudit(CLI::App& sub, const Common& common);
Runner RegisterExtract(CLI::App& sub, const Common& common);
Runner RegisterEvalExtract(CLI::App& sub, const Common& common);
Runner RegisterEvalTime(CLI::App& sub, const Common& common);
Runner RegisterTimex(CLI::App& sub, const Common& common);
Runner RegisterReindex(CLI::App& sub, const Common& common);
Runner RegisterSources(CLI::App& sub, const Common& common);
Runner RegisterCrawl(CLI::App& sub, const Common& common);
Runner RegisterStories(CLI::App& sub, const Common& common);
Runner RegisterStory(CLI::App& sub, const Common& common);
Runner RegisterEvalStories(CLI::App& sub, const Common& common);
Runner RegisterEvents(CLI::App& sub, const Common& common);    // events_cmd.cc
Runner RegisterTimeline(CLI::App& sub, const Common& common);  // events_cmd.cc

// Terminal columns of UTF-8 text, one per code point (accented letters
// included; wide CJK characters are counted as one).
inline size_t DisplayWidth(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// `s` padded with spaces to `width` columns (printf's %-40s pads bytes, so
// names with accents would break the alignment).
inline std::string PadRight(std::string_view s, size_t width) {
  std::string out(s);
  out.append(width - std::min(width, DisplayWidth(s)), ' ');
  return out;
}

}  // namespace veille::cli

#endif  // VEILLE_CLI_CLI_H_
