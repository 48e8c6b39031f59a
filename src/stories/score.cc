// score.cc: gold story files and BCubed / pairwise scores (see
// veille/stories.h).
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "veille/stories.h"

namespace veille::stories {

Result<GoldClustering> ParseGold(std::string_view text) {
  using nlohmann::json;
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error::BadInput("story gold: not a JSON object");
  GoldClustering g;
  std::unordered_set<std::string> seen;
  auto take = [&](const json& id, std::vector<std::string>* into) -> Status {
    if (!id.is_string()) return Error::BadInput("story gold: an id is not a string");
    std::string s = id.get<std::string>();
    if (!seen.insert(s).second) return Error::BadInput("story gold: id '" + s + "' listed twice");
    into->push_back(std::move(s));
    return OkStatus();
  };
  if (j.contains("stories")) {
    if (!j["stories"].is_array()) return Error::BadInput("story gold: \"stories\" is not an array");
    size_t n = 0;
    for (const json& st : j["stories"]) {
      ++n;
      const json* ids = st.is_object() && st.contains("ids") ? &st["ids"] : nullptr;
      if (!ids || !ids->is_array())
        return Error::BadInput("story gold: story " + std::to_string(n) + " has no \"ids\" array");
      std::vector<std::string> story;
      for (const json& id : *ids)
        if (auto s = take(id, &story); !s.ok()) return s.error();
      if (!story.empty()) g.stories.push_back(std::move(story));
    }
  }
  if (j.contains("singletons")) {
    if (!j["singletons"].is_array())
      return Error::BadInput("story gold: \"singletons\" is not an array");
    for (const json& id : j["singletons"])
      if (auto s = take(id, &g.singletons); !s.ok()) return s.error();
  }
  return g;
}

ClusteringScore ScoreClustering(const GoldClustering& gold,
                                const std::unordered_map<std::string, int64_t>& story_of) {
  ClusteringScore r;
  // Gold label and predicted label of every gold article; an article the
  // assignment lacks gets a predicted cluster of its own.
  std::vector<std::pair<size_t, int64_t>> labels;
  int64_t alone = -1;
  auto add = [&](const std::string& id, size_t g) {
    auto it = story_of.find(id);
    if (it == story_of.end()) {
      ++r.missing;
      labels.emplace_back(g, alone--);
    } else {
      labels.emplace_back(g, it->second);
    }
  };
  size_t label = 0;
  for (const auto& s : gold.stories) {
    for (const auto& id : s) add(id, label);
    ++label;
  }
  for (const auto& id : gold.singletons) add(id, label++);
  r.articles = labels.size();
  if (labels.empty()) return r;
  std::map<size_t, size_t> gold_size;
  std::map<int64_t, size_t> pred_size;
  std::map<std::pair<size_t, int64_t>, size_t> both;
  for (const auto& l : labels) {
    ++gold_size[l.first];
    ++pred_size[l.second];
    ++both[l];
  }
  double p = 0, rc = 0;
  for (const auto& l : labels) {
    const double common = static_cast<double>(both[l]);
    p += common / static_cast<double>(pred_size[l.second]);
    rc += common / static_cast<double>(gold_size[l.first]);
  }
  const double n = static_cast<double>(labels.size());
  r.bcubed_precision = p / n;
  r.bcubed_recall = rc / n;
  auto f1 = [](double a, double b) { return a + b > 0 ? 2 * a * b / (a + b) : 0.0; };
  r.bcubed_f1 = f1(r.bcubed_precision, r.bcubed_recall);
  auto pairs = [](size_t k) { return k * (k - 1) / 2; };
  for (const auto& [g, k] : gold_size) r.gold_pairs += pairs(k);
  for (const auto& [s, k] : pred_size) r.predicted_pairs += pairs(k);
  for (const auto& [gs, k] : both) r.common_pairs += pairs(k);
  r.pairwise_precision =
      r.predicted_pairs ? static_cast<double>(r.common_pairs) / r.predicted_pairs : 1.0;
  r.pairwise_recall = r.gold_pairs ? static_cast<double>(r.common_pairs) / r.gold_pairs : 1.0;
  r.pairwise_f1 = f1(r.pairwise_precision, r.pairwise_recall);
  return r;
}

}  // namespace veille::stories
