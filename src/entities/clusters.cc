// Word clusters: distributional classes of words learnt from unlabeled text,
// used as tagger features so that a word never seen in the annotated data
// shares weights with words written in the same contexts (Brown-cluster
// style, with hierarchical spherical k-means instead of Brown merging, which
// is far cheaper to build).
#include <algorithm>
#include <cmath>
#include <fstream>
#include <unordered_map>

#include "entities/text_util.h"
#include "veille/entities.h"

namespace veille {

// ------------------------------------------------------------ building --

namespace {

// Deterministic pseudo-random sign of (context, dimension) for the random
// projection.
inline float Sign(uint64_t context, int dim) {
  return (ner::Mix(context * 0x9e3779b97f4a7c15ULL + static_cast<uint64_t>(dim)) & 1) ? 1.0f
                                                                                      : -1.0f;
}

void Normalise(float* v, int d) {
  double s = 0;
  for (int i = 0; i < d; ++i) s += double(v[i]) * v[i];
  if (s <= 0) return;
  float inv = static_cast<float>(1.0 / std::sqrt(s));
  for (int i = 0; i < d; ++i) v[i] *= inv;
}

// Spherical k-means of the rows `members` of `vecs` (dimension d) into k
// groups; deterministic: seeds are members spread evenly over the frequency
// order. Returns the group of each member.
std::vector<int> KMeans(const std::vector<float>& vecs, int d, const std::vector<uint32_t>& members,
                        int k, int iterations) {
  const size_t m = members.size();
  std::vector<int> assign(m, 0);
  if (m == 0) return assign;
  k = static_cast<int>(std::min<size_t>(k, m));
  std::vector<float> cent(size_t(k) * d);
  for (int c = 0; c < k; ++c) {
    const float* v = &vecs[size_t(members[size_t(c) * m / k]) * d];
    std::copy(v, v + d, &cent[size_t(c) * d]);
  }
  for (int it = 0; it < iterations; ++it) {
    for (size_t i = 0; i < m; ++i) {
      const float* v = &vecs[size_t(members[i]) * d];
      float best = -2;
      int arg = 0;
      for (int c = 0; c < k; ++c) {
        const float* ce = &cent[size_t(c) * d];
        float s = 0;
        for (int j = 0; j < d; ++j) s += v[j] * ce[j];
        if (s > best) {
          best = s;
          arg = c;
        }
      }
      assign[i] = arg;
    }
    std::fill(cent.begin(), cent.end(), 0.0f);
    std::vector<int> size(k, 0);
    for (size_t i = 0; i < m; ++i) {
      const float* v = &vecs[size_t(members[i]) * d];
      float* ce = &cent[size_t(assign[i]) * d];
      for (int j = 0; j < d; ++j) ce[j] += v[j];
      ++size[assign[i]];
    }
    for (int c = 0; c < k; ++c) {
      if (size[c] == 0) {  // an empty group restarts on a member
        const float* v = &vecs[size_t(members[(size_t(c) * 7919 + it) % m]) * d];
        std::copy(v, v + d, &cent[size_t(c) * d]);
      }
      Normalise(&cent[size_t(c) * d], d);
    }
  }
  return assign;
}

}  // namespace

std::vector<std::pair<std::string, uint32_t>> BuildWordClusters(
    const std::vector<std::vector<std::string>>& sentences, const ClusterOptions& opt) {
  // 1. Vocabulary by frequency (ties by spelling, for determinism).
  std::unordered_map<std::string, uint64_t> freq;
  for (const auto& s : sentences)
    for (const auto& w : s) ++freq[w];
  std::vector<std::pair<std::string, uint64_t>> vocab(freq.begin(), freq.end());
  std::sort(vocab.begin(), vocab.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  size_t v = 0;
  while (v < vocab.size() && v < size_t(opt.max_words) &&
         vocab[v].second >= uint64_t(opt.min_count))
    ++v;
  vocab.resize(v);
  std::unordered_map<std::string, uint32_t> id;
  for (uint32_t i = 0; i < v; ++i) id.emplace(vocab[i].first, i);
  const uint32_t ctx = std::min<uint32_t>(opt.context_words, static_cast<uint32_t>(v));
  // 2. Co-occurrence counts with the `ctx` most frequent words one and two
  // positions left and right (4 * ctx context slots; slot ctx = "other").
  const uint32_t slots = 4 * (ctx + 1);
  std::vector<uint32_t> counts(size_t(v) * slots, 0);
  std::vector<uint64_t> slot_total(slots, 0);
  std::vector<int64_t> ids;
  for (const auto& s : sentences) {
    ids.assign(s.size(), -1);
    for (size_t i = 0; i < s.size(); ++i) {
      auto it = id.find(s[i]);
      if (it != id.end()) ids[i] = it->second;
    }
    for (size_t i = 0; i < s.size(); ++i) {
      if (ids[i] < 0) continue;
      uint32_t* row = &counts[size_t(ids[i]) * slots];
      const int offsets[4] = {-2, -1, 1, 2};
      for (int o = 0; o < 4; ++o) {
        int64_t j = int64_t(i) + offsets[o];
        uint32_t c;
        if (j < 0 || j >= int64_t(s.size()))
          c = ctx;  // sentence edge counts as "other"
        else
          c = ids[j] >= 0 && ids[j] < int64_t(ctx) ? uint32_t(ids[j]) : ctx;
        uint32_t slot = o * (ctx + 1) + c;
        ++row[slot];
        ++slot_total[slot];
      }
    }
  }
  // 3. Positive PMI, randomly projected to `dims` dimensions and normalised.
  const int d = opt.dims;
  std::vector<float> vecs(size_t(v) * d, 0.0f);
  double total = 0;
  for (uint64_t t : slot_total) total += double(t);
  for (uint32_t w = 0; w < v; ++w) {
    const uint32_t* row = &counts[size_t(w) * slots];
    double row_total = 0;
    for (uint32_t k = 0; k < slots; ++k) row_total += row[k];
    float* out = &vecs[size_t(w) * d];
    for (uint32_t k = 0; k < slots; ++k) {
      if (row[k] == 0) continue;
      double pmi = std::log(double(row[k]) * total / (row_total * double(slot_total[k])));
      if (pmi <= 0) continue;
      float p = static_cast<float>(pmi);
      for (int j = 0; j < d; ++j) out[j] += p * Sign(k, j);
    }
    Normalise(out, d);
  }
  // 4. Hierarchical k-means: kTop groups, each split in kMid, each in kLeaf;
  // the leaf id's leading bits are the coarser levels (like Brown paths).
  std::vector<uint32_t> leaf(v, 0);
  std::vector<uint32_t> all(v);
  for (uint32_t i = 0; i < v; ++i) all[i] = i;
  std::vector<int> top = KMeans(vecs, d, all, WordClusters::kTop, opt.iterations);
  for (int a = 0; a < WordClusters::kTop; ++a) {
    std::vector<uint32_t> ma;
    for (uint32_t i = 0; i < v; ++i)
      if (top[i] == a) ma.push_back(i);
    std::vector<int> mid = KMeans(vecs, d, ma, WordClusters::kMid, opt.iterations);
    for (int b = 0; b < WordClusters::kMid; ++b) {
      std::vector<uint32_t> mb;
      for (size_t i = 0; i < ma.size(); ++i)
        if (mid[i] == b) mb.push_back(ma[i]);
      std::vector<int> lf = KMeans(vecs, d, mb, WordClusters::kLeaf, opt.iterations);
      for (size_t i = 0; i < mb.size(); ++i)
        leaf[mb[i]] = (uint32_t(a) * WordClusters::kMid + b) * WordClusters::kLeaf + lf[i];
    }
  }
  std::vector<std::pair<std::string, uint32_t>> out;
  out.reserve(v);
  for (uint32_t i = 0; i < v; ++i) out.emplace_back(vocab[i].first, leaf[i]);
  return out;
}

// ------------------------------------------------------------- loading --

void WordClusters::Insert(uint64_t key, int lang, uint32_t leaf) {
  if (key == 0) key = 1;
  if ((size_ + 1) * 2 > slots_.size()) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<size_t>(1024, old.size() * 2), Slot());
    size_t mask = slots_.size() - 1;
    for (const Slot& o : old) {
      if (o.key == 0) continue;
      size_t j = o.key & mask;
      while (slots_[j].key != 0) j = (j + 1) & mask;
      slots_[j] = o;
    }
  }
  size_t mask = slots_.size() - 1, i = key & mask;
  while (slots_[i].key != 0 && slots_[i].key != key) i = (i + 1) & mask;
  if (slots_[i].key == 0) {
    slots_[i].key = key;
    ++size_;
  }
  uint32_t shift = 16 * lang;
  slots_[i].value = (slots_[i].value & ~(0xFFFFu << shift)) | ((leaf & 0xFFFFu) << shift);
}

uint32_t WordClusters::Find(uint64_t lower_hash) const {
  if (slots_.empty()) return kNone;
  uint64_t key = lower_hash == 0 ? 1 : lower_hash;
  size_t mask = slots_.size() - 1, i = key & mask;
  while (slots_[i].key != 0) {
    if (slots_[i].key == key) return slots_[i].value;
    i = (i + 1) & mask;
  }
  return kNone;
}

Status WordClusters::LoadMore(const std::string& path, int lang) {
  if (lang < 0 || lang > 1) return Error::BadInput("cluster language slot must be 0 or 1");
  std::ifstream in(path);
  if (!in) return Error::NotFound("cannot open clusters " + path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    if (tab == std::string::npos) return Error::BadInput(path + ": expected word<TAB>cluster");
    uint32_t leaf = static_cast<uint32_t>(std::strtoul(line.c_str() + tab + 1, nullptr, 10));
    if (leaf >= uint32_t(kTop * kMid * kLeaf))
      return Error::BadInput(path + ": cluster id too large");
    // Keyed like TokenFeatures::lower, so lookup costs no string work.
    Insert(ner::HashBytes(std::string_view(line).substr(0, tab)), lang, leaf);
  }
  return OkStatus();
}

}  // namespace veille
