// events_cmd.cc: `veille events` and `veille timeline` (merged events in
// date order, with their reports).
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "veille/archive.h"
#include "veille/export.h"

namespace veille::cli {
namespace {

using nlohmann::json;

std::optional<std::string> Opt(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional(s);
}

// One sentence on one line, cut to about `width` columns around the trigger.
std::string Excerpt(const EventReport& r, size_t width) {
  std::string s = r.sentence;
  for (char& c : s)
    if (c == '\n' || c == '\t') c = ' ';
  if (DisplayWidth(s) <= width) return s;
  // Cut on code point boundaries, keeping the start of the sentence.
  size_t cols = 0, i = 0;
  for (; i < s.size() && cols < width; ++i)
    cols += (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
  while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  return s.substr(0, i) + "…";
}

void Print(const std::vector<EventRecord>& events, bool json_out, bool sources) {
  if (json_out) {
    json a = json::array();
    for (const auto& e : events) a.push_back(EventRecordJson(e, sources));
    std::printf("%s\n", a.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
    return;
  }
  if (events.empty()) std::printf("no events\n");
  for (const auto& e : events) {
    std::string who = e.actor.empty() ? "" : e.actor + " ";
    std::string what = e.target.empty() || e.target == e.actor ? "" : " " + e.target;
    std::string where = e.place.empty() || e.place == e.target ? "" : " (" + e.place + ")";
    std::printf("%-10s  %s%s%s%s\n", e.date.empty() ? "undated" : e.date.c_str(), who.c_str(),
                e.action.c_str(), what.c_str(), where.c_str());
    std::string dates;
    if (e.dates.size() > 1)
      for (const auto& d : e.dates) dates += (dates.empty() ? "; dates reported: " : ", ") + d;
    std::printf("            %zu report%s, %zu outlet%s; first %s (%s, %s)%s\n", e.report_count,
                e.report_count == 1 ? "" : "s", e.outlet_count, e.outlet_count == 1 ? "" : "s",
                e.first.id.c_str(), e.first.outlet.value_or("unknown outlet").c_str(),
                e.first.date.value_or("undated").c_str(), dates.c_str());
    if (!sources) continue;
    for (const auto& r : e.reports)
      std::printf("              %s  %s: %s\n", r.article_id.c_str(),
                  r.outlet.value_or("?").c_str(), Excerpt(r, 110).c_str());
  }
}

Status CheckDates(const std::string& since, const std::string& until) {
  for (const auto* d : {&since, &until})
    if (!d->empty() && !IsValidDate(*d)) return Error::InvalidArgument("invalid date '" + *d + "'");
  return OkStatus();
}

}  // namespace

Runner RegisterEvents(CLI::App& sub, const Common& common) {
  struct Opts {
    std::string action, entity, since, until;
    size_t limit = 100;
    bool json = false, reports = false;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("--action", o->action, "Only this action (capture, fall, flee, deploy, ...)");
  sub.add_option("--entity", o->entity, "Only events involving this entity (name or alias)");
  sub.add_option("--since", o->since, "Only events dated at or after YYYY[-MM[-DD]]");
  sub.add_option("--until", o->until, "Only events dated at or before YYYY[-MM[-DD]]");
  sub.add_option("--limit,-n", o->limit, "How many")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  sub.add_flag("--reports", o->reports, "Print each event's reports (sentences)");
  sub.add_flag("--json", o->json, "Print a JSON array (with each event's reports as \"sources\")");
  return [o, &common]() -> int {
    if (auto s = CheckDates(o->since, o->until); !s.ok()) return Fail(s.error());
    auto archive = Archive::Open(common.db, OpenMode::kReadOnly);
    if (!archive.ok()) return Fail(archive.error());
    EventQuery q;
    q.action = Opt(o->action);
    q.entity = Opt(o->entity);
    q.since = Opt(o->since);
    q.until = Opt(o->until);
    q.limit = o->limit;
    auto r = (*archive)->Events(q);
    if (!r.ok()) return Fail(r.error());
    Print(*r, o->json, o->reports || o->json);
    return kExitOk;
  };
}

Runner RegisterTimeline(CLI::App& sub, const Common& common) {
  struct Opts {
    std::string query, entity, since, until;
    size_t top = 0, articles = 200;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("query", o->query, "Search query: the events of the matching articles");
  sub.add_option("--entity", o->entity, "The events involving this entity (name or alias)");
  sub.add_option("--top", o->top, "Only the K events with the most reports (still in date order)")
      ->check(CLI::Range(1, 100000));
  sub.add_option("--articles", o->articles, "Search hits whose events are read")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  sub.add_option("--since", o->since, "Only events dated at or after YYYY[-MM[-DD]]");
  sub.add_option("--until", o->until, "Only events dated at or before YYYY[-MM[-DD]]");
  sub.add_flag("--json", o->json, "Print a JSON array (each event's reports as \"sources\")");
  return [o, &common]() -> int {
    if (o->query.empty() == o->entity.empty())
      return Fail(Error::InvalidArgument("give a search query or --entity NAME (one of them)"));
    if (auto s = CheckDates(o->since, o->until); !s.ok()) return Fail(s.error());
    auto archive = Archive::Open(common.db, OpenMode::kReadOnly);
    if (!archive.ok()) return Fail(archive.error());
    EventQuery q;
    q.entity = Opt(o->entity);
    q.since = Opt(o->since);
    q.until = Opt(o->until);
    q.limit = 100000;
    if (!o->query.empty()) {
      SearchOptions s;
      s.query = o->query;
      s.limit = o->articles;
      s.snippets = false;
      auto hits = (*archive)->Search(s);
      if (!hits.ok()) return Fail(hits.error());
      q.articles.emplace();
      for (const auto& h : hits->hits) q.articles->push_back(h.id);
    }
    auto r = (*archive)->Events(q);
    if (!r.ok()) return Fail(r.error());
    if (o->top && r->size() > o->top) {
      std::vector<size_t> order(r->size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return (*r)[a].report_count > (*r)[b].report_count;
      });
      order.resize(o->top);
      std::sort(order.begin(), order.end());
      std::vector<EventRecord> kept;
      for (size_t i : order) kept.push_back(std::move((*r)[i]));
      *r = std::move(kept);
    }
    Print(*r, o->json, true);
    return kExitOk;
  };
}

}  // namespace veille::cli
