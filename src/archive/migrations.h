// migrations.h: the archive's schema changes after version 3, in order, for
// each backend (internal to the archive module).
//
// SQLite: kSchema (sqlite_backend.cc) creates the version-3 tables. Every
// later change is one entry of Migrations(), applied in order inside one
// transaction by a read-write Open: a new archive gets kSchema and then every
// migration; an archive at version V gets the migrations after V. Migration i
// (from 0) takes the archive to version kBaseSchemaVersion + i + 1.
//
// PostgreSQL: kPgSchema (pg_schema.cc) creates the version-kPgBaseSchemaVersion
// tables at once; the migrations after that version run as on SQLite, with
// their `postgres` text.
//
// To change the schema: append an entry with both texts (never edit or
// reorder a landed one), bump kSchemaVersion in veille/archive.h, document
// it in docs/schema.md (both columns).
#ifndef VEILLE_ARCHIVE_MIGRATIONS_H_
#define VEILLE_ARCHIVE_MIGRATIONS_H_

#include <span>

namespace veille {

inline constexpr int kBaseSchemaVersion = 3;

// The version kPgSchema creates: migrations up to it have no `postgres` text.
inline constexpr int kPgBaseSchemaVersion = 8;

struct Migration {
  const char* name;      // what it adds, for error messages: "quotes: speaker_kind"
  const char* sqlite;    // one or more statements
  const char* postgres;  // the same change on PostgreSQL (after kPgBaseSchemaVersion)
};

std::span<const Migration> Migrations();

}  // namespace veille

#endif  // VEILLE_ARCHIVE_MIGRATIONS_H_
