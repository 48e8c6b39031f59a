// bulk_load.cc: secondary indexes deferred while a run fills a new archive
// (Archive::DeferIndexes, RestoreIndexes).
#include "archive/backend.h"
#include "archive/internal.h"

namespace veille {

using sql::DbError;

namespace {

// Indexes that the ingest never reads and that it fills in random order.
constexpr const char* kDeferrable[] = {"mentions_entity", "quotes_speaker", "entities_articles"};
constexpr const char* kNotePrefix = "deferred_index:";

}  // namespace

Status Archive::DeferIndexes() {
  // Other writers' readers (a shared PostgreSQL archive) need every index.
  if (backend_->shared()) return OkStatus();
  if (backend_->InTransaction()) return Error::Internal("DeferIndexes inside a transaction");
  if (auto s = backend_->Begin(); !s.ok()) return s;
  auto fail = [&](Status s) {
    (void)backend_->Rollback();
    return s;
  };
  for (const char* name : kDeferrable) {
    std::string sql;
    {  // finished before the DROP, which a pending read of the schema would block
      Stmt def(*db_,
               sql::Pick(*db_, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?1",
                         "SELECT indexdef FROM pg_indexes WHERE indexname = ?1"));
      def.Bind(1, name);
      if (def.Step() != sql::kRow) continue;  // already deferred, or not in this schema
      sql = def.Text(0);
    }
    Stmt note(*db_,
              "INSERT INTO meta(key, value) VALUES(?1, ?2) "
              "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    note.Bind(1, std::string(kNotePrefix) + name).Bind(2, sql);
    if (note.Step() != sql::kDone) return fail(DbError(*db_, "noting deferred index"));
    if (auto s = sql::Exec(*db_, "DROP INDEX " + std::string(name)); !s.ok()) return fail(s);
  }
  return backend_->Commit();
}

Status Archive::RestoreIndexes() {
  std::vector<std::pair<std::string, std::string>> deferred;
  {
    Stmt q(*db_, "SELECT key, value FROM meta WHERE key LIKE 'deferred_index:%' ORDER BY key");
    while (q.Step() == sql::kRow) deferred.emplace_back(q.Text(0), q.Text(1));
  }
  if (deferred.empty()) return OkStatus();
  const bool own = !backend_->InTransaction();
  if (own)
    if (auto s = backend_->Begin(); !s.ok()) return s;
  auto fail = [&](Status s) {
    if (own) (void)backend_->Rollback();
    return s;
  };
  for (const auto& [key, create] : deferred) {
    // The noted definition is the schema's "CREATE INDEX name ON ...".
    std::string sql = create;
    if (sql.rfind("CREATE INDEX ", 0) == 0) sql.insert(13, "IF NOT EXISTS ");
    if (auto s = sql::Exec(*db_, sql); !s.ok()) return fail(s);
    Stmt done(*db_, "DELETE FROM meta WHERE key = ?1");
    done.Bind(1, key);
    if (done.Step() != sql::kDone) return fail(DbError(*db_, "clearing deferred index"));
  }
  return own ? backend_->Commit() : OkStatus();
}

}  // namespace veille
