// http_message.cc: HTTP/1.x responses as WARC records hold them, and the
// transfer and content codings of their bodies.
#include <brotli/decode.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "read/read_internal.h"
#include "veille/warc.h"

namespace veille {
namespace {

using read_internal::EqualsIgnoreCase;
using read_internal::Lower;
using read_internal::TrimAscii;

// zlib inflate with `window_bits` (16+15: gzip, 15: zlib, -15: raw deflate).
// Concatenated gzip members are all inflated (RFC 1952 allows them).
Result<std::string> Inflate(std::string_view in, int window_bits, size_t max_bytes) {
  z_stream z{};
  if (inflateInit2(&z, window_bits) != Z_OK) return Error::Internal("inflateInit2 failed");
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  char chunk[1 << 15];
  int rc = Z_OK;
  for (;;) {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - z.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&z);
      return Error::BadInput("decoded body exceeds " + std::to_string(max_bytes) + " bytes");
    }
    if (rc == Z_STREAM_END) {
      // Another gzip member may follow; trailing padding does not matter.
      if (window_bits > 16 && z.avail_in >= 2 && z.next_in[0] == 0x1f && z.next_in[1] == 0x8b) {
        inflateReset(&z);
        continue;
      }
      break;
    }
    if (rc != Z_OK) break;
    if (z.avail_in == 0 && z.avail_out != 0) break;  // input ended mid-stream
  }
  std::string msg = z.msg ? z.msg : "";
  inflateEnd(&z);
  if (rc == Z_STREAM_END) return out;
  if (rc == Z_OK || rc == Z_BUF_ERROR) return Error::BadInput("compressed data is truncated");
  return Error::BadInput("corrupt compressed data" + (msg.empty() ? "" : " (" + msg + ")"));
}

Result<std::string> Unbrotli(std::string_view in, size_t max_bytes) {
  BrotliDecoderState* s = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
  if (!s) return Error::Internal("BrotliDecoderCreateInstance failed");
  std::string out;
  size_t avail_in = in.size();
  const uint8_t* next_in = reinterpret_cast<const uint8_t*>(in.data());
  uint8_t chunk[1 << 15];
  BrotliDecoderResult r;
  for (;;) {
    size_t avail_out = sizeof chunk;
    uint8_t* next_out = chunk;
    r = BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, nullptr);
    out.append(reinterpret_cast<char*>(chunk), sizeof chunk - avail_out);
    if (out.size() > max_bytes) {
      BrotliDecoderDestroyInstance(s);
      return Error::BadInput("decoded body exceeds " + std::to_string(max_bytes) + " bytes");
    }
    if (r != BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) break;
  }
  BrotliDecoderDestroyInstance(s);
  if (r == BROTLI_DECODER_RESULT_SUCCESS) return out;
  if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT)
    return Error::BadInput("brotli data is truncated");
  return Error::BadInput("corrupt brotli data");
}

}  // namespace

std::string_view FindHeader(const HeaderList& headers, std::string_view name) {
  for (const auto& [k, v] : headers)
    if (EqualsIgnoreCase(k, name)) return v;
  return {};
}

HeaderList ParseHeaderLines(std::string_view text) {
  HeaderList out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    if ((line[0] == ' ' || line[0] == '\t') && !out.empty()) {  // obsolete line folding
      out.back().second += " ";
      out.back().second += TrimAscii(line);
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;  // not a header: ignored
    out.emplace_back(std::string(TrimAscii(line.substr(0, colon))),
                     std::string(TrimAscii(line.substr(colon + 1))));
  }
  return out;
}

Result<std::string> Dechunk(std::string_view body, size_t max_bytes) {
  std::string out;
  size_t pos = 0;
  for (;;) {
    size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos)
      return Error::BadInput("chunked body ends inside a size line");
    std::string_view line = TrimAscii(body.substr(pos, nl - pos));
    size_t semi = line.find(';');  // chunk extensions
    if (semi != std::string_view::npos) line = TrimAscii(line.substr(0, semi));
    uint64_t size = 0;
    auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), size, 16);
    if (line.empty() || ec != std::errc() || p != line.data() + line.size())
      return Error::BadInput("bad chunk size line at byte " + std::to_string(pos));
    pos = nl + 1;
    if (size == 0) return out;  // trailers, if any, are ignored
    if (size > body.size() - pos) {
      // The recording was cut short: keep what there is, as browsers do.
      out.append(body.substr(pos));
      return out;
    }
    if (out.size() + size > max_bytes)
      return Error::BadInput("dechunked body exceeds " + std::to_string(max_bytes) + " bytes");
    out.append(body.substr(pos, size));
    pos += size;
    if (pos < body.size() && body[pos] == '\r') ++pos;
    if (pos < body.size() && body[pos] == '\n') ++pos;
    if (pos >= body.size()) return out;  // last CRLF or terminating chunk missing
  }
}

Result<std::string> DecodeContent(std::string_view body, std::string_view encoding,
                                  size_t max_bytes) {
  std::string data(body);
  // Codings are listed in the order they were applied: undo the last first.
  std::vector<std::string> codings;
  for (size_t pos = 0; pos <= encoding.size();) {
    size_t comma = std::min(encoding.find(',', pos), encoding.size());
    codings.push_back(Lower(TrimAscii(encoding.substr(pos, comma - pos))));
    pos = comma + 1;
  }
  for (auto it = codings.rbegin(); it != codings.rend(); ++it) {
    const std::string& coding = *it;
    if (coding.empty() || coding == "identity" || coding == "none") continue;
    Result<std::string> r = std::string();
    if (coding == "gzip" || coding == "x-gzip") {
      r = Inflate(data, 16 + MAX_WBITS, max_bytes);
    } else if (coding == "deflate") {
      // "deflate" is meant to be zlib-wrapped; some servers send raw deflate.
      r = Inflate(data, MAX_WBITS, max_bytes);
      if (!r.ok()) {
        auto raw = Inflate(data, -MAX_WBITS, max_bytes);
        if (raw.ok()) r = std::move(raw);
      }
    } else if (coding == "br") {
      r = Unbrotli(data, max_bytes);
    } else {
      return Error::BadInput("unknown content coding '" + coding + "'");
    }
    if (!r.ok()) return Error::BadInput(coding + ": " + r.error().message);
    data = std::move(r).value();
  }
  return data;
}

std::string CharsetOf(std::string_view content_type) {
  size_t pos = 0;
  while ((pos = content_type.find(';', pos)) != std::string_view::npos) {
    ++pos;
    std::string_view param = TrimAscii(content_type.substr(pos));
    size_t eq = param.find('=');
    if (eq == std::string_view::npos) continue;
    if (!EqualsIgnoreCase(TrimAscii(param.substr(0, eq)), "charset")) continue;
    std::string_view v = TrimAscii(param.substr(eq + 1));
    size_t end = v.find(';');
    v = TrimAscii(v.substr(0, end));
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
      v = v.substr(1, v.size() - 2);
    return std::string(v);
  }
  return {};
}

std::string MediaTypeOf(std::string_view content_type) {
  return Lower(TrimAscii(content_type.substr(0, content_type.find(';'))));
}

Result<HttpResponse> ParseHttpResponse(std::string_view block, const HttpOptions& options) {
  HttpResponse r;
  size_t nl = block.find('\n');
  std::string_view status_line = block.substr(0, nl);
  if (!status_line.empty() && status_line.back() == '\r') status_line.remove_suffix(1);
  if (status_line.substr(0, 7) != "HTTP/1." && status_line.substr(0, 6) != "HTTP/2")
    return Error::BadInput("not an HTTP response (no HTTP/1.x status line)");
  size_t sp = status_line.find(' ');
  if (sp == std::string_view::npos) return Error::BadInput("HTTP status line has no status code");
  r.version = std::string(status_line.substr(0, sp));
  std::string_view rest = TrimAscii(status_line.substr(sp + 1));
  auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), r.status);
  if (ec != std::errc() || r.status < 100 || r.status > 999)
    return Error::BadInput("HTTP status line has no valid status code");
  r.reason = std::string(TrimAscii(std::string_view(p, rest.data() + rest.size() - p)));
  if (nl == std::string_view::npos) return r;  // a status line alone: no headers, no body
  // Headers end at the first blank line (CRLF CRLF, or LF LF from sloppy tools).
  size_t head_begin = nl + 1, body_begin = block.size();
  for (size_t i = head_begin; i < block.size();) {
    size_t e = block.find('\n', i);
    if (e == std::string_view::npos) break;
    std::string_view line = block.substr(i, e - i);
    if (line.empty() || line == "\r") {
      body_begin = e + 1;
      break;
    }
    i = e + 1;
  }
  r.headers = ParseHeaderLines(block.substr(head_begin, body_begin - head_begin));
  std::string_view body = body_begin < block.size() ? block.substr(body_begin) : std::string_view();

  std::string decoded(body);
  std::string te = Lower(FindHeader(r.headers, "Transfer-Encoding"));
  if (te.find("chunked") != std::string::npos) {
    auto d = Dechunk(body, options.max_body_bytes);
    if (d.ok()) {
      decoded = std::move(d).value();
    } else {
      // Many archivers store the body already dechunked but keep the header.
      r.problems.push_back("Transfer-Encoding: chunked, but " + d.error().message +
                           ": body kept as recorded");
    }
  }
  std::string_view ce = FindHeader(r.headers, "Content-Encoding");
  if (!ce.empty()) {
    auto d = DecodeContent(decoded, ce, options.max_body_bytes);
    if (d.ok()) {
      decoded = std::move(d).value();
    } else {
      // Archivers that decode bodies sometimes keep the header too: a body
      // that does not decode is kept as it is, with a note.
      r.problems.push_back("Content-Encoding: " + std::string(ce) + ", but " + d.error().message +
                           ": body kept as recorded");
    }
  }
  if (decoded.size() > options.max_body_bytes) {
    r.problems.push_back("body of " + std::to_string(decoded.size()) + " bytes cut to " +
                         std::to_string(options.max_body_bytes));
    decoded.resize(options.max_body_bytes);
  }
  r.body = std::move(decoded);
  return r;
}

}  // namespace veille
