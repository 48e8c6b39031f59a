// html_eval.h: scoring HTML extraction against public benchmarks.
//
// In:  a benchmark folder (../shared/data/extraction/<name>/, layouts in
//      ../shared/brief/DATA.md) and an HtmlExtractor.
// Out: the benchmark's own figures, computed exactly as its scripts do:
//      - scrapinghub (article-extraction-benchmark): per page, counts of
//        word 4-gram shingles (Python `\w+` tokens, case kept) of the
//        prediction and of articleBody give TP/FP/FN, normalised by their
//        sum; precision is the mean over pages with a non-empty prediction,
//        recall the mean over pages with a non-empty truth, F1 their
//        harmonic mean;
//      - wcxb: per page, bag-of-words F1 over lower-cased `\w+` tokens with
//        multiplicity (empty truth: 1 if the prediction is empty too, else
//        0), averaged over pages; also by page type;
//      - htmldate: share of pages whose publication day equals the gold
//        (accuracy), with precision/recall as its comparison script counts
//        them.
//      And the speed: pages and MB (uncompressed HTML) per second of one
//      thread's CPU, end to end from the .html.gz file to the JSON object of
//      `veille extract`.
// Thread-safety: the functions are pure; EvaluateExtraction runs on the
//      calling thread.
#ifndef VEILLE_HTML_EVAL_H_
#define VEILLE_HTML_EVAL_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veille/html.h"
#include "veille/result.h"

namespace veille {

// Python's re.findall(r'\w+', text): maximal runs of letters (L*), numbers
// (N*) and '_'.
std::vector<std::string_view> WordTokens(std::string_view text);

// article-extraction-benchmark's string_shingle_matching: {tp, fp, fn}
// normalised to sum 1 (all 0 when both texts have no token).
struct ShingleMatch {
  double tp = 0, fp = 0, fn = 0;
};
ShingleMatch MatchShingles(std::string_view truth, std::string_view prediction, int n = 4);

// WCXB's per-page word F1 (lower-cased tokens, multiset overlap).
struct WordScore {
  double precision = 0, recall = 0, f1 = 0;
};
WordScore ScoreWords(std::string_view truth, std::string_view prediction);

// The JSON object `veille extract` prints for a page: {"source", "url",
// "title", "date", "authors", "outlet", "language", "text"} (null where
// unknown; "url" is the canonical URL, else the fetch URL).
std::string PageToJson(const ExtractedPage& page, std::string_view source,
                       const std::optional<std::string>& fetch_url);

struct ExtractionEvalOptions {
  std::string format;  // "scrapinghub", "wcxb" or "htmldate"
  // Only pages whose position in the benchmark's sorted order has this
  // parity (0 = even, 1 = odd): tune on one half, check on the other.
  std::optional<int> half;
  size_t limit = 0;  // 0 = all pages
  // Called after each page with (done, total), for a progress line.
  std::function<void(size_t, size_t)> progress;
};

struct ExtractionFigures {
  size_t pages = 0;
  double precision = 0, recall = 0, f1 = 0;
  double accuracy = 0;  // htmldate only
};

struct PageResult {
  std::string id;
  std::string type;                 // WCXB page type
  double f1 = 0;                    // shingle/word F1 of the page, or 1/0 for a date
  std::string predicted, expected;  // the dates (htmldate)
};

struct ExtractionReport {
  std::string format;
  ExtractionFigures all;
  std::map<std::string, ExtractionFigures> by_type;  // WCXB
  size_t errors = 0;                                 // pages that could not be read or extracted
  std::vector<std::string> error_messages;
  std::vector<PageResult> pages;
  double cpu_seconds = 0;  // reading, gunzip, decoding, extraction, JSON
  double html_mb = 0;      // uncompressed HTML
};

Result<ExtractionReport> EvaluateExtraction(const HtmlExtractor& extractor, const std::string& dir,
                                            const ExtractionEvalOptions& options);

// Human-readable summary; `worst` lists the lowest-scoring pages.
std::string FormatExtractionReport(const ExtractionReport& report, size_t worst = 0);
std::string ExtractionReportJson(const ExtractionReport& report);

// Reads a file, gunzipping it when its name ends in ".gz" (or it starts
// with the gzip magic). Error naming the file if it cannot be read or the
// gzip stream is corrupt or truncated.
Result<std::string> ReadMaybeGzip(const std::string& path);

}  // namespace veille

#endif  // VEILLE_HTML_EVAL_H_
