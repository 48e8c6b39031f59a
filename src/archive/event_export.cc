// event_export.cc: the JSON form of merged events (see veille/export.h).
#include "veille/export.h"

namespace veille {

nlohmann::json EventRecordJson(const EventRecord& e, bool sources) {
  using nlohmann::json;
  auto opt = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  auto nul = [](const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); };
  json j = {{"id", e.id},
            {"date", opt(e.date)},
            {"dates", e.dates},
            {"action", e.action},
            {"actor", opt(e.actor)},
            {"target", opt(e.target)},
            {"place", opt(e.place)},
            {"reports", e.report_count},
            {"outlets", e.outlet_count},
            {"first",
             {{"id", e.first.id}, {"date", nul(e.first.date)}, {"outlet", nul(e.first.outlet)}}}};
  if (sources) {
    json list = json::array();
    for (const EventReport& r : e.reports)
      list.push_back({{"id", r.article_id},
                      {"outlet", nul(r.outlet)},
                      {"date", nul(r.article_date)},
                      {"title", nul(r.title)},
                      {"sentence", r.sentence},
                      {"start", r.span.begin},
                      {"end", r.span.end},
                      {"sentence_start", r.span.sentence_begin},
                      {"event_date", opt(r.span.date)},
                      {"date_source", opt(r.span.date_source)},
                      {"source", opt(r.span.source)},
                      {"reported", r.span.reported},
                      {"action", r.span.action},
                      {"actor", opt(r.span.actor)},
                      {"target", opt(r.span.target)}});
    j["sources"] = list;
  }
  return j;
}

}  // namespace veille
