// Deferred secondary indexes (Archive::DeferIndexes / RestoreIndexes): the
// indexes come back with the same definitions, a killed run's deferred
// indexes come back at the next read-write open, and an ingest into a new
// archive ends with every index in place.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "veille/archive.h"
#include "veille/ingest.h"

namespace veille {
namespace {

namespace fs = std::filesystem;

std::string TempPath(const std::string& what) {
  return (fs::temp_directory_path() / ("veille_bulk_" + std::to_string(getpid()) + "_" + what))
      .string();
}

void RemoveDb(const std::string& p) {
  for (const char* ext : {"", "-wal", "-shm"}) fs::remove(p + ext);
}

// name -> definition of every index, read with plain SQLite.
std::map<std::string, std::string> Indexes(const std::string& path) {
  std::map<std::string, std::string> out;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql NOT NULL",
                     -1, &st, nullptr);
  while (sqlite3_step(st) == SQLITE_ROW)
    out[reinterpret_cast<const char*>(sqlite3_column_text(st, 0))] =
        reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

TEST(BulkLoadTest, DeferredIndexesComeBackAsTheyWere) {
  std::string path = TempPath("restore.db");
  RemoveDb(path);
  std::map<std::string, std::string> before;
  {
    auto a = Archive::Open(path, OpenMode::kReadWrite);
    ASSERT_TRUE(a.ok()) << a.error().message;
    before = Indexes(path);
    ASSERT_TRUE(before.count("mentions_entity"));
    ASSERT_TRUE((*a)->DeferIndexes().ok());
    auto during = Indexes(path);
    EXPECT_FALSE(during.count("mentions_entity"));
    EXPECT_FALSE(during.count("quotes_speaker"));
    EXPECT_FALSE(during.count("entities_articles"));
    EXPECT_TRUE(during.count("articles_hash"));  // read while ingesting: kept
    EXPECT_TRUE((*a)->DeferIndexes().ok());      // twice: nothing more to do
    ASSERT_TRUE((*a)->RestoreIndexes().ok());
    EXPECT_EQ(Indexes(path), before);
    EXPECT_TRUE((*a)->RestoreIndexes().ok());  // nothing noted any more
  }
  RemoveDb(path);
}

TEST(BulkLoadTest, AKilledRunsDeferredIndexesComeBackAtTheNextOpen) {
  std::string path = TempPath("killed.db");
  RemoveDb(path);
  std::map<std::string, std::string> before;
  {
    auto a = Archive::Open(path, OpenMode::kReadWrite);
    ASSERT_TRUE(a.ok());
    before = Indexes(path);
    ASSERT_TRUE((*a)->DeferIndexes().ok());
  }  // closed without RestoreIndexes, as a run that was killed
  EXPECT_NE(Indexes(path), before);
  {
    auto a = Archive::Open(path, OpenMode::kReadWrite);
    ASSERT_TRUE(a.ok()) << a.error().message;
  }
  EXPECT_EQ(Indexes(path), before);
  RemoveDb(path);
}

TEST(BulkLoadTest, AnIngestIntoANewArchiveEndsWithEveryIndex) {
  std::string ref = TempPath("ref.db"), path = TempPath("new.db");
  std::string input = TempPath("in.jsonl");
  RemoveDb(ref);
  RemoveDb(path);
  { auto a = Archive::Open(ref, OpenMode::kReadWrite); }
  {
    std::ofstream out(input);
    for (int i = 0; i < 30; ++i)
      out << "{\"id\":\"n" << i << "\",\"title\":\"Réunion à Lyon numéro " << i
          << "\",\"text\":\"Le maire de Lyon, Grégory Doucet, a reçu Anne Hidalgo lundi. "
             "« Nous avons parlé des transports », a déclaré Anne Hidalgo. Article "
          << i << ".\"}\n";
  }
  {
    auto a = Archive::Open(path, OpenMode::kReadWrite);
    ASSERT_TRUE(a.ok());
    IngestOptions o;
    o.inputs = {input};
    auto sum = Ingest(**a, o, nullptr, nullptr);
    ASSERT_TRUE(sum.ok()) << sum.error().message;
    EXPECT_EQ(sum->stored, 30u);
  }
  EXPECT_EQ(Indexes(path), Indexes(ref));
  RemoveDb(ref);
  RemoveDb(path);
  fs::remove(input);
}

}  // namespace
}  // namespace veille
