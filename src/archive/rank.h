// rank.h: the archive's BM25 ranking function for FTS5 (internal).
//
// In:  registered once per connection; called by FTS5 for every match of a
//      query as veille_bm25(fts_table, lengths, w_col0, w_col1, ...).
// Out: the same value as FTS5's built-in bm25(fts_table, w_col0, ...): minus
//      the Okapi BM25 score (k1 = 1.2, b = 0.75), so that a lower value ranks
//      first.
// Thread-safety: the function holds no state between queries; per-query data
//      lives in FTS5's auxiliary-data slot of that query.
//
// Why not the built-in: bm25() reads each match's token count from the
// %_docsize table, a B-tree descent per match that costs most of a search
// for a common word (about 1 µs of the 1.3 µs per match). `lengths` may
// carry those counts from memory: a pointer bound with
// sqlite3_bind_pointer(stmt, i, p, kDocLengthsPointerType, nullptr) to a
// DocLengths. Rows outside it (stored after it was loaded), or a NULL
// pointer, fall back to the %_docsize lookup, so scores never differ from
// bm25() with the same weights.
//
// veille_bm25_hits(fts_table, lengths, hits, w_col0, ...) ranks the same and
// also records, in the HitCollector bound as `hits`, where the query matched
// in each row that ranks at or above hits->threshold: the search lowers the
// threshold as its best page fills, so only candidates for that page pay.
//
// veille_bm25_top(fts_table, lengths, top, w_col0, ...) ranks the same and
// keeps the best rows itself, in the TopCollector bound as `top`, with the
// number of rows and the match positions of the rows kept: run inside an
// aggregate (SELECT count(veille_bm25_top(...)) ...), one statement step
// ranks and counts every match, and nothing else crosses the SQLite VM per
// match.
#ifndef VEILLE_ARCHIVE_RANK_H_
#define VEILLE_ARCHIVE_RANK_H_

#include <sqlite3.h>

#include <cstdint>
#include <limits>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "veille/result.h"

namespace veille {

inline constexpr const char* kDocLengthsPointerType = "veille_doc_lengths";

// Token counts of an FTS5 table's rows (all columns), indexed by rowid;
// kUnknownLength where the row was not loaded.
struct DocLengths {
  static constexpr uint32_t kUnknownLength = UINT32_MAX;
  std::vector<uint32_t> by_rowid;
};

inline constexpr const char* kHitCollectorPointerType = "veille_hit_collector";

// Where the query matched (token positions in `column`, sorted) in the rows
// whose veille_bm25 value is at most `threshold`; filled during one scan.
struct HitCollector {
  int column = 1;
  double threshold = std::numeric_limits<double>::infinity();
  std::unordered_map<int64_t, std::vector<uint32_t>> positions;
};

inline constexpr const char* kTopCollectorPointerType = "veille_top_collector";

// The `k` best rows by veille_bm25 value (the lowest first, ties in rowid
// order: the order of ORDER BY score DESC, rowid), how many rows were ranked,
// and where the query matched (token positions in `column`, sorted) in each
// row kept.
struct TopCollector {
  size_t k = 10;
  int column = 1;
  uint64_t rows = 0;
  std::vector<std::pair<double, int64_t>> heap;  // (value, rowid), worst on top
  std::unordered_map<int64_t, std::vector<uint32_t>> positions;
  // The rows kept, best first (empties the heap).
  std::vector<std::pair<double, int64_t>> TakeSorted();
};

// Registers veille_bm25, veille_bm25_hits and veille_bm25_top on `db` (which must have FTS5).
Status RegisterRankFunction(sqlite3* db);

// Sum of the varint column sizes in one %_docsize `sz` blob.
uint32_t DocSizeTotal(std::string_view blob);

}  // namespace veille

#endif  // VEILLE_ARCHIVE_RANK_H_
