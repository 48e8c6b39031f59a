// search_cmd.cc: `veille search QUERY`.
#include <cstdio>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "veille/archive.h"

namespace veille::cli {

Runner RegisterSearch(CLI::App& sub, const Common& common) {
  struct Opts {
    std::vector<std::string> words;
    std::string lang, since, until, outlet, entity;
    size_t limit = 10, offset = 0;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("query", o->words, "Query: words, \"phrases\", OR, -exclusion, prefix*")
      ->required();
  sub.add_option("--lang", o->lang, "Only articles in this language (ISO 639-1)");
  sub.add_option("--since", o->since, "Only articles dated on or after YYYY[-MM[-DD]]");
  sub.add_option("--until", o->until, "Only articles dated on or before YYYY[-MM[-DD]]");
  sub.add_option("--outlet", o->outlet, "Only articles from this outlet");
  sub.add_option("--entity", o->entity, "Only articles that mention this entity (name or alias)");
  sub.add_option("--limit,-n", o->limit, "Number of hits")->capture_default_str()->check(CLI::Range(1, 1000));
  sub.add_option("--offset", o->offset, "Skip this many hits")->check(CLI::Range(0, 1000000));
  sub.add_flag("--json", o->json, "Print one JSON object");
  return [o, &common]() -> int {
    auto archive = Archive::Open(common.db, OpenMode::kReadOnly);
    if (!archive.ok()) return Fail(archive.error());
    SearchOptions so;
    for (size_t i = 0; i < o->words.size(); ++i) so.query += (i ? " " : "") + o->words[i];
    auto opt = [](const std::string& s) { return s.empty() ? std::nullopt : std::optional(s); };
    so.language = opt(o->lang);
    so.since = opt(o->since);
    so.until = opt(o->until);
    so.outlet = opt(o->outlet);
    so.entity = opt(o->entity);
    so.limit = o->limit;
    so.offset = o->offset;
    auto r = (*archive)->Search(so);
    if (!r.ok()) return Fail(r.error());
    if (o->json) {
      nlohmann::json hits = nlohmann::json::array();
      auto nul = [](const std::optional<std::string>& s) {
        return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
      };
      for (auto& h : r->hits)
        hits.push_back({{"id", h.id},
                        {"score", h.score},
                        {"title", nul(h.title)},
                        {"date", nul(h.date)},
                        {"outlet", nul(h.outlet)},
                        {"snippet", h.snippet},
                        {"story", h.story ? nlohmann::json(*h.story) : nlohmann::json(nullptr)}});
      nlohmann::json j = {{"query", r->query}, {"total", r->total}, {"hits", hits}};
      std::printf("%s\n", j.dump().c_str());
      return kExitOk;
    }
    std::printf("%zu results for %s\n", r->total, r->query.c_str());
    size_t rank = o->offset;
    for (auto& h : r->hits) {
      std::printf("\n%zu. %s  (%s%s%s, score %.2f%s)\n", ++rank, h.id.c_str(),
                  h.date.value_or("undated").c_str(), h.outlet ? ", " : "",
                  h.outlet.value_or("").c_str(), h.score,
                  h.story ? fmt::format(", story {}", *h.story).c_str() : "");
      if (h.title) std::printf("   %s\n", h.title->c_str());
      std::printf("   %s\n", h.snippet.c_str());
    }
    return kExitOk;
  };
}

}  // namespace veille::cli
