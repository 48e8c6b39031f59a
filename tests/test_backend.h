// test_backend.h: archives for tests on either backend.
//
// Without VEILLE_TEST_PG, tests use SQLite files. With it (a libpq URI of a
// database the tests may create schemas in, as scripts/pg-test.sh sets),
// NewTestPgArchive gives each archive a schema of its own in that database
// (search_path in the URI), and DropTestPgArchive removes it.
#ifndef VEILLE_TESTS_TEST_BACKEND_H_
#define VEILLE_TESTS_TEST_BACKEND_H_

#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace veille {

inline const char* TestPgBase() {
  const char* v = std::getenv("VEILLE_TEST_PG");
  return v && *v ? v : nullptr;
}

inline std::string TestPgSchemaOf(const std::string& location) {
  const std::string key = "search_path%3D";
  const size_t at = location.find(key);
  return at == std::string::npos ? "" : location.substr(at + key.size());
}

// Runs `sql` on the PostgreSQL database of `location`; the first column of
// the first row as an integer (booleans as 0/1), -1 without a row.
inline int64_t TestPgExec(const std::string& location, const std::string& sql) {
  PGconn* c = PQconnectdb(location.c_str());
  int64_t v = -1;
  if (PQstatus(c) == CONNECTION_OK) {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) {
      const std::string s = PQgetvalue(r, 0, 0);
      v = s == "t" ? 1 : s == "f" ? 0 : std::strtoll(s.c_str(), nullptr, 10);
    }
    PQclear(r);
  }
  PQfinish(c);
  return v;
}

inline std::string NewTestPgArchive(const std::string& name) {
  std::string schema = "t" + std::to_string(getpid()) + "_";
  for (char c : name) schema += std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '_';
  if (schema.size() > 60) schema.resize(60);
  const std::string base = TestPgBase();
  TestPgExec(base, "DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
  return base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         schema;
}

inline void DropTestPgArchive(const std::string& location) {
  const std::string schema = TestPgSchemaOf(location);
  if (!schema.empty()) TestPgExec(location, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
}

// The first integer `sql` returns from the archive at `location` (either
// backend); -1 if no row.
inline int64_t TestQueryInt(const std::string& location, const std::string& sql) {
  if (location.starts_with("postgres")) return TestPgExec(location, sql);
  sqlite3* db = nullptr;
  int64_t v = -1;
  if (sqlite3_open(location.c_str(), &db) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return v;
}

}  // namespace veille

#endif  // VEILLE_TESTS_TEST_BACKEND_H_
