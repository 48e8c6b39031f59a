// crawler.cc: one crawl round: due sources, robots.txt, politeness,
// conditional GET, WARC writing, then ingest of the written files.
#include "veille/crawler.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "veille/crawl.h"
#include "veille/feed.h"
#include "veille/html.h"
#include "veille/sources.h"
#include "veille/warc.h"

namespace veille {
namespace {

using Clock = std::chrono::steady_clock;

std::string UtcAt(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}
int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

// scheme://host[:port] of an absolute URL, "" if it is not one.
std::string Origin(const std::string& url) {
  size_t s = url.find("://");
  if (s == std::string::npos) return {};
  size_t e = url.find_first_of("/?#", s + 3);
  return url.substr(0, e);
}
std::string PathOf(const std::string& url) {
  std::string o = Origin(url);
  std::string p = url.substr(o.size());
  size_t hash = p.find('#');
  if (hash != std::string::npos) p.resize(hash);
  return p.empty() || p[0] != '/' ? "/" + p : p;
}
bool IsHttp(const std::string& u) {
  return u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0;
}

struct Fetched {
  long status = 0;
  std::string request, response;  // as sent and as received (raw body)
  std::string effective_url, ip, error;
  HeaderList headers;
  std::string body;  // codings undone (for parsing)
};

class Fetcher {
 public:
  explicit Fetcher(const CrawlOptions& o) : o_(o), curl_(curl_easy_init()) {
    ua_ = o.user_agent + (o.contact_url.empty() ? "" : " (+" + o.contact_url + ")");
  }
  ~Fetcher() { curl_easy_cleanup(curl_); }

  Fetched Get(const std::string& url, const std::vector<std::string>& extra_headers) {
    Fetched f;
    head_.clear();
    body_.clear();
    request_.clear();
    too_big_ = false;
    curl_easy_reset(curl_);
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_USERAGENT, ua_.c_str());
    curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl_, CURLOPT_MAXREDIRS, o_.max_redirects);
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, o_.connect_timeout_ms);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, o_.transfer_timeout_ms);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl_, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    // The WARC keeps the bytes as received: codings are undone by the reader.
    curl_easy_setopt(curl_, CURLOPT_ACCEPT_ENCODING, "gzip, deflate, br");
    curl_easy_setopt(curl_, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    curl_easy_setopt(curl_, CURLOPT_HTTP_TRANSFER_DECODING, 0L);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, &Fetcher::OnHeader);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &Fetcher::OnBody);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(curl_, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(curl_, CURLOPT_DEBUGFUNCTION, &Fetcher::OnDebug);
    curl_easy_setopt(curl_, CURLOPT_DEBUGDATA, this);
    curl_slist* list = nullptr;
    for (const std::string& h : extra_headers) list = curl_slist_append(list, h.c_str());
    if (list) curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
    CURLcode rc = curl_easy_perform(curl_);
    curl_slist_free_all(list);
    char* eff = nullptr;
    curl_easy_getinfo(curl_, CURLINFO_EFFECTIVE_URL, &eff);
    f.effective_url = eff ? eff : url;
    char* ip = nullptr;
    curl_easy_getinfo(curl_, CURLINFO_PRIMARY_IP, &ip);
    if (ip) f.ip = ip;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &f.status);
    if (too_big_) {
      f.error = "body over the " + std::to_string(o_.max_body_bytes) + "-byte limit";
    } else if (rc != CURLE_OK) {
      f.error = curl_easy_strerror(rc);
    }
    f.request = request_;
    f.response = head_ + body_;
    auto parsed = ParseHttpResponse(f.response, HttpOptions{o_.max_body_bytes});
    if (parsed.ok()) {
      f.headers = parsed->headers;
      f.body = std::move(parsed->body);
    }
    return f;
  }

 private:
  static size_t OnHeader(char* data, size_t size, size_t n, void* self) {
    auto* me = static_cast<Fetcher*>(self);
    std::string_view line(data, size * n);
    if (line.rfind("HTTP/", 0) == 0) me->head_.clear();  // a new response (after a redirect)
    me->head_.append(line);
    return size * n;
  }
  static size_t OnBody(char* data, size_t size, size_t n, void* self) {
    auto* me = static_cast<Fetcher*>(self);
    if (me->body_.size() + size * n > me->o_.max_body_bytes) {
      me->too_big_ = true;
      return 0;  // aborts the transfer
    }
    me->body_.append(data, size * n);
    return size * n;
  }
  static int OnDebug(CURL*, curl_infotype type, char* data, size_t size, void* self) {
    if (type == CURLINFO_HEADER_OUT) static_cast<Fetcher*>(self)->request_.assign(data, size);
    return 0;
  }

  const CrawlOptions& o_;
  CURL* curl_;
  std::string ua_, head_, body_, request_;
  bool too_big_ = false;
};

// Links a fetched source lists: feed item links, sitemap locations, or (a
// sitemap index) child sitemaps in *children.
std::vector<std::string> LinksOf(const std::string& body, const std::string& url,
                                 std::vector<std::string>* children) {
  std::vector<std::string> out;
  if (LooksLikeFeed(std::string_view(body).substr(0, 4096))) {
    auto feed = ParseFeed(body, url);
    if (feed.ok())
      for (const FeedItem& it : feed->items) {
        std::string link = it.link.empty() ? it.guid : it.link;
        if (IsHttp(link)) out.push_back(link);
      }
    return out;
  }
  auto sm = ParseSitemap(body);
  if (sm.ok()) {
    for (const SitemapEntry& e : sm->entries) {
      if (!IsHttp(e.loc)) continue;
      (sm->index ? *children : out).push_back(e.loc);
    }
  }
  return out;
}

class Round {
 public:
  Round(Archive& a, const CrawlOptions& o, const ProblemFn& p)
      : a_(a), o_(o), problem_(p), fetcher_(o) {}

  Result<CrawlSummary> Run();

 private:
  bool Stopped() const { return o_.stop && o_.stop->load(); }
  void Problem(const std::string& where, const std::string& msg) {
    if (problem_) problem_({Diagnostic::Severity::kError, where, msg});
  }
  // Waits for the host's politeness delay, then fetches; the exchange goes
  // to the WARC file.
  Result<Fetched> Fetch(const std::string& url, const std::vector<std::string>& headers);
  const RobotsRules& RobotsFor(const std::string& url);
  Status CrawlSource(SourceRecord& s);

  Archive& a_;
  const CrawlOptions& o_;
  const ProblemFn& problem_;
  Fetcher fetcher_;
  std::unique_ptr<WarcWriter> warc_;
  std::map<std::string, RobotsRules> robots_;
  std::map<std::string, Clock::time_point> last_request_;
  CrawlSummary sum_;
};

Result<Fetched> Round::Fetch(const std::string& url, const std::vector<std::string>& headers) {
  const std::string origin = Origin(url);
  double delay = o_.host_delay_seconds;
  if (auto it = robots_.find(origin); it != robots_.end() && it->second.crawl_delay())
    delay = std::max(delay, *it->second.crawl_delay());
  if (auto it = last_request_.find(origin); it != last_request_.end()) {
    auto due = it->second +
               std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(delay));
    std::this_thread::sleep_until(due);
  }
  Fetched f = fetcher_.Get(url, headers);
  last_request_[origin] = Clock::now();
  if (!f.response.empty() && f.error.empty()) {
    if (!warc_) {
      WarcWriterOptions wo;
      wo.dir = o_.warc_dir;
      wo.prefix = "veille-crawl";
      auto w = WarcWriter::Open(wo);
      if (!w.ok()) return w.error();
      warc_ = std::move(w).value();
    }
    auto loc = warc_->WriteExchange(f.effective_url, WarcDateNow(), f.request, f.response, f.ip);
    if (!loc.ok()) return loc.error();
    ++sum_.fetched;
    if (auto s = MarkCrawlSeen(a_, url, loc->file, loc->offset, WarcDateNow()); !s.ok())
      return s.error();
  }
  return f;
}

const RobotsRules& Round::RobotsFor(const std::string& url) {
  const std::string origin = Origin(url);
  auto it = robots_.find(origin);
  if (it != robots_.end()) return it->second;
  RobotsRules rules = RobotsRules::AllowAll();
  auto f = Fetch(origin + "/robots.txt", {});
  if (!f.ok() || !f->error.empty() || f->status >= 500 || f->status == 0) {
    rules = RobotsRules::DisallowAll();  // unreachable: RFC 9309 says assume disallowed
    Problem(origin + "/robots.txt",
            "robots.txt unreachable: nothing fetched from this host this round");
  } else if (f->status >= 200 && f->status < 300) {
    rules = RobotsRules::Parse(f->body, o_.user_agent);
  }
  return robots_.emplace(origin, std::move(rules)).first->second;
}

Status Round::CrawlSource(SourceRecord& s) {
  const int64_t now = Now();
  s.last_fetch = UtcAt(now);
  auto fail = [&](const std::string& why, bool permanent) {
    ++sum_.errors;
    s.last_error = why;
    s.last_error_at = UtcAt(now);
    ++s.failures;
    s.failing = permanent;
    // Exponential backoff: every, 2 x every, 4 x ... up to a day.
    int64_t wait = std::min<int64_t>(86400, s.every_seconds << std::min<int64_t>(s.failures, 10));
    s.next_due = UtcAt(now + wait);
    Problem(s.url, why);
  };
  if (!RobotsFor(s.url).Allowed(PathOf(s.url))) {
    ++sum_.disallowed;
    fail("robots.txt disallows the source", false);
    return OkStatus();
  }
  std::vector<std::string> headers;
  if (s.etag) headers.push_back("If-None-Match: " + *s.etag);
  if (s.last_modified) headers.push_back("If-Modified-Since: " + *s.last_modified);
  auto f = Fetch(s.url, headers);
  if (!f.ok()) return f.error();
  if (!f->error.empty()) {
    fail(f->error, false);
    return OkStatus();
  }
  if (f->status == 304) {
    ++sum_.not_modified;
  } else if (f->status == 404 || f->status == 410) {
    fail("HTTP " + std::to_string(f->status) + ": source marked failing", true);
    return OkStatus();
  } else if (f->status < 200 || f->status > 299) {
    fail("HTTP " + std::to_string(f->status), false);
    return OkStatus();
  } else {
    if (auto e = FindHeader(f->headers, "ETag"); !e.empty()) s.etag = std::string(e);
    if (auto m = FindHeader(f->headers, "Last-Modified"); !m.empty())
      s.last_modified = std::string(m);
    std::vector<std::string> children;
    std::vector<std::string> links = LinksOf(f->body, f->effective_url, &children);
    for (const std::string& child : children) {  // a sitemap index: one level down
      if (Stopped() || links.size() >= o_.max_links_per_source) break;
      if (!RobotsFor(child).Allowed(PathOf(child))) continue;
      auto c = Fetch(child, {});
      if (c.ok() && c->error.empty() && c->status == 200) {
        std::vector<std::string> none;
        for (auto& l : LinksOf(c->body, c->effective_url, &none)) links.push_back(std::move(l));
      }
    }
    if (links.size() > o_.max_links_per_source) links.resize(o_.max_links_per_source);
    for (const std::string& link : links) {
      if (Stopped()) break;
      auto seen = CrawlSeen(a_, link);
      if (!seen.ok()) return seen.error();
      if (*seen) {
        ++sum_.already_seen;
        continue;
      }
      if (!RobotsFor(link).Allowed(PathOf(link))) {
        ++sum_.disallowed;
        continue;
      }
      auto page = Fetch(link, {});
      if (!page.ok()) return page.error();
      if (!page->error.empty() || page->status < 200 || page->status > 299) {
        ++sum_.errors;
        Problem(link, page->error.empty() ? "HTTP " + std::to_string(page->status) : page->error);
        continue;
      }
      ++s.articles;
    }
  }
  s.last_success = UtcAt(now);
  s.failures = 0;
  s.last_error.reset();
  s.next_due = UtcAt(now + s.every_seconds);
  return OkStatus();
}

Result<CrawlSummary> Round::Run() {
  auto due = DueSources(a_, UtcAt(Now()));
  if (!due.ok()) return due.error();
  sum_.sources_due = due->size();
  for (SourceRecord& s : *due) {
    if (Stopped()) {
      sum_.interrupted = true;
      break;
    }
    if (auto st = CrawlSource(s); !st.ok()) return st.error();
    if (auto st = UpdateSourceState(a_, s); !st.ok()) return st.error();
  }
  if (warc_) {
    sum_.warc_files = warc_->files();
    warc_.reset();  // flushed and closed before it is read
  }
  // This round's files, and those of a round killed before it ingested them.
  std::vector<std::string> to_ingest;
  std::error_code ec;
  if (std::filesystem::is_directory(o_.warc_dir, ec)) {
    for (const auto& e : std::filesystem::directory_iterator(o_.warc_dir, ec)) {
      std::string name = e.path().filename().string();
      if (name.rfind("veille-crawl-", 0) != 0 || name.size() < 8 ||
          name.compare(name.size() - 8, 8, ".warc.gz") != 0)
        continue;
      auto done = WarcIngested(a_, name);
      if (!done.ok()) return done.error();
      if (!*done) to_ingest.push_back(e.path().string());
    }
  }
  std::sort(to_ingest.begin(), to_ingest.end());
  if (!to_ingest.empty()) {
    IngestOptions io = o_.ingest;
    io.inputs = to_ingest;
    io.stop = o_.stop;
    auto ing = Ingest(a_, io, problem_, nullptr);
    if (!ing.ok()) return ing.error();
    sum_.new_articles = ing->stored;
    sum_.updated = ing->updated;
    sum_.interrupted = sum_.interrupted || ing->interrupted;
    if (!ing->interrupted) {
      for (const std::string& f : to_ingest)
        if (auto st = MarkWarcIngested(a_, std::filesystem::path(f).filename().string()); !st.ok())
          return st.error();
    }
  }
  return sum_;
}

void IgnoreXmlError(void*, xmlErrorPtr) {}

}  // namespace

Result<CrawlSummary> CrawlRound(Archive& archive, const CrawlOptions& options,
                                const ProblemFn& on_problem) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  Round r(archive, options, on_problem);
  return r.Run();
}

std::string FormatCrawlSummary(const CrawlSummary& s) {
  return fmt::format(
      "sources due {}, fetched {}, not modified {}, new articles {}, updated {}, errors {}, "
      "disallowed by robots.txt {}, seen before {}{}",
      s.sources_due, s.fetched, s.not_modified, s.new_articles, s.updated, s.errors, s.disallowed,
      s.already_seen, s.interrupted ? " — interrupted" : "");
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
