// reuse_stage.cc: see reuse_stage.h.
#include "ingest/reuse_stage.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <thread>

#include "ingest/stages.h"

namespace veille {

using namespace reuse;

ReuseFeatures ComputeReuseFeatures(std::string_view clean_text, const DedupeOptions& dedupe,
                                   const PassageOptions& passages) {
  ReuseFeatures f;
  thread_local std::vector<WordSpan> words;
  WordsOf(clean_text, &words);
  f.has_signature = ComputeSignature(words, dedupe.shingle_words, &f.signature);
  Fingerprints(words, passages, &f.fingerprints);
  return f;
}

ReuseStage::ReuseStage(Archive& archive, bool archive_had_articles, const DedupeOptions& dedupe,
                       const PassageOptions& passages)
    : archive_(archive),
      had_old_(archive_had_articles),
      dopt_(dedupe),
      popt_(passages),
      index_(dedupe.bands, dedupe.rows) {}

DocId ReuseStage::Local(int64_t rowid) {
  auto [it, inserted] = local_.try_emplace(rowid, static_cast<DocId>(rowids_.size()));
  if (inserted) rowids_.push_back(rowid);
  return it->second;
}

Status ReuseStage::Add(int64_t rowid, const std::string& date, const std::string& text,
                       ReuseFeatures f) {
  const DocId id = Local(rowid);
  groups_.Add(id, DateKey(date));
  std::vector<std::pair<uint32_t, uint64_t>> bands;
  if (f.has_signature) {
    for (const BandKey& k : index_.Bands(f.signature)) bands.emplace_back(k.band, k.hash);
    std::vector<DocId> batch;
    index_.Add(id, f.signature, &batch);
    std::vector<int64_t> cands;
    cands.reserve(batch.size());
    for (DocId b : batch) cands.push_back(rowids_[b]);
    if (had_old_) {
      auto old = archive_.LshCandidates(bands);
      if (!old.ok()) return old.error();
      cands.insert(cands.end(), old->begin(), old->end());
    }
    std::sort(cands.begin(), cands.end());
    cands.erase(std::unique(cands.begin(), cands.end()), cands.end());
    double best = 0;
    int64_t best_id = -1;
    for (int64_t c : cands) {
      if (c == rowid) continue;
      Signature other;
      if (auto it = sigs_.find(c); it != sigs_.end()) {
        other = it->second;
      } else {
        auto bytes = archive_.GetSignature(c);
        if (!bytes.ok()) return bytes.error();
        if (bytes->size() != sizeof(Signature)) continue;
        std::memcpy(other.data(), bytes->data(), sizeof(Signature));
      }
      double j = EstimateJaccard(f.signature, other);
      double sim = SimilarityFromJaccard(j, dopt_.shingle_words);
      if (sim < dopt_.min_similarity) continue;
      if (auto s = archive_.AddNearDuplicate(rowid, c, sim); !s.ok()) return s;
      ++near_dups_;
      groups_.Union(id, Local(c));
      if (sim > best) {
        best = sim;
        best_id = c;
      }
    }
    // A near-duplicate indexes only the fingerprints its closest original
    // lacks: shared text yields that original's passages once.
    // The original may be from an earlier run: its fingerprints are then
    // read back from the archive.
    if (auto it = fps_.find(best_id); best_id >= 0 && it != fps_.end()) {
      SubtractFingerprints(it->second, &f.fingerprints);
    } else if (best_id >= 0) {
      auto stored = archive_.GetReuseFingerprints(best_id);
      if (!stored.ok()) return stored.error();
      SubtractFingerprints(*stored, &f.fingerprints);
    }
    sigs_.emplace(rowid, f.signature);
  }
  Archive::ReuseKeys keys;
  keys.rowid = rowid;
  if (f.has_signature)
    keys.signature.assign(reinterpret_cast<const char*>(f.signature.data()), sizeof(Signature));
  keys.bands = std::move(bands);
  keys.fingerprints = f.fingerprints;
  pending_rows_.articles.push_back(std::move(keys));
  fpi_.Add(id, groups_.Representative(id), f.fingerprints);
  fps_.emplace(rowid, std::move(f.fingerprints));
  docs_.emplace(rowid, std::make_pair(text, date));
  order_.push_back(rowid);
  flushed_.push_back(rowid);
  return OkStatus();
}

Status ReuseStage::Flush() {
  pending_rows_.pending = std::move(flushed_);
  flushed_.clear();
  Status s = archive_.StoreReuseRows(pending_rows_);
  pending_rows_ = {};
  return s;
}

Status ReuseStage::Finish(uint64_t* near_duplicates, uint64_t* passages) {
  if (auto s = Flush(); !s.ok()) return s;
  // Articles a crashed run stored without aligning their passages.
  auto pending = archive_.ReusePending();
  if (!pending.ok()) return pending.error();
  for (int64_t id : *pending) {
    if (docs_.count(id)) continue;
    auto td = archive_.TextAndDate(id);
    if (!td.ok()) continue;
    ReuseFeatures f = ComputeReuseFeatures(td->first, dopt_, popt_);
    const DocId local = Local(id);
    fpi_.Add(local, local, f.fingerprints);
    fps_.emplace(id, std::move(f.fingerprints));
    docs_.emplace(id, std::move(td).value());
    order_.push_back(id);
  }
  std::vector<std::pair<int64_t, int64_t>> pairs;
  for (auto& [a, b] : fpi_.CandidatePairs(popt_))
    pairs.emplace_back(std::min(rowids_[a], rowids_[b]), std::max(rowids_[a], rowids_[b]));
  if (had_old_) {
    // Pairs with articles stored by earlier runs, through their fingerprints.
    for (int64_t id : order_) {
      std::map<int64_t, int> shared;
      for (uint64_t fp : fps_[id]) {
        auto post = archive_.FingerprintPostings(fp, popt_.max_df + 1);
        if (!post.ok()) return post.error();
        if (post->size() > popt_.max_df) continue;
        for (int64_t o : *post)
          if (!docs_.count(o)) ++shared[o];
      }
      for (auto& [o, n] : shared)
        if (n >= popt_.min_shared) pairs.emplace_back(id, o);
    }
  }
  // Texts of articles from earlier runs, read once on this (the writer's)
  // thread; alignment itself is pure and runs on all cores.
  for (auto& [a, b] : pairs)
    for (int64_t id : {a, b})
      if (!docs_.count(id)) {
        auto r = archive_.TextAndDate(id);
        if (!r.ok()) return r.error();
        docs_.emplace(id, std::move(r).value());
      }
  std::vector<std::vector<Passage>> found(pairs.size());
  unsigned threads = std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(), 8));
  std::atomic<size_t> next{0};
  auto work = [&] {
    std::vector<WordSpan> wa, wb;
    for (size_t i; (i = next++) < pairs.size();) {
      WordsOf(docs_.at(pairs[i].first).first, &wa);
      WordsOf(docs_.at(pairs[i].second).first, &wb);
      found[i] = AlignPassages(wa, wb, popt_);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  uint64_t count = 0;
  for (size_t i = 0; i < pairs.size(); ++i) {
    auto [a, b] = pairs[i];
    const std::string& da = docs_.at(a).second;
    const std::string& db = docs_.at(b).second;
    for (const Passage& p : found[i]) {
      Archive::PassageRow row;
      row.a = a;
      row.b = b;
      row.a_begin = p.a_begin;
      row.a_end = p.a_end;
      row.b_begin = p.b_begin;
      row.b_end = p.b_end;
      row.words = std::min(p.a_words, p.b_words);
      row.similarity = p.similarity;
      row.direction = Direction(da, db);
      if (auto s = archive_.AddPassage(row); !s.ok()) return s;
      ++count;
    }
  }
  if (auto s = archive_.ClearReusePending(); !s.ok()) return s;
  if (near_duplicates) *near_duplicates = near_dups_;
  if (passages) *passages = count;
  return OkStatus();
}

}  // namespace veille

namespace veille {
namespace {

struct ReuseData : StageData {
  ReuseFeatures features;
};

// ReuseStage as a pipeline stage: features on the workers, near-duplicates
// as articles are stored, passages at the end of the run.
class ReusePipelineStage : public Stage {
 public:
  ReusePipelineStage(Archive& archive, bool had_articles) : reuse_(archive, had_articles) {}
  std::string_view name() const override { return "reuse"; }
  void Process(Article& a, std::unique_ptr<StageData>& slot) const override {
    auto d = std::make_unique<ReuseData>();
    d->features = ComputeReuseFeatures(a.clean.text, DedupeOptions{}, PassageOptions{});
    slot = std::move(d);
  }
  Status Stored(Archive&, int64_t rowid, const Article& a,
                std::unique_ptr<StageData> slot) override {
    auto* d = static_cast<ReuseData*>(slot.get());
    return reuse_.Add(rowid, a.analysis.date.value_or(""), a.clean.text,
                      d ? std::move(d->features) : ReuseFeatures{});
  }
  Status BeforeCommit(Archive&) override { return reuse_.Flush(); }
  Status Finish(Archive&, bool interrupted, IngestSummary* sum) override {
    if (!interrupted) return reuse_.Finish(&sum->near_duplicates, &sum->passages);
    // Keep what was stored consistent (the features of the stored
    // articles); the next run aligns their passages.
    sum->near_duplicates = reuse_.near_duplicates();
    return reuse_.Flush();
  }
  Status AfterRun(Archive& archive) override {
    auto articles = archive.MaxArticleRowid();
    if (!articles.ok()) return articles.error();
    if (!reuse_.ShouldMergeIndex(static_cast<uint64_t>(*articles))) return OkStatus();
    return archive.MergeReuseIndex(int64_t{1} << 40);
  }

 private:
  ReuseStage reuse_;
};

}  // namespace

Result<std::unique_ptr<Stage>> NewReuseStage(const StageContext& c) {
  return std::unique_ptr<Stage>(new ReusePipelineStage(c.archive, c.archive_had_articles));
}

}  // namespace veille
