// source_list.cc: OPML and plain lists of sources; the round's summary line.
#include <fmt/format.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <string>

#include "veille/crawler.h"

namespace veille {
namespace {

bool IsHttp(const std::string& u) {
  return u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0;
}

void IgnoreXmlError(void*, xmlErrorPtr) {}

}  // namespace

std::string FormatCrawlSummary(const CrawlSummary& s) {
  return fmt::format(
      "sources due {}, fetched {}, not modified {}, new articles {}, updated {}, errors {} "
      "(retries {}, disallowed by robots.txt {}, seen before {}, changed {}, recovered {}){}",
      s.sources_due, s.fetched, s.not_modified, s.new_articles, s.updated, s.errors, s.retries,
      s.disallowed, s.already_seen, s.changed, s.recovered, s.interrupted ? " — interrupted" : "");
}

Result<std::vector<std::pair<std::string, std::string>>> ParseSourceList(std::string_view bytes) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string_view head = bytes.substr(0, 1024);
  if (head.find("<opml") != std::string_view::npos) {
    xmlSetStructuredErrorFunc(nullptr, IgnoreXmlError);
    xmlDoc* doc = xmlReadMemory(
        bytes.data(), static_cast<int>(bytes.size()), nullptr, nullptr,
        XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlSetStructuredErrorFunc(nullptr, nullptr);
    if (!doc) return Error::BadInput("OPML file is not XML");
    // Outlines nest (folders); walk them all.
    std::vector<xmlNode*> stack = {xmlDocGetRootElement(doc)};
    while (!stack.empty()) {
      xmlNode* n = stack.back();
      stack.pop_back();
      if (!n) continue;
      for (xmlNode* c = n->last; c; c = c->prev)
        if (c->type == XML_ELEMENT_NODE) stack.push_back(c);
      if (std::string_view(reinterpret_cast<const char*>(n->name)) != "outline") continue;
      xmlChar* url = xmlGetProp(n, reinterpret_cast<const xmlChar*>("xmlUrl"));
      xmlChar* title = xmlGetProp(n, reinterpret_cast<const xmlChar*>("title"));
      if (!title) title = xmlGetProp(n, reinterpret_cast<const xmlChar*>("text"));
      if (url)
        out.emplace_back(reinterpret_cast<const char*>(url),
                         title ? reinterpret_cast<const char*>(title) : "");
      xmlFree(url);
      xmlFree(title);
    }
    xmlFreeDoc(doc);
    return out;
  }
  size_t pos = 0;
  while (pos < bytes.size()) {
    size_t nl = bytes.find('\n', pos);
    std::string_view line = bytes.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? bytes.size() : nl + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line[0] == '#') continue;
    size_t sp = line.find_first_of(" \t");
    std::string url(line.substr(0, sp));
    std::string name = sp == std::string_view::npos ? "" : std::string(line.substr(sp + 1));
    if (!IsHttp(url)) return Error::BadInput("not an http(s) URL: " + url);
    out.emplace_back(url, name);
  }
  return out;
}

}  // namespace veille
