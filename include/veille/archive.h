// archive.h: the archive — store articles, look them up, search them.
//
// In:  analysed Articles (from the ingest pipeline); queries and filters.
// Out: an archive holding articles, removed boilerplate, corpus line
//      statistics, ingest runs, entities, quotes, reuse rows and a full-text
//      index whose terms are the project's TextAnalyzer's; search hits with
//      snippets.
// Where: a SQLite file (WAL mode, FTS5), behind a backend interface
//      (src/archive/backend.h) that a PostgreSQL backend also implements.
// Thread-safety: an Archive is one database connection; use it from one
//      thread at a time. Several Archives (processes or threads) may open the
//      same archive: on SQLite one writer and any number of readers (WAL).
//
// This is the only module that writes SQL. The schema is documented in
// docs/schema.md; a change is a new entry of src/archive/migrations.cc (for
// both backends) and a bump of kSchemaVersion.
#ifndef VEILLE_ARCHIVE_H_
#define VEILLE_ARCHIVE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "veille/article.h"
#include "veille/result.h"

namespace veille {

class Backend;
class TextAnalyzer;
struct ParsedQuery;
namespace sql {
class Db;
class Stmt;
}  // namespace sql
namespace stories {
struct StoryChanges;
struct Posting;
struct StorySummary;
struct StoryQuery;
struct StoryArticle;
struct OutletFraming;
struct FramingOptions;
}  // namespace stories

inline constexpr int kSchemaVersion = 11;
// Read-write opening migrates a version-2 archive (it adds `source_groups`);
// read-only opening accepts it as it is.
inline constexpr int kOldestSchemaVersion = 2;

enum class OpenMode { kReadOnly, kReadWrite };

// What Store() did with an article.
enum class StoreOutcome {
  kStored,     // new article
  kUpdated,    // same id, different text: replaced
  kUnchanged,  // same id, same content hash: nothing to do
  kDuplicate,  // new id whose text exactly repeats a stored article
};

// What the archive holds for the ids and content hashes of one run's input,
// gathered by Archive::LookUpKnown() before the run writes anything. Its
// worker threads read it to skip unchanged articles without a query.
struct KnownContent {
  std::unordered_map<std::string, uint64_t> hash_by_id;  // ids already stored
  std::unordered_set<uint64_t> original_hashes;          // texts already stored
};

struct SearchOptions {
  std::string query;  // user syntax: words, "phrases", OR, -exclusion, prefix*
  std::optional<std::string> language;
  std::optional<std::string> since;  // YYYY[-MM[-DD]], inclusive
  std::optional<std::string> until;  // YYYY[-MM[-DD]], inclusive
  std::optional<std::string> outlet;
  std::optional<std::string> entity;  // canonical name or alias of an entity
  size_t limit = 10;
  size_t offset = 0;
  bool snippets = true;
  bool count_total = true;
};

struct SearchHit {
  std::string id;
  double score = 0;  // higher is better (negated BM25)
  std::optional<std::string> title;
  std::optional<std::string> date;
  std::optional<std::string> outlet;
  std::string language;
  std::string snippet;  // matched terms wrapped in [ and ]
  std::optional<int64_t> story;  // the story the article belongs to (stories.h)
  // Token positions of the query's matches in the text, for SnippetAt
  // (SearchWithFacets only).
  std::optional<std::vector<uint32_t>> positions;
};

struct SearchResult {
  std::string query;
  size_t total = 0;
  std::vector<SearchHit> hits;
};

// One stored article as read back (duplicates have no text of their own).
struct StoredArticle {
  std::string id;
  std::string source;
  std::string source_group;
  std::optional<std::string> title;
  std::optional<std::string> date;
  std::optional<std::string> date_in_text;
  std::string language;
  std::optional<std::string> outlet;
  std::optional<std::string> url;
  std::optional<std::string> summary;
  std::vector<std::string> flags;
  std::string text;  // clean text (empty for a duplicate)
  std::vector<RemovedLine> removed;
  std::optional<std::string> duplicate_of;
  std::string metadata_json;
  std::string content_hash;
  std::vector<Mention> entities;  // canonical = the archive entity's name
  std::vector<QuoteSpan> quotes;
  std::vector<EventSpan> events;  // the article's event reports (veille/events.h)
  struct NearDuplicate {
    std::string id;
    double similarity = 0;
  };
  std::vector<NearDuplicate> near_duplicates;
  struct Reused {
    std::string other;
    double similarity = 0;
    uint32_t start = 0, end = 0, other_start = 0, other_end = 0;
    int direction = 0;  // +1: this article first, -1: the other first
  };
  std::vector<Reused> reuse;
  // The story the article belongs to (a duplicate: its original's), if any.
  std::optional<int64_t> story;
};

// One version of a web article (`article_versions`): where and when it was
// fetched, and for a replaced version, its title and clean text.
struct ArticleVersion {
  int64_t seq = 0;  // 1, 2, ... in the order they were stored
  std::string content_hash;
  std::string kind;  // "page", "feed" (full content), "feed-summary"
  std::optional<std::string> fetched_at;
  std::string source_file;
  std::optional<std::string> record_id;  // WARC-Record-ID or feed guid
  std::optional<int64_t> record_offset;  // WARC record offset in source_file
  std::optional<int64_t> record_number;
  std::optional<std::string> target_uri;
  std::string stored_at;
  bool current = false;                    // the version the article holds now
  std::optional<std::string> title, text;  // replaced versions only
};

// An archive-wide entity: one row per real-world thing, its aliases merged
// by folding key (case, accents, hyphens) and the alias table.
struct EntitySummary {
  int64_t id = 0;
  std::string name;
  std::string type;  // the majority type over its mentions
  uint64_t articles = 0;
  uint64_t mentions = 0;
};

struct EntityQuery {
  std::optional<std::string> type;  // PER, LOC, ORG
  std::optional<std::string> since, until;
  size_t top = 20;
};

struct EntityDetail {
  EntitySummary entity;
  std::vector<std::pair<std::string, uint64_t>> aliases;  // spelling -> mentions
  std::vector<std::pair<std::string, uint64_t>> types;    // PER/LOC/ORG -> mentions
  std::vector<std::pair<std::string, uint64_t>> roles;    // role -> mentions
  std::optional<std::string> first_date, last_date;
  std::vector<std::pair<std::string, uint64_t>>
      timeline;                            // YYYY-MM -> mentions (year-only dates left out)
  std::vector<EntitySummary> cooccurring;  // articles shared
};

struct QuoteQuery {
  std::optional<std::string> speaker;  // entity name or alias, or a role word
  std::optional<std::string> about;    // search syntax over the quoted words
  std::optional<std::string> since, until;
  size_t limit = 20;
  size_t offset = 0;
};

struct StoredQuote {
  std::string article_id;
  std::optional<std::string> title, date, outlet;
  QuoteSpan quote;
};

struct ArchiveStats {
  uint64_t articles = 0;    // originals
  uint64_t duplicates = 0;  // exact duplicates recorded under other ids
  uint64_t removed_lines = 0;
  uint64_t text_bytes = 0;
  std::vector<std::pair<std::string, uint64_t>> languages;
  std::vector<std::pair<std::string, uint64_t>> outlets;  // top 20
  std::vector<std::pair<std::string, uint64_t>> flags;
  std::optional<std::string> first_date, last_date;
  uint64_t runs = 0;
  uint64_t file_bytes = 0;
};

// --- events (veille/events.h; archive/events_store.cc) ---
// Which merged events to list: `entity` is actor, target or place of a report
// or named in its sentence; `articles` (ids, may be empty) limits them to the
// events reported by those articles.
struct EventQuery {
  std::optional<std::string> action;  // capture, fall, ... (a report's action)
  std::optional<std::string> entity;  // a name or alias
  std::optional<std::string> since;   // event date >= (YYYY[-MM[-DD]])
  std::optional<std::string> until;   // event date <=
  std::optional<std::vector<std::string>> articles;
  size_t limit = 200;
};
// One article's report of an event.
struct EventReport {
  std::string article_id;
  std::optional<std::string> outlet, article_date, title;
  EventSpan span;
  std::string sentence;  // the reporting sentence of the clean text
};
// Reports of one event across articles, merged.
struct EventRecord {
  int64_t id = 0;
  std::string action, actor, target, place;
  std::string date;                // the reports' most common date ("": undated)
  std::string date_source;         // how that date was found: event, sentence, article
  std::vector<std::string> dates;  // every distinct date reported (disagreements)
  size_t report_count = 0, outlet_count = 0;
  struct First {
    std::string id;
    std::optional<std::string> date, outlet;
  } first;  // the earliest report (article date, then storage order)
  std::vector<EventReport> reports;
};

class Archive {
 public:
  // Opens (and in kReadWrite mode creates or migrates) the archive at
  // `location`: a SQLite file path, or a PostgreSQL URI (IsPostgresUri). On
  // SQLite, registers the "veille" FTS5 tokenizer on the connection.
  static Result<std::unique_ptr<Archive>> Open(const std::string& location, OpenMode mode);
  Archive(const Archive&) = delete;
  Archive& operator=(const Archive&) = delete;

  const TextAnalyzer& analyzer() const { return *analyzer_; }

  // --- ingest side (kReadWrite) ---
  // Holds up to `mb` MiB of the archive's pages in this process's memory
  // (SQLite's page cache, memory-mapped reads off): for a long-running
  // ingest, whose lookups then do not depend on the OS page cache, and for
  // the server's many connections (a small cache each). Nothing on
  // PostgreSQL, whose server keeps the cache.
  Status SetCacheSize(size_t mb);
  // Reads into that cache what adding an article looks up: the reuse index
  // and signatures, the article id and content-hash indexes (about 3 GB at
  // 1M articles; minutes from a cold disk).
  Status Preload();
  // Adds to `known` what the archive holds for article `id` and for content
  // `hash`: two index lookups, so a run's start-up does not grow with the
  // archive.
  Status LookUpKnown(const std::string& id, uint64_t hash, KnownContent* known);
  // Whether an original (an article stored with its text, not as a
  // duplicate) has content `hash`: then Store stores another text of that
  // hash as its duplicate.
  Result<bool> HasOriginal(uint64_t hash);
  // Originals (articles that are not exact duplicates) stored in `group`.
  Result<uint64_t> GroupSize(const std::string& group);
  // The highest article row id: the number of articles stored, give or take
  // the deleted ones, without counting them.
  Result<int64_t> MaxArticleRowid();
  // Per-fingerprint counts of candidate boilerplate lines in `group`.
  Result<std::unordered_map<uint64_t, uint32_t>> LineCounts(const std::string& group);
  Status Begin();
  Status Commit();
  Status Rollback();
  // Stores `article` (whose normalised text hashes to `content_hash`) and
  // adds `line_fingerprints` to its group's line counts, inside the current
  // transaction. Whether the id or the text is already stored is read from
  // the archive (indexed lookups), so the transaction's own writes count.
  Result<StoreOutcome> Store(const Article& article, uint64_t content_hash,
                             const std::vector<uint64_t>& line_fingerprints);
  // Row id of the article the last Store() wrote (stored or updated).
  int64_t last_rowid() const { return last_rowid_; }

  // --- reuse (near-duplicates and shared passages; archive/reuse_store.cc) ---
  // Persists each article's MinHash signature, LSH band keys and passage
  // fingerprints, and marks the articles as waiting for passage alignment.
  // Band keys and fingerprints go to `reuse_index`, an FTS5 index (a log-
  // structured merge of sorted segments): a batch writes new segments instead
  // of rewriting pages all over one huge B-tree, so ingest stays fast at
  // millions of articles.
  struct ReuseKeys {
    int64_t rowid = 0;
    std::string signature;                             // bytes; empty: none
    std::vector<std::pair<uint32_t, uint64_t>> bands;  // band, hash
    std::vector<uint64_t> fingerprints;
  };
  struct ReuseRows {
    std::vector<ReuseKeys> articles;
    std::vector<int64_t> pending;  // rowids
  };
  Status StoreReuseRows(const ReuseRows& rows);
  Result<std::vector<int64_t>> ReusePending();
  Status ClearReusePending();
  // Articles sharing an LSH band key; their signatures.
  Result<std::vector<int64_t>> LshCandidates(
      const std::vector<std::pair<uint32_t, uint64_t>>& bands);
  Result<std::vector<uint8_t>> GetSignature(int64_t rowid);
  // Merges reuse_index's segments towards one, writing at most about `pages`
  // pages (FTS5's incremental 'merge' with a negative budget). Outside a
  // transaction it commits every few thousand pages; inside one, it works
  // within it.
  Status MergeReuseIndex(int64_t pages);
  // Turns FTS5's incremental merging of reuse_index off (a run that merges
  // the whole index at its end: merging as it goes would be work thrown
  // away; a level still merges once it holds 512 segments) or back to its
  // defaults (automerge 4, crisismerge 16). Persistent.
  Status SetReuseIndexAutomerge(bool on);
  // Bulk loading (a run that fills a new archive): DeferIndexes drops the
  // secondary indexes that nothing reads while ingesting (mentions by entity,
  // quotes by speaker, entities by article count), whose random-order
  // inserts cost more than one sort at the end, and notes their definitions
  // in `meta`; RestoreIndexes creates them again (inside the open
  // transaction if there is one). A read-write Open restores what a killed
  // run left deferred. A shared (PostgreSQL) archive keeps its indexes.
  Status DeferIndexes();
  Status RestoreIndexes();
  // The passage fingerprints an article put in the index (sorted).
  Result<std::vector<uint64_t>> GetReuseFingerprints(int64_t rowid);
  // Articles holding a passage fingerprint (at most `limit`).
  Result<std::vector<int64_t>> FingerprintPostings(uint64_t fingerprint, size_t limit);
  Status AddNearDuplicate(int64_t a, int64_t b, double similarity);
  struct PassageRow {
    int64_t a = 0, b = 0;
    uint32_t a_begin = 0, a_end = 0, b_begin = 0, b_end = 0, words = 0;
    double similarity = 0;
    int direction = 0;  // +1: a first, -1: b first, 0: unknown
  };
  Status AddPassage(const PassageRow& p);
  // Clean text and date of a stored article, by row id.
  Result<std::pair<std::string, std::string>> TextAndDate(int64_t rowid);
  // Removes the reuse rows of an article (before it is replaced).
  Status RemoveReuse(int64_t rowid);

  // Read side: near-duplicate groups and passages.
  struct DupGroup {
    std::string representative;                           // earliest member (then smallest id)
    std::vector<std::pair<std::string, double>> members;  // id, similarity to a linked member
  };
  Result<std::vector<DupGroup>> NearDuplicateGroups(double min_similarity);
  struct ReuseRow {
    std::string a, b;  // article ids
    std::optional<std::string> a_outlet, b_outlet, a_date, b_date, a_title, b_title;
    uint32_t a_begin = 0, a_end = 0, b_begin = 0, b_end = 0, words = 0;
    double similarity = 0;
    int direction = 0;
    std::string a_text, b_text;  // the passages
  };
  Result<std::vector<ReuseRow>> Reuse(const std::optional<std::string>& article,
                                      const std::optional<std::string>& outlet, size_t limit);

  // --- stories (veille/stories.h; archive/stories_store.cc) ---
  // Ingest side: what an OnlineClusterer reads (its StoryBackend) and writes.
  // Whether the archive has the story tables (schema 10; a read-only older
  // archive does not).
  bool HasStoryTables();
  // Articles counted in story_df, and the largest story id (0: none).
  Result<uint64_t> StoryDocuments();
  Result<int64_t> MaxStoryId();
  Status StoryDocFreqs(const std::vector<uint64_t>& keys, std::vector<uint32_t>* df);
  Status StoryPostings(uint64_t key, int32_t day, int32_t window, size_t limit,
                       std::vector<stories::Posting>* out);
  Result<std::optional<std::string>> StoryState(int64_t story);
  Result<std::optional<int64_t>> StoryOfRow(int64_t article_rowid);
  // Sets each hit's story (a duplicate: its original's).
  Status FillStories(std::vector<SearchHit>& hits);
  // The earlier articles the reuse stage recorded `rowid` to be a
  // near-duplicate of, most similar first.
  Result<std::vector<int64_t>> NearDuplicatesOf(int64_t rowid);
  // Writes what the clusterer changed (document frequencies, postings,
  // members, story states) and brings each changed story's record up to date
  // from its members (size, dates, languages, outlets, title).
  Status WriteStoryChanges(const stories::StoryChanges& changes);
  // Read side.
  Result<std::vector<stories::StorySummary>> Stories(const stories::StoryQuery& q, size_t* total);
  Result<stories::StorySummary> Story(int64_t id);
  // The story's articles (and the exact duplicates of them), oldest first.
  Result<std::vector<stories::StoryArticle>> StoryArticles(int64_t id);
  // The reused passages between two articles of the story.
  Result<std::vector<ReuseRow>> StoryPassages(int64_t id);
  // Every article id -> story id (exact duplicates: their original's).
  Result<std::unordered_map<std::string, int64_t>> StoryAssignments();
  // Document frequencies of analysed terms (story_df), for framing's prior.
  Result<std::unordered_map<std::string, uint64_t>> TermDocFreqs(
      const std::vector<std::string>& terms);

  // Events: merged events matching `q`, in date order (undated last), each
  // with its reports.
  bool HasEventTables();
  Result<std::vector<EventRecord>> Events(const EventQuery& q);

  // Ingest runs: one row per `veille ingest`, with its figures.
  Result<int64_t> StartRun(const std::string& inputs);
  Status FinishRun(int64_t run, const std::string& status, const std::string& summary_json);
  Status RecordProblem(int64_t run, const Diagnostic& d);

  // --- read side ---
  Result<SearchResult> Search(const SearchOptions& options);
  Result<StoredArticle> Get(const std::string& id);
  Result<ArchiveStats> Stats();
  // Calls `fn` for every article (originals and duplicates) in id order;
  // stops early and returns its error if `fn` fails.
  Status ForEach(const std::function<Status(const StoredArticle&)>& fn);
  // Entities, most frequent first; one entity by name or alias.
  Result<std::vector<EntitySummary>> Entities(const EntityQuery& q);
  Result<EntityDetail> Entity(const std::string& name);
  // Entity ids whose name or alias folds to the same key as `name`, else
  // those of the alias table's canonical name ("Putin" -> "Vladimir Poutine").
  Result<std::vector<int64_t>> FindEntityIds(const std::string& name);
  // Quotes matching `q`, newest first; *total receives the full count.
  Result<std::vector<StoredQuote>> Quotes(const QuoteQuery& q, size_t* total);

  // The stored versions of a web article, oldest first (empty for other
  // articles and for archives older than schema 6).
  Result<std::vector<ArticleVersion>> Versions(const std::string& id);

  // Languages present in the archive (for query expansion).
  Result<std::vector<std::string>> Languages();
  // Whether every full-text row was indexed with stop-word grams (text.h), so
  // that phrases of stop words can be searched (MatchOptions): true for an
  // archive made by this version, false for an older one until Reindex().
  Result<bool> HasStopGrams();
  // The FTS5 MATCH expression of `q` over `languages` for this archive's
  // index (ToFts5Match, with stop-word phrases when HasStopGrams()). On an
  // index without grams a phrase of stop words is an InvalidArgument error
  // that says to run `veille reindex`.
  Result<std::string> MatchExpression(const ParsedQuery& q,
                                      const std::vector<std::string>& languages);
  // Indexes every article and quote again (title, text, quotes: the
  // full-text tables are rebuilt from the stored text) with this version's
  // analyzer, in one transaction, then records that the index has stop-word
  // grams. kReadWrite only. `progress` (may be null) gets (done, total)
  // every 1,000 articles.
  Status Reindex(const std::function<void(uint64_t, uint64_t)>& progress);

  // Whether other processes may write while this one does (PostgreSQL):
  // an ingest then looks its near-duplicates up in the archive even when it
  // started on an empty one.
  bool shared() const;

  // For the archive module's own files, the eval module's read-only checks
  // and tests: the connection (archive/db.h) and the backend.
  sql::Db& db() { return *db_; }
  Backend& backend() { return *backend_; }
  // A statement prepared once on this connection and kept for the next call
  // with the same SQL (for the archive module's query code: a search runs
  // the same few statements every time). Wrap each use in sql::ResetOnExit.
  sql::Stmt& Cached(std::string_view sql);

  ~Archive();

 private:
  Archive(std::unique_ptr<sql::Db> db, std::unique_ptr<TextAnalyzer> analyzer);
  // What the archive holds under `id`, and the original stored with a content
  // hash (indexed lookups; the open transaction's writes count).
  struct StoredId {
    int64_t rowid;
    uint64_t hash;
    bool original;  // not an exact duplicate
    std::string source_group;
  };
  Result<std::optional<StoredId>> FindStored(const std::string& id);
  Result<std::optional<std::string>> FindOriginal(uint64_t hash);
  // Removes the stored version of an article that is being replaced.
  Status RemoveStored(const std::string& id, const StoredId& stored);
  // Entities and quotes of a stored article (in archive/extracted.cc).
  Status StoreExtracted(int64_t rowid, const Article& a);
  Status RemoveExtracted(int64_t rowid);
  Status LoadExtracted(int64_t rowid, StoredArticle* a);
  Status LoadReuse(int64_t rowid, StoredArticle* a);
  // An article's event reports, merged into events (archive/events_store.cc).
  Status StoreEvents(int64_t rowid, const Article& a);
  Status RemoveEvents(int64_t rowid);
  Status LoadEvents(int64_t rowid, StoredArticle* a);
  std::optional<bool> has_event_tables_;
  // Takes a replaced article out of its story (archive/stories_store.cc).
  Status RemoveStoryMember(int64_t rowid);
  // Recomputes a story's record from its members; deletes an empty story.
  Status RefreshStory(int64_t story);
  std::optional<bool> has_story_tables_;
  // Entity counts and aliases gathered by StoreExtracted in the open
  // transaction: written by Commit(), dropped by Rollback().
  Status FlushEntityCounts();
  void DropEntityCounts();
  Result<std::vector<int64_t>> FindEntityIdsAt(const std::string& name, int depth);

  struct Statements;  // prepared statements reused by Store()
  Statements& stmts();

  std::unique_ptr<sql::Db> db_;
  std::unique_ptr<TextAnalyzer> analyzer_;
  std::unique_ptr<Backend> backend_;
  std::unique_ptr<Statements> stmts_;
  int64_t last_rowid_ = 0;
  std::unordered_map<std::string, std::unique_ptr<sql::Stmt>> cached_;
  std::optional<std::vector<std::string>> languages_cache_;
  int64_t languages_version_ = -1;  // Backend::DataVersion the cache was read at
};

// Whether `location` names a PostgreSQL database (postgresql:// or
// postgres://) rather than a SQLite file.
bool IsPostgresUri(std::string_view location);

// How each outlet tells story `story` (stories::Framing over the story's
// articles, their quotes' speakers, entities and analysed terms, and the
// passages they share; the prior from the archive's document frequencies).
Result<std::vector<stories::OutletFraming>> StoryFraming(Archive& archive, int64_t story,
                                                         const stories::FramingOptions& options);

// Date range helpers: "2021-08" covers 2021-08-01..2021-08-31.
std::string DateLow(std::string_view date);
std::string DateHigh(std::string_view date);
// True if `s` is YYYY, YYYY-MM or YYYY-MM-DD with a valid month and day.
bool IsValidDate(std::string_view s);

}  // namespace veille

#endif  // VEILLE_ARCHIVE_H_
