// fetch.h: parallel HTTP fetching with per-host politeness (internal to the
// crawl module).
//
// In:  jobs (a URL, extra request headers, the earliest time to start it),
//      each for a host key (scheme://host:port).
// Out: finished transfers, as they finish: the request as sent, the
//      response as received (status line, headers, raw body: codings are
//      not undone, so the WARC keeps the bytes of the wire), the effective
//      URL after redirects, the peer address, the curl error if any.
//      At most `max_parallel` transfers run at once (libcurl's multi
//      interface, connections reused), at most one per host, and two starts
//      on one host are at least that host's delay apart.
// Thread-safety: one thread uses a MultiFetcher.
#ifndef VEILLE_CRAWL_FETCH_H_
#define VEILLE_CRAWL_FETCH_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "veille/crawler.h"

namespace veille::crawl_internal {

using Clock = std::chrono::steady_clock;

struct FetchJob {
  uint64_t id = 0;  // the caller's
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  Clock::time_point not_before{};
};

struct FetchDone {
  FetchJob job;
  long status = 0;       // 0: no HTTP answer
  int curl_code = 0;     // CURLcode
  bool too_big = false;  // over max_body_bytes: aborted
  std::string error;     // "" when the transfer completed
  std::string request, response;
  std::string effective_url, ip;
};

class MultiFetcher {
 public:
  explicit MultiFetcher(const CrawlOptions& o);
  ~MultiFetcher();
  MultiFetcher(const MultiFetcher&) = delete;
  MultiFetcher& operator=(const MultiFetcher&) = delete;

  // `host` is the job URL's origin. Jobs of a host start in the order added
  // (among those whose not_before has come).
  void Add(const std::string& host, FetchJob job);
  // A host's delay between two starts (default: options.host_delay_seconds).
  void SetHostDelay(const std::string& host, double seconds);
  // Starts what may start, waits for transfers, and returns those that
  // finished (at least one, unless nothing is queued or running). With
  // `drain`, queued jobs are not started any more (a stop was asked).
  std::vector<FetchDone> Run(bool drain);
  size_t queued() const { return queued_; }
  size_t running() const { return running_.size(); }
  bool idle() const { return queued_ == 0 && running_.empty(); }

 private:
  struct Transfer;
  struct Host {
    std::deque<FetchJob> jobs;
    bool busy = false;
    bool started = false;
    Clock::time_point last_start{};
    double delay = 0;
  };
  void Start(const std::string& host, Host& h, FetchJob job);
  // Starts every job that may start now; returns the time the next queued
  // job may start (max() when none is waiting).
  Clock::time_point StartReady();

  const CrawlOptions& o_;
  std::string ua_;
  void* multi_;  // CURLM*
  std::map<std::string, Host> hosts_;
  std::map<void*, std::unique_ptr<Transfer>> running_;  // by CURL*
  size_t queued_ = 0;
};

}  // namespace veille::crawl_internal

#endif  // VEILLE_CRAWL_FETCH_H_
