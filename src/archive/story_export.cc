// story_export.cc: stories as JSON (see export.h), and the framing of a
// story from what the archive holds (see archive.h).
#include <cmath>
#include <map>

#include "veille/export.h"
#include "veille/text.h"

namespace veille {

using nlohmann::json;

namespace {
json Nul(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }
json Pairs(const std::vector<std::pair<std::string, uint32_t>>& v, const char* k, const char* n) {
  json a = json::array();
  for (const auto& [key, count] : v) a.push_back({{k, key}, {n, count}});
  return a;
}
}  // namespace

json StorySummaryJson(const stories::StorySummary& s) {
  return {{"id", s.id},
          {"title", Nul(s.title)},
          {"first_date", Nul(s.first_date)},
          {"last_date", Nul(s.last_date)},
          {"size", s.size},
          {"languages", s.languages},
          {"outlets", s.outlets},
          {"entities", s.entities},
          {"updated_at", s.updated_at}};
}

json StoryArticleJson(const stories::StoryArticle& a) {
  return {{"id", a.id},
          {"title", Nul(a.title)},
          {"date", Nul(a.date)},
          {"outlet", Nul(a.outlet)},
          {"language", a.language},
          {"flags", a.flags},
          {"via", a.via},
          {"score", std::round(a.score * 1000) / 1000},
          {"duplicate_of", Nul(a.duplicate_of)}};
}

json FramingJson(const std::vector<stories::OutletFraming>& outlets) {
  json out = json::array();
  for (const auto& f : outlets) {
    json words = json::array();
    for (const auto& w : f.distinctive)
      words.push_back({{"term", w.term}, {"z", std::round(w.z * 100) / 100}, {"count", w.count}});
    json shared = json::array();
    for (const auto& s : f.shared)
      shared.push_back({{"outlet", s.other_outlet},
                        {"passages", s.passages},
                        {"words", s.words},
                        {"first", s.first},
                        {"other_first", s.other_first},
                        {"unknown", s.unknown},
                        {"example", s.example}});
    out.push_back({{"outlet", f.outlet},
                   {"articles", f.articles},
                   {"first_article", f.first_article},
                   {"first_date", f.first_date},
                   {"speakers", Pairs(f.speakers, "name", "quotes")},
                   {"own_entities", Pairs(f.own_entities, "name", "mentions")},
                   {"distinctive_words", words},
                   {"shared_passages", shared},
                   {"flags", Pairs(f.flags, "flag", "articles")}});
  }
  return out;
}

Result<std::vector<stories::OutletFraming>> StoryFraming(Archive& archive, int64_t story,
                                                         const stories::FramingOptions& options) {
  auto arts = archive.StoryArticles(story);
  if (!arts.ok()) return arts.error();
  std::vector<stories::FramingArticle> in;
  std::map<std::string, std::string> text_of;
  std::vector<std::string> all_terms;
  for (const auto& a : *arts) {
    stories::FramingArticle f;
    f.id = a.id;
    f.outlet = a.outlet.value_or("");
    f.date = a.date.value_or("");
    f.title = a.title.value_or("");
    f.language = a.language;
    f.flags = a.flags;
    f.speakers = a.speakers;
    f.entities = a.entities;
    if (!a.duplicate_of) {
      // The words of the title and text, as the index has them (stemmed,
      // stop words out), so that "grève" and "grèves" count as one.
      std::vector<Token> tokens;
      archive.analyzer().Analyze(f.title, a.language, &tokens);
      archive.analyzer().Analyze(a.text, a.language, &tokens);
      for (auto& t : tokens) f.terms.push_back(std::move(t.term));
      all_terms.insert(all_terms.end(), f.terms.begin(), f.terms.end());
    }
    in.push_back(std::move(f));
  }
  std::sort(all_terms.begin(), all_terms.end());
  all_terms.erase(std::unique(all_terms.begin(), all_terms.end()), all_terms.end());
  auto background = archive.TermDocFreqs(all_terms);
  if (!background.ok()) return background.error();
  auto rows = archive.StoryPassages(story);
  if (!rows.ok()) return rows.error();
  std::vector<stories::FramingPassage> passages;
  for (const auto& r : *rows) passages.push_back({r.a, r.b, r.direction, r.words, r.a_text});
  return stories::Framing(in, passages, *background, options);
}

}  // namespace veille
