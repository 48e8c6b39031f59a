// web_input.h: the InputReader's readers of web files (internal to the read
// module): a saved page, a WARC file, a feed file, each streamed as
// InputRecords (kHtml, kFeedItem).
#ifndef VEILLE_READ_WEB_INPUT_H_
#define VEILLE_READ_WEB_INPUT_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "veille/read.h"
#include "veille/warc.h"

namespace veille {

class WebFileReader {
 public:
  enum class Type { kPage, kWarc, kFeed };
  // Problems opening the file go to *diagnostics; the reader then yields
  // nothing.
  WebFileReader(std::string path, Type type, const ReadOptions& options,
                std::vector<Diagnostic>* diagnostics);
  ~WebFileReader();

  bool Next(InputRecord* record, std::vector<Diagnostic>* diagnostics);
  uint64_t bytes_read() const;

 private:
  void ReadPageFile(std::vector<Diagnostic>* diagnostics);
  void ReadFeedFile(std::vector<Diagnostic>* diagnostics);
  bool NextWarc(std::vector<Diagnostic>* diagnostics);
  // A WARC payload: a page, a feed, or something else (counted).
  void TakePayload(const WarcRecord& r, std::string body, const std::string& content_type,
                   std::vector<Diagnostic>* diagnostics);
  void QueueFeed(std::string_view bytes, const std::string& url, const std::string& where,
                 const std::string& fallback_date, std::vector<Diagnostic>* diagnostics);
  void Summarise(std::vector<Diagnostic>* diagnostics);

  std::string path_;
  Type type_;
  ReadOptions options_;
  std::unique_ptr<WarcReader> warc_;
  std::deque<InputRecord> queue_;
  std::string file_date_;  // the file's modification time, UTC
  bool done_ = false;
  uint64_t size_ = 0;
  // WARC counts for the end-of-file note.
  uint64_t records_ = 0, pages_ = 0, items_ = 0, revisits_ = 0, not_pages_ = 0, not_ok_ = 0,
           not_http_ = 0;
};

// Reads a whole (possibly gzip-compressed) file, up to `max_bytes` of
// decompressed content; Error naming the file otherwise.
Result<std::string> ReadWholeFile(const std::string& path, size_t max_bytes);

}  // namespace veille

#endif  // VEILLE_READ_WEB_INPUT_H_
