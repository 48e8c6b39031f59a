// crawl_robots_fuzz.cc: RobotsRules::Parse and Allowed on arbitrary bytes must
// not crash; /robots.txt itself is always allowed.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "veille/crawl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  size_t split = bytes.find('\xff');
  std::string_view body = bytes.substr(0, split);
  std::string_view path =
      split == std::string_view::npos ? "/a/b.html?x=1" : bytes.substr(split + 1);
  auto rules = veille::RobotsRules::Parse(body, "veille/0.1");
  (void)rules.Allowed(path);
  (void)rules.Allowed("/");
  if (!rules.Allowed("/robots.txt")) std::abort();
  if (rules.crawl_delay() && *rules.crawl_delay() < 0) std::abort();
  return 0;
}
