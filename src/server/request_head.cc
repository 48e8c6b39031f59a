// request_head.cc: ScanRequestHead (see request_head.h).
#include "server/request_head.h"

namespace veille::server {

namespace {

// RFC 9110 §5.6.2 token characters.
bool IsTchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

HeadScan Fail(int status, const char* message) {
  HeadScan h;
  h.state = HeadScan::State::kError;
  h.status = status;
  h.message = message;
  return h;
}

// "METHOD SP request-target SP HTTP/1.x".
bool ValidRequestLine(std::string_view line) {
  size_t sp1 = line.find(' ');
  if (sp1 == 0 || sp1 == std::string_view::npos || sp1 > 20) return false;
  for (char c : line.substr(0, sp1))
    if (!IsTchar(c)) return false;
  size_t sp2 = line.rfind(' ');
  if (sp2 == sp1) return false;
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (target.empty()) return false;
  for (char c : target) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;
  }
  std::string_view version = line.substr(sp2 + 1);
  return version == "HTTP/1.1" || version == "HTTP/1.0";
}

}  // namespace

HeadScan ScanRequestHead(std::string_view bytes, const HeadLimits& limits) {
  HeadScan out;
  // Empty lines before a request are ignored (a client may send one after a
  // body); a bare LF ends no line here.
  while (out.skip + 1 < bytes.size() && bytes[out.skip] == '\r' && bytes[out.skip + 1] == '\n')
    out.skip += 2;
  if (out.skip > 8) return Fail(400, "bad request");
  std::string_view head = bytes.substr(out.skip);

  size_t pos = 0;
  size_t headers = 0;
  bool first = true, have_length = false;
  while (true) {
    size_t lf = head.find('\n', pos);
    if (lf == std::string_view::npos) {
      // No whole line yet: refuse now what can only grow past the limits or
      // can never become a request line.
      if (head.size() > limits.max_head_bytes) return Fail(431, "request header fields too large");
      if (first) {
        std::string_view partial = head.substr(0, 20);
        size_t sp = partial.find(' ');
        for (size_t i = 0; i < (sp == std::string_view::npos ? partial.size() : sp); ++i)
          if (!IsTchar(partial[i]) && !(partial[i] == '\r' && i + 1 == partial.size()))
            return Fail(400, "bad request line");
      }
      return out;
    }
    if (lf + 1 > limits.max_head_bytes) return Fail(431, "request header fields too large");
    if (lf == pos || head[lf - 1] != '\r') return Fail(400, "lines must end with CRLF");
    std::string_view line = head.substr(pos, lf - 1 - pos);
    pos = lf + 1;
    if (first) {
      if (!ValidRequestLine(line)) return Fail(400, "bad request line");
      first = false;
      continue;
    }
    if (line.empty()) break;  // end of the head
    if (++headers > limits.max_headers) return Fail(431, "too many header fields");
    if (line[0] == ' ' || line[0] == '\t') return Fail(400, "folded header lines are not accepted");
    size_t colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) return Fail(400, "bad header field");
    std::string_view name = line.substr(0, colon);
    for (char c : name)
      if (!IsTchar(c)) return Fail(400, "bad header field name");
    std::string_view value = Trim(line.substr(colon + 1));
    for (char c : value) {
      auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t') || u == 0x7f) return Fail(400, "bad header field value");
    }
    if (EqualsIgnoreCase(name, "content-length")) {
      if (have_length) return Fail(400, "Content-Length given more than once");
      have_length = true;
      if (value.empty() || value.size() > 18) return Fail(400, "bad Content-Length");
      size_t n = 0;
      for (char c : value) {
        if (c < '0' || c > '9') return Fail(400, "bad Content-Length");
        n = n * 10 + static_cast<size_t>(c - '0');
      }
      if (n > limits.max_body_bytes) return Fail(413, "request body too large");
      out.body_bytes = n;
    } else if (EqualsIgnoreCase(name, "transfer-encoding")) {
      return Fail(501, "request bodies must have a Content-Length (no Transfer-Encoding)");
    } else if (EqualsIgnoreCase(name, "expect")) {
      if (!EqualsIgnoreCase(value, "100-continue")) return Fail(417, "expectation failed");
      out.expect_continue = true;
    }
  }
  out.state = HeadScan::State::kComplete;
  out.head_bytes = pos;
  return out;
}

}  // namespace veille::server
