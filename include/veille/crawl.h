// crawl.h: the crawler's parts that need no network: WARC writing, robots.txt
// rules and sitemaps.
//
// In:  HTTP exchanges to record; robots.txt and sitemap documents as fetched.
// Out: WarcWriter appends request and response records to rotating WARC/1.1
//      files (one gzip member per record, WARC-Record-ID, WARC-Date, block and
//      payload SHA-1 digests in base32 as WARC tools write them), each
//      exchange handed to the system before Write returns, so that what a
//      crawl fetched survives a SIGKILL (Flush() fsyncs, for a machine
//      crash); the files are read back by WarcReader
//      (warc.h) like any WARC. RobotsRules answers whether a path may be
//      fetched by a user agent and its Crawl-delay (RFC 9309 matching:
//      the most specific group, the longest matching rule, * and $).
//      ParseSitemap reads <urlset> (with Google News <news:news> entries) and
//      <sitemapindex> documents. ParseListing gives the links a source lists
//      (feed items, sitemap entries, a section page's article links, by the
//      cues of ArticleLinkRules), each with a signature that changes when
//      the item is updated. ParseRetryAfter and BackoffSeconds time retries.
// Thread-safety: a WarcWriter is used by one thread at a time. RobotsRules and
//      ArticleLinkRules are immutable once made. The free functions are pure.
#ifndef VEILLE_CRAWL_H_
#define VEILLE_CRAWL_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "veille/html.h"
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

  // Writes the response record and the request record of one fetch of
  // `uri` (the messages as sent and received: status line, headers, body;
  // see ParseHttpResponse), linked by WARC-Concurrent-To, with `extra`
  // fields on the response record, then hands the file's buffer to the
  // system (fflush): a process killed after this loses none of it. Flush()
  // makes it survive a machine crash too. Returns the response's location.
  Result<WarcLocation> WriteExchange(
      std::string_view uri, std::string_view date, std::string_view request,
      std::string_view response, std::string_view ip_address = {},
      const std::vector<std::pair<std::string, std::string>>& extra = {});
  // Writes one record of any type (warcinfo, metadata, resource ...) with
  // the given block and extra headers.
  Result<WarcLocation> WriteRecord(std::string_view type, std::string_view uri,
                                   std::string_view date, std::string_view content_type,
                                   std::string_view block,
                                   const std::vector<std::pair<std::string, std::string>>& extra);
  Status Flush();  // fflush + fsync of the current file
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

// --- Retries -------------------------------------------------------------

// The wait a Retry-After header asks for, in seconds after `now` (Unix
// seconds): delta-seconds ("120") or an HTTP-date (IMF-fixdate, RFC 850 or
// asctime form, RFC 9110 section 10.2.3); a date in the past gives 0.
// nullopt for anything else.
std::optional<double> ParseRetryAfter(std::string_view value, int64_t now);

// Exponential backoff with jitter: base * 2^attempt seconds (attempt 0 is
// the first retry) times a factor in [0.5, 1.5) that `unit` (in [0, 1),
// drawn at random by the caller) picks, so that clients that failed
// together do not retry together; at most `cap`.
double BackoffSeconds(int attempt, double base, double cap, double unit);

// --- Listings: what a source links to ------------------------------------

// Whether two http(s) URLs are on the same site: the same registrable domain
// (the public suffix list's: news.example.co.uk and www.example.co.uk are,
// a.github.io and b.github.io are not), or the same host when it has none
// (an IP address, a name without a dot). Schemes and ports are not compared.
bool SameSite(std::string_view a, std::string_view b);

// Which links of an HTML section page are articles: weights of URL and
// layout cues, service-page path segments and non-page file endings, from
// data/crawl/article_links.tsv (see the file).
class ArticleLinkRules {
 public:
  static Result<ArticleLinkRules> Load(const std::string& path);
  static Result<ArticleLinkRules> LoadDefault();  // via DataPath

  // The score of `link` (of a page fetched from `page_url`), or nullopt when
  // it can never be an article link (another site, the page itself, the
  // home page, a service page, a file that is not a page).
  std::optional<double> Score(const PageLink& link, std::string_view page_url) const;
  bool IsArticle(const PageLink& link, std::string_view page_url) const;

 private:
  std::map<std::string, double, std::less<>> weights_, params_;
  std::vector<std::string> skip_segments_, skip_extensions_;
};

struct ListedLink {
  std::string url;  // absolute, NormalizeUrl'ed
  // What the listing says of the item that changes when the item is updated
  // (feed: dates, title and summary; sitemap: lastmod and news date and
  // title); "" when it says nothing (a section page's link).
  std::string signature;
};

struct Listing {
  enum class Kind { kNone, kFeed, kSitemap, kSitemapIndex, kPage };
  Kind kind = Kind::kNone;
  // Articles in document order, each once; for a sitemap index, its sitemaps.
  std::vector<ListedLink> links;
  std::string problem;  // why nothing could be read; "" if it was
};

// "feed", "sitemap", "sitemap index", "page", "nothing".
const char* ListingKindName(Listing::Kind kind);

// The links of a source's body (content codings undone) fetched from `url`
// with Content-Type `content_type`. `kind` is the source's: "feed",
// "sitemap", "page", or "auto" (told by the content: a feed, a sitemap, else
// an HTML page). A page's links are its article links by `rules`, on the
// same site; at most `max_links`.
Listing ParseListing(std::string_view body, std::string_view content_type, std::string_view url,
                     std::string_view kind, const ArticleLinkRules& rules, size_t max_links);

}  // namespace veille

#endif  // VEILLE_CRAWL_H_
