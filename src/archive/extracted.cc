// extracted.cc: entities, mentions and quotes in the archive (store, read,
// archive-wide entity and quote queries).
#include <algorithm>
#include <array>
#include <map>

#include "archive/backend.h"
#include "archive/internal.h"
#include "veille/entities.h"
#include "veille/query.h"
#include "veille/text.h"
#include "veille/utf8.h"

namespace veille {

using sql::DbError;

namespace {

struct EntityAgg {
  std::string name;
  int64_t per = 0, loc = 0, org = 0, mentions = 0;
  std::map<std::string, int64_t> aliases;
};

std::string LastWordKey(const std::string& key) {
  auto sp = key.rfind(' ');
  return sp == std::string::npos ? std::string() : key.substr(sp + 1);
}

}  // namespace

Status Archive::StoreExtracted(int64_t rowid, const Article& a) {
  Statements& st = stmts();
  if (!a.entities.empty() && !st.surnames_loaded) {
    st.surnames_loaded = true;
    Stmt q(*db_,
           "SELECT entity_id, key FROM entities WHERE per_count > loc_count + org_count "
           "AND key LIKE '% %'");
    while (q.Step() == sql::kRow) {
      std::string last = LastWordKey(q.Text(1));
      auto [it, fresh] = st.surname_to_entity.emplace(last, q.Int(0));
      if (!fresh && it->second != q.Int(0)) it->second = -1;
    }
  }
  // Group the article's mentions by entity key.
  std::map<std::string, EntityAgg> by_key;
  std::vector<std::string> mention_keys;
  mention_keys.reserve(a.entities.size());
  for (const Mention& m : a.entities) {
    const std::string& name = m.canonical.empty() ? m.text : m.canonical;
    std::string key = EntityKey(name);
    if (key.empty()) key = name;
    EntityAgg& agg = by_key[key];
    if (agg.name.empty()) agg.name = name;
    ++agg.mentions;
    (m.type == "PER" ? agg.per : m.type == "LOC" ? agg.loc : agg.org)++;
    ++agg.aliases[m.text];
    mention_keys.push_back(std::move(key));
  }
  std::map<std::string, int64_t> ids;
  for (auto& [key, agg] : by_key) {
    std::string store_key = key;
    // A bare surname joins the one full name the archive knows for it.
    if (key.find(' ') == std::string::npos && agg.per > agg.loc + agg.org) {
      auto it = st.surname_to_entity.find(key);
      if (it != st.surname_to_entity.end() && it->second > 0) {
        Stmt& k = Cached("SELECT key FROM entities WHERE entity_id = ?");
        sql::ResetOnExit reset(k);
        k.Bind(1, it->second);
        if (k.Step() == sql::kRow) store_key = k.Text(0);
      }
    }
    // The entity's id: known in this transaction, stored earlier, or new (its
    // counts start at zero; FlushEntityCounts adds them at commit).
    int64_t id;
    if (auto it = st.entity_ids.find(store_key); it != st.entity_ids.end()) {
      id = it->second;
    } else {
      st.entity_find.Reset();
      st.entity_find.Bind(1, store_key);
      if (st.entity_find.Step() == sql::kRow) {
        id = st.entity_find.Int(0);
      } else {
        if (!st.entity_new.ok())
          st.entity_new.Prepare(*db_, "INSERT INTO entities(key, name) VALUES(?, ?)" +
                                          ReturningId(*db_, "entity_id"));
        st.entity_new.Reset();
        st.entity_new.Bind(1, store_key).Bind(2, agg.name);
        auto new_id = StepInsert(*db_, st.entity_new);
        if (!new_id) return DbError(*db_, "storing entity " + agg.name);
        id = *new_id;
        st.entity_new.Reset();
      }
      st.entity_find.Reset();
      st.entity_ids.emplace(store_key, id);
    }
    Statements::EntityCounts& c = st.entity_counts[id];
    c.per += agg.per;
    c.loc += agg.loc;
    c.org += agg.org;
    c.mentions += agg.mentions;
    c.articles += 1;
    ids[key] = id;
    if (agg.per > agg.loc + agg.org && store_key.find(' ') != std::string::npos) {
      auto [it, fresh] = st.surname_to_entity.emplace(LastWordKey(store_key), id);
      if (!fresh && it->second != id) it->second = -1;
    }
    for (auto& [alias, n] : agg.aliases) {
      auto [it, fresh] = st.alias_counts.try_emplace({id, alias});
      if (fresh) it->second.first = EntityKey(alias);
      it->second.second += n;
    }
  }
  for (size_t i = 0; i < a.entities.size(); ++i) {
    const Mention& m = a.entities[i];
    st.mention.Reset();
    st.mention.Bind(1, rowid).Bind(2, static_cast<int64_t>(i)).Bind(3, ids[mention_keys[i]]);
    st.mention.Bind(4, static_cast<int64_t>(m.begin)).Bind(5, static_cast<int64_t>(m.end));
    st.mention.Bind(6, m.text).Bind(7, m.type);
    if (m.role.empty()) {
      st.mention.BindNull(8);
    } else {
      st.mention.Bind(8, m.role);
    }
    if (st.mention.Step() != sql::kDone) return DbError(*db_, "storing mention " + m.text);
  }
  for (size_t i = 0; i < a.quotes.size(); ++i) {
    const QuoteSpan& q = a.quotes[i];
    st.quote.Reset();
    st.quote.Bind(1, rowid).Bind(2, static_cast<int64_t>(i)).Bind(3, q.text).Bind(4, q.speaker);
    std::optional<int64_t> speaker_id;
    if (q.speaker) {
      auto it = ids.find(EntityKey(*q.speaker));
      if (it != ids.end()) speaker_id = it->second;
    }
    if (speaker_id) {
      st.quote.Bind(5, *speaker_id);
    } else {
      st.quote.BindNull(5);
    }
    st.quote.Bind(6, q.speaker_mention).Bind(7, q.speaker_role).Bind(8, q.cue);
    st.quote.Bind(9, static_cast<int64_t>(q.begin)).Bind(10, static_cast<int64_t>(q.end));
    if (q.speaker_kind.empty()) {
      st.quote.BindNull(11);
    } else {
      st.quote.Bind(11, q.speaker_kind);
    }
    st.quote.Bind(12, static_cast<double>(q.confidence)).Bind(13, static_cast<int64_t>(q.partial));
    auto qid_stored = StepInsert(*db_, st.quote);
    if (!qid_stored) return DbError(*db_, "storing quote");
    const int64_t qid = *qid_stored;
    st.quote.Reset();
    const std::string* pre =
        a.index_quotes.size() == a.quotes.size() ? &a.index_quotes[i] : nullptr;
    if (auto s = backend_->IndexQuote(qid, a.analysis.language, q.text, pre); !s.ok()) return s;
  }
  if (auto s = StoreEvents(rowid, a); !s.ok()) return s;
  // Outside a transaction (autocommit), nothing would call Commit().
  if (!backend_->InTransaction()) return FlushEntityCounts();
  return OkStatus();
}

Status Archive::FlushEntityCounts() {
  Statements& st = stmts();
  if (st.entity_counts.empty() && st.alias_counts.empty()) return OkStatus();
  if (!st.entity_add.ok())
    st.entity_add.Prepare(*db_,
                          "UPDATE entities SET per_count = per_count + ?2, loc_count = loc_count + "
                          "?3, org_count = org_count + ?4, mentions = mentions + ?5, articles = "
                          "articles + ?6 WHERE entity_id = ?1");
  // In id order (a std::map): B-tree updates in key order touch each page once.
  for (const auto& [id, c] : st.entity_counts) {
    st.entity_add.Reset();
    st.entity_add.Bind(1, id).Bind(2, c.per).Bind(3, c.loc).Bind(4, c.org).Bind(5, c.mentions);
    st.entity_add.Bind(6, c.articles);
    if (st.entity_add.Step() != sql::kDone) return DbError(*db_, "updating entity counts");
  }
  for (const auto& [k, v] : st.alias_counts) {
    st.alias.Reset();
    st.alias.Bind(1, k.first).Bind(2, k.second).Bind(3, v.first).Bind(4, v.second);
    if (st.alias.Step() != sql::kDone) return DbError(*db_, "storing alias " + k.second);
  }
  DropEntityCounts();
  return OkStatus();
}

void Archive::DropEntityCounts() {
  if (!stmts_) return;
  Statements& st = *stmts_;
  st.entity_ids.clear();
  st.entity_counts.clear();
  st.alias_counts.clear();
}

Status Archive::RemoveExtracted(int64_t rowid) {
  // Undo the entity counts this article added, then drop its rows.
  Stmt agg(*db_,
           "SELECT entity_id, count(*), count(*) FILTER (WHERE type = 'PER'), count(*) FILTER "
           "(WHERE type = 'LOC'), count(*) FILTER (WHERE type = 'ORG') FROM mentions "
           "WHERE article_rowid = ? GROUP BY entity_id ORDER BY entity_id");
  agg.Bind(1, rowid);
  Stmt dec(*db_,
           "UPDATE entities SET mentions = mentions - ?2, per_count = per_count - ?3, "
           "loc_count = loc_count - ?4, org_count = org_count - ?5, articles = articles - 1 "
           "WHERE entity_id = ?1");
  // Gathered first: PostgreSQL cannot read one result while running
  // other statements on the connection.
  std::vector<std::array<int64_t, 5>> counts;
  int rc;
  while ((rc = agg.Step()) == sql::kRow)
    counts.push_back({agg.Int(0), agg.Int(1), agg.Int(2), agg.Int(3), agg.Int(4)});
  if (rc != sql::kDone) return DbError(*db_, "reading entity counts");
  for (const auto& c : counts) {
    dec.Reset();
    dec.Bind(1, c[0]).Bind(2, c[1]).Bind(3, c[2]).Bind(4, c[3]).Bind(5, c[4]);
    if (dec.Step() != sql::kDone) return DbError(*db_, "updating entity counts");
  }
  Stmt lang(*db_, "SELECT language FROM articles WHERE rowid = ?");
  lang.Bind(1, rowid);
  std::string language = lang.Step() == sql::kRow ? lang.Text(0) : "";
  Stmt qs(*db_, "SELECT quote_id, text FROM quotes WHERE article_rowid = ?");
  qs.Bind(1, rowid);
  std::vector<std::pair<int64_t, std::string>> quotes;
  while ((rc = qs.Step()) == sql::kRow) quotes.emplace_back(qs.Int(0), qs.Text(1));
  if (rc != sql::kDone) return DbError(*db_, "reading quotes");
  for (const auto& [id, text] : quotes)
    if (auto s = backend_->UnindexQuote(id, language, text); !s.ok()) return s;
  if (auto s = RemoveEvents(rowid); !s.ok()) return s;
  for (const char* q : {"DELETE FROM mentions WHERE article_rowid = ?",
                        "DELETE FROM quotes WHERE article_rowid = ?"}) {
    Stmt d(*db_, q);
    d.Bind(1, rowid);
    if (d.Step() != sql::kDone) return DbError(*db_, "removing extracted rows");
  }
  return OkStatus();
}

Status Archive::LoadExtracted(int64_t rowid, StoredArticle* a) {
  Stmt m(*db_,
         "SELECT m.text, m.type, m.start, m.\"end\", e.name, coalesce(m.role, '') FROM mentions m "
         "JOIN entities e USING(entity_id) WHERE m.article_rowid = ? ORDER BY m.seq");
  m.Bind(1, rowid);
  while (m.Step() == sql::kRow) {
    Mention x;
    x.text = m.Text(0);
    x.type = m.Text(1);
    x.begin = static_cast<uint32_t>(m.Int(2));
    x.end = static_cast<uint32_t>(m.Int(3));
    x.canonical = m.Text(4);
    x.role = m.Text(5);
    a->entities.push_back(std::move(x));
  }
  Stmt q(*db_,
         "SELECT text, speaker, coalesce(speaker_mention, ''), coalesce(speaker_role, ''), "
         "coalesce(cue, ''), start, \"end\", coalesce(speaker_kind, ''), coalesce(confidence, 0), "
         "partial FROM quotes WHERE article_rowid = ? ORDER BY seq");
  q.Bind(1, rowid);
  while (q.Step() == sql::kRow) {
    QuoteSpan x;
    x.text = q.Text(0);
    x.speaker = q.OptText(1);
    x.speaker_mention = q.Text(2);
    x.speaker_role = q.Text(3);
    x.cue = q.Text(4);
    x.begin = static_cast<uint32_t>(q.Int(5));
    x.end = static_cast<uint32_t>(q.Int(6));
    x.speaker_kind = q.Text(7);
    x.confidence = static_cast<float>(q.Double(8));
    x.partial = q.Int(9) != 0;
    a->quotes.push_back(std::move(x));
  }
  return LoadEvents(rowid, a);
}

Result<std::vector<int64_t>> Archive::FindEntityIds(const std::string& name) {
  return FindEntityIdsAt(name, 0);
}

Result<std::vector<int64_t>> Archive::FindEntityIdsAt(const std::string& name, int depth) {
  std::string key = EntityKey(name);
  std::vector<int64_t> ids;
  Stmt& st = Cached(
      "SELECT entity_id FROM entities WHERE key = ?1 UNION "
      "SELECT entity_id FROM entity_aliases WHERE alias_key = ?1 ORDER BY 1");
  sql::ResetOnExit reset(st);
  if (!st.ok()) return Error::Database("entity lookup: " + st.error());
  st.Bind(1, key);
  int rc;
  while ((rc = st.Step()) == sql::kRow) ids.push_back(st.Int(0));
  if (rc != sql::kDone) return DbError(*db_, "entity lookup");
  st.Reset();
  if (ids.empty() && depth == 0) {
    // Alias table: "Putin" finds the entity stored as "Vladimir Poutine".
    static const auto* table = [] {
      auto t = AliasTable::Load(DataPath("entities/aliases.tsv"));
      return t.ok() ? new AliasTable(std::move(t).value()) : nullptr;
    }();
    if (table) {
      if (const AliasTable::Entry* e = table->Find(name); e && EntityKey(e->canonical) != key)
        return FindEntityIdsAt(e->canonical, depth + 1);
    }
  }
  return ids;
}

Result<std::vector<EntitySummary>> Archive::Entities(const EntityQuery& q) {
  std::vector<EntitySummary> out;
  std::string sql;
  if (!q.since && !q.until) {
    sql = "SELECT entity_id, name, type, articles, mentions FROM entities WHERE articles > 0" +
          std::string(q.type ? " AND type = ?1" : "") +
          " ORDER BY articles DESC, mentions DESC, key LIMIT ?2";
  } else {
    sql =
        "SELECT e.entity_id, e.name, e.type, count(DISTINCT m.article_rowid), count(*) "
        "FROM mentions m JOIN entities e USING(entity_id) JOIN articles a ON a.rowid = "
        "m.article_rowid WHERE 1 = 1" +
        std::string(q.type ? " AND e.type = ?1" : "") + (q.since ? " AND a.date_hi >= ?3" : "") +
        (q.until ? " AND a.date_lo <= ?4" : "") +
        " GROUP BY e.entity_id, e.name, e.type, e.key ORDER BY 4 DESC, 5 DESC, e.key LIMIT ?2";
  }
  Stmt st(*db_, sql);
  if (!st.ok()) return Error::Database("entities: " + st.error());
  if (q.type) st.Bind(1, *q.type);
  st.Bind(2, static_cast<int64_t>(q.top));
  if (q.since) st.Bind(3, DateLow(*q.since));
  if (q.until) st.Bind(4, DateHigh(*q.until));
  int rc;
  while ((rc = st.Step()) == sql::kRow)
    out.push_back({st.Int(0), st.Text(1), st.Text(2), static_cast<uint64_t>(st.Int(3)),
                   static_cast<uint64_t>(st.Int(4))});
  if (rc != sql::kDone) return DbError(*db_, "entities");
  return out;
}

Result<EntityDetail> Archive::Entity(const std::string& name) {
  auto ids = FindEntityIds(name);
  if (!ids.ok()) return ids.error();
  if (ids->empty()) return Error::NotFound("no entity named '" + name + "'");
  // Several rows can fold to one name (an alias shared by two entities):
  // take the most mentioned.
  int64_t id = (*ids)[0];
  uint64_t best = 0;
  for (int64_t cand : *ids) {
    Stmt c(*db_, "SELECT mentions FROM entities WHERE entity_id = ?");
    c.Bind(1, cand);
    if (c.Step() == sql::kRow && static_cast<uint64_t>(c.Int(0)) >= best) {
      best = c.Int(0);
      id = cand;
    }
  }
  EntityDetail d;
  Stmt e(*db_,
         "SELECT entity_id, name, type, articles, mentions, per_count, loc_count, org_count "
         "FROM entities WHERE entity_id = ?");
  e.Bind(1, id);
  if (e.Step() != sql::kRow) return Error::NotFound("no entity named '" + name + "'");
  d.entity = {e.Int(0), e.Text(1), e.Text(2), static_cast<uint64_t>(e.Int(3)),
              static_cast<uint64_t>(e.Int(4))};
  d.types = {{"PER", e.Int(5)}, {"LOC", e.Int(6)}, {"ORG", e.Int(7)}};
  auto pairs = [&](const char* q, std::vector<std::pair<std::string, uint64_t>>* out) {
    Stmt p(*db_, q);
    p.Bind(1, id);
    while (p.Step() == sql::kRow) out->emplace_back(p.Text(0), p.Int(1));
  };
  pairs(
      "SELECT alias, mentions FROM entity_aliases WHERE entity_id = ? "
      "ORDER BY mentions DESC, alias",
      &d.aliases);
  pairs(
      "SELECT role, count(*) FROM mentions WHERE entity_id = ? AND role IS NOT NULL "
      "GROUP BY role ORDER BY 2 DESC, 1 LIMIT 10",
      &d.roles);
  pairs(
      // Months the source gives: an article dated only by its year is left
      // out rather than counted in January.
      "SELECT substr(a.date, 1, 7), count(*) FROM mentions m JOIN articles a ON a.rowid = "
      "m.article_rowid WHERE m.entity_id = ? AND length(a.date) >= 7 GROUP BY 1 ORDER BY 1",
      &d.timeline);
  Stmt dates(*db_,
             "SELECT min(a.date), max(a.date) FROM mentions m JOIN articles a ON a.rowid = "
             "m.article_rowid WHERE m.entity_id = ? AND a.date IS NOT NULL");
  dates.Bind(1, id);
  if (dates.Step() == sql::kRow) {
    d.first_date = dates.OptText(0);
    d.last_date = dates.OptText(1);
  }
  Stmt co(*db_,
          "SELECT e.entity_id, e.name, e.type, count(DISTINCT m2.article_rowid) AS n, e.mentions "
          "FROM mentions m1 JOIN mentions m2 ON m2.article_rowid = m1.article_rowid AND "
          "m2.entity_id != m1.entity_id JOIN entities e ON e.entity_id = m2.entity_id "
          "WHERE m1.entity_id = ? GROUP BY e.entity_id, e.name, e.type, e.mentions, e.key "
          "ORDER BY n DESC, e.mentions DESC, e.key LIMIT 15");
  co.Bind(1, id);
  while (co.Step() == sql::kRow)
    d.cooccurring.push_back({co.Int(0), co.Text(1), co.Text(2), static_cast<uint64_t>(co.Int(3)),
                             static_cast<uint64_t>(co.Int(4))});
  return d;
}

Result<std::vector<StoredQuote>> Archive::Quotes(const QuoteQuery& q, size_t* total) {
  std::string where = " WHERE 1 = 1";
  std::vector<int64_t> speaker_ids;
  if (q.speaker) {
    auto ids = FindEntityIds(*q.speaker);
    if (!ids.ok()) return ids.error();
    speaker_ids = *ids;
    std::string list;
    for (int64_t id : speaker_ids) list += (list.empty() ? "" : ",") + std::to_string(id);
    // By entity, or by the speaker's name or role as written.
    where += " AND (q.speaker_entity_id IN (" + (list.empty() ? std::string("NULL") : list) +
             sql::Pick(*db_,
                       ") OR q.speaker = ?1 COLLATE NOCASE OR q.speaker_role LIKE '%' || ?1 || "
                       "'%')",
                       // Folds ASCII letters only (the columns are C-collated), like
                       // SQLite's NOCASE and LIKE.
                       ") OR lower(q.speaker) = lower(?1) OR lower(q.speaker_role) LIKE '%' || "
                       "lower(?1) || '%' ESCAPE '')");
  }
  std::optional<std::string> match;
  if (q.about) {
    auto parsed = ParseQuery(*q.about);
    if (!parsed.ok()) return parsed.error();
    auto langs = Languages();
    if (!langs.ok()) return langs.error();
    auto condition = backend_->QuoteCondition(*this, *parsed, *langs);
    if (!condition.ok()) return condition.error();
    match = condition->second;
    where += " AND " + condition->first;
  }
  for (const auto* d : {&q.since, &q.until})
    if (*d && !IsValidDate(**d))
      return Error::InvalidArgument("invalid date '" + **d +
                                    "': expected YYYY, YYYY-MM or YYYY-MM-DD");
  if (q.since) where += " AND a.date_hi >= ?3";
  if (q.until) where += " AND a.date_lo <= ?4";
  auto bind = [&](Stmt& st) {
    if (q.speaker) st.Bind(1, *q.speaker);
    if (match) st.Bind(2, *match);
    if (q.since) st.Bind(3, DateLow(*q.since));
    if (q.until) st.Bind(4, DateHigh(*q.until));
  };
  const std::string from = " FROM quotes q JOIN articles a ON a.rowid = q.article_rowid";
  if (total) {
    Stmt c(*db_, "SELECT count(*)" + from + where);
    if (!c.ok()) return Error::Database("quotes: " + c.error());
    bind(c);
    *total = c.Step() == sql::kRow ? static_cast<size_t>(c.Int(0)) : 0;
  }
  Stmt st(
      *db_,
      "SELECT a.id, a.title, a.date, a.outlet, q.text, q.speaker, coalesce(q.speaker_mention, ''), "
      "coalesce(q.speaker_role, ''), coalesce(q.cue, ''), q.start, q.\"end\", "
      "coalesce(q.speaker_kind, ''), coalesce(q.confidence, 0), q.partial" +
          from + where + " ORDER BY a.date_hi DESC NULLS LAST, a.id, q.seq LIMIT ?5 OFFSET ?6");
  if (!st.ok()) return Error::Database("quotes: " + st.error());
  bind(st);
  st.Bind(5, static_cast<int64_t>(q.limit)).Bind(6, static_cast<int64_t>(q.offset));
  std::vector<StoredQuote> out;
  int rc;
  while ((rc = st.Step()) == sql::kRow) {
    StoredQuote s;
    s.article_id = st.Text(0);
    s.title = st.OptText(1);
    s.date = st.OptText(2);
    s.outlet = st.OptText(3);
    s.quote.text = st.Text(4);
    s.quote.speaker = st.OptText(5);
    s.quote.speaker_mention = st.Text(6);
    s.quote.speaker_role = st.Text(7);
    s.quote.cue = st.Text(8);
    s.quote.begin = static_cast<uint32_t>(st.Int(9));
    s.quote.end = static_cast<uint32_t>(st.Int(10));
    s.quote.speaker_kind = st.Text(11);
    s.quote.confidence = static_cast<float>(st.Double(12));
    s.quote.partial = st.Int(13) != 0;
    out.push_back(std::move(s));
  }
  if (rc != sql::kDone) return DbError(*db_, "quotes");
  return out;
}

}  // namespace veille
