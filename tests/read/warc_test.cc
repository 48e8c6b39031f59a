// warc_test.cc: WarcReader on well-formed and damaged archives; HTTP
// responses and their codings.
#include "veille/warc.h"

#include <brotli/encode.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "read/warc_fixture.h"

namespace veille {
namespace {

using testing::Chunked;
using testing::FixtureRecord;
using testing::Gzip;
using testing::HttpBlock;
using testing::WarcBytes;

std::vector<FixtureRecord> SampleRecords() {
  std::vector<FixtureRecord> v;
  FixtureRecord info;
  info.type = "warcinfo";
  info.content_type = "application/warc-fields";
  info.block = "software: veille-test\r\nformat: WARC File Format 1.1\r\n";
  v.push_back(info);
  FixtureRecord req;
  req.type = "request";
  req.uri = "https://news.example/a/1";
  req.content_type = "application/http; msgtype=request";
  req.block = "GET /a/1 HTTP/1.1\r\nHost: news.example\r\n\r\n";
  v.push_back(req);
  FixtureRecord resp;
  resp.uri = "https://news.example/a/1";
  resp.block = HttpBlock("<html><body><p>Un article.</p></body></html>");
  v.push_back(resp);
  FixtureRecord res;
  res.type = "resource";
  res.uri = "file:///saved/page.html";
  res.content_type = "text/html";
  res.block = "<html><body><p>Une ressource.</p></body></html>";
  v.push_back(res);
  FixtureRecord rev;
  rev.type = "revisit";
  rev.uri = "https://news.example/a/1";
  rev.block = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n";
  rev.extra = {
      {"WARC-Profile", "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"}};
  v.push_back(rev);
  return v;
}

std::vector<WarcRecord> ReadAll(const std::string& bytes, std::vector<Diagnostic>* diags,
                                WarcOptions opt = {}) {
  auto r = WarcReader::FromBytes(bytes, "t.warc", opt);
  std::vector<WarcRecord> out;
  WarcRecord rec;
  while (r->Next(&rec, diags)) out.push_back(rec);
  return out;
}

std::string Messages(const std::vector<Diagnostic>& d) {
  std::string s;
  for (const auto& x : d) s += x.where + ": " + x.message + "\n";
  return s;
}

TEST(WarcReader, ReadsPlainFileWithOffsetsAndHeaders) {
  auto recs = SampleRecords();
  std::string file;
  std::vector<uint64_t> offsets;
  for (size_t i = 0; i < recs.size(); ++i) {
    offsets.push_back(file.size());
    file += WarcBytes(recs[i], static_cast<int>(i + 1));
  }
  std::vector<Diagnostic> diags;
  auto got = ReadAll(file, &diags);
  EXPECT_TRUE(diags.empty()) << Messages(diags);
  ASSERT_EQ(got.size(), recs.size());
  for (size_t i = 0; i < recs.size(); ++i) {
    EXPECT_EQ(got[i].type(), recs[i].type);
    EXPECT_EQ(got[i].target_uri(), recs[i].uri);
    EXPECT_EQ(got[i].block, recs[i].block);
    EXPECT_EQ(got[i].number, i + 1);
    EXPECT_EQ(got[i].offset, offsets[i]);
    EXPECT_EQ(got[i].record_id(), testing::RecordId(static_cast<int>(i + 1)));
    EXPECT_EQ(got[i].version, "WARC/1.1");
  }
  EXPECT_EQ(got[2].date(), "2024-03-05T08:15:00Z");
}

TEST(WarcReader, PerRecordGzipOffsetsAreMemberStarts) {
  auto recs = SampleRecords();
  std::string file;
  std::vector<uint64_t> offsets;
  for (size_t i = 0; i < recs.size(); ++i) {
    offsets.push_back(file.size());
    file += Gzip(WarcBytes(recs[i], static_cast<int>(i + 1)));
  }
  std::vector<Diagnostic> diags;
  auto got = ReadAll(file, &diags);
  EXPECT_TRUE(diags.empty()) << Messages(diags);
  ASSERT_EQ(got.size(), recs.size());
  for (size_t i = 0; i < recs.size(); ++i) {
    EXPECT_EQ(got[i].offset, offsets[i]) << i;
    EXPECT_EQ(got[i].block, recs[i].block);
  }
  EXPECT_EQ(WarcWhere("c.warc.gz", got[2]), "c.warc.gz:record 3 @ offset " +
                                                std::to_string(offsets[2]) + " " +
                                                testing::RecordId(3) + " https://news.example/a/1");
}

TEST(WarcReader, WholeFileGzipAndAngleBracketUris) {
  FixtureRecord r;
  r.uri = "<https://news.example/b>";  // WARC/1.0 writers put brackets around it
  r.block = HttpBlock("x");
  std::string file = Gzip(WarcBytes(r, 1) + WarcBytes(r, 2));
  std::vector<Diagnostic> diags;
  auto got = ReadAll(file, &diags);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].target_uri(), "https://news.example/b");
}

// Property: whatever records are written, in whatever member order, they
// come back byte for byte, each member's records at that member's offset.
TEST(WarcReader, RoundTripRandomRecordsAnyMemberOrder) {
  std::mt19937 rng(42);
  for (int round = 0; round < 30; ++round) {
    std::vector<std::string> members;
    std::vector<FixtureRecord> recs;
    int n = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) {
      FixtureRecord r;
      r.uri = "https://site.example/p/" + std::to_string(rng() % 1000);
      size_t len = rng() % 5000;
      std::string body;
      for (size_t k = 0; k < len; ++k) {
        // Includes CR, LF and "WARC/1.0" fragments: the block is opaque.
        static constexpr std::string_view kAlpha("ab \r\nWARC/1.0\0\xff<>", 17);
        body.push_back(kAlpha[rng() % kAlpha.size()]);
      }
      r.block = body;
      recs.push_back(r);
    }
    std::vector<int> order(n);
    for (int i = 0; i < n; ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
    bool gz = round % 2 == 0;
    std::string file;
    std::vector<uint64_t> offsets;
    for (int i : order) {
      offsets.push_back(file.size());
      std::string bytes = WarcBytes(recs[i], i + 1);
      file += gz ? Gzip(bytes, static_cast<int>(rng() % 10)) : bytes;
    }
    std::vector<Diagnostic> diags;
    auto got = ReadAll(file, &diags);
    EXPECT_TRUE(diags.empty()) << Messages(diags);
    ASSERT_EQ(got.size(), static_cast<size_t>(n));
    for (int k = 0; k < n; ++k) {
      EXPECT_EQ(got[k].block, recs[order[k]].block);
      EXPECT_EQ(got[k].record_id(), testing::RecordId(order[k] + 1));
      EXPECT_EQ(got[k].offset, offsets[k]);
    }
  }
}

TEST(WarcReader, TruncatedGzipMemberIsReportedAndEarlierRecordsKept) {
  auto recs = SampleRecords();
  std::string file;
  std::vector<uint64_t> offsets;
  for (size_t i = 0; i < recs.size(); ++i) {
    offsets.push_back(file.size());
    file += Gzip(WarcBytes(recs[i], static_cast<int>(i + 1)));
  }
  // Cut the file in the middle of the fourth member.
  file.resize(offsets[3] + (offsets[4] - offsets[3]) / 2);
  std::vector<Diagnostic> diags;
  auto got = ReadAll(file, &diags);
  ASSERT_EQ(got.size(), 3u);
  std::string m = Messages(diags);
  EXPECT_NE(m.find("truncated gzip member"), std::string::npos) << m;
  EXPECT_NE(m.find("offset " + std::to_string(offsets[3])), std::string::npos) << m;
}

TEST(WarcReader, CorruptMemberInTheMiddleIsSkippedAndTheRestRead) {
  auto recs = SampleRecords();
  std::string file;
  std::vector<uint64_t> offsets;
  for (size_t i = 0; i < recs.size(); ++i) {
    offsets.push_back(file.size());
    file += Gzip(WarcBytes(recs[i], static_cast<int>(i + 1)));
  }
  // Damage the deflate data of member 3 (past its 10-byte gzip header).
  for (uint64_t k = offsets[2] + 12; k < offsets[2] + 30; ++k) file[k] = '\xff';
  std::vector<Diagnostic> diags;
  auto got = ReadAll(file, &diags);
  std::string m = Messages(diags);
  ASSERT_EQ(got.size(), 4u) << m;
  EXPECT_EQ(got[2].type(), "resource");
  EXPECT_EQ(got[3].type(), "revisit");
  EXPECT_EQ(got[3].offset, offsets[4]);
  EXPECT_NE(m.find("corrupt gzip member"), std::string::npos) << m;
}

TEST(WarcReader, ContentLengthTooLongOrTooShortIsRedelimited) {
  for (bool gz : {false, true}) {
    for (long delta : {+40L, -7L, +100000L}) {
      auto recs = SampleRecords();
      std::string file;
      for (size_t i = 0; i < recs.size(); ++i) {
        long declared = i == 2 ? static_cast<long>(recs[i].block.size()) + delta : -1;
        std::string b = WarcBytes(recs[i], static_cast<int>(i + 1), declared);
        file += gz ? Gzip(b) : b;
      }
      std::vector<Diagnostic> diags;
      auto got = ReadAll(file, &diags);
      std::string m = Messages(diags);
      ASSERT_EQ(got.size(), recs.size()) << gz << " " << delta << "\n" << m;
      EXPECT_TRUE(got[2].length_mismatch);
      EXPECT_EQ(got[2].block, recs[2].block) << gz << " " << delta;
      EXPECT_EQ(got[3].block, recs[3].block);
      EXPECT_EQ(got[4].type(), "revisit");
      EXPECT_NE(m.find("Content-Length"), std::string::npos) << m;
      EXPECT_NE(m.find("record 3 @ offset"), std::string::npos) << m;
    }
  }
}

TEST(WarcReader, JunkBetweenRecordsIsSkippedWithItsOffset) {
  auto recs = SampleRecords();
  std::string file = WarcBytes(recs[0], 1);
  uint64_t junk_at = file.size();
  file += "this is not a WARC record\r\nat all\r\n";
  file += WarcBytes(recs[2], 3);
  std::vector<Diagnostic> diags;
  auto got = ReadAll(file, &diags);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].type(), "response");
  std::string m = Messages(diags);
  EXPECT_NE(m.find("@ offset " + std::to_string(junk_at)), std::string::npos) << m;
  EXPECT_NE(m.find("not a WARC record header"), std::string::npos) << m;
}

TEST(WarcReader, NotGzipBetweenMembersIsSkipped) {
  auto recs = SampleRecords();
  std::string file =
      Gzip(WarcBytes(recs[0], 1)) + "garbage bytes here" + Gzip(WarcBytes(recs[2], 3));
  std::vector<Diagnostic> diags;
  auto got = ReadAll(file, &diags);
  ASSERT_EQ(got.size(), 2u) << Messages(diags);
  EXPECT_NE(Messages(diags).find("not a gzip member"), std::string::npos);
}

TEST(WarcReader, BlockOverTheCapIsSkippedNotBuffered) {
  FixtureRecord big;
  big.uri = "https://news.example/huge";
  big.block = HttpBlock(std::string(300000, 'x'));
  auto recs = SampleRecords();
  std::string file = WarcBytes(big, 1) + WarcBytes(recs[2], 2);
  WarcOptions opt;
  opt.max_block_bytes = 100000;
  std::vector<Diagnostic> diags;
  auto got = ReadAll(file, &diags, opt);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE(got[0].block_skipped);
  EXPECT_TRUE(got[0].block.empty());
  EXPECT_EQ(got[1].block, recs[2].block);
  EXPECT_NE(Messages(diags).find("over the 100000-byte limit"), std::string::npos);
}

TEST(WarcReader, FileEndingInsideABlockIsReported) {
  auto recs = SampleRecords();
  std::string file = WarcBytes(recs[0], 1) + WarcBytes(recs[2], 2);
  file.resize(file.size() - 20);
  std::vector<Diagnostic> diags;
  auto got = ReadAll(file, &diags);
  EXPECT_EQ(got.size(), 1u);
  EXPECT_NE(Messages(diags).find("file ends"), std::string::npos) << Messages(diags);
}

TEST(WarcReader, EmptyAndGarbageInputsEndCleanly) {
  std::vector<Diagnostic> diags;
  EXPECT_TRUE(ReadAll("", &diags).empty());
  EXPECT_TRUE(diags.empty());
  EXPECT_TRUE(ReadAll(std::string(5000, '\0'), &diags).empty());
  EXPECT_TRUE(ReadAll("\x1f\x8b", &diags).empty());
  EXPECT_TRUE(ReadAll("WARC/1.1\r\nContent-Length: 5\r\n", &diags).empty());
}

TEST(WarcReader, OpenMissingFileIsNotFound) {
  auto r = WarcReader::Open("/nonexistent/x.warc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Error::Code::kNotFound);
}

std::string Brotli(std::string_view s) {
  size_t n = BrotliEncoderMaxCompressedSize(s.size()) + 16;
  std::string out(n, '\0');
  BrotliEncoderCompress(5, 22, BROTLI_MODE_TEXT, s.size(),
                        reinterpret_cast<const uint8_t*>(s.data()), &n,
                        reinterpret_cast<uint8_t*>(out.data()));
  out.resize(n);
  return out;
}

TEST(HttpResponse, StatusHeadersAndPlainBody) {
  auto r = ParseHttpResponse(
      "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=ISO-8859-1\r\nX-Long: a\r\n b\r\n\r\n"
      "<p>hi</p>");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->reason, "OK");
  EXPECT_EQ(FindHeader(r->headers, "content-type"), "text/html; charset=ISO-8859-1");
  EXPECT_EQ(FindHeader(r->headers, "X-Long"), "a b");
  EXPECT_EQ(r->body, "<p>hi</p>");
  EXPECT_EQ(CharsetOf(FindHeader(r->headers, "Content-Type")), "ISO-8859-1");
  EXPECT_EQ(MediaTypeOf("Text/HTML ; charset=\"utf-8\""), "text/html");
  EXPECT_EQ(CharsetOf("text/html; charset=\"utf-8\""), "utf-8");
}

TEST(HttpResponse, ChunkedAndEveryContentCoding) {
  const std::string body = "<html><body><p>Le texte de l’article, répété.</p></body></html>";
  struct Case {
    std::string encoding, encoded;
  } cases[] = {
      {"gzip", Gzip(body)},
      {"x-gzip", Gzip(body)},
      {"deflate", testing::Deflate(body, 15)},
      {"deflate", testing::Deflate(body, -15)},  // raw deflate, as some servers send
      {"br", Brotli(body)},
      {"identity", body},
  };
  for (const Case& c : cases) {
    for (bool chunked : {false, true}) {
      std::vector<std::pair<std::string, std::string>> h = {{"Content-Encoding", c.encoding}};
      if (chunked) h.push_back({"Transfer-Encoding", "chunked"});
      std::string block = HttpBlock(chunked ? Chunked(c.encoded, 7) : c.encoded, "text/html", h);
      auto r = ParseHttpResponse(block);
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(r->body, body) << c.encoding << " chunked=" << chunked;
      EXPECT_TRUE(r->problems.empty()) << c.encoding << ": " << r->problems.front();
    }
  }
}

TEST(HttpResponse, AlreadyDecodedBodiesAreKeptWithANote) {
  // Archivers that store decoded bodies but keep the headers.
  auto r = ParseHttpResponse(
      HttpBlock("<p>plain</p>", "text/html",
                {{"Content-Encoding", "gzip"}, {"Transfer-Encoding", "chunked"}}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body, "<p>plain</p>");
  EXPECT_EQ(r->problems.size(), 2u);
}

TEST(HttpResponse, GzipBombIsCapped) {
  std::string bomb = Gzip(std::string(50u << 20, 'a'), 9);
  HttpOptions opt;
  opt.max_body_bytes = 1u << 20;
  auto r = ParseHttpResponse(HttpBlock(bomb, "text/html", {{"Content-Encoding", "gzip"}}), opt);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->problems.empty());
  EXPECT_NE(r->problems[0].find("exceeds"), std::string::npos);
  EXPECT_LE(r->body.size(), opt.max_body_bytes);
}

TEST(HttpResponse, NotHttpIsBadInput) {
  EXPECT_FALSE(ParseHttpResponse("20240305 dns:news.example 93.184.216.34").ok());
  EXPECT_FALSE(ParseHttpResponse("").ok());
  EXPECT_FALSE(ParseHttpResponse("HTTP/1.1 abc\r\n\r\n").ok());
  auto r = ParseHttpResponse("HTTP/1.0 404 Not Found\n\nmissing");  // LF-only, old tools
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, "missing");
}

TEST(HttpResponse, DecodeContentRejectsUnknownAndTruncated) {
  EXPECT_FALSE(DecodeContent("abc", "compress", 100).ok());
  std::string g = Gzip("hello world hello world");
  EXPECT_FALSE(DecodeContent(g.substr(0, g.size() / 2), "gzip", 100).ok());
  auto two = DecodeContent(g + Gzip("!"), "gzip", 100);  // concatenated members
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(*two, "hello world hello world!");
  auto both = DecodeContent(Brotli(Gzip("x")), "gzip, br", 100);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(*both, "x");
}

TEST(HttpResponse, DechunkHandlesExtensionsAndCutRecordings) {
  auto d = Dechunk("4;ext=1\r\nabcd\r\n2\r\nef\r\n0\r\n\r\n", 100);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, "abcdef");
  auto cut = Dechunk("4\r\nabcd\r\n10\r\nefg", 100);
  ASSERT_TRUE(cut.ok());
  EXPECT_EQ(*cut, "abcdefg");
  EXPECT_FALSE(Dechunk("<html>", 100).ok());
}

}  // namespace
}  // namespace veille
