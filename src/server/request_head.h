// request_head.h: framing of HTTP/1.x requests as they arrive (internal).
//
// In:  the bytes received so far on a connection (untrusted, possibly cut
//      anywhere) and the limits on a request.
// Out: whether they hold a complete request head, where it and its body end,
//      or the status to refuse it with (400, 413, 417, 431, 501).
// Thread-safety: a pure function.
//
// The event loop (event_loop.h) uses this to wait for a whole request
// without holding a worker thread: only complete requests reach the HTTP
// library, which parses them again, within the bytes framed here (so the two
// parsers cannot disagree about where a request ends: the library never sees
// more). Bodies are framed by Content-Length only; a Transfer-Encoding is
// refused, and with it request smuggling through CL/TE disagreement.
#ifndef VEILLE_SERVER_REQUEST_HEAD_H_
#define VEILLE_SERVER_REQUEST_HEAD_H_

#include <cstddef>
#include <string_view>

namespace veille::server {

struct HeadLimits {
  size_t max_head_bytes = 16 << 10;  // request line and headers
  size_t max_headers = 100;
  size_t max_body_bytes = 16 << 10;
};

struct HeadScan {
  enum class State { kIncomplete, kComplete, kError };
  State state = State::kIncomplete;
  size_t skip = 0;        // empty lines before the request line (RFC 9112 §2.2)
  size_t head_bytes = 0;  // after `skip`: up to and including the blank line
  size_t body_bytes = 0;  // Content-Length
  bool expect_continue = false;
  int status = 0;  // kError: 400, 413, 417, 431 or 501
  const char* message = "";
};

// Scans `bytes` from their start. Incomplete input is checked as far as it
// goes, so that garbage and oversized heads are refused before they are
// whole.
HeadScan ScanRequestHead(std::string_view bytes, const HeadLimits& limits);

}  // namespace veille::server

#endif  // VEILLE_SERVER_REQUEST_HEAD_H_
