// reuse_stage.h: the reuse step of ingest (internal): near-duplicates and
// shared passages of the articles stored by one run, against each other and
// against everything already in the archive.
//
// Near-duplicates are found incrementally as articles are stored: LSH
// candidates from this run (a compact in-memory band table) and from the
// archive (its reuse_index rows), verified on their MinHash signatures (read
// back from the archive; the current batch's from memory). Passages are
// aligned at the end of the run, for pairs sharing rare fingerprints (an
// in-memory posting list of the run), reading both texts back from the
// archive a chunk of pairs at a time: no text is held for the run.
// Memory: about 1.6 KB per article of the run (band table and fingerprint
// postings), whatever the text sizes; the ingest stage rolls over to a fresh
// ReuseStage past its budget (IngestOptions::reuse_memory_bytes).
//
// Runs on the writer thread; the per-article features are computed by the
// workers (ComputeReuseFeatures is pure and thread-safe).
#ifndef VEILLE_INGEST_REUSE_STAGE_H_
#define VEILLE_INGEST_REUSE_STAGE_H_

#include <string>
#include <unordered_map>
#include <vector>

#include "veille/archive.h"
#include "veille/reuse.h"

namespace veille {

using reuse::DedupeOptions;
using reuse::DocId;
using reuse::DupGroups;
using reuse::FingerprintIndex;
using reuse::LshIndex;
using reuse::PassageOptions;
using reuse::Signature;

struct ReuseFeatures {
  Signature signature{};
  bool has_signature = false;
  std::vector<uint64_t> fingerprints;
};

ReuseFeatures ComputeReuseFeatures(std::string_view clean_text, const DedupeOptions& dedupe,
                                   const PassageOptions& passages);

class ReuseStage {
 public:
  ReuseStage(Archive& archive, bool archive_had_articles, const DedupeOptions& dedupe = {},
             const PassageOptions& passages = {});
  // Called after `rowid` was stored with this date (its clean text is
  // read back from the archive when passages are aligned).
  Status Add(int64_t rowid, const std::string& date, ReuseFeatures f);
  // Writes the features gathered since the last flush. Call before each
  // commit, so an article and its features commit together.
  Status Flush();
  // Aligns the passages of the run's candidate pairs, and of articles a
  // crashed earlier run stored but did not finish.
  Status Finish(uint64_t* near_duplicates, uint64_t* passages);
  // Whether this run should merge reuse_index's segments into one after
  // Finish (Archive::MergeReuseIndex): when it added at least an eighth of
  // the archive's articles. Smaller runs leave it to FTS5's automerge, which
  // merges segments of similar size; merging a small run's segment into one
  // large segment would rewrite the whole index for a few articles.
  bool ShouldMergeIndex(size_t archive_articles) const {
    return run_articles_ * 8 >= archive_articles;
  }
  // Bytes held by the in-memory indexes of the run's articles.
  size_t MemoryBytes() const;
  // Near-duplicate pairs recorded so far (also known without Finish).
  uint64_t near_duplicates() const { return near_dups_; }

 private:
  // The run-local id of an archive row id, assigned on first sight. The
  // in-memory indexes are dense arrays over these ids, so their cost follows
  // the run's size, not the archive's.
  DocId Local(int64_t rowid);
  bool InRun(int64_t rowid) const;
  // The signature / indexed fingerprints of an article: from the batch not
  // yet flushed, else from the archive. Empty if it has none.
  Result<std::vector<uint8_t>> SignatureOf(int64_t rowid);
  Result<std::vector<uint64_t>> FingerprintsOf(int64_t rowid);
  // Aligns `pairs` (archive row ids), a chunk at a time, and stores the
  // passages found.
  Status AlignAndStore(const std::vector<std::pair<int64_t, int64_t>>& pairs, uint64_t* count);

  // In-memory LSH over this run's articles: mixed (band, band hash) key ->
  // local ids, open addressing; 12 bytes a key plus 8 a posting.
  class BandTable {
   public:
    void Query(const std::vector<uint64_t>& keys, std::vector<DocId>* out) const;
    void Insert(uint64_t key, DocId id);
    size_t MemoryBytes() const {
      return slots_.capacity() * sizeof(Slot) + ids_.capacity() * 4 + next_.capacity() * 4;
    }

   private:
    static constexpr uint32_t kNone = 0xffffffffu;
    struct Slot {
      uint32_t hi = 0, lo = 0;  // the key
      uint32_t head = kNone;
    };
    // The keys are hashes already; the home slot mixes their halves.
    static size_t Home(uint64_t key) { return static_cast<size_t>(key ^ (key >> 29)); }
    size_t Find(uint64_t key) const;
    void Grow();
    std::vector<Slot> slots_;
    size_t used_ = 0;
    std::vector<DocId> ids_;
    std::vector<uint32_t> next_;
  };

  Archive& archive_;
  bool had_old_;
  DedupeOptions dopt_;
  PassageOptions popt_;
  LshIndex bands_;  // computes band keys only
  BandTable table_;
  DupGroups groups_;
  FingerprintIndex fpi_;
  std::unordered_map<int64_t, DocId> local_;  // archive row id -> run-local id
  std::vector<int64_t> rowids_;               // run-local id -> archive row id
  std::vector<bool> in_run_;                  // run-local id -> stored by this run
  size_t run_articles_ = 0;
  Archive::ReuseRows pending_rows_;  // features of the articles added since the last flush
  std::unordered_map<int64_t, size_t> pending_index_;  // row id -> pending_rows_.articles index
  std::vector<int64_t> flushed_;                       // articles added since the last flush
  uint64_t near_dups_ = 0;
};

}  // namespace veille

#endif  // VEILLE_INGEST_REUSE_STAGE_H_
