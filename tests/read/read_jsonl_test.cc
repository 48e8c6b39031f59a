// JSON Lines: ParseJsonArticle rules and streaming .jsonl / .jsonl.gz files.
#include <gtest/gtest.h>
#include <zlib.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "read/temp_dir.h"
#include "veille/read.h"
#include "veille/utf8.h"

namespace veille {
namespace {

using testing::TempDir;

struct ReadAll {
  std::vector<InputRecord> records;
  std::vector<Diagnostic> diagnostics;
  uint64_t bytes_done = 0, bytes_total = 0, files_done = 0;
};

ReadAll Read(const std::vector<std::string>& paths, ReadOptions options = {}) {
  ReadAll out;
  auto reader = InputReader::Open(paths, options);
  EXPECT_TRUE(reader.ok()) << reader.error().message;
  if (!reader.ok()) return out;
  InputRecord record;
  while ((*reader)->Next(&record, &out.diagnostics)) out.records.push_back(record);
  out.bytes_done = (*reader)->bytes_done();
  out.bytes_total = (*reader)->bytes_total();
  out.files_done = (*reader)->files_done();
  return out;
}

std::string Gzip(std::string_view bytes, const std::string& path) {
  gzFile gz = gzopen(path.c_str(), "wb");
  gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(gz);
  return path;
}

bool Mentions(const std::vector<Diagnostic>& ds, std::string_view where, std::string_view what) {
  for (const Diagnostic& d : ds) {
    if (d.where.find(where) != std::string::npos && d.message.find(what) != std::string::npos)
      return true;
  }
  return false;
}

const char kThreeArticles[] =
    R"({"id": "a1", "title": "Hausse des prix de l'énergie", "date": "2020-07-02", "text": "Les prix ont augmenté de 5 %.", "summary": "Résumé court.", "url": "https://example.org/a1", "outlet": "Le Journal", "language": "fr", "section": "économie", "tags": ["prix", "énergie"], "views": 12}
)"
    "\n"  // a blank line, skipped silently
    R"({"id": 42, "title": null, "date": "2020-07-03T10:00:00Z", "text": "Deuxième article."})"
    "\r\n"
    R"({"id": "a3", "date": "hier", "text": "Troisième article.", "language": "fr-FR"})"
    "\n";

void CheckThreeArticles(const ReadAll& all, const std::string& path) {
  ASSERT_EQ(all.records.size(), 3u);
  EXPECT_TRUE(all.diagnostics.empty());
  EXPECT_EQ(all.records[0].source, path + ":1");
  EXPECT_EQ(all.records[1].source, path + ":3");
  EXPECT_EQ(all.records[2].source, path + ":4");
  EXPECT_EQ(all.records[1].bytes.back(), '}');  // "\r" stripped
  for (const auto& r : all.records) {
    EXPECT_EQ(r.kind, InputRecord::Kind::kJsonLine);
    EXPECT_EQ(r.source_group, path);
  }

  auto a = ParseRecord(all.records[0]);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->id, "a1");
  EXPECT_EQ(a->title.value_or(""), "Hausse des prix de l'énergie");
  EXPECT_EQ(a->date.value_or(""), "2020-07-02");
  EXPECT_EQ(a->text, "Les prix ont augmenté de 5 %.");
  EXPECT_EQ(a->summary.value_or(""), "Résumé court.");
  EXPECT_EQ(a->url.value_or(""), "https://example.org/a1");
  EXPECT_EQ(a->outlet.value_or(""), "Le Journal");
  EXPECT_EQ(a->language.value_or(""), "fr");
  EXPECT_EQ(a->source_group, path + "#Le Journal");
  auto meta = nlohmann::json::parse(a->metadata_json);
  EXPECT_EQ(meta.size(), 3u);
  EXPECT_EQ(meta["section"], "économie");
  EXPECT_EQ(meta["tags"], nlohmann::json({"prix", "énergie"}));
  EXPECT_EQ(meta["views"], 12);

  auto b = ParseRecord(all.records[1]);
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->id, "42");
  EXPECT_FALSE(b->title.has_value());
  EXPECT_EQ(b->date.value_or(""), "2020-07-03");
  EXPECT_EQ(b->metadata_json, "{}");
  EXPECT_EQ(b->source_group, path);
  EXPECT_TRUE(b->diagnostics.empty());

  auto c = ParseRecord(all.records[2]);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->date.has_value());
  EXPECT_EQ(c->language.value_or(""), "fr");
  ASSERT_EQ(c->diagnostics.size(), 1u);
  EXPECT_EQ(c->diagnostics[0].where, path + ":4");
  EXPECT_NE(c->diagnostics[0].message.find("date"), std::string::npos);
}

TEST(ReadJsonl, PlainFile) {
  TempDir dir;
  std::string path = dir.Write("feed.jsonl", kThreeArticles);
  ReadAll all = Read({path});
  CheckThreeArticles(all, path);
  EXPECT_EQ(all.files_done, 1u);
  EXPECT_EQ(all.bytes_total, sizeof(kThreeArticles) - 1);
  EXPECT_EQ(all.bytes_done, all.bytes_total);
}

TEST(ReadJsonl, GzipFile) {
  TempDir dir;
  std::string path = Gzip(kThreeArticles, dir.path() + "/feed.jsonl.gz");
  ReadAll all = Read({path});
  CheckThreeArticles(all, path);
  EXPECT_LT(all.bytes_total, sizeof(kThreeArticles) - 1 + 64);
  EXPECT_EQ(all.bytes_done, all.bytes_total);
}

TEST(ReadJsonl, GzipSpanningManyBuffers) {
  // Enough lines that records cross the reader's buffer boundaries.
  std::string bytes;
  for (int i = 0; i < 20000; ++i) {
    bytes += R"({"id": "n)" + std::to_string(i) + R"(", "text": "Texte numéro )" +
             std::to_string(i) + " " + std::string(i % 97, 'x') + "\"}\n";
  }
  TempDir dir;
  std::string path = Gzip(bytes, dir.path() + "/big.jsonl.gz");
  ReadAll all = Read({path});
  ASSERT_EQ(all.records.size(), 20000u);
  EXPECT_TRUE(all.diagnostics.empty());
  for (int i = 0; i < 20000; i += 997) {
    auto a = ParseRecord(all.records[i]);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->id, "n" + std::to_string(i));
    EXPECT_EQ(all.records[i].source, path + ":" + std::to_string(i + 1));
  }
}

TEST(ReadJsonl, TruncatedGzipIsReported) {
  std::string bytes;
  for (int i = 0; i < 5000; ++i) {
    bytes += R"({"id": ")" + std::to_string(i) + R"(", "text": "Ligne )" +
             std::to_string(i * 7919) + "\"}\n";
  }
  TempDir dir;
  std::string full = Gzip(bytes, dir.path() + "/full.jsonl.gz");
  std::string compressed;
  {
    std::ifstream in(full, std::ios::binary);
    compressed.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::string cut = dir.Write("cut.jsonl.gz", compressed.substr(0, compressed.size() * 6 / 10));
  std::string after = dir.Write("zz_after.jsonl", R"({"id": "after", "text": "Encore lu."})");
  ReadAll all = Read({cut, after});
  ASSERT_GT(all.records.size(), 100u);
  ASSERT_LT(all.records.size(), 5000u);
  EXPECT_TRUE(Mentions(all.diagnostics, cut, "truncated"));
  // Every record delivered before the cut is a complete article.
  for (size_t i = 0; i + 1 < all.records.size(); ++i) {
    ASSERT_TRUE(ParseRecord(all.records[i]).ok()) << all.records[i].bytes;
  }
  EXPECT_EQ(all.records.back().source, after + ":1");
  EXPECT_EQ(all.files_done, 2u);
}

TEST(ReadJsonl, TruncatedLastLineIsABadRecord) {
  TempDir dir;
  std::string path = dir.Write("t.jsonl", std::string(R"({"id": "1", "text": "Complet."})") + "\n" +
                                              R"({"id": "2", "text": "Coupé au mil)");
  ReadAll all = Read({path});
  ASSERT_EQ(all.records.size(), 2u);
  EXPECT_TRUE(ParseRecord(all.records[0]).ok());
  auto bad = ParseRecord(all.records[1]);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Error::Code::kBadInput);
  EXPECT_NE(bad.error().message.find(path + ":2"), std::string::npos);
}

TEST(ReadJsonl, OverlongLineSkippedRestRead) {
  TempDir dir;
  std::string line1 = R"({"id": "big", "text": ")" + std::string(5000, 'a') + "\"}";
  std::string path =
      dir.Write("long.jsonl", line1 + "\n" + R"({"id": "ok", "text": "Court."})" + "\n");
  ReadOptions options;
  options.max_record_bytes = 1000;
  ReadAll all = Read({path}, options);
  ASSERT_EQ(all.records.size(), 1u);
  EXPECT_EQ(all.records[0].source, path + ":2");
  EXPECT_TRUE(Mentions(all.diagnostics, path + ":1", "limit"));
}

TEST(ParseJson, RequiredFieldsAndTypes) {
  struct Case {
    const char* line;
    const char* error;  // substring of the message
  };
  const Case kCases[] = {
      {R"({"title": "Sans id", "text": "Texte."})", "missing \"id\""},
      {R"({"id": "x", "title": "Sans texte"})", "missing \"text\""},
      {R"({"id": "x", "text": ""})", "empty text"},
      {R"({"id": "x", "text": "  \n "})", "empty text"},
      {R"({"id": "", "text": "T"})", "empty \"id\""},
      {R"({"id": 1.5, "text": "T"})", "\"id\" is a number"},
      {R"({"id": ["x"], "text": "T"})", "\"id\" is an array"},
      {R"({"id": "x", "text": 3})", "\"text\" is a number"},
      {R"([{"id": "x", "text": "T"}])", "not a JSON object"},
      {R"("juste une chaîne")", "not a JSON object"},
      {R"({"id": "x", "text": "T")", "invalid JSON"},
      {"", "invalid JSON"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.line);
    auto a = ParseJsonArticle(c.line, "in.jsonl:7");
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.error().code, Error::Code::kBadInput);
    EXPECT_NE(a.error().message.find("in.jsonl:7"), std::string::npos) << a.error().message;
    EXPECT_NE(a.error().message.find(c.error), std::string::npos) << a.error().message;
  }
}

TEST(ParseJson, Dates) {
  struct Case {
    const char* json;
    const char* date;  // "" = none
    size_t warnings;
  };
  const Case kCases[] = {
      {R"("2021")", "2021", 0},
      {R"("2021-08")", "2021-08", 0},
      {R"("2021-08-15")", "2021-08-15", 0},
      {R"("2020-07-02T10:00:00Z")", "2020-07-02", 0},
      {R"("2020-07-02 10:00")", "2020-07-02", 0},
      {R"(" 2020-07-02 ")", "2020-07-02", 0},
      {R"(null)", "", 0},
      {R"("2021-02-29")", "", 1},
      {R"("2021-13")", "", 1},
      {R"("15/08/2021")", "", 1},
      {R"("2021-08-15Tmidi")", "", 1},
      {R"(20210815)", "", 1},
      {R"("")", "", 1},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.json);
    auto a = ParseJsonArticle(std::string(R"({"id": "d", "text": "T", "date": )") + c.json + "}",
                              "d.jsonl:1");
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(a->date.value_or(""), c.date);
    EXPECT_EQ(a->diagnostics.size(), c.warnings);
  }
}

TEST(ParseJson, InvalidUtf8InStringsIsRepaired) {
  std::string line =
      "{\"id\": \"u\", \"title\": \"Caf\xE9 cr\xE8me\", \"text\": \"Texte \xFF\xFE fin.\", "
      "\"extra\": \"\xC3\"}";
  auto a = ParseJsonArticle(line, "u.jsonl:3");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->title.value_or(""), "Caf\xEF\xBF\xBD cr\xEF\xBF\xBDme");
  EXPECT_EQ(a->text, "Texte \xEF\xBF\xBD\xEF\xBF\xBD fin.");
  EXPECT_EQ(FindInvalidUtf8(a->metadata_json), std::string::npos);
  ASSERT_EQ(a->diagnostics.size(), 1u);
  EXPECT_EQ(a->diagnostics[0].where, "u.jsonl:3");
  EXPECT_NE(a->diagnostics[0].message.find("U+FFFD"), std::string::npos);
}

TEST(ParseJson, NonStringOptionalFieldsWarn) {
  auto a = ParseJsonArticle(R"({"id": "o", "text": "T", "title": 12, "language": "français"})",
                            "o.jsonl:1");
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->title.has_value());
  EXPECT_FALSE(a->language.has_value());
  EXPECT_EQ(a->diagnostics.size(), 2u);
}

TEST(ParseJson, MetadataKeysAreEscaped) {
  auto a = ParseJsonArticle(R"({"id": "m", "text": "T", "a \"b\"\n": {"x": [1, null]}})", "m:1");
  ASSERT_TRUE(a.ok());
  auto meta = nlohmann::json::parse(a->metadata_json);
  EXPECT_EQ(meta["a \"b\"\n"]["x"][0], 1);
}

// Random mutations of valid lines never crash; what parses is valid UTF-8.
TEST(ParseJsonProperty, RandomMutationsGiveValidOutput) {
  const std::string base =
      R"({"id": "p", "title": "Un titre « ici »", "date": "2021-08-02", "text": "Le texte\nsuit.", "x": [1, {"y": "z"}]})";
  std::mt19937 rng(7);
  int parsed = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string line = base;
    int edits = 1 + static_cast<int>(rng() % 6);
    for (int e = 0; e < edits && !line.empty(); ++e) {
      size_t at = rng() % line.size();
      switch (rng() % 3) {
        case 0:
          line[at] = static_cast<char>(rng() % 256);
          break;
        case 1:
          line.erase(at, 1 + rng() % 8);
          break;
        case 2:
          line.insert(at, 1, "{}[]\",:\\\xC3\xFF"[rng() % 11]);
          break;
      }
    }
    auto a = ParseJsonArticle(line, "p:1");
    if (!a.ok()) {
      EXPECT_EQ(a.error().code, Error::Code::kBadInput);
      continue;
    }
    ++parsed;
    EXPECT_FALSE(a->id.empty());
    EXPECT_FALSE(a->text.empty());
    EXPECT_EQ(FindInvalidUtf8(a->text), std::string::npos) << line;
    EXPECT_EQ(FindInvalidUtf8(a->id), std::string::npos);
    EXPECT_EQ(FindInvalidUtf8(a->metadata_json), std::string::npos);
    EXPECT_TRUE(nlohmann::json::accept(a->metadata_json));
    if (a->title) {
      EXPECT_EQ(FindInvalidUtf8(*a->title), std::string::npos);
    }
  }
  EXPECT_GT(parsed, 1000) << "mutations too destructive to exercise the success path";
}

}  // namespace
}  // namespace veille
