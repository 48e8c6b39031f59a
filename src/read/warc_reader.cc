// warc_reader.cc: streams WARC records from plain or gzip files, resynchronising
// after damage (see warc.h).
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "read/read_internal.h"
#include "veille/warc.h"

namespace veille {
namespace {

using read_internal::Problem;
using read_internal::TrimAscii;
using read_internal::Warning;

constexpr size_t kMaxHeaderBytes = 1 << 16;
constexpr size_t kChunk = 1 << 16;

// Whether `s` starts with a WARC/1.x version line.
bool IsVersionLine(std::string_view s) {
  return s.size() >= 10 && s.substr(0, 7) == "WARC/1." && s[7] >= '0' && s[7] <= '9' &&
         (s[8] == '\r' || s[8] == '\n');
}

std::string Printable(std::string_view s, size_t max) {
  std::string out;
  for (char c : s.substr(0, max)) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out.push_back(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      out += hex;
    }
  }
  return out;
}

}  // namespace

std::string_view WarcRecord::target_uri() const {
  std::string_view u = TrimAscii(FindHeader(headers, "WARC-Target-URI"));
  if (u.size() >= 2 && u.front() == '<' && u.back() == '>') u = u.substr(1, u.size() - 2);
  return u;
}

std::string WarcWhere(std::string_view file, const WarcRecord& r) {
  std::string w = std::string(file) + ":record " + std::to_string(r.number) + " @ offset " +
                  std::to_string(r.offset);
  if (std::string_view id = r.record_id(); !id.empty()) {
    w += ' ';
    w += id;
  }
  if (std::string_view uri = r.target_uri(); !uri.empty()) {
    w += ' ';
    w += uri;
  }
  return w;
}

struct WarcReader::Impl {
  std::string name;
  WarcOptions options;
  std::FILE* file = nullptr;
  std::string memory;  // FromBytes input
  size_t memory_pos = 0;

  // Raw (possibly compressed) input window: raw[0] is at file offset raw_base.
  std::string raw;
  size_t raw_pos = 0;
  uint64_t raw_base = 0;
  bool raw_eof = false;

  bool detected = false, gzip = false, in_member = false;
  z_stream z{};
  bool z_ready = false;
  uint64_t member_start = 0;

  // Decompressed window: out[0] is at stream position out_base.
  std::string out;
  size_t pos = 0;
  uint64_t out_base = 0;
  bool out_eof = false;
  // (stream position, file offset) where each gzip member starts.
  std::vector<std::pair<uint64_t, uint64_t>> members;
  // Stream positions where bytes are missing (a corrupt or truncated member).
  std::vector<uint64_t> breaks;
  std::vector<Diagnostic> pending;
  uint64_t records = 0;

  ~Impl() {
    if (file) std::fclose(file);
    if (z_ready) inflateEnd(&z);
  }

  uint64_t Abs() const { return out_base + pos; }
  size_t Avail() const { return out.size() - pos; }

  bool FillRaw();
  bool Fill();
  bool Ensure(size_t n) {
    while (Avail() < n)
      if (!Fill()) return false;
    return true;
  }
  void Compact();
  void Consume(uint64_t n);
  uint64_t OffsetOf(uint64_t stream_pos) const;
  bool BreakIn(uint64_t from, uint64_t to, uint64_t* at) const;
  bool FindVersionLine(size_t from, size_t limit, size_t* found);
  void Resync(uint64_t from);
  std::string Where(uint64_t number, uint64_t offset) const {
    return name + ":record " + std::to_string(number) + " @ offset " + std::to_string(offset);
  }
};

bool WarcReader::Impl::FillRaw() {
  if (raw_eof) return false;
  // Keep the current gzip member's start (up to 1 MiB back) for resynchronising.
  size_t keep_from = raw_pos;
  if (in_member && member_start >= raw_base && raw_pos - (member_start - raw_base) < (1u << 20))
    keep_from = static_cast<size_t>(member_start - raw_base);
  if (keep_from > 0) {
    raw.erase(0, keep_from);
    raw_base += keep_from;
    raw_pos -= keep_from;
  }
  size_t old = raw.size();
  if (file) {
    raw.resize(old + kChunk);
    size_t n = std::fread(raw.data() + old, 1, kChunk, file);
    raw.resize(old + n);
    if (n == 0) raw_eof = true;
    if (std::ferror(file)) {
      pending.push_back(Problem(name, std::string("read error: ") + std::strerror(errno)));
      raw_eof = true;
    }
  } else {
    size_t n = std::min(kChunk, memory.size() - memory_pos);
    raw.append(memory, memory_pos, n);
    memory_pos += n;
    if (n == 0) raw_eof = true;
  }
  return raw.size() > old;
}

// Appends more decompressed bytes to `out`; false at the end of the input.
bool WarcReader::Impl::Fill() {
  if (out_eof) return false;
  Compact();
  for (;;) {
    if (raw_pos >= raw.size() && !FillRaw()) {
      if (in_member) {
        pending.push_back(Problem(name + " @ offset " + std::to_string(member_start),
                                  "truncated gzip member (the file ends inside it)"));
        breaks.push_back(out_base + out.size());
        in_member = false;
      }
      out_eof = true;
      return false;
    }
    if (!detected) {
      if (raw.size() - raw_pos < 2 && FillRaw()) continue;
      detected = true;
      gzip = raw.size() - raw_pos >= 2 && raw[raw_pos] == '\x1f' && raw[raw_pos + 1] == '\x8b';
    }
    if (!gzip) {
      out.append(raw, raw_pos, std::string::npos);
      raw_pos = raw.size();
      return true;
    }
    if (!in_member) {
      // Between members: expect the next one's magic; skip padding, report junk.
      size_t p = raw_pos;
      while (p < raw.size() && (raw[p] == '\0' || read_internal::IsAsciiSpace(raw[p]))) ++p;
      if (p + 3 > raw.size() && !raw_eof) {
        if (!FillRaw()) continue;
        continue;
      }
      if (p >= raw.size()) {
        raw_pos = p;
        continue;
      }
      if (raw.compare(p, 3, "\x1f\x8b\x08") != 0) {
        size_t next = raw.find("\x1f\x8b\x08", p + 1);
        uint64_t junk_at = raw_base + p;
        while (next == std::string::npos && !raw_eof) {
          size_t searched = raw.size();
          raw_pos = searched > 2 ? searched - 2 : searched;
          FillRaw();
          next = raw.find("\x1f\x8b\x08", raw_pos);
        }
        pending.push_back(
            Problem(name + " @ offset " + std::to_string(junk_at),
                    "bytes that are not a gzip member: skipped to " +
                        (next == std::string::npos
                             ? std::string("the end of the file")
                             : "the next member at offset " + std::to_string(raw_base + next))));
        breaks.push_back(out_base + out.size());
        raw_pos = next == std::string::npos ? raw.size() : next;
        continue;
      }
      raw_pos = p;
      if (!z_ready) {
        if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
          pending.push_back(Problem(name, "zlib initialisation failed"));
          out_eof = true;
          return false;
        }
        z_ready = true;
      } else {
        inflateReset(&z);
      }
      in_member = true;
      member_start = raw_base + raw_pos;
      members.emplace_back(out_base + out.size(), member_start);
    }
    char chunk[kChunk];
    z.next_in = reinterpret_cast<Bytef*>(raw.data() + raw_pos);
    z.avail_in = static_cast<uInt>(raw.size() - raw_pos);
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    int rc = inflate(&z, Z_NO_FLUSH);
    raw_pos = raw.size() - z.avail_in;
    size_t produced = sizeof chunk - z.avail_out;
    out.append(chunk, produced);
    if (rc == Z_STREAM_END) {
      in_member = false;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      pending.push_back(Problem(name + " @ offset " + std::to_string(member_start),
                                std::string("corrupt gzip member (") + (z.msg ? z.msg : "error") +
                                    "): skipped to the next member"));
      breaks.push_back(out_base + out.size());
      in_member = false;
      // Look for the next member from just after this one's start.
      size_t from =
          member_start + 1 >= raw_base ? static_cast<size_t>(member_start + 1 - raw_base) : raw_pos;
      size_t next = raw.find("\x1f\x8b\x08", from);
      raw_pos = next == std::string::npos ? raw.size() : next;
    }
    if (produced > 0) return true;
  }
}

void WarcReader::Impl::Compact() {
  if (pos > (1u << 20) && pos * 2 > out.size()) {
    out.erase(0, pos);
    out_base += pos;
    pos = 0;
  }
  uint64_t now = Abs();
  while (members.size() > 1 && members[1].first <= now) members.erase(members.begin());
  while (!breaks.empty() && breaks.front() < now) breaks.erase(breaks.begin());
}

void WarcReader::Impl::Consume(uint64_t n) {
  while (n > 0) {
    if (Avail() == 0 && !Fill()) return;
    size_t take = static_cast<size_t>(std::min<uint64_t>(n, Avail()));
    pos += take;
    n -= take;
    if (pos == out.size()) {  // do not hold skipped bytes
      out_base += out.size();
      out.clear();
      pos = 0;
    }
  }
}

uint64_t WarcReader::Impl::OffsetOf(uint64_t stream_pos) const {
  if (!gzip) return stream_pos;
  uint64_t off = 0;
  for (const auto& [start, file_offset] : members) {
    if (start > stream_pos) break;
    off = file_offset;
  }
  return off;
}

bool WarcReader::Impl::BreakIn(uint64_t from, uint64_t to, uint64_t* at) const {
  for (uint64_t b : breaks) {
    if (b > from && b <= to) {
      *at = b;
      return true;
    }
  }
  return false;
}

// Finds a version line starting a line at or after out[pos + from], looking
// at most `limit` bytes past pos and reading more input as needed; its
// position relative to pos in *found.
bool WarcReader::Impl::FindVersionLine(size_t from, size_t limit, size_t* found) {
  size_t scan = from;
  for (;;) {
    std::string_view w(out.data() + pos, Avail());
    for (size_t hit = w.find("WARC/1.", scan); hit != std::string_view::npos;
         hit = w.find("WARC/1.", hit + 1)) {
      if (hit > limit) return false;
      if (hit + 10 > w.size()) break;  // cannot tell yet
      if ((hit == 0 || w[hit - 1] == '\n') && IsVersionLine(w.substr(hit))) {
        *found = hit;
        return true;
      }
    }
    scan = std::max(scan, w.size() > 10 ? w.size() - 10 : size_t{0});
    if (scan > limit || !Fill()) return false;
  }
}

// Drops input up to the next version line at or after stream position `from`.
void WarcReader::Impl::Resync(uint64_t from) {
  Consume(from > Abs() ? from - Abs() : 0);
  size_t found = 0;
  if (FindVersionLine(0, SIZE_MAX, &found)) {
    pos += found;
  } else {
    Consume(UINT64_MAX);
  }
}

WarcReader::WarcReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WarcReader::~WarcReader() = default;

Result<std::unique_ptr<WarcReader>> WarcReader::Open(const std::string& path,
                                                     const WarcOptions& options) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    int e = errno;
    if (e == ENOENT) return Error::NotFound(path + ": no such file");
    return Error::Io(path + ": cannot open: " + std::strerror(e));
  }
  auto impl = std::make_unique<Impl>();
  impl->name = path;
  impl->options = options;
  impl->file = f;
  return std::unique_ptr<WarcReader>(new WarcReader(std::move(impl)));
}

std::unique_ptr<WarcReader> WarcReader::FromBytes(std::string bytes, std::string name,
                                                  const WarcOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->name = std::move(name);
  impl->options = options;
  impl->memory = std::move(bytes);
  return std::unique_ptr<WarcReader>(new WarcReader(std::move(impl)));
}

uint64_t WarcReader::bytes_read() const { return impl_->raw_base + impl_->raw_pos; }
const std::string& WarcReader::name() const { return impl_->name; }

bool WarcReader::Next(WarcRecord* record, std::vector<Diagnostic>* diagnostics) {
  Impl& m = *impl_;
  auto flush = [&] {
    diagnostics->insert(diagnostics->end(), m.pending.begin(), m.pending.end());
    m.pending.clear();
  };
  for (;;) {
    // Blank lines between records (the CRLF CRLF after a block, padding).
    for (;;) {
      if (m.Avail() == 0 && !m.Fill()) {
        flush();
        return false;
      }
      char c = m.out[m.pos];
      if (c != '\r' && c != '\n' && c != '\0') break;
      ++m.pos;
    }
    const uint64_t start = m.Abs();
    const uint64_t number = m.records + 1;
    const uint64_t offset = m.OffsetOf(start);
    m.Ensure(10);
    std::string_view head(m.out.data() + m.pos, m.Avail());
    if (!IsVersionLine(head)) {
      size_t nl = head.find('\n');
      m.pending.push_back(
          Problem(m.Where(number, offset), "not a WARC record header ('" +
                                               Printable(head.substr(0, nl), 40) +
                                               "'): skipped to the next WARC/1.x header"));
      m.Resync(start + 1);
      flush();
      continue;
    }
    // The header block ends at the first empty line.
    size_t end = std::string::npos, body = 0;
    for (size_t scan = 0;;) {
      std::string_view w(m.out.data() + m.pos, m.Avail());
      size_t i = w.find('\n', scan);
      while (i != std::string_view::npos) {
        if (i + 1 < w.size() && w[i + 1] == '\n') {
          end = i + 1;
          body = i + 2;
          break;
        }
        if (i + 2 < w.size() && w[i + 1] == '\r' && w[i + 2] == '\n') {
          end = i + 1;
          body = i + 3;
          break;
        }
        if (i + 2 >= w.size()) break;  // need more bytes to decide
        i = w.find('\n', i + 1);
      }
      if (end != std::string::npos) break;
      scan = w.size() > 3 ? w.size() - 3 : 0;
      if (w.size() > kMaxHeaderBytes || !m.Fill()) break;
    }
    if (end == std::string::npos) {
      m.pending.push_back(
          Problem(m.Where(number, offset), "WARC header block has no end (no blank line within " +
                                               std::to_string(kMaxHeaderBytes) +
                                               " bytes): skipped to the next WARC/1.x header"));
      m.Resync(start + 1);
      flush();
      continue;
    }
    ++m.records;
    WarcRecord& r = *record;
    r = WarcRecord();
    r.number = number;
    r.offset = offset;
    std::string_view hb(m.out.data() + m.pos, end);
    size_t vl = hb.find('\n');
    r.version = std::string(TrimAscii(hb.substr(0, vl)));
    r.headers = ParseHeaderLines(hb.substr(vl + 1));
    const uint64_t header_end = start + body;
    uint64_t at = 0;
    if (m.BreakIn(start, header_end, &at)) {
      m.pending.push_back(
          Problem(WarcWhere(m.name, r), "record damaged by a bad gzip member: skipped"));
      m.Consume(at - m.Abs());
      flush();
      continue;
    }
    std::string_view cl = TrimAscii(FindHeader(r.headers, "Content-Length"));
    uint64_t length = 0;
    auto [p, ec] = std::from_chars(cl.data(), cl.data() + cl.size(), length);
    if (cl.empty() || ec != std::errc() || p != cl.data() + cl.size()) {
      m.pending.push_back(Problem(WarcWhere(m.name, r),
                                  cl.empty()
                                      ? "record has no Content-Length: skipped"
                                      : "bad Content-Length '" + std::string(cl) + "': skipped"));
      m.Resync(header_end);
      flush();
      continue;
    }
    r.content_length = length;
    m.pos += body;
    if (length > m.options.max_block_bytes) {
      m.pending.push_back(Problem(WarcWhere(m.name, r),
                                  "block of " + std::to_string(length) + " bytes is over the " +
                                      std::to_string(m.options.max_block_bytes) +
                                      "-byte limit: not read"));
      r.block_skipped = true;
      m.Consume(length);
      flush();
      return true;
    }
    m.Ensure(static_cast<size_t>(length) + 4);
    if (m.BreakIn(header_end, header_end + length, &at)) {
      m.pending.push_back(Problem(WarcWhere(m.name, r),
                                  "record cut short by a truncated or corrupt gzip member: "
                                  "skipped"));
      m.Consume(at - m.Abs());
      flush();
      continue;
    }
    bool well_ended = false;
    if (m.Avail() >= length) {
      std::string_view after(m.out.data() + m.pos + length, m.Avail() - length);
      well_ended = after.substr(0, 4) == "\r\n\r\n";
      if (!well_ended && m.out_eof && after.find_first_not_of("\r\n") == std::string_view::npos)
        well_ended = true;  // the last record, its final CRLFs missing
      if (!well_ended && after.find_first_not_of("\r\n") <= 4) {
        std::string_view next = after.substr(after.find_first_not_of("\r\n"));
        well_ended = IsVersionLine(next);  // one CRLF, or LF LF, instead of CRLF CRLF
      }
    }
    if (well_ended) {
      r.block.assign(m.out, m.pos, static_cast<size_t>(length));
      m.pos += static_cast<size_t>(length);
      flush();
      return true;
    }
    // Content-Length is wrong: the record ends where the next header starts,
    // inside the declared block (too long) or after it (too short).
    size_t found = 0;
    bool has_next = m.FindVersionLine(0, m.options.max_block_bytes, &found);
    if (!has_next && m.Avail() < length) {
      m.pending.push_back(Problem(WarcWhere(m.name, r), "file ends " + std::to_string(m.Avail()) +
                                                            " bytes into a block of " +
                                                            std::to_string(length) +
                                                            " bytes: record skipped"));
      m.Consume(UINT64_MAX);
      flush();
      return false;
    }
    size_t block_len = has_next ? found : static_cast<size_t>(length);
    std::string_view b(m.out.data() + m.pos, block_len);
    for (int i = 0; i < 4 && !b.empty() && (b.back() == '\n' || b.back() == '\r'); ++i)
      b.remove_suffix(1);
    r.block.assign(b);
    r.length_mismatch = true;
    m.pending.push_back(Warning(
        WarcWhere(m.name, r),
        "Content-Length " + std::to_string(length) + " does not match the record: " +
            (has_next
                 ? "block taken up to the next WARC header (" + std::to_string(b.size()) + " bytes)"
                 : "no further WARC header found, block taken as declared")));
    if (has_next) {
      m.pos += found;
    } else {
      m.pos += static_cast<size_t>(length);
      m.Resync(m.Abs());
    }
    flush();
    return true;
  }
}

}  // namespace veille
