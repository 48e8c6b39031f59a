// links.cc: a page's links and where they sit (see ExtractLinks in html.h).
#include <string>
#include <vector>

#include "html/dom.h"
#include "veille/html.h"

namespace veille {
namespace {

using html_internal::Document;
using html_internal::kNone;
using html_internal::Node;
using html_internal::Tag;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

// Whether the space-separated `list` holds `word` (ASCII case-insensitive).
bool HasToken(std::string_view list, std::string_view word) {
  size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && (list[i] == ' ' || list[i] == '\t' || list[i] == '\n')) ++i;
    size_t j = i;
    while (j < list.size() && list[j] != ' ' && list[j] != '\t' && list[j] != '\n') ++j;
    if (j > i && EqualsIgnoreCase(list.substr(i, j - i), word)) return true;
    i = j;
  }
  return false;
}

bool IsNavigationRole(std::string_view role) {
  for (std::string_view r :
       {"navigation", "banner", "contentinfo", "complementary", "menu", "menubar"})
    if (HasToken(role, r)) return true;
  return false;
}

void AppendText(const Document& doc, uint32_t i, std::string* out, size_t cap) {
  const Node& n = doc.node(i);
  if (n.is_text) {
    std::string_view t = doc.Text(i);
    for (char c : t) {
      if (out->size() >= cap) return;
      bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
      if (space) {
        if (!out->empty() && out->back() != ' ') out->push_back(' ');
      } else {
        out->push_back(c);
      }
    }
    return;
  }
  if (n.tag == Tag::kScript || n.tag == Tag::kStyle) return;
  for (uint32_t c = n.first_child; c != kNone; c = doc.node(c).next) AppendText(doc, c, out, cap);
}

bool IsHttp(std::string_view u) {
  return u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0;
}

}  // namespace

std::vector<PageLink> ExtractLinks(std::string_view html, std::string_view page_url,
                                   size_t max_links) {
  std::vector<PageLink> out;
  Document doc = html_internal::Parse(html, 256);
  std::string base(page_url);
  // The first <base href> sets the base of every relative link.
  for (uint32_t i = 1; i < doc.nodes.size(); ++i) {
    const Node& n = doc.node(i);
    if (n.is_text || n.tag != Tag::kBase) continue;
    bool found = false;
    std::string_view href = doc.Attribute(i, "href", &found);
    if (found && !href.empty()) base = ResolveUrl(page_url, href);
    break;
  }
  for (uint32_t i = 1; i < doc.nodes.size() && out.size() < max_links; ++i) {
    const Node& n = doc.node(i);
    if (n.is_text || n.tag != Tag::kA) continue;
    bool found = false;
    std::string_view href = doc.Attribute(i, "href", &found);
    if (!found || href.empty() || href[0] == '#') continue;
    if (HasToken(doc.Attribute(i, "rel"), "nofollow")) continue;
    std::string url = ResolveUrl(base, href);
    if (!IsHttp(url)) continue;
    PageLink link;
    link.url = std::move(url);
    AppendText(doc, i, &link.text, 300);
    while (!link.text.empty() && link.text.back() == ' ') link.text.pop_back();
    bool page_part = false;
    for (uint32_t p = n.parent; p != kNone && p != 0; p = doc.node(p).parent) {
      const Node& a = doc.node(p);
      if (a.is_text) continue;
      switch (a.tag) {
        case Tag::kHeader:
        case Tag::kFooter:
          page_part = true;  // the page's banner or footer, unless an article's own
          break;
        case Tag::kNav:
        case Tag::kAside:
        case Tag::kMenu:
          link.in_navigation = true;
          break;
        case Tag::kH1:
        case Tag::kH2:
        case Tag::kH3:
        case Tag::kH4:
        case Tag::kH5:
        case Tag::kH6:
          link.in_heading = true;
          break;
        case Tag::kArticle:
        case Tag::kMain:
          link.in_article = true;
          break;
        default:
          break;
      }
      if (IsNavigationRole(doc.Attribute(p, "role"))) link.in_navigation = true;
    }
    if (page_part && !link.in_article) link.in_navigation = true;
    out.push_back(std::move(link));
  }
  return out;
}

}  // namespace veille
