// minhash.cc: shingle MinHash signatures, the LSH index, near-duplicate groups.
#include <algorithm>
#include <climits>
#include <cmath>

#include "veille/hash.h"
#include "veille/reuse.h"

namespace veille::reuse {
namespace {

inline uint64_t Mix(uint64_t h) { return Mix64(h); }

inline uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

constexpr int kBinBits = 7;  // 2^7 = kNumPerm bins
static_assert((1 << kBinBits) == kNumPerm);
constexpr uint32_t kEmpty = 0xffffffffu;
constexpr uint64_t kBandMask = (uint64_t{1} << 56) - 1;
// A bucket shared by more articles than this is almost surely a pile of
// copies of one text: the newest ones are enough to join its group, and
// scanning it whole would make one insert cost O(copies).
constexpr int kMaxBucketScan = 512;

}  // namespace

uint64_t ShingleHash(const WordSpan* words, int k) {
  uint64_t h = 0x9e3779b97f4a7c15ULL;
  for (int t = 0; t < k; ++t) h = (Rotl(h, 23) ^ words[t].hash) * 0xff51afd7ed558ccdULL;
  return Mix(h);
}

// One permutation hashing (Li, Owen, Zhang 2012): the top bits of a single
// shingle hash choose one of kNumPerm bins and each bin keeps its minimum, so
// a signature costs one hash per shingle instead of kNumPerm. Empty bins
// (short texts) borrow the value of a non-empty bin chosen by a fixed hash
// sequence ("optimal densification", Shrivastava 2017), which keeps the
// estimate unbiased and identical across documents.
bool ComputeSignature(std::span<const WordSpan> words, int k, Signature* sig) {
  sig->fill(kEmpty);
  if (k <= 0 || words.size() < static_cast<size_t>(k)) return false;
  uint64_t filled[2] = {0, 0};
  const size_t n = words.size() - k + 1;
  for (size_t i = 0; i < n; ++i) {
    uint64_t h = ShingleHash(words.data() + i, k);
    uint32_t bin = static_cast<uint32_t>(h >> (64 - kBinBits));
    uint32_t v = static_cast<uint32_t>((h << kBinBits) >> 32);
    if (v < (*sig)[bin]) (*sig)[bin] = v;
    filled[bin >> 6] |= uint64_t{1} << (bin & 63);
  }
  if (filled[0] == ~uint64_t{0} && filled[1] == ~uint64_t{0}) return true;
  Signature dense = *sig;
  for (uint32_t bin = 0; bin < kNumPerm; ++bin) {
    if (filled[bin >> 6] >> (bin & 63) & 1) continue;
    for (uint64_t attempt = 1;; ++attempt) {
      uint32_t from = static_cast<uint32_t>(Mix(bin * 0x100000001b3ULL + attempt) % kNumPerm);
      if (filled[from >> 6] >> (from & 63) & 1) {
        dense[bin] = (*sig)[from];
        break;
      }
    }
  }
  *sig = dense;
  return true;
}

double EstimateJaccard(const Signature& a, const Signature& b) {
  int same = 0;
  for (int i = 0; i < kNumPerm; ++i) same += a[i] == b[i];
  return static_cast<double>(same) / kNumPerm;
}

double SimilarityFromJaccard(double j, int k) {
  if (j <= 0) return 0;
  if (j >= 1) return 1;
  return std::pow(2 * j / (1 + j), 1.0 / k);
}

double JaccardFromSimilarity(double w, int k) {
  double s = std::pow(std::clamp(w, 0.0, 1.0), k);
  return s / (2 - s);
}

// --- LshIndex ---------------------------------------------------------------

LshIndex::LshIndex(int bands, int rows)
    : bands_(std::clamp(bands, 1, 255)),
      rows_(std::clamp(rows, 1, kNumPerm / std::clamp(bands, 1, 255))) {
  slots_.assign(1024, Slot{0, kNone});
}

uint64_t LshIndex::Pack(const BandKey& k) {
  return (uint64_t{k.band} << 56) | (k.hash & kBandMask);
}
BandKey LshIndex::Unpack(uint64_t key) {
  return {static_cast<uint32_t>(key >> 56), key & kBandMask};
}

uint64_t LshIndex::BandHash(const Signature& sig, int band) const {
  uint64_t h = Mix(0x5bd1e995u + band);
  for (int r = 0; r < rows_; ++r) h = (Rotl(h, 29) ^ sig[band * rows_ + r]) * 0xc4ceb9fe1a85ec53ULL;
  return Mix(h) & kBandMask;
}

void LshIndex::Bands(const Signature& sig, std::vector<BandKey>* out) const {
  out->clear();
  for (int b = 0; b < bands_; ++b) out->push_back({static_cast<uint32_t>(b), BandHash(sig, b)});
}

std::vector<BandKey> LshIndex::Bands(const Signature& sig) const {
  std::vector<BandKey> out;
  Bands(sig, &out);
  return out;
}

size_t LshIndex::Find(uint64_t key) const {
  const size_t mask = slots_.size() - 1;
  size_t s = Mix(key) & mask;
  while (slots_[s].head != kNone && slots_[s].key != key) s = (s + 1) & mask;
  return s;
}

void LshIndex::Grow() {
  std::vector<Slot> old;
  old.swap(slots_);
  slots_.assign(old.size() * 2, Slot{0, kNone});
  for (const Slot& s : old)
    if (s.head != kNone) slots_[Find(s.key)] = s;
}

void LshIndex::Insert(uint64_t key, DocId id) {
  if ((used_ + 1) * 10 > slots_.size() * 7) Grow();
  size_t s = Find(key);
  if (slots_[s].head == kNone) {
    slots_[s].key = key;
    ++used_;
  }
  ids_.push_back(id);
  next_.push_back(slots_[s].head);
  slots_[s].head = static_cast<uint32_t>(ids_.size() - 1);
}

void LshIndex::Reserve(size_t keys) {
  size_t cap = slots_.size();
  while (keys * 10 > cap * 7) cap <<= 1;
  if (cap == slots_.size()) return;
  std::vector<Slot> old;
  old.swap(slots_);
  slots_.assign(cap, Slot{0, kNone});
  for (const Slot& s : old)
    if (s.head != kNone) slots_[Find(s.key)] = s;
}

void LshIndex::AddRow(const BandKey& key, DocId id) { Insert(Pack(key), id); }

void LshIndex::Collect(const uint64_t* keys, std::vector<DocId>* out) const {
  out->clear();
  for (int b = 0; b < bands_; ++b) {
    size_t s = Find(keys[b]);
    int scanned = 0;
    for (uint32_t p = slots_[s].head; p != kNone && scanned < kMaxBucketScan; p = next_[p]) {
      out->push_back(ids_[p]);
      ++scanned;
    }
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

void LshIndex::Query(const Signature& sig, std::vector<DocId>* out) const {
  uint64_t keys[256];
  for (int b = 0; b < bands_; ++b) keys[b] = Pack({static_cast<uint32_t>(b), BandHash(sig, b)});
  Collect(keys, out);
}

void LshIndex::Add(DocId id, const Signature& sig, std::vector<DocId>* candidates) {
  uint64_t keys[256];
  for (int b = 0; b < bands_; ++b) keys[b] = Pack({static_cast<uint32_t>(b), BandHash(sig, b)});
  Collect(keys, candidates);
  for (int b = 0; b < bands_; ++b) Insert(keys[b], id);
}

double LshIndex::CandidateProbability(double j) const {
  return 1 - std::pow(1 - std::pow(j, rows_), bands_);
}

// --- Groups -----------------------------------------------------------------

int32_t DateKey(std::string_view d) {
  auto digits = [&](size_t pos, size_t len, int* v) {
    if (d.size() < pos + len) return false;
    int x = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (d[i] < '0' || d[i] > '9') return false;
      x = x * 10 + (d[i] - '0');
    }
    *v = x;
    return true;
  };
  int y = 0, m = 0, day = 0;
  if (!digits(0, 4, &y)) return INT32_MAX;
  if (d.size() >= 7 && d[4] == '-' && digits(5, 2, &m) && d.size() >= 10 && d[7] == '-')
    digits(8, 2, &day);
  return y * 10000 + m * 100 + day;
}

void DupGroups::Ensure(DocId id) {
  if (id < parent_.size()) return;
  size_t old = parent_.size();
  parent_.resize(id + 1);
  best_.resize(id + 1);
  date_.resize(id + 1, INT32_MAX);
  size_.resize(id + 1, 1);
  for (size_t i = old; i <= id; ++i) parent_[i] = best_[i] = static_cast<DocId>(i);
}

void DupGroups::Add(DocId id, int32_t date_key) {
  Ensure(id);
  date_[id] = date_key;
}

DocId DupGroups::Root(DocId id) {
  Ensure(id);
  while (parent_[id] != id) {
    parent_[id] = parent_[parent_[id]];  // path halving
    id = parent_[id];
  }
  return id;
}

bool DupGroups::Better(DocId a, DocId b) const {
  if (date_[a] != date_[b]) return date_[a] < date_[b];
  return a < b;
}

void DupGroups::Union(DocId a, DocId b) {
  DocId ra = Root(a), rb = Root(b);
  if (ra == rb) return;
  if (size_[ra] < size_[rb]) std::swap(ra, rb);
  parent_[rb] = ra;
  size_[ra] += size_[rb];
  if (Better(best_[rb], best_[ra])) best_[ra] = best_[rb];
}

DocId DupGroups::Representative(DocId id) { return best_[Root(id)]; }

std::vector<std::pair<DocId, std::vector<DocId>>> DupGroups::Groups() {
  std::vector<std::pair<DocId, std::vector<DocId>>> out;
  std::vector<int64_t> slot(parent_.size(), -1);
  for (DocId i = 0; i < parent_.size(); ++i) {
    DocId r = Root(i);
    if (size_[r] < 2) continue;
    if (slot[r] < 0) {
      slot[r] = static_cast<int64_t>(out.size());
      out.push_back({best_[r], {}});
    }
    out[slot[r]].second.push_back(i);
  }
  std::sort(out.begin(), out.end());
  return out;
}

size_t DupGroups::GroupCount() {
  size_t n = 0;
  for (DocId i = 0; i < parent_.size(); ++i) n += Root(i) == i && size_[i] >= 2;
  return n;
}

// --- NearDupFinder ------------------------------------------------------------

NearDupFinder::NearDupFinder(const DedupeOptions& options)
    : options_(options), index_(options.bands, options.rows) {}

std::vector<DupPair> NearDupFinder::Add(DocId id, std::string_view date,
                                        std::span<const WordSpan> words) {
  Signature sig;
  bool has = ComputeSignature(words, options_.shingle_words, &sig);
  return AddSignature(id, DateKey(date), sig, has);
}

std::vector<DupPair> NearDupFinder::AddSignature(DocId id, int32_t date_key, const Signature& sig,
                                                 bool has_signature) {
  std::vector<DupPair> out;
  groups_.Add(id, date_key);
  if (id >= sigs_.size()) {
    sigs_.resize(id + 1);
    has_sig_.resize(id + 1, 0);
  }
  sigs_[id] = sig;
  has_sig_[id] = has_signature;
  if (!has_signature) return out;
  index_.Add(id, sig, &scratch_);
  const double min_j = JaccardFromSimilarity(options_.min_similarity, options_.shingle_words);
  for (DocId other : scratch_) {
    if (other == id || !has_sig_[other]) continue;
    ++checked_;
    double j = EstimateJaccard(sig, sigs_[other]);
    if (j < min_j) continue;
    out.push_back({id, other, j, SimilarityFromJaccard(j, options_.shingle_words)});
    groups_.Union(id, other);
  }
  return out;
}

}  // namespace veille::reuse
