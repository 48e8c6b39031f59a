// eval.h: score an archive against a gold file.
//
// In:  an open Archive and a gold JSON file in the format of
//      ../shared/gold/README.md (per-article expectations, search checks).
// Out: an EvalReport: one section per component that exists (language,
//      title, date, outlet, flags, boilerplate removed, must_keep kept,
//      search checks), each with counts, a score and the failures, printable
//      as a table or as JSON.
// Thread-safety: uses the Archive from the calling thread only.
#ifndef VEILLE_EVAL_H_
#define VEILLE_EVAL_H_

#include <string>
#include <vector>

#include "veille/archive.h"
#include "veille/result.h"

namespace veille {

struct EvalSection {
  EvalSection() = default;
  explicit EvalSection(std::string n) : name(std::move(n)) {}
  std::string name;
  size_t correct = 0;
  size_t total = 0;
  std::vector<std::string> failures;  // one line per miss: "article: expected X, got Y"
  double score() const { return total ? static_cast<double>(correct) / total : 1.0; }
};

struct EvalReport {
  std::string gold_path;
  std::vector<EvalSection> sections;
  bool all_pass() const;
};

Result<EvalReport> Evaluate(Archive& archive, const std::string& gold_path);

// A fixed-width table, one row per section, then the failures.
std::string FormatReport(const EvalReport& report);
std::string ReportJson(const EvalReport& report);

// Text normalisation used when comparing with gold strings: NFC, ’ -> ',
// no-break spaces -> space, whitespace runs collapsed, trimmed.
std::string NormalizeForCompare(std::string_view s);

}  // namespace veille

#endif  // VEILLE_EVAL_H_
