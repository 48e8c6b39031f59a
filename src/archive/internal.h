// internal.h: pieces shared by the archive's .cc files (not public).
#ifndef VEILLE_ARCHIVE_INTERNAL_H_
#define VEILLE_ARCHIVE_INTERNAL_H_

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "archive/db.h"
#include "veille/archive.h"

namespace veille {

using sql::Stmt;

// The current UTC time, YYYY-MM-DDTHH:MM:SSZ (archive.cc).
std::string NowUtc();
// Article flags as stored (a JSON array) and back (archive.cc).
std::string FlagsJson(const std::vector<std::string>& flags);
std::vector<std::string> ParseFlags(const std::string& s);

// " RETURNING column" where the backend needs it to tell an INSERT's new id
// (PostgreSQL), "" where Db::LastInsertRowid() tells it (SQLite, on which
// RETURNING would cost an FTS5 flush per statement: see db.h).
inline std::string ReturningId(sql::Db& db, const char* column) {
  return db.LastInsertRowid() ? std::string() : std::string(" RETURNING ") + column;
}
// Steps an INSERT prepared with ReturningId(): the new row's id, or nullopt
// when it failed.
inline std::optional<int64_t> StepInsert(sql::Db& db, Stmt& st) {
  if (db.LastInsertRowid()) {
    if (st.Step() != sql::kDone) return std::nullopt;
    return db.LastInsertRowid();
  }
  if (st.Step() != sql::kRow) return std::nullopt;
  const int64_t id = st.Int(0);
  st.Reset();
  return id;
}

struct Archive::Statements {
  // `registry`: the table with every article's id, hash and group
  // (Backend::registry()).
  Statements(sql::Db& db, const std::string& registry)
      : removed(db, "INSERT INTO removed_lines(article_rowid, seq, text, reason) VALUES(?,?,?,?)"),
        lines(db,
              "INSERT INTO line_counts(source_group, fingerprint, count) VALUES(?, ?, 1) "
              "ON CONFLICT(source_group, fingerprint) DO UPDATE SET count = line_counts.count + 1"),
        entity_find(db, "SELECT entity_id FROM entities WHERE key = ?"),
        alias(
            db,
            "INSERT INTO entity_aliases(entity_id, alias, alias_key, mentions) VALUES(?, ?, ?, ?) "
            "ON CONFLICT(entity_id, alias) DO UPDATE SET mentions = entity_aliases.mentions + "
            "excluded.mentions"),
        mention(db,
                "INSERT INTO mentions(article_rowid, seq, entity_id, start, \"end\", text, type, "
                "role) VALUES(?,?,?,?,?,?,?,?)"),
        quote(db,
              "INSERT INTO quotes(article_rowid, seq, text, speaker, speaker_entity_id, "
              "speaker_mention, speaker_role, cue, start, \"end\", speaker_kind, confidence, "
              "partial) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)" +
                  ReturningId(db, "quote_id")),
        by_id(db, "SELECT rowid, content_hash, duplicate_of IS NULL, source_group FROM " +
                      registry + " WHERE id = ?"),
        by_hash(db, "SELECT id FROM " + registry +
                        " WHERE content_hash = ? AND duplicate_of IS NULL LIMIT 1"),
        group_add(db,
                  "INSERT INTO source_groups(source_group, articles) VALUES(?, ?) "
                  "ON CONFLICT(source_group) DO UPDATE SET articles = source_groups.articles + "
                  "excluded.articles") {}
  Stmt removed, lines, entity_find, alias, mention, quote;
  // What the archive holds for an id or a content hash; group sizes.
  Stmt by_id, by_hash, group_add;
  // Reuse rows (prepared on first use).
  Stmt sig, pending, sig_query;
  // Multi-word person entities by their last word's key, to link a bare
  // surname to the one full name the archive knows (loaded on first use).
  bool surnames_loaded = false;
  std::unordered_map<std::string, int64_t> surname_to_entity;  // -1 = ambiguous
  // Entity counts and aliases of the open transaction, written once per
  // entity at Commit() instead of once per article (archive/extracted.cc).
  struct EntityCounts {
    int64_t per = 0, loc = 0, org = 0, mentions = 0, articles = 0;
  };
  std::unordered_map<std::string, int64_t> entity_ids;  // key -> entity_id, this transaction
  std::map<int64_t, EntityCounts> entity_counts;        // entity_id -> increments, in id order
  std::map<std::pair<int64_t, std::string>, std::pair<std::string, int64_t>>
      alias_counts;  // (entity_id, alias) -> (alias key, mentions)
  Stmt entity_new, entity_add;
};

}  // namespace veille

#endif  // VEILLE_ARCHIVE_INTERNAL_H_
