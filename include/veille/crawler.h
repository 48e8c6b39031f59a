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
//      Only the sources' URLs, the links they list and robots.txt files are
//      fetched.
// Thread-safety: CrawlRound uses the Archive from the calling thread; one
//      round at a time per archive.
#ifndef VEILLE_CRAWLER_H_
#define VEILLE_CRAWLER_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "veille/archive.h"
#include "veille/ingest.h"
#include "veille/result.h"

namespace veille {

struct CrawlOptions {
  std::string warc_dir = "warc";
  std::string user_agent = "veille/0.1";
  std::string contact_url;          // appended to the User-Agent as (+URL)
  double host_delay_seconds = 1.0;  // at least this between two requests to a host
  long connect_timeout_ms = 10000;
  long transfer_timeout_ms = 60000;  // the whole transfer
  size_t max_body_bytes = 16u << 20;
  long max_redirects = 5;
  size_t max_links_per_source = 1000;
  IngestOptions ingest;  // inputs are set by the round
  const std::atomic<bool>* stop = nullptr;
};

struct CrawlSummary {
  uint64_t sources_due = 0;
  uint64_t fetched = 0;       // responses written to WARC
  uint64_t not_modified = 0;  // 304 answers to conditional GETs
  uint64_t errors = 0;        // failed fetches (timeouts, 4xx/5xx, refused)
  uint64_t disallowed = 0;    // links robots.txt forbids (not fetched)
  uint64_t already_seen = 0;  // links fetched in an earlier round
  uint64_t new_articles = 0;  // from the ingest of the round's WARC files
  uint64_t updated = 0;
  std::vector<std::string> warc_files;
  bool interrupted = false;
};

Result<CrawlSummary> CrawlRound(Archive& archive, const CrawlOptions& options,
                                const ProblemFn& on_problem);

// "sources due N, fetched F, not modified M, new articles A, updated U, errors E ..."
std::string FormatCrawlSummary(const CrawlSummary& s);

// Feeds listed in an OPML document (outline elements with xmlUrl), or, for a
// plain list, one URL a line (# comments). Pairs of URL and title.
Result<std::vector<std::pair<std::string, std::string>>> ParseSourceList(std::string_view bytes);

}  // namespace veille

#endif  // VEILLE_CRAWLER_H_
