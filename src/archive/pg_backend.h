// pg_backend.h: the PostgreSQL backend of the archive (internal): any number
// of writer processes on one primary, readers on the primary or on hot
// standbys.
//
// In:  a PgDb connection (pg_db.h) and the TextAnalyzer.
// Out: Backend (backend.h). pg_backend.cc holds the schema and migrations,
//      rows, the tsvector index and the reuse index; pg_search.cc the ranked
//      and faceted search (BM25 as on SQLite, from fts_stats and the
//      positions in the tsvectors).
// Thread-safety: one thread at a time, like the connection.
//
// Writers: every write transaction starts by taking the archive's write turn
// (a transaction-level advisory lock), so that lookups of ids, hashes,
// entities and reuse keys see every other writer's committed articles and
// counters are never updated from a stale read; what runs outside a write
// transaction (reading and extracting input, in every process at once) is
// what spreads over workers. Storing is idempotent (article_ids' ON CONFLICT
// (id) DO NOTHING), and a writer killed mid-transaction leaves nothing:
// PostgreSQL rolls its transaction back.
#ifndef VEILLE_ARCHIVE_PG_BACKEND_H_
#define VEILLE_ARCHIVE_PG_BACKEND_H_

#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "archive/backend.h"
#include "archive/pg_db.h"

namespace veille {

// The tables at kPgBaseSchemaVersion (pg_schema.cc).
const char* PgSchema();

// The FTS5 MATCH expression ToFts5Match makes, as a PostgreSQL tsquery, and
// the phrases it holds in FTS5's order (what BM25 sums over).
struct PgQuery {
  struct Phrase {
    std::vector<std::string> terms;
    bool prefix = false;   // the last term is a prefix
    bool negated = false;  // under NOT: never counted
    int near_group = -1;   // index of its NEAR group (distance 0), or -1
  };
  std::string tsquery;
  std::vector<Phrase> phrases;
  std::vector<std::string> phrase_tsquery;  // each phrase alone (document frequencies)
};
Result<PgQuery> Fts5ToTsquery(std::string_view match);

// A tsvector literal for index terms by column: `title` and `body` hold
// (term, colocated) in order; title terms get weight A at positions 1..n,
// body terms weight D after a gap, so that no phrase spans the two. Sets
// *title_len and *body_len to the counts of positioned terms.
std::string MakeTsvector(const std::vector<std::pair<std::string, bool>>& title,
                         const std::vector<std::pair<std::string, bool>>& body, int* title_len,
                         int* body_len);

class PgBackend : public Backend {
 public:
  PgBackend(sql::Db& db, const TextAnalyzer& analyzer, OpenMode mode)
      : db_(static_cast<sql::PgDb&>(db)), analyzer_(analyzer), mode_(mode) {}

  Status CreateOrMigrate() override;
  Status CheckVersion(const std::string& location) override;
  Result<bool> HasTable(const std::string& name) override;
  const char* registry() const override { return "article_ids"; }

  Status SetCacheSize(size_t) override { return OkStatus(); }
  Status Preload() override { return OkStatus(); }
  bool shared() const override { return true; }
  Result<int64_t> DataVersion() override;
  Result<uint64_t> SizeBytes() override;

  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;
  bool InTransaction() override;

  Result<std::optional<int64_t>> InsertArticle(const ArticleRow& row, bool fresh_rowid) override;
  Status DeleteArticle(int64_t rowid) override;
  Status MakeDuplicate(int64_t rowid, const std::string& id, const std::string& of) override;
  Result<int64_t> MaxArticleRowid() override;
  int64_t StoreOrder(int64_t rowid) const override { return rowid; }

  Status IndexArticle(int64_t rowid, const Article& a) override;
  Status UnindexArticle(int64_t rowid, const std::string& language, const std::string& title,
                        const std::string& text) override;
  Status IndexQuote(int64_t quote_id, const std::string& language, const std::string& text,
                    const std::string* preanalyzed) override;
  Status UnindexQuote(int64_t quote_id, const std::string& language,
                      const std::string& text) override;
  Result<std::pair<std::string, std::string>> QuoteCondition(
      Archive& archive, const ParsedQuery& query,
      const std::vector<std::string>& languages) override;
  Result<SearchResult> Search(Archive& archive, const SearchOptions& options) override;
  Result<int64_t> AttributesGeneration() override { return MaxArticleRowid(); }
  Result<std::shared_ptr<const SearchAttributes::Snapshot>> RefreshAttributes(
      const std::shared_ptr<const SearchAttributes::Snapshot>& previous,
      int64_t generation) override;
  Result<SearchPage> SearchWithFacets(Archive& archive, const SearchAttributes::Snapshot& snapshot,
                                      const SearchOptions& options, size_t top,
                                      size_t entity_sample) override;
  Status Reindex(const std::function<void(uint64_t, uint64_t)>& progress) override;

  Status AddReuseKeys(int64_t rowid, const std::vector<uint64_t>& bands,
                      const std::vector<uint64_t>& fingerprints) override;
  Status RemoveReuseKeys(int64_t rowid) override;
  Result<std::vector<int64_t>> ArticlesWithBands(const std::vector<uint64_t>& bands) override;
  Result<std::vector<int64_t>> ArticlesWithFingerprint(uint64_t fingerprint, size_t limit) override;
  Result<std::vector<uint64_t>> Fingerprints(int64_t rowid) override;
  Status MergeReuseIndex(int64_t) override { return OkStatus(); }
  Status SetReuseIndexAutomerge(bool) override { return OkStatus(); }

  // The best matches of a search (pg_search.cc).
  struct Matches;

 private:
  Status EnsurePartition(const std::string& month);
  Status AddStats(const char* table, int64_t rows, int64_t tokens);
  Status IndexText(int64_t rowid, const std::string& language, const std::string& title,
                   const std::string& body, const std::string* pre_title,
                   const std::string* pre_body);
  Result<Matches> Match(Archive& archive, const SearchOptions& options, size_t keep, bool facets);
  sql::Stmt& Cached(std::string_view sql);

  sql::PgDb& db_;
  const TextAnalyzer& analyzer_;
  const OpenMode mode_;
  std::unordered_map<std::string, std::unique_ptr<sql::Stmt>> cached_;
  std::unordered_set<std::string> partitions_;  // months known to exist
};

}  // namespace veille

#endif  // VEILLE_ARCHIVE_PG_BACKEND_H_
