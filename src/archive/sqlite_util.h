// sqlite_util.h: a thin RAII layer over the SQLite C API (internal).
#ifndef VEILLE_ARCHIVE_SQLITE_UTIL_H_
#define VEILLE_ARCHIVE_SQLITE_UTIL_H_

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "veille/result.h"

namespace veille::sql {

// A prepared statement; binds are 1-based like SQLite's.
class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3* db, std::string_view sql) { Prepare(db, sql); }
  ~Stmt() { sqlite3_finalize(st_); }
  Stmt(Stmt&& o) noexcept : st_(o.st_), err_(std::move(o.err_)) { o.st_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept {
    std::swap(st_, o.st_);
    std::swap(err_, o.err_);
    return *this;
  }

  bool Prepare(sqlite3* db, std::string_view sql) {
    sqlite3_finalize(st_);
    st_ = nullptr;
    if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &st_, nullptr) != SQLITE_OK) {
      err_ = sqlite3_errmsg(db);
      return false;
    }
    return true;
  }
  bool ok() const { return st_ != nullptr; }
  const std::string& error() const { return err_; }
  sqlite3_stmt* get() { return st_; }

  Stmt& Bind(int i, std::string_view s) {
    sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, const std::string& s) { return Bind(i, std::string_view(s)); }
  Stmt& Bind(int i, const char* s) { return Bind(i, std::string_view(s)); }
  Stmt& BindStatic(int i, std::string_view s) {
    sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
    return *this;
  }
  Stmt& Bind(int i, const std::optional<std::string>& s) {
    if (s) return Bind(i, std::string_view(*s));
    sqlite3_bind_null(st_, i);
    return *this;
  }
  Stmt& Bind(int i, int64_t v) {
    sqlite3_bind_int64(st_, i, v);
    return *this;
  }
  Stmt& Bind(int i, double v) {
    sqlite3_bind_double(st_, i, v);
    return *this;
  }
  Stmt& BindBlob(int i, std::string_view bytes) {
    sqlite3_bind_blob(st_, i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& BindNull(int i) {
    sqlite3_bind_null(st_, i);
    return *this;
  }

  // Returns SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(st_); }
  void Reset() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }

  std::string Text(int col) {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, col));
    return p ? std::string(p, sqlite3_column_bytes(st_, col)) : std::string();
  }
  std::optional<std::string> OptText(int col) {
    if (sqlite3_column_type(st_, col) == SQLITE_NULL) return std::nullopt;
    return Text(col);
  }
  int64_t Int(int col) { return sqlite3_column_int64(st_, col); }
  double Double(int col) { return sqlite3_column_double(st_, col); }

 private:
  sqlite3_stmt* st_ = nullptr;
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

inline Error DbError(sqlite3* db, std::string_view what) {
  return Error::Database(std::string(what) + ": " + sqlite3_errmsg(db));
}

inline Status Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Error::Database(msg + " (in: " + std::string(sql).substr(0, 80) + ")");
  }
  return OkStatus();
}

}  // namespace veille::sql

#endif  // VEILLE_ARCHIVE_SQLITE_UTIL_H_
