// sqlite_backend.cc: the archive on SQLite: schema and migrations, one
// `articles` table, FTS5 full-text tables and the FTS5 reuse index (see
// backend.h; the search itself is in sqlite_search.cc).
#include "archive/sqlite_backend.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>

#include "archive/migrations.h"
#include "archive/rank.h"
#include "archive/sqlite_db.h"
#include "veille/hash.h"
#include "veille/text.h"

namespace veille {

using sql::DbError;
using sql::Exec;
using sql::ResetOnExit;
using sql::Stmt;

namespace {

// The schema. Kept in step with docs/schema.md.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS articles(
  rowid        INTEGER PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  content_hash TEXT NOT NULL,
  source       TEXT NOT NULL,
  source_group TEXT NOT NULL,
  title        TEXT,
  date         TEXT,
  date_lo      TEXT,
  date_hi      TEXT,
  date_in_text TEXT,
  language     TEXT NOT NULL,
  outlet       TEXT,
  url          TEXT,
  summary      TEXT,
  flags        TEXT NOT NULL DEFAULT '[]',
  text         TEXT,
  metadata     TEXT NOT NULL DEFAULT '{}',
  duplicate_of TEXT,
  run_id       INTEGER,
  ingested_at  TEXT NOT NULL
);
-- Exact duplicates: the lookup of an original by its hash reads only this index.
CREATE INDEX IF NOT EXISTS articles_hash ON articles(content_hash, id, source_group, duplicate_of);
CREATE INDEX IF NOT EXISTS articles_date ON articles(date_lo);
CREATE INDEX IF NOT EXISTS articles_outlet ON articles(outlet);
CREATE INDEX IF NOT EXISTS articles_dup ON articles(duplicate_of);
CREATE TABLE IF NOT EXISTS removed_lines(
  article_rowid INTEGER NOT NULL,
  seq           INTEGER NOT NULL,
  text          TEXT NOT NULL,
  reason        TEXT NOT NULL,
  PRIMARY KEY(article_rowid, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS line_counts(
  source_group TEXT NOT NULL,
  fingerprint  INTEGER NOT NULL,
  count        INTEGER NOT NULL,
  PRIMARY KEY(source_group, fingerprint)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS source_groups(
  source_group TEXT PRIMARY KEY,
  articles     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ingest_runs(
  run_id      INTEGER PRIMARY KEY,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  inputs      TEXT NOT NULL,
  status      TEXT NOT NULL DEFAULT 'running',
  summary     TEXT
);
CREATE TABLE IF NOT EXISTS ingest_problems(
  run_id   INTEGER NOT NULL,
  severity TEXT NOT NULL,
  location TEXT NOT NULL,
  message  TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
  title, body, content='', tokenize='veille'
);
CREATE TABLE IF NOT EXISTS entities(
  entity_id INTEGER PRIMARY KEY,
  key       TEXT NOT NULL UNIQUE,
  name      TEXT NOT NULL,
  per_count INTEGER NOT NULL DEFAULT 0,
  loc_count INTEGER NOT NULL DEFAULT 0,
  org_count INTEGER NOT NULL DEFAULT 0,
  mentions  INTEGER NOT NULL DEFAULT 0,
  articles  INTEGER NOT NULL DEFAULT 0,
  type      TEXT GENERATED ALWAYS AS (CASE WHEN per_count >= loc_count AND per_count >= org_count
                  THEN 'PER' WHEN loc_count >= org_count THEN 'LOC' ELSE 'ORG' END) VIRTUAL
);
CREATE INDEX IF NOT EXISTS entities_articles ON entities(articles DESC);
CREATE TABLE IF NOT EXISTS entity_aliases(
  entity_id INTEGER NOT NULL,
  alias     TEXT NOT NULL,
  alias_key TEXT NOT NULL,
  mentions  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(entity_id, alias)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entity_aliases_key ON entity_aliases(alias_key);
CREATE TABLE IF NOT EXISTS mentions(
  article_rowid INTEGER NOT NULL,
  seq           INTEGER NOT NULL,
  entity_id     INTEGER NOT NULL,
  start         INTEGER NOT NULL,
  end           INTEGER NOT NULL,
  text          TEXT NOT NULL,
  type          TEXT NOT NULL,
  role          TEXT,
  PRIMARY KEY(article_rowid, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS mentions_entity ON mentions(entity_id, article_rowid);
CREATE TABLE IF NOT EXISTS quotes(
  quote_id          INTEGER PRIMARY KEY,
  article_rowid     INTEGER NOT NULL,
  seq               INTEGER NOT NULL,
  text              TEXT NOT NULL,
  speaker           TEXT,
  speaker_entity_id INTEGER,
  speaker_mention   TEXT,
  speaker_role      TEXT,
  cue               TEXT,
  start             INTEGER NOT NULL,
  end               INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS quotes_article ON quotes(article_rowid);
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(speaker_entity_id);
CREATE VIRTUAL TABLE IF NOT EXISTS quotes_fts USING fts5(text, content='', tokenize='veille');
CREATE TABLE IF NOT EXISTS signatures(
  article_rowid INTEGER PRIMARY KEY,
  sig           BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS reuse_keys(
  article_rowid INTEGER PRIMARY KEY,
  bands         BLOB NOT NULL,
  fps           BLOB NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS reuse_index USING fts5(
  key, content='', detail='none', columnsize=0, tokenize='ascii'
);
CREATE TABLE IF NOT EXISTS near_duplicates(
  a          INTEGER NOT NULL,
  b          INTEGER NOT NULL,
  similarity REAL NOT NULL,
  PRIMARY KEY(a, b)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS near_duplicates_b ON near_duplicates(b);
CREATE TABLE IF NOT EXISTS passages(
  passage_id INTEGER PRIMARY KEY,
  a          INTEGER NOT NULL,
  b          INTEGER NOT NULL,
  a_start    INTEGER NOT NULL,
  a_end      INTEGER NOT NULL,
  b_start    INTEGER NOT NULL,
  b_end      INTEGER NOT NULL,
  words      INTEGER NOT NULL,
  similarity REAL NOT NULL,
  direction  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS reuse_pending(
  article_rowid INTEGER PRIMARY KEY
);
CREATE INDEX IF NOT EXISTS passages_a ON passages(a);
CREATE INDEX IF NOT EXISTS passages_b ON passages(b);
)sql";
// reuse_index tokens: "b" + 16 hex digits for an LSH band key, "f" + 16 hex
// digits for a passage fingerprint. The ascii tokenizer keeps each one whole.
void AppendToken(char kind, uint64_t key, std::string* out) {
  if (!out->empty()) out->push_back(' ');
  out->push_back(kind);
  *out += HexHash(key);
}

// reuse_keys holds the arrays of 64-bit keys as blobs.
std::string Blob(const std::vector<uint64_t>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()),
                     values.size() * sizeof(uint64_t));
}

std::vector<uint64_t> FromBlob(const std::string& blob) {
  std::vector<uint64_t> out(blob.size() / sizeof(uint64_t));
  if (!out.empty()) std::memcpy(out.data(), blob.data(), out.size() * sizeof(uint64_t));
  return out;
}

}  // namespace

std::unique_ptr<Backend> NewSqliteBackend(sql::Db& db, const TextAnalyzer& analyzer) {
  return std::make_unique<SqliteBackend>(db, analyzer);
}

sql::Stmt& SqliteBackend::Cached(std::string_view sql) {
  auto it = cached_.find(std::string(sql));
  if (it == cached_.end()) it = cached_.emplace(std::string(sql), std::make_unique<Stmt>()).first;
  Stmt& st = *it->second;
  if (!st.ok()) st.Prepare(db_, sql);  // again after a failure: the schema may have changed
  st.Reset();
  return st;
}

// --- schema ---

Status SqliteBackend::CreateOrMigrate() {
  if (kBaseSchemaVersion + static_cast<int>(Migrations().size()) != kSchemaVersion)
    return Error::Internal("kSchemaVersion does not match the migration list");
  // Checkpoint less often while writing: hot pages (B-tree interiors, FTS
  // segments) are then copied to the database once per 64 MB of WAL, not
  // once per 4 MB.
  if (auto s = Exec(db_,
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA wal_autocheckpoint=16384;");
      !s.ok())
    return s;
  Stmt check(db_, "SELECT value FROM meta WHERE key='schema_version'");
  int version = 0;
  if (check.ok() && check.Step() == sql::kRow) {
    version = std::stoi(check.Text(0));
    check.Reset();
    if (version == 2) {
      if (auto s = MigrateFromVersion2(); !s.ok()) return s;
      version = 3;
    }
    if (version < kBaseSchemaVersion || version > kSchemaVersion)
      return Error::BadInput("archive has schema version " + std::to_string(version) +
                             ", expected " + std::to_string(kSchemaVersion));
    if (version == kSchemaVersion) return OkStatus();
  }
  if (auto s = Exec(db_, "BEGIN IMMEDIATE"); !s.ok()) return s;
  auto fail = [&](Status s) {
    (void)Exec(db_, "ROLLBACK");
    return s;
  };
  if (version == 0) {
    if (auto s = Exec(db_, kSchema); !s.ok()) return fail(s);
    // Title hits weigh three times body hits (BM25 column weights).
    if (auto s = Exec(db_,
                      "INSERT INTO articles_fts(articles_fts, rank) VALUES('rank', 'bm25(3.0, "
                      "1.0)')");
        !s.ok())
      return fail(s);
    version = kBaseSchemaVersion;
  }
  for (int v = version; v < kSchemaVersion; ++v) {
    const Migration& m = Migrations()[v - kBaseSchemaVersion];
    if (auto s = Exec(db_, m.sqlite); !s.ok())
      return fail(Error::Database("migrating the archive to schema version " +
                                  std::to_string(v + 1) + " (" + m.name +
                                  "): " + s.error().message));
  }
  Stmt meta(db_,
            "INSERT INTO meta(key, value) VALUES('schema_version', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  meta.Bind(1, std::to_string(kSchemaVersion));
  if (meta.Step() != sql::kDone) return fail(DbError(db_, "writing schema version"));
  return Exec(db_, "COMMIT");
}

// Version 3 added `source_groups`, the originals per group that each run
// read by scanning every article before.
Status SqliteBackend::MigrateFromVersion2() {
  if (auto s = Exec(db_, "BEGIN IMMEDIATE"); !s.ok()) return s;
  // kSchema only creates what is missing: here, source_groups.
  Status s = Exec(db_, kSchema);
  if (s.ok())
    s = Exec(db_,
             "INSERT INTO source_groups SELECT source_group, count(*) FROM articles "
             "WHERE duplicate_of IS NULL GROUP BY source_group;"
             "UPDATE meta SET value = '3' WHERE key = 'schema_version'");
  if (!s.ok()) {
    (void)Exec(db_, "ROLLBACK");
    return Error::Database("migrating the archive from schema version 2: " + s.error().message);
  }
  return Exec(db_, "COMMIT");
}

Status SqliteBackend::CheckVersion(const std::string& location) {
  Stmt st(db_, "SELECT value FROM meta WHERE key='schema_version'");
  if (!st.ok() || st.Step() != sql::kRow)
    return Error::BadInput(location + " is not a Veille archive (no schema version)");
  int v = std::stoi(st.Text(0));
  if (v < kOldestSchemaVersion || v > kSchemaVersion)
    return Error::BadInput(location + " has schema version " + std::to_string(v) + ", expected " +
                           std::to_string(kSchemaVersion));
  return OkStatus();
}

Result<bool> SqliteBackend::HasTable(const std::string& name) {
  Stmt& st = Cached("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?1");
  ResetOnExit reset(st);
  if (!st.ok()) return Error::Database("schema: " + st.error());
  st.Bind(1, name);
  int rc = st.Step();
  if (rc == sql::kRow) return true;
  if (rc == sql::kDone) return false;
  return DbError(db_, "schema");
}

// --- the connection ---

Status SqliteBackend::SetCacheSize(size_t mb) {
  return Exec(db_, "PRAGMA mmap_size=0; PRAGMA cache_size=-" + std::to_string(mb * 1024));
}

Status SqliteBackend::Preload() {
  for (const char* q :
       {"SELECT sum(length(block)) FROM reuse_index_data", "SELECT count(*) FROM reuse_index_idx",
        "SELECT sum(length(sig)) FROM signatures",
        "SELECT count(*) FROM articles INDEXED BY articles_hash",
        "SELECT count(id) FROM articles INDEXED BY sqlite_autoindex_articles_1"}) {
    Stmt st(db_, q);
    if (!st.ok() || st.Step() != sql::kRow) return DbError(db_, "preloading the archive");
  }
  return OkStatus();
}

Result<int64_t> SqliteBackend::DataVersion() {
  // PRAGMA data_version changes when another connection commits.
  Stmt& v = Cached("PRAGMA data_version");
  ResetOnExit reset(v);
  if (!v.ok() || v.Step() != sql::kRow) return DbError(db_, "reading the data version");
  return v.Int(0);
}

Result<uint64_t> SqliteBackend::SizeBytes() {
  Stmt st(db_, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()");
  if (!st.ok() || st.Step() != sql::kRow) return DbError(db_, "reading the archive size");
  return static_cast<uint64_t>(st.Int(0));
}

// --- transactions ---

Status SqliteBackend::Begin() { return Exec(db_, "BEGIN IMMEDIATE"); }
Status SqliteBackend::Commit() { return Exec(db_, "COMMIT"); }
Status SqliteBackend::Rollback() { return Exec(db_, "ROLLBACK"); }

// --- article rows ---

Result<std::optional<int64_t>> SqliteBackend::InsertArticle(const ArticleRow& r, bool fresh_rowid) {
  Stmt& ins = Cached(
      "INSERT INTO articles(id, content_hash, source, source_group, title, date, date_lo, "
      "date_hi, date_in_text, language, outlet, url, summary, flags, text, metadata, "
      "duplicate_of, ingested_at, rowid) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  ResetOnExit reset(ins);
  if (!ins.ok()) return Error::Database("preparing insert: " + ins.error());
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
  if (fresh_rowid) {
    // A row id never used before, even when the old version was the last:
    // what readers hold in memory by rowid (token counts, search
    // attributes) then never goes stale.
    auto last = MaxArticleRowid();
    if (!last.ok()) return last.error();
    ins.Bind(19, *last + 1);
  }
  if (ins.Step() != sql::kDone) return DbError(db_, "storing " + r.id);
  return std::optional<int64_t>(sqlite3_last_insert_rowid(db_.handle()));
}

Status SqliteBackend::DeleteArticle(int64_t rowid) {
  Stmt& da = Cached("DELETE FROM articles WHERE rowid = ?");
  ResetOnExit reset(da);
  da.Bind(1, rowid);
  if (da.Step() != sql::kDone) return DbError(db_, "removing an article");
  return OkStatus();
}

Status SqliteBackend::MakeDuplicate(int64_t rowid, const std::string& id, const std::string& of) {
  Stmt& st = Cached("UPDATE articles SET text = NULL, duplicate_of = ?2 WHERE rowid = ?1");
  ResetOnExit reset(st);
  st.Bind(1, rowid).Bind(2, of);
  if (st.Step() != sql::kDone) return DbError(db_, "recording " + id + " as a duplicate");
  Stmt& re = Cached("UPDATE articles SET duplicate_of = ?2 WHERE duplicate_of = ?1");
  ResetOnExit reset_re(re);
  re.Bind(1, id).Bind(2, of);
  if (re.Step() != sql::kDone) return DbError(db_, "recording the duplicates of " + of);
  return OkStatus();
}

Result<int64_t> SqliteBackend::MaxArticleRowid() {
  Stmt& st = Cached("SELECT coalesce(max(rowid), 0) FROM articles");
  ResetOnExit reset(st);
  if (!st.ok() || st.Step() != sql::kRow) return DbError(db_, "reading the last article row id");
  return st.Int(0);
}

// --- full text ---

Status SqliteBackend::IndexArticle(int64_t rowid, const Article& a) {
  Stmt& fts = Cached("INSERT INTO articles_fts(rowid, title, body) VALUES(?, ?, ?)");
  ResetOnExit reset(fts);
  fts.Bind(1, rowid);
  if (!a.index_body.empty()) {
    fts.BindStatic(2, a.index_title).BindStatic(3, a.index_body);
  } else {
    fts.Bind(2, TagLanguage(a.analysis.language, a.raw.title.value_or("")))
        .Bind(3, TagLanguage(a.analysis.language, a.clean.text));
  }
  if (fts.Step() != sql::kDone) return DbError(db_, "indexing " + a.raw.id);
  return OkStatus();
}

Status SqliteBackend::UnindexArticle(int64_t rowid, const std::string& language,
                                     const std::string& title, const std::string& text) {
  // A contentless FTS5 table needs the indexed values back.
  Stmt& del = Cached(
      "INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES('delete', ?, ?, ?)");
  ResetOnExit reset(del);
  del.Bind(1, rowid).Bind(2, TagLanguage(language, title)).Bind(3, TagLanguage(language, text));
  if (del.Step() != sql::kDone) return DbError(db_, "unindexing an article");
  return OkStatus();
}

Status SqliteBackend::IndexQuote(int64_t quote_id, const std::string& language,
                                 const std::string& text, const std::string* preanalyzed) {
  Stmt& st = Cached("INSERT INTO quotes_fts(rowid, text) VALUES(?, ?)");
  ResetOnExit reset(st);
  st.Bind(1, quote_id);
  if (preanalyzed) {
    st.BindStatic(2, *preanalyzed);
  } else {
    st.Bind(2, TagLanguage(language, text));
  }
  if (st.Step() != sql::kDone) return DbError(db_, "indexing quote");
  return OkStatus();
}

Status SqliteBackend::UnindexQuote(int64_t quote_id, const std::string& language,
                                   const std::string& text) {
  Stmt& del = Cached("INSERT INTO quotes_fts(quotes_fts, rowid, text) VALUES('delete', ?, ?)");
  ResetOnExit reset(del);
  del.Bind(1, quote_id).Bind(2, TagLanguage(language, text));
  if (del.Step() != sql::kDone) return DbError(db_, "unindexing quote");
  return OkStatus();
}

Status SqliteBackend::Reindex(const std::function<void(uint64_t, uint64_t)>& progress) {
  if (auto s = Exec(db_, "BEGIN IMMEDIATE"); !s.ok()) return s;
  auto fail = [&](Status s) {
    (void)Exec(db_, "ROLLBACK");
    return s;
  };
  // Contentless tables cannot be rebuilt from themselves: empty them and
  // insert every indexed text again, as Store and StoreExtracted index them.
  if (auto s = Exec(db_,
                    "INSERT INTO articles_fts(articles_fts) VALUES('delete-all');"
                    "INSERT INTO quotes_fts(quotes_fts) VALUES('delete-all');");
      !s.ok())
    return fail(s);
  uint64_t total = 0, done = 0;
  {
    Stmt c(db_, "SELECT count(*) FROM articles WHERE duplicate_of IS NULL");
    if (!c.ok() || c.Step() != sql::kRow) return fail(DbError(db_, "reindex"));
    total = static_cast<uint64_t>(c.Int(0));
  }
  Stmt rows(db_,
            "SELECT rowid, language, coalesce(title, ''), coalesce(text, '') FROM articles "
            "WHERE duplicate_of IS NULL ORDER BY rowid");
  Stmt ins(db_, "INSERT INTO articles_fts(rowid, title, body) VALUES(?, ?, ?)");
  if (!rows.ok() || !ins.ok()) return fail(DbError(db_, "reindex"));
  int rc;
  while ((rc = rows.Step()) == sql::kRow) {
    const std::string lang = rows.Text(1);
    ins.Reset();
    ins.Bind(1, rows.Int(0))
        .Bind(2, PreAnalyze(analyzer_, lang, rows.Text(2)))
        .Bind(3, PreAnalyze(analyzer_, lang, rows.Text(3)));
    if (ins.Step() != sql::kDone) return fail(DbError(db_, "reindexing an article"));
    if (++done % 1000 == 0 && progress) progress(done, total);
  }
  if (rc != sql::kDone) return fail(DbError(db_, "reindex"));
  Stmt quotes(db_,
              "SELECT q.quote_id, a.language, q.text FROM quotes q JOIN articles a ON a.rowid = "
              "q.article_rowid ORDER BY q.quote_id");
  Stmt qins(db_, "INSERT INTO quotes_fts(rowid, text) VALUES(?, ?)");
  if (!quotes.ok() || !qins.ok()) return fail(DbError(db_, "reindex"));
  while ((rc = quotes.Step()) == sql::kRow) {
    qins.Reset();
    qins.Bind(1, quotes.Int(0)).Bind(2, PreAnalyze(analyzer_, quotes.Text(1), quotes.Text(2)));
    if (qins.Step() != sql::kDone) return fail(DbError(db_, "reindexing a quote"));
  }
  if (rc != sql::kDone) return fail(DbError(db_, "reindex"));
  if (auto s = Exec(db_,
                    "INSERT INTO articles_fts(articles_fts) VALUES('optimize');"
                    "INSERT OR REPLACE INTO meta(key, value) VALUES('fts_stop_grams', '1');");
      !s.ok())
    return fail(s);
  if (progress) progress(done, total);
  return Exec(db_, "COMMIT");
}

// --- reuse index ---

Status SqliteBackend::AddReuseKeys(int64_t rowid, const std::vector<uint64_t>& bands,
                                   const std::vector<uint64_t>& fingerprints) {
  Stmt& keys = Cached("INSERT INTO reuse_keys(article_rowid, bands, fps) VALUES(?, ?, ?)");
  ResetOnExit reset(keys);
  keys.Bind(1, rowid).BindBlob(2, Blob(bands)).BindBlob(3, Blob(fingerprints));
  if (keys.Step() != sql::kDone) return DbError(db_, "storing reuse keys");
  std::string tokens;
  for (uint64_t b : bands) AppendToken('b', b, &tokens);
  for (uint64_t f : fingerprints) AppendToken('f', f, &tokens);
  if (tokens.empty()) return OkStatus();
  Stmt& add = Cached("INSERT INTO reuse_index(rowid, key) VALUES(?, ?)");
  ResetOnExit reset_add(add);
  add.Bind(1, rowid).Bind(2, tokens);
  if (add.Step() != sql::kDone) return DbError(db_, "indexing reuse keys");
  return OkStatus();
}

// A contentless FTS5 table forgets a row only when given the tokens it
// indexed: reuse_keys keeps them.
Status SqliteBackend::RemoveReuseKeys(int64_t rowid) {
  Stmt& get = Cached("SELECT bands, fps FROM reuse_keys WHERE article_rowid = ?");
  ResetOnExit reset(get);
  get.Bind(1, rowid);
  if (get.Step() != sql::kRow) return OkStatus();
  std::string tokens;
  for (uint64_t k : FromBlob(get.Blob(0))) AppendToken('b', k, &tokens);
  for (uint64_t k : FromBlob(get.Blob(1))) AppendToken('f', k, &tokens);
  get.Reset();
  Stmt& del = Cached("INSERT INTO reuse_index(reuse_index, rowid, key) VALUES('delete', ?, ?)");
  ResetOnExit reset_del(del);
  del.Bind(1, rowid).Bind(2, tokens);
  if (del.Step() != sql::kDone) return DbError(db_, "removing reuse keys");
  Stmt& drop = Cached("DELETE FROM reuse_keys WHERE article_rowid = ?");
  ResetOnExit reset_drop(drop);
  drop.Bind(1, rowid);
  if (drop.Step() != sql::kDone) return DbError(db_, "removing reuse keys");
  return OkStatus();
}

Result<std::vector<int64_t>> SqliteBackend::ArticlesWithBands(const std::vector<uint64_t>& bands) {
  std::vector<int64_t> out;
  if (bands.empty()) return out;
  std::string query;  // one OR query: FTS5 merges the doclists
  for (uint64_t b : bands) {
    if (!query.empty()) query += " OR";
    AppendToken('b', b, &query);
  }
  Stmt& st = Cached("SELECT rowid FROM reuse_index WHERE reuse_index MATCH ?");
  ResetOnExit reset(st);
  st.Bind(1, query);
  int rc;
  while ((rc = st.Step()) == sql::kRow) out.push_back(st.Int(0));
  if (rc != sql::kDone) return DbError(db_, "looking up near-duplicate candidates");
  return out;
}

Result<std::vector<int64_t>> SqliteBackend::ArticlesWithFingerprint(uint64_t fingerprint,
                                                                    size_t limit) {
  Stmt& st = Cached("SELECT rowid FROM reuse_index WHERE reuse_index MATCH ? LIMIT ?");
  ResetOnExit reset(st);
  std::string token;
  AppendToken('f', fingerprint, &token);
  st.Bind(1, token).Bind(2, static_cast<int64_t>(limit));
  std::vector<int64_t> out;
  int rc;
  while ((rc = st.Step()) == sql::kRow) out.push_back(st.Int(0));
  if (rc != sql::kDone) return DbError(db_, "looking up a passage fingerprint");
  return out;
}

Result<std::vector<uint64_t>> SqliteBackend::Fingerprints(int64_t rowid) {
  Stmt& st = Cached("SELECT fps FROM reuse_keys WHERE article_rowid = ?");
  ResetOnExit reset(st);
  st.Bind(1, rowid);
  if (st.Step() == sql::kRow) return FromBlob(st.Blob(0));
  return std::vector<uint64_t>();
}

Status SqliteBackend::MergeReuseIndex(int64_t pages) {
  // Outside a transaction, steps of kStep pages each commit on their own;
  // inside one, a single step of `pages`.
  constexpr int64_t kStep = 4096;
  sqlite3* h = db_.handle();
  const bool own = sqlite3_get_autocommit(h) != 0;
  Stmt merge(db_, "INSERT INTO reuse_index(reuse_index, rank) VALUES('merge', ?)");
  if (!merge.ok()) return Error::Database("merging the reuse index: " + merge.error());
  while (pages > 0) {
    const int64_t n = own ? std::min(pages, kStep) : pages;
    pages -= n;
    if (own)
      if (auto s = Begin(); !s.ok()) return s;
    const int64_t before = sqlite3_total_changes64(h);
    merge.Reset();
    merge.Bind(1, -n);  // negative: merge all segments towards one
    if (merge.Step() != sql::kDone) {
      Status s = DbError(db_, "merging the reuse index");
      if (own) (void)Rollback();
      return s;
    }
    merge.Reset();
    // FTS5 changes fewer than two rows when there was nothing to merge.
    const bool done = sqlite3_total_changes64(h) - before < 2;
    if (own)
      if (auto s = Commit(); !s.ok()) return s;
    if (done) break;
  }
  return OkStatus();
}

// Off, a level still merges into the next once it holds `crisismerge`
// segments: FTS5 refuses a table more than 2,000 segments in all (SQLITE_FULL),
// and 512 keeps every level well under that at any size.
Status SqliteBackend::SetReuseIndexAutomerge(bool on) {
  return Exec(db_, on ? "INSERT INTO reuse_index(reuse_index, rank) VALUES('automerge', 4);"
                        "INSERT INTO reuse_index(reuse_index, rank) VALUES('crisismerge', 16);"
                      : "INSERT INTO reuse_index(reuse_index, rank) VALUES('automerge', 0);"
                        "INSERT INTO reuse_index(reuse_index, rank) VALUES('crisismerge', 512);");
}

}  // namespace veille
