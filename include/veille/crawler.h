// crawler.h: one crawl round over the archive's sources (veille crawl).
//
// In:  an open read-write Archive whose `sources` (veille/sources.h) list
//      feeds, news sitemaps and pages; CrawlOptions.
// Out: the sources that are due fetched with libcurl (robots.txt obeyed and
//      cached per host per round with its Crawl-delay, a per-host delay
//      between requests, conditional GET with the stored ETag and
//      Last-Modified, redirects capped, connect and transfer timeouts, a body
//      size cap), the links they list fetched once each, every request and
//      response written to WARC files (crawl.h), those files then ingested
//      like any WARC (ingest.h); source state and health written back.
//      Transfers run in parallel (CrawlOptions::max_parallel) with one at a
//      time per host; timeouts, 429 and 5xx are retried with backoff and
//      Retry-After; a listed page whose listing entry changed is fetched
//      again (conditionally) and stored as an update. A round first finds
//      the responses a killed round wrote to WARC and records them, so none
//      is fetched again.
//      Only the sources' URLs, the links they list and robots.txt files are
//      fetched.
// Thread-safety: CrawlRound uses the Archive from the calling thread; one
//      round at a time per archive.
#ifndef VEILLE_CRAWLER_H_
#define VEILLE_CRAWLER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "veille/archive.h"
#include "veille/ingest.h"
#include "veille/result.h"

namespace veille {

// Where a round is, for a progress line.
struct CrawlProgress {
  uint64_t sources_due = 0, sources_done = 0;
  uint64_t fetched = 0, queued = 0, running = 0, errors = 0;
  bool ingesting = false;  // fetching is over: the WARC files are being ingested
};

struct CrawlOptions {
  std::string warc_dir = "warc";
  std::string user_agent = "veille/0.1";
  std::string contact_url;          // appended to the User-Agent as (+URL)
  double host_delay_seconds = 1.0;  // at least this between two request starts on a host
  double max_crawl_delay = 60;      // a robots.txt Crawl-delay is honoured up to this
  size_t max_parallel = 8;          // transfers at once, over all hosts (one per host)
  long connect_timeout_ms = 10000;
  long transfer_timeout_ms = 60000;  // the whole transfer
  size_t max_body_bytes = 16u << 20;
  long max_redirects = 5;
  size_t max_links_per_source = 1000;
  // Retries of timeouts, 429 and 5xx within a round: at most this many, each
  // after Retry-After when the answer has one, else after
  // BackoffSeconds(attempt, retry_base_seconds, ...); a Retry-After longer
  // than retry_max_wait_seconds ends the round's tries at once.
  int max_retries = 3;
  double retry_base_seconds = 1.0;
  double retry_max_wait_seconds = 120;
  // A page that failed this many rounds in a row (429, 5xx, timeouts) is not
  // fetched again.
  int page_max_tries = 5;
  IngestOptions ingest;                                // inputs are set by the round
  const std::atomic<bool>* stop = nullptr;             // stops starting transfers; running ones end
  std::function<void(const CrawlProgress&)> progress;  // called as transfers end
};

struct CrawlSummary {
  uint64_t sources_due = 0;
  uint64_t fetched = 0;       // responses written to WARC
  uint64_t not_modified = 0;  // 304 answers to conditional GETs
  uint64_t errors = 0;        // failed fetches (after retries): timeouts, 4xx/5xx, refused
  uint64_t retries = 0;       // fetches tried again (429, 5xx, timeouts)
  uint64_t disallowed = 0;    // links robots.txt forbids (not fetched)
  uint64_t already_seen = 0;  // links fetched in an earlier round, unchanged
  uint64_t changed = 0;       // links fetched again because their listing changed
  uint64_t recovered = 0;     // responses of a killed round found in its WARC files
  uint64_t new_articles = 0;  // from the ingest of the round's WARC files
  uint64_t updated = 0;       // pages fetched again (changed) and stored as a new version
  std::vector<std::string> warc_files;
  bool interrupted = false;
};

Result<CrawlSummary> CrawlRound(Archive& archive, const CrawlOptions& options,
                                const ProblemFn& on_problem);

// "sources due N, fetched F, not modified M, new articles A, updated U, errors E ..."
// (one line per round).
std::string FormatCrawlSummary(const CrawlSummary& s);

// Feeds listed in an OPML document (outline elements with xmlUrl), or, for a
// plain list, one URL a line (# comments). Pairs of URL and title.
Result<std::vector<std::pair<std::string, std::string>>> ParseSourceList(std::string_view bytes);

}  // namespace veille

#endif  // VEILLE_CRAWLER_H_
