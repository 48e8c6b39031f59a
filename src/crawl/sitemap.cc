// sitemap.cc: <urlset> and <sitemapindex> documents (libxml2 tree).
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <memory>
#include <string>
#include <string_view>

#include "veille/crawl.h"

namespace veille {
namespace {

std::string_view Name(const xmlNode* n) { return reinterpret_cast<const char*>(n->name); }

std::string Text(const xmlNode* n) {
  xmlChar* c = xmlNodeGetContent(n);
  std::string_view s = c ? reinterpret_cast<const char*>(c) : "";
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\n' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  std::string out(s);
  xmlFree(c);
  return out;
}

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

void Ignore(void*, xmlErrorPtr) {}

void ReadNews(xmlNode* news, SitemapEntry* e) {
  for (xmlNode* c = news->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    std::string_view n = Name(c);
    if (n == "title") e->news_title = Text(c);
    if (n == "publication_date") e->news_date = Text(c);
    if (n == "publication") {
      for (xmlNode* p = c->children; p; p = p->next) {
        if (p->type != XML_ELEMENT_NODE) continue;
        if (Name(p) == "name") e->news_name = Text(p);
        if (Name(p) == "language") e->news_language = Text(p);
      }
    }
  }
}

}  // namespace

Result<Sitemap> ParseSitemap(std::string_view bytes, size_t max_entries) {
  if (bytes.empty() || bytes.size() > static_cast<size_t>(INT32_MAX))
    return Error::BadInput("empty or oversized sitemap");
  xmlSetStructuredErrorFunc(nullptr, Ignore);
  std::unique_ptr<xmlDoc, DocFree> doc(
      xmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), nullptr, nullptr,
                    XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                        XML_PARSE_NOCDATA));
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
  if (!root) return Error::BadInput("sitemap is not an XML document");
  Sitemap out;
  std::string_view rn = Name(root);
  if (rn == "sitemapindex") {
    out.index = true;
  } else if (rn != "urlset") {
    return Error::BadInput("not a sitemap: the root element is <" + std::string(rn) + ">");
  }
  const std::string_view item = out.index ? "sitemap" : "url";
  for (xmlNode* u = root->children; u && out.entries.size() < max_entries; u = u->next) {
    if (u->type != XML_ELEMENT_NODE || Name(u) != item) continue;
    SitemapEntry e;
    for (xmlNode* c = u->children; c; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      std::string_view n = Name(c);
      if (n == "loc") e.loc = Text(c);
      if (n == "lastmod") e.lastmod = Text(c);
      if (n == "news") ReadNews(c, &e);
    }
    if (!e.loc.empty()) out.entries.push_back(std::move(e));
  }
  return out;
}

}  // namespace veille
