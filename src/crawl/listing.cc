// listing.cc: what a source links to: feed items, sitemap entries, a
// section page's article links (see ParseListing in crawl.h).
#include <libpsl.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "veille/crawl.h"
#include "veille/feed.h"
#include "veille/utf8.h"
#include "veille/warc.h"

namespace veille {
namespace {

struct UrlParts {
  std::string host;   // lower case, no port, no userinfo
  std::string path;   // "/" at least
  std::string query;  // without '?'
};

bool SplitUrl(std::string_view url, UrlParts* out) {
  size_t s = url.find("://");
  if (s == std::string_view::npos) return false;
  std::string_view scheme = url.substr(0, s);
  if (scheme != "http" && scheme != "https") return false;
  std::string_view rest = url.substr(s + 3);
  size_t e = rest.find_first_of("/?#");
  std::string_view auth = rest.substr(0, e);
  rest = e == std::string_view::npos ? std::string_view() : rest.substr(e);
  if (size_t at = auth.rfind('@'); at != std::string_view::npos) auth.remove_prefix(at + 1);
  if (!auth.empty() && auth.front() == '[') {
    size_t close = auth.find(']');
    auth = auth.substr(0, close == std::string_view::npos ? auth.size() : close + 1);
  } else if (size_t colon = auth.rfind(':'); colon != std::string_view::npos) {
    auth = auth.substr(0, colon);
  }
  out->host.clear();
  for (char c : auth)
    out->host.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  while (!out->host.empty() && out->host.back() == '.') out->host.pop_back();
  if (out->host.empty()) return false;
  size_t hash = rest.find('#');
  if (hash != std::string_view::npos) rest = rest.substr(0, hash);
  size_t q = rest.find('?');
  out->path = std::string(rest.substr(0, q));
  out->query = q == std::string_view::npos ? "" : std::string(rest.substr(q + 1));
  if (out->path.empty()) out->path = "/";
  return true;
}

const psl_ctx_t* Psl() {
  // The system's list (Debian's publicsuffix package) when it is there, else
  // the one built into libpsl.
  static const psl_ctx_t* ctx = [] {
    psl_ctx_t* latest = psl_latest(nullptr);
    return latest ? static_cast<const psl_ctx_t*>(latest) : psl_builtin();
  }();
  return ctx;
}

bool IsIpAddress(const std::string& host) {
  if (!host.empty() && host.front() == '[') return true;
  return !host.empty() && std::all_of(host.begin(), host.end(),
                                      [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

std::string SiteOf(const std::string& host) {
  if (IsIpAddress(host) || host.find('.') == std::string::npos) return host;
  const psl_ctx_t* psl = Psl();
  const char* reg = psl ? psl_registrable_domain(psl, host.c_str()) : nullptr;
  return reg ? std::string(reg) : host;
}

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsYear(std::string_view s) {
  return s.size() == 4 && AllDigits(s) && (s.substr(0, 2) == "19" || s.substr(0, 2) == "20");
}
bool IsMonth(std::string_view s) {
  if (s.size() != 2 || !AllDigits(s)) return false;
  int m = (s[0] - '0') * 10 + (s[1] - '0');
  return m >= 1 && m <= 12;
}
bool IsDay(std::string_view s) {
  if (s.size() != 2 || !AllDigits(s)) return false;
  int d = (s[0] - '0') * 10 + (s[1] - '0');
  return d >= 1 && d <= 31;
}

// /2024/03/, 2024-03-05, 20240305 anywhere in the path.
bool HasDate(std::string_view path, const std::vector<std::string_view>& segs) {
  for (size_t i = 0; i + 1 < segs.size(); ++i)
    if (IsYear(segs[i]) && IsMonth(segs[i + 1])) return true;
  for (size_t i = 0; i + 10 <= path.size(); ++i) {
    std::string_view w = path.substr(i, 10);
    if (w[4] == '-' && w[7] == '-' && IsYear(w.substr(0, 4)) && IsMonth(w.substr(5, 2)) &&
        IsDay(w.substr(8, 2)))
      return true;
  }
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] < '0' || path[i] > '9') {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < path.size() && path[j] >= '0' && path[j] <= '9') ++j;
    if (j - i == 8) {
      std::string_view d = path.substr(i, 8);
      if (IsYear(d.substr(0, 4)) && IsMonth(d.substr(4, 2)) && IsDay(d.substr(6, 2))) return true;
    }
    i = j;
  }
  return false;
}

size_t LongestDigitRun(std::string_view s) {
  size_t best = 0, run = 0;
  for (char c : s) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    best = std::max(best, run);
  }
  return best;
}

// Words of letters in a slug ("la-reforme-des-retraites_1234.html": 4).
size_t SlugWords(std::string_view seg) {
  if (size_t dot = seg.rfind('.'); dot != std::string_view::npos && seg.size() - dot <= 6)
    seg = seg.substr(0, dot);
  size_t words = 0;
  size_t i = 0;
  while (i < seg.size()) {
    size_t j = i;
    bool letters = false;
    while (j < seg.size() && seg[j] != '-' && seg[j] != '_' && seg[j] != '+') {
      unsigned char c = static_cast<unsigned char>(seg[j]);
      if (std::isalpha(c) || c >= 0x80 || c == '%') letters = true;
      ++j;
    }
    if (letters && j > i) ++words;
    i = j + 1;
  }
  return words;
}

size_t WordCount(std::string_view text) {
  size_t n = 0;
  bool in = false;
  for (char c : text) {
    bool space = c == ' ';
    if (!space && !in) ++n;
    in = !space;
  }
  return n;
}

bool EndsWith(std::string_view s, std::string_view end) {
  return s.size() >= end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0;
}

// FNV-1a, 64 bits, in hex: a short stable signature.
std::string Fingerprint(std::string_view s) {
  // Only separators: the entry says nothing that could change.
  if (std::all_of(s.begin(), s.end(), [](char c) { return c == '\x1f'; })) return "";
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

bool IsHttp(std::string_view u) {
  return u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0;
}

}  // namespace

bool SameSite(std::string_view a, std::string_view b) {
  UrlParts pa, pb;
  if (!SplitUrl(a, &pa) || !SplitUrl(b, &pb)) return false;
  if (pa.host == pb.host) return true;
  return SiteOf(pa.host) == SiteOf(pb.host);
}

Result<ArticleLinkRules> ArticleLinkRules::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::Io(path + ": cannot read");
  ArticleLinkRules r;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string field;
    while (std::getline(ss, field, '\t')) f.push_back(field);
    auto bad = [&](const std::string& why) {
      return Error::BadInput(path + ":" + std::to_string(n) + ": " + why);
    };
    if (f[0] == "weight" || f[0] == "param") {
      if (f.size() != 3) return bad("expected KIND<TAB>NAME<TAB>NUMBER");
      char* end = nullptr;
      double v = std::strtod(f[2].c_str(), &end);
      if (end == f[2].c_str() || *end) return bad("not a number: " + f[2]);
      (f[0] == "weight" ? r.weights_ : r.params_)[f[1]] = v;
    } else if (f[0] == "skip_segment" && f.size() == 2) {
      r.skip_segments_.push_back(Lower(f[1]));
    } else if (f[0] == "skip_extension" && f.size() == 2) {
      r.skip_extensions_.push_back(Lower(f[1]));
    } else {
      return bad("unknown line kind '" + f[0] + "'");
    }
  }
  for (const char* p : {"threshold", "slug_min_words", "id_min_digits", "headline_min_words"})
    if (!r.params_.count(p)) return Error::BadInput(path + ": missing param " + p);
  return r;
}

Result<ArticleLinkRules> ArticleLinkRules::LoadDefault() {
  return Load(DataPath("crawl/article_links.tsv"));
}

std::optional<double> ArticleLinkRules::Score(const PageLink& link,
                                              std::string_view page_url) const {
  UrlParts u, page;
  if (!SplitUrl(link.url, &u) || !SplitUrl(page_url, &page)) return std::nullopt;
  if (!SameSite(link.url, page_url)) return std::nullopt;
  if (u.path == "/" && u.query.empty()) return std::nullopt;  // the home page
  if (u.host == page.host && u.path == page.path && u.query == page.query) return std::nullopt;
  std::vector<std::string_view> segs = Segments(u.path);
  for (std::string_view s : segs) {
    std::string low = Lower(s);
    if (std::find(skip_segments_.begin(), skip_segments_.end(), low) != skip_segments_.end())
      return std::nullopt;
  }
  std::string last = segs.empty() ? "" : Lower(segs.back());
  for (const std::string& ext : skip_extensions_)
    if (EndsWith(last, ext)) return std::nullopt;

  auto weight = [&](const char* cue) {
    auto it = weights_.find(cue);
    return it == weights_.end() ? 0.0 : it->second;
  };
  auto param = [&](const char* name) { return params_.find(name)->second; };
  double score = 0;
  bool date = HasDate(u.path, segs);
  bool slug = !segs.empty() && SlugWords(segs.back()) >= param("slug_min_words");
  bool id = LongestDigitRun(u.path) >= param("id_min_digits") ||
            LongestDigitRun(u.query) >= param("id_min_digits");
  if (date) score += weight("date_in_path");
  if (slug) score += weight("slug");
  if (id) score += weight("long_number");
  for (const char* suffix : {".html", ".htm", ".shtml", ".php", ".asp", ".aspx"})
    if (EndsWith(last, suffix)) {
      score += weight("page_suffix");
      break;
    }
  if (link.in_heading) score += weight("in_heading");
  if (link.in_article) score += weight("in_article");
  if (WordCount(link.text) >= param("headline_min_words")) score += weight("headline_text");
  if (link.in_navigation) score += weight("in_navigation");
  if (!date && !slug && !id && segs.size() <= Segments(page.path).size() + 0)
    score += weight("section_like");
  return score;
}

bool ArticleLinkRules::IsArticle(const PageLink& link, std::string_view page_url) const {
  auto s = Score(link, page_url);
  return s && *s >= params_.find("threshold")->second;
}

const char* ListingKindName(Listing::Kind kind) {
  switch (kind) {
    case Listing::Kind::kFeed:
      return "feed";
    case Listing::Kind::kSitemap:
      return "sitemap";
    case Listing::Kind::kSitemapIndex:
      return "sitemap index";
    case Listing::Kind::kPage:
      return "page";
    case Listing::Kind::kNone:
      break;
  }
  return "nothing";
}

Listing ParseListing(std::string_view body, std::string_view content_type, std::string_view url,
                     std::string_view kind, const ArticleLinkRules& rules, size_t max_links) {
  Listing out;
  std::set<std::string> seen;
  auto add = [&](std::string_view link, std::string signature) {
    if (out.links.size() >= max_links || !IsHttp(link)) return;
    std::string n = NormalizeUrl(link);
    if (!seen.insert(n).second) return;
    out.links.push_back({std::move(n), std::move(signature)});
  };
  std::string_view head = body.substr(0, 4096);
  std::string want(kind);
  if (want == "auto" || want.empty()) {
    std::string low = Lower(head);
    if (LooksLikeFeed(head)) {
      want = "feed";
    } else if (low.find("<urlset") != std::string::npos ||
               low.find("<sitemapindex") != std::string::npos) {
      want = "sitemap";
    } else if (low.find("<html") != std::string::npos || low.find("<a ") != std::string::npos ||
               low.find("<!doctype html") != std::string::npos ||
               Lower(content_type).find("html") != std::string::npos) {
      want = "page";
    } else {
      out.problem = "neither a feed, a sitemap nor an HTML page";
      return out;
    }
  }
  if (want == "feed") {
    auto feed = ParseFeed(body, url);
    if (!feed.ok()) {
      out.problem = "feed: " + feed.error().message;
      return out;
    }
    out.kind = Listing::Kind::kFeed;
    for (const FeedItem& it : feed->items) {
      std::string link = IsHttp(it.link) ? it.link : it.guid;
      add(link, Fingerprint(it.published + '\x1f' + it.updated + '\x1f' + it.title + '\x1f' +
                            it.summary));
    }
    return out;
  }
  if (want == "sitemap") {
    auto sm = ParseSitemap(body);
    if (!sm.ok()) {
      out.problem = "sitemap: " + sm.error().message;
      return out;
    }
    out.kind = sm->index ? Listing::Kind::kSitemapIndex : Listing::Kind::kSitemap;
    for (const SitemapEntry& e : sm->entries)
      add(e.loc, sm->index ? std::string()
                           : Fingerprint(e.lastmod + '\x1f' + e.news_date + '\x1f' + e.news_title));
    return out;
  }
  if (want != "page") {
    out.problem = "unknown source kind '" + want + "'";
    return out;
  }
  const std::string charset = CharsetOf(content_type);
  auto text =
      DecodeToUtf8(body, charset.empty() ? std::nullopt : std::optional<std::string_view>(charset));
  if (!text.ok()) {
    out.problem = "page: " + text.error().message;
    return out;
  }
  out.kind = Listing::Kind::kPage;
  for (const PageLink& l : ExtractLinks(*text, url)) {
    if (!rules.IsArticle(l, url)) continue;
    add(l.url, "");
  }
  return out;
}

}  // namespace veille
