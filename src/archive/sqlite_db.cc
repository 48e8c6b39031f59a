// sqlite_db.cc: sql::Db over the SQLite C API (see sqlite_db.h).
#include "archive/sqlite_db.h"

namespace veille::sql {
namespace {

class SqliteStmt : public StmtImpl {
 public:
  explicit SqliteStmt(sqlite3_stmt* st) : st_(st) {}
  ~SqliteStmt() override { sqlite3_finalize(st_); }

  void BindText(int i, std::string_view s) override {
    sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  void BindTextStatic(int i, std::string_view s) override {
    sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
  }
  void BindInt(int i, int64_t v) override { sqlite3_bind_int64(st_, i, v); }
  void BindDouble(int i, double v) override { sqlite3_bind_double(st_, i, v); }
  void BindBlob(int i, std::string_view b) override {
    sqlite3_bind_blob(st_, i, b.data(), static_cast<int>(b.size()), SQLITE_TRANSIENT);
  }
  void BindNull(int i) override { sqlite3_bind_null(st_, i); }
  int Step() override { return sqlite3_step(st_); }
  void Reset() override {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }
  bool IsNull(int col) override { return sqlite3_column_type(st_, col) == SQLITE_NULL; }
  std::string_view TextView(int col) override {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, col));
    return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(st_, col)))
             : std::string_view();
  }
  int64_t Int(int col) override { return sqlite3_column_int64(st_, col); }
  double Double(int col) override { return sqlite3_column_double(st_, col); }
  std::string Blob(int col) override {
    const void* p = sqlite3_column_blob(st_, col);
    const int n = sqlite3_column_bytes(st_, col);
    return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
  }
  int Columns() override { return sqlite3_column_count(st_); }

  sqlite3_stmt* raw() { return st_; }

 private:
  sqlite3_stmt* st_;
};

}  // namespace

std::unique_ptr<StmtImpl> SqliteDb::Prepare(std::string_view sql, std::string* error) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &st, nullptr) != SQLITE_OK) {
    if (error) *error = sqlite3_errmsg(db_);
    return nullptr;
  }
  return std::make_unique<SqliteStmt>(st);
}

Status SqliteDb::Exec(std::string_view sql) {
  const std::string text(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Error::Database(msg + " (in: " + text.substr(0, 80) + ")");
  }
  return OkStatus();
}

sqlite3_stmt* SqliteDb::Raw(Stmt& st) {
  return st.impl() ? static_cast<SqliteStmt*>(st.impl())->raw() : nullptr;
}

}  // namespace veille::sql
