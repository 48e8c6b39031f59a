// sources.h: the sources a crawl follows and what it has seen, in the archive.
//
// In:  an open Archive (read-write for the changes).
// Out: the `sources` rows (a feed, a news sitemap or a page to fetch every
//      so often, with the crawl's state: ETag, Last-Modified, next due time,
//      last success and error, failures in a row, articles found) and the
//      `crawl_seen` rows (every URL whose response a crawl wrote to a WARC
//      file, so that a crawl resumed after SIGKILL does not fetch it again).
// Thread-safety: as the Archive (one thread at a time).
#ifndef VEILLE_SOURCES_H_
#define VEILLE_SOURCES_H_

#include <cstdint>
#include <optional>
#include <string>
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

// Whether a crawl already wrote a response for `url` to a WARC file.
Result<bool> CrawlSeen(Archive& a, const std::string& url);
Status MarkCrawlSeen(Archive& a, const std::string& url, const std::string& warc_file,
                     uint64_t offset, const std::string& at);

// Whether the WARC file `name` (its file name) was ingested after the round
// that wrote it; a crawl killed before it ingests its files leaves them for
// the next round.
Result<bool> WarcIngested(Archive& a, const std::string& name);
Status MarkWarcIngested(Archive& a, const std::string& name);

}  // namespace veille

#endif  // VEILLE_SOURCES_H_
