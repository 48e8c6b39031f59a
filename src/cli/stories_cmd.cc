// stories_cmd.cc: `veille stories`, `veille story ID [--by-outlet]`,
// `veille eval-stories GOLD.json`.
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/cli.h"
#include "veille/archive.h"
#include "veille/export.h"
#include "veille/stories.h"

namespace veille::cli {
namespace {

using nlohmann::json;

std::optional<std::string> Opt(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional(s);
}

std::string Join(const std::vector<std::string>& v, size_t n, const char* sep = ", ") {
  std::string out;
  for (size_t i = 0; i < v.size() && i < n; ++i) out += (i ? sep : "") + v[i];
  if (v.size() > n) out += fmt::format("{}+{}", out.empty() ? "" : sep, v.size() - n);
  return out;
}

std::string Dates(const stories::StorySummary& s) {
  const std::string a = s.first_date.value_or("undated"), b = s.last_date.value_or("undated");
  return a == b ? a : a + " .. " + b;
}

void PrintFraming(const std::vector<stories::OutletFraming>& outlets) {
  for (const auto& f : outlets) {
    std::printf("\n== %s: %zu article%s, first %s (%s)\n", f.outlet.c_str(), f.articles,
                f.articles == 1 ? "" : "s", f.first_article.c_str(),
                f.first_date.empty() ? "undated" : f.first_date.c_str());
    auto pairs = [](const std::vector<std::pair<std::string, uint32_t>>& v) {
      std::string out;
      for (const auto& [k, n] : v) out += fmt::format("{}{} ({})", out.empty() ? "" : ", ", k, n);
      return out.empty() ? std::string("(none)") : out;
    };
    std::printf("   quotes:          %s\n", pairs(f.speakers).c_str());
    std::printf("   only it names:   %s\n", pairs(f.own_entities).c_str());
    std::string words;
    for (const auto& w : f.distinctive)
      words += fmt::format("{}{} ({:.1f})", words.empty() ? "" : ", ", w.term, w.z);
    std::printf("   its words:       %s\n", words.empty() ? "(none)" : words.c_str());
    if (f.shared.empty()) std::printf("   shared passages: (none)\n");
    for (const auto& s : f.shared)
      std::printf("   shares with %s: %zu passage%s, %u words; first here %zu, there %zu%s\n",
                  s.other_outlet.c_str(), s.passages, s.passages == 1 ? "" : "s", s.words, s.first,
                  s.other_first, s.unknown ? fmt::format(", unknown {}", s.unknown).c_str() : "");
    if (!f.flags.empty()) std::printf("   flags:           %s\n", pairs(f.flags).c_str());
  }
}

}  // namespace

Runner RegisterStories(CLI::App& sub, const Common& common) {
  struct Opts {
    std::string since, until, entity, lang, outlet;
    size_t limit = 20, offset = 0, min_size = 2;
    bool newest = false, json = false;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("--since", o->since, "Only stories going on at or after YYYY[-MM[-DD]]");
  sub.add_option("--until", o->until, "Only stories that started at or before YYYY[-MM[-DD]]");
  sub.add_option("--entity", o->entity, "Only stories about this entity (name or alias)");
  sub.add_option("--lang", o->lang, "Only stories with articles in this language");
  sub.add_option("--outlet", o->outlet, "Only stories this outlet reported");
  sub.add_option("--min-size", o->min_size, "Only stories of at least this many articles")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  sub.add_flag("--newest", o->newest, "Newest first (default: largest first)");
  sub.add_option("--limit,-n", o->limit, "How many")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  sub.add_option("--offset", o->offset, "Skip this many")->check(CLI::Range(0, 10000000));
  sub.add_flag("--json", o->json, "Print one JSON object");
  return [o, &common]() -> int {
    for (auto* d : {&o->since, &o->until})
      if (!d->empty() && !IsValidDate(*d))
        return Fail(Error::InvalidArgument("invalid date '" + *d + "'"));
    auto archive = Archive::Open(common.db, OpenMode::kReadOnly);
    if (!archive.ok()) return Fail(archive.error());
    stories::StoryQuery q;
    q.since = Opt(o->since);
    q.until = Opt(o->until);
    q.entity = Opt(o->entity);
    q.language = Opt(o->lang);
    q.outlet = Opt(o->outlet);
    q.min_size = o->min_size;
    q.newest = o->newest;
    q.limit = o->limit;
    q.offset = o->offset;
    size_t total = 0;
    auto r = (*archive)->Stories(q, &total);
    if (!r.ok()) return Fail(r.error());
    if (o->json) {
      json a = json::array();
      for (const auto& s : *r) a.push_back(StorySummaryJson(s));
      std::printf("%s\n", json({{"total", total}, {"stories", a}}).dump().c_str());
      return kExitOk;
    }
    std::printf("%zu stories\n", total);
    for (const auto& s : *r) {
      std::printf("\n#%lld  %llu articles, %s  [%s]\n", (long long)s.id, (unsigned long long)s.size,
                  Dates(s).c_str(), Join(s.languages, 5).c_str());
      std::printf("   %s\n", s.title.value_or("(no headline)").c_str());
      std::printf("   outlets: %s\n", Join(s.outlets, 6).c_str());
      if (!s.entities.empty()) std::printf("   about:   %s\n", Join(s.entities, 6).c_str());
    }
    return kExitOk;
  };
}

Runner RegisterStory(CLI::App& sub, const Common& common) {
  struct Opts {
    int64_t id = 0;
    bool json = false, by_outlet = false;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("id", o->id, "Story id (veille stories, or an article's \"story\")")->required();
  sub.add_flag("--by-outlet", o->by_outlet,
               "How each outlet tells it: whom it quotes, names and words of its own, who "
               "published first, shared passages");
  sub.add_flag("--json", o->json, "Print one JSON object");
  return [o, &common]() -> int {
    auto archive = Archive::Open(common.db, OpenMode::kReadOnly);
    if (!archive.ok()) return Fail(archive.error());
    auto s = (*archive)->Story(o->id);
    if (!s.ok()) return Fail(s.error());
    auto arts = (*archive)->StoryArticles(o->id);
    if (!arts.ok()) return Fail(arts.error());
    std::optional<std::vector<stories::OutletFraming>> framing;
    if (o->by_outlet || o->json) {
      auto f = StoryFraming(**archive, o->id, {});
      if (!f.ok()) return Fail(f.error());
      framing = std::move(f).value();
    }
    if (o->json) {
      json j = StorySummaryJson(*s);
      json a = json::array();
      for (const auto& x : *arts) a.push_back(StoryArticleJson(x));
      j["articles"] = a;
      j["by_outlet"] = FramingJson(*framing);
      std::printf("%s\n", j.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
      return kExitOk;
    }
    std::printf("story #%lld: %s\n", (long long)s->id, s->title.value_or("(no headline)").c_str());
    std::printf("dates:     %s\narticles:  %llu\nlanguages: %s\noutlets:   %s\nabout:     %s\n",
                Dates(*s).c_str(), (unsigned long long)s->size, Join(s->languages, 20).c_str(),
                Join(s->outlets, 20).c_str(), Join(s->entities, 8).c_str());
    std::printf("\ntimeline:\n");
    for (const auto& a : *arts)
      std::printf("  %-10s  %-28s %s  [%s]\n", a.date.value_or("undated").c_str(),
                  PadRight(a.outlet.value_or("(unknown)"), 28).c_str(),
                  a.title.value_or(a.id).c_str(), a.via.c_str());
    if (framing) PrintFraming(*framing);
    return kExitOk;
  };
}

Runner RegisterEvalStories(CLI::App& sub, const Common& common) {
  struct Opts {
    std::string gold;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("gold", o->gold, "Gold file: {\"stories\":[{\"ids\":[...]}],\"singletons\":[...]}")
      ->required()
      ->check(CLI::ExistingFile);
  sub.add_flag("--json", o->json, "Print the figures as JSON");
  return [o, &common]() -> int {
    std::ifstream in(o->gold);
    std::stringstream ss;
    ss << in.rdbuf();
    auto gold = stories::ParseGold(ss.str());
    if (!gold.ok()) return Fail(Error::BadInput(o->gold + ": " + gold.error().message));
    auto archive = Archive::Open(common.db, OpenMode::kReadOnly);
    if (!archive.ok()) return Fail(archive.error());
    auto assigned = (*archive)->StoryAssignments();
    if (!assigned.ok()) return Fail(assigned.error());
    const stories::ClusteringScore r = stories::ScoreClustering(*gold, *assigned);
    if (o->json) {
      json j = {
          {"gold", o->gold},
          {"articles", r.articles},
          {"missing", r.missing},
          {"bcubed",
           {{"precision", r.bcubed_precision}, {"recall", r.bcubed_recall}, {"f1", r.bcubed_f1}}},
          {"pairwise",
           {{"precision", r.pairwise_precision},
            {"recall", r.pairwise_recall},
            {"f1", r.pairwise_f1},
            {"gold_pairs", r.gold_pairs},
            {"predicted_pairs", r.predicted_pairs},
            {"common_pairs", r.common_pairs}}}};
      std::printf("%s\n", j.dump().c_str());
      return kExitOk;
    }
    std::printf(
        "stories gold %s: %zu articles (%zu stories, %zu singletons), %zu not in the "
        "archive's stories\n",
        o->gold.c_str(), r.articles, gold->stories.size(), gold->singletons.size(), r.missing);
    std::printf("BCubed    precision %.4f  recall %.4f  F1 %.4f\n", r.bcubed_precision,
                r.bcubed_recall, r.bcubed_f1);
    std::printf(
        "pairwise  precision %.4f  recall %.4f  F1 %.4f  (%zu gold pairs, %zu predicted, "
        "%zu common)\n",
        r.pairwise_precision, r.pairwise_recall, r.pairwise_f1, r.gold_pairs, r.predicted_pairs,
        r.common_pairs);
    return kExitOk;
  };
}

}  // namespace veille::cli
