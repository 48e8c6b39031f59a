// metadata.cc: headline, dates, authors, outlet, language and canonical URL.
//
// Sources in order of trust: JSON-LD (schema.org Article and kin), <meta>
// (Open Graph, article:*, Dublin Core, itemprop ...), microdata elements,
// <time datetime>, the <h1> and <title>, the URL path; dates in the text
// last (DateFromText).
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "html/dates.h"
#include "html/internal.h"

namespace veille::html_internal {
namespace {

using nlohmann::json;

// Meta names (name=, property= or itemprop=, lower case) that give the
// publication date, most trusted first.
const char* const kPublishedMeta[] = {
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "og:published_time",
    "published_time",
    "article.published",
    "parsely-pub-date",
    "sailthru.date",
    "publish-date",
    "publish_date",
    "publishdate",
    "pubdate",
    "date_published",
    "publication_date",
    "pub_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "citation_publication_date",
    "citation_date",
    "originalpublicationdate",
    "article_date_original",
    "cxenseparse:recs:publishtime",
    "rnews:datepublished",
    "date",
    "release_date",
    "datecreated",
    "created",
    "og:pubdate",
    "article:post_date",
    "bt:pubdate",
    "dc.created",
    "eprints.date",
    "prism.publicationdate",
};
const char* const kModifiedMeta[] = {
    "article:modified_time", "og:updated_time",  "datemodified",    "og:article:modified_time",
    "article:modified",      "modified_time",    "last-modified",   "lastmod",
    "dcterms.modified",      "dc.date.modified", "article.updated", "revised",
    "parsely-updated",
};
const char* const kAuthorMeta[] = {
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "byl",
    "citation_author",
    "twitter:creator",
    "og:article:author",
};

struct Found {
  std::map<std::string, std::string> meta;  // first value for each name
  std::string html_lang, content_language, canonical, title_tag, h1;
  std::vector<std::string> ld_blocks;
  struct TimeValue {
    std::string datetime;
    bool pub_cue;         // pubdate attribute, "published"/"posted" class
    bool inside_article;  // within <article> or <main>
  };
  std::vector<TimeValue> time_values;
  std::vector<std::string> itemprop_published, itemprop_modified, itemprop_author;
  std::vector<std::string> rel_author;
};

std::string NodeText(const Document& doc, uint32_t i) {
  std::string out;
  std::vector<uint32_t> stack{i};
  int guard = 0;
  while (!stack.empty() && ++guard < 10000) {
    uint32_t k = stack.back();
    stack.pop_back();
    const Node& n = doc.nodes[k];
    if (n.is_text) {
      out += doc.Text(k);
      out += ' ';
      continue;
    }
    if (n.tag == Tag::kScript || n.tag == Tag::kStyle) continue;
    std::vector<uint32_t> kids;
    for (uint32_t c = n.first_child; c != kNone; c = doc.nodes[c].next) kids.push_back(c);
    for (auto it = kids.rbegin(); it != kids.rend(); ++it) stack.push_back(*it);
  }
  return CollapseSpace(out);
}

// NodeText of element i, or nullopt as soon as it holds more than
// `max_nonblank` non-blank bytes (its collapsed text would be longer).
std::optional<std::string> ShortNodeText(const Document& doc, uint32_t i, size_t max_nonblank) {
  std::string out;
  size_t nonblank = 0;
  std::vector<uint32_t> stack{i};
  while (!stack.empty()) {
    uint32_t k = stack.back();
    stack.pop_back();
    const Node& n = doc.nodes[k];
    if (n.is_text) {
      std::string_view t = doc.Text(k);
      for (char c : t) nonblank += static_cast<unsigned char>(c) > ' ';
      if (nonblank > max_nonblank) return std::nullopt;
      out += t;
      out += ' ';
      continue;
    }
    if (n.tag == Tag::kScript || n.tag == Tag::kStyle) continue;
    size_t mark = stack.size();
    for (uint32_t c = n.first_child; c != kNone; c = doc.nodes[c].next) stack.push_back(c);
    std::reverse(stack.begin() + static_cast<std::ptrdiff_t>(mark), stack.end());
  }
  return CollapseSpace(out);
}

bool InsideArticle(const Document& doc, uint32_t i) {
  for (uint32_t p = doc.nodes[i].parent; p != kNone; p = doc.nodes[p].parent)
    if (doc.nodes[p].tag == Tag::kArticle || doc.nodes[p].tag == Tag::kMain) return true;
  return false;
}

void Scan(const Document& doc, Found* f) {
  for (uint32_t i = 1; i < doc.nodes.size(); ++i) {
    const Node& n = doc.nodes[i];
    if (n.is_text) continue;
    switch (n.tag) {
      case Tag::kHtml:
        if (f->html_lang.empty()) {
          f->html_lang = std::string(doc.Attribute(i, "lang"));
          if (f->html_lang.empty()) f->html_lang = std::string(doc.Attribute(i, "xml:lang"));
        }
        break;
      case Tag::kMeta: {
        std::string content = std::string(doc.Attribute(i, "content"));
        if (content.empty()) content = std::string(doc.Attribute(i, "value"));
        if (content.empty()) break;
        for (const char* key : {"property", "name", "itemprop", "http-equiv"}) {
          std::string_view k = doc.Attribute(i, key);
          if (k.empty()) continue;
          std::string name = AsciiLower(k);
          if (name == "content-language" && f->content_language.empty())
            f->content_language = content;
          f->meta.emplace(name, content);
        }
        break;
      }
      case Tag::kLink: {
        std::string rel = AsciiLower(doc.Attribute(i, "rel"));
        if (rel == "canonical" && f->canonical.empty())
          f->canonical = std::string(doc.Attribute(i, "href"));
        break;
      }
      case Tag::kTitle:
        if (f->title_tag.empty()) {
          // <title> inside <svg> is not the page title.
          bool svg = false;
          for (uint32_t p = n.parent; p != kNone; p = doc.nodes[p].parent)
            if (doc.nodes[p].tag == Tag::kSvg) svg = true;
          if (!svg) f->title_tag = NodeText(doc, i);
        }
        break;
      case Tag::kH1:
        if (f->h1.empty()) f->h1 = NodeText(doc, i);
        break;
      case Tag::kScript: {
        std::string type = AsciiLower(doc.Attribute(i, "type"));
        if (type.find("ld+json") != std::string::npos && n.first_child != kNone &&
            doc.nodes[n.first_child].is_text)
          f->ld_blocks.emplace_back(doc.Text(n.first_child));
        break;
      }
      case Tag::kTime: {
        bool has = false;
        std::string_view dt = doc.Attribute(i, "datetime", &has);
        bool pub = false;
        doc.Attribute(i, "pubdate", &pub);
        std::string cls = AsciiLower(doc.Attribute(i, "class"));
        if (cls.find("publish") != std::string::npos || cls.find("posted") != std::string::npos)
          pub = true;
        if (has && !dt.empty())
          f->time_values.push_back({std::string(dt), pub, InsideArticle(doc, i)});
        break;
      }
      case Tag::kA: {
        std::string rel = AsciiLower(doc.Attribute(i, "rel"));
        if (rel == "author") f->rel_author.push_back(NodeText(doc, i));
        break;
      }
      default:
        break;
    }
    // Microdata (itemprop) or RDFa (property="schema:datePublished").
    std::string_view prop = doc.Attribute(i, "itemprop");
    if (prop.empty() && n.tag != Tag::kMeta) {
      prop = doc.Attribute(i, "property");
      prop = prop.substr(prop.find(':') == std::string_view::npos ? 0 : prop.find(':') + 1);
    }
    if (!prop.empty() && n.tag != Tag::kMeta) {
      std::string p = AsciiLower(prop);
      auto value = [&]() {
        for (const char* a : {"content", "datetime", "value"}) {
          bool has = false;
          std::string_view v = doc.Attribute(i, a, &has);
          if (has && !v.empty()) return std::string(v);
        }
        return NodeText(doc, i);
      };
      if (p == "datepublished" || p == "datecreated")
        f->itemprop_published.push_back(value());
      else if (p == "datemodified")
        f->itemprop_modified.push_back(value());
      else if (p == "author" || p == "creator") {
        // The name inside an author item, else its text.
        std::string name;
        for (uint32_t c = i + 1; c < doc.nodes.size() && c < i + 50; ++c) {
          bool inside = false;
          for (uint32_t q = doc.nodes[c].parent; q != kNone && q >= i; q = doc.nodes[q].parent)
            if (q == i) inside = true;
          if (!inside) break;
          if (!doc.nodes[c].is_text && AsciiLower(doc.Attribute(c, "itemprop")) == "name") {
            std::string_view content = doc.Attribute(c, "content");
            name = content.empty() ? NodeText(doc, c) : std::string(content);
            break;
          }
        }
        f->itemprop_author.push_back(name.empty() ? value() : name);
      }
    }
  }
}

// JSON-LD: the schema.org objects of the page, @graph flattened.
void CollectObjects(const json& j, std::vector<const json*>* out, int depth) {
  if (depth > 8) return;
  if (j.is_array()) {
    for (const json& e : j) CollectObjects(e, out, depth + 1);
  } else if (j.is_object()) {
    out->push_back(&j);
    auto g = j.find("@graph");
    if (g != j.end()) CollectObjects(*g, out, depth + 1);
    auto m = j.find("mainEntity");
    if (m != j.end() && m->is_object()) CollectObjects(*m, out, depth + 1);
  }
}

bool TypeIs(const json& o, std::initializer_list<const char*> suffixes) {
  auto t = o.find("@type");
  if (t == o.end()) return false;
  auto check = [&](const json& v) {
    if (!v.is_string()) return false;
    std::string s = v.get<std::string>();
    for (const char* suf : suffixes) {
      std::string x(suf);
      if (s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0) return true;
    }
    return false;
  };
  if (t->is_array()) {
    for (const json& v : *t)
      if (check(v)) return true;
    return false;
  }
  return check(*t);
}

std::string Str(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_array() && !it->empty() && (*it)[0].is_string()) return (*it)[0].get<std::string>();
  return {};
}

void Names(const json& v, std::vector<std::string>* out, int depth = 0) {
  if (depth > 4) return;
  if (v.is_string()) {
    out->push_back(v.get<std::string>());
  } else if (v.is_array()) {
    for (const json& e : v) Names(e, out, depth + 1);
  } else if (v.is_object()) {
    std::string n = Str(v, "name");
    if (!n.empty()) out->push_back(n);
  }
}

struct LinkedData {
  std::string headline, published, modified, body, publisher, language, url;
  std::vector<std::string> authors;
  bool article = false;  // an object typed Article (NewsArticle, BlogPosting ...)
};

LinkedData ReadLinkedData(const std::vector<std::string>& blocks) {
  LinkedData ld;
  std::vector<json> docs;
  docs.reserve(blocks.size());
  for (const std::string& b : blocks) {
    json j = json::parse(b, nullptr, /*allow_exceptions=*/false);
    if (!j.is_discarded()) docs.push_back(std::move(j));
  }
  std::vector<const json*> objects;
  for (const json& j : docs) CollectObjects(j, &objects, 0);
  // Articles first, then any web page.
  for (int pass = 0; pass < 2; ++pass) {
    for (const json* o : objects) {
      bool article = TypeIs(*o, {"Article", "BlogPosting", "Report", "NewsArticle", "Posting",
                                 "LiveBlogPosting", "Review", "Recipe", "Story"});
      bool page = TypeIs(
          *o, {"WebPage", "Event", "Product", "CreativeWork", "VideoObject", "QAPage", "Question"});
      if (pass == 0 ? !article : !page) continue;
      if (pass == 0) ld.article = true;
      if (ld.headline.empty()) ld.headline = Str(*o, "headline");
      if (ld.headline.empty() && pass == 0) ld.headline = Str(*o, "name");
      if (ld.published.empty()) ld.published = Str(*o, "datePublished");
      if (ld.published.empty() && pass == 0) ld.published = Str(*o, "dateCreated");
      if (ld.modified.empty()) ld.modified = Str(*o, "dateModified");
      if (ld.body.empty() && pass == 0) ld.body = Str(*o, "articleBody");
      if (ld.language.empty()) ld.language = Str(*o, "inLanguage");
      if (ld.authors.empty()) {
        auto a = o->find("author");
        if (a != o->end()) Names(*a, &ld.authors);
      }
      if (ld.publisher.empty()) {
        auto p = o->find("publisher");
        if (p != o->end() && p->is_object()) ld.publisher = Str(*p, "name");
      }
      if (ld.url.empty() && pass == 0) ld.url = Str(*o, "url");
    }
  }
  if (ld.publisher.empty())
    for (const json* o : objects)
      if (TypeIs(*o, {"Organization", "NewsMediaOrganization", "WebSite"})) {
        ld.publisher = Str(*o, "name");
        if (!ld.publisher.empty()) break;
      }
  return ld;
}

const std::string* Meta(const Found& f, const char* name) {
  auto it = f.meta.find(name);
  return it == f.meta.end() || it->second.empty() ? nullptr : &it->second;
}

std::string LanguageCode(std::string_view tag) {
  std::string s = AsciiLower(tag);
  size_t cut = s.find_first_of("-_ ,;");
  if (cut != std::string::npos) s.resize(cut);
  if (s.size() < 2 || s.size() > 3) return {};
  for (char c : s)
    if (c < 'a' || c > 'z') return {};
  return s;
}

bool LooksLikeUrl(std::string_view s) {
  return s.substr(0, 4) == "http" || s.substr(0, 2) == "//" ||
         s.find(".com/") != std::string_view::npos;
}

// "Headline | Site", "Site - Headline": the part that is not the site.
std::string StripSite(std::string title, const std::string& site) {
  static const char* const kSeps[] = {" | ",       " - ",        " \xE2\x80\x93 ", " \xE2\x80\x94 ",
                                      " :: ",      " \xC2\xB7 ", " \xE2\x80\xA2 ", " / ",
                                      " \xC2\xBB "};
  std::string site_key = Utf8Lower(site);
  for (const char* sep : kSeps) {
    size_t at = title.rfind(sep);
    if (at != std::string::npos && at > 0) {
      std::string head = title.substr(0, at), tail = title.substr(at + std::strlen(sep));
      std::string tail_key = Utf8Lower(tail);
      bool tail_is_site = (!site_key.empty() && (tail_key.find(site_key) != std::string::npos ||
                                                 site_key.find(tail_key) != std::string::npos)) ||
                          (tail.size() * 2 < head.size() && tail.size() < 40);
      if (tail_is_site) return head;
    }
    size_t first = title.find(sep);
    if (first != std::string::npos && first > 0 && !site_key.empty()) {
      std::string head = title.substr(0, first);
      if (Utf8Lower(head) == site_key) return title.substr(first + std::strlen(sep));
    }
  }
  return title;
}

std::optional<std::string> Date(std::string_view raw, const Resources& res, bool full) {
  auto d = ParseDate(raw, res);
  if (!d) return std::nullopt;
  return full ? d->Iso() : d->Day();
}

void SplitAuthors(const std::string& s, std::vector<std::string>* out) {
  std::string t = CollapseSpace(s);
  // "By A and B", "A, B & C"
  for (const char* p : {"by ", "By ", "BY ", "par ", "Par ", "von ", "Von ", "por ", "Por "})
    if (t.rfind(p, 0) == 0) t = t.substr(std::strlen(p));
  std::vector<std::string> parts;
  size_t pos = 0;
  auto flush = [&](size_t end) {
    std::string part = CollapseSpace(t.substr(pos, end - pos));
    if (!part.empty()) parts.push_back(part);
  };
  for (size_t i = 0; i < t.size(); ++i) {
    for (const char* sep : {", ", " and ", " & ", " et ", " und ", " y ", "; "}) {
      size_t len = std::strlen(sep);
      if (t.compare(i, len, sep) == 0) {
        flush(i);
        pos = i + len;
        i = pos - 1;
        break;
      }
    }
  }
  flush(t.size());
  for (std::string& p : parts) {
    if (p.size() > 80 || LooksLikeUrl(p)) continue;
    if (std::find(out->begin(), out->end(), p) == out->end()) out->push_back(std::move(p));
  }
}

std::string HostOf(std::string_view url) {
  size_t s = url.find("://");
  if (s == std::string_view::npos) return {};
  std::string_view rest = url.substr(s + 3);
  rest = rest.substr(0, rest.find_first_of("/?#:"));
  std::string host = AsciiLower(rest);
  if (host.rfind("www.", 0) == 0) host = host.substr(4);
  return host;
}

}  // namespace

void ExtractMetadata(const Document& doc, const Resources& res, const PageInput& page,
                     ExtractedPage* out, std::optional<std::string>* json_ld_body,
                     bool* declared_article) {
  Found f;
  Scan(doc, &f);
  LinkedData ld = ReadLinkedData(f.ld_blocks);
  if (!ld.body.empty()) *json_ld_body = ld.body;
  if (declared_article) {
    const std::string* og_type = Meta(f, "og:type");
    *declared_article = ld.article || (og_type && AsciiLower(*og_type) == "article");
  }

  // Outlet.
  if (const std::string* s = Meta(f, "og:site_name"))
    out->outlet = CollapseSpace(*s);
  else if (!ld.publisher.empty())
    out->outlet = CollapseSpace(ld.publisher);
  else if (const std::string* s2 = Meta(f, "application-name"))
    out->outlet = CollapseSpace(*s2);
  else if (page.url && !HostOf(*page.url).empty())
    out->outlet = HostOf(*page.url);

  // Title.
  std::string title;
  if (const std::string* s = Meta(f, "og:title"))
    title = *s;
  else if (!ld.headline.empty())
    title = ld.headline;
  else if (const std::string* s2 = Meta(f, "twitter:title"))
    title = *s2;
  else if (!f.h1.empty())
    title = f.h1;
  else
    title = f.title_tag;
  title = CollapseSpace(title);
  if (!title.empty()) out->title = StripSite(title, out->outlet.value_or(""));

  // Dates.
  std::optional<DateTime> published;
  auto take = [&](std::string_view v) {
    if (!published) published = ParseDate(v, res);
  };
  if (!ld.published.empty()) take(ld.published);
  for (const char* k : kPublishedMeta) {
    if (published) break;
    if (const std::string* s = Meta(f, k)) take(*s);
  }
  for (const std::string& v : f.itemprop_published) take(v);
  for (int pass = 0; pass < 2 && !published; ++pass)
    for (const auto& tv : f.time_values)
      if (pass == 1 || tv.pub_cue || tv.inside_article) take(tv.datetime);
  // A time given in UTC is read in the page's time zone: the offset its
  // other timestamps carry (a Los Angeles page's 06:35Z is the evening
  // before, which is the day its readers saw).
  if (published && published->has_time && published->has_zone && published->zone_minutes == 0) {
    std::map<int, int> zones;
    auto count = [&](std::string_view v) {
      auto d = ParseDate(v, res);
      if (d && d->has_time && d->has_zone && d->zone_minutes != 0) ++zones[d->zone_minutes];
    };
    count(ld.published);
    count(ld.modified);
    for (const char* k : kPublishedMeta)
      if (const std::string* s = Meta(f, k)) count(*s);
    for (const char* k : kModifiedMeta)
      if (const std::string* s = Meta(f, k)) count(*s);
    for (const auto& tv : f.time_values) count(tv.datetime);
    int best = 0, best_count = 0;
    for (const auto& [z, c] : zones)
      if (c > best_count) best = z, best_count = c;
    if (best_count >= 2) published = published->InZone(best);
  }
  if (published) out->date = published->Iso();
  // A full date in the URL path is the day the page was created: it wins
  // over the metadata (which may be an update, a UTC time past midnight, or
  // the date of a template).
  if (page.url) {
    if (auto u = DateFromUrl(*page.url))
      if (!out->date || out->date->substr(0, 10) != u->Day()) out->date = u->Day();
  }
  if (!ld.modified.empty()) out->modified = Date(ld.modified, res, true);
  for (const char* k : kModifiedMeta) {
    if (out->modified) break;
    if (const std::string* s = Meta(f, k)) out->modified = Date(*s, res, true);
  }
  for (const std::string& v : f.itemprop_modified) {
    if (out->modified) break;
    out->modified = Date(v, res, true);
  }

  // Authors.
  for (const std::string& a : ld.authors) SplitAuthors(a, &out->authors);
  for (const char* k : kAuthorMeta) {
    if (!out->authors.empty()) break;
    if (const std::string* s = Meta(f, k)) SplitAuthors(*s, &out->authors);
  }
  if (out->authors.empty())
    for (const std::string& a : f.itemprop_author) SplitAuthors(a, &out->authors);
  if (out->authors.empty())
    for (const std::string& a : f.rel_author) SplitAuthors(a, &out->authors);

  // Language.
  std::string lang = LanguageCode(f.html_lang);
  if (lang.empty()) lang = LanguageCode(f.content_language);
  if (lang.empty())
    if (const std::string* s = Meta(f, "og:locale")) lang = LanguageCode(*s);
  if (lang.empty()) lang = LanguageCode(ld.language);
  if (!lang.empty()) out->language = lang;

  // Canonical URL.
  std::string canon = f.canonical;
  if (canon.empty())
    if (const std::string* s = Meta(f, "og:url")) canon = *s;
  if (canon.empty() && page.url) canon = *page.url;
  if (!canon.empty()) {
    if (page.url) canon = ResolveUrl(*page.url, canon);
    if (canon.find("://") != std::string::npos) out->canonical_url = NormalizeUrl(canon);
  }
}

namespace {
// The text of the page a reader sees (no scripts, styles, title), lower case.
std::string LowerVisibleText(const Document& doc) {
  std::string visible;
  for (uint32_t i = 1; i < doc.nodes.size(); ++i) {
    const Node& n = doc.nodes[i];
    if (!n.is_text) continue;
    Tag pt = doc.nodes[n.parent].tag;
    if (pt == Tag::kScript || pt == Tag::kStyle || pt == Tag::kTitle || pt == Tag::kNoscript)
      continue;
    visible += doc.Text(i);
    visible += ' ';
  }
  return Utf8Lower(visible);
}
}  // namespace

void PreferDisplayedDate(const Document& doc, const Resources& res, ExtractedPage* page) {
  if (!page->date || !page->modified) return;
  std::string pub = page->date->substr(0, 10), mod = page->modified->substr(0, 10);
  if (pub == mod || mod < pub) return;
  bool pub_shown = false, mod_shown = false;
  for (const TextDate& td : FindTextDates(LowerVisibleText(doc), res)) {
    std::string day = td.date.Day();
    pub_shown |= day == pub;
    mod_shown |= day == mod;
  }
  if (mod_shown && !pub_shown) page->date = page->modified;
}

std::optional<std::string> DateFromText(const Document& doc, const Resources& res,
                                        const std::vector<Block>& blocks,
                                        std::optional<std::string_view> max_date) {
  std::string max_day = max_date ? std::string(max_date->substr(0, 10)) : std::string();
  auto acceptable = [&](const DateTime& d) {
    return d.year >= 1995 && (max_day.empty() || d.Day() <= max_day);
  };
  // 1. Elements that say they hold the date ("date", "published", "byline",
  //    "meta" in their class, id or itemprop), outside comment sections.
  for (uint32_t i = 1; i < doc.nodes.size(); ++i) {
    const Node& n = doc.nodes[i];
    if (n.is_text || n.tag == Tag::kScript || n.tag == Tag::kStyle || n.tag == Tag::kHead ||
        n.tag == Tag::kHtml || n.tag == Tag::kBody || n.attr_count == 0)
      continue;
    std::string cues = AsciiLower(doc.Attribute(i, "class"));
    cues += ' ';
    cues += AsciiLower(doc.Attribute(i, "id"));
    cues += ' ';
    cues += AsciiLower(doc.Attribute(i, "itemprop"));
    bool dateish = false;
    for (const char* c :
         {"date", "time", "publish", "posted", "byline", "datum", "fecha", "dateline", "post-meta",
          "entry-meta", "article-meta", "meta-info", "postinfo", "post-info", "submitted", "info"})
      if (cues.find(c) != std::string::npos) dateish = true;
    if (!dateish) continue;
    if (cues.find("comment") != std::string::npos || cues.find("update") != std::string::npos ||
        cues.find("modif") != std::string::npos || cues.find("related") != std::string::npos)
      continue;
    bool in_comments = false;
    for (uint32_t p = n.parent; p != kNone && !in_comments; p = doc.nodes[p].parent) {
      std::string pc = AsciiLower(doc.Attribute(p, "class"));
      pc += AsciiLower(doc.Attribute(p, "id"));
      if (pc.find("comment") != std::string::npos || pc.find("related") != std::string::npos ||
          pc.find("sidebar") != std::string::npos || pc.find("footer") != std::string::npos)
        in_comments = true;
    }
    if (in_comments) continue;
    std::optional<std::string> text = ShortNodeText(doc, i, 250);
    if (!text || text->size() > 250 || text->empty()) continue;
    std::string lower = Utf8Lower(*text);
    for (const TextDate& td : FindTextDates(lower, res))
      if (acceptable(td.date)) return td.date.Day();
  }
  // 2. The page's visible text: a date after a "published" cue, else the
  //    first date of the main text's first blocks, else the most frequent.
  std::string lower = LowerVisibleText(doc);
  std::vector<TextDate> all = FindTextDates(lower, res);
  for (const std::string& cue : res.date_cues_published) {
    for (size_t at = lower.find(cue); at != std::string::npos; at = lower.find(cue, at + 1)) {
      size_t end = at + cue.size();
      for (const TextDate& td : all)
        if (td.begin >= end && td.begin <= end + 40 && acceptable(td.date)) return td.date.Day();
    }
  }
  size_t seen = 0;
  for (const Block& b : blocks) {
    if (++seen > 6) break;
    if (b.text.size() > 300) continue;
    for (const TextDate& td : FindTextDates(Utf8Lower(b.text), res))
      if (acceptable(td.date)) return td.date.Day();
  }
  std::map<std::string, int> counts;
  std::string best;
  int best_count = 0;
  for (const TextDate& td : all) {
    if (!acceptable(td.date)) continue;
    int c = ++counts[td.date.Day()];
    if (c > best_count) best_count = c, best = td.date.Day();
  }
  if (!best.empty()) return best;
  return std::nullopt;
}

}  // namespace veille::html_internal
