// sqlite_db.h: sql::Db over one SQLite connection (internal to the archive).
//
// In:  an open sqlite3 handle (owned: closed with the SqliteDb).
// Out: statements prepared with SQLITE_PREPARE_PERSISTENT, bound and read
//      through the SQLite C API.
// Thread-safety: one thread at a time, like the connection.
//
// The SQLite backend's own code (FTS5 tables, ranking functions) reaches the
// handle and the raw statement through handle() and Raw().
#ifndef VEILLE_ARCHIVE_SQLITE_DB_H_
#define VEILLE_ARCHIVE_SQLITE_DB_H_

#include <sqlite3.h>

#include <memory>
#include <string>

#include "archive/db.h"

namespace veille::sql {

class SqliteDb : public Db {
 public:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  ~SqliteDb() override { sqlite3_close_v2(db_); }
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }
  std::unique_ptr<StmtImpl> Prepare(std::string_view sql, std::string* error) override;
  Status Exec(std::string_view sql) override;
  std::string ErrorMessage() override { return sqlite3_errmsg(db_); }
  bool LastErrorWasConstraint() override {
    return (sqlite3_extended_errcode(db_) & 0xff) == SQLITE_CONSTRAINT;
  }
  int64_t Changes() override { return sqlite3_changes64(db_); }
  std::optional<int64_t> LastInsertRowid() override { return sqlite3_last_insert_rowid(db_); }

  sqlite3* handle() { return db_; }
  // The sqlite3_stmt of a statement prepared on a SqliteDb.
  static sqlite3_stmt* Raw(Stmt& st);

 private:
  sqlite3* db_;
};

// The SqliteDb under `db`, which must be one.
inline SqliteDb& AsSqlite(Db& db) { return static_cast<SqliteDb&>(db); }

}  // namespace veille::sql

#endif  // VEILLE_ARCHIVE_SQLITE_DB_H_
