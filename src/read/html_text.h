// html_text.h: the text of an HTML fragment (feed item content, titles), for
// the feed reader (not public). Main-content extraction of whole pages is the
// html module's; a feed's content is all article, so it is only flattened.
#ifndef VEILLE_READ_HTML_TEXT_H_
#define VEILLE_READ_HTML_TEXT_H_

#include <string>
#include <string_view>

namespace veille {

// The text of `html`: entities decoded, tags removed, script/style dropped,
// whitespace collapsed; block elements (p, div, h1-h6, li, blockquote, tr,
// br ...) end paragraphs, which are separated by blank lines. Plain text
// without markup comes back with its whitespace collapsed.
std::string HtmlToText(std::string_view html);

// `text` with &, < and > escaped, line breaks as <br>: text as HTML.
std::string HtmlEscapeText(std::string_view text);

}  // namespace veille

#endif  // VEILLE_READ_HTML_TEXT_H_
