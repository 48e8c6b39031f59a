// html_text.cc: HTML fragment -> paragraphs of text (libxml2's HTML parser).
#include "read/html_text.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <string>
#include <string_view>

namespace veille {
namespace {

bool IsBlock(std::string_view n) {
  static constexpr std::string_view kBlocks[] = {
      "p",          "div",    "h1",         "h2",       "h3",      "h4",      "h5",
      "h6",         "li",     "ul",         "ol",       "dl",      "dt",      "dd",
      "blockquote", "pre",    "table",      "tr",       "br",      "hr",      "section",
      "article",    "figure", "figcaption", "header",   "footer",  "aside",   "nav",
      "address",    "main",   "form",       "fieldset", "details", "summary", "center"};
  for (std::string_view b : kBlocks)
    if (n == b) return true;
  return false;
}

bool IsDropped(std::string_view n) {
  return n == "script" || n == "style" || n == "noscript" || n == "template" || n == "iframe" ||
         n == "object" || n == "svg" || n == "head";
}

struct Flattener {
  std::string out;
  bool space = false;  // a blank is owed before the next word
  bool para = false;   // a paragraph break is owed before the next word

  void Word(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      // ASCII blanks and U+00A0 inside runs collapse; U+00A0 is kept as a
      // character (French typography uses it before : ; ! ?).
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        space = true;
        ++i;
        continue;
      }
      if (!out.empty()) {
        if (para) {
          out += "\n\n";
        } else if (space) {
          out += ' ';
        }
      }
      para = space = false;
      size_t j = i;
      while (j < s.size() && s[j] != ' ' && s[j] != '\t' && s[j] != '\n' && s[j] != '\r' &&
             s[j] != '\f')
        ++j;
      out.append(s.substr(i, j - i));
      i = j;
    }
  }

  void Walk(xmlNode* n, int depth) {
    for (; n; n = n->next) {
      if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content) Word(reinterpret_cast<const char*>(n->content));
      } else if (n->type == XML_ELEMENT_NODE) {
        std::string_view name(reinterpret_cast<const char*>(n->name));
        if (IsDropped(name)) continue;
        bool block = IsBlock(name);
        if (block) para = true;
        if (depth < 256) Walk(n->children, depth + 1);  // deeper nesting is flattened away
        if (block) para = true;
      }
    }
  }
};

}  // namespace

std::string HtmlToText(std::string_view html) {
  if (html.find('<') == std::string_view::npos && html.find('&') == std::string_view::npos) {
    Flattener f;
    f.Word(html);
    return f.out;
  }
  if (html.size() > (1u << 30)) html = html.substr(0, 1u << 30);
  // Wrapped so that a fragment's leading text is not taken for a head.
  std::string doc = "<html><body>";
  doc += html;
  doc += "</body></html>";
  htmlDocPtr d = htmlReadMemory(
      doc.data(), static_cast<int>(doc.size()), nullptr, "UTF-8",
      HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
  if (!d) return {};
  Flattener f;
  f.Walk(xmlDocGetRootElement(d), 0);
  xmlFreeDoc(d);
  return f.out;
}

std::string HtmlEscapeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\n':
        out += "<br>";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace veille
