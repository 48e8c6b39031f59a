// db.h: the archive's SQL connection and statements, over SQLite or
// PostgreSQL (internal to the archive module).
//
// In:  SQL text with `?` or `?N` parameters (1-based), bound values.
// Out: result rows, read column by column.
// Thread-safety: a Db and its statements belong to one thread at a time.
//
// The archive's code is written once against these two classes; the SQL it
// sends is the same on both backends wherever the two dialects agree (most
// statements: ON CONFLICT upserts, RETURNING, FILTER, CASE), and chosen with
// Db::dialect() where they do not (docs/schema.md shows the two schemas side
// by side). On PostgreSQL, `?N` becomes `$N` (outside string literals);
// parameters are sent as text and typed by the server from the statement,
// so SQL that leaves a parameter's type open (`SELECT ?1`) needs a CAST.
// Results are read as text: Int() reads booleans as 1 and 0, Blob() decodes
// bytea.
//
// Backend code that needs more (FTS5's auxiliary functions, libpq's COPY)
// reaches the connection underneath through sqlite_db.h or pg_db.h.
#ifndef VEILLE_ARCHIVE_DB_H_
#define VEILLE_ARCHIVE_DB_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "veille/result.h"

namespace veille::sql {

enum class Dialect { kSqlite, kPostgres };

// Step() results (the values of SQLITE_ROW and SQLITE_DONE).
inline constexpr int kRow = 100;
inline constexpr int kDone = 101;

// One prepared statement of a backend (see Stmt for the contract).
class StmtImpl {
 public:
  virtual ~StmtImpl() = default;
  virtual void BindText(int i, std::string_view s) = 0;
  // The bytes stay valid until the statement is stepped (no copy needed).
  virtual void BindTextStatic(int i, std::string_view s) { BindText(i, s); }
  virtual void BindInt(int i, int64_t v) = 0;
  virtual void BindDouble(int i, double v) = 0;
  virtual void BindBlob(int i, std::string_view bytes) = 0;
  virtual void BindNull(int i) = 0;
  virtual int Step() = 0;
  virtual void Reset() = 0;
  virtual bool IsNull(int col) = 0;
  // Valid until the next Step() or Reset().
  virtual std::string_view TextView(int col) = 0;
  virtual int64_t Int(int col) = 0;
  virtual double Double(int col) = 0;
  virtual std::string Blob(int col) = 0;
  virtual int Columns() = 0;
};

class Db {
 public:
  virtual ~Db() = default;
  virtual Dialect dialect() const = 0;
  bool postgres() const { return dialect() == Dialect::kPostgres; }
  // Null (and *error set) if the SQL does not prepare.
  virtual std::unique_ptr<StmtImpl> Prepare(std::string_view sql, std::string* error) = 0;
  // Runs one or more statements that return no rows.
  virtual Status Exec(std::string_view sql) = 0;
  // The message of the last failure on this connection.
  virtual std::string ErrorMessage() = 0;
  // Whether the last failure broke a UNIQUE, CHECK or NOT NULL constraint.
  virtual bool LastErrorWasConstraint() = 0;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  virtual int64_t Changes() = 0;
  // The row id the last INSERT gave its row, where the backend tells it
  // without RETURNING (SQLite); nullopt elsewhere. On SQLite an INSERT with
  // RETURNING opens a statement journal, which makes FTS5 flush every full-text
  // table written in the transaction into a new segment (its xSavepoint): one
  // segment per quote stored, then merges (docs/performance.md).
  virtual std::optional<int64_t> LastInsertRowid() { return std::nullopt; }
};

// A prepared statement; binds are 1-based. A statement that fails to
// prepare is not ok() and every Step() on it fails.
class Stmt {
 public:
  Stmt() = default;
  Stmt(Db& db, std::string_view sql) { Prepare(db, sql); }
  Stmt(Stmt&&) noexcept = default;
  Stmt& operator=(Stmt&&) noexcept = default;

  bool Prepare(Db& db, std::string_view sql) {
    impl_ = db.Prepare(sql, &err_);
    return impl_ != nullptr;
  }
  bool ok() const { return impl_ != nullptr; }
  const std::string& error() const { return err_; }
  StmtImpl* impl() { return impl_.get(); }

  Stmt& Bind(int i, std::string_view s) {
    if (impl_) impl_->BindText(i, s);
    return *this;
  }
  Stmt& Bind(int i, const std::string& s) { return Bind(i, std::string_view(s)); }
  Stmt& Bind(int i, const char* s) { return Bind(i, std::string_view(s)); }
  // The bytes of `s` must stay valid until the statement is stepped.
  Stmt& BindStatic(int i, std::string_view s) {
    if (impl_) impl_->BindTextStatic(i, s);
    return *this;
  }
  Stmt& Bind(int i, const std::optional<std::string>& s) {
    return s ? Bind(i, std::string_view(*s)) : BindNull(i);
  }
  Stmt& Bind(int i, int64_t v) {
    if (impl_) impl_->BindInt(i, v);
    return *this;
  }
  Stmt& Bind(int i, double v) {
    if (impl_) impl_->BindDouble(i, v);
    return *this;
  }
  Stmt& BindBlob(int i, std::string_view bytes) {
    if (impl_) impl_->BindBlob(i, bytes);
    return *this;
  }
  Stmt& BindNull(int i) {
    if (impl_) impl_->BindNull(i);
    return *this;
  }

  // kRow, kDone, or another value on failure (Db::ErrorMessage says why).
  int Step() { return impl_ ? impl_->Step() : 1; }
  void Reset() {
    if (impl_) impl_->Reset();
  }

  bool IsNull(int col) { return impl_->IsNull(col); }
  std::string_view TextView(int col) { return impl_->TextView(col); }
  std::string Text(int col) { return std::string(impl_->TextView(col)); }
  std::optional<std::string> OptText(int col) {
    if (impl_->IsNull(col)) return std::nullopt;
    return Text(col);
  }
  int64_t Int(int col) { return impl_->Int(col); }
  double Double(int col) { return impl_->Double(col); }
  std::string Blob(int col) { return impl_->Blob(col); }

 private:
  std::unique_ptr<StmtImpl> impl_;
  std::string err_;
};

// Resets a reused statement when the scope ends: it then holds no read
// transaction open and keeps no bindings.
class ResetOnExit {
 public:
  explicit ResetOnExit(Stmt& s) : s_(s) {}
  ~ResetOnExit() { s_.Reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  Stmt& s_;
};

inline Error DbError(Db& db, std::string_view what) {
  return Error::Database(std::string(what) + ": " + db.ErrorMessage());
}

inline Status Exec(Db& db, std::string_view sql) { return db.Exec(sql); }

// `sqlite` or `postgres`, whichever `db` speaks.
inline const char* Pick(const Db& db, const char* sqlite, const char* postgres) {
  return db.dialect() == Dialect::kPostgres ? postgres : sqlite;
}

}  // namespace veille::sql

#endif  // VEILLE_ARCHIVE_DB_H_
