// server_http_fuzz.cc: the parts of HTTP request handling Veille owns, on
// arbitrary bytes: request framing (ScanRequestHead), credential headers
// (Bearer, Cookie), token texts, client addresses, and the validation of
// query parameters. Checks that a framed request lies within its input, that
// framing a complete request again from its own bytes gives the same result,
// and that whatever is accepted as a token or cookie is a slice of the
// input of the expected shape.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/api.h"
#include "server/request_head.h"
#include "veille/auth.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using veille::server::HeadScan;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  veille::server::HeadLimits limits;
  limits.max_head_bytes = 2048;
  limits.max_headers = 16;
  limits.max_body_bytes = 512;
  HeadScan h = veille::server::ScanRequestHead(in, limits);
  if (h.state == HeadScan::State::kComplete) {
    Check(h.skip + h.head_bytes <= in.size());
    Check(h.head_bytes >= 4 && in.substr(h.skip + h.head_bytes - 4, 4) == "\r\n\r\n");
    Check(h.head_bytes <= limits.max_head_bytes && h.body_bytes <= limits.max_body_bytes);
    HeadScan again = veille::server::ScanRequestHead(in.substr(h.skip, h.head_bytes), limits);
    Check(again.state == HeadScan::State::kComplete && again.skip == 0 &&
          again.head_bytes == h.head_bytes && again.body_bytes == h.body_bytes);
  } else if (h.state == HeadScan::State::kError) {
    Check(h.status >= 400 && h.status < 600);
  }

  if (auto t = veille::auth::BearerToken(in)) {
    Check(!t->empty() && t->data() >= in.data() && t->data() + t->size() <= in.data() + in.size());
    Check(t->find(' ') == std::string_view::npos);
  }
  if (auto c = veille::auth::CookieValue(in, "veille_session"))
    Check(c->data() >= in.data() && c->data() + c->size() <= in.data() + in.size());
  if (auto p = veille::auth::SplitToken(in)) {
    Check(p->id.size() == veille::auth::kTokenIdHexChars && p->secret.size() == 43);
    (void)veille::auth::VerifySecret(std::string(16, 's'), std::string(32, 'h'), p->secret);
  }
  (void)veille::auth::AddressKey(in);
  (void)veille::auth::ParseDuration(in.substr(0, 16));
  (void)veille::auth::IsValidUserName(in);

  // Query parameters as the HTTP library hands them over (split on & and =).
  veille::server::RawParams params;
  std::string_view rest = in.substr(0, 1024);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    size_t eq = pair.find('=');
    params.emplace_back(std::string(pair.substr(0, eq)),
                        eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1)));
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
  }
  for (const auto& e : veille::server::Endpoints()) {
    auto v = veille::server::ValidateParams(e.params, params);
    if (v.ok())
      for (const auto& [k, value] : params) Check(veille::server::IsCleanText(value));
  }
  return 0;
}
