// Tests of the gold-file evaluator on a small archive built directly through
// Archive::Store: right and wrong answers must both be counted as such.
#include "veille/eval.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "veille/hash.h"

namespace veille {
namespace {

namespace fs = std::filesystem;

Article Make(const std::string& id, const std::optional<std::string>& title,
             const std::string& text, const std::string& lang,
             const std::optional<std::string>& date, const std::optional<std::string>& outlet,
             std::vector<std::string> flags, std::vector<RemovedLine> removed) {
  Article a;
  a.raw.id = id;
  a.raw.source = id + ".txt";
  a.raw.source_group = "g";
  a.raw.title = title;
  a.raw.text = text;
  a.clean.text = text;
  a.clean.removed = std::move(removed);
  a.analysis.language = lang;
  a.analysis.date = date;
  a.analysis.outlet = outlet;
  a.analysis.flags = std::move(flags);
  return a;
}

class EvalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("veille_eval_" + std::to_string(getpid()));
    fs::create_directories(dir_);
    db_ = (dir_ / "e.db").string();
    auto archive = Archive::Open(db_, OpenMode::kReadWrite);
    ASSERT_TRUE(archive.ok()) << archive.error().message;
    ASSERT_TRUE((*archive)->Begin().ok());
    auto a = Make("a", "Les dockers en grève", "Les dockers du port de Sète ont cessé le travail.",
                  "fr", "2021-08", "Le Quai", {"designated-organisation-footnote"},
                  {{"Partagez cet article", "share-prompt"}});
    auto b = Make("b", std::nullopt, "Harbour workers in Sète walked out on Thursday.", "en",
                  std::nullopt, std::nullopt, {}, {});
    ASSERT_TRUE((*archive)->Store(a, Hash64(a.clean.text), {}).ok());
    ASSERT_TRUE((*archive)->Store(b, Hash64(b.clean.text), {}).ok());
    ASSERT_TRUE((*archive)->Commit().ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  EvalReport Run(const std::string& gold) {
    std::string path = (dir_ / "gold.json").string();
    std::ofstream(path) << gold;
    auto archive = Archive::Open(db_, OpenMode::kReadOnly);
    EXPECT_TRUE(archive.ok());
    auto r = Evaluate(**archive, path);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : EvalReport{};
  }
  static const EvalSection* Find(const EvalReport& r, const std::string& name) {
    for (auto& s : r.sections)
      if (s.name == name) return &s;
    return nullptr;
  }

  fs::path dir_;
  std::string db_;
};

TEST_F(EvalTest, CountsRightAndWrongAnswers) {
  auto r = Run(R"({"articles": {
    "a": {"language": "fr", "title": "Les dockers en grève", "date": "2021-08", "outlet": "Le Quai",
          "flags": ["designated-organisation-footnote"], "boilerplate": ["Partagez cet article"],
          "must_keep": ["port de Sète"]},
    "b": {"language": "de", "title": "Harbour", "date": null, "outlet": null, "flags": [],
          "boilerplate": ["walked out"], "must_keep": ["never said"]},
    "missing": {"language": "fr"}},
    "search": [{"query": "dockers", "must_match": ["a"], "top1": "a"},
               {"query": "Sète", "must_match": ["a", "b"]},
               {"query": "harbour", "must_not_match": ["b"]}]})");
  EXPECT_EQ(Find(r, "articles found")->correct, 2u);
  EXPECT_EQ(Find(r, "articles found")->total, 3u);
  EXPECT_EQ(Find(r, "language")->correct, 1u);
  EXPECT_EQ(Find(r, "title")->correct, 1u);
  EXPECT_EQ(Find(r, "date")->correct, 2u);
  EXPECT_EQ(Find(r, "outlet")->correct, 2u);
  EXPECT_EQ(Find(r, "flags")->correct, 2u);
  EXPECT_EQ(Find(r, "boilerplate removed")->correct, 1u);
  EXPECT_EQ(Find(r, "must_keep kept")->correct, 1u);
  const EvalSection* search = Find(r, "search checks");
  ASSERT_NE(search, nullptr);
  EXPECT_EQ(search->total, 3u);
  EXPECT_EQ(search->correct, 2u);  // "harbour" wrongly expected not to match b
  EXPECT_FALSE(r.all_pass());
  EXPECT_NE(FormatReport(r).find("search checks"), std::string::npos);
  EXPECT_NE(ReportJson(r).find("\"all_pass\": false"), std::string::npos);
}

TEST_F(EvalTest, BadGoldFileIsAnError) {
  std::string path = (dir_ / "bad.json").string();
  std::ofstream(path) << "{not json";
  auto archive = Archive::Open(db_, OpenMode::kReadOnly);
  auto r = Evaluate(**archive, path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("bad.json"), std::string::npos);
}

TEST(NormalizeForCompare, ApostrophesAndSpaces) {
  EXPECT_EQ(NormalizeForCompare("l\u2019ambassade\u00A0 de  Russie\n"), "l'ambassade de Russie");
  EXPECT_EQ(NormalizeForCompare("  Kaboul "), "Kaboul");
}

}  // namespace
}  // namespace veille
