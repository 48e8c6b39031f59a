// sources.h: the sources a crawl follows and what it has seen, in the archive.
//
// In:  an open Archive (read-write for the changes).
// Out: the `sources` rows (a feed, a news sitemap or a page to fetch every
//      so often, with the crawl's state: ETag, Last-Modified, next due time,
//      last success and error, failures in a row, articles found) and the
//      `crawl_seen` rows (every URL whose response a crawl wrote to a WARC
//      file, with its status, validators and listing signature, so that a
//      crawl resumed after SIGKILL does not fetch it again and a changed
//      item is fetched again); new articles per source and day.
// Thread-safety: as the Archive (one thread at a time).
#ifndef VEILLE_SOURCES_H_
#define VEILLE_SOURCES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veille/archive.h"
#include "veille/result.h"

namespace veille {

struct SourceRecord {
  int64_t id = 0;
  std::string url;
  std::string name;
  std::string kind = "auto";  // "feed", "sitemap", "page", or "auto" (told by the content)
  int64_t every_seconds = 900;
  std::optional<std::string> language;
  std::string added_at;
  // Crawl state.
  std::string next_due;  // UTC ISO 8601; "" = due now
  std::optional<std::string> etag, last_modified;
  std::optional<std::string> last_fetch, last_success, last_error, last_error_at;
  int64_t failures = 0;  // in a row
  int64_t articles = 0;  // links found and fetched, in total
  bool failing = false;  // 404/410 or many failures: not retried until changed
};

// Adds a source; InvalidArgument if the URL is already followed.
Status AddSource(Archive& a, const SourceRecord& s);
Status RemoveSource(Archive& a, const std::string& url);
Result<std::vector<SourceRecord>> ListSources(Archive& a);
// Sources whose next_due is at or before `now` (and not failing).
Result<std::vector<SourceRecord>> DueSources(Archive& a, const std::string& now);
// Writes the crawl state columns of `s` (by id).
Status UpdateSourceState(Archive& a, const SourceRecord& s);

// Clears `failing` and makes the source due now (after its URL was fixed,
// or the site came back). NotFound if no source has that URL.
Status EnableSource(Archive& a, const std::string& url);
// The source followed at `url`, if any.
Result<std::optional<SourceRecord>> FindSource(Archive& a, const std::string& url);

// "15m", "2h", "90s", "1d", or a number of seconds: the interval in seconds.
// InvalidArgument for anything else (or for zero).
Result<int64_t> ParseEvery(std::string_view s);

// What a crawl wrote for one URL (a `crawl_seen` row): where its last
// response is, what it answered, and what a later round needs to decide
// whether to fetch it again.
struct SeenUrl {
  std::string url;  // as requested
  std::string warc_file;
  uint64_t warc_offset = 0;
  std::string fetched_at;        // the last response's WARC-Date
  std::string first_fetched_at;  // the first response's ("" in archives before schema 9)
  int64_t status = 0;            // HTTP status; 0: unknown (written before schema 9)
  std::string kind;              // "robots", "source", "listing" (a child sitemap), "page"
  std::optional<int64_t> source_id;
  std::optional<std::string> location;  // a redirect's target, resolved
  std::optional<std::string> etag, last_modified;
  // What the listing said of the item when it was fetched (feed item dates
  // and title, sitemap lastmod): a new signature means the page changed.
  std::optional<std::string> signature;
  int64_t tries = 0;  // answers in a row that asked for a retry (429, 5xx)
};

// The row for `url`, if a crawl wrote a response for it.
Result<std::optional<SeenUrl>> FindSeen(Archive& a, const std::string& url);
// Writes the row (insert or replace; first_fetched_at is kept from an
// existing row, and so are source_id and signature when `s` has none).
Status RecordSeen(Archive& a, const SeenUrl& s);

// Whether a crawl already wrote a response for `url` to a WARC file.
Result<bool> CrawlSeen(Archive& a, const std::string& url);
Status MarkCrawlSeen(Archive& a, const std::string& url, const std::string& warc_file,
                     uint64_t offset, const std::string& at);

// New article pages per source and UTC day ("YYYY-MM-DD"), from `since_day`
// on: pages first fetched that day with a 2xx answer.
struct SourceDay {
  int64_t source_id = 0;
  std::string day;
  int64_t articles = 0;
};
Result<std::vector<SourceDay>> ArticlesPerDay(Archive& a, const std::string& since_day);

// Whether the WARC file `name` (its file name) was ingested after the round
// that wrote it; a crawl killed before it ingests its files leaves them for
// the next round.
Result<bool> WarcIngested(Archive& a, const std::string& name);
Status MarkWarcIngested(Archive& a, const std::string& name);

}  // namespace veille

#endif  // VEILLE_SOURCES_H_
