// event_stage_test.cc: the events stage through `Ingest`: reports stored
// with their articles, merged across articles (same action and target,
// dates within the window; a fall and a capture of one place are one
// event), the number of outlets and the first report, disagreements kept,
// idempotent reruns, an article stored again replacing its reports, and
// per-entity timelines.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "test_backend.h"
#include "veille/archive.h"
#include "veille/ingest.h"

namespace veille {
namespace {

namespace fs = std::filesystem;

class EventStageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("veille_events_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "in");
    db_ = TestPgBase()
              ? NewTestPgArchive(::testing::UnitTest::GetInstance()->current_test_info()->name())
              : (dir_ / "a.db").string();
  }
  void TearDown() override {
    fs::remove_all(dir_);
    if (TestPgBase()) DropTestPgArchive(db_);
  }
  // A JSONL article (one line).
  void Add(const std::string& id, const std::string& date, const std::string& outlet,
           const std::string& text) {
    std::ofstream(dir_ / "in" / "a.jsonl", std::ios::app)
        << "{\"id\":\"" << id << "\",\"date\":\"" << date << "\",\"outlet\":\"" << outlet
        << "\",\"language\":\"fr\",\"title\":\"" << id << "\",\"text\":\"" << text << "\"}\n";
  }
  IngestSummary Run() {
    auto archive = Archive::Open(db_, OpenMode::kReadWrite);
    EXPECT_TRUE(archive.ok()) << archive.error().message;
    IngestOptions o;
    o.inputs = {(dir_ / "in").string()};
    auto s = Ingest(
        **archive, o, [](const Diagnostic&) {}, nullptr);
    EXPECT_TRUE(s.ok()) << s.error().message;
    return s.ok() ? *s : IngestSummary{};
  }
  std::vector<EventRecord> Events(EventQuery q = {}) {
    auto archive = Archive::Open(db_, OpenMode::kReadOnly);
    EXPECT_TRUE(archive.ok());
    auto r = (*archive)->Events(q);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : std::vector<EventRecord>{};
  }
  const EventRecord* Find(const std::vector<EventRecord>& v, const std::string& action,
                          const std::string& target) {
    for (const auto& e : v)
      if (e.action == action && e.target == target) return &e;
    return nullptr;
  }
  fs::path dir_;
  std::string db_;
};

TEST_F(EventStageTest, ReportsMergeAcrossArticlesAndOutlets) {
  Add("a1", "2021-08-13", "Le Quotidien",
      "Les talibans ont pris le contrôle de Kandahar, la deuxième ville du pays. Les combats "
      "se poursuivent.");
  Add("a2", "2021-08-14", "La Gazette",
      "La chute de Kandahar a surpris Washington. La ville était encerclée depuis des semaines.");
  Add("a3", "2021-08-12", "Le Matin", "Kandahar a été capturée par les talibans.");
  // The same place taken twenty years before: another event.
  Add("a4", "2001-12-07", "Le Matin",
      "Les talibans ont abandonné Kandahar. Les forces afghanes "
      "se sont emparées de Kandahar.");
  Run();
  auto all = Events();
  std::vector<const EventRecord*> kandahar;
  for (const auto& e : all)
    if (e.target == "Kandahar" && e.action == "capture") kandahar.push_back(&e);
  ASSERT_EQ(kandahar.size(), 2u);
  // Date order: 2001 first.
  EXPECT_EQ(kandahar[0]->date, "2001-12-07");
  const EventRecord& e = *kandahar[1];
  EXPECT_EQ(e.report_count, 3u);
  EXPECT_EQ(e.outlet_count, 3u);
  EXPECT_EQ(e.actor, "talibans");
  EXPECT_EQ(e.first.id, "a3");
  EXPECT_EQ(e.first.outlet.value_or(""), "Le Matin");
  // The reports' article dates disagree: every one is kept.
  EXPECT_EQ(e.dates, (std::vector<std::string>{"2021-08-12", "2021-08-13", "2021-08-14"}));
  for (const auto& r : e.reports) EXPECT_NE(r.sentence.find("Kandahar"), std::string::npos);
}

TEST_F(EventStageTest, RerunIsIdempotentAndChangedArticleReplacesItsReports) {
  Add("b1", "2021-08-13", "Le Quotidien", "Les talibans ont capturé Hérat.");
  Add("b2", "2021-08-13", "La Gazette", "Les talibans se sont emparés de Hérat.");
  Run();
  ASSERT_EQ(Events().size(), 1u);
  EXPECT_EQ(Events()[0].report_count, 2u);
  Run();
  ASSERT_EQ(Events().size(), 1u);
  EXPECT_EQ(Events()[0].report_count, 2u);
  // b2 changes: its report goes, the new one is stored.
  fs::remove(dir_ / "in" / "a.jsonl");
  Add("b1", "2021-08-13", "Le Quotidien", "Les talibans ont capturé Hérat.");
  Add("b2", "2021-08-13", "La Gazette", "Les talibans n'ont pas encore pris Kaboul.");
  Run();
  auto after = Events();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].report_count, 1u);
  EXPECT_EQ(after[0].first.id, "b1");
}

TEST_F(EventStageTest, EntityTimelineAndFilters) {
  Add("c1", "2021-08-12", "Le Quotidien",
      "Jeudi, le ministère de l'Intérieur a confirmé la chute de Ghazni, près des zones tenues "
      "par les talibans.");
  Add("c2", "2021-08-15", "La Gazette", "Le président Ashraf Ghani a fui Kaboul.");
  Run();
  EventQuery q;
  q.entity = "Taliban";  // an alias: the sentence names them
  auto t = Events(q);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].action, "fall");
  EXPECT_EQ(t[0].target, "Ghazni");
  EventQuery f;
  f.action = "flee";
  auto flee = Events(f);
  ASSERT_EQ(flee.size(), 1u);
  EXPECT_EQ(flee[0].actor, "Ashraf Ghani");
  EventQuery s;
  s.since = "2021-08-14";
  auto since = Events(s);
  ASSERT_EQ(since.size(), 1u);
  EXPECT_EQ(since[0].action, "flee");
  EventQuery a;
  a.articles = std::vector<std::string>{"c1"};
  ASSERT_EQ(Events(a).size(), 1u);
  EXPECT_EQ(Events(a)[0].target, "Ghazni");
}

}  // namespace
}  // namespace veille
