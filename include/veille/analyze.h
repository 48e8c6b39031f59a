// analyze.h: article-level analysis: language, date, outlet, source flags.
//
// In:  the RawArticle (its metadata: date, outlet, language, title) and its
//      Cleaned text with the removed boilerplate lines and their reasons.
// Out: Analysis:
//      - language: CLD2 over title + clean text, ISO 639-1; the metadata
//        language when CLD2 is not reliable; "und" when neither knows;
//      - date_in_text: a fuller date the text gives ("ce lundi 23 août" with
//        the year of the header/metadata date, "le 23 août 2021", "Monday,
//        August 23", "23/08/2021"), as precise as the text is; a weekday that
//        disagrees with the date rejects it; a day and month with no year in
//        the text or context gives nothing;
//      - date: RawArticle::date if present, else date_in_text;
//      - outlet: RawArticle::outlet, else the name the removed boilerplate
//        gives itself ("Rejoignez X sur", "Follow X on", "© 2021 X ...");
//      - flags: "designated-organisation-footnote" when the text carries the
//        footnote Russian law requires for organisations it bans.
// Resources: data/analyze/ (dates.tsv, outlet.txt, outlet_stop.txt, flags.txt).
// Thread-safety: MetadataAnalyzer is immutable after Create(); Analyze() is
//      const and safe from many threads. DetectLanguage is pure.
#ifndef VEILLE_ANALYZE_H_
#define VEILLE_ANALYZE_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "veille/article.h"
#include "veille/result.h"

namespace veille {

// ISO 639-1 code of the language of `text` (CLD2), or "und" when CLD2 finds
// none or is not reliable.
std::string DetectLanguage(std::string_view text);

class MetadataAnalyzer {
 public:
  // Loads data/analyze/* via DataPath; the error names file:line.
  static Result<std::unique_ptr<MetadataAnalyzer>> Create();
  static Result<std::unique_ptr<MetadataAnalyzer>> CreateFromDir(const std::string& dir);

  ~MetadataAnalyzer();
  MetadataAnalyzer(const MetadataAnalyzer&) = delete;
  MetadataAnalyzer& operator=(const MetadataAnalyzer&) = delete;

  Analysis Analyze(const RawArticle& raw, const Cleaned& clean) const;

  // The date the text itself gives (see above). `context_date` is the
  // header/metadata date (YYYY, YYYY-MM or YYYY-MM-DD) or empty; `language`
  // decides the order of ambiguous numeric dates.
  std::optional<std::string> DateInText(std::string_view text, std::string_view context_date,
                                        std::string_view language) const;

  // The outlet named by removed boilerplate, if any.
  std::optional<std::string> OutletFromBoilerplate(const Cleaned& clean) const;

  struct Impl;

 private:
  explicit MetadataAnalyzer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace veille

#endif  // VEILLE_ANALYZE_H_
