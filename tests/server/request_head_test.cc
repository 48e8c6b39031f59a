// Tests of ScanRequestHead: a table of inputs and what becomes of them, and
// the property that a request cut anywhere is incomplete until its end.
#include "server/request_head.h"

#include <gtest/gtest.h>

#include <random>

namespace veille::server {
namespace {

using State = HeadScan::State;

TEST(RequestHeadTest, Table) {
  HeadLimits l;
  l.max_head_bytes = 200;
  l.max_headers = 3;
  l.max_body_bytes = 10;
  struct Case {
    std::string in;
    State state;
    int status;  // kError
    size_t head, body;
  };
  const std::vector<Case> cases = {
      {"GET / HTTP/1.1\r\nHost: x\r\n\r\n", State::kComplete, 0, 27, 0},
      {"GET / HTTP/1.0\r\n\r\n", State::kComplete, 0, 18, 0},
      {"GET /a?b=c HTTP/1.1\r\nHost: x\r\n\r\nGET /next", State::kComplete, 0, 32, 0},
      {"POST /api/login HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", State::kComplete, 0, 47, 5},
      {"POST / HTTP/1.1\r\ncontent-length:   3  \r\n\r\n", State::kComplete, 0, 42, 3},
      {"", State::kIncomplete, 0, 0, 0},
      {"GE", State::kIncomplete, 0, 0, 0},
      {"GET / HTTP/1.1\r", State::kIncomplete, 0, 0, 0},
      {"GET / HTTP/1.1\r\nHost: x\r\n", State::kIncomplete, 0, 0, 0},
      // Refused as soon as they can be.
      {"\x01\x02 garbage", State::kError, 400, 0, 0},
      {"GET / HTTP/2.0\r\n\r\n", State::kError, 400, 0, 0},
      {"GET  HTTP/1.1\r\n\r\n", State::kError, 400, 0, 0},
      {"GET /a b HTTP/1.1\r\n\r\n", State::kError, 400, 0, 0},
      {"GET / HTTP/1.1\nHost: x\n\n", State::kError, 400, 0, 0},
      {"GET / HTTP/1.1\r\nBad Header\r\n\r\n", State::kError, 400, 0, 0},
      {"GET / HTTP/1.1\r\n: empty name\r\n\r\n", State::kError, 400, 0, 0},
      {"GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n", State::kError, 400, 0, 0},
      {"GET / HTTP/1.1\r\nX: a\x01\r\n\r\n", State::kError, 400, 0, 0},
      {"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", State::kError, 400, 0,
       0},
      {"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", State::kError, 400, 0, 0},
      {"POST / HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n", State::kError, 400, 0, 0},
      {"POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n", State::kError, 413, 0, 0},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", State::kError, 501, 0, 0},
      {"POST / HTTP/1.1\r\nExpect: something\r\n\r\n", State::kError, 417, 0, 0},
      {"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", State::kError, 431, 0, 0},
      {"GET /" + std::string(300, 'a') + " HTTP/1.1\r\n\r\n", State::kError, 431, 0, 0},
      {"GET / HTTP/1.1\r\nX: " + std::string(300, 'a'), State::kError, 431, 0, 0},
  };
  for (const auto& c : cases) {
    HeadScan h = ScanRequestHead(c.in, l);
    EXPECT_EQ(h.state, c.state) << c.in;
    if (c.state == State::kError) {
      EXPECT_EQ(h.status, c.status) << c.in << " " << h.message;
    }
    if (c.state == State::kComplete) {
      EXPECT_EQ(h.head_bytes, c.head) << c.in;
      EXPECT_EQ(h.body_bytes, c.body) << c.in;
    }
  }
  // Empty lines before a request are skipped; Expect: 100-continue noted.
  HeadScan h = ScanRequestHead("\r\n\r\nGET / HTTP/1.1\r\n\r\n", l);
  EXPECT_EQ(h.state, State::kComplete);
  EXPECT_EQ(h.skip, 4u);
  EXPECT_EQ(h.head_bytes, 18u);
  h = ScanRequestHead("POST / HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\n", l);
  EXPECT_TRUE(h.expect_continue);
}

// Property: a valid request arriving in pieces is incomplete at every cut
// before the end of its head, and complete, with the same lengths, at it.
TEST(RequestHeadTest, IncompleteUntilTheEndWhereverItIsCut) {
  std::mt19937 rng(7);
  HeadLimits l;
  for (int round = 0; round < 200; ++round) {
    std::string req = "GET /api/search?q=" + std::to_string(rng()) + " HTTP/1.1\r\n";
    int headers = static_cast<int>(rng() % 10);
    for (int i = 0; i < headers; ++i)
      req += "X-H" + std::to_string(i) + ": " + std::string(rng() % 50, 'v') + "\r\n";
    std::string body(rng() % 20, 'b');
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    const size_t head = req.size();
    req += body;
    for (size_t cut = 0; cut < head; ++cut)
      ASSERT_EQ(ScanRequestHead(req.substr(0, cut), l).state, State::kIncomplete) << cut << req;
    for (size_t cut = head; cut <= req.size(); ++cut) {
      HeadScan h = ScanRequestHead(req.substr(0, cut), l);
      ASSERT_EQ(h.state, State::kComplete);
      EXPECT_EQ(h.head_bytes, head);
      EXPECT_EQ(h.body_bytes, body.size());
    }
  }
}

}  // namespace
}  // namespace veille::server
