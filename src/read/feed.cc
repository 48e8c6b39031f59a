// feed.cc: RSS 2.0, RSS 1.0 (RDF) and Atom documents -> Feed (libxml2 tree).
#include "veille/feed.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>

#include <memory>
#include <string>
#include <string_view>

#include "read/html_text.h"
#include "read/read_internal.h"

namespace veille {
namespace {

using read_internal::EqualsIgnoreCase;
using read_internal::TrimAscii;

constexpr std::string_view kAtomNs = "http://www.w3.org/2005/Atom";
constexpr std::string_view kContentNs = "http://purl.org/rss/1.0/modules/content/";
constexpr std::string_view kDcNs = "http://purl.org/dc/elements/1.1/";
constexpr std::string_view kRdfNs = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

// A description without separate full content is taken as the full text when
// it is this long and has this many paragraphs: some feeds put whole articles
// in <description>.
constexpr size_t kFullDescriptionBytes = 1500;
constexpr size_t kFullDescriptionParagraphs = 3;

std::string_view Str(const xmlChar* s) {
  return s ? std::string_view(reinterpret_cast<const char*>(s)) : std::string_view();
}

std::string_view Name(const xmlNode* n) { return Str(n->name); }
std::string_view Ns(const xmlNode* n) { return n->ns ? Str(n->ns->href) : std::string_view(); }

bool Is(const xmlNode* n, std::string_view name, std::string_view ns = {}) {
  if (n->type != XML_ELEMENT_NODE || Name(n) != name) return false;
  return ns.empty() || Ns(n) == ns;
}

std::string Text(const xmlNode* n) {
  xmlChar* c = xmlNodeGetContent(n);
  std::string out(TrimAscii(Str(c)));
  xmlFree(c);
  return out;
}

std::string Attr(const xmlNode* n, const char* name, const xmlChar* ns = nullptr) {
  xmlChar* v = ns ? xmlGetNsProp(n, reinterpret_cast<const xmlChar*>(name), ns)
                  : xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  std::string out(TrimAscii(Str(v)));
  xmlFree(v);
  return out;
}

// The markup inside `n` (Atom type="xhtml" content) as a string.
std::string InnerXml(xmlNode* n) {
  xmlBufferPtr buf = xmlBufferCreate();
  for (xmlNode* c = n->children; c; c = c->next) xmlNodeDump(buf, n->doc, c, 0, 0);
  std::string out(Str(xmlBufferContent(buf)));
  xmlBufferFree(buf);
  return out;
}

// Text content of an Atom text construct (type text, html or xhtml).
std::string AtomText(xmlNode* n) {
  std::string type = Attr(n, "type");
  if (type == "xhtml") return HtmlToText(InnerXml(n));
  if (type == "html" || type == "text/html") return HtmlToText(Text(n));
  return Text(n);
}

// The markup of an Atom content or summary element, as HTML.
std::string AtomHtml(xmlNode* n) {
  std::string type = Attr(n, "type");
  if (type == "xhtml") return InnerXml(n);
  if (type == "html" || type == "text/html" || type.empty() || type == "text") {
    std::string t = Text(n);
    if (type == "text" || type.empty()) return HtmlEscapeText(t);
    return t;
  }
  return {};  // out-of-line or binary content (src=, base64): nothing to read
}

std::string Resolve(xmlNode* n, const std::string& href) {
  if (href.empty()) return {};
  xmlChar* base = xmlNodeGetBase(n->doc, n);
  xmlChar* abs = xmlBuildURI(reinterpret_cast<const xmlChar*>(href.c_str()), base);
  std::string out = abs ? std::string(Str(abs)) : href;
  xmlFree(base);
  xmlFree(abs);
  return out;
}

void AddUnique(std::vector<std::string>* v, std::string s) {
  if (s.empty()) return;
  for (const auto& x : *v)
    if (x == s) return;
  v->push_back(std::move(s));
}

// Decides summary_only from what the item holds.
void Finish(FeedItem* it) {
  if (!it->content.empty()) return;
  size_t paragraphs = 0;
  std::string text = HtmlToText(it->summary);
  for (size_t p = 0; (p = text.find("\n\n", p)) != std::string::npos; p += 2) ++paragraphs;
  if (text.size() >= kFullDescriptionBytes && paragraphs + 1 >= kFullDescriptionParagraphs) {
    it->content = it->summary;
    return;
  }
  it->summary_only = true;
}

FeedItem RssItem(xmlNode* item) {
  FeedItem it;
  it.line = static_cast<uint32_t>(xmlGetLineNo(item) > 0 ? xmlGetLineNo(item) : 0);
  it.guid = Attr(item, "about", reinterpret_cast<const xmlChar*>(kRdfNs.data()));
  std::string guid_link;
  for (xmlNode* c = item->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    std::string_view ns = Ns(c), name = Name(c);
    if (ns == kContentNs && name == "encoded") {
      it.content = Text(c);
    } else if (ns == kDcNs) {
      if (name == "creator" || name == "contributor") AddUnique(&it.authors, Text(c));
      if (name == "subject") AddUnique(&it.categories, Text(c));
      if (name == "date" && it.published.empty()) it.published = NormalizeFeedDate(Text(c));
    } else if (ns == kAtomNs) {
      if (name == "updated") it.updated = NormalizeFeedDate(Text(c));
    } else if (!ns.empty() && ns.find("purl.org/rss/1.0") == std::string_view::npos &&
               ns.find("backend.userland.com") == std::string_view::npos) {
      continue;  // media:, itunes:, slash: ... not needed
    } else if (name == "title") {
      it.title = HtmlToText(Text(c));
    } else if (name == "link") {
      if (it.link.empty()) it.link = Resolve(c, Text(c));
    } else if (name == "guid") {
      it.guid = Text(c);
      std::string perma = Attr(c, "isPermaLink");
      if (!EqualsIgnoreCase(perma, "false") &&
          (it.guid.rfind("http://", 0) == 0 || it.guid.rfind("https://", 0) == 0))
        guid_link = it.guid;
    } else if (name == "pubDate") {
      it.published = NormalizeFeedDate(Text(c));
    } else if (name == "author") {
      // RSS 2.0: "email (Name)" or just a name.
      std::string a = Text(c);
      size_t open = a.find('('), close = a.rfind(')');
      if (open != std::string::npos && close != std::string::npos && close > open)
        a = std::string(TrimAscii(std::string_view(a).substr(open + 1, close - open - 1)));
      AddUnique(&it.authors, std::move(a));
    } else if (name == "category") {
      AddUnique(&it.categories, Text(c));
    } else if (name == "description") {
      it.summary = Text(c);
    }
  }
  if (it.link.empty()) it.link = guid_link;
  Finish(&it);
  return it;
}

FeedItem AtomEntry(xmlNode* entry) {
  FeedItem it;
  it.line = static_cast<uint32_t>(xmlGetLineNo(entry) > 0 ? xmlGetLineNo(entry) : 0);
  std::string first_link;
  for (xmlNode* c = entry->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    std::string_view ns = Ns(c), name = Name(c);
    if (ns == kDcNs) {
      if (name == "creator") AddUnique(&it.authors, Text(c));
      if (name == "subject") AddUnique(&it.categories, Text(c));
      continue;
    }
    if (ns != kAtomNs) continue;
    if (name == "title") {
      it.title = AtomText(c);
    } else if (name == "link") {
      std::string rel = Attr(c, "rel");
      std::string href = Resolve(c, Attr(c, "href"));
      if (rel.empty() || rel == "alternate") {
        if (it.link.empty()) it.link = href;
      } else if (first_link.empty() && rel != "enclosure" && rel != "replies") {
        first_link = href;
      }
    } else if (name == "id") {
      it.guid = Text(c);
    } else if (name == "published") {
      it.published = NormalizeFeedDate(Text(c));
    } else if (name == "updated") {
      it.updated = NormalizeFeedDate(Text(c));
    } else if (name == "author" || name == "contributor") {
      for (xmlNode* a = c->children; a; a = a->next)
        if (Is(a, "name")) AddUnique(&it.authors, Text(a));
    } else if (name == "category") {
      std::string label = Attr(c, "label");
      AddUnique(&it.categories, label.empty() ? Attr(c, "term") : label);
    } else if (name == "summary") {
      it.summary = AtomHtml(c);
    } else if (name == "content") {
      it.content = AtomHtml(c);
    }
  }
  if (it.published.empty()) it.published = it.updated;
  if (it.link.empty()) it.link = first_link;
  Finish(&it);
  return it;
}

void Channel(xmlNode* ch, Feed* feed) {
  for (xmlNode* c = ch->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    std::string_view name = Name(c);
    if (Ns(c) == kDcNs) {
      if (name == "language" && feed->language.empty()) feed->language = Text(c);
      continue;
    }
    if (name == "title" && feed->title.empty()) feed->title = HtmlToText(Text(c));
    if (name == "link" && feed->link.empty() && Ns(c) != kAtomNs)  // not atom:link rel=self
      feed->link = Resolve(c, Text(c));
    if (name == "language" && feed->language.empty()) feed->language = Text(c);
  }
}

void OnXmlError(void* ctx, xmlErrorPtr e) {
  auto* problems = static_cast<std::vector<std::string>*>(ctx);
  if (!e || problems->size() >= 20) return;
  std::string msg(TrimAscii(e->message ? e->message : "XML error"));
  problems->push_back("line " + std::to_string(e->line) + ": " + msg);
}

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

// First bytes after a BOM, the XML declaration, comments, processing
// instructions and a DOCTYPE.
std::string_view SkipProlog(std::string_view s) {
  if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  for (;;) {
    size_t b = 0;
    while (b < s.size() && read_internal::IsAsciiSpace(s[b])) ++b;
    s.remove_prefix(b);
    if (s.substr(0, 4) == "<!--") {
      size_t e = s.find("-->");
      if (e == std::string_view::npos) return {};
      s.remove_prefix(e + 3);
    } else if (s.substr(0, 2) == "<?" || s.substr(0, 2) == "<!") {
      size_t e = s.find('>');
      if (e == std::string_view::npos) return {};
      s.remove_prefix(e + 1);
    } else {
      return s;
    }
  }
}

}  // namespace

bool LooksLikeFeed(std::string_view head) {
  std::string_view s = SkipProlog(head);
  auto starts = [&](std::string_view tag) {
    if (s.substr(0, tag.size()) != tag || s.size() == tag.size()) return false;
    char c = s[tag.size()];
    return c == ' ' || c == '>' || c == '\t' || c == '\n' || c == '\r' || c == '/';
  };
  if (starts("<rss") || starts("<feed") || starts("<rdf:RDF") || starts("<RDF")) return true;
  // A namespace prefix on the root: <atom:feed ...>.
  if (s.size() > 2 && s[0] == '<') {
    size_t colon = s.find(':');
    size_t space = s.find_first_of(" >\t\r\n");
    if (colon != std::string_view::npos && colon < space) {
      std::string_view local = s.substr(colon + 1, space - colon - 1);
      return local == "feed" || local == "rss" || local == "RDF";
    }
  }
  return false;
}

Result<Feed> ParseFeed(std::string_view bytes, std::string_view url, const FeedOptions& options) {
  Feed feed;
  if (TrimAscii(bytes).empty()) return Error::BadInput("empty document, not a feed");
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) return Error::BadInput("feed too large");
  std::string base(url);
  xmlSetStructuredErrorFunc(&feed.problems, OnXmlError);
  std::unique_ptr<xmlDoc, DocFree> doc(xmlReadMemory(
      bytes.data(), static_cast<int>(bytes.size()), base.empty() ? nullptr : base.c_str(), nullptr,
      XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
          XML_PARSE_NOCDATA | XML_PARSE_NOBLANKS));
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
  if (!root) {
    std::string why = feed.problems.empty() ? "no root element" : feed.problems.front();
    return Error::BadInput("not an XML document (" + why + ")");
  }
  std::string_view rname = Name(root);
  auto add = [&](FeedItem it) {
    if (feed.items.size() >= options.max_items) return;
    it.number = static_cast<uint32_t>(feed.items.size() + 1);
    feed.items.push_back(std::move(it));
  };
  if (rname == "rss") {
    feed.format = Feed::Format::kRss2;
    for (xmlNode* c = root->children; c; c = c->next) {
      if (!Is(c, "channel")) continue;
      Channel(c, &feed);
      for (xmlNode* i = c->children; i; i = i->next)
        if (Is(i, "item")) add(RssItem(i));
    }
    // Some feeds put items beside the channel instead of inside it.
    for (xmlNode* c = root->children; c; c = c->next)
      if (Is(c, "item")) add(RssItem(c));
  } else if (rname == "RDF") {
    feed.format = Feed::Format::kRss1;
    for (xmlNode* c = root->children; c; c = c->next) {
      if (Is(c, "channel")) Channel(c, &feed);
      if (Is(c, "item")) add(RssItem(c));
    }
  } else if (rname == "feed") {
    feed.format = Feed::Format::kAtom;
    feed.language = Attr(root, "lang",
                         reinterpret_cast<const xmlChar*>("http://www.w3.org/XML/1998/namespace"));
    for (xmlNode* c = root->children; c; c = c->next) {
      if (Is(c, "title", kAtomNs) && feed.title.empty()) feed.title = AtomText(c);
      if (Is(c, "link", kAtomNs) && feed.link.empty()) {
        std::string rel = Attr(c, "rel");
        if (rel.empty() || rel == "alternate") feed.link = Resolve(c, Attr(c, "href"));
      }
      if (Is(c, "entry")) add(AtomEntry(c));
    }
  } else {
    return Error::BadInput("not a feed: the root element is <" + std::string(rname) +
                           ">, not <rss>, <rdf:RDF> or <feed>");
  }
  return feed;
}

}  // namespace veille
