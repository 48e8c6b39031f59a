// pg_search.cc: ranked and faceted search on PostgreSQL (see pg_backend.h).
//
// The query goes through the same parser and translation as on SQLite
// (ParseQuery, Archive::MatchExpression: analysed terms, stems of every
// archive language, stop-word grams); that FTS5 expression becomes a
// tsquery (phrases with <->, OR |, AND &, NOT & !, prefixes :*, NEAR groups
// of grams <0>), which the GIN index answers. Ranking is FTS5's bm25 with
// the archive's weights (title 3, body 1): the number of rows and tokens
// come from fts_stats, each phrase's document frequency from the index, and
// each matching row's phrase counts from the positions of the query's
// lexemes in its tsvector, so that scores, and therefore the top results,
// are those of SQLite.
#include <algorithm>
#include <cmath>
#include <queue>
#include <unordered_map>

#include "archive/pg_backend.h"
#include "veille/entities.h"
#include "veille/query.h"
#include "veille/text.h"

namespace veille {

using sql::DbError;
using sql::ResetOnExit;
using sql::Stmt;

namespace {

constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
constexpr double kTitleWeight = 3.0, kBodyWeight = 1.0;
constexpr char kPreAnalyzed = '\x1E';

// --- FTS5 expression -> tsquery ---

class Fts5Parser {
 public:
  explicit Fts5Parser(std::string_view s) : s_(s) {}

  Result<PgQuery> Run() {
    PgQuery q;
    auto t = Expr(&q, false);
    if (!t.ok()) return t.error();
    Skip();
    if (i_ != s_.size()) return Error::Internal("unexpected text in match expression");
    q.tsquery = std::move(t).value();
    return q;
  }

 private:
  void Skip() {
    while (i_ < s_.size() && s_[i_] == ' ') ++i_;
  }
  bool Keyword(std::string_view k) {
    Skip();
    if (s_.substr(i_, k.size()) != k) return false;
    const size_t e = i_ + k.size();
    if (e < s_.size() && s_[e] != ' ' && s_[e] != '(' && s_[e] != '"') return false;
    i_ = e;
    return true;
  }

  Result<std::string> Expr(PgQuery* q, bool negated) {
    auto left = Term(q, negated);
    if (!left.ok()) return left.error();
    std::string out = std::move(left).value();
    for (;;) {
      const char* op = nullptr;
      bool neg = negated;
      if (Keyword("OR")) {
        op = " | ";
      } else if (Keyword("AND")) {
        op = " & ";
      } else if (Keyword("NOT")) {
        op = " & !";
        neg = true;
      } else {
        break;
      }
      auto right = Term(q, neg);
      if (!right.ok()) return right.error();
      out = "(" + out + op + *right + ")";
    }
    return out;
  }

  Result<std::string> String(std::vector<std::string>* terms) {
    Skip();
    if (i_ >= s_.size() || s_[i_] != '"') return Error::Internal("expected a string");
    std::string text;
    for (++i_; i_ < s_.size(); ++i_) {
      if (s_[i_] == '"') {
        if (i_ + 1 < s_.size() && s_[i_ + 1] == '"') {
          text.push_back('"');
          ++i_;
          continue;
        }
        break;
      }
      text.push_back(s_[i_]);
    }
    if (i_ >= s_.size()) return Error::Internal("unterminated string");
    ++i_;
    if (!text.empty() && text[0] == kPreAnalyzed) text.erase(0, 1);
    std::string_view v(text);
    while (!v.empty()) {
      const size_t sp = v.find(' ');
      if (sp != 0) terms->emplace_back(v.substr(0, sp));
      if (sp == std::string_view::npos) break;
      v.remove_prefix(sp + 1);
    }
    if (terms->empty()) return Error::Internal("empty phrase");
    return text;
  }

  static std::string PhraseQuery(const PgQuery::Phrase& p) {
    std::string out = p.terms.size() > 1 ? "(" : "";
    for (size_t k = 0; k < p.terms.size(); ++k) {
      if (k) out += " <-> ";
      out.push_back('\'');
      for (char c : p.terms[k]) {
        if (c == '\'' || c == '\\') out.push_back(c == '\'' ? '\'' : '\\');
        out.push_back(c);
      }
      out.push_back('\'');
      if (p.prefix && k + 1 == p.terms.size()) out += ":*";
    }
    if (p.terms.size() > 1) out += ")";
    return out;
  }

  Result<std::string> Phrase(PgQuery* q, bool negated, int near_group) {
    PgQuery::Phrase p;
    if (auto s = String(&p.terms); !s.ok()) return s.error();
    Skip();
    if (i_ < s_.size() && s_[i_] == '*') {
      p.prefix = true;
      ++i_;
    }
    p.negated = negated;
    p.near_group = near_group;
    std::string text = PhraseQuery(p);
    q->phrases.push_back(std::move(p));
    q->phrase_tsquery.push_back(text);
    return text;
  }

  Result<std::string> Term(PgQuery* q, bool negated) {
    Skip();
    if (i_ >= s_.size()) return Error::Internal("match expression ends early");
    if (s_[i_] == '(') {
      ++i_;
      auto e = Expr(q, negated);
      if (!e.ok()) return e.error();
      Skip();
      if (i_ >= s_.size() || s_[i_] != ')') return Error::Internal("expected ')'");
      ++i_;
      return "(" + *e + ")";
    }
    if (Keyword("NEAR")) {
      Skip();
      if (i_ >= s_.size() || s_[i_] != '(') return Error::Internal("expected NEAR(");
      ++i_;
      const int group = near_groups_++;
      std::string out;
      for (;;) {
        Skip();
        if (i_ < s_.size() && s_[i_] == ',') {
          while (i_ < s_.size() && s_[i_] != ')') ++i_;
          if (i_ < s_.size()) ++i_;
          break;
        }
        if (i_ < s_.size() && s_[i_] == ')') {
          ++i_;
          break;
        }
        auto p = Phrase(q, negated, group);
        if (!p.ok()) return p.error();
        out += (out.empty() ? "" : " <0> ") + *p;
      }
      return "(" + out + ")";
    }
    return Phrase(q, negated, -1);
  }

  std::string_view s_;
  size_t i_ = 0;
  int near_groups_ = 0;
};

// A PostgreSQL text[] literal.
std::string TextArray(const std::vector<std::string>& v) {
  std::string s = "{";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += ',';
    s += '"';
    for (char c : v[i]) {
      if (c == '"' || c == '\\') s += '\\';
      s += c;
    }
    s += '"';
  }
  return s + "}";
}

std::string LikePrefix(const std::string& p) {
  std::string s;
  for (char c : p) {
    if (c == '%' || c == '_' || c == '\\') s += '\\';
    s += c;
  }
  return s + "%";
}

std::vector<FacetCount> TopCounts(const std::unordered_map<std::string, uint64_t>& counts,
                                  size_t top) {
  std::vector<FacetCount> out;
  for (const auto& [value, n] : counts) out.push_back({value, n, ""});
  auto by_count = [](const FacetCount& a, const FacetCount& b) {
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  };
  std::sort(out.begin(), out.end(), by_count);
  if (out.size() > top) out.resize(top);
  return out;
}

struct PgSnapshot : SearchAttributes::Snapshot {};

}  // namespace

Result<PgQuery> Fts5ToTsquery(std::string_view match) { return Fts5Parser(match).Run(); }

struct PgBackend::Matches {
  size_t total = 0;
  std::vector<std::pair<double, int64_t>> best;                  // (bm25 value, rowid), best first
  std::unordered_map<int64_t, std::vector<uint32_t>> positions;  // body positions, best rows
  std::unordered_map<std::string, uint64_t> language, outlet, month;
};

Result<PgBackend::Matches> PgBackend::Match(Archive& archive, const SearchOptions& o, size_t keep,
                                            bool facets) {
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
  auto query = Fts5ToTsquery(*match);
  if (!query.ok()) return query.error();
  const PgQuery& pq = *query;

  // BM25's statistics: rows and tokens of the index, each phrase's rows.
  double rows = 0, avgdl = 1.0;
  {
    Stmt& st = Cached("SELECT rows, tokens FROM fts_stats WHERE tab = 'articles'");
    ResetOnExit reset(st);
    if (st.Step() != sql::kRow) return DbError(db_, "search (statistics)");
    rows = static_cast<double>(st.Int(0));
    const double tokens = static_cast<double>(st.Int(1));
    avgdl = rows > 0 ? tokens / rows : 1.0;
    if (avgdl <= 0) avgdl = 1.0;
  }
  std::vector<double> idf(pq.phrases.size(), 0.0);
  std::vector<std::string> exact, prefixes;
  for (size_t i = 0; i < pq.phrases.size(); ++i) {
    const auto& p = pq.phrases[i];
    if (p.negated) continue;  // never counted in a matching row
    Stmt& c = Cached("SELECT count(*) FROM articles_fts WHERE tsv @@ CAST(?1 AS tsquery)");
    ResetOnExit reset(c);
    c.Bind(1, pq.phrase_tsquery[i]);
    if (c.Step() != sql::kRow) return DbError(db_, "search (document frequency)");
    const double hits = static_cast<double>(c.Int(0));
    const double v = std::log((rows - hits + 0.5) / (hits + 0.5));
    idf[i] = v <= 0.0 ? 1e-6 : v;
    for (size_t k = 0; k < p.terms.size(); ++k)
      (p.prefix && k + 1 == p.terms.size() ? prefixes : exact).push_back(p.terms[k]);
  }
  std::vector<std::string> likes;
  for (const auto& p : prefixes) likes.push_back(LikePrefix(p));

  const bool filtered = o.language || o.since || o.until || o.outlet || o.entity;
  const bool join = facets || filtered;
  std::string sql =
      "SELECT f.rowid, f.title_len, f.title_len + f.body_len, (SELECT string_agg(u.lexeme || "
      "chr(9) || "
      "array_to_string(u.positions, ','), chr(10)) FROM unnest(f.tsv) u WHERE u.lexeme = "
      "ANY(CAST(?2 AS TEXT[])) OR u.lexeme LIKE ANY(CAST(?3 AS TEXT[])))";
  if (facets)
    sql += ", a.language, a.outlet, CASE WHEN length(a.date) >= 7 THEN substr(a.date, 1, 7) END";
  sql += " FROM articles_fts f";
  if (join) sql += " JOIN articles a ON a.rowid = f.rowid";
  sql += " WHERE f.tsv @@ CAST(?1 AS tsquery)";
  if (o.language) sql += " AND a.language = ?4";
  if (o.since) sql += " AND a.date_hi >= ?5";
  if (o.until) sql += " AND a.date_lo <= ?6";
  if (o.outlet) sql += " AND lower(a.outlet) = lower(CAST(?7 AS TEXT))";
  if (o.entity) {
    auto ids = archive.FindEntityIds(*o.entity);
    if (!ids.ok()) return ids.error();
    std::string list;
    for (int64_t id : *ids) list += (list.empty() ? "" : ",") + std::to_string(id);
    if (list.empty()) list = "-1";
    sql += " AND f.rowid IN (SELECT article_rowid FROM mentions WHERE entity_id IN (" + list + "))";
  }
  Stmt st(db_, sql);
  st.Bind(1, pq.tsquery).Bind(2, TextArray(exact)).Bind(3, TextArray(likes));
  if (o.language) st.Bind(4, *o.language);
  if (o.since) st.Bind(5, DateLow(*o.since));
  if (o.until) st.Bind(6, DateHigh(*o.until));
  if (o.outlet) st.Bind(7, *o.outlet);

  Matches m;
  using Ranked = std::pair<double, int64_t>;
  std::priority_queue<Ranked> heap;  // worst on top
  std::unordered_map<int64_t, std::vector<uint32_t>> where;
  std::unordered_map<std::string, std::vector<int>> at;
  std::vector<double> freq(pq.phrases.size());
  std::vector<std::vector<int>> starts(pq.phrases.size());
  int rc;
  while ((rc = st.Step()) == sql::kRow) {
    const int64_t rowid = st.Int(0);
    const int title_len = static_cast<int>(st.Int(1));
    ++m.total;
    if (facets) {
      if (!st.IsNull(4)) ++m.language[st.Text(4)];
      if (!st.IsNull(5)) ++m.outlet[st.Text(5)];
      if (!st.IsNull(6)) ++m.month[st.Text(6)];
    }
    if (keep == 0) continue;
    // lexeme \t p1,p2,... per line
    at.clear();
    std::string_view lines = st.TextView(3);
    while (!lines.empty()) {
      const size_t nl = lines.find('\n');
      std::string_view line = lines.substr(0, nl);
      const size_t tab = line.find('\t');
      if (tab != std::string_view::npos) {
        auto& v = at[std::string(line.substr(0, tab))];
        std::string_view ps = line.substr(tab + 1);
        while (!ps.empty()) {
          const size_t comma = ps.find(',');
          v.push_back(std::atoi(std::string(ps.substr(0, comma)).c_str()));
          if (comma == std::string_view::npos) break;
          ps.remove_prefix(comma + 1);
        }
      }
      if (nl == std::string_view::npos) break;
      lines.remove_prefix(nl + 1);
    }
    auto positions_of = [&](const std::string& term, bool prefix) {
      std::vector<int> out;
      if (!prefix) {
        if (auto it = at.find(term); it != at.end()) out = it->second;
        return out;
      }
      for (const auto& [lex, ps] : at)
        if (lex.starts_with(term)) out.insert(out.end(), ps.begin(), ps.end());
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
      return out;
    };
    // Each phrase's instances: where its first term is, the others following.
    for (size_t i = 0; i < pq.phrases.size(); ++i) {
      starts[i].clear();
      const auto& p = pq.phrases[i];
      if (p.negated) continue;
      std::vector<std::vector<int>> ps;
      for (size_t k = 0; k < p.terms.size(); ++k)
        ps.push_back(positions_of(p.terms[k], p.prefix && k + 1 == p.terms.size()));
      for (int s : ps[0]) {
        bool ok = true;
        for (size_t k = 1; k < ps.size() && ok; ++k)
          ok = std::binary_search(ps[k].begin(), ps[k].end(), s + static_cast<int>(k));
        // Title positions are 1..title_len, body ones after a gap: a phrase
        // never spans the two columns.
        if (ok) starts[i].push_back(s);
      }
    }
    // NEAR(..., 0) groups: an instance counts where every phrase of its
    // group has one at the same position.
    for (size_t i = 0; i < pq.phrases.size(); ++i) {
      const int g = pq.phrases[i].near_group;
      if (g < 0) continue;
      std::vector<int> kept;
      for (int s : starts[i]) {
        bool all = true;
        for (size_t j = 0; j < pq.phrases.size() && all; ++j)
          if (j != i && pq.phrases[j].near_group == g)
            all = std::find(starts[j].begin(), starts[j].end(), s) != starts[j].end();
        if (all) kept.push_back(s);
      }
      starts[i] = std::move(kept);
    }
    for (size_t i = 0; i < pq.phrases.size(); ++i) {
      double f = 0;
      for (int s : starts[i]) f += s <= title_len ? kTitleWeight : kBodyWeight;
      freq[i] = f;
    }
    const double length = st.Double(2);  // title and body tokens, as FTS5's docsize
    double score = 0;
    const double norm = kK1 * (1 - kB + kB * length / avgdl);
    for (size_t i = 0; i < idf.size(); ++i)
      score += idf[i] * (freq[i] * (kK1 + 1.0)) / (freq[i] + norm);
    Ranked x{-score, rowid};
    if (heap.size() < keep) {
      heap.push(x);
    } else if (x < heap.top()) {
      where.erase(heap.top().second);
      heap.pop();
      heap.push(x);
    } else {
      continue;
    }
    std::vector<uint32_t>& w = where[rowid];
    for (size_t i = 0; i < pq.phrases.size(); ++i)
      for (int s : starts[i])
        if (s > title_len)
          for (size_t k = 0; k < pq.phrases[i].terms.size(); ++k)
            w.push_back(static_cast<uint32_t>(s - title_len - 2 + static_cast<int>(k)));
    std::sort(w.begin(), w.end());
    w.erase(std::unique(w.begin(), w.end()), w.end());
  }
  if (rc != sql::kDone) return DbError(db_, "search");
  m.best.resize(heap.size());
  for (size_t i = m.best.size(); i-- > 0;) {
    m.best[i] = heap.top();
    heap.pop();
  }
  m.positions = std::move(where);
  return m;
}

Result<SearchResult> PgBackend::Search(Archive& archive, const SearchOptions& o) {
  auto m = Match(archive, o, o.offset + o.limit, false);
  if (!m.ok()) return m.error();
  SearchResult r;
  r.query = o.query;
  r.total = m->total;
  Stmt& row =
      Cached("SELECT id, title, date, outlet, language, text FROM articles WHERE rowid = ?1");
  ResetOnExit reset_row(row);
  for (size_t i = o.offset; i < m->best.size(); ++i) {
    row.Reset();
    row.Bind(1, m->best[i].second);
    if (row.Step() != sql::kRow) return DbError(db_, "search hit");
    SearchHit h;
    h.id = row.Text(0);
    h.score = -m->best[i].first;
    h.title = row.OptText(1);
    h.date = row.OptText(2);
    h.outlet = row.OptText(3);
    h.language = row.Text(4);
    if (o.snippets) {
      static const std::vector<uint32_t> kNone;
      auto it = m->positions.find(m->best[i].second);
      h.snippet = SnippetAt(analyzer_, row.TextView(5), h.language,
                            it != m->positions.end() ? it->second : kNone);
    }
    r.hits.push_back(std::move(h));
  }
  return r;
}

Result<std::shared_ptr<const SearchAttributes::Snapshot>> PgBackend::RefreshAttributes(
    const std::shared_ptr<const SearchAttributes::Snapshot>& previous, int64_t generation) {
  // Filters and facets are read with the matches: nothing to hold.
  if (previous && previous->generation == generation) return previous;
  auto next = std::make_shared<PgSnapshot>();
  next->generation = generation;
  return std::shared_ptr<const SearchAttributes::Snapshot>(std::move(next));
}

Result<SearchPage> PgBackend::SearchWithFacets(Archive& archive, const SearchAttributes::Snapshot&,
                                               const SearchOptions& o, size_t top,
                                               size_t entity_sample) {
  auto m = Match(archive, o, std::max(o.offset + o.limit, entity_sample), true);
  if (!m.ok()) return m.error();
  SearchPage page;
  SearchFacets& f = page.facets;
  f.total = m->total;
  f.language = TopCounts(m->language, top);
  f.outlet = TopCounts(m->outlet, top);
  for (const auto& [value, n] : m->month) f.month.push_back({value, n, ""});
  std::sort(f.month.begin(), f.month.end(),
            [](const FacetCount& a, const FacetCount& b) { return a.value < b.value; });
  Stmt& hit = Cached("SELECT id, title, date, outlet, language FROM articles WHERE rowid = ?1");
  ResetOnExit reset_hit(hit);
  for (size_t i = o.offset; i < m->best.size() && i < o.offset + o.limit; ++i) {
    hit.Reset();
    hit.Bind(1, m->best[i].second);
    if (hit.Step() != sql::kRow) return DbError(db_, "search hit");
    SearchHit h;
    h.id = hit.Text(0);
    h.score = -m->best[i].first;
    h.title = hit.OptText(1);
    h.date = hit.OptText(2);
    h.outlet = hit.OptText(3);
    h.language = hit.Text(4);
    if (auto it = m->positions.find(m->best[i].second); it != m->positions.end())
      h.positions = std::move(it->second);
    page.hits.push_back(std::move(h));
  }
  if (top > 0 && entity_sample > 0) {
    const size_t n = std::min(entity_sample, m->best.size());
    std::string ids = "{";
    for (size_t i = 0; i < n; ++i) ids += (i ? "," : "") + std::to_string(m->best[i].second);
    ids += "}";
    f.entity_sample = n;
    Stmt& men = Cached(
        "SELECT e.entity_id, e.name, e.type, count(DISTINCT m.article_rowid) FROM mentions m "
        "JOIN entities e USING(entity_id) WHERE m.article_rowid = ANY(CAST(?1 AS BIGINT[])) "
        "GROUP BY e.entity_id, e.name, e.type ORDER BY 4 DESC, 1 LIMIT ?2");
    ResetOnExit reset_men(men);
    men.Bind(1, ids).Bind(2, static_cast<int64_t>(top));
    int rc;
    while ((rc = men.Step()) == sql::kRow)
      f.entities.push_back({men.Text(1), static_cast<uint64_t>(men.Int(3)), men.Text(2)});
    if (rc != sql::kDone) return DbError(db_, "entity facet");
  }
  return page;
}

Result<std::pair<std::string, std::string>> PgBackend::QuoteCondition(
    Archive& archive, const ParsedQuery& query, const std::vector<std::string>& languages) {
  auto match = archive.MatchExpression(query, languages);
  if (!match.ok()) return match.error();
  auto q = Fts5ToTsquery(*match);
  if (!q.ok()) return q.error();
  return std::make_pair(std::string("q.quote_id IN (SELECT quote_id FROM quotes_fts WHERE tsv @@ "
                                    "CAST(?2 AS tsquery))"),
                        q->tsquery);
}

}  // namespace veille
