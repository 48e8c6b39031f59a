// html.h: web pages in, articles out: charset decoding, main-content and
// metadata extraction, canonical URLs.
//
// In:  the bytes of an HTML page (any charset) and, when known, the URL it was
//      fetched from, the charset its HTTP header declared and the fetch date.
// Out: DecodeToUtf8 gives the page as UTF-8; HtmlExtractor::Extract gives an
//      ExtractedPage: the main text as blocks (paragraphs, headings, list
//      items, block quotes, table rows, preformatted text, in page order)
//      with navigation, related links, comments, cookie banners, share bars,
//      ads and footers dropped; and the headline, publication and
//      modification dates (ISO 8601), authors, outlet, language and
//      canonical URL. NormalizeUrl gives the form of a URL used for identity.
//      ExtractLinks lists a page's links and where they sit (menus, headings,
//      the article).
// Resources: data/html/ (boilerplate cues and weights, tracking parameters,
//      month names for dates in text; see data/html/README.md).
// Thread-safety: HtmlExtractor is immutable after Create(); Extract() is
//      const and may run on many threads at once. The free functions are
//      pure.
//
// Pages are parsed by a fast tolerant HTML parser of the module's own (the
// tree a browser would build for well-formed pages; the usual recoveries for
// unclosed and misnested tags), bounded in nesting depth, so that a page
// costs time linear in its size.
#ifndef VEILLE_HTML_H_
#define VEILLE_HTML_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veille/article.h"
#include "veille/result.h"

namespace veille {

// The page's bytes as UTF-8. The charset is taken from, in order: a byte
// order mark; `http_charset` (the HTTP Content-Type header's charset); a
// <meta charset> or <meta http-equiv="Content-Type"> in the first 4 KB; ICU's
// charset detector. A page that lies about its charset still comes out
// readable: a declared UTF-8 that is not valid UTF-8 is detected again, and a
// declared single-byte charset (latin-1, windows-1252 ...) over bytes that
// are valid UTF-8 with multi-byte sequences is read as UTF-8, and text that
// was UTF-8 misread as latin-1/windows-1252 and saved again ("â€”" for "—")
// is read back when the page shows it three times or more. Sequences the
// charset cannot map become U+FFFD. `*charset_used` (if not null) receives
// the name of the charset used ("UTF-8", "windows-1252" ...). Error
// (BadInput) for content that is not text (NUL bytes or control characters
// in much of the first kilobytes: an image or archive labelled text/html).
Result<std::string> DecodeToUtf8(std::string_view bytes,
                                 std::optional<std::string_view> http_charset = std::nullopt,
                                 std::string* charset_used = nullptr);

// A page to extract from. `html` is UTF-8 (see DecodeToUtf8).
struct PageInput {
  std::string_view html;
  std::optional<std::string> url;         // where it was fetched from
  std::optional<std::string> fetch_date;  // ISO 8601; bounds plausible dates
};

// One block of main text.
struct Block {
  enum class Kind { kParagraph, kHeading, kListItem, kQuote, kTable, kPre };
  Kind kind = Kind::kParagraph;
  std::string text;  // one line; a table row's cells are separated by " | "
};
// "p", "h", "li", "quote", "table", "pre".
const char* BlockKindName(Block::Kind kind);

struct ExtractedPage {
  std::optional<std::string> title;
  std::optional<std::string> date;      // publication, ISO 8601 (YYYY-MM-DD[THH:MM:SS±HH:MM])
  std::optional<std::string> modified;  // last modification, same form
  std::optional<std::string> outlet;
  std::optional<std::string> language;       // ISO 639-1
  std::optional<std::string> canonical_url;  // absolute, NormalizeUrl'ed
  std::vector<std::string> authors;
  std::string text;           // the blocks' texts separated by blank lines
  std::vector<Block> blocks;  // in page order
  // Problems that did not stop the extraction (nesting flattened, page
  // truncated, no main text found ...). `where` is the page URL or empty.
  std::vector<Diagnostic> diagnostics;
};

struct HtmlOptions {
  // Bytes of HTML parsed; the rest of a larger page is ignored with a
  // diagnostic (a 50 MB page is a dump, not an article).
  size_t max_html_bytes = 16u << 20;
  // Elements nested deeper than this are attached to the element at this
  // depth (a diagnostic says so): pathological pages (tables nested 10,000
  // deep) cost linear time and bounded stack.
  int max_depth = 256;
};

class HtmlExtractor {
 public:
  // Loads data/html/* via DataPath; the error names the file and line.
  static Result<std::unique_ptr<HtmlExtractor>> Create(const HtmlOptions& options = {});
  static Result<std::unique_ptr<HtmlExtractor>> CreateFromDir(const std::string& dir,
                                                              const HtmlOptions& options = {});
  ~HtmlExtractor();
  HtmlExtractor(const HtmlExtractor&) = delete;
  HtmlExtractor& operator=(const HtmlExtractor&) = delete;

  // Extracts the main text and metadata. Error (BadInput) only when the
  // input cannot be a page at all (not UTF-8 text); a page with no main text
  // gives an empty text and a diagnostic.
  Result<ExtractedPage> Extract(const PageInput& page) const;

  struct Impl;

 private:
  explicit HtmlExtractor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The identity form of a URL: scheme and host lower-cased, default ports
// (:80 for http, :443 for https) and the fragment removed, tracking query
// parameters (utm_*, fbclid, gclid ...: data/html/tracking_params.txt)
// removed, remaining parameters kept in their order, "/" for an empty path,
// trailing junk (spaces, quotes, ">" ...) cut. A string that is not an
// absolute http(s) URL comes back trimmed but otherwise unchanged.
std::string NormalizeUrl(std::string_view url);

// `ref` resolved against the absolute URL `base` (RFC 3986 section 5), or
// `ref` itself if it is already absolute or `base` is not.
std::string ResolveUrl(std::string_view base, std::string_view ref);

// A link of a page (an <a href>), with where on the page it sits: what a
// crawler needs to tell a section page's article links from its menus.
struct PageLink {
  std::string url;   // absolute: resolved against <base href> or the page URL
  std::string text;  // the anchor's text, white space collapsed
  // Inside <nav>, <header>, <footer>, <aside>, <menu>, or an element whose
  // role is navigation/banner/contentinfo/complementary.
  bool in_navigation = false;
  bool in_heading = false;  // inside <h1>..<h6>
  bool in_article = false;  // inside <article> or <main>
};

// The <a href> links of a UTF-8 page in document order (at most `max_links`),
// skipping javascript:, mailto: and other non-http(s) targets and links
// marked rel="nofollow". `page_url` resolves relative links.
std::vector<PageLink> ExtractLinks(std::string_view html, std::string_view page_url,
                                   size_t max_links = 5000);

}  // namespace veille

#endif  // VEILLE_HTML_H_
