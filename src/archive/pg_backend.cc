// pg_backend.cc: the archive on PostgreSQL: schema and migrations, the
// article registry and month partitions, the tsvector index and the reuse
// index (see pg_backend.h; the search is in pg_search.cc).
#include "archive/pg_backend.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "archive/migrations.h"
#include "veille/text.h"

namespace veille {

using sql::DbError;
using sql::Exec;
using sql::ResetOnExit;
using sql::Stmt;

namespace {

// The advisory lock keys: schema creation, and the write turn.
constexpr const char* kSchemaLock = "SELECT pg_advisory_xact_lock(7665696001)";
constexpr const char* kWriteTurn = "SELECT pg_advisory_xact_lock(7665696002)";

constexpr char kPreAnalyzed = '\x1E';  // PreAnalyze's marker (text.h)
// tsvector limits: positions above are clamped by PostgreSQL, and a lexeme
// keeps at most kMaxPositions of them.
constexpr int kMaxPosition = 16383;
constexpr size_t kMaxPositions = 256;

using Terms = std::vector<std::pair<std::string, bool>>;  // (term, colocated)

// The index terms of one column: PreAnalyze's output as it is, else the
// text analysed for the index (AnalyzeForIndex: what the FTS5 tokenizer
// indexes on SQLite).
Terms ColumnTerms(const TextAnalyzer& analyzer, const std::string* pre, const std::string& language,
                  std::string_view text) {
  Terms out;
  if (pre && !pre->empty() && (*pre)[0] == kPreAnalyzed) {
    std::string_view s(*pre);
    s.remove_prefix(1);
    while (!s.empty()) {
      const size_t sp = s.find(' ');
      std::string_view t = s.substr(0, sp);
      if (!t.empty())
        out.emplace_back(std::string(t), t.find(kStopGramSeparator) != std::string_view::npos);
      if (sp == std::string_view::npos) break;
      s.remove_prefix(sp + 1);
    }
    return out;
  }
  analyzer.AnalyzeForIndex(
      text, language,
      [](void* ctx, std::string_view term, uint32_t, uint32_t, bool colocated) {
        static_cast<Terms*>(ctx)->emplace_back(std::string(term), colocated);
        return true;
      },
      &out);
  return out;
}

// Quoted for a tsvector or tsquery literal.
void AppendLexeme(std::string_view term, std::string* out) {
  out->push_back('\'');
  for (char c : term) {
    if (c == '\'') out->push_back('\'');
    if (c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('\'');
}

// 64-bit keys as PostgreSQL bigint array literals (two's complement).
std::string BigintArray(const std::vector<uint64_t>& keys) {
  std::string s = "{";
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i) s += ',';
    s += std::to_string(static_cast<int64_t>(keys[i]));
  }
  return s + "}";
}

std::string Blob(const std::vector<uint64_t>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()),
                     values.size() * sizeof(uint64_t));
}

std::vector<uint64_t> FromBlob(const std::string& blob) {
  std::vector<uint64_t> out(blob.size() / sizeof(uint64_t));
  if (!out.empty()) std::memcpy(out.data(), blob.data(), out.size() * sizeof(uint64_t));
  return out;
}

// 'YYYY-MM' of an article's date_lo, '' when it has none (or an odd one).
std::string MonthOf(const std::optional<std::string>& date_lo) {
  if (!date_lo || date_lo->size() < 7) return "";
  for (size_t i = 0; i < 7; ++i)
    if (i == 4 ? (*date_lo)[i] != '-' : !std::isdigit(static_cast<unsigned char>((*date_lo)[i])))
      return "";
  return date_lo->substr(0, 7);
}

constexpr int kReuseBand = 0, kReuseFingerprint = 1;

}  // namespace

std::string MakeTsvector(const Terms& title, const Terms& body, int* title_len, int* body_len) {
  std::map<std::string, std::vector<std::pair<int, bool>>> at;  // term -> (position, title)
  auto add = [&](const Terms& terms, int first, bool is_title) {
    int n = 0, pos = first;
    for (const auto& [term, colocated] : terms) {
      if (!colocated) pos = first + n++;
      at[term].emplace_back(std::min(pos, kMaxPosition), is_title);
    }
    return n;
  };
  *title_len = add(title, 1, true);
  *body_len = add(body, *title_len + 2, false);
  std::string out;
  for (auto& [term, positions] : at) {
    if (!out.empty()) out.push_back(' ');
    AppendLexeme(term, &out);
    std::sort(positions.begin(), positions.end());
    positions.erase(std::unique(positions.begin(), positions.end(),
                                [](const auto& a, const auto& b) { return a.first == b.first; }),
                    positions.end());
    if (positions.size() > kMaxPositions) positions.resize(kMaxPositions);
    for (size_t i = 0; i < positions.size(); ++i) {
      out.push_back(i ? ',' : ':');
      out += std::to_string(positions[i].first);
      if (positions[i].second) out.push_back('A');
    }
  }
  return out;
}

std::unique_ptr<Backend> NewPgBackend(sql::Db& db, const TextAnalyzer& analyzer, OpenMode mode) {
  return std::make_unique<PgBackend>(db, analyzer, mode);
}

sql::Stmt& PgBackend::Cached(std::string_view sql) {
  auto it = cached_.find(std::string(sql));
  if (it == cached_.end()) it = cached_.emplace(std::string(sql), std::make_unique<Stmt>()).first;
  Stmt& st = *it->second;
  if (!st.ok()) st.Prepare(db_, sql);
  st.Reset();
  return st;
}

// --- schema ---

Status PgBackend::CreateOrMigrate() {
  if (kBaseSchemaVersion + static_cast<int>(Migrations().size()) != kSchemaVersion)
    return Error::Internal("kSchemaVersion does not match the migration list");
  // Two workers starting on an empty database: one creates, the other waits.
  if (auto s = Exec(db_, "BEGIN"); !s.ok()) return s;
  auto fail = [&](Status s) {
    (void)Exec(db_, "ROLLBACK");
    return s;
  };
  if (auto s = Exec(db_, kSchemaLock); !s.ok()) return fail(s);
  int version = 0;
  {
    Stmt has(db_, "SELECT to_regclass('meta') IS NOT NULL");
    if (has.Step() != sql::kRow) return fail(DbError(db_, "reading the schema"));
    if (has.Int(0)) {
      Stmt v(db_, "SELECT value FROM meta WHERE key = 'schema_version'");
      if (v.Step() == sql::kRow) version = std::stoi(v.Text(0));
    }
  }
  if (version != 0 && (version < kPgBaseSchemaVersion || version > kSchemaVersion))
    return fail(Error::BadInput("archive has schema version " + std::to_string(version) +
                                ", expected " + std::to_string(kSchemaVersion)));
  if (version == kSchemaVersion) return Exec(db_, "COMMIT");  // nothing to write (a standby)
  if (version == 0) {
    if (auto s = Exec(db_, PgSchema()); !s.ok())
      return fail(Error::Database("creating the archive: " + s.error().message));
    version = kPgBaseSchemaVersion;
  }
  for (int v = version; v < kSchemaVersion; ++v) {
    const Migration& m = Migrations()[v - kBaseSchemaVersion];
    if (!m.postgres)
      return fail(
          Error::Internal(std::string("migration '") + m.name + "' has no PostgreSQL text"));
    if (auto s = Exec(db_, m.postgres); !s.ok())
      return fail(Error::Database("migrating the archive to schema version " +
                                  std::to_string(v + 1) + " (" + m.name +
                                  "): " + s.error().message));
  }
  Stmt meta(db_,
            "INSERT INTO meta(key, value) VALUES('schema_version', ?1) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  meta.Bind(1, std::to_string(kSchemaVersion));
  if (meta.Step() != sql::kDone) return fail(DbError(db_, "writing schema version"));
  return Exec(db_, "COMMIT");
}

Status PgBackend::CheckVersion(const std::string& location) {
  Stmt has(db_, "SELECT to_regclass('meta') IS NOT NULL");
  if (has.Step() != sql::kRow) return DbError(db_, "reading the schema of " + location);
  if (!has.Int(0))
    return Error::NotFound(location + " holds no Veille archive (run `veille ingest` first)");
  Stmt st(db_, "SELECT value FROM meta WHERE key = 'schema_version'");
  if (st.Step() != sql::kRow)
    return Error::BadInput(location + " is not a Veille archive (no schema version)");
  const int v = std::stoi(st.Text(0));
  if (v < kPgBaseSchemaVersion || v > kSchemaVersion)
    return Error::BadInput(location + " has schema version " + std::to_string(v) + ", expected " +
                           std::to_string(kSchemaVersion));
  return OkStatus();
}

Result<bool> PgBackend::HasTable(const std::string& name) {
  Stmt& st = Cached("SELECT to_regclass(CAST(?1 AS TEXT)) IS NOT NULL");
  ResetOnExit reset(st);
  st.Bind(1, name);
  if (st.Step() != sql::kRow) return DbError(db_, "schema");
  return st.Int(0) != 0;
}

// --- the connection ---

Result<int64_t> PgBackend::DataVersion() {
  // The WAL position moves with every commit; a standby's with every replay.
  Stmt& st = Cached(
      "SELECT CAST((CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() "
      "ELSE pg_current_wal_insert_lsn() END) - '0/0' AS BIGINT)");
  ResetOnExit reset(st);
  if (st.Step() != sql::kRow) return DbError(db_, "reading the data version");
  return st.Int(0);
}

Result<uint64_t> PgBackend::SizeBytes() {
  Stmt st(db_, "SELECT pg_database_size(current_database())");
  if (st.Step() != sql::kRow) return DbError(db_, "reading the archive size");
  return static_cast<uint64_t>(st.Int(0));
}

// --- transactions ---

Status PgBackend::Begin() {
  if (auto s = Exec(db_, "BEGIN"); !s.ok()) return s;
  if (mode_ == OpenMode::kReadOnly) return OkStatus();
  return Exec(db_, kWriteTurn);
}
Status PgBackend::Commit() { return Exec(db_, "COMMIT"); }
Status PgBackend::Rollback() { return Exec(db_, "ROLLBACK"); }
bool PgBackend::InTransaction() { return PQtransactionStatus(db_.conn()) != PQTRANS_IDLE; }

// --- article rows ---

Status PgBackend::EnsurePartition(const std::string& month) {
  if (partitions_.count(month)) return OkStatus();
  std::string name = "articles_" + month;
  std::replace(name.begin(), name.end(), '-', '_');
  // Inside the write turn: no other Veille writer creates it meanwhile.
  if (month.empty()) {
    partitions_.insert(month);
    return OkStatus();
  }
  if (auto s = Exec(db_, "CREATE TABLE IF NOT EXISTS " + name +
                             " PARTITION OF articles FOR "
                             "VALUES IN ('" +
                             month + "')");
      !s.ok())
    return s;
  partitions_.insert(month);
  return OkStatus();
}

Result<std::optional<int64_t>> PgBackend::InsertArticle(const ArticleRow& r, bool) {
  const std::string month = MonthOf(r.date_lo);
  // Every row id comes from the sequence: never used before.
  Stmt& reg = Cached(
      "INSERT INTO article_ids(rowid, id, content_hash, source_group, duplicate_of, month) "
      "VALUES(nextval('articles_rowid_seq'), ?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO NOTHING "
      "RETURNING rowid");
  ResetOnExit reset_reg(reg);
  reg.Bind(1, r.id).Bind(2, r.content_hash).Bind(3, r.source_group).Bind(4, r.duplicate_of);
  reg.Bind(5, month);
  int rc = reg.Step();
  if (rc == sql::kDone) return std::optional<int64_t>();  // another writer's
  if (rc != sql::kRow) return DbError(db_, "storing " + r.id);
  const int64_t rowid = reg.Int(0);
  if (auto s = EnsurePartition(month); !s.ok()) return s.error();
  Stmt& ins = Cached(
      "INSERT INTO articles(id, content_hash, source, source_group, title, date, date_lo, "
      "date_hi, date_in_text, language, outlet, url, summary, flags, text, metadata, "
      "duplicate_of, ingested_at, rowid, month) "
      "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)");
  ResetOnExit reset(ins);
  ins.Bind(1, r.id).Bind(2, r.content_hash).Bind(3, r.source).Bind(4, r.source_group);
  ins.Bind(5, r.title).Bind(6, r.date).Bind(7, r.date_lo).Bind(8, r.date_hi);
  ins.Bind(9, r.date_in_text).Bind(10, r.language).Bind(11, r.outlet).Bind(12, r.url);
  ins.Bind(13, r.summary).Bind(14, r.flags_json);
  if (r.text) {
    ins.BindStatic(15, *r.text);
  } else {
    ins.BindNull(15);
  }
  ins.Bind(16, r.metadata_json).Bind(17, r.duplicate_of).Bind(18, r.ingested_at);
  ins.Bind(19, rowid).Bind(20, month);
  if (ins.Step() != sql::kDone) return DbError(db_, "storing " + r.id);
  return std::optional<int64_t>(rowid);
}

Status PgBackend::DeleteArticle(int64_t rowid) {
  for (const char* q :
       {"DELETE FROM articles WHERE rowid = ?1", "DELETE FROM article_ids WHERE rowid = ?1"}) {
    Stmt& st = Cached(q);
    ResetOnExit reset(st);
    st.Bind(1, rowid);
    if (st.Step() != sql::kDone) return DbError(db_, "removing an article");
  }
  return OkStatus();
}

Status PgBackend::MakeDuplicate(int64_t rowid, const std::string& id, const std::string& of) {
  for (const char* q : {"UPDATE articles SET text = NULL, duplicate_of = ?2 WHERE rowid = ?1",
                        "UPDATE article_ids SET duplicate_of = ?2 WHERE rowid = ?1"}) {
    Stmt& st = Cached(q);
    ResetOnExit reset(st);
    st.Bind(1, rowid).Bind(2, of);
    if (st.Step() != sql::kDone) return DbError(db_, "recording " + id + " as a duplicate");
  }
  for (const char* q : {"UPDATE articles SET duplicate_of = ?2 WHERE duplicate_of = ?1",
                        "UPDATE article_ids SET duplicate_of = ?2 WHERE duplicate_of = ?1"}) {
    Stmt& st = Cached(q);
    ResetOnExit reset(st);
    st.Bind(1, id).Bind(2, of);
    if (st.Step() != sql::kDone) return DbError(db_, "recording the duplicates of " + of);
  }
  return OkStatus();
}

Result<int64_t> PgBackend::MaxArticleRowid() {
  Stmt& st = Cached("SELECT coalesce(max(rowid), 0) FROM article_ids");
  ResetOnExit reset(st);
  if (st.Step() != sql::kRow) return DbError(db_, "reading the last article row id");
  return st.Int(0);
}

// --- full text ---

Status PgBackend::AddStats(const char* table, int64_t rows, int64_t tokens) {
  Stmt& st = Cached("UPDATE fts_stats SET rows = rows + ?2, tokens = tokens + ?3 WHERE tab = ?1");
  ResetOnExit reset(st);
  st.Bind(1, table).Bind(2, rows).Bind(3, tokens);
  if (st.Step() != sql::kDone) return DbError(db_, "counting indexed tokens");
  return OkStatus();
}

Status PgBackend::IndexText(int64_t rowid, const std::string& language, const std::string& title,
                            const std::string& body, const std::string* pre_title,
                            const std::string* pre_body) {
  int title_len = 0, body_len = 0;
  const std::string tsv =
      MakeTsvector(ColumnTerms(analyzer_, pre_title, language, title),
                   ColumnTerms(analyzer_, pre_body, language, body), &title_len, &body_len);
  Stmt& st = Cached(
      "INSERT INTO articles_fts(rowid, title_len, body_len, tsv) VALUES(?1, ?2, ?3, "
      "CAST(?4 AS tsvector))");
  ResetOnExit reset(st);
  st.Bind(1, rowid).Bind(2, int64_t{title_len}).Bind(3, int64_t{body_len}).Bind(4, tsv);
  if (st.Step() != sql::kDone) return DbError(db_, "indexing an article");
  return AddStats("articles", 1, title_len + body_len);
}

Status PgBackend::IndexArticle(int64_t rowid, const Article& a) {
  if (!a.index_body.empty())
    return IndexText(rowid, a.analysis.language, "", "", &a.index_title, &a.index_body);
  return IndexText(rowid, a.analysis.language, a.raw.title.value_or(""), a.clean.text, nullptr,
                   nullptr);
}

Status PgBackend::UnindexArticle(int64_t rowid, const std::string&, const std::string&,
                                 const std::string&) {
  Stmt& st = Cached("DELETE FROM articles_fts WHERE rowid = ?1 RETURNING title_len + body_len");
  ResetOnExit reset(st);
  st.Bind(1, rowid);
  int rc = st.Step();
  if (rc == sql::kDone) return OkStatus();
  if (rc != sql::kRow) return DbError(db_, "unindexing an article");
  const int64_t tokens = st.Int(0);
  st.Reset();
  return AddStats("articles", -1, -tokens);
}

Status PgBackend::IndexQuote(int64_t quote_id, const std::string& language, const std::string& text,
                             const std::string* preanalyzed) {
  int title_len = 0, len = 0;
  const std::string tsv =
      MakeTsvector({}, ColumnTerms(analyzer_, preanalyzed, language, text), &title_len, &len);
  Stmt& st =
      Cached("INSERT INTO quotes_fts(quote_id, len, tsv) VALUES(?1, ?2, CAST(?3 AS tsvector))");
  ResetOnExit reset(st);
  st.Bind(1, quote_id).Bind(2, int64_t{len}).Bind(3, tsv);
  if (st.Step() != sql::kDone) return DbError(db_, "indexing quote");
  return AddStats("quotes", 1, len);
}

Status PgBackend::UnindexQuote(int64_t quote_id, const std::string&, const std::string&) {
  Stmt& st = Cached("DELETE FROM quotes_fts WHERE quote_id = ?1 RETURNING len");
  ResetOnExit reset(st);
  st.Bind(1, quote_id);
  int rc = st.Step();
  if (rc == sql::kDone) return OkStatus();
  if (rc != sql::kRow) return DbError(db_, "unindexing quote");
  const int64_t tokens = st.Int(0);
  st.Reset();
  return AddStats("quotes", -1, -tokens);
}

Status PgBackend::Reindex(const std::function<void(uint64_t, uint64_t)>& progress) {
  if (auto s = Begin(); !s.ok()) return s;
  auto fail = [&](Status s) {
    (void)Rollback();
    return s;
  };
  if (auto s = Exec(db_,
                    "DELETE FROM articles_fts; DELETE FROM quotes_fts; "
                    "UPDATE fts_stats SET rows = 0, tokens = 0");
      !s.ok())
    return fail(s);
  uint64_t total = 0, done = 0;
  {
    Stmt c(db_, "SELECT count(*) FROM article_ids WHERE duplicate_of IS NULL");
    if (c.Step() != sql::kRow) return fail(DbError(db_, "reindex"));
    total = static_cast<uint64_t>(c.Int(0));
  }
  std::vector<std::tuple<int64_t, std::string, std::string, std::string>> batch;
  int64_t after = 0;
  for (;;) {
    // In row id order, a thousand at a time (one result set is held in memory).
    Stmt rows(db_,
              "SELECT rowid, language, coalesce(title, ''), coalesce(text, '') FROM articles "
              "WHERE duplicate_of IS NULL AND rowid > ?1 ORDER BY rowid LIMIT 1000");
    rows.Bind(1, after);
    batch.clear();
    int rc;
    while ((rc = rows.Step()) == sql::kRow)
      batch.emplace_back(rows.Int(0), rows.Text(1), rows.Text(2), rows.Text(3));
    if (rc != sql::kDone) return fail(DbError(db_, "reindex"));
    if (batch.empty()) break;
    for (const auto& [rowid, lang, title, text] : batch) {
      if (auto s = IndexText(rowid, lang, title, text, nullptr, nullptr); !s.ok()) return fail(s);
      if (++done % 1000 == 0 && progress) progress(done, total);
    }
    after = std::get<0>(batch.back());
  }
  Stmt quotes(db_,
              "SELECT q.quote_id, a.language, q.text FROM quotes q JOIN article_ids i ON i.rowid "
              "= q.article_rowid JOIN articles a ON a.rowid = i.rowid AND a.month = i.month "
              "ORDER BY q.quote_id");
  std::vector<std::tuple<int64_t, std::string, std::string>> qs;
  int rc;
  while ((rc = quotes.Step()) == sql::kRow)
    qs.emplace_back(quotes.Int(0), quotes.Text(1), quotes.Text(2));
  if (rc != sql::kDone) return fail(DbError(db_, "reindex"));
  for (const auto& [id, lang, text] : qs)
    if (auto s = IndexQuote(id, lang, text, nullptr); !s.ok()) return fail(s);
  if (auto s = Exec(db_,
                    "INSERT INTO meta(key, value) VALUES('fts_stop_grams', '1') "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
      !s.ok())
    return fail(s);
  if (progress) progress(done, total);
  return Commit();
}

// --- reuse index ---

Status PgBackend::AddReuseKeys(int64_t rowid, const std::vector<uint64_t>& bands,
                               const std::vector<uint64_t>& fingerprints) {
  Stmt& keys = Cached("INSERT INTO reuse_keys(article_rowid, bands, fps) VALUES(?1, ?2, ?3)");
  ResetOnExit reset(keys);
  keys.Bind(1, rowid).BindBlob(2, Blob(bands)).BindBlob(3, Blob(fingerprints));
  if (keys.Step() != sql::kDone) return DbError(db_, "storing reuse keys");
  Stmt& add = Cached(
      "INSERT INTO reuse_index(kind, key, article_rowid) SELECT ?1, k, ?2 FROM "
      "unnest(CAST(?3 AS BIGINT[])) k ON CONFLICT DO NOTHING");
  ResetOnExit reset_add(add);
  for (const auto& [kind, list] :
       {std::pair{kReuseBand, &bands}, {kReuseFingerprint, &fingerprints}}) {
    if (list->empty()) continue;
    add.Reset();
    add.Bind(1, int64_t{kind}).Bind(2, rowid).Bind(3, BigintArray(*list));
    if (add.Step() != sql::kDone) return DbError(db_, "indexing reuse keys");
  }
  return OkStatus();
}

Status PgBackend::RemoveReuseKeys(int64_t rowid) {
  Stmt& get = Cached("SELECT bands, fps FROM reuse_keys WHERE article_rowid = ?1");
  ResetOnExit reset(get);
  get.Bind(1, rowid);
  if (get.Step() != sql::kRow) return OkStatus();
  const std::vector<uint64_t> bands = FromBlob(get.Blob(0)), fps = FromBlob(get.Blob(1));
  get.Reset();
  Stmt& del = Cached(
      "DELETE FROM reuse_index WHERE kind = ?1 AND key = ANY(CAST(?3 AS BIGINT[])) AND "
      "article_rowid = ?2");
  ResetOnExit reset_del(del);
  for (const auto& [kind, list] : {std::pair{kReuseBand, &bands}, {kReuseFingerprint, &fps}}) {
    if (list->empty()) continue;
    del.Reset();
    del.Bind(1, int64_t{kind}).Bind(2, rowid).Bind(3, BigintArray(*list));
    if (del.Step() != sql::kDone) return DbError(db_, "removing reuse keys");
  }
  Stmt& drop = Cached("DELETE FROM reuse_keys WHERE article_rowid = ?1");
  ResetOnExit reset_drop(drop);
  drop.Bind(1, rowid);
  if (drop.Step() != sql::kDone) return DbError(db_, "removing reuse keys");
  return OkStatus();
}

Result<std::vector<int64_t>> PgBackend::ArticlesWithBands(const std::vector<uint64_t>& bands) {
  std::vector<int64_t> out;
  if (bands.empty()) return out;
  Stmt& st = Cached(
      "SELECT DISTINCT article_rowid FROM reuse_index WHERE kind = 0 AND "
      "key = ANY(CAST(?1 AS BIGINT[])) ORDER BY 1");
  ResetOnExit reset(st);
  st.Bind(1, BigintArray(bands));
  int rc;
  while ((rc = st.Step()) == sql::kRow) out.push_back(st.Int(0));
  if (rc != sql::kDone) return DbError(db_, "looking up near-duplicate candidates");
  return out;
}

Result<std::vector<int64_t>> PgBackend::ArticlesWithFingerprint(uint64_t fingerprint,
                                                                size_t limit) {
  Stmt& st = Cached(
      "SELECT article_rowid FROM reuse_index WHERE kind = 1 AND key = ?1 ORDER BY 1 LIMIT ?2");
  ResetOnExit reset(st);
  st.Bind(1, static_cast<int64_t>(fingerprint)).Bind(2, static_cast<int64_t>(limit));
  std::vector<int64_t> out;
  int rc;
  while ((rc = st.Step()) == sql::kRow) out.push_back(st.Int(0));
  if (rc != sql::kDone) return DbError(db_, "looking up a passage fingerprint");
  return out;
}

Result<std::vector<uint64_t>> PgBackend::Fingerprints(int64_t rowid) {
  Stmt& st = Cached("SELECT fps FROM reuse_keys WHERE article_rowid = ?1");
  ResetOnExit reset(st);
  st.Bind(1, rowid);
  if (st.Step() == sql::kRow) return FromBlob(st.Blob(0));
  return std::vector<uint64_t>();
}

}  // namespace veille
