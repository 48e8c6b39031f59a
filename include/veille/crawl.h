// crawl.h: the crawler's parts that need no network: WARC writing, robots.txt
// rules and sitemaps.
//
// In:  HTTP exchanges to record; robots.txt and sitemap documents as fetched.
// Out: WarcWriter appends request and response records to rotating WARC/1.1
//      files (one gzip member per record, WARC-Record-ID, WARC-Date, block and
//      payload SHA-1 digests in base32 as WARC tools write them), each
//      exchange flushed to disk before Write returns, so that what a crawl
//      fetched survives a SIGKILL; the files are read back by WarcReader
//      (warc.h) like any WARC. RobotsRules answers whether a path may be
//      fetched by a user agent and its Crawl-delay (RFC 9309 matching:
//      the most specific group, the longest matching rule, * and $).
//      ParseSitemap reads <urlset> (with Google News <news:news> entries) and
//      <sitemapindex> documents.
// Thread-safety: a WarcWriter is used by one thread at a time. RobotsRules is
//      immutable once parsed. The free functions are pure.
#ifndef VEILLE_CRAWL_H_
#define VEILLE_CRAWL_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "veille/result.h"

namespace veille {

// SHA-1 of `data` as WARC digests give it: "sha1:" + 32 base32 characters.
std::string WarcSha1Digest(std::string_view data);
// A new "<urn:uuid:...>" record id (random, version 4).
std::string NewWarcRecordId();
// Now as a WARC-Date ("2024-03-05T08:15:00Z").
std::string WarcDateNow();

struct WarcWriterOptions {
  std::string dir;                     // created if missing
  std::string prefix = "veille";       // files are PREFIX-YYYYMMDDHHMMSS-NNNNN.warc.gz
  uint64_t max_file_bytes = 1u << 30;  // a new file is started past this size
  std::string software = "veille";     // for the warcinfo record
};

// Where a record was written.
struct WarcLocation {
  std::string file;
  uint64_t offset = 0;  // of its gzip member
  std::string record_id;
};

class WarcWriter {
 public:
  static Result<std::unique_ptr<WarcWriter>> Open(const WarcWriterOptions& options);
  ~WarcWriter();
  WarcWriter(const WarcWriter&) = delete;
  WarcWriter& operator=(const WarcWriter&) = delete;

  // Writes a request record and the response record of one fetch of `uri`
  // (the messages as sent and received: status line, headers, body; see
  // ParseHttpResponse), linked by WARC-Concurrent-To, then flushes and
  // fsyncs the file. Returns the response record's location.
  Result<WarcLocation> WriteExchange(std::string_view uri, std::string_view date,
                                     std::string_view request, std::string_view response,
                                     std::string_view ip_address = {});
  // Writes one record of any type (warcinfo, metadata, resource ...) with
  // the given block and extra headers.
  Result<WarcLocation> WriteRecord(std::string_view type, std::string_view uri,
                                   std::string_view date, std::string_view content_type,
                                   std::string_view block,
                                   const std::vector<std::pair<std::string, std::string>>& extra);
  Status Flush();  // fflush + fsync
  const std::string& current_file() const { return path_; }
  // Every file written to so far, in order.
  const std::vector<std::string>& files() const { return files_; }

 private:
  explicit WarcWriter(WarcWriterOptions options) : options_(std::move(options)) {}
  Status Rotate();
  Result<WarcLocation> Append(const std::string& id, std::string_view type, std::string_view uri,
                              std::string_view date, std::string_view content_type,
                              std::string_view block, std::string_view payload_digest,
                              const std::vector<std::pair<std::string, std::string>>& extra);

  WarcWriterOptions options_;
  std::FILE* file_ = nullptr;
  std::string path_;
  uint64_t size_ = 0;
  uint32_t serial_ = 0;
  std::vector<std::string> files_;
};

class RobotsRules {
 public:
  // Parses a robots.txt body (the first 500 KiB) for the group that applies
  // to `user_agent` (its product token, e.g. "veille"). An empty body allows
  // everything.
  static RobotsRules Parse(std::string_view body, std::string_view user_agent);
  static RobotsRules AllowAll() { return RobotsRules(); }
  static RobotsRules DisallowAll();

  // `path_and_query` starts with "/" ("/a/b?c=1").
  bool Allowed(std::string_view path_and_query) const;
  std::optional<double> crawl_delay() const { return crawl_delay_; }  // seconds
  const std::vector<std::string>& sitemaps() const { return sitemaps_; }

 private:
  struct Rule {
    std::string pattern;
    bool allow = false;
  };
  std::vector<Rule> rules_;
  std::optional<double> crawl_delay_;
  std::vector<std::string> sitemaps_;
};

struct SitemapEntry {
  std::string loc;         // absolute URL
  std::string lastmod;     // ISO 8601 as given, "" if none
  std::string news_title;  // <news:title>
  std::string news_date;   // <news:publication_date>
  std::string news_name;   // <news:publication><news:name>
  std::string news_language;
};

struct Sitemap {
  bool index = false;                 // a <sitemapindex>: `entries` are sitemaps
  std::vector<SitemapEntry> entries;  // in document order
};

// Parses a sitemap (XML; gzip already undone). BadInput if it is neither a
// <urlset> nor a <sitemapindex>.
Result<Sitemap> ParseSitemap(std::string_view bytes, size_t max_entries = 50000);

}  // namespace veille

#endif  // VEILLE_CRAWL_H_
