// event_routes.cc: /api/events and /api/timeline (see event_routes.h).
#include "server/event_routes.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "veille/export.h"

namespace veille::server {

using nlohmann::json;

namespace {

Reply EventsReply(const std::vector<EventRecord>& events) {
  json list = json::array();
  for (const auto& e : events) list.push_back(EventRecordJson(e, true));
  Reply r;
  r.body = json({{"total", events.size()}, {"events", std::move(list)}})
               .dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

}  // namespace

std::vector<ParamSpec> EventsParams() {
  using K = ParamSpec::Kind;
  return {{"action", K::kText, false, 0, 32},
          {"entity", K::kText, false, 0, 200},
          {"since", K::kDate},
          {"until", K::kDate},
          {"limit", K::kInt, false, 1, 1000}};
}

std::vector<ParamSpec> TimelineParams() {
  using K = ParamSpec::Kind;
  return {{"q", K::kText, false, 0, 1000},
          {"entity", K::kText, false, 0, 200},
          {"since", K::kDate},
          {"until", K::kDate},
          {"top", K::kInt, false, 1, 1000},
          {"articles", K::kInt, false, 1, 1000}};
}

Reply EventsList(ArchivePool& pool, std::string_view, const Params& p) {
  auto archive = pool.Acquire();
  if (!archive.ok()) return ErrorReply(archive.error());
  EventQuery q;
  q.action = p.Text("action");
  q.entity = p.Text("entity");
  q.since = p.Text("since");
  q.until = p.Text("until");
  q.limit = static_cast<size_t>(p.Int("limit", 100));
  auto r = (*archive)->Events(q);
  if (!r.ok()) return ErrorReply(r.error());
  return EventsReply(*r);
}

Reply Timeline(ArchivePool& pool, std::string_view, const Params& p) {
  auto query = p.Text("q");
  auto entity = p.Text("entity");
  if (query.has_value() == entity.has_value())
    return ErrorReply(Error::InvalidArgument("give q (a search) or entity, one of them"));
  auto archive = pool.Acquire();
  if (!archive.ok()) return ErrorReply(archive.error());
  EventQuery q;
  q.entity = entity;
  q.since = p.Text("since");
  q.until = p.Text("until");
  q.limit = 1000;
  if (query) {
    SearchOptions so;
    so.query = *query;
    so.limit = static_cast<size_t>(p.Int("articles", 200));
    so.snippets = false;
    auto hits = (*archive)->Search(so);
    if (!hits.ok()) return ErrorReply(hits.error());
    q.articles.emplace();
    for (const auto& h : hits->hits) q.articles->push_back(h.id);
  }
  auto r = (*archive)->Events(q);
  if (!r.ok()) return ErrorReply(r.error());
  const size_t top = static_cast<size_t>(p.Int("top", 0));
  if (top && r->size() > top) {
    std::vector<size_t> order(r->size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return (*r)[a].report_count > (*r)[b].report_count;
    });
    order.resize(top);
    std::sort(order.begin(), order.end());
    std::vector<EventRecord> kept;
    for (size_t i : order) kept.push_back(std::move((*r)[i]));
    *r = std::move(kept);
  }
  return EventsReply(*r);
}

}  // namespace veille::server
