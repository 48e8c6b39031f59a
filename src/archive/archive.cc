// archive.cc: the SQLite archive: schema, storage, look-ups and search.
#include "veille/archive.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "archive/internal.h"
#include "archive/versions.h"
#include "archive/migrations.h"
#include "archive/rank.h"
#include "archive/sqlite_util.h"
#include "veille/hash.h"
#include "veille/query.h"
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

std::string NowUtc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return kDays[m - 1];
}

std::string FlagsJson(const std::vector<std::string>& flags) {
  return nlohmann::json(flags).dump();
}

std::vector<std::string> ParseFlags(const std::string& s) {
  auto j = nlohmann::json::parse(s, nullptr, false);
  std::vector<std::string> out;
  if (j.is_array())
    for (auto& f : j)
      if (f.is_string()) out.push_back(f.get<std::string>());
  return out;
}

}  // namespace

bool IsValidDate(std::string_view s) {
  auto digits = [&](size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i)
      if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
    return true;
  };
  if (s.size() != 4 && s.size() != 7 && s.size() != 10) return false;
  if (!digits(0, 4)) return false;
  if (s.size() == 4) return true;
  if (s[4] != '-' || !digits(5, 2)) return false;
  int y = std::stoi(std::string(s.substr(0, 4)));
  int m = std::stoi(std::string(s.substr(5, 2)));
  if (m < 1 || m > 12) return false;
  if (s.size() == 7) return true;
  if (s[7] != '-' || !digits(8, 2)) return false;
  int d = std::stoi(std::string(s.substr(8, 2)));
  return d >= 1 && d <= DaysInMonth(y, m);
}

std::string DateLow(std::string_view date) {
  if (date.size() == 4) return std::string(date) + "-01-01";
  if (date.size() == 7) return std::string(date) + "-01";
  return std::string(date);
}

std::string DateHigh(std::string_view date) {
  if (date.size() == 4) return std::string(date) + "-12-31";
  if (date.size() == 7) {
    int y = std::stoi(std::string(date.substr(0, 4)));
    int m = std::stoi(std::string(date.substr(5, 2)));
    char buf[8];
    std::snprintf(buf, sizeof buf, "-%02d", DaysInMonth(y, m));
    return std::string(date) + buf;
  }
  return std::string(date);
}

Stmt& Archive::Cached(std::string_view sql) {
  auto it = cached_.find(std::string(sql));
  if (it == cached_.end()) it = cached_.emplace(std::string(sql), std::make_unique<Stmt>()).first;
  Stmt& st = *it->second;
  if (!st.ok()) st.Prepare(db_, sql);  // again after a failure: the schema may have changed
  st.Reset();
  return st;
}

Archive::Statements& Archive::stmts() {
  if (!stmts_) stmts_ = std::make_unique<Statements>(db_);
  return *stmts_;
}

Archive::Archive(sqlite3* db, std::unique_ptr<TextAnalyzer> analyzer)
    : db_(db), analyzer_(std::move(analyzer)) {}

Archive::~Archive() {
  stmts_.reset();  // statements must be finalised before the connection closes
  if (db_) sqlite3_close_v2(db_);
}

Result<std::unique_ptr<Archive>> Archive::Open(const std::string& path, OpenMode mode) {
  if (mode == OpenMode::kReadOnly && !std::filesystem::exists(path))
    return Error::NotFound("archive " + path + " does not exist (run `veille ingest` first)");
  auto analyzer = TextAnalyzer::Create();
  if (!analyzer.ok()) return analyzer.error();
  sqlite3* db = nullptr;
  int flags = mode == OpenMode::kReadOnly ? SQLITE_OPEN_READONLY
                                          : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  flags |= SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string msg =
        "cannot open archive " + path + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close_v2(db);
    return Error::Io(msg);
  }
  std::unique_ptr<Archive> a(new Archive(db, std::move(analyzer).value()));
  sqlite3_busy_timeout(db, 5000);
  if (auto s = RegisterFts5Tokenizer(db, a->analyzer_.get()); !s.ok()) return s.error();
  if (auto s = RegisterRankFunction(db); !s.ok()) return s.error();
  if (mode == OpenMode::kReadWrite) {
    // Checkpoint less often while writing: hot pages (B-tree interiors, FTS
    // segments) are then copied to the database once per 64 MB of WAL, not
    // once per 4 MB.
    if (auto s = Exec(db,
                      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                      "PRAGMA wal_autocheckpoint=16384;");
        !s.ok())
      return s.error();
    if (auto s = a->CreateSchema(); !s.ok()) return s.error();
  } else {
    Stmt st(db, "SELECT value FROM meta WHERE key='schema_version'");
    if (!st.ok() || st.Step() != SQLITE_ROW)
      return Error::BadInput(path + " is not a Veille archive (no schema version)");
    int v = std::stoi(st.Text(0));
    if (v < kOldestSchemaVersion || v > kSchemaVersion)
      return Error::BadInput(path + " has schema version " + std::to_string(v) + ", expected " +
                             std::to_string(kSchemaVersion));
  }
  // Readers map the file; a writer reads through its page cache, so that what
  // an ingest reads back (signatures, texts to align) does not add the
  // mapped file to its resident memory.
  (void)Exec(db, mode == OpenMode::kReadOnly
                     ? "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; "
                       "PRAGMA mmap_size=1073741824;"
                     : "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; PRAGMA mmap_size=0;");
  return a;
}

Status Archive::CreateSchema() {
  if (kBaseSchemaVersion + static_cast<int>(Migrations().size()) != kSchemaVersion)
    return Error::Internal("kSchemaVersion does not match the migration list");
  Stmt check(db_, "SELECT value FROM meta WHERE key='schema_version'");
  int version = 0;
  if (check.ok() && check.Step() == SQLITE_ROW) {
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
    if (auto s = Exec(db_, m.sql); !s.ok())
      return fail(Error::Database("migrating the archive to schema version " +
                                  std::to_string(v + 1) + " (" + m.name +
                                  "): " + s.error().message));
  }
  Stmt meta(db_, "INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', ?)");
  meta.Bind(1, std::to_string(kSchemaVersion));
  if (meta.Step() != SQLITE_DONE) return fail(DbError(db_, "writing schema version"));
  return Exec(db_, "COMMIT");
}

// Version 3 added `source_groups`, the originals per group that each run
// read by scanning every article before.
Status Archive::MigrateFromVersion2() {
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

Status Archive::SetCacheSize(size_t mb) {
  return Exec(db_, ("PRAGMA mmap_size=0; PRAGMA cache_size=-" + std::to_string(mb * 1024)).c_str());
}

Status Archive::Preload() {
  for (const char* q :
       {"SELECT sum(length(block)) FROM reuse_index_data", "SELECT count(*) FROM reuse_index_idx",
        "SELECT sum(length(sig)) FROM signatures",
        "SELECT count(*) FROM articles INDEXED BY articles_hash",
        "SELECT count(id) FROM articles INDEXED BY sqlite_autoindex_articles_1"}) {
    Stmt st(db_, q);
    if (!st.ok() || st.Step() != SQLITE_ROW) return DbError(db_, "preloading the archive");
  }
  return OkStatus();
}

Result<std::optional<Archive::StoredId>> Archive::FindStored(const std::string& id) {
  Stmt& st = stmts().by_id;
  ResetOnExit reset(st);
  st.Bind(1, id);
  int rc = st.Step();
  if (rc == SQLITE_DONE) return std::optional<StoredId>();
  if (rc != SQLITE_ROW) return DbError(db_, "looking up article " + id);
  return std::optional<StoredId>(
      StoredId{std::stoull(st.Text(1), nullptr, 16), st.Int(2) != 0, st.Text(3)});
}

Result<std::optional<std::string>> Archive::FindOriginal(uint64_t hash) {
  Stmt& st = stmts().by_hash;
  ResetOnExit reset(st);
  st.Bind(1, HexHash(hash));
  int rc = st.Step();
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  if (rc != SQLITE_ROW) return DbError(db_, "looking up a stored text");
  return std::optional<std::string>(st.Text(0));
}

Result<bool> Archive::HasOriginal(uint64_t hash) {
  auto original = FindOriginal(hash);
  if (!original.ok()) return original.error();
  return original->has_value();
}

Status Archive::LookUpKnown(const std::string& id, uint64_t hash, KnownContent* known) {
  if (!known->hash_by_id.count(id)) {
    auto stored = FindStored(id);
    if (!stored.ok()) return stored.error();
    if (*stored) known->hash_by_id.emplace(id, (*stored)->hash);
  }
  if (!known->original_hashes.count(hash)) {
    auto original = FindOriginal(hash);
    if (!original.ok()) return original.error();
    if (*original) known->original_hashes.insert(hash);
  }
  return OkStatus();
}

Result<uint64_t> Archive::GroupSize(const std::string& group) {
  Stmt st(db_, "SELECT articles FROM source_groups WHERE source_group = ?");
  if (!st.ok()) return DbError(db_, "reading the size of source group " + group);
  st.Bind(1, group);
  int rc = st.Step();
  if (rc == SQLITE_ROW) return static_cast<uint64_t>(st.Int(0));
  if (rc != SQLITE_DONE) return DbError(db_, "reading the size of source group " + group);
  return uint64_t{0};
}

Result<int64_t> Archive::MaxArticleRowid() {
  Stmt st(db_, "SELECT coalesce(max(rowid), 0) FROM articles");
  if (!st.ok() || st.Step() != SQLITE_ROW) return DbError(db_, "reading the last article row id");
  return st.Int(0);
}

Result<std::unordered_map<uint64_t, uint32_t>> Archive::LineCounts(const std::string& group) {
  std::unordered_map<uint64_t, uint32_t> out;
  Stmt st(db_, "SELECT fingerprint, count FROM line_counts WHERE source_group = ?");
  if (!st.ok()) return DbError(db_, "reading line counts");
  st.Bind(1, group);
  while (st.Step() == SQLITE_ROW)
    out[static_cast<uint64_t>(st.Int(0))] = static_cast<uint32_t>(st.Int(1));
  return out;
}

Status Archive::Begin() { return Exec(db_, "BEGIN IMMEDIATE"); }
Status Archive::Commit() {
  if (auto s = FlushEntityCounts(); !s.ok()) return s;
  return Exec(db_, "COMMIT");
}
Status Archive::Rollback() {
  DropEntityCounts();
  if (stmts_) {  // may name entities the rollback removes
    stmts_->surnames_loaded = false;
    stmts_->surname_to_entity.clear();
  }
  return Exec(db_, "ROLLBACK");
}

Result<StoreOutcome> Archive::Store(const Article& a, uint64_t content_hash,
                                    const std::vector<uint64_t>& line_fingerprints) {
  const std::string& id = a.raw.id;
  StoreOutcome outcome = StoreOutcome::kStored;
  std::optional<int64_t> new_rowid;  // for an update
  Statements& sts = stmts();
  auto stored = FindStored(id);
  if (!stored.ok()) return stored.error();
  if (*stored) {
    if ((*stored)->hash == content_hash) return StoreOutcome::kUnchanged;
    auto keep = versions::StoredWins(db_, id, a.raw, content_hash);  // web articles
    if (!keep.ok()) return keep.error();
    if (*keep) return StoreOutcome::kUnchanged;
    // The article changed since it was stored: remove the old version from
    // the index (a contentless FTS5 table needs the indexed values back).
    // The new version gets a rowid never used before, even when the old one
    // was the last: what readers hold in memory by rowid (token counts,
    // search attributes) then never goes stale.
    {
      Stmt last(db_, "SELECT coalesce(max(rowid), 0) FROM articles");
      if (!last.ok() || last.Step() != SQLITE_ROW) return DbError(db_, "replacing " + id);
      new_rowid = last.Int(0) + 1;
    }
    Stmt old(db_, "SELECT rowid, title, text, language, duplicate_of FROM articles WHERE id = ?");
    old.Bind(1, id);
    if (old.Step() == SQLITE_ROW) {
      int64_t rowid = old.Int(0);
      if (!old.OptText(4)) {
        Stmt del(
            db_,
            "INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES('delete', ?, ?, ?)");
        std::string lang = old.Text(3);
        del.Bind(1, rowid)
            .Bind(2, TagLanguage(lang, old.Text(1)))
            .Bind(3, TagLanguage(lang, old.Text(2)));
        if (del.Step() != SQLITE_DONE) return DbError(db_, "unindexing " + id);
      }
      if (auto s = versions::KeepReplaced(db_, id, old.OptText(1), old.OptText(2)); !s.ok())
        return s.error();
      if (auto s = RemoveExtracted(rowid); !s.ok()) return s.error();
      if (auto s = RemoveReuse(rowid); !s.ok()) return s.error();
      Stmt rm(db_, "DELETE FROM removed_lines WHERE article_rowid = ?");
      rm.Bind(1, rowid);
      rm.Step();
      Stmt da(db_, "DELETE FROM articles WHERE rowid = ?");
      da.Bind(1, rowid);
      if (da.Step() != SQLITE_DONE) return DbError(db_, "replacing " + id);
      if ((*stored)->original) {
        const std::string& old_group = (*stored)->source_group;
        sts.group_add.Reset();
        sts.group_add.Bind(1, old_group).Bind(2, int64_t{-1});
        if (sts.group_add.Step() != SQLITE_DONE) return DbError(db_, "counting " + old_group);
      }
    }
    outcome = StoreOutcome::kUpdated;
  }

  auto original = FindOriginal(content_hash);
  if (!original.ok()) return original.error();
  const std::optional<std::string> duplicate_of = std::move(original).value();

  Stmt& ins = stmts().insert;
  if (!ins.ok()) return Error::Database("preparing insert: " + ins.error());
  ins.Reset();
  const Analysis& an = a.analysis;
  ins.Bind(1, id).Bind(2, HexHash(content_hash)).Bind(3, a.raw.source).Bind(4, a.raw.source_group);
  ins.Bind(5, a.raw.title).Bind(6, an.date);
  if (an.date) {
    ins.Bind(7, DateLow(*an.date)).Bind(8, DateHigh(*an.date));
  } else {
    ins.BindNull(7).BindNull(8);
  }
  ins.Bind(9, an.date_in_text).Bind(10, an.language).Bind(11, an.outlet).Bind(12, a.raw.url);
  ins.Bind(13, a.raw.summary).Bind(14, FlagsJson(an.flags));
  if (duplicate_of) {
    ins.BindNull(15);
  } else {
    ins.Bind(15, a.clean.text);
  }
  ins.Bind(16, a.raw.metadata_json.empty() ? std::string("{}") : a.raw.metadata_json);
  ins.Bind(17, duplicate_of).Bind(18, NowUtc());
  if (new_rowid) ins.Bind(19, *new_rowid);
  if (ins.Step() != SQLITE_DONE) return DbError(db_, "storing " + id);
  int64_t rowid = sqlite3_last_insert_rowid(db_);
  last_rowid_ = rowid;
  if (auto s = versions::Record(db_, a.raw, content_hash); !s.ok()) return s.error();
  if (duplicate_of) return outcome == StoreOutcome::kUpdated ? outcome : StoreOutcome::kDuplicate;

  sts.group_add.Reset();
  sts.group_add.Bind(1, a.raw.source_group).Bind(2, int64_t{1});
  if (sts.group_add.Step() != SQLITE_DONE) return DbError(db_, "counting " + a.raw.source_group);

  Stmt& fts = stmts().fts;
  fts.Reset();
  fts.Bind(1, rowid);
  if (!a.index_body.empty()) {
    fts.BindStatic(2, a.index_title).BindStatic(3, a.index_body);
  } else {
    fts.Bind(2, TagLanguage(an.language, a.raw.title.value_or("")))
        .Bind(3, TagLanguage(an.language, a.clean.text));
  }
  if (fts.Step() != SQLITE_DONE) return DbError(db_, "indexing " + id);

  if (!a.clean.removed.empty()) {
    Stmt& rl = stmts().removed;
    for (size_t i = 0; i < a.clean.removed.size(); ++i) {
      rl.Reset();
      rl.Bind(1, rowid).Bind(2, static_cast<int64_t>(i)).Bind(3, a.clean.removed[i].text);
      rl.Bind(4, a.clean.removed[i].reason);
      if (rl.Step() != SQLITE_DONE) return DbError(db_, "storing removed lines of " + id);
    }
  }
  if (auto s = StoreExtracted(rowid, a); !s.ok()) return s.error();
  if (!line_fingerprints.empty()) {
    Stmt& lc = stmts().lines;
    for (uint64_t f : line_fingerprints) {
      lc.Reset();
      lc.Bind(1, a.raw.source_group).Bind(2, static_cast<int64_t>(f));
      if (lc.Step() != SQLITE_DONE) return DbError(db_, "counting lines of " + id);
    }
  }
  return outcome;
}

Result<int64_t> Archive::StartRun(const std::string& inputs) {
  Stmt st(db_, "INSERT INTO ingest_runs(started_at, inputs) VALUES(?, ?)");
  st.Bind(1, NowUtc()).Bind(2, inputs);
  if (st.Step() != SQLITE_DONE) return DbError(db_, "starting ingest run");
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
}

Status Archive::FinishRun(int64_t run, const std::string& status, const std::string& summary_json) {
  Stmt st(db_, "UPDATE ingest_runs SET finished_at = ?, status = ?, summary = ? WHERE run_id = ?");
  st.Bind(1, NowUtc()).Bind(2, status).Bind(3, summary_json).Bind(4, run);
  if (st.Step() != SQLITE_DONE) return DbError(db_, "finishing ingest run");
  return OkStatus();
}

Status Archive::RecordProblem(int64_t run, const Diagnostic& d) {
  Stmt st(db_, "INSERT INTO ingest_problems(run_id, severity, location, message) VALUES(?,?,?,?)");
  st.Bind(1, run)
      .Bind(2, std::string(d.severity == Diagnostic::Severity::kError ? "error" : "warning"))
      .Bind(3, d.where)
      .Bind(4, d.message);
  if (st.Step() != SQLITE_DONE) return DbError(db_, "recording a problem");
  return OkStatus();
}

Result<std::vector<std::string>> Archive::Languages() {
  // PRAGMA data_version changes when another connection commits: a server
  // then sees the languages an ingest added meanwhile.
  int64_t version = -1;
  Stmt& v = Cached("PRAGMA data_version");
  ResetOnExit reset(v);
  if (v.ok() && v.Step() == SQLITE_ROW) version = v.Int(0);
  if (languages_cache_ && version == languages_version_) return *languages_cache_;
  std::vector<std::string> out;
  Stmt st(db_, "SELECT DISTINCT language FROM articles WHERE duplicate_of IS NULL");
  if (!st.ok()) return DbError(db_, "listing languages");
  while (st.Step() == SQLITE_ROW) out.push_back(st.Text(0));
  std::sort(out.begin(), out.end());
  languages_cache_ = out;
  languages_version_ = version;
  return out;
}

Result<SearchResult> Archive::Search(const SearchOptions& o) {
  auto parsed = ParseQuery(o.query);
  if (!parsed.ok()) return parsed.error();
  auto langs = Languages();
  if (!langs.ok()) return langs.error();
  std::vector<std::string> languages = *langs;
  if (o.language) languages = {*o.language};
  auto match = MatchExpression(*parsed, languages);
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
    auto ids = FindEntityIds(*o.entity);
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
  sqlite3_bind_pointer(st.get(), 6, doc_lengths_.get(), kDocLengthsPointerType, nullptr);
  sqlite3_bind_pointer(st.get(), 7, &top, kTopCollectorPointerType, nullptr);
  if (st.Step() != SQLITE_ROW) return DbError(db_, "search");
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
    if (row.Step() != SQLITE_ROW) return DbError(db_, "search hit");
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
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(row.get(), 5));
      h.snippet =
          SnippetAt(*analyzer_,
                    std::string_view(text ? text : "",
                                     static_cast<size_t>(sqlite3_column_bytes(row.get(), 5))),
                    h.language, it != top.positions.end() ? it->second : kNone);
    }
    r.hits.push_back(std::move(h));
  }
  return r;
}

Result<bool> Archive::HasStopGrams() {
  Stmt& st = Cached("SELECT value FROM meta WHERE key = 'fts_stop_grams'");
  ResetOnExit reset(st);
  if (!st.ok()) return Error::Database("reading the index format: " + st.error());
  int rc = st.Step();
  if (rc == SQLITE_ROW) return st.Text(0) == "1";
  if (rc != SQLITE_DONE) return DbError(db_, "reading the index format");
  return false;
}

Result<std::string> Archive::MatchExpression(const ParsedQuery& q,
                                             const std::vector<std::string>& languages) {
  auto grams = HasStopGrams();
  if (!grams.ok()) return grams.error();
  MatchOptions options;
  options.stop_phrases = *grams;
  auto match = ToFts5Match(q, *analyzer_, languages, options);
  if (!match.ok() && !*grams && HasStopPhrase(q, *analyzer_, languages))
    return Error::InvalidArgument(
        "phrases made only of stop words need an index made by this version of Veille: run "
        "`veille reindex --db ARCHIVE` once");
  return match;
}

Status Archive::Reindex(const std::function<void(uint64_t, uint64_t)>& progress) {
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
    if (!c.ok() || c.Step() != SQLITE_ROW) return fail(DbError(db_, "reindex"));
    total = static_cast<uint64_t>(c.Int(0));
  }
  Stmt rows(db_,
            "SELECT rowid, language, coalesce(title, ''), coalesce(text, '') FROM articles "
            "WHERE duplicate_of IS NULL ORDER BY rowid");
  Stmt ins(db_, "INSERT INTO articles_fts(rowid, title, body) VALUES(?, ?, ?)");
  if (!rows.ok() || !ins.ok()) return fail(DbError(db_, "reindex"));
  int rc;
  while ((rc = rows.Step()) == SQLITE_ROW) {
    const std::string lang = rows.Text(1);
    ins.Reset();
    ins.Bind(1, rows.Int(0))
        .Bind(2, PreAnalyze(*analyzer_, lang, rows.Text(2)))
        .Bind(3, PreAnalyze(*analyzer_, lang, rows.Text(3)));
    if (ins.Step() != SQLITE_DONE) return fail(DbError(db_, "reindexing an article"));
    if (++done % 1000 == 0 && progress) progress(done, total);
  }
  if (rc != SQLITE_DONE) return fail(DbError(db_, "reindex"));
  Stmt quotes(db_,
              "SELECT q.quote_id, a.language, q.text FROM quotes q JOIN articles a ON a.rowid = "
              "q.article_rowid ORDER BY q.quote_id");
  Stmt qins(db_, "INSERT INTO quotes_fts(rowid, text) VALUES(?, ?)");
  if (!quotes.ok() || !qins.ok()) return fail(DbError(db_, "reindex"));
  while ((rc = quotes.Step()) == SQLITE_ROW) {
    qins.Reset();
    qins.Bind(1, quotes.Int(0)).Bind(2, PreAnalyze(*analyzer_, quotes.Text(1), quotes.Text(2)));
    if (qins.Step() != SQLITE_DONE) return fail(DbError(db_, "reindexing a quote"));
  }
  if (rc != SQLITE_DONE) return fail(DbError(db_, "reindex"));
  if (auto s = Exec(db_,
                    "INSERT INTO articles_fts(articles_fts) VALUES('optimize');"
                    "INSERT OR REPLACE INTO meta(key, value) VALUES('fts_stop_grams', '1');");
      !s.ok())
    return fail(s);
  if (progress) progress(done, total);
  return Exec(db_, "COMMIT");
}

Status Archive::RefreshDocLengths() {
  int64_t version = -1;
  {
    Stmt& v = Cached("PRAGMA data_version");
    ResetOnExit reset(v);
    if (v.ok() && v.Step() == SQLITE_ROW) version = v.Int(0);
  }
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
  while ((rc = st.Step()) == SQLITE_ROW) {
    sqlite3_stmt* q = st.get();
    const int64_t id = sqlite3_column_int64(q, 0);
    if (id < 0) continue;
    if (static_cast<size_t>(id) >= by_rowid.size())
      by_rowid.resize(static_cast<size_t>(id) + 1, DocLengths::kUnknownLength);
    const auto* blob = static_cast<const char*>(sqlite3_column_blob(q, 1));
    by_rowid[static_cast<size_t>(id)] = DocSizeTotal(
        std::string_view(blob ? blob : "", static_cast<size_t>(sqlite3_column_bytes(q, 1))));
  }
  if (rc != SQLITE_DONE) return DbError(db_, "search (token counts)");
  doc_lengths_version_ = version;
  return OkStatus();
}

Result<StoredArticle> Archive::Get(const std::string& id) {
  Stmt st(
      db_,
      "SELECT rowid, id, source, source_group, title, date, date_in_text, language, outlet, url, "
      "summary, flags, coalesce(text, ''), duplicate_of, metadata, content_hash "
      "FROM articles WHERE id = ?");
  st.Bind(1, id);
  if (st.Step() != SQLITE_ROW) return Error::NotFound("no article with id '" + id + "'");
  StoredArticle a;
  int64_t rowid = st.Int(0);
  a.id = st.Text(1);
  a.source = st.Text(2);
  a.source_group = st.Text(3);
  a.title = st.OptText(4);
  a.date = st.OptText(5);
  a.date_in_text = st.OptText(6);
  a.language = st.Text(7);
  a.outlet = st.OptText(8);
  a.url = st.OptText(9);
  a.summary = st.OptText(10);
  a.flags = ParseFlags(st.Text(11));
  a.text = st.Text(12);
  a.duplicate_of = st.OptText(13);
  a.metadata_json = st.Text(14);
  a.content_hash = st.Text(15);
  Stmt rl(db_, "SELECT text, reason FROM removed_lines WHERE article_rowid = ? ORDER BY seq");
  rl.Bind(1, rowid);
  while (rl.Step() == SQLITE_ROW) a.removed.push_back({rl.Text(0), rl.Text(1)});
  if (auto s = LoadExtracted(rowid, &a); !s.ok()) return s.error();
  if (auto s = LoadReuse(rowid, &a); !s.ok()) return s.error();
  return a;
}

Status Archive::ForEach(const std::function<Status(const StoredArticle&)>& fn) {
  Stmt ids(db_, "SELECT id FROM articles ORDER BY id");
  if (!ids.ok()) return DbError(db_, "listing articles");
  while (ids.Step() == SQLITE_ROW) {
    auto a = Get(ids.Text(0));
    if (!a.ok()) return a.error();
    if (auto s = fn(*a); !s.ok()) return s;
  }
  return OkStatus();
}

Result<ArchiveStats> Archive::Stats() {
  ArchiveStats s;
  Stmt st(
      db_,
      "SELECT count(*) FILTER (WHERE duplicate_of IS NULL), count(*) FILTER (WHERE duplicate_of "
      "IS NOT NULL), coalesce(sum(length(CAST(text AS BLOB))), 0), min(date_lo), max(date_hi) "
      "FROM articles");
  if (!st.ok() || st.Step() != SQLITE_ROW) return DbError(db_, "stats");
  s.articles = st.Int(0);
  s.duplicates = st.Int(1);
  s.text_bytes = st.Int(2);
  s.first_date = st.OptText(3);
  s.last_date = st.OptText(4);
  auto pairs = [&](const char* q, std::vector<std::pair<std::string, uint64_t>>* out) {
    Stmt p(db_, q);
    while (p.ok() && p.Step() == SQLITE_ROW) out->emplace_back(p.Text(0), p.Int(1));
  };
  pairs(
      "SELECT language, count(*) FROM articles WHERE duplicate_of IS NULL GROUP BY 1 ORDER BY 2 "
      "DESC",
      &s.languages);
  pairs(
      "SELECT outlet, count(*) FROM articles WHERE duplicate_of IS NULL AND outlet IS NOT NULL "
      "GROUP BY 1 ORDER BY 2 DESC LIMIT 20",
      &s.outlets);
  pairs(
      "SELECT f.value, count(*) FROM articles, json_each(articles.flags) f "
      "WHERE duplicate_of IS NULL GROUP BY 1 ORDER BY 2 DESC",
      &s.flags);
  Stmt rl(db_, "SELECT count(*) FROM removed_lines");
  if (rl.ok() && rl.Step() == SQLITE_ROW) s.removed_lines = rl.Int(0);
  Stmt runs(db_, "SELECT count(*) FROM ingest_runs");
  if (runs.ok() && runs.Step() == SQLITE_ROW) s.runs = runs.Int(0);
  Stmt pg(db_, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()");
  if (pg.ok() && pg.Step() == SQLITE_ROW) s.file_bytes = pg.Int(0);
  return s;
}

}  // namespace veille
