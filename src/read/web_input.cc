// web_input.cc: saved pages, WARC files and feed files -> InputRecords.
#include "read/web_input.h"

#include <sys/stat.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "read/read_internal.h"
#include "veille/feed.h"
#include "veille/html.h"

namespace veille {
namespace {

namespace fs = std::filesystem;
using read_internal::BinaryKind;
using read_internal::Lower;
using read_internal::Problem;
using read_internal::StartsWithIgnoreCase;
using read_internal::UtcTimestamp;
using read_internal::Warning;

bool IsHtmlType(std::string_view media) {
  return media == "text/html" || media == "application/xhtml+xml" || media == "text/xhtml";
}

bool IsFeedType(std::string_view media) {
  return media == "application/rss+xml" || media == "application/atom+xml" ||
         media == "application/rdf+xml" || media == "application/xml" || media == "text/xml";
}

// Whether an unlabelled payload starts like an HTML document.
bool LooksLikeHtml(std::string_view body) {
  size_t i = 0;
  if (body.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < body.size() && read_internal::IsAsciiSpace(body[i])) ++i;
  std::string_view s = body.substr(i, 64);
  return StartsWithIgnoreCase(s, "<!doctype html") || StartsWithIgnoreCase(s, "<html") ||
         StartsWithIgnoreCase(s, "<head") || StartsWithIgnoreCase(s, "<body") ||
         (StartsWithIgnoreCase(s, "<!--") && body.find("<html") != std::string_view::npos);
}

std::string FileDate(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return {};
  return UtcTimestamp(static_cast<int64_t>(st.st_mtime));
}

std::string Plural(uint64_t n, std::string_view what) {
  return std::to_string(n) + " " + std::string(what) + (n == 1 ? "" : "s");
}

}  // namespace

Result<std::string> ReadWholeFile(const std::string& path, size_t max_bytes) {
  gzFile gz = gzopen(path.c_str(), "rb");
  if (!gz) return Error::Io(path + ": cannot open: " + std::strerror(errno));
  std::string out;
  char buf[1 << 16];
  for (;;) {
    int n = gzread(gz, buf, sizeof buf);
    if (n < 0) {
      int err = Z_OK;
      std::string msg = gzerror(gz, &err);
      gzclose(gz);
      return Error::BadInput(path + ": truncated or corrupt gzip stream (" + msg + ")");
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_bytes) {
      gzclose(gz);
      return Error::BadInput(path + ": over the " + std::to_string(max_bytes) +
                             "-byte limit for one page or feed: skipped");
    }
  }
  int err = Z_OK;
  const char* msg = gzerror(gz, &err);
  std::string m = msg ? msg : "";
  gzclose(gz);
  if (err != Z_OK && err != Z_STREAM_END)
    return Error::BadInput(path + ": truncated or corrupt gzip stream (" + m + ")");
  return out;
}

WebFileReader::WebFileReader(std::string path, Type type, const ReadOptions& options,
                             std::vector<Diagnostic>* diagnostics)
    : path_(std::move(path)), type_(type), options_(options) {
  std::error_code ec;
  size_ = fs::file_size(path_, ec);
  file_date_ = FileDate(path_);
  if (type_ == Type::kWarc) {
    WarcOptions wo;
    // A block holds a page plus its headers, possibly compressed: a little
    // more than a page may be, and the decoded page is checked again.
    wo.max_block_bytes = options_.max_record_bytes + (1u << 16);
    auto r = WarcReader::Open(path_, wo);
    if (!r.ok()) {
      diagnostics->push_back(Problem(path_, r.error().message));
      done_ = true;
    } else {
      warc_ = std::move(r).value();
    }
  } else if (type_ == Type::kPage) {
    ReadPageFile(diagnostics);
    done_ = true;
  } else {
    ReadFeedFile(diagnostics);
    done_ = true;
  }
}

WebFileReader::~WebFileReader() = default;

uint64_t WebFileReader::bytes_read() const {
  if (warc_) return std::min<uint64_t>(warc_->bytes_read(), size_);
  return done_ && queue_.empty() ? size_ : 0;
}

void WebFileReader::ReadPageFile(std::vector<Diagnostic>* diagnostics) {
  if (size_ == 0) {
    diagnostics->push_back(Problem(path_, "empty file, skipped"));
    return;
  }
  auto bytes = ReadWholeFile(path_, options_.max_record_bytes);
  if (!bytes.ok()) {
    diagnostics->push_back(Problem(path_, bytes.error().message));
    return;
  }
  if (std::string kind = BinaryKind(*bytes); !kind.empty() && kind != "UTF-16 text") {
    diagnostics->push_back(Problem(path_, "not an HTML page: " + kind + ", skipped"));
    return;
  }
  InputRecord rec;
  rec.kind = InputRecord::Kind::kHtml;
  rec.source = path_;
  fs::path p(path_);
  rec.source_group = p.has_parent_path() ? p.parent_path().string() : ".";
  std::string name = p.filename().string();
  for (std::string_view ext : {".gz", ".html", ".htm", ".xhtml"}) {
    if (Lower(name).size() > ext.size() &&
        Lower(name).compare(name.size() - ext.size(), ext.size(), ext) == 0)
      name.resize(name.size() - ext.size());
  }
  rec.id_hint = name;
  rec.bytes = std::move(bytes).value();
  rec.provenance.file = path_;
  rec.provenance.kind = "page";
  rec.provenance.fetch_date = file_date_;
  queue_.push_back(std::move(rec));
}

void WebFileReader::QueueFeed(std::string_view bytes, const std::string& url,
                              const std::string& where, const std::string& fallback_date,
                              std::vector<Diagnostic>* diagnostics) {
  auto feed = ParseFeed(bytes, url);
  if (!feed.ok()) {
    diagnostics->push_back(Problem(where, feed.error().message + ": skipped"));
    return;
  }
  if (!feed->problems.empty()) {
    std::string msg =
        "XML errors recovered from (" + feed->problems.front() +
        (feed->problems.size() > 1 ? "; " + std::to_string(feed->problems.size() - 1) + " more"
                                   : std::string()) +
        ")";
    diagnostics->push_back(Warning(where, msg));
  }
  if (feed->items.empty()) diagnostics->push_back(Warning(where, "feed has no items"));
  for (FeedItem& it : feed->items) {
    if (options_.skip_feed_item && !url.empty() && !it.link.empty() &&
        options_.skip_feed_item(NormalizeUrl(it.link)))
      continue;
    InputRecord rec;
    rec.kind = InputRecord::Kind::kFeedItem;
    rec.source = where + ":item " + std::to_string(it.number) +
                 (it.line ? " (line " + std::to_string(it.line) + ")" : std::string()) +
                 (it.link.empty() ? std::string() : " " + it.link);
    rec.source_group = path_;
    rec.url = it.link;
    rec.provenance.file = path_;
    rec.provenance.kind = "feed";
    rec.provenance.record_id = it.guid;
    rec.provenance.record = it.number;
    rec.provenance.target_uri = it.link;
    std::string date = UtcTimestamp(it.updated.empty() ? it.published : it.updated);
    rec.provenance.fetch_date = date.empty() ? fallback_date : date;
    rec.feed_title = feed->title;
    rec.feed_language = feed->language;
    rec.item = std::move(it);
    queue_.push_back(std::move(rec));
    ++items_;
  }
}

void WebFileReader::ReadFeedFile(std::vector<Diagnostic>* diagnostics) {
  if (size_ == 0) {
    diagnostics->push_back(Problem(path_, "empty file, skipped"));
    return;
  }
  // A feed file may hold many items: a larger cap than one page.
  auto bytes = ReadWholeFile(path_, options_.max_record_bytes * 4);
  if (!bytes.ok()) {
    diagnostics->push_back(Problem(path_, bytes.error().message));
    return;
  }
  QueueFeed(*bytes, "", path_, file_date_, diagnostics);
}

void WebFileReader::TakePayload(const WarcRecord& r, std::string body,
                                const std::string& content_type,
                                std::vector<Diagnostic>* diagnostics) {
  const std::string media = MediaTypeOf(content_type);
  const std::string where = WarcWhere(path_, r);
  const std::string uri(r.target_uri());
  bool html = IsHtmlType(media), feed = false;
  if (!html && (IsFeedType(media) || media.empty() || media == "text/plain"))
    feed = LooksLikeFeed(std::string_view(body).substr(0, 4096));
  if (!html && !feed && media.empty()) html = LooksLikeHtml(body);
  if (!html && !feed) {
    ++not_pages_;
    return;
  }
  if (std::string kind = BinaryKind(body); !kind.empty() && kind != "UTF-16 text") {
    diagnostics->push_back(Problem(where, "binary content (" + kind + ") labelled " +
                                              (media.empty() ? "as nothing" : media) +
                                              ": skipped"));
    return;
  }
  const std::string fetch = UtcTimestamp(r.date());
  if (feed) {
    QueueFeed(body, uri, where, fetch, diagnostics);
    return;
  }
  if (body.size() > options_.max_record_bytes) {
    diagnostics->push_back(Problem(where, "page of " + std::to_string(body.size()) +
                                              " bytes is over the " +
                                              std::to_string(options_.max_record_bytes) +
                                              "-byte limit for one article: skipped"));
    return;
  }
  InputRecord rec;
  rec.kind = InputRecord::Kind::kHtml;
  rec.source = where;
  rec.source_group = path_;
  rec.bytes = std::move(body);
  rec.url = uri;
  rec.content_type = content_type;
  rec.provenance.file = path_;
  rec.provenance.kind = "page";
  rec.provenance.record_id = std::string(r.record_id());
  rec.provenance.offset = static_cast<int64_t>(r.offset);
  rec.provenance.record = r.number;
  rec.provenance.target_uri = uri;
  rec.provenance.fetch_date = fetch.empty() ? file_date_ : fetch;
  queue_.push_back(std::move(rec));
  ++pages_;
}

// Reads WARC records until one yields records or the file ends.
bool WebFileReader::NextWarc(std::vector<Diagnostic>* diagnostics) {
  WarcRecord r;
  while (queue_.empty()) {
    if (!warc_->Next(&r, diagnostics)) return false;
    ++records_;
    std::string type = Lower(r.type());
    if (type == "revisit") {
      ++revisits_;
      continue;
    }
    if (type != "response" && type != "resource") continue;  // request, metadata, warcinfo ...
    if (r.block_skipped) continue;                           // reported by the WarcReader
    if (type == "resource") {
      TakePayload(r, std::move(r.block), std::string(r.content_type()), diagnostics);
      continue;
    }
    std::string_view uri = r.target_uri();
    if (StartsWithIgnoreCase(uri, "dns:") || StartsWithIgnoreCase(uri, "whois:")) {
      ++not_http_;
      continue;
    }
    HttpOptions ho;
    ho.max_body_bytes = options_.max_record_bytes;
    auto resp = ParseHttpResponse(r.block, ho);
    if (!resp.ok()) {
      ++not_http_;
      diagnostics->push_back(Problem(
          WarcWhere(path_, r),
          "response record is not an HTTP response (" + resp.error().message + "): skipped"));
      continue;
    }
    for (const std::string& p : resp->problems)
      diagnostics->push_back(Warning(WarcWhere(path_, r), p));
    if (resp->status < 200 || resp->status > 299) {
      ++not_ok_;
      continue;
    }
    TakePayload(r, std::move(resp->body), std::string(FindHeader(resp->headers, "Content-Type")),
                diagnostics);
  }
  return true;
}

void WebFileReader::Summarise(std::vector<Diagnostic>* diagnostics) {
  if (revisits_ + not_pages_ + not_ok_ + not_http_ == 0) return;
  std::string msg = "read " + Plural(pages_, "page") + " and " + Plural(items_, "feed item") +
                    " from " + Plural(records_, "record") + "; skipped ";
  std::string parts;
  auto add = [&](uint64_t n, std::string_view what) {
    if (n == 0) return;
    if (!parts.empty()) parts += ", ";
    parts += std::to_string(n) + " " + std::string(what);
  };
  add(revisits_, "revisit records (no payload)");
  add(not_pages_, "responses that are not pages or feeds");
  add(not_ok_, "responses with a status other than 2xx");
  add(not_http_, "records that are not HTTP (dns: ...)");
  diagnostics->push_back(Warning(path_, msg + parts));
}

bool WebFileReader::Next(InputRecord* record, std::vector<Diagnostic>* diagnostics) {
  if (queue_.empty() && warc_ && !done_) {
    if (!NextWarc(diagnostics)) {
      done_ = true;
      Summarise(diagnostics);
    }
  }
  if (queue_.empty()) return false;
  *record = std::move(queue_.front());
  queue_.pop_front();
  return true;
}

}  // namespace veille
