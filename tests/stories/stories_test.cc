// stories_test.cc: dates, features, the online clusterer, gold scoring and
// framing of the stories module.
#include "veille/stories.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <set>

#include "veille/text.h"

namespace veille::stories {
namespace {

TEST(DayNumber, RoundTripsAndRejects) {
  bool exact = false;
  EXPECT_EQ(DayNumber("1970-01-01", &exact), 0);
  EXPECT_TRUE(exact);
  EXPECT_EQ(DayNumber("2021-08-15"), DayNumber("2021-08-14") + 1);
  EXPECT_EQ(DayNumber("2020-03-01") - DayNumber("2020-02-28"), 2);  // leap year
  EXPECT_EQ(DayNumber("2021-08", &exact), DayNumber("2021-08-15"));
  EXPECT_FALSE(exact);
  EXPECT_EQ(DayNumber("2021"), kNoDay);
  EXPECT_EQ(DayNumber("2021-13-01"), kNoDay);
  EXPECT_EQ(DayNumber("hier"), kNoDay);
  for (int32_t d = -800; d < 30000; d += 7) EXPECT_EQ(DayNumber(DayString(d)), d) << d;
  EXPECT_EQ(DayString(kNoDay), "");
}

TEST(Keys, TermsAndEntitiesDoNotCollide) {
  EXPECT_NE(TermKey("paris"), EntityKeyHash("paris"));
  EXPECT_EQ(EntityKeyHash("États-Unis"), EntityKeyHash("etats unis"));
}

TEST(StoryState, EncodesAndDecodes) {
  StoryState s;
  s.id = 42;
  s.size = 3;
  s.first_day = 100;
  s.last_day = 104;
  s.body = {{1, 0.5f}, {7, 1.25f}};
  s.title = {{3, 1}};
  s.entities = {{9, 2}};
  s.entity_names = {{9, "Kaboul"}};
  s.languages = {{"en", 1}, {"fr", 2}};
  s.title_article = 17;
  s.title_score = 0.75f;
  auto d = StoryState::Decode(42, s.Encode());
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->size, 3u);
  EXPECT_EQ(d->last_day, 104);
  ASSERT_EQ(d->body.size(), 2u);
  EXPECT_FLOAT_EQ(d->body[1].w, 1.25f);
  EXPECT_EQ(d->entity_names[0].second, "Kaboul");
  EXPECT_EQ(d->languages[1].first, "fr");
  EXPECT_EQ(d->title_article, 17);
  EXPECT_NEAR(d->body_norm, std::sqrt(0.25 + 1.5625), 1e-6);
  EXPECT_EQ(d->TopEntities(5), std::vector<std::string>{"Kaboul"});
  std::string bytes = s.Encode();
  EXPECT_FALSE(StoryState::Decode(1, bytes.substr(0, bytes.size() - 1)).ok());
  EXPECT_FALSE(StoryState::Decode(1, "").ok());
  bytes[0] = 9;
  EXPECT_FALSE(StoryState::Decode(1, bytes).ok());
}

TEST(StoryModel, LoadsTheCommittedModelAndRejectsBadLines) {
  auto m = StoryModel::LoadDefault();
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_GT(m->window_days, 0);
  StoryModel x;
  EXPECT_FALSE(x.Set("no_such_parameter", 1).ok());
  EXPECT_FALSE(x.Set("window_days", 2.5).ok());
  EXPECT_FALSE(x.Set("sigma_days", 0).ok());
  EXPECT_TRUE(x.Set("w_body", 4).ok());
  EXPECT_EQ(x.w_body, 4);
  // The text form loads back to the same model.
  StoryModel y;
  for (const std::string& line : {x.ToText()}) {
    size_t pos = 0;
    while (pos < line.size()) {
      size_t nl = line.find('\n', pos);
      std::string l = line.substr(pos, nl - pos);
      size_t tab = l.find('\t');
      ASSERT_TRUE(y.Set(l.substr(0, tab), std::stod(l.substr(tab + 1))).ok()) << l;
      pos = nl + 1;
    }
  }
  EXPECT_EQ(y.ToText(), x.ToText());
}

TEST(ComputeFeatures, TermsEntitiesAndDate) {
  auto analyzer = TextAnalyzer::Create();
  ASSERT_TRUE(analyzer.ok());
  Article a;
  a.raw.title = "Grève au port de Marseille";
  a.clean.text = "Les dockers du port de Marseille sont en grève. La grève continue.";
  a.analysis.language = "fr";
  a.analysis.date = "2024-05-13";
  a.analysis.outlet = "Le Courrier";
  a.entities.push_back({"Marseille", "LOC", 22, 31, "Marseille", ""});
  a.entities.push_back({"Marseilles", "LOC", 0, 0, "Marseille", ""});
  ArticleFeatures f = ComputeFeatures(a, **analyzer);
  EXPECT_EQ(f.day, DayNumber("2024-05-13"));
  EXPECT_TRUE(f.day_exact);
  EXPECT_TRUE(f.has_title);
  EXPECT_EQ(f.outlet, "Le Courrier");
  ASSERT_EQ(f.entities.size(), 1u);
  EXPECT_EQ(f.entities[0].w, 2);
  EXPECT_EQ(f.entity_names[0].second, "Marseille");
  // "grève" twice in the text, once in the title; stop words are not terms.
  std::map<uint64_t, float> body;
  for (auto& x : f.body) body[x.key] = x.w;
  EXPECT_EQ(body[TermKey("grev")], 2);
  EXPECT_EQ(body.count(TermKey("les")), 0u);
  EXPECT_TRUE(
      std::is_sorted(f.body.begin(), f.body.end(), [](auto& x, auto& y) { return x.key < y.key; }));
  // The index stage's pre-analysed form gives the same terms.
  Article b = a;
  b.index_body = PreAnalyze(**analyzer, "fr", a.clean.text);
  b.index_title = PreAnalyze(**analyzer, "fr", *a.raw.title);
  ArticleFeatures g = ComputeFeatures(b, **analyzer);
  ASSERT_EQ(g.body.size(), f.body.size());
  for (size_t i = 0; i < f.body.size(); ++i) EXPECT_EQ(g.body[i].key, f.body[i].key);
  EXPECT_EQ(g.title.size(), f.title.size());
}

// Features of an invented article: words are terms, Capitalised words also
// entities.
ArticleFeatures Make(const std::string& date, const std::vector<std::string>& words,
                     const std::string& lang = "fr", const std::string& title = "") {
  ArticleFeatures f;
  f.day = DayNumber(date, &f.day_exact);
  f.language = lang;
  std::vector<uint64_t> t, e, h;
  for (const auto& w : words) {
    t.push_back(TermKey(w));
    if (std::isupper(static_cast<unsigned char>(w[0]))) {
      e.push_back(EntityKeyHash(w));
      f.entity_names.emplace_back(EntityKeyHash(w), w);
    }
  }
  for (size_t i = 0; i < title.size();) {
    size_t sp = title.find(' ', i);
    if (sp == std::string::npos) sp = title.size();
    h.push_back(TermKey(title.substr(i, sp - i)));
    i = sp + 1;
  }
  auto count = [](std::vector<uint64_t>& k) {
    std::sort(k.begin(), k.end());
    SparseVector v;
    for (uint64_t x : k) {
      if (!v.empty() && v.back().key == x) {
        v.back().w += 1;
      } else {
        v.push_back({x, 1});
      }
    }
    return v;
  };
  f.body = count(t);
  f.entities = count(e);
  f.title = count(h);
  f.has_title = !title.empty();
  std::sort(f.entity_names.begin(), f.entity_names.end());
  f.entity_names.erase(std::unique(f.entity_names.begin(), f.entity_names.end()),
                       f.entity_names.end());
  return f;
}

// Background articles on other subjects, so that document frequencies mean
// something.
void AddBackground(OnlineClusterer* c, int64_t* next_article, int n, const std::string& date) {
  std::mt19937 rng(7);
  for (int i = 0; i < n; ++i) {
    std::vector<std::string> w;
    for (int j = 0; j < 40; ++j) w.push_back("mot" + std::to_string(rng() % 400));
    w.push_back("le");
    w.push_back("selon");
    ASSERT_TRUE(c->Add((*next_article)++, Make(date, w)).ok());
  }
}

std::vector<std::string> Story(const std::vector<std::string>& core, int variant) {
  std::vector<std::string> w = core;
  for (int j = 0; j < 10; ++j) w.push_back("var" + std::to_string(variant * 10 + j));
  w.push_back("le");
  w.push_back("selon");
  return w;
}

TEST(OnlineClusterer, JoinsOneStoryAndKeepsOthersApart) {
  StoryModel m;
  OnlineClusterer c(m, nullptr, 0, 1);
  int64_t next = 1;
  AddBackground(&c, &next, 200, "2021-06-01");
  const std::vector<std::string> crash = {"avion",    "crash",  "Ethiopian", "Addis", "boeing",
                                          "victimes", "boites", "noires",    "vol",   "enquete"};
  const std::vector<std::string> strike = {"greve",    "dockers",    "port",    "Marseille",
                                           "syndicat", "conteneurs", "Belhadj", "navires",
                                           "quais",    "plan"};
  auto a1 = c.Add(1001, Make("2021-07-10", Story(crash, 1)));
  auto a2 = c.Add(1002, Make("2021-07-11", Story(crash, 2)));
  auto b1 = c.Add(1003, Make("2021-07-11", Story(strike, 3)));
  auto a3 = c.Add(1004, Make("2021-07-12", Story(crash, 4)));
  ASSERT_TRUE(a1.ok() && a2.ok() && b1.ok() && a3.ok());
  EXPECT_EQ(a1->via, Via::kNew);
  EXPECT_EQ(a2->story, a1->story);
  EXPECT_EQ(a2->via, Via::kSimilar);
  EXPECT_GE(a2->score, m.threshold);
  EXPECT_EQ(a3->story, a1->story);
  EXPECT_NE(b1->story, a1->story);
  EXPECT_EQ(c.StoryOfAdded(1004), a1->story);
  EXPECT_EQ(c.StoryOfAdded(99999), 0);
  // The same words months later: another story.
  auto later = c.Add(1005, Make("2021-11-20", Story(crash, 5)));
  ASSERT_TRUE(later.ok());
  EXPECT_NE(later->story, a1->story);
  // A near-duplicate joins its original's story whatever its words.
  auto copy = c.Add(1006, Make("2021-12-01", Story(strike, 6)), {1002});
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ(copy->story, a1->story);
  EXPECT_EQ(copy->via, Via::kCopy);
}

TEST(OnlineClusterer, SameInputSameStories) {
  auto run = [] {
    StoryModel m;
    OnlineClusterer c(m, nullptr, 0, 1);
    std::mt19937 rng(3);
    std::vector<int64_t> out;
    for (int i = 0; i < 400; ++i) {
      std::vector<std::string> w;
      const int topic = static_cast<int>(rng() % 30);
      for (int j = 0; j < 12; ++j)
        w.push_back("t" + std::to_string(topic) + "_" + std::to_string(j));
      for (int j = 0; j < 20; ++j) w.push_back("n" + std::to_string(rng() % 500));
      auto r = c.Add(i + 1, Make(DayString(DayNumber("2020-01-01") + i / 20), w));
      EXPECT_TRUE(r.ok());
      out.push_back(r->story);
    }
    return out;
  };
  EXPECT_EQ(run(), run());
}

TEST(OnlineClusterer, ReportsChangesOnce) {
  StoryModel m;
  OnlineClusterer c(m, nullptr, 0, 5);
  ASSERT_TRUE(c.Add(1, Make("2021-01-01", {"alpha", "beta", "Gamma"}, "fr", "alpha beta")).ok());
  ASSERT_TRUE(c.Add(2, Make("2021-01-01", {"delta", "epsilon"})).ok());
  StoryChanges ch;
  c.TakeChanges(&ch);
  EXPECT_EQ(ch.members.size(), 2u);
  EXPECT_EQ(ch.documents_added, 2u);
  ASSERT_EQ(ch.stories.size(), 2u);
  EXPECT_EQ(ch.stories[0]->id, 5);  // ids from next_story, in order
  EXPECT_EQ(ch.stories[0]->title_article, 1);
  EXPECT_EQ(ch.stories[1]->title_article, 0);  // no headline
  EXPECT_FALSE(ch.postings.empty());
  ASSERT_FALSE(ch.df_added.empty());
  EXPECT_TRUE(std::is_sorted(ch.df_added.begin(), ch.df_added.end()));
  c.TakeChanges(&ch);
  EXPECT_TRUE(ch.members.empty());
  EXPECT_TRUE(ch.stories.empty());
  EXPECT_TRUE(ch.df_added.empty());
}

// A backend in memory that answers like the archive does.
class MemoryBackend : public StoryBackend {
 public:
  std::map<uint64_t, uint32_t> df;
  std::map<uint64_t, std::vector<Posting>> postings;
  std::map<int64_t, std::string> states;
  std::map<int64_t, int64_t> members;
  int loads = 0;
  void Apply(const StoryChanges& ch) {
    for (auto& [k, n] : ch.df_added) df[k] += n;
    for (auto& p : ch.postings) postings[p.key].push_back({p.day, p.story});
    for (auto* s : ch.stories) states[s->id] = s->Encode();
    for (auto& mb : ch.members) members[mb.article] = mb.story;
  }
  Status DocFreqs(const std::vector<uint64_t>& keys, std::vector<uint32_t>* out) override {
    for (size_t i = 0; i < keys.size(); ++i) (*out)[i] = df.count(keys[i]) ? df[keys[i]] : 0;
    return OkStatus();
  }
  Status Postings(uint64_t key, int32_t day, int32_t window, size_t limit,
                  std::vector<Posting>* out) override {
    size_t n = 0;
    for (auto& p : postings[key])
      if (std::abs(int64_t{p.day} - day) <= window && n++ < 2 * limit) out->push_back(p);
    return OkStatus();
  }
  Result<std::optional<StoryState>> Load(int64_t story) override {
    ++loads;
    auto it = states.find(story);
    if (it == states.end()) return std::optional<StoryState>();
    auto s = StoryState::Decode(story, it->second);
    if (!s.ok()) return s.error();
    return std::optional<StoryState>(std::move(s).value());
  }
  Result<std::optional<int64_t>> StoryOf(int64_t article) override {
    auto it = members.find(article);
    if (it == members.end()) return std::optional<int64_t>();
    return std::optional<int64_t>(it->second);
  }
};

TEST(OnlineClusterer, ContinuesFromABackendLikeOneRun) {
  // The same stream in one clusterer, and split in two runs through a
  // backend, gives the same stories.
  std::vector<ArticleFeatures> stream;
  std::mt19937 rng(11);
  for (int i = 0; i < 300; ++i) {
    std::vector<std::string> w;
    const int topic = static_cast<int>(rng() % 25);
    for (int j = 0; j < 10; ++j) w.push_back("s" + std::to_string(topic) + "_" + std::to_string(j));
    w.push_back("Lieu" + std::to_string(topic));
    for (int j = 0; j < 25; ++j) w.push_back("n" + std::to_string(rng() % 700));
    stream.push_back(Make(DayString(DayNumber("2020-01-01") + i / 15), w));
  }
  StoryModel m;
  std::vector<int64_t> one;
  {
    OnlineClusterer c(m, nullptr, 0, 1);
    for (size_t i = 0; i < stream.size(); ++i) one.push_back(c.Add(i + 1, stream[i])->story);
  }
  MemoryBackend backend;
  std::vector<int64_t> two;
  int64_t next_story = 1;
  uint64_t docs = 0;
  for (size_t from : {size_t{0}, size_t{170}}) {
    OnlineClusterer c(m, &backend, docs, next_story);
    const size_t to = from == 0 ? 170 : stream.size();
    for (size_t i = from; i < to; ++i) two.push_back(c.Add(i + 1, stream[i])->story);
    StoryChanges ch;
    c.TakeChanges(&ch);
    backend.Apply(ch);
    for (auto* s : ch.stories) next_story = std::max(next_story, s->id + 1);
    docs = c.documents();
  }
  EXPECT_EQ(one, two);
  EXPECT_GT(backend.loads, 0);
}

TEST(OnlineClusterer, BoundedStateCacheChangesNoAssignment) {
  // The same stream with every story in memory, and with a cache that
  // forgets every unchanged story at each batch (states read back from the
  // backend): the same stories, scores and document frequencies.
  std::vector<ArticleFeatures> stream;
  std::mt19937 rng(5);
  for (int i = 0; i < 400; ++i) {
    std::vector<std::string> w;
    const int topic = static_cast<int>(rng() % 40);
    for (int j = 0; j < 10; ++j) w.push_back("s" + std::to_string(topic) + "_" + std::to_string(j));
    w.push_back("Lieu" + std::to_string(topic % 7));
    for (int j = 0; j < 25; ++j) w.push_back("n" + std::to_string(rng() % 900));
    // Days out of order, in blocks, as OrangeSum comes.
    stream.push_back(Make(DayString(DayNumber("2020-01-01") + (i % 97) * 3 + (i / 97)), w));
  }
  StoryModel m;
  auto run = [&](size_t cache_bytes, uint64_t* reloaded) {
    MemoryBackend backend;
    OnlineClusterer c(m, &backend, 0, 1);
    c.set_cache_bytes(cache_bytes);
    std::vector<std::pair<int64_t, double>> out;
    StoryChanges ch;
    for (size_t i = 0; i < stream.size(); ++i) {
      auto r = c.Add(static_cast<int64_t>(i) + 1, stream[i]);
      EXPECT_TRUE(r.ok());
      out.emplace_back(r->story, r->score);
      if (i % 7 == 6) {
        c.TakeChanges(&ch);
        backend.Apply(ch);
      }
    }
    c.TakeChanges(&ch);
    backend.Apply(ch);
    *reloaded = c.states_reloaded();
    return std::make_pair(out, backend.df);
  };
  uint64_t reloaded_all = 0, reloaded_none = 0;
  auto all = run(size_t{1} << 30, &reloaded_all);
  auto none = run(0, &reloaded_none);
  EXPECT_EQ(reloaded_all, 0u);
  EXPECT_GT(reloaded_none, 100u);
  EXPECT_EQ(all.first, none.first);
  EXPECT_EQ(all.second, none.second);
  std::set<int64_t> stories;
  for (const auto& [s, p] : all.first) stories.insert(s);
  EXPECT_GT(stories.size(), 20u);   // not one story for everything
  EXPECT_LT(stories.size(), 300u);  // nor one per article
}

TEST(Gold, ParsesAndRejects) {
  auto g = ParseGold(R"({"stories":[{"ids":["a","b"]},{"ids":["c"]}],"singletons":["d"]})");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->stories.size(), 2u);
  EXPECT_EQ(g->singletons, std::vector<std::string>{"d"});
  EXPECT_FALSE(ParseGold(R"({"stories":[{"ids":["a","a"]}]})").ok());
  EXPECT_FALSE(ParseGold(R"({"stories":[{"id":["a"]}]})").ok());
  EXPECT_FALSE(ParseGold("[1]").ok());
  EXPECT_FALSE(ParseGold(R"({"singletons":[3]})").ok());
}

TEST(ScoreClustering, BCubedAndPairwise) {
  auto g = ParseGold(R"({"stories":[{"ids":["a","b","c"]},{"ids":["d","e"]}],"singletons":["f"]})");
  ASSERT_TRUE(g.ok());
  // Perfect.
  std::unordered_map<std::string, int64_t> perfect = {{"a", 1}, {"b", 1}, {"c", 1},
                                                      {"d", 2}, {"e", 2}, {"f", 3}};
  auto s = ScoreClustering(*g, perfect);
  EXPECT_DOUBLE_EQ(s.bcubed_f1, 1);
  EXPECT_DOUBLE_EQ(s.pairwise_f1, 1);
  // All alone: precision 1, recall (1/3*3 + 1/2*2 + 1) / 6 = 0.5.
  auto alone = ScoreClustering(*g, {});
  EXPECT_EQ(alone.missing, 6u);
  EXPECT_DOUBLE_EQ(alone.bcubed_precision, 1);
  EXPECT_DOUBLE_EQ(alone.bcubed_recall, 0.5);
  EXPECT_DOUBLE_EQ(alone.pairwise_recall, 0);
  // d joins a,b,c; e alone; f with a non-gold article (does not count).
  std::unordered_map<std::string, int64_t> p = {{"a", 1}, {"b", 1}, {"c", 1}, {"d", 1},
                                                {"e", 2}, {"f", 3}, {"x", 3}};
  auto r = ScoreClustering(*g, p);
  // Precision: a,b,c: 3/4 each; d: 1/4; e, f: 1 -> (2.25 + 0.25 + 2) / 6.
  EXPECT_NEAR(r.bcubed_precision, 4.5 / 6, 1e-12);
  // Recall: a,b,c: 1; d, e: 1/2; f: 1 -> 5 / 6.
  EXPECT_NEAR(r.bcubed_recall, 5.0 / 6, 1e-12);
  EXPECT_EQ(r.gold_pairs, 4u);       // 3 + 1
  EXPECT_EQ(r.predicted_pairs, 6u);  // {a,b,c,d}
  EXPECT_EQ(r.common_pairs, 3u);
  EXPECT_NEAR(r.pairwise_f1, 2 * 0.5 * 0.75 / 1.25, 1e-12);
}

TEST(Framing, PerOutletContrast) {
  std::vector<FramingArticle> arts(3);
  arts[0] = {"a1",
             "Alpha",
             "2024-05-13",
             "t",
             "fr",
             {"footnote"},
             {"Karim Belhadj", "Karim Belhadj"},
             {"Marseille", "Karim Belhadj", "Joliette"},
             {}};
  arts[1] = {"b1", "Beta", "2024-05-12",      "t",
             "fr", {},     {"Nathalie Ruiz"}, {"Marseille", "Nathalie Ruiz"},
             {}};
  arts[2] = {"a2", "Alpha", "2024-05-14", "t", "fr", {}, {}, {"Marseille"}, {}};
  for (int i = 0; i < 30; ++i) {
    arts[0].terms.push_back("greve");
    arts[1].terms.push_back("mouvement");
    arts[0].terms.push_back("port");
    arts[1].terms.push_back("port");
  }
  std::vector<FramingPassage> passages = {{"a1", "b1", -1, 40, "shared words"}};
  auto f = Framing(arts, passages, {});
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].outlet, "Beta");  // first article first
  EXPECT_EQ(f[0].first_article, "b1");
  EXPECT_EQ(f[1].articles, 2u);
  ASSERT_FALSE(f[1].speakers.empty());
  EXPECT_EQ(f[1].speakers[0], (std::pair<std::string, uint32_t>{"Karim Belhadj", 2}));
  // Only Alpha names Joliette and Belhadj; both name Marseille.
  for (auto& [e, n] : f[1].own_entities) EXPECT_NE(e, "Marseille");
  EXPECT_EQ(f[1].own_entities.size(), 2u);
  ASSERT_FALSE(f[1].distinctive.empty());
  EXPECT_EQ(f[1].distinctive[0].term, "greve");
  EXPECT_EQ(f[0].distinctive[0].term, "mouvement");
  for (auto& w : f[1].distinctive) EXPECT_NE(w.term, "port");  // shared evenly
  ASSERT_EQ(f[1].shared.size(), 1u);
  EXPECT_EQ(f[1].shared[0].other_outlet, "Beta");
  EXPECT_EQ(f[1].shared[0].other_first, 1u);  // b1 had it first
  EXPECT_EQ(f[0].shared[0].first, 1u);
  EXPECT_EQ(f[1].flags[0].first, "footnote");
}

}  // namespace
}  // namespace veille::stories
