// pg_db.cc: sql::Db over libpq (see pg_db.h).
#include "archive/pg_db.h"

#include <cstdlib>
#include <cstring>

namespace veille::sql {
namespace {

// Frees a PGresult at the end of a scope.
struct ResultGuard {
  PGresult* res;
  ~ResultGuard() { PQclear(res); }
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

class PgStmt : public StmtImpl {
 public:
  PgStmt(PgDb& db, std::string sql, int params, std::vector<Oid> types)
      : db_(db),
        sql_(std::move(sql)),
        types_(std::move(types)),
        values_(static_cast<size_t>(params)),
        null_(static_cast<size_t>(params), true),
        binary_(static_cast<size_t>(params), false) {}
  ~PgStmt() override {
    PQclear(res_);
    // Only statements that ran twice are prepared on the server; an aborted
    // transaction refuses DEALLOCATE (the connection's end frees it then).
    PGconn* c = db_.conn();
    if (!name_.empty() && PQstatus(c) == CONNECTION_OK &&
        PQtransactionStatus(c) != PQTRANS_INERROR) {
      PGresult* r = PQexec(c, ("DEALLOCATE " + name_).c_str());
      PQclear(r);
    }
  }

  void BindText(int i, std::string_view s) override { Set(i, s, false); }
  void BindInt(int i, int64_t v) override { Set(i, std::to_string(v), false); }
  void BindDouble(int i, double v) override {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    Set(i, buf, false);
  }
  void BindBlob(int i, std::string_view b) override { Set(i, b, true); }
  void BindNull(int i) override {
    if (i >= 1 && static_cast<size_t>(i) <= null_.size()) null_[i - 1] = true;
  }

  int Step() override {
    if (!executed_) {
      executed_ = true;
      if (!Execute()) return 1;
      row_ = 0;
    } else {
      ++row_;
    }
    return row_ < rows_ ? kRow : kDone;
  }

  void Reset() override {
    PQclear(res_);
    res_ = nullptr;
    executed_ = false;
    rows_ = row_ = 0;
    std::fill(null_.begin(), null_.end(), true);
    std::fill(binary_.begin(), binary_.end(), false);
  }

  bool IsNull(int col) override { return !res_ || PQgetisnull(res_, row_, col); }
  std::string_view TextView(int col) override {
    if (!res_ || PQgetisnull(res_, row_, col)) return {};
    return std::string_view(PQgetvalue(res_, row_, col),
                            static_cast<size_t>(PQgetlength(res_, row_, col)));
  }
  int64_t Int(int col) override {
    std::string_view v = TextView(col);
    if (v.empty()) return 0;
    if (v == "t") return 1;
    if (v == "f") return 0;
    return std::strtoll(std::string(v).c_str(), nullptr, 10);
  }
  double Double(int col) override {
    std::string_view v = TextView(col);
    return v.empty() ? 0 : std::strtod(std::string(v).c_str(), nullptr);
  }
  std::string Blob(int col) override {
    std::string_view v = TextView(col);
    std::string out;
    if (v.size() < 2 || v[0] != '\\' || v[1] != 'x') return out;  // bytea hex output
    out.reserve((v.size() - 2) / 2);
    for (size_t i = 2; i + 1 < v.size(); i += 2)
      out.push_back(static_cast<char>(HexValue(v[i]) << 4 | HexValue(v[i + 1])));
    return out;
  }
  int Columns() override { return res_ ? PQnfields(res_) : 0; }

 private:
  void Set(int i, std::string_view v, bool binary) {
    if (i < 1 || static_cast<size_t>(i) > values_.size()) return;
    values_[i - 1].assign(v.data(), v.size());
    null_[i - 1] = false;
    binary_[i - 1] = binary;
  }

  bool Execute() {
    const size_t n = values_.size();
    std::vector<const char*> values(n);
    std::vector<int> lengths(n), formats(n);
    for (size_t i = 0; i < n; ++i) {
      values[i] = null_[i] ? nullptr : values_[i].data();
      lengths[i] = static_cast<int>(values_[i].size());
      formats[i] = binary_[i] ? 1 : 0;
    }
    PGconn* c = db_.conn();
    // The first run goes as one unnamed statement; a statement that runs
    // again is worth preparing on the server.
    if (name_.empty() && runs_ > 0) {
      const std::string name = db_.NextStatementName();
      PGresult* p = PQprepare(c, name.c_str(), sql_.c_str(), static_cast<int>(n), types_.data());
      const bool ok = db_.Check(p, false);
      PQclear(p);
      if (!ok) return false;
      name_ = name;
    }
    ++runs_;
    res_ = name_.empty() ? PQexecParams(c, sql_.c_str(), static_cast<int>(n), types_.data(),
                                        values.data(), lengths.data(), formats.data(), 0)
                         : PQexecPrepared(c, name_.c_str(), static_cast<int>(n), values.data(),
                                          lengths.data(), formats.data(), 0);
    if (!db_.Check(res_, true)) {
      PQclear(res_);
      res_ = nullptr;
      return false;
    }
    rows_ = PQresultStatus(res_) == PGRES_TUPLES_OK ? PQntuples(res_) : 0;
    return true;
  }

  PgDb& db_;
  const std::string sql_;
  const std::vector<Oid> types_;  // 0: the server infers it; text for unused numbers
  std::vector<std::string> values_;
  std::vector<bool> null_, binary_;
  std::string name_;  // server-side prepared statement, once it ran twice
  uint64_t runs_ = 0;
  PGresult* res_ = nullptr;
  bool executed_ = false;
  int rows_ = 0, row_ = 0;
};

void IgnoreNotice(void*, const char*) {}

}  // namespace

std::string PgDb::TranslateParameters(std::string_view sql, int* params, std::vector<bool>* used) {
  std::string out;
  out.reserve(sql.size() + 8);
  int highest = 0;
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {  // literal or quoted name, doubled quotes inside
      size_t j = i + 1;
      while (j < sql.size()) {
        if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      const size_t end = std::min(sql.size(), j + 1);
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const size_t end = std::min(
          sql.size(), sql.find('\n', i) == std::string_view::npos ? sql.size() : sql.find('\n', i));
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '?') {
      size_t j = i + 1;
      int n = 0;
      while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') n = n * 10 + (sql[j++] - '0');
      if (j == i + 1) n = highest + 1;  // bare '?': one past the highest so far
      highest = std::max(highest, n);
      if (used) {
        if (used->size() < static_cast<size_t>(n) + 1) used->resize(static_cast<size_t>(n) + 1);
        (*used)[static_cast<size_t>(n)] = true;
      }
      out += '$' + std::to_string(n);
      i = j;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  if (params) *params = highest;
  return out;
}

std::string PgDb::Describe(const std::string& uri) {
  // Connect refuses URIs with a password, so the URI itself says nothing
  // secret; the query part may still hold options, which do not matter.
  const size_t q = uri.find('?');
  return q == std::string::npos ? uri : uri.substr(0, q);
}

Result<std::unique_ptr<Db>> PgDb::Connect(const std::string& uri, bool read_only) {
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), &err);
  if (!options) {
    std::string msg = err ? err : "out of memory";
    PQfreemem(err);
    return Error::InvalidArgument("bad PostgreSQL URI " + Describe(uri) + ": " + msg);
  }
  bool has_password = false;
  for (PQconninfoOption* o = options; o->keyword; ++o)
    if (std::strcmp(o->keyword, "password") == 0 && o->val && *o->val) has_password = true;
  PQconninfoFree(options);
  if (has_password)
    return Error::InvalidArgument(
        "the PostgreSQL URI holds a password: put it in ~/.pgpass or the file PGPASSFILE names "
        "instead (a command line is visible to every local user)");
  const char* keys[] = {"dbname", "fallback_application_name", "client_encoding", nullptr};
  const char* values[] = {uri.c_str(), "veille", "UTF8", nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (!conn || PQstatus(conn) != CONNECTION_OK) {
    std::string msg = conn ? PQerrorMessage(conn) : "out of memory";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    PQfinish(conn);
    return Error::Io("cannot connect to " + Describe(uri) + ": " + msg);
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  std::unique_ptr<PgDb> db(new PgDb(conn));
  if (auto s = db->Exec(read_only ? "SET default_transaction_read_only = on"
                                  : "SET default_transaction_read_only = off");
      !s.ok())
    return s.error();
  return std::unique_ptr<Db>(std::move(db));
}

PgDb::~PgDb() { PQfinish(conn_); }

bool PgDb::Check(const PGresult* res, bool tuples_ok) {
  const ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || (tuples_ok && st == PGRES_TUPLES_OK) || st == PGRES_COPY_IN) {
    const char* n = res ? PQcmdTuples(const_cast<PGresult*>(res)) : "";
    changes_ = n && *n ? std::strtoll(n, nullptr, 10) : 0;
    return true;
  }
  error_ = res ? PQresultErrorMessage(res) : PQerrorMessage(conn_);
  while (!error_.empty() && (error_.back() == '\n' || error_.back() == ' ')) error_.pop_back();
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  sqlstate_ = state ? state : "";
  return false;
}

std::unique_ptr<StmtImpl> PgDb::Prepare(std::string_view sql, std::string* error) {
  int params = 0;
  std::vector<bool> used;
  std::string text = TranslateParameters(sql, &params, &used);
  // A number the SQL skips (?2 without ?1, as filters that are off leave
  // them) has no context to type it from: it is sent as text.
  constexpr Oid kTextOid = 25;
  std::vector<Oid> types(static_cast<size_t>(params), 0);
  for (int i = 1; i <= params; ++i)
    if (static_cast<size_t>(i) >= used.size() || !used[static_cast<size_t>(i)])
      types[i - 1] = kTextOid;
  return std::make_unique<PgStmt>(*this, std::move(text), params, std::move(types));
}

Status PgDb::Exec(std::string_view sql) {
  const std::string text(sql);
  PGresult* res = PQexec(conn_, text.c_str());
  ResultGuard guard{res};
  if (!Check(res, true)) return Error::Database(error_ + " (in: " + text.substr(0, 80) + ")");
  return OkStatus();
}

Status PgDb::CopyIn(std::string_view table_and_columns, std::string_view data) {
  const std::string sql = "COPY " + std::string(table_and_columns) + " FROM STDIN";
  {
    PGresult* res = PQexec(conn_, sql.c_str());
    ResultGuard guard{res};
    if (!Check(res, false) || PQresultStatus(res) != PGRES_COPY_IN)
      return Error::Database("copying into " + std::string(table_and_columns) + ": " + error_);
  }
  if (PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) != 1 ||
      PQputCopyEnd(conn_, nullptr) != 1)
    return Error::Database("copying into " + std::string(table_and_columns) + ": " +
                           PQerrorMessage(conn_));
  PGresult* res = PQgetResult(conn_);
  bool ok = Check(res, false);
  PQclear(res);
  while ((res = PQgetResult(conn_)) != nullptr) PQclear(res);
  if (!ok) return Error::Database("copying into " + std::string(table_and_columns) + ": " + error_);
  return OkStatus();
}

void CopyEscape(std::string_view value, std::string* out) {
  for (char c : value) {
    switch (c) {
      case '\\':
        *out += "\\\\";
        break;
      case '\t':
        *out += "\\t";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      default:
        out->push_back(c);
    }
  }
}

}  // namespace veille::sql
