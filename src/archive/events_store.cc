// events_store.cc: event reports in the archive, merged into events across
// articles, and the timeline queries (see veille/events.h, docs/schema.md).
//
// Each EventSpan of a stored article is a row of event_reports. A report
// joins the event of the same merge action (events::MergeAction: a fall and
// a capture of one place are one event) and the same target (else place and
// actor) whose anchor date is within events::kMergeWindowDays of its own
// date (an undated report joins the latest such event); otherwise it starts
// an event. event_entities lists the entities a report involves (actor,
// target, place, and every entity its sentence names) for the
// per-entity timelines. Aggregates (date, outlets, first report,
// disagreements) are computed when events are read.
#include <algorithm>
#include <map>
#include <set>

#include "archive/backend.h"
#include "archive/internal.h"
#include "veille/entities.h"
#include "veille/events.h"

namespace veille {

using sql::DbError;

namespace {

std::string MergeKey(const EventSpan& e) {
  if (!e.target.empty()) return "t:" + EntityKey(e.target);
  if (!e.place.empty()) return "p:" + EntityKey(e.place) + "|" + EntityKey(e.actor);
  return "";
}

// The most common non-empty value (ties: the first seen).
std::string MostCommon(const std::vector<std::string>& values) {
  std::map<std::string, std::pair<int, size_t>> n;
  for (size_t i = 0; i < values.size(); ++i)
    if (!values[i].empty()) {
      auto [it, fresh] = n.try_emplace(values[i], 0, i);
      ++it->second.first;
    }
  std::string best;
  int bn = 0;
  size_t bi = 0;
  for (auto& [v, c] : n)
    if (c.first > bn || (c.first == bn && c.second < bi)) best = v, bn = c.first, bi = c.second;
  return best;
}

}  // namespace

bool Archive::HasEventTables() {
  if (!has_event_tables_) {
    auto has = backend_->HasTable("event_reports");
    has_event_tables_ = has.ok() && *has;
  }
  return *has_event_tables_;
}

Status Archive::StoreEvents(int64_t rowid, const Article& a) {
  if (a.events.empty()) return OkStatus();
  Stmt& find = Cached(
      "SELECT event_id, anchor_date FROM events WHERE action = ?1 AND merge_key = ?2 "
      "ORDER BY event_id DESC LIMIT 50");
  Stmt& add_event = Cached("INSERT INTO events(action, merge_key, anchor_date) VALUES(?1, ?2, ?3)" +
                           ReturningId(*db_, "event_id"));
  Stmt& anchor = Cached("UPDATE events SET anchor_date = ?2 WHERE event_id = ?1");
  Stmt& add_report = Cached(
      "INSERT INTO event_reports(event_id, article_rowid, seq, action, actor, target, place, date, "
      "date_source, start, \"end\", sentence_start, sentence_end, source, reported) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)" +
      ReturningId(*db_, "report_id"));
  Stmt& add_entity = Cached(
      "INSERT INTO event_entities(report_id, entity_key, role) VALUES(?1, ?2, ?3) "
      "ON CONFLICT DO NOTHING");
  for (size_t i = 0; i < a.events.size(); ++i) {
    const EventSpan& e = a.events[i];
    const std::string action(events::MergeAction(e.action));
    const std::string key = MergeKey(e);
    int64_t event_id = 0;
    std::string anchor_date;
    if (!key.empty()) {
      sql::ResetOnExit reset(find);
      find.Bind(1, action).Bind(2, key);
      std::vector<std::pair<int64_t, std::string>> candidates;
      int rc;
      while ((rc = find.Step()) == sql::kRow) candidates.emplace_back(find.Int(0), find.Text(1));
      if (rc != sql::kDone) return DbError(*db_, "looking up events");
      for (auto& [id, date] : candidates)
        if (date == e.date && !date.empty()) {
          event_id = id, anchor_date = date;
          break;
        }
      if (!event_id)
        for (auto& [id, date] : candidates)
          if (events::DatesCompatible(date, e.date)) {
            event_id = id, anchor_date = date;
            break;
          }
    }
    if (!event_id) {
      sql::ResetOnExit reset(add_event);
      add_event.Bind(1, action).Bind(2, key).Bind(3, e.date);
      auto id = StepInsert(*db_, add_event);
      if (!id) return DbError(*db_, "storing event");
      event_id = *id;
    } else if (anchor_date.empty() && !e.date.empty()) {
      sql::ResetOnExit reset(anchor);
      anchor.Bind(1, event_id).Bind(2, e.date);
      if (anchor.Step() != sql::kDone) return DbError(*db_, "dating event");
    }
    int64_t report_id;
    {
      sql::ResetOnExit reset(add_report);
      add_report.Bind(1, event_id).Bind(2, rowid).Bind(3, static_cast<int64_t>(i));
      add_report.Bind(4, e.action).Bind(5, e.actor).Bind(6, e.target).Bind(7, e.place);
      add_report.Bind(8, e.date).Bind(9, e.date_source);
      add_report.Bind(10, static_cast<int64_t>(e.begin)).Bind(11, static_cast<int64_t>(e.end));
      add_report.Bind(12, static_cast<int64_t>(e.sentence_begin));
      add_report.Bind(13, static_cast<int64_t>(e.sentence_end));
      add_report.Bind(14, e.source).Bind(15, static_cast<int64_t>(e.reported));
      auto id = StepInsert(*db_, add_report);
      if (!id) return DbError(*db_, "storing event report");
      report_id = *id;
    }
    std::set<std::pair<std::string, std::string>> keys;
    if (!e.actor.empty()) keys.emplace(EntityKey(e.actor), "actor");
    if (!e.target.empty()) keys.emplace(EntityKey(e.target), "target");
    if (!e.place.empty()) keys.emplace(EntityKey(e.place), "place");
    for (const Mention& m : a.entities)
      if (m.begin >= e.sentence_begin && m.end <= e.sentence_end)
        keys.emplace(EntityKey(m.canonical.empty() ? m.text : m.canonical), "mention");
    for (const auto& [k, role] : keys) {
      if (k.empty()) continue;
      sql::ResetOnExit reset(add_entity);
      add_entity.Bind(1, report_id).Bind(2, k).Bind(3, role);
      if (add_entity.Step() != sql::kDone) return DbError(*db_, "storing event entities");
    }
  }
  return OkStatus();
}

Status Archive::RemoveEvents(int64_t rowid) {
  if (!HasEventTables()) return OkStatus();
  Stmt ev(*db_, "SELECT DISTINCT event_id FROM event_reports WHERE article_rowid = ?1");
  ev.Bind(1, rowid);
  std::vector<int64_t> ids;
  int rc;
  while ((rc = ev.Step()) == sql::kRow) ids.push_back(ev.Int(0));
  if (rc != sql::kDone) return DbError(*db_, "reading event reports");
  if (ids.empty()) return OkStatus();
  for (const char* q : {"DELETE FROM event_entities WHERE report_id IN "
                        "(SELECT report_id FROM event_reports WHERE article_rowid = ?1)",
                        "DELETE FROM event_reports WHERE article_rowid = ?1"}) {
    Stmt d(*db_, q);
    d.Bind(1, rowid);
    if (d.Step() != sql::kDone) return DbError(*db_, "removing event reports");
  }
  Stmt orphan(*db_,
              "DELETE FROM events WHERE event_id = ?1 AND NOT EXISTS "
              "(SELECT 1 FROM event_reports r WHERE r.event_id = ?1)");
  for (int64_t id : ids) {
    orphan.Reset();
    orphan.Bind(1, id);
    if (orphan.Step() != sql::kDone) return DbError(*db_, "removing events");
  }
  return OkStatus();
}

Status Archive::LoadEvents(int64_t rowid, StoredArticle* a) {
  if (!HasEventTables()) return OkStatus();
  Stmt q(*db_,
         "SELECT action, actor, target, place, date, date_source, start, \"end\", sentence_start, "
         "sentence_end, source, reported FROM event_reports WHERE article_rowid = ?1 ORDER BY seq");
  q.Bind(1, rowid);
  int rc;
  while ((rc = q.Step()) == sql::kRow) {
    EventSpan e;
    e.action = q.Text(0);
    e.actor = q.Text(1);
    e.target = q.Text(2);
    e.place = q.Text(3);
    e.date = q.Text(4);
    e.date_source = q.Text(5);
    e.begin = static_cast<uint32_t>(q.Int(6));
    e.end = static_cast<uint32_t>(q.Int(7));
    e.sentence_begin = static_cast<uint32_t>(q.Int(8));
    e.sentence_end = static_cast<uint32_t>(q.Int(9));
    e.source = q.Text(10);
    e.reported = q.Int(11) != 0;
    a->events.push_back(std::move(e));
  }
  if (rc != sql::kDone) return DbError(*db_, "reading events");
  return OkStatus();
}

Result<std::vector<EventRecord>> Archive::Events(const EventQuery& q) {
  std::vector<EventRecord> out;
  if (!HasEventTables()) return out;
  // The entity's keys: its own, and those of the archive entities it names.
  std::set<std::string> keys;
  if (q.entity) {
    keys.insert(EntityKey(*q.entity));
    auto ids = FindEntityIds(*q.entity);
    if (!ids.ok()) return ids.error();
    Stmt k(*db_, "SELECT key FROM entities WHERE entity_id = ?1");
    for (int64_t id : *ids) {
      k.Reset();
      k.Bind(1, id);
      if (k.Step() == sql::kRow) keys.insert(k.Text(0));
    }
    keys.erase("");
    if (keys.empty()) return out;
  }
  if (q.articles && q.articles->empty()) return out;
  std::string sql = "SELECT DISTINCT r.event_id FROM event_reports r";
  int n = 0;
  std::vector<std::string> binds;
  if (q.entity) {
    sql += " JOIN event_entities x ON x.report_id = r.report_id AND x.entity_key IN (";
    for (const auto& k : keys) {
      sql += (binds.empty() ? "?" : ", ?") + std::to_string(++n);
      binds.push_back(k);
    }
    sql += ")";
  }
  if (q.articles) {
    sql += " JOIN articles a ON a.rowid = r.article_rowid AND a.id IN (";
    bool first = true;
    for (const auto& id : *q.articles) {
      sql += (first ? "?" : ", ?") + std::to_string(++n);
      first = false;
      binds.push_back(id);
    }
    sql += ")";
  }
  if (q.action) {
    sql += " WHERE r.action = ?" + std::to_string(++n);
    binds.push_back(*q.action);
  }
  Stmt ids(*db_, sql);
  if (!ids.ok()) return Error::Database("events: " + ids.error());
  for (size_t i = 0; i < binds.size(); ++i) ids.Bind(static_cast<int>(i + 1), binds[i]);
  std::vector<int64_t> event_ids;
  int rc;
  while ((rc = ids.Step()) == sql::kRow) event_ids.push_back(ids.Int(0));
  if (rc != sql::kDone) return DbError(*db_, "listing events");

  Stmt reps(*db_,
            "SELECT a.id, a.outlet, a.date, a.title, coalesce(a.text, ''), r.action, r.actor, "
            "r.target, r.place, r.date, r.date_source, r.start, r.\"end\", r.sentence_start, "
            "r.sentence_end, r.source, r.reported FROM event_reports r JOIN articles a ON "
            "a.rowid = r.article_rowid WHERE r.event_id = ?1 ORDER BY r.article_rowid, r.seq");
  for (int64_t id : event_ids) {
    reps.Reset();
    reps.Bind(1, id);
    EventRecord ev;
    ev.id = id;
    while ((rc = reps.Step()) == sql::kRow) {
      EventReport r;
      r.article_id = reps.Text(0);
      r.outlet = reps.OptText(1);
      r.article_date = reps.OptText(2);
      r.title = reps.OptText(3);
      std::string_view text = reps.TextView(4);
      EventSpan& e = r.span;
      e.action = reps.Text(5);
      e.actor = reps.Text(6);
      e.target = reps.Text(7);
      e.place = reps.Text(8);
      e.date = reps.Text(9);
      e.date_source = reps.Text(10);
      e.begin = static_cast<uint32_t>(reps.Int(11));
      e.end = static_cast<uint32_t>(reps.Int(12));
      e.sentence_begin = static_cast<uint32_t>(reps.Int(13));
      e.sentence_end = static_cast<uint32_t>(reps.Int(14));
      e.source = reps.Text(15);
      e.reported = reps.Int(16) != 0;
      if (e.sentence_begin <= e.sentence_end && e.sentence_end <= text.size())
        r.sentence = std::string(text.substr(e.sentence_begin, e.sentence_end - e.sentence_begin));
      ev.reports.push_back(std::move(r));
    }
    if (rc != sql::kDone) return DbError(*db_, "reading event reports");
    if (ev.reports.empty()) continue;
    std::vector<std::string> actions, actors, targets, places, text_dates, article_dates;
    std::set<std::string> outlets;
    bool capture = false;
    for (const EventReport& r : ev.reports) {
      const EventSpan& e = r.span;
      actions.push_back(e.action);
      capture |= e.action == "capture";
      actors.push_back(e.actor);
      targets.push_back(e.target);
      places.push_back(e.place);
      (e.date_source == "article" ? article_dates : text_dates).push_back(e.date);
      outlets.insert(r.outlet ? "o:" + *r.outlet : "a:" + r.article_id);
    }
    ev.action = capture ? "capture" : MostCommon(actions);
    ev.actor = MostCommon(actors);
    ev.target = MostCommon(targets);
    ev.place = MostCommon(places);
    const auto& dated = MostCommon(text_dates).empty() ? article_dates : text_dates;
    ev.date = MostCommon(dated);
    ev.date_source = ev.date.empty() ? "" : &dated == &text_dates ? "text" : "article";
    std::set<std::string> distinct;
    for (const auto& d : dated)
      if (!d.empty()) distinct.insert(d);
    ev.dates.assign(distinct.begin(), distinct.end());
    ev.report_count = ev.reports.size();
    ev.outlet_count = outlets.size();
    const EventReport* first = &ev.reports[0];
    for (const EventReport& r : ev.reports)
      if (r.article_date && (!first->article_date || *r.article_date < *first->article_date))
        first = &r;
    ev.first = {first->article_id, first->article_date, first->outlet};
    if (q.since && (ev.date.empty() || DateHigh(ev.date) < DateLow(*q.since))) continue;
    if (q.until && (ev.date.empty() || DateLow(ev.date) > DateHigh(*q.until))) continue;
    out.push_back(std::move(ev));
  }
  std::stable_sort(out.begin(), out.end(), [](const EventRecord& a, const EventRecord& b) {
    if (a.date.empty() != b.date.empty()) return !a.date.empty();
    if (a.date != b.date) return a.date < b.date;
    return a.id < b.id;
  });
  if (out.size() > q.limit) out.resize(q.limit);
  return out;
}

}  // namespace veille
