// read_warc_fuzz.cc: WarcReader and ParseHttpResponse on arbitrary bytes (plain
// or gzip) must not crash, must end, and must keep blocks within the cap.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "veille/warc.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  veille::WarcOptions opt;
  opt.max_block_bytes = 1 << 16;
  auto reader = veille::WarcReader::FromBytes(
      std::string(reinterpret_cast<const char*>(data), size), "fuzz.warc", opt);
  veille::WarcRecord r;
  std::vector<veille::Diagnostic> diags;
  uint64_t last = 0;
  int guard = 0;
  while (reader->Next(&r, &diags)) {
    if (r.block.size() > opt.max_block_bytes || r.number <= last) std::abort();
    last = r.number;
    veille::HttpOptions h;
    h.max_body_bytes = 1 << 18;
    auto resp = veille::ParseHttpResponse(r.block, h);
    if (resp.ok() && resp->body.size() > h.max_body_bytes) std::abort();
    (void)veille::WarcWhere("fuzz.warc", r);
    if (++guard > 100000) std::abort();  // must make progress and end
  }
  return 0;
}
