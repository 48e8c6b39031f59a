// backend.h: what differs between the SQLite and the PostgreSQL archive
// (internal to the archive module).
//
// In:  calls from the Archive's shared code (archive.cc, extracted.cc,
//      reuse_store.cc, ...), which holds the logic of storing, replacing and
//      reading articles in portable SQL (db.h).
// Out: the backend's own way of doing what SQL alone does not say the same
//      way on both: the schema and its migrations, transactions (and, on
//      PostgreSQL, the turn of a writer among many), row ids, the article
//      rows (one table on SQLite; an id registry and month partitions on
//      PostgreSQL), the full-text index and its search, and the reuse index.
// Thread-safety: like the Archive that owns it (one thread at a time).
//
// SqliteBackend (sqlite_backend.cc) keeps the FTS5 tables; the PostgreSQL
// backend (issue 18) implements the same interface. A table added
// to the archive needs a migration for each (migrations.cc); a method that
// needs SQL the two dialects write differently picks it with sql::Pick, and
// only what has no common form at all becomes a Backend method.
#ifndef VEILLE_ARCHIVE_BACKEND_H_
#define VEILLE_ARCHIVE_BACKEND_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "archive/db.h"
#include "veille/archive.h"
#include "veille/archive_queries.h"

namespace veille {

struct ParsedQuery;

// What SearchWithFacets reads of every article, held in memory (the
// backend's own subclass).
struct SearchAttributes::Snapshot {
  virtual ~Snapshot() = default;
  int64_t generation = 0;  // Backend::AttributesGeneration() it was read at
};

// The columns of one article row, as Store() writes them.
struct ArticleRow {
  std::string id, content_hash, source, source_group;
  std::optional<std::string> title, date, date_lo, date_hi, date_in_text;
  std::string language;
  std::optional<std::string> outlet, url, summary;
  std::string flags_json, metadata_json;
  const std::string* text = nullptr;  // null for an exact duplicate
  std::optional<std::string> duplicate_of;
  std::string ingested_at;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // --- schema ---
  // Creates the tables of a new archive or migrates an older one (read-write
  // open); checks the version (read-only open).
  virtual Status CreateOrMigrate() = 0;
  virtual Status CheckVersion(const std::string& location) = 0;
  virtual Result<bool> HasTable(const std::string& name) = 0;
  // The table holding every article's id, content hash, group and
  // duplicate_of (with indexes on each): `articles` on SQLite,
  // `article_ids` on PostgreSQL.
  virtual const char* registry() const = 0;

  // --- the connection ---
  virtual Status SetCacheSize(size_t mb) = 0;
  virtual Status Preload() = 0;
  // Whether other processes may write to the archive while this one does
  // (PostgreSQL): then each write transaction waits for its turn, and an
  // ingest looks up what the others stored.
  virtual bool shared() const = 0;
  // Changes whenever any connection commits a change (cache keys).
  virtual Result<int64_t> DataVersion() = 0;
  // Bytes the archive takes on disk.
  virtual Result<uint64_t> SizeBytes() = 0;

  // --- transactions ---
  virtual Status Begin() = 0;
  // Writes what the backend kept for the end of the transaction, then commits.
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  // Whether a transaction is open (Begin() without Commit() or Rollback()).
  virtual bool InTransaction() = 0;

  // --- article rows ---
  // Inserts the row and returns its row id; `fresh_rowid`: a row id never
  // used before (an update). Nullopt if the id is stored already (another
  // writer's commit).
  virtual Result<std::optional<int64_t>> InsertArticle(const ArticleRow& row, bool fresh_rowid) = 0;
  virtual Status DeleteArticle(int64_t rowid) = 0;
  // Makes the original at `rowid` an exact duplicate of `of` (its text goes)
  // and points the duplicates that named it at `of`.
  virtual Status MakeDuplicate(int64_t rowid, const std::string& id, const std::string& of) = 0;
  // A number at least the count of articles, growing with every new one.
  virtual Result<int64_t> MaxArticleRowid() = 0;
  // The storing order of a row id (ties in ranking; SearchAttributes).
  virtual int64_t StoreOrder(int64_t rowid) const = 0;

  // --- full text ---
  // Indexes a stored original's title and text (the Article's index terms,
  // else its text analysed in its language).
  virtual Status IndexArticle(int64_t rowid, const Article& a) = 0;
  // Removes a row from the index; `title` and `text` are what was indexed.
  virtual Status UnindexArticle(int64_t rowid, const std::string& language,
                                const std::string& title, const std::string& text) = 0;
  virtual Status IndexQuote(int64_t quote_id, const std::string& language, const std::string& text,
                            const std::string* preanalyzed) = 0;
  virtual Status UnindexQuote(int64_t quote_id, const std::string& language,
                              const std::string& text) = 0;
  // A condition on `q.quote_id` (quotes aliased `q`) for quotes matching the
  // parsed query, with its one parameter as ?2 and that parameter's value.
  virtual Result<std::pair<std::string, std::string>> QuoteCondition(
      Archive& archive, const ParsedQuery& query, const std::vector<std::string>& languages) = 0;
  virtual Result<SearchResult> Search(Archive& archive, const SearchOptions& options) = 0;
  // A number that grows whenever an article is stored or replaced (a
  // replaced article gets a new row id), one indexed lookup.
  virtual Result<int64_t> AttributesGeneration() = 0;
  // `previous` (may be null) extended with the articles stored since it was
  // read, up to `generation`.
  virtual Result<std::shared_ptr<const SearchAttributes::Snapshot>> RefreshAttributes(
      const std::shared_ptr<const SearchAttributes::Snapshot>& previous, int64_t generation) = 0;
  virtual Result<SearchPage> SearchWithFacets(Archive& archive,
                                              const SearchAttributes::Snapshot& snapshot,
                                              const SearchOptions& options, size_t top,
                                              size_t entity_sample) = 0;
  virtual Status Reindex(const std::function<void(uint64_t, uint64_t)>& progress) = 0;

  // --- reuse index (LSH band keys and passage fingerprints) ---
  virtual Status AddReuseKeys(int64_t rowid, const std::vector<uint64_t>& bands,
                              const std::vector<uint64_t>& fingerprints) = 0;
  virtual Status RemoveReuseKeys(int64_t rowid) = 0;
  virtual Result<std::vector<int64_t>> ArticlesWithBands(const std::vector<uint64_t>& bands) = 0;
  virtual Result<std::vector<int64_t>> ArticlesWithFingerprint(uint64_t fingerprint,
                                                               size_t limit) = 0;
  virtual Result<std::vector<uint64_t>> Fingerprints(int64_t rowid) = 0;
  virtual Status MergeReuseIndex(int64_t pages) = 0;
  virtual Status SetReuseIndexAutomerge(bool on) = 0;
};

std::unique_ptr<Backend> NewSqliteBackend(sql::Db& db, const TextAnalyzer& analyzer);
// `db` must be a PgDb (pg_db.h).
std::unique_ptr<Backend> NewPgBackend(sql::Db& db, const TextAnalyzer& analyzer, OpenMode mode);

}  // namespace veille

#endif  // VEILLE_ARCHIVE_BACKEND_H_
