// input_reader.cc: walks files and folders and streams records from them.
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "read/read_internal.h"
#include "read/web_input.h"
#include "veille/feed.h"
#include "veille/read.h"

namespace veille {
namespace {

namespace fs = std::filesystem;
using read_internal::BinaryKind;
using read_internal::Problem;
using read_internal::Warning;

enum class FileType { kText, kJsonLines, kPage, kWarc, kFeed, kXml, kUnsupported };

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

FileType Classify(const fs::path& path) {
  std::string name = Lower(path.filename().string());
  if (EndsWith(name, ".txt") || EndsWith(name, ".text")) return FileType::kText;
  for (std::string_view ext : {".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"}) {
    if (EndsWith(name, ext)) return FileType::kJsonLines;
  }
  for (std::string_view ext : {".html", ".htm", ".xhtml", ".html.gz", ".htm.gz"}) {
    if (EndsWith(name, ext)) return FileType::kPage;
  }
  if (EndsWith(name, ".warc") || EndsWith(name, ".warc.gz")) return FileType::kWarc;
  for (std::string_view ext : {".rss", ".atom", ".rdf", ".rss.gz", ".atom.gz"}) {
    if (EndsWith(name, ext)) return FileType::kFeed;
  }
  if (EndsWith(name, ".xml") || EndsWith(name, ".xml.gz")) return FileType::kXml;
  return FileType::kUnsupported;
}

// The first bytes of a (possibly gzip-compressed) file, for sniffing.
std::string ReadHead(const std::string& path) {
  std::string head(4096, '\0');
  gzFile gz = gzopen(path.c_str(), "rb");
  if (!gz) return {};
  int n = gzread(gz, head.data(), static_cast<unsigned>(head.size()));
  gzclose(gz);
  head.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return head;
}

struct FileEntry {
  std::string path;
  FileType type = FileType::kUnsupported;
  uint64_t size = 0;
};

}  // namespace

struct InputReader::Impl {
  ReadOptions options;
  std::vector<FileEntry> files;
  std::vector<Diagnostic> pending;  // found by Open, reported by the first Next
  size_t next_file = 0;
  uint64_t total = 0;
  uint64_t done_files_bytes = 0;
  uint64_t files_done = 0;

  // The JSONL file being read.
  gzFile gz = nullptr;
  const FileEntry* current = nullptr;
  std::vector<char> buf = std::vector<char>(1 << 18);
  size_t buf_pos = 0, buf_len = 0;
  bool at_eof = false, first_chunk = true, skipping_line = false;
  std::string stream_error;  // zlib's message when the stream ended badly
  uint64_t line_no = 0;
  std::string line;

  // The web file being read (page, WARC, feed).
  std::unique_ptr<WebFileReader> web;
  const FileEntry* web_file = nullptr;

  ~Impl() {
    if (gz) gzclose(gz);
  }

  void FinishFile(const FileEntry& f) {
    done_files_bytes += f.size;
    ++files_done;
  }

  bool ReadText(const FileEntry& f, InputRecord* record, std::vector<Diagnostic>* diags);
  void OpenJsonLines(const FileEntry& f, std::vector<Diagnostic>* diags);
  bool NextJsonLine(InputRecord* record, std::vector<Diagnostic>* diags);
  bool EmitLine(InputRecord* record);
  void CloseJsonLines();
};

bool InputReader::Impl::ReadText(const FileEntry& f, InputRecord* record,
                                 std::vector<Diagnostic>* diags) {
  FinishFile(f);  // whatever happens below, this file is done
  if (f.size == 0) {
    diags->push_back(Problem(f.path, "empty file, skipped"));
    return false;
  }
  if (f.size > options.max_record_bytes) {
    diags->push_back(Problem(f.path, "file is " + std::to_string(f.size) + " bytes, over the " +
                                         std::to_string(options.max_record_bytes) +
                                         "-byte limit for one article: skipped"));
    return false;
  }
  std::FILE* in = std::fopen(f.path.c_str(), "rb");
  if (!in) {
    diags->push_back(Problem(f.path, std::string("cannot open: ") + std::strerror(errno)));
    return false;
  }
  record->bytes.resize(f.size);
  size_t n = std::fread(record->bytes.data(), 1, f.size, in);
  bool failed = std::ferror(in);
  std::fclose(in);
  record->bytes.resize(n);
  if (failed) {
    diags->push_back(Problem(f.path, "read error, skipped"));
    return false;
  }
  if (std::string kind = BinaryKind(record->bytes); !kind.empty()) {
    diags->push_back(Problem(f.path, "not a text file: " + kind + ", skipped"));
    return false;
  }
  fs::path p(f.path);
  record->kind = InputRecord::Kind::kText;
  record->source = f.path;
  record->source_group = p.has_parent_path() ? p.parent_path().string() : ".";
  std::string name = p.filename().string();
  size_t dot = name.rfind('.');
  record->id_hint = dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
  return true;
}

void InputReader::Impl::OpenJsonLines(const FileEntry& f, std::vector<Diagnostic>* diags) {
  if (f.size == 0) {
    diags->push_back(Problem(f.path, "empty file, skipped"));
    FinishFile(f);
    return;
  }
  // gzopen reads plain files transparently, so one path serves .jsonl and
  // .jsonl.gz, and never holds more than one buffer of decompressed text.
  gz = gzopen(f.path.c_str(), "rb");
  if (!gz) {
    diags->push_back(Problem(f.path, std::string("cannot open: ") + std::strerror(errno)));
    FinishFile(f);
    return;
  }
  gzbuffer(gz, 1 << 17);
  current = &f;
  buf_pos = buf_len = 0;
  at_eof = false;
  first_chunk = true;
  skipping_line = false;
  stream_error.clear();
  line_no = 0;
  line.clear();
}

void InputReader::Impl::CloseJsonLines() {
  gzclose(gz);
  gz = nullptr;
  FinishFile(*current);
  current = nullptr;
}

// Moves the completed line into *record; false (and nothing emitted) for a
// blank line, which JSONL writers leave at the end of files.
bool InputReader::Impl::EmitLine(InputRecord* record) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  bool blank =
      std::all_of(line.begin(), line.end(), [](char c) { return read_internal::IsAsciiSpace(c); });
  if (blank) {
    line.clear();
    return false;
  }
  record->kind = InputRecord::Kind::kJsonLine;
  record->source = current->path + ":" + std::to_string(line_no);
  record->source_group = current->path;
  record->id_hint.clear();
  record->bytes.swap(line);  // hands over the line, keeps a buffer for the next
  line.clear();
  return true;
}

bool InputReader::Impl::NextJsonLine(InputRecord* record, std::vector<Diagnostic>* diags) {
  const std::string& path = current->path;
  for (;;) {
    if (buf_pos < buf_len) {
      const char* start = buf.data() + buf_pos;
      const char* nl = static_cast<const char*>(std::memchr(start, '\n', buf_len - buf_pos));
      size_t n = nl ? static_cast<size_t>(nl - start) : buf_len - buf_pos;
      if (!skipping_line) {
        if (line.size() + n > options.max_record_bytes) {
          // Over the limit: drop what we have and skip to the next newline
          // without buffering the rest.
          skipping_line = true;
          line.clear();
          diags->push_back(Problem(path + ":" + std::to_string(line_no + 1),
                                   "line longer than the " +
                                       std::to_string(options.max_record_bytes) +
                                       "-byte limit for one article: skipped"));
        } else {
          line.append(start, n);
        }
      }
      buf_pos += n;
      if (nl) {
        ++buf_pos;
        ++line_no;
        if (skipping_line) {
          skipping_line = false;
          line.clear();
          continue;
        }
        if (EmitLine(record)) return true;
      }
      continue;
    }
    if (at_eof) {
      // The last line may lack its newline; after a truncated stream it is
      // cut short and is dropped rather than reported as bad JSON.
      bool has_fragment = !line.empty() || skipping_line;
      if (has_fragment) ++line_no;
      if (!stream_error.empty()) {
        diags->push_back(
            Problem(path, "truncated or corrupt gzip stream (" + stream_error + ") after line " +
                              std::to_string(line_no - has_fragment) +
                              (has_fragment ? "; the incomplete last line was skipped" : "")));
        line.clear();
      } else if (has_fragment && !skipping_line && EmitLine(record)) {
        skipping_line = false;
        return true;
      }
      skipping_line = false;
      line.clear();
      return false;
    }
    int r = gzread(gz, buf.data(), static_cast<unsigned>(buf.size()));
    int errnum = Z_OK;
    const char* msg = gzerror(gz, &errnum);
    if (r < 0 || (errnum != Z_OK && errnum != Z_STREAM_END)) {
      stream_error = msg ? msg : "read error";
      at_eof = true;
      if (r <= 0) continue;
    }
    if (r == 0) {
      at_eof = true;
      continue;
    }
    buf_pos = 0;
    buf_len = static_cast<size_t>(r);
    if (first_chunk) {
      first_chunk = false;
      std::string_view head(buf.data(), buf_len);
      if (std::string kind = BinaryKind(head); !kind.empty()) {
        diags->push_back(Problem(path, "not a JSON Lines file: " + kind + ", skipped"));
        buf_len = 0;
        at_eof = true;
        line.clear();
        stream_error.clear();
        return false;
      }
      if (gzdirect(gz) && EndsWith(Lower(path), ".gz")) {
        diags->push_back(Warning(path, "not gzip-compressed despite its name: read as plain text"));
      }
    }
  }
}

Result<std::vector<std::string>> ListInputFiles(const std::vector<std::string>& paths,
                                                std::vector<Diagnostic>* problems) {
  std::vector<std::string> out;
  for (const std::string& path : paths) {
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) return Error::NotFound(path + ": no such file or directory");
    if (!fs::is_directory(st)) {
      out.push_back(path);  // named explicitly: read even if hidden
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
    if (ec) return Error::Io(path + ": cannot list folder: " + ec.message());
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) {
        problems->push_back(Problem(path, "cannot list folder: " + ec.message()));
        break;
      }
      std::string name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') {  // hidden: editor backups, .git, .DS_Store
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec)) found.push_back(it->path().string());
    }
    // Sorted by path, byte-wise: the order is the same on every machine.
    std::sort(found.begin(), found.end());
    out.insert(out.end(), std::make_move_iterator(found.begin()),
               std::make_move_iterator(found.end()));
  }
  return out;
}

InputWatcher::InputWatcher(std::vector<std::string> paths, std::chrono::milliseconds settle)
    : paths_(std::move(paths)), settle_(settle) {}

Result<std::vector<std::string>> InputWatcher::Changed(std::vector<Diagnostic>* problems) {
  auto files = ListInputFiles(paths_, problems);
  if (!files.ok()) return files.error();
  const auto now = fs::file_time_type::clock::now();
  std::vector<std::string> out;
  for (const std::string& f : *files) {
    std::error_code ec;
    const auto size = fs::file_size(f, ec);
    if (ec) continue;  // gone meanwhile
    const auto mtime = fs::last_write_time(f, ec);
    if (ec) continue;
    if (now - mtime < settle_) continue;  // still being written: next time
    auto [it, fresh] = seen_.try_emplace(f, State{size, mtime});
    if (!fresh && it->second.size == size && it->second.mtime == mtime) continue;
    it->second = {size, mtime};
    if (Classify(f) != FileType::kUnsupported) out.push_back(f);
  }
  return out;
}

InputReader::InputReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
InputReader::~InputReader() = default;

Result<std::unique_ptr<InputReader>> InputReader::Open(const std::vector<std::string>& paths,
                                                       const ReadOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  auto add = [&](const fs::path& p) {
    FileEntry e;
    e.path = p.string();
    e.type = Classify(p);
    std::error_code ec;
    e.size = e.type == FileType::kUnsupported ? 0 : fs::file_size(p, ec);
    if (ec) e.size = 0;
    impl->total += e.size;
    impl->files.push_back(std::move(e));
  };
  auto files = ListInputFiles(paths, &impl->pending);
  if (!files.ok()) return files.error();
  for (const std::string& f : *files) add(f);
  return std::unique_ptr<InputReader>(new InputReader(std::move(impl)));
}

bool InputReader::Next(InputRecord* record, std::vector<Diagnostic>* diagnostics) {
  Impl& m = *impl_;
  if (!m.pending.empty()) {
    diagnostics->insert(diagnostics->end(), m.pending.begin(), m.pending.end());
    m.pending.clear();
  }
  for (;;) {
    if (m.gz) {
      if (m.NextJsonLine(record, diagnostics)) return true;
      m.CloseJsonLines();
      continue;
    }
    if (m.web) {
      if (m.web->Next(record, diagnostics)) return true;
      m.web.reset();
      m.FinishFile(*m.web_file);
      continue;
    }
    if (m.next_file >= m.files.size()) return false;
    const FileEntry& f = m.files[m.next_file++];
    switch (f.type) {
      case FileType::kUnsupported: {
        std::string ext = fs::path(f.path).extension().string();
        diagnostics->push_back(Warning(
            f.path, "unsupported file type" + (ext.empty() ? std::string() : " (" + ext + ")") +
                        ": skipped (readers take .txt, .jsonl(.gz), .html(.gz), .warc(.gz), "
                        ".rss, .atom, .xml feeds)"));
        break;
      }
      case FileType::kXml:
      case FileType::kPage:
      case FileType::kWarc:
      case FileType::kFeed: {
        FileType t = f.type;
        if (t == FileType::kXml) {
          // Named .xml: read as a feed only if it is one (sitemaps, data ...).
          auto head = ReadHead(f.path);
          if (!LooksLikeFeed(head)) {
            diagnostics->push_back(
                Warning(f.path, "XML file that is not an RSS or Atom feed: skipped"));
            m.FinishFile(f);
            break;
          }
          t = FileType::kFeed;
        }
        auto type = t == FileType::kPage   ? WebFileReader::Type::kPage
                    : t == FileType::kWarc ? WebFileReader::Type::kWarc
                                           : WebFileReader::Type::kFeed;
        m.web = std::make_unique<WebFileReader>(f.path, type, m.options, diagnostics);
        m.web_file = &f;
        break;
      }
      case FileType::kText:
        if (m.ReadText(f, record, diagnostics)) return true;
        break;
      case FileType::kJsonLines:
        m.OpenJsonLines(f, diagnostics);
        break;
    }
  }
}

uint64_t InputReader::bytes_done() const {
  uint64_t done = impl_->done_files_bytes;
  if (impl_->web) done += impl_->web->bytes_read();
  if (impl_->gz) done += std::min<uint64_t>(gzoffset(impl_->gz), impl_->current->size);
  return done;
}
uint64_t InputReader::bytes_total() const { return impl_->total; }
uint64_t InputReader::files_done() const { return impl_->files_done; }

Result<RawArticle> ParseRecord(const InputRecord& record) {
  if (record.kind == InputRecord::Kind::kHtml || record.kind == InputRecord::Kind::kFeedItem)
    return read_internal::ParseWebRecord(record);
  if (record.kind == InputRecord::Kind::kText) {
    std::string id = record.id_hint;
    if (id.empty()) id = fs::path(record.source).stem().string();
    auto a = ParseTextArticle(id, record.source, record.bytes);
    if (a.ok() && !record.source_group.empty()) a->source_group = record.source_group;
    return a;
  }
  auto a = ParseJsonArticle(record.bytes, record.source);
  if (a.ok() && !record.source_group.empty()) {
    a->source_group = record.source_group;
    if (a->outlet) a->source_group += "#" + *a->outlet;
  }
  return a;
}

}  // namespace veille
