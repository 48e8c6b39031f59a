// archive.cc: the archive's shared logic: opening, storing and replacing
// articles, ingest runs, reading articles back (backend.h says what each
// backend does its own way).
#include "veille/archive.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "archive/backend.h"
#include "archive/internal.h"
#include "archive/pg_db.h"
#include "archive/rank.h"
#include "archive/sqlite_db.h"
#include "archive/versions.h"
#include "veille/hash.h"
#include "veille/query.h"
#include "veille/text.h"

namespace veille {

using sql::DbError;
using sql::Exec;
using sql::ResetOnExit;
using sql::Stmt;

namespace {

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return kDays[m - 1];
}

}  // namespace

std::string NowUtc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
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

bool IsPostgresUri(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

Stmt& Archive::Cached(std::string_view sql) {
  auto it = cached_.find(std::string(sql));
  if (it == cached_.end()) it = cached_.emplace(std::string(sql), std::make_unique<Stmt>()).first;
  Stmt& st = *it->second;
  if (!st.ok()) st.Prepare(*db_, sql);  // again after a failure: the schema may have changed
  st.Reset();
  return st;
}

Archive::Statements& Archive::stmts() {
  if (!stmts_) stmts_ = std::make_unique<Statements>(*db_, backend_->registry());
  return *stmts_;
}

Archive::Archive(std::unique_ptr<sql::Db> db, std::unique_ptr<TextAnalyzer> analyzer)
    : db_(std::move(db)), analyzer_(std::move(analyzer)) {}

Archive::~Archive() {
  // Statements must be finalised before the connection closes.
  stmts_.reset();
  cached_.clear();
  backend_.reset();
  db_.reset();
}

bool Archive::shared() const { return backend_->shared(); }

namespace {

Result<std::unique_ptr<sql::Db>> OpenSqlite(const std::string& path, OpenMode mode,
                                            const TextAnalyzer& analyzer) {
  if (mode == OpenMode::kReadOnly && !std::filesystem::exists(path))
    return Error::NotFound("archive " + path + " does not exist (run `veille ingest` first)");
  sqlite3* h = nullptr;
  int flags = mode == OpenMode::kReadOnly ? SQLITE_OPEN_READONLY
                                          : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  flags |= SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &h, flags, nullptr) != SQLITE_OK) {
    std::string msg =
        "cannot open archive " + path + ": " + (h ? sqlite3_errmsg(h) : "out of memory");
    sqlite3_close_v2(h);
    return Error::Io(msg);
  }
  auto db = std::make_unique<sql::SqliteDb>(h);
  sqlite3_busy_timeout(h, 5000);
  if (auto s = RegisterFts5Tokenizer(h, &analyzer); !s.ok()) return s.error();
  if (auto s = RegisterRankFunction(h); !s.ok()) return s.error();
  return std::unique_ptr<sql::Db>(std::move(db));
}

}  // namespace

Result<std::unique_ptr<Archive>> Archive::Open(const std::string& location, OpenMode mode) {
  auto analyzer = TextAnalyzer::Create();
  if (!analyzer.ok()) return analyzer.error();
  const bool postgres = IsPostgresUri(location);
  auto db = postgres ? sql::PgDb::Connect(location, mode == OpenMode::kReadOnly)
                     : OpenSqlite(location, mode, **analyzer);
  if (!db.ok()) return db.error();
  std::unique_ptr<Archive> a(new Archive(std::move(db).value(), std::move(analyzer).value()));
  a->backend_ = postgres ? NewPgBackend(*a->db_, *a->analyzer_, mode)
                         : NewSqliteBackend(*a->db_, *a->analyzer_);
  const std::string where = postgres ? sql::PgDb::Describe(location) : location;
  if (mode == OpenMode::kReadWrite) {
    if (auto s = a->backend_->CreateOrMigrate(); !s.ok()) return s.error();
    // A run killed while filling a new archive left indexes deferred.
    if (auto s = a->RestoreIndexes(); !s.ok()) return s.error();
  } else {
    if (auto s = a->backend_->CheckVersion(where); !s.ok()) return s.error();
  }
  if (!postgres) {
    // Readers map the file; a writer reads through its page cache, so that
    // what an ingest reads back (signatures, texts to align) does not add the
    // mapped file to its resident memory.
    (void)sql::Exec(*a->db_, mode == OpenMode::kReadOnly
                                 ? "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; "
                                   "PRAGMA mmap_size=1073741824;"
                                 : "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; "
                                   "PRAGMA mmap_size=0;");
  }
  return a;
}

Status Archive::SetCacheSize(size_t mb) { return backend_->SetCacheSize(mb); }
Status Archive::Preload() { return backend_->Preload(); }

Result<std::optional<Archive::StoredId>> Archive::FindStored(const std::string& id) {
  Stmt& st = stmts().by_id;
  ResetOnExit reset(st);
  st.Bind(1, id);
  int rc = st.Step();
  if (rc == sql::kDone) return std::optional<StoredId>();
  if (rc != sql::kRow) return DbError(*db_, "looking up article " + id);
  return std::optional<StoredId>(
      StoredId{st.Int(0), std::stoull(st.Text(1), nullptr, 16), st.Int(2) != 0, st.Text(3)});
}

Result<std::optional<std::string>> Archive::FindOriginal(uint64_t hash) {
  Stmt& st = stmts().by_hash;
  ResetOnExit reset(st);
  st.Bind(1, HexHash(hash));
  int rc = st.Step();
  if (rc == sql::kDone) return std::optional<std::string>();
  if (rc != sql::kRow) return DbError(*db_, "looking up a stored text");
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
  Stmt& st = Cached("SELECT articles FROM source_groups WHERE source_group = ?");
  ResetOnExit reset(st);
  if (!st.ok()) return DbError(*db_, "reading the size of source group " + group);
  st.Bind(1, group);
  int rc = st.Step();
  if (rc == sql::kRow) return static_cast<uint64_t>(st.Int(0));
  if (rc != sql::kDone) return DbError(*db_, "reading the size of source group " + group);
  return uint64_t{0};
}

Result<int64_t> Archive::MaxArticleRowid() { return backend_->MaxArticleRowid(); }

Result<std::unordered_map<uint64_t, uint32_t>> Archive::LineCounts(const std::string& group) {
  std::unordered_map<uint64_t, uint32_t> out;
  Stmt st(*db_, "SELECT fingerprint, count FROM line_counts WHERE source_group = ?");
  if (!st.ok()) return DbError(*db_, "reading line counts");
  st.Bind(1, group);
  int rc;
  while ((rc = st.Step()) == sql::kRow)
    out[static_cast<uint64_t>(st.Int(0))] = static_cast<uint32_t>(st.Int(1));
  if (rc != sql::kDone) return DbError(*db_, "reading line counts");
  return out;
}

Status Archive::Begin() { return backend_->Begin(); }
Status Archive::Commit() {
  if (auto s = FlushEntityCounts(); !s.ok()) return s;
  if (backend_->shared() && stmts_) {
    // Other writers add full names before this one's next transaction: the
    // bare-surname lookup is read again inside it (StoreExtracted).
    stmts_->surnames_loaded = false;
    stmts_->surname_to_entity.clear();
  }
  return backend_->Commit();
}
Status Archive::Rollback() {
  DropEntityCounts();
  if (stmts_) {  // may name entities the rollback removes
    stmts_->surnames_loaded = false;
    stmts_->surname_to_entity.clear();
  }
  return backend_->Rollback();
}

Status Archive::RemoveStored(const std::string& id, const StoredId& stored) {
  Stmt old(*db_, "SELECT title, text, language, duplicate_of FROM articles WHERE rowid = ?");
  old.Bind(1, stored.rowid);
  if (old.Step() != sql::kRow) return DbError(*db_, "replacing " + id);
  const std::optional<std::string> title = old.OptText(0), text = old.OptText(1);
  const std::string language = old.Text(2);
  const bool original = !old.OptText(3);
  old.Reset();
  if (original)
    if (auto s =
            backend_->UnindexArticle(stored.rowid, language, title.value_or(""), text.value_or(""));
        !s.ok())
      return s;
  if (auto s = versions::KeepReplaced(*db_, id, title, text); !s.ok()) return s;
  if (auto s = RemoveExtracted(stored.rowid); !s.ok()) return s;
  if (auto s = RemoveReuse(stored.rowid); !s.ok()) return s;
  if (auto s = RemoveStoryMember(stored.rowid); !s.ok()) return s;
  Stmt rm(*db_, "DELETE FROM removed_lines WHERE article_rowid = ?");
  rm.Bind(1, stored.rowid);
  if (rm.Step() != sql::kDone) return DbError(*db_, "replacing " + id);
  if (auto s = backend_->DeleteArticle(stored.rowid); !s.ok()) return s;
  if (stored.original) {
    Stmt& g = stmts().group_add;
    g.Reset();
    g.Bind(1, stored.source_group).Bind(2, int64_t{-1});
    if (g.Step() != sql::kDone) return DbError(*db_, "counting " + stored.source_group);
  }
  return OkStatus();
}

Result<StoreOutcome> Archive::Store(const Article& a, uint64_t content_hash,
                                    const std::vector<uint64_t>& line_fingerprints) {
  const std::string& id = a.raw.id;
  StoreOutcome outcome = StoreOutcome::kStored;
  Statements& sts = stmts();
  auto stored = FindStored(id);
  if (!stored.ok()) return stored.error();
  if (*stored) {
    if ((*stored)->hash == content_hash) return StoreOutcome::kUnchanged;
    auto keep = versions::StoredWins(*db_, id, a.raw, content_hash);  // web articles
    if (!keep.ok()) return keep.error();
    if (*keep) return StoreOutcome::kUnchanged;
    // The article changed since it was stored: remove the old version (and
    // its index rows); the new one gets a row id never used before.
    if (auto s = RemoveStored(id, **stored); !s.ok()) return s.error();
    outcome = StoreOutcome::kUpdated;
  }

  auto original = FindOriginal(content_hash);
  if (!original.ok()) return original.error();
  const std::optional<std::string> duplicate_of = std::move(original).value();

  const Analysis& an = a.analysis;
  ArticleRow row;
  row.id = id;
  row.content_hash = HexHash(content_hash);
  row.source = a.raw.source;
  row.source_group = a.raw.source_group;
  row.title = a.raw.title;
  row.date = an.date;
  if (an.date) {
    row.date_lo = DateLow(*an.date);
    row.date_hi = DateHigh(*an.date);
  }
  row.date_in_text = an.date_in_text;
  row.language = an.language;
  row.outlet = an.outlet;
  row.url = a.raw.url;
  row.summary = a.raw.summary;
  row.flags_json = FlagsJson(an.flags);
  if (!duplicate_of) row.text = &a.clean.text;
  row.metadata_json = a.raw.metadata_json.empty() ? std::string("{}") : a.raw.metadata_json;
  row.duplicate_of = duplicate_of;
  row.ingested_at = NowUtc();
  auto inserted = backend_->InsertArticle(row, outcome == StoreOutcome::kUpdated);
  if (!inserted.ok()) return inserted.error();
  if (!*inserted) return StoreOutcome::kUnchanged;  // another writer stored it meanwhile
  const int64_t rowid = **inserted;
  last_rowid_ = rowid;
  if (auto s = versions::Record(*db_, a.raw, content_hash); !s.ok()) return s.error();
  if (duplicate_of) return outcome == StoreOutcome::kUpdated ? outcome : StoreOutcome::kDuplicate;

  sts.group_add.Reset();
  sts.group_add.Bind(1, a.raw.source_group).Bind(2, int64_t{1});
  if (sts.group_add.Step() != sql::kDone) return DbError(*db_, "counting " + a.raw.source_group);

  if (auto s = backend_->IndexArticle(rowid, a); !s.ok()) return s.error();

  if (!a.clean.removed.empty()) {
    Stmt& rl = sts.removed;
    for (size_t i = 0; i < a.clean.removed.size(); ++i) {
      rl.Reset();
      rl.Bind(1, rowid).Bind(2, static_cast<int64_t>(i)).Bind(3, a.clean.removed[i].text);
      rl.Bind(4, a.clean.removed[i].reason);
      if (rl.Step() != sql::kDone) return DbError(*db_, "storing removed lines of " + id);
    }
  }
  if (auto s = StoreExtracted(rowid, a); !s.ok()) return s.error();
  if (!line_fingerprints.empty()) {
    Stmt& lc = sts.lines;
    for (uint64_t f : line_fingerprints) {
      lc.Reset();
      lc.Bind(1, a.raw.source_group).Bind(2, static_cast<int64_t>(f));
      if (lc.Step() != sql::kDone) return DbError(*db_, "counting lines of " + id);
    }
  }
  return outcome;
}

Result<int64_t> Archive::StartRun(const std::string& inputs) {
  Stmt st(*db_, "INSERT INTO ingest_runs(started_at, inputs) VALUES(?, ?) RETURNING run_id");
  st.Bind(1, NowUtc()).Bind(2, inputs);
  if (st.Step() != sql::kRow) return DbError(*db_, "starting ingest run");
  return st.Int(0);
}

Status Archive::FinishRun(int64_t run, const std::string& status, const std::string& summary_json) {
  Stmt st(*db_, "UPDATE ingest_runs SET finished_at = ?, status = ?, summary = ? WHERE run_id = ?");
  st.Bind(1, NowUtc()).Bind(2, status).Bind(3, summary_json).Bind(4, run);
  if (st.Step() != sql::kDone) return DbError(*db_, "finishing ingest run");
  return OkStatus();
}

Status Archive::RecordProblem(int64_t run, const Diagnostic& d) {
  Stmt st(*db_, "INSERT INTO ingest_problems(run_id, severity, location, message) VALUES(?,?,?,?)");
  st.Bind(1, run)
      .Bind(2, std::string(d.severity == Diagnostic::Severity::kError ? "error" : "warning"))
      .Bind(3, d.where)
      .Bind(4, d.message);
  if (st.Step() != sql::kDone) return DbError(*db_, "recording a problem");
  return OkStatus();
}

Result<std::vector<std::string>> Archive::Languages() {
  // The data version changes when another connection commits: a server
  // then sees the languages an ingest added meanwhile.
  auto data_version = backend_->DataVersion();
  if (!data_version.ok()) return data_version.error();
  const int64_t version = *data_version;
  if (languages_cache_ && version == languages_version_) return *languages_cache_;
  std::vector<std::string> out;
  Stmt st(*db_, "SELECT DISTINCT language FROM articles WHERE duplicate_of IS NULL");
  if (!st.ok()) return DbError(*db_, "listing languages");
  int rc;
  while ((rc = st.Step()) == sql::kRow) out.push_back(st.Text(0));
  if (rc != sql::kDone) return DbError(*db_, "listing languages");
  std::sort(out.begin(), out.end());
  languages_cache_ = out;
  languages_version_ = version;
  return out;
}

Result<bool> Archive::HasStopGrams() {
  Stmt& st = Cached("SELECT value FROM meta WHERE key = 'fts_stop_grams'");
  ResetOnExit reset(st);
  if (!st.ok()) return Error::Database("reading the index format: " + st.error());
  int rc = st.Step();
  if (rc == sql::kRow) return st.Text(0) == "1";
  if (rc != sql::kDone) return DbError(*db_, "reading the index format");
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

Result<SearchResult> Archive::Search(const SearchOptions& options) {
  auto r = backend_->Search(*this, options);
  if (r.ok())
    if (auto s = FillStories(r->hits); !s.ok()) return s.error();
  return r;
}

Status Archive::Reindex(const std::function<void(uint64_t, uint64_t)>& progress) {
  return backend_->Reindex(progress);
}

Result<StoredArticle> Archive::Get(const std::string& id) {
  Stmt st(
      *db_,
      "SELECT rowid, id, source, source_group, title, date, date_in_text, language, outlet, url, "
      "summary, flags, coalesce(text, ''), duplicate_of, metadata, content_hash "
      "FROM articles WHERE id = ?");
  st.Bind(1, id);
  if (st.Step() != sql::kRow) return Error::NotFound("no article with id '" + id + "'");
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
  Stmt rl(*db_, "SELECT text, reason FROM removed_lines WHERE article_rowid = ? ORDER BY seq");
  rl.Bind(1, rowid);
  while (rl.Step() == sql::kRow) a.removed.push_back({rl.Text(0), rl.Text(1)});
  if (auto s = LoadExtracted(rowid, &a); !s.ok()) return s.error();
  if (auto s = LoadReuse(rowid, &a); !s.ok()) return s.error();
  // A duplicate is in its original's story.
  int64_t story_row = rowid;
  if (a.duplicate_of) {
    Stmt orig(*db_, "SELECT rowid FROM articles WHERE id = ?");
    orig.Bind(1, *a.duplicate_of);
    story_row = orig.Step() == sql::kRow ? orig.Int(0) : 0;
  }
  auto story = StoryOfRow(story_row);
  if (!story.ok()) return story.error();
  a.story = *story;
  return a;
}

Status Archive::ForEach(const std::function<Status(const StoredArticle&)>& fn) {
  Stmt ids(*db_, "SELECT id FROM articles ORDER BY id");
  if (!ids.ok()) return DbError(*db_, "listing articles");
  while (ids.Step() == sql::kRow) {
    auto a = Get(ids.Text(0));
    if (!a.ok()) return a.error();
    if (auto s = fn(*a); !s.ok()) return s;
  }
  return OkStatus();
}

Result<ArchiveStats> Archive::Stats() {
  ArchiveStats s;
  Stmt st(*db_, sql::Pick(*db_,
                          "SELECT count(*) FILTER (WHERE duplicate_of IS NULL), count(*) FILTER "
                          "(WHERE duplicate_of IS NOT NULL), coalesce(sum(length(CAST(text AS "
                          "BLOB))), 0), min(date_lo), max(date_hi) FROM articles",
                          "SELECT count(*) FILTER (WHERE duplicate_of IS NULL), count(*) FILTER "
                          "(WHERE duplicate_of IS NOT NULL), coalesce(sum(octet_length(text)), "
                          "0), min(date_lo), max(date_hi) FROM articles"));
  if (!st.ok() || st.Step() != sql::kRow) return DbError(*db_, "stats");
  s.articles = st.Int(0);
  s.duplicates = st.Int(1);
  s.text_bytes = st.Int(2);
  s.first_date = st.OptText(3);
  s.last_date = st.OptText(4);
  auto pairs = [&](const char* q, std::vector<std::pair<std::string, uint64_t>>* out) {
    Stmt p(*db_, q);
    while (p.ok() && p.Step() == sql::kRow) out->emplace_back(p.Text(0), p.Int(1));
  };
  pairs(
      "SELECT language, count(*) FROM articles WHERE duplicate_of IS NULL GROUP BY 1 "
      "ORDER BY 2 DESC, 1",
      &s.languages);
  pairs(
      "SELECT outlet, count(*) FROM articles WHERE duplicate_of IS NULL AND outlet IS NOT NULL "
      "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20",
      &s.outlets);
  pairs(sql::Pick(*db_,
                  "SELECT f.value, count(*) FROM articles, json_each(articles.flags) f "
                  "WHERE duplicate_of IS NULL GROUP BY 1 ORDER BY 2 DESC, 1",
                  "SELECT f, count(*) FROM articles, jsonb_array_elements_text(flags::jsonb) f "
                  "WHERE duplicate_of IS NULL GROUP BY 1 ORDER BY 2 DESC, 1"),
        &s.flags);
  Stmt rl(*db_, "SELECT count(*) FROM removed_lines");
  if (rl.ok() && rl.Step() == sql::kRow) s.removed_lines = rl.Int(0);
  Stmt runs(*db_, "SELECT count(*) FROM ingest_runs");
  if (runs.ok() && runs.Step() == sql::kRow) s.runs = runs.Int(0);
  auto size = backend_->SizeBytes();
  if (!size.ok()) return size.error();
  s.file_bytes = *size;
  return s;
}

}  // namespace veille
