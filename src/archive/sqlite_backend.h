// sqlite_backend.h: the SQLite backend of the archive (internal): one file,
// one writer at a time, FTS5 for the full-text and reuse indexes.
//
// In:  a SqliteDb connection and the TextAnalyzer (whose "veille" FTS5
//      tokenizer and veille_bm25 ranking functions, rank.h, are registered on
//      the connection by Archive::Open).
// Out: Backend (backend.h). sqlite_backend.cc holds the schema, rows and
//      indexes; sqlite_search.cc the ranked search, the search attributes
//      and the faceted search.
// Thread-safety: one thread at a time, like the connection.
#ifndef VEILLE_ARCHIVE_SQLITE_BACKEND_H_
#define VEILLE_ARCHIVE_SQLITE_BACKEND_H_

#include <memory>
#include <string>
#include <unordered_map>

#include "archive/backend.h"
#include "archive/rank.h"
#include "archive/sqlite_db.h"

namespace veille {

class SqliteBackend : public Backend {
 public:
  SqliteBackend(sql::Db& db, const TextAnalyzer& analyzer)
      : db_(sql::AsSqlite(db)), analyzer_(analyzer) {}

  Status CreateOrMigrate() override;
  Status CheckVersion(const std::string& location) override;
  Result<bool> HasTable(const std::string& name) override;
  const char* registry() const override { return "articles"; }

  Status SetCacheSize(size_t mb) override;
  Status Preload() override;
  bool shared() const override { return false; }
  Result<int64_t> DataVersion() override;
  Result<uint64_t> SizeBytes() override;

  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;
  bool InTransaction() override { return !sqlite3_get_autocommit(db_.handle()); }

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
  Status MergeReuseIndex(int64_t pages) override;
  Status SetReuseIndexAutomerge(bool on) override;

 private:
  Status MigrateFromVersion2();
  // Full-text token counts by rowid (rank.h), read by the second Search of
  // the connection and extended when the archive changed, so that ranking a
  // match costs no %_docsize lookup.
  Status RefreshDocLengths();
  sql::Stmt& Cached(std::string_view sql);

  sql::SqliteDb& db_;
  const TextAnalyzer& analyzer_;
  std::unordered_map<std::string, std::unique_ptr<sql::Stmt>> cached_;
  std::unique_ptr<DocLengths> doc_lengths_;
  int64_t doc_lengths_version_ = -1;
  int searches_ = 0;
};

}  // namespace veille

#endif  // VEILLE_ARCHIVE_SQLITE_BACKEND_H_
