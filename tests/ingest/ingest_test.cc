// End-to-end tests of the ingest pipeline and the archive: idempotency,
// exact duplicates, updates, bad input, recurring boilerplate, crash safety
// (SIGKILL mid-ingest, then resume), search over what was stored.
#include "veille/ingest.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "test_backend.h"
#include "veille/archive.h"
#include "veille/export.h"

namespace veille {
namespace {

namespace fs = std::filesystem;

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("veille_ingest_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "in");
  }
  void TearDown() override {
    fs::remove_all(dir_);
    for (const auto& loc : pg_) DropTestPgArchive(loc);
  }

  void Write(const std::string& rel, const std::string& bytes) {
    fs::path p = dir_ / "in" / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
  }
  // A fresh archive per name: a file, or under VEILLE_TEST_PG a PostgreSQL
  // schema of its own (scripts/pg-test.sh runs this suite both ways).
  std::string Db(const std::string& name = "a.db") {
    if (!TestPgBase()) return (dir_ / name).string();
    if (auto it = pg_by_name_.find(name); it != pg_by_name_.end()) return it->second;
    std::string loc = NewTestPgArchive(
        ::testing::UnitTest::GetInstance()->current_test_info()->name() + ("_" + name));
    pg_.push_back(loc);
    return pg_by_name_[name] = loc;
  }
  static bool Pg() { return TestPgBase() != nullptr; }

  IngestSummary Run(const std::string& db, std::vector<Diagnostic>* problems = nullptr,
                    const std::atomic<bool>* stop = nullptr, bool extract = true,
                    size_t batch_size = 7,
                    size_t reuse_memory = IngestOptions{}.reuse_memory_bytes) {
    auto archive = Archive::Open(db, OpenMode::kReadWrite);
    EXPECT_TRUE(archive.ok()) << archive.error().message;
    IngestOptions o;
    o.inputs = {(dir_ / "in").string()};
    o.batch_size = batch_size;  // small by default: many commits in small tests
    o.stop = stop;
    o.entities = o.quotes = extract;
    o.reuse_memory_bytes = reuse_memory;
    auto s = Ingest(
        **archive, o,
        [&](const Diagnostic& d) {
          if (problems) problems->push_back(d);
        },
        nullptr);
    EXPECT_TRUE(s.ok()) << s.error().message;
    return s.ok() ? *s : IngestSummary{};
  }

  // Every article as exported, in id order: the archive's observable content.
  std::vector<std::string> Export(const std::string& db) {
    auto archive = Archive::Open(db, OpenMode::kReadOnly);
    EXPECT_TRUE(archive.ok());
    std::vector<std::string> out;
    auto s = (*archive)->ForEach([&](const StoredArticle& a) -> Status {
      out.push_back(ArticleJson(a));
      return OkStatus();
    });
    EXPECT_TRUE(s.ok());
    return out;
  }

  // A small invented article in the seeds' layout.
  static std::string Article(int i, const std::string& footer = "") {
    return "La commune numéro " + std::to_string(i) +
           " vote son budget\n\nLe conseil municipal de la commune " + std::to_string(i) +
           " a adopté mardi un budget en hausse de " + std::to_string(i % 17 + 2) +
           " %, a annoncé le maire devant la presse locale.\n\nLes élus de l’opposition ont voté "
           "contre, dénonçant « une fuite en avant » des dépenses de fonctionnement.\n" +
           (footer.empty() ? "" : "\n" + footer + "\n");
  }

  fs::path dir_;
  std::vector<std::string> pg_;
  std::map<std::string, std::string> pg_by_name_;
};

TEST_F(IngestTest, StoresOnceAndReingestAddsNothing) {
  for (int i = 0; i < 20; ++i) Write("local/" + std::to_string(i) + ".txt", Article(i));
  auto first = Run(Db());
  EXPECT_EQ(first.read, 20u);
  EXPECT_EQ(first.stored, 20u);
  EXPECT_EQ(first.errors, 0u);
  auto second = Run(Db());
  EXPECT_EQ(second.stored, 0u);
  EXPECT_EQ(second.unchanged, 20u);
  EXPECT_EQ(Export(Db()).size(), 20u);
}

TEST_F(IngestTest, ExactDuplicateUnderAnotherIdIsRecordedNotStoredTwice) {
  Write("a/original.txt", Article(1));
  // Same text, different whitespace and case: still the same article.
  std::string copy = Article(1);
  copy.replace(copy.find("Le conseil municipal"), 20, "LE CONSEIL  MUNICIPAL");
  Write("a/zcopy.txt", copy + "\n\n");
  auto s = Run(Db());
  EXPECT_EQ(s.stored, 1u);
  EXPECT_EQ(s.duplicates, 1u);
  auto archive = Archive::Open(Db(), OpenMode::kReadOnly);
  auto dup = (*archive)->Get("zcopy");
  ASSERT_TRUE(dup.ok());
  EXPECT_EQ(dup->duplicate_of.value_or(""), "original");
  EXPECT_TRUE(dup->text.empty());
  SearchOptions o;
  o.query = "budget";
  auto r = (*archive)->Search(o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total, 1u);  // the duplicate is not indexed twice
}

TEST_F(IngestTest, ChangedArticleIsUpdatedAndReindexed) {
  Write("a/x.txt", Article(3));
  Run(Db());
  Write("a/x.txt", "Titre neuf\n\nUn texte entièrement réécrit sur les hirondelles du port.\n");
  auto s = Run(Db());
  EXPECT_EQ(s.updated, 1u);
  auto archive = Archive::Open(Db(), OpenMode::kReadOnly);
  SearchOptions o;
  o.query = "budget";
  EXPECT_EQ((*archive)->Search(o)->total, 0u);
  o.query = "hirondelles";
  EXPECT_EQ((*archive)->Search(o)->total, 1u);
}

TEST_F(IngestTest, BadInputIsReportedAndTheRestIsStored) {
  for (int i = 0; i < 5; ++i) Write("ok/" + std::to_string(i) + ".txt", Article(i));
  Write("ok/empty.txt", "");
  Write("ok/binary.txt", std::string("\x7f"
                                     "ELF\0\0\0\x01\x02",
                                     9) +
                             std::string(200, '\0'));
  Write("ok/broken.txt", "Titre\n\nUn texte avec un octet invalide \xff au milieu, réparé.\n");
  Write("feed.jsonl",
        "{\"id\":\"j1\",\"title\":\"Un\",\"date\":\"2020-01-02\",\"text\":\"Premier texte du "
        "fil.\"}\n"
        "{\"id\":\"j2\",\"title\":\"Deux\",\"text\":\"Deuxième texte\n"  // truncated line
        "{\"id\":\"j3\",\"title\":\"Trois\",\"date\":\"2020-01-03\",\"text\":\"Troisième "
        "texte.\"}\n");
  std::vector<Diagnostic> problems;
  auto s = Run(Db(), &problems);
  EXPECT_EQ(s.stored, 8u);  // 5 + broken (repaired) + j1 + j3
  EXPECT_GE(s.errors, 3u);  // empty, binary, truncated JSON line
  std::string all;
  for (auto& p : problems) all += p.where + ": " + p.message + "\n";
  EXPECT_NE(all.find("empty.txt"), std::string::npos) << all;
  EXPECT_NE(all.find("binary.txt"), std::string::npos) << all;
  EXPECT_NE(all.find("broken.txt"), std::string::npos) << all;
  EXPECT_NE(all.find("feed.jsonl:2"), std::string::npos) << all;
}

TEST_F(IngestTest, LineRecurringAcrossOneSourceIsRemovedAndNotSearchable) {
  const std::string footer = "Retrouvez toute l’actualité de la vallée chaque matin dans nos pages";
  for (int i = 0; i < 12; ++i) Write("valley/" + std::to_string(i) + ".txt", Article(i, footer));
  Write("other/solo.txt", Article(99, footer));  // another source: one occurrence only
  Run(Db());
  auto archive = Archive::Open(Db(), OpenMode::kReadOnly);
  auto a = (*archive)->Get("3");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->text.find("Retrouvez"), std::string::npos);
  bool recorded = false;
  for (auto& r : a->removed) recorded |= r.text.find("Retrouvez") != std::string::npos;
  EXPECT_TRUE(recorded);
  auto solo = (*archive)->Get("solo");
  ASSERT_TRUE(solo.ok());
  EXPECT_NE(solo->text.find("Retrouvez"), std::string::npos);
}

TEST_F(IngestTest, StopFlagThenResumeGivesTheSameArchive) {
  for (int i = 0; i < 60; ++i) Write("s/" + std::to_string(i) + ".txt", Article(i));
  Run(Db("full.db"));
  std::atomic<bool> stop{true};
  auto s = Run(Db("part.db"), nullptr, &stop);
  EXPECT_TRUE(s.interrupted);
  Run(Db("part.db"));
  EXPECT_EQ(Export(Db("part.db")), Export(Db("full.db")));
}

TEST_F(IngestTest, SigkillMidIngestThenRerunGivesTheSameArchive) {
  // Enough text that the child is still writing when it is killed.
  std::mt19937 rng(7);
  std::string jsonl;
  for (int i = 0; i < 4000; ++i) {
    std::string body;
    for (int k = 0; k < 40; ++k) body += "mot" + std::to_string(rng() % 5000) + " ";
    jsonl += "{\"id\":\"k" + std::to_string(i) + "\",\"title\":\"Dépêche " + std::to_string(i) +
             "\",\"date\":\"2019-05-0" + std::to_string(1 + i % 9) + "\",\"text\":\"" + body +
             "\"}\n";
  }
  Write("feed.jsonl", jsonl);
  // Entities and quotes do not change what is tested here and would only
  // slow it down (random words have none).
  Run(Db("full.db"), nullptr, nullptr, /*extract=*/false, 500);

  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto archive = Archive::Open(Db("crash.db"), OpenMode::kReadWrite);
    IngestOptions o;
    o.inputs = {(dir_ / "in").string()};
    o.batch_size = 500;
    o.entities = o.quotes = false;
    auto s = Ingest(**archive, o, nullptr, nullptr);
    _exit(s.ok() ? 0 : 1);
  }
  // Kill it once some batches are committed (or after a deadline).
  for (int i = 0; i < 400; ++i) {
    usleep(5000);
    std::error_code ec;
    if (Pg()) {
      if (TestQueryInt(Db("crash.db"), "SELECT count(*) FROM article_ids") > 1000) break;
    } else if (fs::exists(Db("crash.db") + "-wal", ec) &&
               fs::file_size(Db("crash.db") + "-wal", ec) > 200000) {
      break;
    }
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  Run(Db("crash.db"), nullptr, nullptr, /*extract=*/false, 500);
  EXPECT_EQ(Export(Db("crash.db")), Export(Db("full.db")));
}

TEST_F(IngestTest, SearchFiltersAndJsonFields) {
  Write("feed.jsonl",
        "{\"id\":\"a\",\"title\":\"Grève au port\",\"date\":\"2021-03-04\",\"outlet\":\"Le Quai\","
        "\"language\":\"fr\",\"text\":\"Les dockers du port ont voté la grève illimitée jeudi.\"}\n"
        "{\"id\":\"b\",\"title\":\"Port strike\",\"date\":\"2021-05\",\"outlet\":\"Harbour News\","
        "\"language\":\"en\",\"text\":\"Dockers at the port voted for an open-ended strike on "
        "Thursday.\"}\n");
  Run(Db());
  auto archive = Archive::Open(Db(), OpenMode::kReadOnly);
  SearchOptions o;
  o.query = "port";
  EXPECT_EQ((*archive)->Search(o)->total, 2u);
  o.since = "2021-05-10";  // the month-precision date 2021-05 still overlaps
  auto r = (*archive)->Search(o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 1u);
  EXPECT_EQ(r->hits[0].id, "b");
  o.since.reset();
  o.outlet = "le quai";
  r = (*archive)->Search(o);
  ASSERT_EQ(r->hits.size(), 1u);
  EXPECT_EQ(r->hits[0].id, "a");
  EXPECT_NE(r->hits[0].snippet.find("[port]"), std::string::npos) << r->hits[0].snippet;
  o.outlet.reset();
  o.since = "2021-13";
  EXPECT_FALSE((*archive)->Search(o).ok());
}

// A ~50-word background paragraph that two outlets share with small edits.
const char kBackground[] =
    "Le barrage de la Sorne, construit en 1962 pour alimenter la vallée en eau potable, "
    "présente depuis plusieurs années des fissures que les services de l'État surveillent "
    "de près, et une expertise indépendante commandée par la préfecture recommandait dès "
    "2019 des travaux de consolidation évalués à douze millions d'euros.";

std::string WithBackground(const std::string& lead, const std::string& background) {
  return lead + "\n\n" + background + "\n\nLa suite de l'article parle d'autre chose encore.\n";
}

// Leads long enough that two articles sharing only kBackground are not
// near-duplicates (a near-duplicate's shared text is not reported as passages).
const char kLeadA[] =
    "Les pompiers ont évacué trois hameaux mardi soir après la montée brutale des eaux. Une "
    "cinquantaine d'habitants ont passé la nuit au gymnase municipal, où la mairie a installé "
    "des lits de camp. Les routes départementales restent fermées jusqu'à nouvel ordre et les "
    "écoles du secteur n'ouvriront pas demain. Un hélicoptère de la gendarmerie survole la zone "
    "depuis l'aube.";
const char kLeadB[] =
    "Le préfet a tenu jeudi une conférence de presse pour détailler le calendrier des "
    "inspections. Selon lui, aucun risque de rupture n'est à craindre à court terme, mais des "
    "capteurs supplémentaires seront posés avant l'hiver. Les élus de l'opposition réclament une "
    "commission d'enquête et dénoncent des années de retard dans les investissements promis par "
    "l'État.";

// The first integer `sql` returns from the archive at `db_path`, after
// `setup` (if any) ran on the same connection; -1 if no row.
int64_t QueryInt(const std::string& db_path, const char* sql, const char* setup = nullptr) {
  if (db_path.starts_with("postgres")) return TestQueryInt(db_path, sql);  // no setup there
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  if (setup) EXPECT_EQ(sqlite3_exec(db, setup, nullptr, nullptr, nullptr), SQLITE_OK) << setup;
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  int64_t v = -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

// Checks that article `id` is linked as a near-duplicate to `other` only.
void ExpectNearDuplicateOf(const std::string& db, const std::string& id, const std::string& other) {
  auto archive = Archive::Open(db, OpenMode::kReadOnly);
  ASSERT_TRUE(archive.ok());
  auto a = (*archive)->Get(id);
  ASSERT_TRUE(a.ok()) << id;
  ASSERT_EQ(a->near_duplicates.size(), 1u) << id;
  EXPECT_EQ(a->near_duplicates[0].id, other) << id;
}

// A twelve-sentence flood dispatch, and its update with one word changed:
// near-duplicates of each other.
std::string FloodDispatch() {
  std::string body;
  for (int i = 0; i < 12; ++i)
    body += "La phrase numéro " + std::to_string(i) +
            " décrit un détail différent de la crue qui touche la commune depuis lundi. ";
  return body;
}

std::string FloodUpdate() {
  std::string body = FloodDispatch();
  body.replace(body.find("numéro 3"), 8, "numéro trois");
  return body;
}

TEST_F(IngestTest, ReusedPassageIsFoundAcrossRunsWithOffsets) {
  Write("a/first.txt", "Alerte sur le barrage\n\n" + WithBackground(kLeadA, kBackground));
  Run(Db());
  // A later run: another outlet reuses the paragraph with two small edits.
  std::string edited = kBackground;
  edited.replace(edited.find("depuis plusieurs années"), 23, "depuis des années");
  edited.replace(edited.find("douze millions"), 14, "12 millions");
  Write("b/second.txt", "Le préfet rassure\n\n" + WithBackground(kLeadB, edited));
  auto s = Run(Db());
  EXPECT_EQ(s.stored, 1u);
  EXPECT_EQ(s.near_duplicates, 0u);
  EXPECT_EQ(s.passages, 1u);
  auto archive = Archive::Open(Db(), OpenMode::kReadOnly);
  auto a = (*archive)->Get("second");
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->reuse.size(), 1u);
  const auto& r = a->reuse[0];
  EXPECT_EQ(r.other, "first");
  std::string mine = a->text.substr(r.start, r.end - r.start);
  EXPECT_NE(mine.find("fissures que les services"), std::string::npos) << mine;
  auto other = (*archive)->Get("first");
  std::string theirs = other->text.substr(r.other_start, r.other_end - r.other_start);
  EXPECT_NE(theirs.find("fissures que les services"), std::string::npos) << theirs;
  EXPECT_GT(r.similarity, 0.7);
}

// An article of its own: twenty sentences of words drawn from a small
// vocabulary by a generator seeded with `seed` (no two share a passage).
std::string Filler(int seed) {
  static const char* kWords[] = {
      "marché",       "conseil",  "récolte",  "tribunal", "gare",       "musée",    "rivière",
      "usine",        "syndicat", "hôpital",  "stade",    "port",       "lycée",    "forêt",
      "banque",       "théâtre",  "douane",   "vignoble", "tramway",    "chantier", "festival",
      "bibliothèque", "aéroport", "quartier", "ferme",    "commission", "piscine",  "caserne"};
  uint64_t x = 0x9E3779B97F4A7C15ull * static_cast<uint64_t>(seed + 1);
  std::string out = "Chronique numéro " + std::to_string(seed) + "\n\n";
  for (int s = 0; s < 20; ++s) {
    out += "Le";
    for (int w = 0; w < 9; ++w) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      out += " ";
      out += kWords[(x >> 33) % (sizeof kWords / sizeof kWords[0])];
    }
    out += ". ";
  }
  return out + "\n";
}

// A run whose reuse stage goes over its memory budget aligns what it holds
// and looks its earlier articles up in the archive: near-duplicates and
// passages across the roll-overs are the same as in a run within budget.
TEST_F(IngestTest, ReuseOverItsMemoryBudgetFindsTheSamePairsAndPassages) {
  Write("a/first.txt", "Alerte sur le barrage\n\n" + WithBackground(kLeadA, kBackground));
  for (int i = 0; i < 6; ++i) Write("a/filler" + std::to_string(i) + ".txt", Filler(i));
  Write("b/v1.txt", FloodDispatch());
  for (int i = 6; i < 12; ++i) Write("b/filler" + std::to_string(i) + ".txt", Filler(i));
  std::string edited = kBackground;
  edited.replace(edited.find("douze millions"), 14, "12 millions");
  Write("c/second.txt", "Le préfet rassure\n\n" + WithBackground(kLeadB, edited));
  Write("c/v2.txt", FloodUpdate());
  auto within = Run(Db("within.db"), nullptr, nullptr, false, 2);
  // One byte: every commit (two articles) rolls the in-memory state over.
  auto over = Run(Db("over.db"), nullptr, nullptr, false, 2, 1);
  EXPECT_EQ(within.near_duplicates, 1u);
  EXPECT_EQ(within.passages, 1u);
  EXPECT_EQ(within.reuse_rollovers, 0u);
  EXPECT_GT(over.reuse_rollovers, 3u);
  EXPECT_EQ(over.near_duplicates, within.near_duplicates);
  EXPECT_EQ(over.passages, within.passages);
  ExpectNearDuplicateOf(Db("over.db"), "v2", "v1");
  EXPECT_EQ(Export(Db("over.db")), Export(Db("within.db")));
}

// With reuse_index's incremental merging off (a run filling a new archive),
// every commit still adds a segment: FTS5 answers SQLITE_FULL past 2,000 of
// them, so levels must still merge when they fill up.
TEST_F(IngestTest, ReuseIndexWithoutAutomergeTakesThousandsOfCommits) {
  auto archive = Archive::Open(Db(), OpenMode::kReadWrite);
  ASSERT_TRUE(archive.ok());
  ASSERT_TRUE((*archive)->SetReuseIndexAutomerge(false).ok());
  for (int64_t i = 1; i <= 2200; ++i) {
    ASSERT_TRUE((*archive)->Begin().ok());
    Archive::ReuseRows rows;
    rows.articles.push_back({i, "", {}, {static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ull}});
    auto s = (*archive)->StoreReuseRows(rows);
    ASSERT_TRUE(s.ok()) << "commit " << i << ": " << s.error().message;
    ASSERT_TRUE((*archive)->Commit().ok());
  }
  auto post = (*archive)->FingerprintPostings(uint64_t{7} * 0x9E3779B97F4A7C15ull, 10);
  ASSERT_TRUE(post.ok());
  EXPECT_EQ(*post, std::vector<int64_t>{7});
}

// reuse_index (contentless FTS5) must hold exactly the keys reuse_keys lists:
// an updated article's old band keys and fingerprints are deleted with it.
TEST_F(IngestTest, UpdatedArticleLeavesNoStaleReuseKeys) {
  if (Pg()) GTEST_SKIP() << "SQLite-specific (FTS5 vocabulary, rowid rewrite, version 2)";
  Write("a/first.txt",
        "Alerte sur le barrage\n\n" +
            WithBackground("Les pompiers ont évacué trois hameaux mardi soir.", kBackground));
  Write("b/other.txt", Article(4));
  Run(Db());
  Write("a/first.txt",
        "Titre neuf\n\nUn texte entièrement réécrit sur les hirondelles du port, "
        "qui reviennent chaque printemps nicher sous les toits des entrepôts.\n");
  EXPECT_EQ(Run(Db()).updated, 1u);
  const int64_t listed =
      QueryInt(Db(), "SELECT sum(length(bands) + length(fps)) / 8 FROM reuse_keys");
  const int64_t indexed =
      QueryInt(Db(), "SELECT sum(doc) FROM reuse_vocab",
               "CREATE VIRTUAL TABLE temp.reuse_vocab USING fts5vocab(main, reuse_index, 'row')");
  EXPECT_GT(listed, 40);
  EXPECT_EQ(indexed, listed);
  // The old text's passage is gone: a new article with that background
  // paragraph finds nothing to align with.
  Write("c/second.txt",
        "Le préfet rassure\n\n" +
            WithBackground("Le préfet a tenu une conférence de presse jeudi.", kBackground));
  auto s = Run(Db());
  EXPECT_EQ(s.stored, 1u);
  EXPECT_EQ(s.passages, 0u);
  EXPECT_EQ(s.near_duplicates, 0u);
}

// A near-duplicate of an article of an earlier run is linked to it, and their
// shared text is not reported again as passages, as within one run.
TEST_F(IngestTest, NearDuplicateOfAnEarlierRunIsLinkedWithoutPassages) {
  Write("a/first.txt", "Alerte sur le barrage\n\n" + WithBackground(kLeadA, kBackground));
  Run(Db());
  std::string lead = kLeadA;
  lead.replace(lead.find("trois hameaux"), 13, "quatre hameaux");
  Write("b/again.txt",
        "Alerte sur le barrage (mise à jour)\n\n" + WithBackground(lead, kBackground));
  auto s = Run(Db());
  EXPECT_EQ(s.stored, 1u);
  EXPECT_EQ(s.near_duplicates, 1u);
  EXPECT_EQ(s.passages, 0u);
  ExpectNearDuplicateOf(Db(), "again", "first");
}

TEST_F(IngestTest, NearDuplicateUpdatedDispatchIsGrouped) {
  Write("w/v1.txt", " date 2021-03-01 " + FloodDispatch() + "\n");
  Write("w/v2.txt",
        " date 2021-03-02 " + FloodUpdate() + "Dernière minute: la décrue est amorcée.\n");
  Write("w/other.txt", "Rien à voir\n\nUn article sur le marché aux fleurs du dimanche matin.\n");
  auto s = Run(Db());
  EXPECT_EQ(s.near_duplicates, 1u);
  auto archive = Archive::Open(Db(), OpenMode::kReadOnly);
  auto groups = (*archive)->NearDuplicateGroups(0.8);
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ((*groups)[0].representative, "v1");  // the earliest
  EXPECT_EQ((*groups)[0].members.size(), 2u);
  ExpectNearDuplicateOf(Db(), "v2", "v1");
}

// Row ids beyond 32 bits (an archive that has seen billions of inserts, or
// one whose rows were renumbered): the reuse stage's run-local ids must map
// back to the archive's row ids exactly.
TEST_F(IngestTest, NearDuplicatesWithRowIdsBeyond32Bits) {
  if (Pg()) GTEST_SKIP() << "SQLite-specific (FTS5 vocabulary, rowid rewrite, version 2)";
  Write("a/seed.txt", "Premier article\n\nUn texte sans rapport sur le marché aux fleurs.\n");
  Run(Db());
  ASSERT_EQ(QueryInt(Db(), "SELECT rowid FROM articles WHERE id = 'seed'",
                     "UPDATE articles SET rowid = 8589934592 WHERE id = 'seed'"),
            8589934592);
  fs::remove_all(dir_ / "in" / "a");
  Write("w/v1.txt", " date 2021-03-01 " + FloodDispatch() + "\n");
  Write("w/v2.txt", " date 2021-03-02 " + FloodUpdate() + "\n");
  // Two articles that share only the background paragraph: a reused passage.
  Write("x/first.txt", "Alerte sur le barrage\n\n" + WithBackground(kLeadA, kBackground));
  Write("y/second.txt", "Le préfet rassure\n\n" + WithBackground(kLeadB, kBackground));
  auto s = Run(Db());
  EXPECT_EQ(s.stored, 4u);
  EXPECT_EQ(s.near_duplicates, 1u);
  EXPECT_EQ(s.passages, 1u);
  ExpectNearDuplicateOf(Db(), "v2", "v1");
  auto archive = Archive::Open(Db(), OpenMode::kReadOnly);
  auto second = (*archive)->Get("second");
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->reuse.size(), 1u);
  EXPECT_EQ(second->reuse[0].other, "first");
}

// Rows where source_groups disagrees with a count of the originals.
constexpr const char* kGroupSizeMismatches =
    "SELECT count(*) FROM (SELECT source_group, count(*) AS c FROM articles "
    "WHERE duplicate_of IS NULL GROUP BY source_group) AS a "
    "FULL JOIN source_groups AS s USING(source_group) "
    "WHERE coalesce(a.c, 0) IS DISTINCT FROM coalesce(s.articles, 0)";

TEST_F(IngestTest, SourceGroupSizesFollowStoresUpdatesAndDuplicates) {
  for (int i = 0; i < 6; ++i) Write("g1/" + std::to_string(i) + ".txt", Article(i));
  Write("g1/dup.txt", Article(1));
  Write("g2/7.txt", Article(7));
  Run(Db());
  EXPECT_EQ(QueryInt(Db(), kGroupSizeMismatches), 0);
  EXPECT_EQ(QueryInt(Db(), "SELECT articles FROM source_groups WHERE source_group LIKE '%/g1'"), 6);
  // Rewritten; turned into a duplicate of 4; moved to another group.
  Write("g1/2.txt", "Un texte entièrement réécrit sur les hirondelles du port.\n");
  Write("g1/3.txt", Article(4));
  fs::remove(dir_ / "in" / "g2" / "7.txt");
  Write("g3/7.txt", Article(77));
  auto s = Run(Db());
  EXPECT_EQ(s.updated, 3u);
  EXPECT_EQ(QueryInt(Db(), kGroupSizeMismatches), 0);
  EXPECT_EQ(QueryInt(Db(), "SELECT articles FROM source_groups WHERE source_group LIKE '%/g1'"), 5);
  EXPECT_EQ(QueryInt(Db(), "SELECT articles FROM source_groups WHERE source_group LIKE '%/g2'"), 0);
}

TEST_F(IngestTest, SchemaVersion2ArchiveIsMigrated) {
  if (Pg()) GTEST_SKIP() << "SQLite-specific (FTS5 vocabulary, rowid rewrite, version 2)";
  for (int i = 0; i < 5; ++i) Write("g/" + std::to_string(i) + ".txt", Article(i));
  Write("g/dup.txt", Article(2));
  Run(Db());
  // What a version-2 archive looks like: no source_groups table, nor the
  // columns of the later migrations.
  QueryInt(Db(), "SELECT 1",
           "DROP TABLE source_groups; ALTER TABLE quotes DROP COLUMN speaker_kind; "
           "ALTER TABLE quotes DROP COLUMN confidence; ALTER TABLE quotes DROP COLUMN partial; "
           "UPDATE meta SET value = '2' WHERE key = 'schema_version'");
  {
    auto ro = Archive::Open(Db(), OpenMode::kReadOnly);
    ASSERT_TRUE(ro.ok()) << ro.error().message;  // readable as it is
  }
  auto s = Run(Db());
  EXPECT_EQ(s.unchanged, 6u);
  EXPECT_EQ(s.stored, 0u);
  EXPECT_EQ(QueryInt(Db(), "SELECT value FROM meta WHERE key = 'schema_version'"), kSchemaVersion);
  EXPECT_EQ(QueryInt(Db(), "SELECT articles FROM source_groups WHERE source_group LIKE '%/g'"), 5);
  EXPECT_EQ(QueryInt(Db(), kGroupSizeMismatches), 0);
  QueryInt(Db(), "SELECT 1", "UPDATE meta SET value = '1' WHERE key = 'schema_version'");
  auto old = Archive::Open(Db(), OpenMode::kReadWrite);
  ASSERT_FALSE(old.ok());
  EXPECT_NE(old.error().message.find("schema version 1"), std::string::npos);
}

TEST_F(IngestTest, EntitiesAndQuotesAreStoredAndQueryable) {
  Write("n/a.txt",
        "Visite à Moscou\n\nLe président russe Vladimir Poutine a reçu lundi à Moscou son "
        "homologue. « Nous voulons la paix », a déclaré Vladimir Poutine devant la presse.\n");
  Write("n/b.txt",
        "Sommet\n\nVladimir Poutine et Joe Biden se sont parlé au téléphone mardi, selon le "
        "Kremlin. Poutine a insisté sur la sécurité.\n");
  Run(Db());
  auto archive = Archive::Open(Db(), OpenMode::kReadOnly);
  auto e = (*archive)->Entity("Putin");  // an alias in another language
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->entity.name, "Vladimir Poutine");
  EXPECT_EQ(e->entity.articles, 2u);
  bool biden = false;
  for (auto& c : e->cooccurring) biden |= c.name == "Joe Biden";
  EXPECT_TRUE(biden);
  size_t total = 0;
  QuoteQuery q;
  q.speaker = "Poutine";
  auto quotes = (*archive)->Quotes(q, &total);
  ASSERT_TRUE(quotes.ok()) << quotes.error().message;
  ASSERT_EQ(total, 1u);
  EXPECT_EQ((*quotes)[0].quote.text, "Nous voulons la paix");
  EXPECT_EQ((*quotes)[0].quote.speaker.value_or(""), "Vladimir Poutine");
  SearchOptions o;
  o.query = "sécurité";
  o.entity = "Joe Biden";
  auto r = (*archive)->Search(o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 1u);
  EXPECT_EQ(r->hits[0].id, "b");
  EXPECT_FALSE((*archive)->Entity("Nobody Atall").ok());
}

// Each quote's speaker kind, confidence and partial flag are stored, read
// back and exported; an unnamed source has no speaker, only its role.
TEST_F(IngestTest, QuoteAttributionIsStoredAndExported) {
  Write("q/a.txt",
        "Crise au port\n\nLe maire Paul Garnier a reçu les dockers. « Nous trouverons une "
        "solution », a déclaré Paul Garnier. « Rien n'est réglé », a indiqué un responsable "
        "syndical sous couvert d'anonymat. Le syndicat dénonce un « mépris total ».\n");
  Run(Db());
  auto archive = Archive::Open(Db(), OpenMode::kReadOnly);
  ASSERT_TRUE(archive.ok());
  auto a = (*archive)->Get("a");
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_EQ(a->quotes.size(), 3u);
  EXPECT_EQ(a->quotes[0].speaker.value_or(""), "Paul Garnier");
  EXPECT_EQ(a->quotes[0].speaker_kind, "named");
  EXPECT_GE(a->quotes[0].confidence, 0.9f);
  EXPECT_FALSE(a->quotes[0].partial);
  EXPECT_FALSE(a->quotes[1].speaker.has_value());
  EXPECT_EQ(a->quotes[1].speaker_kind, "anonymous");
  EXPECT_EQ(a->quotes[1].speaker_role, "responsable syndical");
  EXPECT_TRUE(a->quotes[2].partial);
  auto j = nlohmann::json::parse(ArticleJson(*a));
  ASSERT_EQ(j["quotes"].size(), 3u);
  EXPECT_TRUE(j["quotes"][1]["speaker"].is_null());
  EXPECT_EQ(j["quotes"][1]["speaker_kind"], "anonymous");
  EXPECT_EQ(j["quotes"][1]["speaker_role"], "responsable syndical");
  EXPECT_EQ(j["quotes"][0]["confidence"], 0.95);
  EXPECT_EQ(j["quotes"][2]["partial"], true);
  size_t total = 0;
  auto quotes = (*archive)->Quotes(QuoteQuery{}, &total);
  ASSERT_TRUE(quotes.ok());
  ASSERT_EQ(total, 3u);
  bool anonymous = false;
  for (const auto& s : *quotes) anonymous |= s.quote.speaker_kind == "anonymous";
  EXPECT_TRUE(anonymous);
  // Each quote's full-text row carries that quote's id (read from the
  // insert's row id, without RETURNING, on SQLite): its words find it alone.
  for (const auto& [words, text] : std::vector<std::pair<std::string, std::string>>{
           {"trouverons", "Nous trouverons une solution"},
           {"réglé", "Rien n'est réglé"},
           {"mépris", "mépris total"}}) {
    QuoteQuery about;
    about.about = words;
    auto found = (*archive)->Quotes(about, &total);
    ASSERT_TRUE(found.ok()) << found.error().message;
    ASSERT_EQ(found->size(), 1u) << words;
    EXPECT_EQ((*found)[0].quote.text, text);
  }
}

// A bare surname joins the one full name the archive holds for a person,
// whether that name came in the same run or an earlier one; an ambiguous
// surname (two full names) joins neither.
TEST_F(IngestTest, BareSurnameJoinsTheFullNameStoredEarlier) {
  Write("k/1.txt",
        "Diplomatie\n\nLe représentant spécial russe Zamir Kabulov a rencontré lundi les "
        "envoyés à Doha.\n");
  Run(Db());
  Write("k/2.txt",
        "Négociations\n\nLe diplomate Kabulov a déclaré mardi que les discussions "
        "avançaient.\n");
  Write("k/3.txt", "Sport\n\nMarie Durand et Paul Durand ont couru lundi à Lyon.\n");
  Write("k/4.txt", "Sport\n\nLe coureur Durand a gagné mardi.\n");
  Run(Db());
  auto archive = Archive::Open(Db(), OpenMode::kReadOnly);
  ASSERT_TRUE(archive.ok());
  auto e = (*archive)->Entity("Kabulov");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->entity.name, "Zamir Kabulov");
  EXPECT_EQ(e->entity.articles, 2u);
  EXPECT_EQ(QueryInt(Db(), "SELECT COUNT(*) FROM entities WHERE key = 'kabulov'"), 0);
  EXPECT_EQ(QueryInt(Db(), "SELECT COUNT(*) FROM entities WHERE key = 'durand'"), 1);
}

// Pass 1 expects a text already stored to come in as a duplicate, and pass 2
// does not extract from it. Here its original is rewritten earlier in the
// same run, so the copy is stored as an original after all: it must come
// with everything an original has (index terms, entities, line counts).
TEST_F(IngestTest, ExpectedDuplicateWhoseOriginalChangedIsStoredWhole) {
  const std::string text =
      "Visite\n\nLe président Emmanuel Macron a reçu lundi à Paris le chancelier Olaf "
      "Scholz pour parler du budget européen.\n";
  Write("a/a.txt", text);
  Run(Db());
  Write("a/a.txt", "Titre neuf\n\nUn texte entièrement réécrit sur les hirondelles du port.\n");
  Write("a/b.txt", text);  // read after a.txt
  auto s = Run(Db());
  EXPECT_EQ(s.updated, 1u);
  EXPECT_EQ(s.stored, 1u);
  EXPECT_EQ(s.duplicates, 0u);
  auto archive = Archive::Open(Db(), OpenMode::kReadOnly);
  auto b = (*archive)->Get("b");
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->duplicate_of.has_value());
  EXPECT_FALSE(b->text.empty());
  SearchOptions o;
  o.query = "budget";
  auto r = (*archive)->Search(o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->total, 1u);
  EXPECT_EQ(r->hits[0].id, "b");
  EXPECT_GT(QueryInt(Db(),
                     "SELECT COUNT(*) FROM mentions m JOIN articles a "
                     "ON a.rowid = m.article_rowid WHERE a.id = 'b'"),
            1);
}

// A copy under a new id is stored as a duplicate without mentions; the
// original keeps its own.
TEST_F(IngestTest, DuplicateHasNoMentionsOfItsOwn) {
  const std::string text =
      "Visite\n\nLe président Emmanuel Macron a reçu lundi à Paris le chancelier Olaf "
      "Scholz.\n";
  Write("a/a.txt", text);
  Write("a/b.txt", text);
  auto s = Run(Db());
  EXPECT_EQ(s.stored, 1u);
  EXPECT_EQ(s.duplicates, 1u);
  const char* kMentionsOf =
      "SELECT COUNT(*) FROM mentions m JOIN articles a ON a.rowid = m.article_rowid "
      "WHERE a.id = '%s'";
  char sql[256];
  snprintf(sql, sizeof sql, kMentionsOf, "a");
  EXPECT_GT(QueryInt(Db(), sql), 1);
  snprintf(sql, sizeof sql, kMentionsOf, "b");
  EXPECT_EQ(QueryInt(Db(), sql), 0);
}

TEST(Dates, RangesAndValidation) {
  EXPECT_EQ(DateLow("2021-08"), "2021-08-01");
  EXPECT_EQ(DateHigh("2021-08"), "2021-08-31");
  EXPECT_EQ(DateHigh("2020-02"), "2020-02-29");
  EXPECT_EQ(DateHigh("2021"), "2021-12-31");
  EXPECT_TRUE(IsValidDate("2021-08-23"));
  EXPECT_FALSE(IsValidDate("2021-02-30"));
  EXPECT_FALSE(IsValidDate("21-08"));
}

}  // namespace
}  // namespace veille
