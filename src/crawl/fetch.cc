// fetch.cc: libcurl's multi interface under a global cap, one transfer per
// host at a time, starts spaced by the host's delay (see fetch.h).
#include "crawl/fetch.h"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>

namespace veille::crawl_internal {
namespace {

// When each host was last asked, over every round of this process: a round
// that starts right after another keeps the spacing too.
std::mutex g_last_mu;
struct LastStart {
  Clock::time_point at;
  double delay = 0;  // the host's delay then (a Crawl-delay holds till the next robots.txt)
};
std::map<std::string, LastStart>& LastStarts() {
  static auto* m = new std::map<std::string, LastStart>();
  return *m;
}

}  // namespace

struct MultiFetcher::Transfer {
  std::string host;
  FetchJob job;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string head, body, request;
  size_t max_body = 0;
  bool too_big = false;

  static size_t OnHeader(char* data, size_t size, size_t n, void* self) {
    auto* t = static_cast<Transfer*>(self);
    std::string_view line(data, size * n);
    if (line.rfind("HTTP/", 0) == 0) t->head.clear();  // a new response (after a redirect)
    t->head.append(line);
    return size * n;
  }
  static size_t OnBody(char* data, size_t size, size_t n, void* self) {
    auto* t = static_cast<Transfer*>(self);
    if (t->body.size() + size * n > t->max_body) {
      t->too_big = true;
      return 0;  // aborts the transfer
    }
    t->body.append(data, size * n);
    return size * n;
  }
  static int OnDebug(CURL*, curl_infotype type, char* data, size_t size, void* self) {
    if (type == CURLINFO_HEADER_OUT) static_cast<Transfer*>(self)->request.assign(data, size);
    return 0;
  }
};

MultiFetcher::MultiFetcher(const CrawlOptions& o) : o_(o), multi_(curl_multi_init()) {
  ua_ = o.user_agent + (o.contact_url.empty() ? "" : " (+" + o.contact_url + ")");
  curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, 1L);
  curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                    static_cast<long>(std::max<size_t>(1, o.max_parallel)));
}

MultiFetcher::~MultiFetcher() {
  for (auto& [easy, t] : running_) {
    curl_multi_remove_handle(multi_, t->easy);
    curl_easy_cleanup(t->easy);
    curl_slist_free_all(t->headers);
  }
  curl_multi_cleanup(multi_);
}

void MultiFetcher::Add(const std::string& host, FetchJob job) {
  auto [it, fresh] = hosts_.try_emplace(host);
  if (fresh) {
    it->second.delay = o_.host_delay_seconds;
    std::lock_guard<std::mutex> l(g_last_mu);
    if (auto last = LastStarts().find(host); last != LastStarts().end()) {
      it->second.started = true;
      it->second.last_start = last->second.at;
      it->second.delay = std::max(it->second.delay, last->second.delay);
    }
  }
  it->second.jobs.push_back(std::move(job));
  ++queued_;
}

void MultiFetcher::SetHostDelay(const std::string& host, double seconds) {
  hosts_.try_emplace(host);
  hosts_[host].delay = std::max(0.0, seconds);
}

void MultiFetcher::Start(const std::string& host, Host& h, FetchJob job) {
  auto t = std::make_unique<Transfer>();
  t->host = host;
  t->job = std::move(job);
  t->max_body = o_.max_body_bytes;
  CURL* c = curl_easy_init();
  t->easy = c;
  curl_easy_setopt(c, CURLOPT_URL, t->job.url.c_str());
  curl_easy_setopt(c, CURLOPT_USERAGENT, ua_.c_str());
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, o_.max_redirects);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o_.connect_timeout_ms);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o_.transfer_timeout_ms);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  // A declared length over the cap fails at once, before any byte is read.
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(o_.max_body_bytes));
  // The WARC keeps the bytes as received: codings are undone by the reader.
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip, deflate, br");
  curl_easy_setopt(c, CURLOPT_HTTP_CONTENT_DECODING, 0L);
  curl_easy_setopt(c, CURLOPT_HTTP_TRANSFER_DECODING, 0L);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &Transfer::OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, t.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Transfer::OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, &Transfer::OnDebug);
  curl_easy_setopt(c, CURLOPT_DEBUGDATA, t.get());
  for (const std::string& hd : t->job.headers)
    t->headers = curl_slist_append(t->headers, hd.c_str());
  if (t->headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->headers);
  h.busy = true;
  h.started = true;
  h.last_start = Clock::now();
  {
    std::lock_guard<std::mutex> l(g_last_mu);
    LastStarts()[host] = {h.last_start, h.delay};
  }
  curl_multi_add_handle(multi_, c);
  running_.emplace(c, std::move(t));
}

Clock::time_point MultiFetcher::StartReady() {
  const auto now = Clock::now();
  auto next = Clock::time_point::max();
  const size_t cap = std::max<size_t>(1, o_.max_parallel);
  for (auto& [name, h] : hosts_) {
    if (h.jobs.empty()) continue;
    auto host_ready = h.started ? h.last_start + std::chrono::duration_cast<Clock::duration>(
                                                     std::chrono::duration<double>(h.delay))
                                : now;
    auto it = std::min_element(
        h.jobs.begin(), h.jobs.end(),
        [](const FetchJob& a, const FetchJob& b) { return a.not_before < b.not_before; });
    // The first job (in order) whose time has come, else the earliest.
    auto ready = std::find_if(h.jobs.begin(), h.jobs.end(),
                              [&](const FetchJob& j) { return j.not_before <= now; });
    auto when = std::max(host_ready, ready != h.jobs.end() ? now : it->not_before);
    if (h.busy) continue;  // its next start is decided when this one ends
    if (when > now || running_.size() >= cap) {
      next = std::min(next, std::max(when, now));
      continue;
    }
    FetchJob job = std::move(*ready);
    h.jobs.erase(ready);
    --queued_;
    Start(name, h, std::move(job));
  }
  return next;
}

std::vector<FetchDone> MultiFetcher::Run(bool drain) {
  std::vector<FetchDone> out;
  if (drain) {
    for (auto& [name, h] : hosts_) {
      queued_ -= h.jobs.size();
      h.jobs.clear();
    }
  }
  while (out.empty()) {
    auto next = drain ? Clock::time_point::max() : StartReady();
    if (running_.empty() && next == Clock::time_point::max()) break;  // nothing to do
    int still = 0;
    curl_multi_perform(multi_, &still);
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
      if (m->msg != CURLMSG_DONE) continue;
      auto it = running_.find(m->easy_handle);
      if (it == running_.end()) continue;
      std::unique_ptr<Transfer> t = std::move(it->second);
      running_.erase(it);
      FetchDone d;
      d.job = std::move(t->job);
      d.curl_code = static_cast<int>(m->data.result);
      char* eff = nullptr;
      curl_easy_getinfo(t->easy, CURLINFO_EFFECTIVE_URL, &eff);
      d.effective_url = eff ? eff : d.job.url;
      char* ip = nullptr;
      curl_easy_getinfo(t->easy, CURLINFO_PRIMARY_IP, &ip);
      if (ip) d.ip = ip;
      curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &d.status);
      d.too_big = t->too_big || m->data.result == CURLE_FILESIZE_EXCEEDED;
      if (d.too_big) {
        d.error = "body over the " + std::to_string(o_.max_body_bytes) + "-byte limit";
      } else if (m->data.result != CURLE_OK) {
        d.error = curl_easy_strerror(m->data.result);
      }
      d.request = std::move(t->request);
      d.response = std::move(t->head);
      d.response += t->body;
      curl_multi_remove_handle(multi_, t->easy);
      curl_easy_cleanup(t->easy);
      curl_slist_free_all(t->headers);
      hosts_[t->host].busy = false;
      out.push_back(std::move(d));
    }
    if (!out.empty()) break;
    int wait_ms = 100;
    if (next != Clock::time_point::max()) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now()).count();
      wait_ms = static_cast<int>(std::clamp<int64_t>(ms, 0, 100));
    }
    if (running_.empty()) {
      if (wait_ms > 0) curl_multi_poll(multi_, nullptr, 0, wait_ms, nullptr);
    } else {
      curl_multi_poll(multi_, nullptr, 0, std::max(1, wait_ms), nullptr);
    }
  }
  return out;
}

}  // namespace veille::crawl_internal
