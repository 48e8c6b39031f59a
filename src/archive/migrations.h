// migrations.h: the archive's schema changes after version 3, in order
// (internal to the archive module).
//
// kSchema (archive.cc) creates the version-3 tables. Every later change is one
// entry of Migrations(), applied in order inside one transaction by a
// read-write Open: a new archive gets kSchema and then every migration; an
// archive at version V gets the migrations after V. Migration i (from 0)
// takes the archive to version kBaseSchemaVersion + i + 1.
//
// To change the schema: append an entry (never edit or reorder a landed one),
// bump kSchemaVersion in veille/archive.h, document it in docs/schema.md.
#ifndef VEILLE_ARCHIVE_MIGRATIONS_H_
#define VEILLE_ARCHIVE_MIGRATIONS_H_

#include <span>

namespace veille {

inline constexpr int kBaseSchemaVersion = 3;

struct Migration {
  const char* name;  // what it adds, for error messages: "quotes: speaker_kind"
  const char* sql;   // one or more statements
};

std::span<const Migration> Migrations();

}  // namespace veille

#endif  // VEILLE_ARCHIVE_MIGRATIONS_H_
