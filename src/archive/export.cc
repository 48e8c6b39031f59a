// export.cc: StoredArticle -> JSON (see export.h).
#include "veille/export.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace veille {

nlohmann::json QuoteJson(const QuoteSpan& q) {
  using nlohmann::json;
  auto text_or_null = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  return {{"text", q.text},
          {"speaker", q.speaker ? json(*q.speaker) : json(nullptr)},
          {"speaker_role", text_or_null(q.speaker_role)},
          {"speaker_mention", q.speaker_mention},
          {"speaker_kind", text_or_null(q.speaker_kind)},
          {"confidence", std::round(double(q.confidence) * 100) / 100},
          {"partial", q.partial},
          {"cue", q.cue},
          {"start", q.begin},
          {"end", q.end}};
}

std::string SpeakerLabel(const QuoteSpan& q) {
  std::string out;
  if (q.speaker) {
    out = *q.speaker;
    if (!q.speaker_role.empty() && q.speaker_kind != "organisation")
      out += " (" + q.speaker_role + ")";
  } else if (!q.speaker_role.empty()) {
    out = (q.speaker_kind.empty() ? std::string("role") : q.speaker_kind) + ": " + q.speaker_role;
  } else {
    out = "(unattributed)";
  }
  if ((q.speaker || !q.speaker_role.empty()) && q.confidence < kUncertainConfidence)
    out += " [uncertain]";
  return out;
}

std::string ArticleJson(const StoredArticle& a) {
  using nlohmann::json;
  auto nul = [](const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); };
  json removed = json::array();
  for (const auto& r : a.removed) removed.push_back({{"text", r.text}, {"reason", r.reason}});
  json meta = json::parse(a.metadata_json, nullptr, false);
  if (meta.is_discarded()) meta = json::object();
  json j = {
      {"id", a.id},
      {"source", a.url ? *a.url : a.source},
      {"title", nul(a.title)},
      {"date", nul(a.date)},
      {"date_in_text", nul(a.date_in_text)},
      {"language", a.language},
      {"outlet", nul(a.outlet)},
      {"flags", a.flags},
      {"text", a.duplicate_of ? json(nullptr) : json(a.text)},
      {"removed", removed},
      {"duplicate_of", nul(a.duplicate_of)},
      {"summary", nul(a.summary)},
      {"metadata", meta},
  };
  json entities = json::array();
  for (const auto& m : a.entities)
    entities.push_back({{"text", m.text},
                        {"type", m.type},
                        {"canonical", m.canonical},
                        {"role", m.role.empty() ? json(nullptr) : json(m.role)},
                        {"start", m.begin},
                        {"end", m.end}});
  json quotes = json::array();
  for (const auto& q : a.quotes) quotes.push_back(QuoteJson(q));
  json near = json::array();
  for (const auto& n : a.near_duplicates)
    near.push_back({{"id", n.id}, {"similarity", n.similarity}});
  json reuse = json::array();
  for (const auto& r : a.reuse)
    reuse.push_back({{"other", r.other},
                     {"similarity", r.similarity},
                     {"start", r.start},
                     {"end", r.end},
                     {"other_start", r.other_start},
                     {"other_end", r.other_end},
                     {"first", r.direction > 0   ? json("this")
                               : r.direction < 0 ? json("other")
                                                 : json(nullptr)}});
  j["near_duplicates"] = near;
  j["reuse"] = reuse;
  j["entities"] = entities;
  j["quotes"] = quotes;
  json events = json::array();
  auto opt = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  for (const auto& e : a.events)
    events.push_back({{"actor", opt(e.actor)},
                      {"action", e.action},
                      {"target", opt(e.target)},
                      {"place", opt(e.place)},
                      {"date", opt(e.date)},
                      {"date_source", opt(e.date_source)},
                      {"start", e.begin},
                      {"end", e.end},
                      {"sentence_start", e.sentence_begin},
                      {"sentence_end", e.sentence_end},
                      {"source", opt(e.source)},
                      {"reported", e.reported}});
  j["events"] = events;
  j["story"] = a.story ? json(*a.story) : json(nullptr);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace veille
