// politeness.h: checks, from a fixture server's log of request arrivals,
// that a crawl spaced the fetches of one host by at least its delay.
//
// The crawl spaces the starts of its fetches; the server sees arrivals,
// each late by the connection's set-up and the scheduler — tens of
// milliseconds on a loaded 2-core machine, more under the sanitizers. So a
// single gap between two arrivals is only checked against a quarter of the
// delay (a crawl that does not wait leaves gaps of a few milliseconds on
// loopback), and the span from the first fetch to the last against the sum
// of the delays less one arrival's lateness: the lateness of the arrivals in
// between cancels out, so a crawl whose spacing falls short of the delay on
// average fails it, whatever the load.
#ifndef VEILLE_TESTS_CRAWL_POLITENESS_H_
#define VEILLE_TESTS_CRAWL_POLITENESS_H_

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace veille::testing {

// requests: (path, arrival) in arrival order, one host. follows_redirect(p):
// true when a request for p is answered with a redirect that curl follows at
// once (the next request is part of the same fetch, not a new one).
inline void ExpectFetchesSpaced(
    const std::vector<std::pair<std::string, std::chrono::steady_clock::time_point>>& requests,
    double delay, const std::function<bool(const std::string&)>& redirects, double lateness = 0.1) {
  std::vector<std::pair<std::string, std::chrono::steady_clock::time_point>> fetches;
  for (size_t i = 0; i < requests.size(); ++i)
    if (i == 0 || !redirects(requests[i - 1].first)) fetches.push_back(requests[i]);
  if (fetches.size() < 2) return;
  auto seconds = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  for (size_t i = 1; i < fetches.size(); ++i)
    EXPECT_GE(seconds(fetches[i - 1].second, fetches[i].second), delay / 4)
        << fetches[i].first << " right after " << fetches[i - 1].first;
  const double span = seconds(fetches.front().second, fetches.back().second);
  EXPECT_GE(span, (fetches.size() - 1) * delay - lateness)
      << fetches.size() << " fetches from " << fetches.front().first << " to "
      << fetches.back().first;
}

}  // namespace veille::testing

#endif  // VEILLE_TESTS_CRAWL_POLITENESS_H_
