// crawler.cc: one crawl round: what a killed round wrote recovered, due
// sources fetched in parallel (robots.txt first on each host), their
// listings followed one level, retries, WARC writing, then ingest of the
// written files (see crawler.h).
#include "veille/crawler.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <unordered_set>

#include "crawl/fetch.h"
#include "veille/crawl.h"
#include "veille/html.h"
#include "veille/sources.h"
#include "veille/warc.h"

namespace veille {
namespace {

using crawl_internal::Clock;
using crawl_internal::FetchDone;
using crawl_internal::FetchJob;
using crawl_internal::MultiFetcher;

// The WARC fields a response record carries for the crawl's own state, so
// that a round killed before it recorded a response can be resumed from the
// WARC file alone.
constexpr char kKindField[] = "Veille-Crawl-Kind";
constexpr char kSourceField[] = "Veille-Source-Id";
constexpr char kSignatureField[] = "Veille-Signature";
constexpr char kRequestedField[] = "Veille-Requested-URI";

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

bool RetryableStatus(long status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}
bool RetryableCurl(int code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
      return true;
    default:
      return false;
  }
}

enum class TaskKind { kRobots, kSource, kListing, kPage };
const char* KindName(TaskKind k) {
  switch (k) {
    case TaskKind::kRobots:
      return "robots";
    case TaskKind::kSource:
      return "source";
    case TaskKind::kListing:
      return "listing";
    case TaskKind::kPage:
      return "page";
  }
  return "";
}

struct Task {
  TaskKind kind = TaskKind::kPage;
  std::string url;
  size_t source = 0;            // index in the round's sources (not for robots)
  std::string signature;        // what the listing said of a page
  std::optional<SeenUrl> seen;  // a page fetched before (a refetch)
  int attempt = 0;
};

class Round {
 public:
  Round(Archive& a, const CrawlOptions& o, const ProblemFn& p)
      : a_(a), o_(o), problem_(p), fetcher_(o), rng_(std::random_device{}()) {}

  Result<CrawlSummary> Run();

 private:
  bool Stopped() const { return o_.stop && o_.stop->load(); }
  void Problem(const std::string& where, const std::string& msg) {
    if (problem_) problem_({Diagnostic::Severity::kError, where, msg});
  }
  Status Recover();  // responses of a killed round, from its WARC files
  // Queues a fetch (robots.txt first for a host not seen this round).
  void Submit(Task t, std::vector<std::string> headers = {});
  void Dispatch(Task t, std::vector<std::string> headers);
  void Queue(uint64_t id, Clock::time_point not_before);
  Status OnDone(FetchDone d);
  Status OnRobots(const Task& t, const FetchDone& d, const HttpResponse* r);
  Status OnSource(const Task& t, const FetchDone& d, const HttpResponse* r);
  Status OnPage(const Task& t, const FetchDone& d, const HttpResponse* r,
                const std::optional<WarcLocation>& loc);
  Status FollowLinks(size_t source, const Listing& l);
  // A source's fetch or one of its pages ended; the last one writes its state.
  Status Settle(size_t source);
  void Fail(size_t source, const std::string& why, bool permanent, int64_t wait = 0);
  Status Tick();  // commits now and then, reports progress
  Status SettleDeferred() {
    std::vector<size_t> v;
    v.swap(deferred_settle_);
    for (size_t i : v)
      if (auto s = Settle(i); !s.ok()) return s;
    return OkStatus();
  }

  Archive& a_;
  const CrawlOptions& o_;
  const ProblemFn& problem_;
  MultiFetcher fetcher_;
  std::mt19937_64 rng_;
  std::unique_ptr<WarcWriter> warc_;
  ArticleLinkRules rules_;
  std::vector<SourceRecord> sources_;
  std::vector<size_t> pending_;  // per source: its fetches not ended yet
  std::vector<bool> failed_;
  std::map<uint64_t, Task> tasks_;
  std::map<uint64_t, std::vector<std::string>> headers_;
  uint64_t next_id_ = 1;
  std::map<std::string, RobotsRules> robots_;
  std::map<std::string, std::vector<std::pair<Task, std::vector<std::string>>>> parked_;
  std::set<std::string> submitted_;      // page URLs this round
  std::vector<size_t> deferred_settle_;  // sources of tasks robots.txt refused
  CrawlSummary sum_;
  uint64_t sources_done_ = 0;
  uint64_t pages_updated_ = 0;
  // Links whose page the crawl has (2xx): their feed items are not read as
  // articles of their own by the ingest (the page is the article).
  std::unordered_set<std::string>
      have_page_;  // pages fetched again that answered with a new version
  Clock::time_point last_commit_ = Clock::now();
  int uncommitted_ = 0;
};

void Round::Submit(Task t, std::vector<std::string> headers) {
  if (t.kind != TaskKind::kRobots) ++pending_[t.source];
  Dispatch(std::move(t), std::move(headers));
}

void Round::Dispatch(Task t, std::vector<std::string> headers) {
  const std::string origin = Origin(t.url);
  if (t.kind != TaskKind::kRobots && !robots_.count(origin)) {
    auto& waiting = parked_[origin];
    if (waiting.empty()) {
      Task r;
      r.kind = TaskKind::kRobots;
      r.url = origin + "/robots.txt";
      Dispatch(std::move(r), {});
    }
    waiting.emplace_back(std::move(t), std::move(headers));
    return;
  }
  if (t.kind != TaskKind::kRobots && !robots_[origin].Allowed(PathOf(t.url))) {
    ++sum_.disallowed;
    if (t.kind == TaskKind::kSource) Fail(t.source, "robots.txt disallows the source", false);
    deferred_settle_.push_back(t.source);
    return;
  }
  const uint64_t id = next_id_++;
  headers_[id] = std::move(headers);
  tasks_.emplace(id, std::move(t));
  Queue(id, Clock::now());
}

void Round::Queue(uint64_t id, Clock::time_point not_before) {
  const Task& t = tasks_[id];
  FetchJob j;
  j.id = id;
  j.url = t.url;
  j.headers = headers_[id];
  j.not_before = not_before;
  fetcher_.Add(Origin(t.url), std::move(j));
}

void Round::Fail(size_t source, const std::string& why, bool permanent, int64_t wait) {
  SourceRecord& s = sources_[source];
  const int64_t now = Now();
  ++sum_.errors;
  failed_[source] = true;
  s.last_error = why;
  s.last_error_at = UtcAt(now);
  ++s.failures;
  s.failing = permanent;
  // Backoff across rounds: every, 2 x every, 4 x ... up to a day, or what
  // the server asked for.
  int64_t backoff = std::min<int64_t>(86400, s.every_seconds << std::min<int64_t>(s.failures, 10));
  s.next_due = UtcAt(now + std::max(backoff, wait));
  Problem(s.url, why);
}

Status Round::Settle(size_t source) {
  if (pending_[source] > 0) --pending_[source];
  if (pending_[source] > 0) return OkStatus();
  SourceRecord& s = sources_[source];
  if (!failed_[source]) {
    const int64_t now = Now();
    s.last_success = UtcAt(now);
    s.failures = 0;
    s.last_error.reset();
    s.next_due = UtcAt(now + s.every_seconds);
  }
  ++sources_done_;
  return UpdateSourceState(a_, s);
}

Status Round::OnRobots(const Task& t, const FetchDone& d, const HttpResponse* r) {
  const std::string origin = Origin(t.url);
  RobotsRules rules = RobotsRules::AllowAll();
  if (!r || d.status >= 500 || d.status == 429) {
    // Unreachable: RFC 9309 says assume everything is disallowed.
    rules = RobotsRules::DisallowAll();
    Problem(t.url, "robots.txt unreachable (" +
                       (d.error.empty() ? "HTTP " + std::to_string(d.status) : d.error) +
                       "): nothing fetched from this host this round");
  } else if (d.status >= 200 && d.status < 300) {
    rules = RobotsRules::Parse(r->body, o_.user_agent);
  }  // 4xx: no rules, everything allowed
  double delay = o_.host_delay_seconds;
  if (rules.crawl_delay())
    delay = std::max(delay, std::min(*rules.crawl_delay(), o_.max_crawl_delay));
  fetcher_.SetHostDelay(origin, delay);
  robots_.emplace(origin, std::move(rules));
  auto waiting = std::move(parked_[origin]);
  parked_.erase(origin);
  for (auto& [task, headers] : waiting) Dispatch(std::move(task), std::move(headers));
  return OkStatus();
}

Status Round::FollowLinks(size_t source, const Listing& l) {
  size_t n = 0;
  for (const ListedLink& link : l.links) {
    if (++n > o_.max_links_per_source) break;
    if (!submitted_.insert(link.url).second) continue;  // another source listed it
    auto seen = FindSeen(a_, link.url);
    if (!seen.ok()) return seen.error();
    Task t;
    t.kind = TaskKind::kPage;
    t.url = link.url;
    t.source = source;
    t.signature = link.signature;
    std::vector<std::string> headers;
    if (*seen) {
      const SeenUrl& prev = **seen;
      const bool ok = prev.status == 0 || (prev.status >= 200 && prev.status < 400);
      if (ok) {
        // Fetched before: again only when the listing says the item changed.
        // (A signature is compared with the same source's only: two sources
        // describe one page in their own ways.)
        if (prev.status == 0 || (prev.status >= 200 && prev.status < 300))
          have_page_.insert(link.url);
        if (link.signature.empty() || !prev.signature || *prev.signature == link.signature ||
            (prev.source_id && *prev.source_id != sources_[source].id)) {
          ++sum_.already_seen;
          continue;
        }
        ++sum_.changed;
        if (prev.etag) headers.push_back("If-None-Match: " + *prev.etag);
        if (prev.last_modified) headers.push_back("If-Modified-Since: " + *prev.last_modified);
      } else if (!(RetryableStatus(prev.status) || prev.status == 0) ||
                 prev.tries >= o_.page_max_tries) {
        ++sum_.already_seen;  // 404, 410 ...: not fetched again
        continue;
      }
      t.seen = prev;
    }
    Submit(std::move(t), std::move(headers));
  }
  return OkStatus();
}

Status Round::OnSource(const Task& t, const FetchDone& d, const HttpResponse* r) {
  SourceRecord& s = sources_[t.source];
  if (t.kind == TaskKind::kSource) s.last_fetch = UtcAt(Now());
  if (!r) {
    if (t.kind == TaskKind::kSource) {
      Fail(t.source, d.error.empty() ? "no answer" : d.error, false);
    } else {
      ++sum_.errors;
      Problem(t.url, d.error.empty() ? "no answer" : d.error);
    }
    return Settle(t.source);
  }
  if (d.status == 304) {
    ++sum_.not_modified;
    return Settle(t.source);
  }
  if (d.status < 200 || d.status > 299) {
    if (t.kind == TaskKind::kSource) {
      const bool gone = d.status == 404 || d.status == 410;
      int64_t wait = 0;
      if (auto ra = ParseRetryAfter(FindHeader(r->headers, "Retry-After"), Now()))
        wait = static_cast<int64_t>(*ra);
      Fail(t.source, "HTTP " + std::to_string(d.status) + (gone ? ": source marked failing" : ""),
           gone, wait);
    } else {
      ++sum_.errors;
      Problem(t.url, "HTTP " + std::to_string(d.status));
    }
    return Settle(t.source);
  }
  const std::string content_type(FindHeader(r->headers, "Content-Type"));
  Listing l = ParseListing(r->body, content_type, d.effective_url,
                           t.kind == TaskKind::kListing ? "sitemap" : s.kind, rules_,
                           o_.max_links_per_source);
  if (l.kind == Listing::Kind::kNone) {
    if (t.kind == TaskKind::kSource) {
      Fail(t.source, l.problem, false);
    } else {
      ++sum_.errors;
      Problem(t.url, l.problem);
    }
    return Settle(t.source);
  }
  if (t.kind == TaskKind::kSource) {
    if (auto e = FindHeader(r->headers, "ETag"); !e.empty()) s.etag = std::string(e);
    if (auto m = FindHeader(r->headers, "Last-Modified"); !m.empty())
      s.last_modified = std::string(m);
  }
  if (l.kind == Listing::Kind::kSitemapIndex) {
    if (t.kind == TaskKind::kSource) {  // one level down, no deeper
      for (const ListedLink& child : l.links) {
        Task c;
        c.kind = TaskKind::kListing;
        c.url = child.url;
        c.source = t.source;
        Submit(std::move(c));
      }
    }
  } else if (auto st = FollowLinks(t.source, l); !st.ok()) {
    return st;
  }
  return Settle(t.source);
}

Status Round::OnPage(const Task& t, const FetchDone& d, const HttpResponse* r,
                     const std::optional<WarcLocation>& loc) {
  SourceRecord& s = sources_[t.source];
  SeenUrl row = t.seen.value_or(SeenUrl{});
  row.url = t.url;
  row.kind = "page";
  row.source_id = s.id;
  row.fetched_at = WarcDateNow();
  row.status = d.status;
  if (!t.signature.empty()) row.signature = t.signature;
  const bool ok = r && d.status >= 200 && d.status < 300;
  if (loc) {
    if (d.status != 304) {
      row.warc_file = loc->file;
      row.warc_offset = loc->offset;
    } else {
      row.status = t.seen ? t.seen->status : 304;  // what it still is
    }
  }
  if (r) {
    auto e = FindHeader(r->headers, "ETag");
    auto m = FindHeader(r->headers, "Last-Modified");
    if (ok) {
      row.etag = e.empty() ? std::nullopt : std::optional<std::string>(e);
      row.last_modified = m.empty() ? std::nullopt : std::optional<std::string>(m);
    }
    if (d.status >= 300 && d.status < 400 && d.status != 304) {
      if (auto l = FindHeader(r->headers, "Location"); !l.empty())
        row.location = ResolveUrl(t.url, l);
    }
  }
  if (ok || d.status == 304) {
    row.tries = 0;
    if (d.status == 304) ++sum_.not_modified;
    if (ok && !t.seen) ++s.articles;
    if (ok) have_page_.insert(t.url);
    if (ok && t.seen && t.seen->status >= 200 && t.seen->status < 300) ++pages_updated_;
  } else {
    ++sum_.errors;
    Problem(t.url, d.error.empty() ? "HTTP " + std::to_string(d.status) : d.error);
    // Worth trying in a later round (a timeout, 429, 5xx) or not (the rest).
    const bool later =
        !d.too_big && (RetryableStatus(d.status) || (!r && RetryableCurl(d.curl_code)));
    row.tries = later ? row.tries + 1 : o_.page_max_tries;
    if (!r) row.status = 0;
  }
  if (auto st = RecordSeen(a_, row); !st.ok()) return st;
  ++uncommitted_;
  return Settle(t.source);
}

Status Round::OnDone(FetchDone d) {
  auto it = tasks_.find(d.job.id);
  if (it == tasks_.end()) return OkStatus();
  Task& t = it->second;
  std::optional<HttpResponse> resp;
  if (d.error.empty() && !d.response.empty()) {
    auto parsed = ParseHttpResponse(d.response, HttpOptions{o_.max_body_bytes});
    if (parsed.ok()) resp = std::move(parsed).value();
  }
  // Every answer goes to the WARC file, retried ones too: the record of
  // what was fetched.
  std::optional<WarcLocation> loc;
  if (resp) {
    if (!warc_) {
      WarcWriterOptions wo;
      wo.dir = o_.warc_dir;
      wo.prefix = "veille-crawl";
      auto w = WarcWriter::Open(wo);
      if (!w.ok()) return w.error();
      warc_ = std::move(w).value();
    }
    std::vector<std::pair<std::string, std::string>> fields = {{kKindField, KindName(t.kind)}};
    if (t.kind != TaskKind::kRobots)
      fields.emplace_back(kSourceField, std::to_string(sources_[t.source].id));
    if (!t.signature.empty()) fields.emplace_back(kSignatureField, t.signature);
    if (d.effective_url != t.url) fields.emplace_back(kRequestedField, t.url);
    auto l =
        warc_->WriteExchange(d.effective_url, WarcDateNow(), d.request, d.response, d.ip, fields);
    if (!l.ok()) return l.error();
    loc = *l;
    ++sum_.fetched;
  }
  // Retries within the round.
  const bool retry_status = resp && RetryableStatus(d.status);
  const bool retry_transport = !resp && !d.too_big && RetryableCurl(d.curl_code);
  if ((retry_status || retry_transport) && t.attempt < o_.max_retries && !Stopped()) {
    std::uniform_real_distribution<double> unit(0, 1);
    double wait =
        BackoffSeconds(t.attempt, o_.retry_base_seconds, o_.retry_max_wait_seconds, unit(rng_));
    bool give_up = false;
    if (resp) {
      if (auto ra = ParseRetryAfter(FindHeader(resp->headers, "Retry-After"), Now())) {
        give_up = *ra > o_.retry_max_wait_seconds;
        wait = std::max(wait, *ra);
      }
    }
    if (!give_up) {
      ++t.attempt;
      ++sum_.retries;
      Queue(d.job.id, Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double>(wait)));
      return OkStatus();
    }
  }
  const Task task = std::move(t);
  tasks_.erase(it);
  headers_.erase(d.job.id);
  const HttpResponse* r = resp ? &*resp : nullptr;
  switch (task.kind) {
    case TaskKind::kRobots:
      return OnRobots(task, d, r);
    case TaskKind::kSource:
    case TaskKind::kListing:
      return OnSource(task, d, r);
    case TaskKind::kPage:
      return OnPage(task, d, r, loc);
  }
  return OkStatus();
}

Status Round::Tick() {
  if (uncommitted_ >= 200 || Clock::now() - last_commit_ > std::chrono::seconds(2)) {
    if (auto s = a_.Commit(); !s.ok()) return s;
    if (auto s = a_.Begin(); !s.ok()) return s;
    uncommitted_ = 0;
    last_commit_ = Clock::now();
  }
  if (o_.progress) {
    CrawlProgress p;
    p.sources_due = sum_.sources_due;
    p.sources_done = sources_done_;
    p.fetched = sum_.fetched;
    p.queued = fetcher_.queued();
    p.running = fetcher_.running();
    p.errors = sum_.errors;
    o_.progress(p);
  }
  return OkStatus();
}

// Every crawl WARC file not ingested yet: this round's and a killed one's.
std::vector<std::string> PendingWarcFiles(Archive& a, const std::string& dir, Status* st) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind("veille-crawl-", 0) != 0 || name.size() < 8 ||
        name.compare(name.size() - 8, 8, ".warc.gz") != 0)
      continue;
    auto done = WarcIngested(a, name);
    if (!done.ok()) {
      *st = done.error();
      return {};
    }
    if (!*done) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Status Round::Recover() {
  Status st = OkStatus();
  std::vector<std::string> files = PendingWarcFiles(a_, o_.warc_dir, &st);
  if (!st.ok()) return st;
  for (const std::string& f : files) {
    auto reader = WarcReader::Open(f);
    if (!reader.ok()) continue;  // reported by the ingest
    WarcRecord rec;
    std::vector<Diagnostic> ignored;
    while ((*reader)->Next(&rec, &ignored)) {
      ignored.clear();
      if (rec.type() != "response" || FindHeader(rec.headers, kKindField) != "page") continue;
      std::string url(FindHeader(rec.headers, kRequestedField));
      if (url.empty()) url = std::string(rec.target_uri());
      auto seen = FindSeen(a_, url);
      if (!seen.ok()) return seen.error();
      const std::string date(rec.date());
      if (*seen && (*seen)->fetched_at >= date) continue;  // recorded already
      auto resp = ParseHttpResponse(rec.block, HttpOptions{o_.max_body_bytes});
      SeenUrl row = seen->value_or(SeenUrl{});
      row.url = url;
      row.kind = "page";
      row.warc_file = f;
      row.warc_offset = rec.offset;
      row.fetched_at = date;
      row.status = resp.ok() ? resp->status : 0;
      if (auto id = FindHeader(rec.headers, kSourceField); !id.empty())
        row.source_id = std::strtoll(std::string(id).c_str(), nullptr, 10);
      if (auto sig = FindHeader(rec.headers, kSignatureField); !sig.empty())
        row.signature = std::string(sig);
      if (resp.ok()) {
        auto e = FindHeader(resp->headers, "ETag");
        auto m = FindHeader(resp->headers, "Last-Modified");
        if (!e.empty()) row.etag = std::string(e);
        if (!m.empty()) row.last_modified = std::string(m);
      }
      if (auto s = RecordSeen(a_, row); !s.ok()) return s;
      if (row.status >= 200 && row.status < 300) have_page_.insert(url);
      ++sum_.recovered;
    }
  }
  return OkStatus();
}

Result<CrawlSummary> Round::Run() {
  auto rules = ArticleLinkRules::LoadDefault();
  if (!rules.ok()) return rules.error();
  rules_ = std::move(rules).value();
  if (auto s = a_.Begin(); !s.ok()) return s.error();
  auto rollback = [&](Error e) -> Result<CrawlSummary> {
    (void)a_.Rollback();
    return e;
  };
  if (auto s = Recover(); !s.ok()) return rollback(s.error());
  auto due = DueSources(a_, UtcAt(Now()));
  if (!due.ok()) return rollback(due.error());
  sources_ = std::move(due).value();
  sum_.sources_due = sources_.size();
  pending_.assign(sources_.size(), 0);
  failed_.assign(sources_.size(), false);
  for (size_t i = 0; i < sources_.size(); ++i) {
    Task t;
    t.kind = TaskKind::kSource;
    t.url = sources_[i].url;
    t.source = i;
    std::vector<std::string> headers;
    if (sources_[i].etag) headers.push_back("If-None-Match: " + *sources_[i].etag);
    if (sources_[i].last_modified)
      headers.push_back("If-Modified-Since: " + *sources_[i].last_modified);
    Submit(std::move(t), std::move(headers));
  }
  if (auto s = SettleDeferred(); !s.ok()) return rollback(s.error());
  while (!fetcher_.idle()) {
    const bool stop = Stopped();
    if (stop) sum_.interrupted = true;
    for (FetchDone& d : fetcher_.Run(stop)) {
      if (auto s = OnDone(std::move(d)); !s.ok()) return rollback(s.error());
      if (auto s = SettleDeferred(); !s.ok()) return rollback(s.error());
    }
    if (auto s = Tick(); !s.ok()) return rollback(s.error());
  }
  if (auto s = a_.Commit(); !s.ok()) return s.error();
  if (warc_) {
    sum_.warc_files = warc_->files();
    if (auto s = warc_->Flush(); !s.ok()) return s.error();
    warc_.reset();  // closed before it is read
  }
  if (o_.progress) {
    CrawlProgress p;
    p.sources_due = sum_.sources_due;
    p.sources_done = sources_done_;
    p.fetched = sum_.fetched;
    p.errors = sum_.errors;
    p.ingesting = true;
    o_.progress(p);
  }
  // This round's files, and those of a round killed before it ingested them.
  Status st = OkStatus();
  std::vector<std::string> to_ingest = PendingWarcFiles(a_, o_.warc_dir, &st);
  if (!st.ok()) return st.error();
  if (!to_ingest.empty()) {
    IngestOptions io = o_.ingest;
    io.inputs = to_ingest;
    io.stop = o_.stop;
    io.skip_feed_item = [this](const std::string& url) { return have_page_.count(url) > 0; };
    auto ing = Ingest(a_, io, problem_, nullptr);
    if (!ing.ok()) return ing.error();
    sum_.new_articles = ing->stored;
    // Updated: pages whose new version this round fetched (the ingest also
    // counts a page that replaced its own feed summary as an update).
    sum_.updated = std::min<uint64_t>(pages_updated_, ing->updated);
    sum_.interrupted = sum_.interrupted || ing->interrupted;
    if (!ing->interrupted) {
      for (const std::string& f : to_ingest)
        if (auto s = MarkWarcIngested(a_, std::filesystem::path(f).filename().string()); !s.ok())
          return s.error();
    }
  }
  return sum_;
}

}  // namespace

Result<CrawlSummary> CrawlRound(Archive& archive, const CrawlOptions& options,
                                const ProblemFn& on_problem) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  Round r(archive, options, on_problem);
  return r.Run();
}

}  // namespace veille
