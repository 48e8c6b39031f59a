// retry.cc: Retry-After values and backoff with jitter (see crawl.h).
#include <curl/curl.h>

#include <algorithm>
#include <cmath>

#include "veille/crawl.h"

namespace veille {

std::optional<double> ParseRetryAfter(std::string_view value, int64_t now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r'))
    value.remove_suffix(1);
  if (value.empty() || value.size() > 64) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    double seconds = 0;
    for (char c : value) seconds = std::min(seconds * 10 + (c - '0'), 1e12);
    return seconds;
  }
  // An HTTP-date has a weekday or month name: letters and digits both.
  bool letters = std::any_of(value.begin(), value.end(),
                             [](char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; });
  bool digits =
      std::any_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!letters || !digits) return std::nullopt;
  std::string date(value);
  time_t t = curl_getdate(date.c_str(), nullptr);
  if (t == -1) return std::nullopt;
  return std::max<double>(0, static_cast<double>(t - now));
}

double BackoffSeconds(int attempt, double base, double cap, double unit) {
  double d = base * std::ldexp(1.0, std::clamp(attempt, 0, 30));
  return std::min(cap, d * (0.5 + std::clamp(unit, 0.0, 1.0)));
}

}  // namespace veille
