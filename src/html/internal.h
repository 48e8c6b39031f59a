// internal.h: pieces shared by the html module's files (not public).
#ifndef VEILLE_HTML_INTERNAL_H_
#define VEILLE_HTML_INTERNAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "html/dom.h"
#include "veille/html.h"

namespace veille::html_internal {

// The data files of data/html/, loaded once by HtmlExtractor::Create.
struct Resources {
  struct Cue {
    std::string text;
    int weight;
  };
  std::unordered_map<std::string, int> token_cues;  // class/id words
  std::vector<Cue> substr_cues;                     // class/id substrings
  // substr_cues by their first two letters ((c0-'a')*26 + c1-'a'); cues
  // that do not start with two letters a-z are in substr_other.
  std::vector<std::vector<uint16_t>> substr_by_bigram;
  std::vector<uint16_t> substr_other;
  std::unordered_map<std::string, int> role_cues;
  std::unordered_map<std::string, int> itemprop_cues;
  std::vector<std::string> line_exact, line_prefix;  // boilerplate lines
  // Month names and abbreviations (lower case, NFC) -> 1..12.
  std::unordered_map<std::string, int> months;
  // Words that introduce a publication date in text ("published", "publié le").
  std::vector<std::string> date_cues_published, date_cues_modified;
  std::vector<std::string> byline_prefixes;  // "by", "par", "von" ...
};

Result<Resources> LoadResources(const std::string& dir);

// The summed weight of the substring cues found in `classid` (lower case),
// each cue counted once.
int SubstrCueWeight(const Resources& res, std::string_view classid);

// Blanks collapsed to one space, leading/trailing blanks removed; NBSP and
// other Unicode spaces become spaces, zero-width characters and soft hyphens
// are dropped.
std::string CollapseSpace(std::string_view s);
// Appends `s` to `out` collapsing blanks; `*space` tracks whether the last
// thing appended was a (pending) space across calls.
void AppendCollapsed(std::string_view s, std::string& out, bool* pending_space);

std::string AsciiLower(std::string_view s);
// Lower-cases with ICU (any script), NFC is kept.
std::string Utf8Lower(std::string_view s);

// The main content of a parsed page, as blocks. `title` (if any) is the
// headline found by the metadata pass: a heading equal to it at the start of
// the content is left out (it is the title, not the text).
struct ContentInput {
  const Document* doc;
  const Resources* res;
  std::optional<std::string> title;
  std::optional<std::string> json_ld_body;  // JSON-LD articleBody, if any
  bool declared_article = false;            // the metadata says it is an article
};
std::vector<Block> ExtractContent(const ContentInput& in, std::vector<Diagnostic>* diags);

// Metadata of the page (everything in ExtractedPage but the text).
// `*declared_article` (if not null): the page says it is an article
// (JSON-LD Article and kin, og:type article).
void ExtractMetadata(const Document& doc, const Resources& res, const PageInput& page,
                     ExtractedPage* out, std::optional<std::string>* json_ld_body,
                     bool* declared_article = nullptr);

// When the page shows its readers the modification date of the metadata
// and not the publication date (a page republished, "updated" dates that
// replace the first one), the date shown is the page's date.
void PreferDisplayedDate(const Document& doc, const Resources& res, ExtractedPage* page);

// The date in the visible text of `blocks` or of the page, after the
// metadata found none (htmldate-like search; see metadata.cc).
std::optional<std::string> DateFromText(const Document& doc, const Resources& res,
                                        const std::vector<Block>& blocks,
                                        std::optional<std::string_view> max_date);

}  // namespace veille::html_internal

#endif  // VEILLE_HTML_INTERNAL_H_
