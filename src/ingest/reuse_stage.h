// reuse_stage.h: the reuse step of ingest (internal): near-duplicates and
// shared passages of the articles stored by one run, against each other and
// against everything already in the archive.
//
// Near-duplicates are found incrementally as articles are stored: LSH
// candidates from this run (in memory) and from the archive (its lsh_bands
// rows), verified on their MinHash signatures. Passages are aligned at the
// end of the run, for pairs sharing rare fingerprints. Runs on the writer
// thread; the per-article features are computed by the workers
// (ComputeReuseFeatures is pure and thread-safe).
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
  // Called after `rowid` was stored with this clean text and date.
  Status Add(int64_t rowid, const std::string& date, const std::string& text, ReuseFeatures f);
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
    return order_.size() * 8 >= archive_articles;
  }
  // Near-duplicate pairs recorded so far (also known without Finish).
  uint64_t near_duplicates() const { return near_dups_; }

 private:
  // The run-local id of an archive row id, assigned on first sight. The
  // in-memory indexes are dense arrays over these ids, so their cost follows
  // the run's size, not the archive's.
  DocId Local(int64_t rowid);

  Archive& archive_;
  bool had_old_;
  DedupeOptions dopt_;
  PassageOptions popt_;
  LshIndex index_;
  DupGroups groups_;
  FingerprintIndex fpi_;
  std::unordered_map<int64_t, Signature> sigs_;
  std::unordered_map<int64_t, std::vector<uint64_t>> fps_;
  std::unordered_map<int64_t, std::pair<std::string, std::string>> docs_;  // text, date
  std::vector<int64_t> order_;
  std::unordered_map<int64_t, DocId> local_;  // archive row id -> run-local id
  std::vector<int64_t> rowids_;               // run-local id -> archive row id
  Archive::ReuseRows pending_rows_;           // features of the articles added since the last flush
  std::vector<int64_t> flushed_;              // articles added since the last flush
  uint64_t near_dups_ = 0;
};

}  // namespace veille

#endif  // VEILLE_INGEST_REUSE_STAGE_H_
