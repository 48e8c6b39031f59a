// Tests of /api/sources: readers see the sources' health and articles per
// day, editors add and remove sources, readers may not.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/server_helpers.h"
#include "veille/server.h"
#include "veille/sources.h"

namespace veille {
namespace {

using nlohmann::json;
using testing::Bearer;
using testing::RawClient;
using testing::TestArchive;

TEST(SourcesApi, EditorsManageReadersRead) {
  TestArchive t("sources_api");
  const std::string reader = t.AddAccount("rita", "reader");
  const std::string editor = t.AddAccount("ed", "editor");
  ASSERT_FALSE(reader.empty());
  ASSERT_FALSE(editor.empty());
  {  // One source with a page the crawl fetched today.
    auto a = Archive::Open(t.db, OpenMode::kReadWrite);
    ASSERT_TRUE(a.ok());
    SourceRecord s;
    s.url = "https://journal.example/rss";
    s.name = "Journal";
    s.added_at = "2024-03-05T00:00:00Z";
    ASSERT_TRUE(AddSource(**a, s).ok());
    auto added = FindSource(**a, s.url);
    ASSERT_TRUE(added.ok() && *added);
    (*added)->last_error = "HTTP 503";
    ASSERT_TRUE(UpdateSourceState(**a, **added).ok());
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char today[32];
    std::strftime(today, sizeof today, "%Y-%m-%dT%H:%M:%SZ", &tm);
    SeenUrl seen;
    seen.url = "https://journal.example/a/1";
    seen.warc_file = "x.warc.gz";
    seen.fetched_at = today;
    seen.status = 200;
    seen.kind = "page";
    seen.source_id = (*added)->id;
    ASSERT_TRUE(RecordSeen(**a, seen).ok());
  }
  ServerOptions o;
  o.db = t.db;
  o.port = 0;
  o.threads = 2;
  o.web_dir = t.web();
  o.log = [](std::string_view) {};
  auto server = Server::Start(o);
  ASSERT_TRUE(server.ok()) << server.error().message;
  RawClient c((*server)->port());
  ASSERT_TRUE(c.ok());

  auto list = c.Request("GET", "/api/sources?days=3", Bearer(reader));
  ASSERT_EQ(list.status, 200) << list.body;
  json j = json::parse(list.body);
  ASSERT_EQ(j["days"].size(), 3u);
  ASSERT_EQ(j["sources"].size(), 1u);
  EXPECT_EQ(j["sources"][0]["name"], "Journal");
  EXPECT_EQ(j["sources"][0]["last_error"], "HTTP 503");
  EXPECT_EQ(j["sources"][0]["articles_per_day"], json::array({0, 0, 1}));
  EXPECT_EQ(j["sources"][0]["articles_in_period"], 1);

  const std::string json_type = "Content-Type: application/json\r\n";
  const std::string add = R"({"url": "https://gazette.example/economie/", "kind": "page",
                              "every": "1h", "name": "Gazette"})";
  EXPECT_EQ(c.Request("POST", "/api/sources", Bearer(reader) + json_type, add).status, 403);
  auto added = c.Request("POST", "/api/sources", Bearer(editor) + json_type, add);
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(json::parse(added.body)["every_seconds"], 3600);
  EXPECT_EQ(c.Request("POST", "/api/sources", Bearer(editor) + json_type, add).status, 400);
  EXPECT_EQ(c.Request("POST", "/api/sources", Bearer(editor) + json_type,
                      R"({"url": "ftp://x.example/"})")
                .status,
            400);
  EXPECT_EQ(c.Request("POST", "/api/sources", Bearer(editor) + json_type,
                      R"({"url": "https://x.example/", "every": "often"})")
                .status,
            400);
  j = json::parse(c.Request("GET", "/api/sources", Bearer(reader)).body);
  ASSERT_EQ(j["sources"].size(), 2u);
  EXPECT_EQ(j["sources"][1]["kind"], "page");

  const std::string remove = R"({"url": "https://journal.example/rss"})";
  EXPECT_EQ(c.Request("POST", "/api/sources/remove", Bearer(reader) + json_type, remove).status,
            403);
  EXPECT_EQ(c.Request("POST", "/api/sources/remove", Bearer(editor) + json_type, remove).status,
            200);
  EXPECT_EQ(c.Request("POST", "/api/sources/remove", Bearer(editor) + json_type, remove).status,
            404);
  j = json::parse(c.Request("GET", "/api/sources", Bearer(reader)).body);
  ASSERT_EQ(j["sources"].size(), 1u);
  EXPECT_EQ(j["sources"][0]["name"], "Gazette");
}

}  // namespace
}  // namespace veille
