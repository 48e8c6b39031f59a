// pg_db.h: sql::Db over one PostgreSQL connection (libpq; internal to the
// archive module).
//
// In:  a libpq connection URI (postgresql://[user@]host[:port]/db?...,
//      host=/path for a Unix socket). The password comes from PGPASSFILE or
//      ~/.pgpass (or PGPASSWORD), never from the URI: Connect refuses a URI
//      that holds one, since command lines are visible to every local user.
// Out: statements that read like SQLite's (db.h): `?N` parameters become
//      `$N`, values travel as text (bytea in binary), results are read as
//      text. A statement runs as one unnamed extended-protocol query the first
//      time and is prepared on the server when it runs again.
// Thread-safety: one thread at a time, like the connection.
#ifndef VEILLE_ARCHIVE_PG_DB_H_
#define VEILLE_ARCHIVE_PG_DB_H_

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "archive/db.h"

namespace veille::sql {

class PgDb : public Db {
 public:
  // `read_only`: every transaction of the connection is read-only (a hot
  // standby refuses writes anyway).
  static Result<std::unique_ptr<Db>> Connect(const std::string& uri, bool read_only);
  // `uri` without anything secret, for messages.
  static std::string Describe(const std::string& uri);
  ~PgDb() override;
  PgDb(const PgDb&) = delete;
  PgDb& operator=(const PgDb&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }
  std::unique_ptr<StmtImpl> Prepare(std::string_view sql, std::string* error) override;
  Status Exec(std::string_view sql) override;
  std::string ErrorMessage() override { return error_; }
  bool LastErrorWasConstraint() override { return sqlstate_.starts_with("23"); }
  int64_t Changes() override { return changes_; }

  PGconn* conn() { return conn_; }
  // The SQLSTATE of the last failure ("40P01": deadlock, ...), or "".
  const std::string& sqlstate() const { return sqlstate_; }
  // Records the outcome of a finished result (takes no ownership): false and
  // the message kept if it failed.
  bool Check(const PGresult* res, bool tuples_ok);
  // A fresh name for a server-side prepared statement.
  std::string NextStatementName() { return "veille_" + std::to_string(++statements_); }
  // Copies rows into `table(columns)` with COPY ... FROM STDIN (text format):
  // `data` holds the rows, tab-separated, one a line, escaped (CopyEscape).
  Status CopyIn(std::string_view table_and_columns, std::string_view data);

  // The PostgreSQL form of SQLite-style SQL: ?N -> $N, ? -> the next number
  // (outside literals, quoted names and comments); `*params` receives the
  // highest parameter number.
  // `*used`, if given, gets used[n] set for every number n the SQL names.
  static std::string TranslateParameters(std::string_view sql, int* params,
                                         std::vector<bool>* used = nullptr);

 private:
  explicit PgDb(PGconn* conn) : conn_(conn) {}

  PGconn* conn_;
  std::string error_, sqlstate_;
  int64_t changes_ = 0;
  uint64_t statements_ = 0;
};

// Appends `value` to a COPY text-format line, escaped (\\, \t, \n, \r).
void CopyEscape(std::string_view value, std::string* out);

}  // namespace veille::sql

#endif  // VEILLE_ARCHIVE_PG_DB_H_
