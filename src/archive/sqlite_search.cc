// sqlite_search.cc: ranked and faceted search over the FTS5 index (SQLite
// backend; see sqlite_backend.h, rank.h and archive_queries.h).
#include <sqlite3.h>

#include <algorithm>
#include <limits>
#include <queue>
#include <utility>

#include "archive/sqlite_backend.h"
#include "veille/entities.h"
#include "veille/query.h"
#include "veille/text.h"

namespace veille {

using sql::DbError;
using sql::ResetOnExit;
using sql::Stmt;

namespace {

std::vector<FacetCount> TopCounts(const std::unordered_map<std::string, uint64_t>& counts,
                                  size_t top) {
  std::vector<FacetCount> out;
  out.reserve(counts.size());
  for (const auto& [value, n] : counts) out.push_back({value, n, ""});
  auto by_count = [](const FacetCount& a, const FacetCount& b) {
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  };
  if (out.size() > top) {
    std::partial_sort(out.begin(), out.begin() + top, out.end(), by_count);
    out.resize(top);
  } else {
    std::sort(out.begin(), out.end(), by_count);
  }
  return out;
}

constexpr uint32_t kNone = UINT32_MAX;

// "2021-08-12" -> 20210812; 0 for NULL or anything else (never matches a
// date filter, like NULL in SQL).
int32_t DateNumber(const unsigned char* p, int n) {
  if (!p || n != 10) return 0;
  int32_t v = 0;
  for (int i = 0; i < 10; ++i) {
    if (i == 4 || i == 7) continue;
    if (p[i] < '0' || p[i] > '9') return 0;
    v = v * 10 + (p[i] - '0');
  }
  return v;
}
int32_t DateNumber(const std::string& s) {
  return DateNumber(reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
}

// SQLite's NOCASE folds ASCII letters only; so does this.
std::string FoldAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// A value dictionary: few distinct languages, outlets and months.
struct Dict {
  std::vector<std::string> values;
  std::unordered_map<std::string, uint32_t> ids;
  uint32_t Id(const unsigned char* p, int n) {
    if (!p) return kNone;
    std::string v(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
    auto [it, fresh] = ids.emplace(v, static_cast<uint32_t>(values.size()));
    if (fresh) values.push_back(std::move(v));
    return it->second;
  }
  uint32_t Find(const std::string& v) const {
    auto it = ids.find(v);
    return it == ids.end() ? kNone : it->second;
  }
};

constexpr const char* kAttributeColumns =
    "language, outlet, CASE WHEN length(date) >= 7 THEN substr(date, 1, 7) END, date_lo, date_hi";

struct SqliteSnapshot : SearchAttributes::Snapshot {
  struct Row {
    int32_t lo = 0, hi = 0;  // date range as YYYYMMDD, 0 = none
    uint32_t language = kNone, outlet = kNone, month = kNone;
  };
  int64_t max_rowid = 0;
  std::vector<Row> rows;  // indexed by rowid; absent rows have language kNone
  Dict language, outlet, month;
  DocLengths lengths;  // full-text token counts, for veille_bm25 (rank.h)
  // Distinct entities named by each article: entity_ids[entity_begin[r] ..
  // entity_begin[r + 1]) for rowid r (mentions never change once stored).
  std::vector<uint32_t> entity_begin{0};
  std::vector<uint32_t> entity_ids;
};

}  // namespace

Result<std::shared_ptr<const SearchAttributes::Snapshot>> SqliteBackend::RefreshAttributes(
    const std::shared_ptr<const SearchAttributes::Snapshot>& previous, int64_t generation) {
  const int64_t max_rowid = generation;
  const auto* prev = static_cast<const SqliteSnapshot*>(previous.get());
  if (prev && prev->max_rowid >= max_rowid) return previous;
  // Copy and extend: searches running on the old snapshot keep it alive.
  auto next = std::make_shared<SqliteSnapshot>(prev ? *prev : SqliteSnapshot());
  Stmt st(db_, std::string("SELECT rowid, ") + kAttributeColumns +
                   " FROM articles WHERE rowid > ?1 AND rowid <= ?2");
  if (!st.ok()) return Error::Database("search attributes: " + st.error());
  st.Bind(1, next->max_rowid).Bind(2, max_rowid);
  // Rowids are dense in practice (no VACUUM reuse); a huge gap would still
  // only cost 20 bytes per missing rowid.
  next->rows.resize(static_cast<size_t>(max_rowid) + 1);
  int rc;
  while ((rc = st.Step()) == sql::kRow) {
    sqlite3_stmt* q = sql::SqliteDb::Raw(st);
    SqliteSnapshot::Row& r = next->rows[static_cast<size_t>(st.Int(0))];
    r.language = next->language.Id(sqlite3_column_text(q, 1), sqlite3_column_bytes(q, 1));
    r.outlet = next->outlet.Id(sqlite3_column_text(q, 2), sqlite3_column_bytes(q, 2));
    r.month = next->month.Id(sqlite3_column_text(q, 3), sqlite3_column_bytes(q, 3));
    r.lo = DateNumber(sqlite3_column_text(q, 4), sqlite3_column_bytes(q, 4));
    r.hi = DateNumber(sqlite3_column_text(q, 5), sqlite3_column_bytes(q, 5));
  }
  if (rc != sql::kDone) return DbError(db_, "search attributes");

  Stmt sizes(db_, "SELECT id, sz FROM articles_fts_docsize WHERE id > ?1 AND id <= ?2");
  if (!sizes.ok()) return Error::Database("search attributes: " + sizes.error());
  sizes.Bind(1, next->max_rowid).Bind(2, max_rowid);
  next->lengths.by_rowid.resize(static_cast<size_t>(max_rowid) + 1, DocLengths::kUnknownLength);
  while ((rc = sizes.Step()) == sql::kRow) {
    sqlite3_stmt* q = sql::SqliteDb::Raw(sizes);
    const auto* blob = static_cast<const char*>(sqlite3_column_blob(q, 1));
    next->lengths.by_rowid[static_cast<size_t>(sizes.Int(0))] = DocSizeTotal(
        std::string_view(blob ? blob : "", static_cast<size_t>(sqlite3_column_bytes(q, 1))));
  }
  if (rc != sql::kDone) return DbError(db_, "search attributes (lengths)");

  // Mentions in primary-key order, so by article.
  Stmt men(db_,
           "SELECT article_rowid, entity_id FROM mentions WHERE article_rowid > ?1 AND "
           "article_rowid <= ?2");
  if (!men.ok()) return Error::Database("search attributes: " + men.error());
  men.Bind(1, next->max_rowid).Bind(2, max_rowid);
  auto& begin = next->entity_begin;
  auto& ids = next->entity_ids;
  auto close_through = [&](int64_t rowid) {  // ends every article up to `rowid`
    const size_t from = begin.size() - 1;
    std::sort(ids.begin() + begin.back(), ids.end());
    ids.erase(std::unique(ids.begin() + begin.back(), ids.end()), ids.end());
    for (size_t r = from; r < static_cast<size_t>(rowid) + 1; ++r)
      begin.push_back(static_cast<uint32_t>(ids.size()));
  };
  // begin.size() - 1 is the rowid whose entities are being collected.
  while ((rc = men.Step()) == sql::kRow) {
    const int64_t rowid = men.Int(0);
    if (rowid > static_cast<int64_t>(begin.size()) - 1) close_through(rowid - 1);
    ids.push_back(static_cast<uint32_t>(men.Int(1)));
  }
  if (rc != sql::kDone) return DbError(db_, "search attributes (mentions)");
  close_through(max_rowid);
  next->max_rowid = max_rowid;
  next->generation = max_rowid;
  return std::shared_ptr<const SearchAttributes::Snapshot>(std::move(next));
}

Result<SearchPage> SqliteBackend::SearchWithFacets(Archive& archive,
                                                   const SearchAttributes::Snapshot& snapshot,
                                                   const SearchOptions& o, size_t top,
                                                   size_t entity_sample) {
  // The MATCH expression and filters must be exactly those of Archive::Search
  // so that hits and counts agree with it (and with the CLI).
  auto parsed = ParseQuery(o.query);
  if (!parsed.ok()) return parsed.error();
  std::vector<std::string> languages;
  if (o.language) {
    languages = {*o.language};
  } else {
    auto langs = archive.Languages();
    if (!langs.ok()) return langs.error();
    languages = *langs;
  }
  auto match = archive.MatchExpression(*parsed, languages);
  if (!match.ok()) return match.error();
  for (const auto* d : {&o.since, &o.until})
    if (*d && !IsValidDate(**d))
      return Error::InvalidArgument("invalid date '" + **d +
                                    "': expected YYYY, YYYY-MM or YYYY-MM-DD");
  const auto& snap = static_cast<const SqliteSnapshot&>(snapshot);
  using Row = SqliteSnapshot::Row;

  // Filters, resolved once against the dictionaries.
  const int32_t since = o.since ? DateNumber(DateLow(*o.since)) : 0;
  const int32_t until = o.until ? DateNumber(DateHigh(*o.until)) : 0;
  const uint32_t language = o.language ? snap.language.Find(*o.language) : kNone;
  std::vector<bool> outlet_ok;
  if (o.outlet) {
    const std::string want = FoldAscii(*o.outlet);
    outlet_ok.resize(snap.outlet.values.size());
    for (size_t i = 0; i < outlet_ok.size(); ++i)
      outlet_ok[i] = FoldAscii(snap.outlet.values[i]) == want;
  }
  std::vector<int64_t> entity_rows;  // sorted rowids naming the entity
  if (o.entity) {
    auto ids = archive.FindEntityIds(*o.entity);
    if (!ids.ok()) return ids.error();
    Stmt& m = Cached("SELECT article_rowid FROM mentions WHERE entity_id = ?1");
    ResetOnExit reset_m(m);
    if (!m.ok()) return Error::Database("entity filter: " + m.error());
    for (int64_t id : *ids) {
      m.Reset();
      m.Bind(1, id);
      int rc;
      while ((rc = m.Step()) == sql::kRow) entity_rows.push_back(m.Int(0));
      if (rc != sql::kDone) return DbError(db_, "entity filter");
    }
    std::sort(entity_rows.begin(), entity_rows.end());
  }
  auto keep_row = [&](const Row& r, int64_t rowid) {
    if (o.language && r.language != language) return false;
    if (o.since && (r.hi == 0 || r.hi < since)) return false;
    if (o.until && (r.lo == 0 || r.lo > until)) return false;
    if (o.outlet && (r.outlet == kNone || !outlet_ok[r.outlet])) return false;
    if (o.entity && !std::binary_search(entity_rows.begin(), entity_rows.end(), rowid))
      return false;
    return true;
  };

  // veille_bm25 is the archive's rank (bm25 with title weight 3), with the
  // token counts from the snapshot instead of a %_docsize lookup per match.
  // veille_bm25_hits also records where the query matched (for snippets) in
  // the rows that may still make the page: `page_worst` holds the ranks of
  // the best page_end rows so far, and its top is the threshold.
  Stmt& st = Cached(
      "SELECT rowid, veille_bm25_hits(articles_fts, ?2, ?3, 3.0, 1.0) FROM articles_fts "
      "WHERE articles_fts MATCH ?1");
  ResetOnExit reset_st(st);
  if (!st.ok()) return Error::Database("search: " + st.error());
  HitCollector where;
  where.column = 1;  // body
  st.Bind(1, *match);
  sqlite3_bind_pointer(sql::SqliteDb::Raw(st), 2, const_cast<DocLengths*>(&snap.lengths),
                       kDocLengthsPointerType, nullptr);
  sqlite3_bind_pointer(sql::SqliteDb::Raw(st), 3, &where, kHitCollectorPointerType, nullptr);
  const size_t page_end = o.offset + o.limit;
  std::priority_queue<double> page_worst;
  if (page_end == 0) where.threshold = -std::numeric_limits<double>::infinity();  // no page

  // The best `keep` matches, worst on top: (rank, rowid); a lower rank
  // (bm25 is negative) is better, and storage order breaks ties.
  const size_t keep = std::max(o.offset + o.limit, entity_sample);
  using Ranked = std::pair<double, int64_t>;
  std::priority_queue<Ranked> best;
  std::vector<uint64_t> lang_n(snap.language.values.size()), outlet_n(snap.outlet.values.size()),
      month_n(snap.month.values.size());
  std::vector<Ranked> late;  // stored after the snapshot (an ingest is running)
  SearchPage page;
  int rc;
  while ((rc = st.Step()) == sql::kRow) {
    const int64_t rowid = st.Int(0);
    if (rowid > snap.max_rowid) {
      late.emplace_back(st.Double(1), rowid);
      continue;
    }
    const Row& r = snap.rows[static_cast<size_t>(rowid)];
    if (r.language == kNone || !keep_row(r, rowid)) continue;
    ++page.facets.total;
    Ranked x{st.Double(1), rowid};
    if (page_end > 0 && (page_worst.size() < page_end || x.first < page_worst.top())) {
      page_worst.push(x.first);
      if (page_worst.size() > page_end) page_worst.pop();
      if (page_worst.size() == page_end) where.threshold = page_worst.top();
    }
    if (best.size() < keep) {
      best.push(x);
    } else if (keep > 0 && x < best.top()) {
      best.pop();
      best.push(x);
    }
    ++lang_n[r.language];
    if (r.outlet != kNone) ++outlet_n[r.outlet];
    if (r.month != kNone) ++month_n[r.month];
  }
  if (rc != sql::kDone) return DbError(db_, "search");

  std::unordered_map<std::string, uint64_t> lang, outlet, month;
  for (size_t i = 0; i < lang_n.size(); ++i)
    if (lang_n[i]) lang[snap.language.values[i]] = lang_n[i];
  for (size_t i = 0; i < outlet_n.size(); ++i)
    if (outlet_n[i]) outlet[snap.outlet.values[i]] = outlet_n[i];
  for (size_t i = 0; i < month_n.size(); ++i)
    if (month_n[i]) month[snap.month.values[i]] = month_n[i];
  if (!late.empty()) {
    // Rare: read these few rows from the table, with the same filters.
    Stmt row(db_, std::string("SELECT ") + kAttributeColumns + " FROM articles WHERE rowid = ?1");
    if (!row.ok()) return Error::Database("search: " + row.error());
    for (const Ranked& x : late) {
      row.Reset();
      row.Bind(1, x.second);
      if (row.Step() != sql::kRow) continue;
      auto l = row.OptText(0), out = row.OptText(1), mo = row.OptText(2);
      const int32_t lo = DateNumber(row.Text(3)), hi = DateNumber(row.Text(4));
      if (!l || (o.language && *l != *o.language)) continue;
      if (o.since && (hi == 0 || hi < since)) continue;
      if (o.until && (lo == 0 || lo > until)) continue;
      if (o.outlet && (!out || FoldAscii(*out) != FoldAscii(*o.outlet))) continue;
      if (o.entity && !std::binary_search(entity_rows.begin(), entity_rows.end(), x.second))
        continue;
      ++page.facets.total;
      if (best.size() < keep) {
        best.push(x);
      } else if (keep > 0 && x < best.top()) {
        best.pop();
        best.push(x);
      }
      ++lang[*l];
      if (out) ++outlet[*out];
      if (mo) ++month[*mo];
    }
  }
  SearchFacets& f = page.facets;
  f.language = TopCounts(lang, top);
  f.outlet = TopCounts(outlet, top);
  for (const auto& [value, n] : month) f.month.push_back({value, n, ""});
  std::sort(f.month.begin(), f.month.end(),
            [](const FacetCount& a, const FacetCount& b) { return a.value < b.value; });

  std::vector<Ranked> ranked(best.size());
  for (size_t i = ranked.size(); i-- > 0;) {
    ranked[i] = best.top();
    best.pop();
  }

  Stmt& hit = Cached("SELECT id, title, date, outlet, language FROM articles WHERE rowid = ?1");
  ResetOnExit reset_hit(hit);
  if (!hit.ok()) return Error::Database("search: " + hit.error());
  for (size_t i = o.offset; i < ranked.size() && i < o.offset + o.limit; ++i) {
    hit.Reset();
    hit.Bind(1, ranked[i].second);
    if (hit.Step() != sql::kRow) return DbError(db_, "search hit");
    SearchHit h;
    h.id = hit.Text(0);
    h.score = -ranked[i].first;
    h.title = hit.OptText(1);
    h.date = hit.OptText(2);
    h.outlet = hit.OptText(3);
    h.language = hit.Text(4);
    if (auto it = where.positions.find(ranked[i].second); it != where.positions.end())
      h.positions = std::move(it->second);
    page.hits.push_back(std::move(h));
  }

  // Entity facet over the best-ranked matches, from the snapshot (articles
  // stored after it, while an ingest runs, are left out of the counts).
  if (top > 0 && entity_sample > 0) {
    std::vector<uint32_t> named;  // one entry per (article, entity)
    const size_t n = std::min(entity_sample, ranked.size());
    for (size_t i = 0; i < n; ++i) {
      const auto rowid = static_cast<size_t>(ranked[i].second);
      if (rowid + 1 >= snap.entity_begin.size()) continue;
      named.insert(named.end(), snap.entity_ids.begin() + snap.entity_begin[rowid],
                   snap.entity_ids.begin() + snap.entity_begin[rowid + 1]);
    }
    f.entity_sample = n;
    std::sort(named.begin(), named.end());
    std::vector<std::pair<int64_t, uint64_t>> order;  // entity, articles
    for (size_t i = 0; i < named.size();) {
      size_t j = i;
      while (j < named.size() && named[j] == named[i]) ++j;
      order.emplace_back(named[i], j - i);
      i = j;
    }
    // More articles first; among equals the older (lower) id, usually the
    // better-known entity, so that the order is stable.
    auto by_count = [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    };
    const size_t k = std::min(top, order.size());
    std::partial_sort(order.begin(), order.begin() + k, order.end(), by_count);
    Stmt& name = Cached("SELECT name, type FROM entities WHERE entity_id = ?1");
    ResetOnExit reset_name(name);
    if (!name.ok()) return Error::Database("entity facet: " + name.error());
    for (size_t i = 0; i < k; ++i) {
      name.Reset();
      name.Bind(1, order[i].first);
      if (name.Step() != sql::kRow) continue;
      f.entities.push_back({name.Text(0), order[i].second, name.Text(1)});
    }
  }
  return page;
}

Result<SearchResult> SqliteBackend::Search(Archive& archive, const SearchOptions& o) {
  auto parsed = ParseQuery(o.query);
  if (!parsed.ok()) return parsed.error();
  auto langs = archive.Languages();
  if (!langs.ok()) return langs.error();
  std::vector<std::string> languages = *langs;
  if (o.language) languages = {*o.language};
  auto match = archive.MatchExpression(*parsed, languages);
  if (!match.ok()) return match.error();

  for (const auto* d : {&o.since, &o.until})
    if (*d && !IsValidDate(**d))
      return Error::InvalidArgument("invalid date '" + **d +
                                    "': expected YYYY, YYYY-MM or YYYY-MM-DD");

  std::string where = " WHERE articles_fts MATCH ?1";
  if (o.language) where += " AND a.language = ?2";
  if (o.since) where += " AND a.date_hi >= ?3";
  if (o.until) where += " AND a.date_lo <= ?4";
  if (o.outlet) where += " AND a.outlet = ?5 COLLATE NOCASE";
  if (o.entity) {
    auto ids = archive.FindEntityIds(*o.entity);
    if (!ids.ok()) return ids.error();
    std::string list;
    for (int64_t id : *ids) list += (list.empty() ? "" : ",") + std::to_string(id);
    where +=
        " AND a.rowid IN (SELECT article_rowid FROM mentions WHERE entity_id IN (" + list + "))";
  }
  const bool filtered = o.language || o.since || o.until || o.outlet || o.entity;
  auto bind = [&](Stmt& st) {
    st.Bind(1, *match);
    if (o.language) st.Bind(2, *o.language);
    if (o.since) st.Bind(3, DateLow(*o.since));
    if (o.until) st.Bind(4, DateHigh(*o.until));
    if (o.outlet) st.Bind(5, *o.outlet);
  };

  if (auto s = RefreshDocLengths(); !s.ok()) return s.error();
  // One statement step ranks and counts every match: veille_bm25_top keeps
  // the best offset + limit rows (and where the query matched in them) as
  // FTS5 hands it each match, with the token counts from memory; the
  // aggregate keeps the rows inside SQLite. Only the page's rows are read.
  // (An auxiliary function cannot be an aggregate's argument, and the LIMIT
  // keeps SQLite from flattening the subquery into the aggregate.)
  Stmt& st = Cached(
      "SELECT count(r) FROM (SELECT veille_bm25_top(articles_fts, ?6, ?7, 3.0, 1.0) AS r FROM "
      "articles_fts" +
      std::string(filtered ? " JOIN articles a ON a.rowid = articles_fts.rowid" : "") + where +
      " LIMIT -1)");
  ResetOnExit reset_st(st);
  if (!st.ok()) return Error::Database("search: " + st.error());
  bind(st);
  TopCollector top;
  top.k = o.offset + o.limit;
  top.column = 1;  // body
  sqlite3_bind_pointer(sql::SqliteDb::Raw(st), 6, doc_lengths_.get(), kDocLengthsPointerType,
                       nullptr);
  sqlite3_bind_pointer(sql::SqliteDb::Raw(st), 7, &top, kTopCollectorPointerType, nullptr);
  if (st.Step() != sql::kRow) return DbError(db_, "search");
  SearchResult r;
  r.query = o.query;
  r.total = static_cast<size_t>(st.Int(0));
  const auto ranked = top.TakeSorted();
  Stmt& row =
      Cached("SELECT id, title, date, outlet, language, text FROM articles WHERE rowid = ?1");
  ResetOnExit reset_row(row);
  if (!row.ok()) return Error::Database("search: " + row.error());
  for (size_t i = o.offset; i < ranked.size(); ++i) {
    row.Reset();
    row.Bind(1, ranked[i].second);
    if (row.Step() != sql::kRow) return DbError(db_, "search hit");
    SearchHit h;
    h.id = row.Text(0);
    h.score = -ranked[i].first;
    h.title = row.OptText(1);
    h.date = row.OptText(2);
    h.outlet = row.OptText(3);
    h.language = row.Text(4);
    // The snippet from where the query matched: the text is tokenised only
    // up to the extract, never stemmed.
    if (o.snippets) {
      static const std::vector<uint32_t> kNone;
      auto it = top.positions.find(ranked[i].second);
      h.snippet = SnippetAt(analyzer_, row.TextView(5), h.language,
                            it != top.positions.end() ? it->second : kNone);
    }
    r.hits.push_back(std::move(h));
  }
  return r;
}

Status SqliteBackend::RefreshDocLengths() {
  auto data_version = DataVersion();
  if (!data_version.ok()) return data_version.error();
  const int64_t version = *data_version;
  if (doc_lengths_ && version == doc_lengths_version_) return OkStatus();
  // Reading every row's count costs about what a third of them cost looked
  // up one by one: a connection that searches once (`veille search`) skips
  // it, one that searches again (a server, a script) reads them then.
  if (!doc_lengths_ && searches_++ == 0) return OkStatus();
  if (!doc_lengths_) doc_lengths_ = std::make_unique<DocLengths>();
  // Rows are only ever added (an updated article gets a new rowid), so
  // reading those after the last one loaded is enough.
  auto& by_rowid = doc_lengths_->by_rowid;
  Stmt& st = Cached("SELECT id, sz FROM articles_fts_docsize WHERE id >= ?1");
  ResetOnExit reset(st);
  if (!st.ok()) return Error::Database("search: " + st.error());
  st.Bind(1, static_cast<int64_t>(by_rowid.size()));
  int rc;
  while ((rc = st.Step()) == sql::kRow) {
    sqlite3_stmt* q = sql::SqliteDb::Raw(st);
    const int64_t id = sqlite3_column_int64(q, 0);
    if (id < 0) continue;
    if (static_cast<size_t>(id) >= by_rowid.size())
      by_rowid.resize(static_cast<size_t>(id) + 1, DocLengths::kUnknownLength);
    const auto* blob = static_cast<const char*>(sqlite3_column_blob(q, 1));
    by_rowid[static_cast<size_t>(id)] = DocSizeTotal(
        std::string_view(blob ? blob : "", static_cast<size_t>(sqlite3_column_bytes(q, 1))));
  }
  if (rc != sql::kDone) return DbError(db_, "search (token counts)");
  doc_lengths_version_ = version;
  return OkStatus();
}

Result<std::pair<std::string, std::string>> SqliteBackend::QuoteCondition(
    Archive& archive, const ParsedQuery& query, const std::vector<std::string>& languages) {
  auto match = archive.MatchExpression(query, languages);
  if (!match.ok()) return match.error();
  return std::make_pair(
      std::string("q.quote_id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?2)"),
      std::move(match).value());
}

}  // namespace veille
