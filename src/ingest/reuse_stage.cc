// reuse_stage.cc: see reuse_stage.h.
#include "ingest/reuse_stage.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <functional>
#include <map>
#include <thread>

#include "ingest/stages.h"
#include "veille/hash.h"

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
      bands_(dedupe.bands, dedupe.rows) {}

DocId ReuseStage::Local(int64_t rowid) {
  auto [it, inserted] = local_.try_emplace(rowid, static_cast<DocId>(rowids_.size()));
  if (inserted) {
    rowids_.push_back(rowid);
    in_run_.push_back(false);
  }
  return it->second;
}

bool ReuseStage::InRun(int64_t rowid) const {
  auto it = local_.find(rowid);
  return it != local_.end() && in_run_[it->second];
}

// --- BandTable ---

size_t ReuseStage::BandTable::Find(uint64_t key) const {
  const size_t mask = slots_.size() - 1;
  const uint32_t hi = static_cast<uint32_t>(key >> 32), lo = static_cast<uint32_t>(key);
  for (size_t i = Home(key) & mask;; i = (i + 1) & mask)
    if (slots_[i].head == kNone || (slots_[i].hi == hi && slots_[i].lo == lo)) return i;
}

void ReuseStage::BandTable::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(std::max<size_t>(1024, old.size() * 2), Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.head == kNone) continue;
    size_t i = Home(uint64_t{s.hi} << 32 | s.lo) & mask;
    while (slots_[i].head != kNone) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

void ReuseStage::BandTable::Query(const std::vector<uint64_t>& keys,
                                  std::vector<DocId>* out) const {
  out->clear();
  if (slots_.empty()) return;
  for (uint64_t key : keys) {
    const Slot& s = slots_[Find(key)];
    for (uint32_t p = s.head; p != kNone; p = next_[p]) out->push_back(ids_[p]);
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

void ReuseStage::BandTable::Insert(uint64_t key, DocId id) {
  if ((used_ + 1) * 4 > slots_.size() * 3) Grow();
  Slot& s = slots_[Find(key)];
  if (s.head == kNone) {
    s.hi = static_cast<uint32_t>(key >> 32);
    s.lo = static_cast<uint32_t>(key);
    ++used_;
  }
  ids_.push_back(id);
  next_.push_back(s.head);
  s.head = static_cast<uint32_t>(ids_.size() - 1);
}

// --- ReuseStage ---

Result<std::vector<uint8_t>> ReuseStage::SignatureOf(int64_t rowid) {
  if (auto it = pending_index_.find(rowid); it != pending_index_.end()) {
    const std::string& sig = pending_rows_.articles[it->second].signature;
    return std::vector<uint8_t>(sig.begin(), sig.end());
  }
  return archive_.GetSignature(rowid);
}

Result<std::vector<uint64_t>> ReuseStage::FingerprintsOf(int64_t rowid) {
  if (auto it = pending_index_.find(rowid); it != pending_index_.end())
    return pending_rows_.articles[it->second].fingerprints;
  return archive_.GetReuseFingerprints(rowid);
}

Status ReuseStage::Add(int64_t rowid, const std::string& date, ReuseFeatures f) {
  const DocId id = Local(rowid);
  in_run_[id] = true;
  ++run_articles_;
  groups_.Add(id, DateKey(date));
  std::vector<std::pair<uint32_t, uint64_t>> bands;
  std::vector<uint64_t> keys;
  if (f.has_signature) {
    for (const BandKey& k : bands_.Bands(f.signature)) {
      bands.emplace_back(k.band, k.hash);
      keys.push_back(Mix64(k.hash + 0x9E3779B97F4A7C15ull * (uint64_t{k.band} + 1)));
    }
    std::vector<DocId> batch;
    table_.Query(keys, &batch);
    for (uint64_t key : keys) table_.Insert(key, id);
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
      auto bytes = SignatureOf(c);
      if (!bytes.ok()) return bytes.error();
      if (bytes->size() != sizeof(Signature)) continue;
      Signature other;
      std::memcpy(other.data(), bytes->data(), sizeof(Signature));
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
    // lacks: shared text yields that original's passages once. The
    // original's fingerprints come from this batch or from the archive.
    if (best_id >= 0) {
      auto stored = FingerprintsOf(best_id);
      if (!stored.ok()) return stored.error();
      SubtractFingerprints(*stored, &f.fingerprints);
    }
  }
  fpi_.Add(id, groups_.Representative(id), f.fingerprints);
  Archive::ReuseKeys row;
  row.rowid = rowid;
  if (f.has_signature)
    row.signature.assign(reinterpret_cast<const char*>(f.signature.data()), sizeof(Signature));
  row.bands = std::move(bands);
  row.fingerprints = std::move(f.fingerprints);
  pending_index_[rowid] = pending_rows_.articles.size();
  pending_rows_.articles.push_back(std::move(row));
  flushed_.push_back(rowid);
  return OkStatus();
}

size_t ReuseStage::MemoryBytes() const {
  // The hash map: a node (key, value, next pointer, cached hash) and a bucket.
  constexpr size_t kMapEntry = 40;
  return table_.MemoryBytes() + fpi_.postings() * 8 + local_.size() * kMapEntry +
         rowids_.capacity() * 8 + in_run_.capacity() / 8 + rowids_.size() * 16;
}

Status ReuseStage::Flush() {
  pending_rows_.pending = std::move(flushed_);
  flushed_.clear();
  Status s = archive_.StoreReuseRows(pending_rows_);
  pending_rows_ = {};
  pending_index_.clear();
  return s;
}

Status ReuseStage::AlignAndStore(const std::vector<std::pair<int64_t, int64_t>>& pairs,
                                 uint64_t* count) {
  // Texts are read on this (the writer's) thread, a chunk of pairs at a
  // time; each text of the chunk is split into words once, and the pairs are
  // aligned, on all cores.
  constexpr size_t kChunk = 2048;
  struct Doc {
    std::string text, date;
    std::vector<WordSpan> words;
  };
  std::unordered_map<int64_t, size_t> index;  // row id -> docs
  std::vector<Doc> docs;
  unsigned threads = std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(), 8));
  auto parallel = [&](size_t n, const std::function<void(size_t)>& fn) {
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next++) < n;) fn(i);
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
  };
  for (size_t from = 0; from < pairs.size(); from += kChunk) {
    const size_t to = std::min(pairs.size(), from + kChunk);
    index.clear();
    docs.clear();
    for (size_t i = from; i < to; ++i)
      for (int64_t id : {pairs[i].first, pairs[i].second}) {
        if (index.count(id)) continue;
        auto r = archive_.TextAndDate(id);
        // A row gone since (the article was updated later in the run, which
        // replaced its row): an empty text, so no passage.
        if (!r.ok() && r.error().code != Error::Code::kNotFound) return r.error();
        if (!r.ok()) r = std::make_pair(std::string(), std::string());
        index.emplace(id, docs.size());
        docs.push_back({std::move(r->first), std::move(r->second), {}});
      }
    parallel(docs.size(), [&](size_t d) { WordsOf(docs[d].text, &docs[d].words); });
    std::vector<std::vector<Passage>> found(to - from);
    parallel(to - from, [&](size_t k) {
      const auto& [a, b] = pairs[from + k];
      found[k] = AlignPassages(docs[index.at(a)].words, docs[index.at(b)].words, popt_);
    });
    for (size_t i = from; i < to; ++i) {
      auto [a, b] = pairs[i];
      const std::string& da = docs[index.at(a)].date;
      const std::string& db = docs[index.at(b)].date;
      for (const Passage& p : found[i - from]) {
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
        ++*count;
      }
    }
  }
  return OkStatus();
}

Status ReuseStage::Finish(uint64_t* near_duplicates, uint64_t* passages) {
  if (auto s = Flush(); !s.ok()) return s;
  // Articles a crashed run stored without aligning their passages.
  auto pending = archive_.ReusePending();
  if (!pending.ok()) return pending.error();
  for (int64_t id : *pending) {
    if (InRun(id)) continue;
    auto td = archive_.TextAndDate(id);
    if (!td.ok()) continue;
    ReuseFeatures f = ComputeReuseFeatures(td->first, dopt_, popt_);
    const DocId local = Local(id);
    in_run_[local] = true;
    fpi_.Add(local, local, f.fingerprints);
  }
  std::vector<std::pair<int64_t, int64_t>> pairs;
  for (auto& [a, b] : fpi_.CandidatePairs(popt_))
    pairs.emplace_back(std::min(rowids_[a], rowids_[b]), std::max(rowids_[a], rowids_[b]));
  if (had_old_) {
    // Pairs with articles stored by earlier runs, through their fingerprints.
    for (DocId local = 0; local < rowids_.size(); ++local) {
      if (!in_run_[local]) continue;
      const int64_t id = rowids_[local];
      auto fps = FingerprintsOf(id);
      if (!fps.ok()) return fps.error();
      std::map<int64_t, int> shared;
      for (uint64_t fp : *fps) {
        auto post = archive_.FingerprintPostings(fp, popt_.max_df + 1);
        if (!post.ok()) return post.error();
        if (post->size() > popt_.max_df) continue;
        for (int64_t o : *post)
          if (!InRun(o)) ++shared[o];
      }
      // Not with an earlier article this run linked as a near-duplicate of
      // it (directly or through its group): their shared text is the copy.
      const DocId group = groups_.Representative(local);
      for (auto& [o, n] : shared) {
        if (n < popt_.min_shared) continue;
        if (auto it = local_.find(o);
            it != local_.end() && groups_.Representative(it->second) == group)
          continue;
        pairs.emplace_back(id, o);
      }
    }
  }
  uint64_t count = 0;
  if (auto s = AlignAndStore(pairs, &count); !s.ok()) return s;
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
  ReusePipelineStage(Archive& archive, bool had_articles, size_t memory_budget)
      : reuse_(std::make_unique<ReuseStage>(archive, had_articles)), budget_(memory_budget) {}
  std::string_view name() const override { return "reuse"; }
  void Process(Article& a, std::unique_ptr<StageData>& slot) const override {
    auto d = std::make_unique<ReuseData>();
    d->features = ComputeReuseFeatures(a.clean.text, DedupeOptions{}, PassageOptions{});
    slot = std::move(d);
  }
  Status Stored(Archive&, int64_t rowid, const Article& a,
                std::unique_ptr<StageData> slot) override {
    auto* d = static_cast<ReuseData*>(slot.get());
    return reuse_->Add(rowid, a.analysis.date.value_or(""),
                       d ? std::move(d->features) : ReuseFeatures{});
  }
  Status BeginRun(Archive& archive, const RunInfo& run) override {
    // A run that fills a new archive merges reuse_index into one segment at
    // its end (AfterRun): merging as it goes would only be redone. A run into
    // a filled archive looks its articles up there, so keeps it merged.
    // Set either way, so that a killed run's setting does not linger.
    merging_at_end_ = run.archive_articles == 0 && run.new_articles > 0;
    return archive.SetReuseIndexAutomerge(!merging_at_end_);
  }
  Status BeforeCommit(Archive& archive) override {
    if (auto s = reuse_->Flush(); !s.ok()) return s;
    // On a shared archive (PostgreSQL) other workers commit between this
    // run's transactions: each transaction aligns its own articles' passages
    // (with one another and with every article committed before it, whoever
    // stored it), so that a pair is aligned once, by the later of its two
    // transactions, and nothing this run stored waits in reuse_pending for
    // another worker's run to take it.
    const bool over_budget = reuse_->MemoryBytes() > budget_;
    if (!archive.shared() && !over_budget) return OkStatus();
    // Over budget: align what the run holds, then treat its articles as the
    // archive's (looked up in reuse_index, which then merges as it grows).
    uint64_t nd = 0, np = 0;
    if (auto s = reuse_->Finish(&nd, &np); !s.ok()) return s;
    done_near_dups_ += nd;
    done_passages_ += np;
    if (over_budget) ++rollovers_;
    reuse_ = std::make_unique<ReuseStage>(archive, true);
    if (merging_at_end_) {
      merging_at_end_ = false;
      merge_at_end_ = true;
      return archive.SetReuseIndexAutomerge(true);
    }
    return OkStatus();
  }
  Status Finish(Archive& archive, bool interrupted, IngestSummary* sum) override {
    if (!interrupted) {
      Status s = reuse_->Finish(&sum->near_duplicates, &sum->passages);
      sum->near_duplicates += done_near_dups_;
      sum->passages += done_passages_;
      sum->reuse_rollovers = rollovers_;
      return s;
    }
    // Keep what was stored consistent (the features of the stored
    // articles); the next run aligns their passages.
    sum->near_duplicates = done_near_dups_ + reuse_->near_duplicates();
    sum->passages = done_passages_;
    sum->reuse_rollovers = rollovers_;
    if (auto s = reuse_->Flush(); !s.ok()) return s;
    return merging_at_end_ ? archive.SetReuseIndexAutomerge(true) : OkStatus();
  }
  Status AfterRun(Archive& archive) override {
    auto articles = archive.MaxArticleRowid();
    if (!articles.ok()) return articles.error();
    if (merging_at_end_ || merge_at_end_ ||
        reuse_->ShouldMergeIndex(static_cast<uint64_t>(*articles)))
      if (auto s = archive.MergeReuseIndex(int64_t{1} << 40); !s.ok()) return s;
    return merging_at_end_ ? archive.SetReuseIndexAutomerge(true) : OkStatus();
  }

 private:
  std::unique_ptr<ReuseStage> reuse_;
  size_t budget_;
  bool merging_at_end_ = false;                      // automerge is off until the final merge
  bool merge_at_end_ = false;                        // a run over budget still merges at its end
  uint64_t done_near_dups_ = 0, done_passages_ = 0;  // before the last roll-over
  uint64_t rollovers_ = 0;
};

}  // namespace

Result<std::unique_ptr<Stage>> NewReuseStage(const StageContext& c) {
  return std::unique_ptr<Stage>(
      new ReusePipelineStage(c.archive, c.archive_had_articles, c.options.reuse_memory_bytes));
}

}  // namespace veille
