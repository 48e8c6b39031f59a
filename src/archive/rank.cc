// rank.cc: veille_bm25, BM25 with document lengths from memory (rank.h).
#include "archive/rank.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "veille/text.h"

namespace veille {
namespace {

constexpr double kK1 = 1.2;
constexpr double kB = 0.75;

// Per-query data, computed on the first match and kept by FTS5.
struct QueryData {
  double avgdl = 0;
  std::vector<double> idf;      // per phrase
  std::vector<double> freq;     // per phrase, scratch for the current row
  std::vector<double> weights;  // per column, from the arguments after the pointer

  // Column weights follow the pointer argument, as bm25's follow the table.
  double weight(sqlite3_value** argv, int argc, int column) {
    if (weights.empty())
      for (int i = 1; i < argc; ++i) weights.push_back(sqlite3_value_double(argv[i]));
    return weights[static_cast<size_t>(column)];
  }
};

int CountHit(const Fts5ExtensionApi*, Fts5Context*, void* n) {
  ++*static_cast<int64_t*>(n);
  return SQLITE_OK;
}

// The same statistics as FTS5's bm25: average row length over the table and,
// per phrase, the inverse document frequency log((N - n + 0.5) / (n + 0.5))
// floored at 1e-6.
int MakeQueryData(const Fts5ExtensionApi* api, Fts5Context* fts, QueryData** out) {
  auto data = std::make_unique<QueryData>();
  sqlite3_int64 rows = 0, tokens = 0;
  int rc = api->xRowCount(fts, &rows);
  if (rc == SQLITE_OK) rc = api->xColumnTotalSize(fts, -1, &tokens);
  if (rc != SQLITE_OK) return rc;
  data->avgdl = rows > 0 ? static_cast<double>(tokens) / static_cast<double>(rows) : 1.0;
  if (data->avgdl <= 0) data->avgdl = 1.0;
  const int phrases = api->xPhraseCount(fts);
  data->idf.resize(static_cast<size_t>(phrases));
  data->freq.resize(static_cast<size_t>(phrases));
  for (int i = 0; i < phrases; ++i) {
    int64_t hits = 0;
    rc = api->xQueryPhrase(fts, i, &hits, CountHit);
    if (rc != SQLITE_OK) return rc;
    double idf =
        std::log((static_cast<double>(rows - hits) + 0.5) / (static_cast<double>(hits) + 0.5));
    data->idf[static_cast<size_t>(i)] = idf <= 0.0 ? 1e-6 : idf;
  }
  rc = api->xSetAuxdata(fts, data.get(), [](void* p) { delete static_cast<QueryData*>(p); });
  if (rc != SQLITE_OK) return rc;  // xSetAuxdata freed it already
  *out = data.release();
  return SQLITE_OK;
}

// The matched token positions of the current row in `column`, every token
// of each phrase, sorted and distinct.
int MatchedPositions(const Fts5ExtensionApi* api, Fts5Context* fts, int want,
                     std::vector<uint32_t>* out) {
  const int phrases = api->xPhraseCount(fts);
  for (int p = 0; p < phrases; ++p) {
    const int size = api->xPhraseSize(fts, p);
    Fts5PhraseIter iter;
    int column = 0, offset = 0;
    int rc = api->xPhraseFirst(fts, p, &iter, &column, &offset);
    if (rc != SQLITE_OK) return rc;
    for (; column >= 0; api->xPhraseNext(fts, &iter, &column, &offset))
      if (column == want)
        for (int k = 0; k < size; ++k) out->push_back(static_cast<uint32_t>(offset + k));
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
  return SQLITE_OK;
}

// The veille_bm25 value of the current row: argv holds the arguments after
// the table, the lengths pointer first, then the column weights. Returns an
// SQLite error code.
int Score(const Fts5ExtensionApi* api, Fts5Context* fts, int argc, sqlite3_value** argv,
          double* out) {
  auto* data = static_cast<QueryData*>(api->xGetAuxdata(fts, 0));
  if (!data)
    if (int rc = MakeQueryData(api, fts, &data); rc != SQLITE_OK) return rc;
  const auto* lengths =
      argc > 0
          ? static_cast<const DocLengths*>(sqlite3_value_pointer(argv[0], kDocLengthsPointerType))
          : nullptr;
  // Each phrase's hits, column-weighted. Walking each phrase's own position
  // list is cheaper than xInst, which first merges all of them into one
  // sorted instance array.
  for (size_t p = 0; p < data->freq.size(); ++p) {
    Fts5PhraseIter iter;
    int column = 0, offset = 0;
    int rc = api->xPhraseFirst(fts, static_cast<int>(p), &iter, &column, &offset);
    if (rc != SQLITE_OK) return rc;
    double f = 0;
    for (; column >= 0; api->xPhraseNext(fts, &iter, &column, &offset))
      f += column + 1 < argc ? data->weight(argv, argc, column) : 1.0;
    data->freq[p] = f;
  }
  double length = -1;
  if (lengths) {
    const sqlite3_int64 rowid = api->xRowid(fts);
    if (rowid >= 0 && static_cast<uint64_t>(rowid) < lengths->by_rowid.size() &&
        lengths->by_rowid[static_cast<size_t>(rowid)] != DocLengths::kUnknownLength)
      length = lengths->by_rowid[static_cast<size_t>(rowid)];
  }
  if (length < 0) {
    int n = 0;
    if (int rc = api->xColumnSize(fts, -1, &n); rc != SQLITE_OK) return rc;
    length = n;
  }
  double score = 0;
  const double norm = kK1 * (1 - kB + kB * length / data->avgdl);
  for (size_t i = 0; i < data->idf.size(); ++i)
    score += data->idf[i] * (data->freq[i] * (kK1 + 1.0)) / (data->freq[i] + norm);
  *out = -score;
  return SQLITE_OK;
}

void Bm25(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int argc,
          sqlite3_value** argv) {
  double rank = 0;
  if (int rc = Score(api, fts, argc, argv, &rank); rc != SQLITE_OK) {
    sqlite3_result_error_code(ctx, rc);
    return;
  }
  sqlite3_result_double(ctx, rank);
}

// For veille_bm25_hits and veille_bm25_top: the collector is the second
// argument; *rest receives the others as veille_bm25 takes them (lengths
// first, weights after). False (with the error set) if they do not fit.
bool SplitCollector(sqlite3_context* ctx, const char* name, int argc, sqlite3_value** argv,
                    sqlite3_value** rest, int* nrest) {
  if (argc < 2 || argc > 17) {
    sqlite3_result_error(
        ctx,
        (std::string(name) + ": expected (table, lengths, collector, at most 15 weights)").c_str(),
        -1);
    return false;
  }
  rest[0] = argv[0];
  for (int i = 2; i < argc; ++i) rest[i - 1] = argv[i];
  *nrest = argc - 1;
  return true;
}

void Bm25Hits(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int argc,
              sqlite3_value** argv) {
  sqlite3_value* rest[16];
  int nrest = 0;
  if (!SplitCollector(ctx, "veille_bm25_hits", argc, argv, rest, &nrest)) return;
  auto* hits = static_cast<HitCollector*>(sqlite3_value_pointer(argv[1], kHitCollectorPointerType));
  double rank = 0;
  int rc = Score(api, fts, nrest, rest, &rank);
  if (rc == SQLITE_OK && hits && rank <= hits->threshold) {
    std::vector<uint32_t>& where = hits->positions[api->xRowid(fts)];
    where.clear();
    rc = MatchedPositions(api, fts, hits->column, &where);
  }
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(ctx, rc);
    return;
  }
  sqlite3_result_double(ctx, rank);
}

void Bm25Top(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int argc,
             sqlite3_value** argv) {
  sqlite3_value* rest[16];
  int nrest = 0;
  if (!SplitCollector(ctx, "veille_bm25_top", argc, argv, rest, &nrest)) return;
  auto* top = static_cast<TopCollector*>(sqlite3_value_pointer(argv[1], kTopCollectorPointerType));
  double rank = 0;
  int rc = Score(api, fts, nrest, rest, &rank);
  if (rc == SQLITE_OK && top) {
    ++top->rows;
    const std::pair<double, int64_t> row{rank, api->xRowid(fts)};
    if (top->k > 0 && (top->heap.size() < top->k || row < top->heap.front())) {
      if (top->heap.size() == top->k) {
        std::pop_heap(top->heap.begin(), top->heap.end());
        top->positions.erase(top->heap.back().second);
        top->heap.back() = row;
      } else {
        top->heap.push_back(row);
      }
      std::push_heap(top->heap.begin(), top->heap.end());
      rc = MatchedPositions(api, fts, top->column, &top->positions[row.second]);
    }
  }
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(ctx, rc);
    return;
  }
  sqlite3_result_double(ctx, rank);
}

}  // namespace

std::vector<std::pair<double, int64_t>> TopCollector::TakeSorted() {
  std::sort_heap(heap.begin(), heap.end());
  return std::move(heap);
}

uint32_t DocSizeTotal(std::string_view blob) {
  // SQLite varints: big-endian groups of 7 bits, high bit set on all but the
  // last byte (the 9th byte, never reached by a column size, has 8 bits).
  uint64_t total = 0;
  size_t i = 0;
  while (i < blob.size()) {
    uint64_t v = 0;
    int n = 0;
    while (i < blob.size() && n < 9) {
      const auto b = static_cast<unsigned char>(blob[i++]);
      ++n;
      if (n == 9) {
        v = (v << 8) | b;
        break;
      }
      v = (v << 7) | (b & 0x7f);
      if (!(b & 0x80)) break;
    }
    total += v;
  }
  return total >= DocLengths::kUnknownLength ? DocLengths::kUnknownLength - 1
                                             : static_cast<uint32_t>(total);
}

Status RegisterRankFunction(sqlite3* db) {
  fts5_api* api = GetFts5Api(db);
  if (!api) return Error::Database("this SQLite has no FTS5 (SELECT fts5(?1) failed)");
  if (api->xCreateFunction(api, "veille_bm25", nullptr, Bm25, nullptr) != SQLITE_OK)
    return Error::Database(std::string("cannot register veille_bm25: ") + sqlite3_errmsg(db));
  if (api->xCreateFunction(api, "veille_bm25_hits", nullptr, Bm25Hits, nullptr) != SQLITE_OK)
    return Error::Database(std::string("cannot register veille_bm25_hits: ") + sqlite3_errmsg(db));
  if (api->xCreateFunction(api, "veille_bm25_top", nullptr, Bm25Top, nullptr) != SQLITE_OK)
    return Error::Database(std::string("cannot register veille_bm25_top: ") + sqlite3_errmsg(db));
  return OkStatus();
}

}  // namespace veille
