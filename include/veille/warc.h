// warc.h: WARC archives and the HTTP messages inside them.
//
// In:  a WARC file (WARC/1.0 or 1.1; plain, one gzip stream, or one gzip
//      member per record as Heritrix, wget, Browsertrix and Common Crawl
//      write them), or the bytes of one; the block of a `response` record.
// Out: WarcReader streams WarcRecords (headers, block, the record's number
//      and byte offset in the file) without loading the file; ParseHttpResponse
//      splits a response block into status, headers and the body with the
//      transfer coding (chunked) and content codings (gzip, deflate, br)
//      undone; DecodeContent undoes content codings alone.
// Bad input never stops a file: a truncated or corrupt gzip member, a record
//      whose Content-Length is wrong, bytes that are not a WARC record, a block
//      over the size cap are each reported as a Diagnostic whose `where` names
//      the file, record number, offset, record id and target URI, and the
//      reader resynchronises on the next "WARC/1.x" header line.
// Thread-safety: a WarcReader is used by one thread; the free functions are
//      pure.
#ifndef VEILLE_WARC_H_
#define VEILLE_WARC_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "veille/article.h"
#include "veille/result.h"

namespace veille {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// The value of the first header named `name` (ASCII case-insensitive), or "".
std::string_view FindHeader(const HeaderList& headers, std::string_view name);

struct WarcRecord {
  std::string version;  // "WARC/1.0", "WARC/1.1"
  HeaderList headers;   // in file order, names as written
  std::string block;    // the content block (empty when it was over the cap)
  uint64_t number = 0;  // 1-based position of the record in its file
  // Byte offset in the file where the record starts; for a gzip file, where
  // its gzip member starts (what CDX indexes store).
  uint64_t offset = 0;
  uint64_t content_length = 0;   // as declared
  bool block_skipped = false;    // over WarcOptions::max_block_bytes: not read
  bool length_mismatch = false;  // Content-Length was wrong; block re-delimited

  std::string_view type() const { return FindHeader(headers, "WARC-Type"); }
  std::string_view record_id() const { return FindHeader(headers, "WARC-Record-ID"); }
  std::string_view target_uri() const;  // WARC-Target-URI without <> around it
  std::string_view date() const { return FindHeader(headers, "WARC-Date"); }
  std::string_view content_type() const { return FindHeader(headers, "Content-Type"); }
};

struct WarcOptions {
  // A record block larger than this is skipped (reported, not buffered).
  size_t max_block_bytes = 64u << 20;
};

// "file:record N @ offset O <urn:uuid:...> https://..." for diagnostics.
std::string WarcWhere(std::string_view file, const WarcRecord& r);

class WarcReader {
 public:
  // Opens a file; NotFound / Io if it cannot be opened. Gzip is recognised by
  // its magic number, whatever the file is called.
  static Result<std::unique_ptr<WarcReader>> Open(const std::string& path,
                                                  const WarcOptions& options = {});
  // Reads `bytes` (plain or gzip) as the file named `name` (tests, fuzzing).
  static std::unique_ptr<WarcReader> FromBytes(std::string bytes, std::string name,
                                               const WarcOptions& options = {});
  ~WarcReader();
  WarcReader(const WarcReader&) = delete;
  WarcReader& operator=(const WarcReader&) = delete;

  // The next record; false at the end of the file. Problems are appended to
  // *diagnostics (possibly by a call that then returns false).
  bool Next(WarcRecord* record, std::vector<Diagnostic>* diagnostics);

  uint64_t bytes_read() const;  // input bytes (compressed) consumed so far
  const std::string& name() const;

 private:
  struct Impl;
  explicit WarcReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// An HTTP/1.x response as recorded in a WARC `response` record.
struct HttpResponse {
  std::string version;  // "HTTP/1.1"
  int status = 0;
  std::string reason;
  HeaderList headers;
  std::string body;  // transfer and content codings undone where possible
  // What could not be undone or looked wrong (a chunked body that does not
  // parse, an unknown or corrupt content coding ...): the body is then kept
  // as recorded, minus what could be undone.
  std::vector<std::string> problems;
};

struct HttpOptions {
  size_t max_body_bytes = 64u << 20;  // decoded body cap (gzip bombs)
};

// Parses a response block. BadInput if it does not start with an HTTP/1.x
// status line followed by headers (e.g. a `dns:` record, or a record that
// stores only the payload).
Result<HttpResponse> ParseHttpResponse(std::string_view block, const HttpOptions& options = {});

// Parses the header lines of an HTTP message (after the start line, up to
// the blank line or the end of `text`); folded continuation lines joined.
HeaderList ParseHeaderLines(std::string_view text);

// Undoes a Content-Encoding value ("gzip", "x-gzip", "deflate", "br",
// "identity", or a comma-separated list of them in the order they were
// applied, undone from the last), stopping
// at `max_bytes` of output. BadInput for an unknown coding or corrupt data;
// a result cut at max_bytes is an error too (it is not the whole body).
Result<std::string> DecodeContent(std::string_view body, std::string_view encoding,
                                  size_t max_bytes);

// Undoes chunked transfer coding. BadInput if `body` is not chunked.
Result<std::string> Dechunk(std::string_view body, size_t max_bytes);

// The charset parameter of a Content-Type value ("text/html; charset=UTF-8"
// -> "UTF-8"), or "".
std::string CharsetOf(std::string_view content_type);
// The media type, lowercased, without parameters ("text/html").
std::string MediaTypeOf(std::string_view content_type);

}  // namespace veille

#endif  // VEILLE_WARC_H_
