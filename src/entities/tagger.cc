// The averaged-perceptron BIO tagger: features, gazetteer, Viterbi decoding,
// training, and the model file.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "entities/text_util.h"
#include "veille/entities.h"

namespace veille {
namespace {

using ner::Combine;
using ner::HashBytes;

// Feature template ids; the id is mixed into the hash so that the same value
// under two templates lands in different rows.
enum Template : uint64_t {
  kBias = 1,
  kWord,
  kLower,
  kShape,
  kPrefix1,
  kPrefix2,
  kPrefix3,
  kSuffix2,
  kSuffix3,
  kSuffix4,
  kPrevLower,
  kNextLower,
  kPrev2Lower,
  kNext2Lower,
  kPrevShapeShape,
  kShapeNextShape,
  kPrevLowerLower,
  kLowerNextLower,
  kGaz,
  kGazContext,
  kFirstCap,
  kPrevWord,
  kShape3,
  kPrevLowerShape,
  kShapeNextLower,
  kNextWord,
  kGazCap,
  kPrevNextLower,
  kPrevSuffix3,
  kNextSuffix3,
  kPrev2Shape,
  kNext2Shape,
  kPrevWordShape,
  kLength,
  kNext3Lower,
  kPrev3Lower,
  kWordPrevShape,
  kMemory,
  kMemoryShape,
  kMemoryGaz,
  kClu4,  // cluster path prefixes, per language slot (template + slot)
  kClu8 = kClu4 + 2,
  kClu11 = kClu8 + 2,
  kPrevClu8 = kClu11 + 2,
  kNextClu8 = kPrevClu8 + 2,
  kClu8Cap = kNextClu8 + 2,
  kPrevClu11Word = kClu8Cap + 2,
};

constexpr uint64_t kBos = 0x1234567812345678ULL;
constexpr uint64_t kEos = 0x8765432187654321ULL;

inline uint32_t Row(uint64_t tmpl, uint64_t value) {
  return static_cast<uint32_t>(Combine(tmpl, value) >> (64 - TaggerModel::kRowBits));
}

bool Allowed(int prev, int cur) {
  if (cur == 0 || cur % 2 == 1) return true;
  // I-X continues B-X or I-X only.
  if (prev < 0 || prev == 0) return false;
  return (prev - 1) / 2 == (cur - 1) / 2;
}

// The first `k` code points (or the last `k`) of s, as a byte length.
size_t PrefixBytes(std::string_view s, int k) {
  size_t i = 0;
  for (int n = 0; n < k && i < s.size(); ++n) ner::NextCodePoint(s, i);
  return i;
}
size_t SuffixStart(std::string_view s, int k) {
  size_t i = s.size();
  for (int n = 0; n < k && i > 0; ++n) {
    --i;
    while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  }
  return i;
}

}  // namespace

// ------------------------------------------------------------ features --

namespace {
// Per-thread cache of the per-word part of TokenFeatures: case mapping,
// shapes, affix hashes and the cluster and gazetteer lookups are the same
// for every occurrence of a word, and news text repeats its words.
struct WordCache {
  static constexpr size_t kSize = 1 << 12;
  struct Entry {
    uint64_t owner = 0;
    TokenFeatures f;
  };
  std::vector<Entry> entries;
};
}  // namespace

void ComputeTokenFeatures(const std::vector<std::string_view>& tokens, const Gazetteer* gaz,
                          std::vector<TokenFeatures>& out, const WordClusters* clusters,
                          uint64_t cache_owner) {
  out.resize(tokens.size());
  thread_local std::string lower, shape;
  thread_local WordCache cache;
  if (cache_owner != 0 && cache.entries.empty()) cache.entries.resize(WordCache::kSize);
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string_view w = tokens[i];
    TokenFeatures& f = out[i];
    WordCache::Entry* entry = nullptr;
    uint64_t word = HashBytes(w);
    if (cache_owner != 0) {
      entry = &cache.entries[word & (WordCache::kSize - 1)];
      if (entry->owner == cache_owner && entry->f.word == word) {
        f = entry->f;
        continue;
      }
    }
    f = TokenFeatures();
    ner::LowerInto(w, lower);
    ner::ShapeInto(w, shape);
    f.word = word;
    f.lower = HashBytes(lower);
    f.shape = HashBytes(shape);
    for (int k = 0; k < 3; ++k) {
      size_t p = PrefixBytes(lower, k + 1);
      f.prefix[k] = HashBytes(std::string_view(lower).substr(0, p), 7 + k);
      size_t s = SuffixStart(lower, k + 2);
      f.suffix[k] = HashBytes(std::string_view(lower).substr(s), 17 + k);
    }
    size_t j = 0;
    char32_t first = w.empty() ? 0 : ner::NextCodePoint(w, j);
    f.capitalized = ner::IsUpper(first);
    f.length = static_cast<uint8_t>(std::min<size_t>(w.size(), 12));
    f.all_caps = f.capitalized && lower != w && shape.find('x') == std::string::npos;
    if (clusters != nullptr) f.cluster = clusters->Find(f.lower);
    if (gaz != nullptr) f.gaz_head = gaz->Head(f.lower);
    if (entry != nullptr) {
      entry->owner = cache_owner;
      entry->f = f;
    }
  }
  if (gaz != nullptr) gaz->Mark(tokens, out);
}

// Features of the token alone (its form, gazetteer and memory marks,
// clusters, sentence-initial position): the same for every
// occurrence of the token in the same situation, so Decode can cache their
// summed weights. Rows 1 and 2 are the word and lowercase features (word
// dropout in training relies on it).
int TaggerModel::LocalFeatures(const TokenFeatures& c, bool first, uint32_t* rows) {
  int k = 0;
  rows[k++] = Row(kBias, 0);
  rows[k++] = Row(kWord, c.word);
  rows[k++] = Row(kLower, c.lower);
  rows[k++] = Row(kShape, c.shape);
  rows[k++] = Row(kPrefix1, c.prefix[0]);
  rows[k++] = Row(kPrefix2, c.prefix[1]);
  rows[k++] = Row(kPrefix3, c.prefix[2]);
  rows[k++] = Row(kSuffix2, c.suffix[0]);
  rows[k++] = Row(kSuffix3, c.suffix[1]);
  rows[k++] = Row(kSuffix4, c.suffix[2]);
  rows[k++] = Row(kGaz, c.gazetteer);
  rows[k++] = Row(kFirstCap, (first ? 2 : 0) + (c.capitalized ? 1 : 0) + (c.all_caps ? 4 : 0));
  rows[k++] = Row(kLength, c.length);
  rows[k++] = Row(kMemory, c.memory);
  rows[k++] = Row(kMemoryShape, Combine(c.memory, c.shape));
  rows[k++] = Row(kMemoryGaz, (uint64_t(c.memory) << 8) | c.gazetteer);
  rows[k++] = Row(kGazCap, c.gazetteer | (c.capitalized ? 0x100 : 0) | (first ? 0x200 : 0));
  // Word clusters: a rare name shares weights with the words written in the
  // same contexts of unlabeled news. Unknown words give no feature.
  constexpr uint32_t kLeaves = WordClusters::kMid * WordClusters::kLeaf;
  for (int lang = 0; lang < 2; ++lang) {
    uint32_t cur = (c.cluster >> (16 * lang)) & 0xFFFF;
    if (cur == 0xFFFF) continue;
    rows[k++] = Row(kClu4 + lang, cur / kLeaves);
    rows[k++] = Row(kClu8 + lang, cur / WordClusters::kLeaf);
    rows[k++] = Row(kClu11 + lang, cur);
    rows[k++] = Row(kClu8Cap + lang,
                    (cur / WordClusters::kLeaf) * 4 + (c.capitalized ? 1 : 0) + (first ? 2 : 0));
  }
  return k;
}

// Features that look at the neighbouring tokens.
int TaggerModel::ContextFeatures(const TokenFeatures* t, int n, int i, uint32_t* rows) {
  int k = 0;
  const TokenFeatures& c = t[i];
  uint64_t pl = i > 0 ? t[i - 1].lower : kBos;
  uint64_t pw = i > 0 ? t[i - 1].word : kBos;
  uint64_t ps = i > 0 ? t[i - 1].shape : kBos;
  uint64_t p2 = i > 1 ? t[i - 2].lower : kBos;
  uint64_t nl = i + 1 < n ? t[i + 1].lower : kEos;
  uint64_t nw = i + 1 < n ? t[i + 1].word : kEos;
  uint64_t ns = i + 1 < n ? t[i + 1].shape : kEos;
  uint64_t n2 = i + 2 < n ? t[i + 2].lower : kEos;
  uint64_t pg = i > 0 ? t[i - 1].gazetteer : 0xFF;
  uint64_t ng = i + 1 < n ? t[i + 1].gazetteer : 0xFF;
  rows[k++] = Row(kPrevLower, pl);
  rows[k++] = Row(kNextLower, nl);
  rows[k++] = Row(kPrev2Lower, p2);
  rows[k++] = Row(kNext2Lower, n2);
  rows[k++] = Row(kPrevShapeShape, Combine(ps, c.shape));
  rows[k++] = Row(kShapeNextShape, Combine(c.shape, ns));
  rows[k++] = Row(kPrevLowerLower, Combine(pl, c.lower));
  rows[k++] = Row(kLowerNextLower, Combine(c.lower, nl));
  rows[k++] = Row(kGazContext, (pg << 16) | (uint64_t(c.gazetteer) << 8) | ng);
  rows[k++] = Row(kPrevWord, pw);
  rows[k++] = Row(kShape3, Combine(Combine(ps, c.shape), ns));
  rows[k++] = Row(kPrevLowerShape, Combine(pl, c.shape));
  rows[k++] = Row(kShapeNextLower, Combine(c.shape, nl));
  rows[k++] = Row(kNextWord, nw);
  rows[k++] = Row(kPrevNextLower, Combine(pl, nl));
  rows[k++] = Row(kPrevSuffix3, i > 0 ? t[i - 1].suffix[1] : kBos);
  rows[k++] = Row(kNextSuffix3, i + 1 < n ? t[i + 1].suffix[1] : kEos);
  rows[k++] = Row(kPrev2Shape, Combine(i > 1 ? t[i - 2].shape : kBos, ps));
  rows[k++] = Row(kNext2Shape, Combine(ns, i + 2 < n ? t[i + 2].shape : kEos));
  rows[k++] = Row(kPrevWordShape, Combine(pw, c.shape));
  rows[k++] = Row(kNext3Lower, i + 3 < n ? t[i + 3].lower : kEos);
  rows[k++] = Row(kPrev3Lower, i > 2 ? t[i - 3].lower : kBos);
  rows[k++] = Row(kWordPrevShape, Combine(c.word, ps));
  for (int lang = 0; lang < 2; ++lang) {
    const uint32_t shift = 16 * lang;
    uint32_t prev = i > 0 ? (t[i - 1].cluster >> shift) & 0xFFFF : 0xFFFE;
    uint32_t next = i + 1 < n ? (t[i + 1].cluster >> shift) & 0xFFFF : 0xFFFE;
    if (prev != 0xFFFF) rows[k++] = Row(kPrevClu8 + lang, prev / WordClusters::kLeaf);
    if (next != 0xFFFF) rows[k++] = Row(kNextClu8 + lang, next / WordClusters::kLeaf);
    if (prev != 0xFFFF) rows[k++] = Row(kPrevClu11Word + lang, Combine(prev, c.lower));
  }
  return k;
}

int TaggerModel::Features(const TokenFeatures* t, int n, int i, uint32_t* rows) {
  int k = LocalFeatures(t[i], i == 0, rows);
  return k + ContextFeatures(t, n, i, rows + k);
}

// ------------------------------------------------------------ gazetteer --

// Each slot packs the key's upper 56 bits and the entry bits in one word, so
// that a lookup touches one cache line of the (large) table.
namespace {
inline uint64_t GazTag(uint64_t key) {
  uint64_t tag = key & ~uint64_t{0xFF};
  return tag == 0 ? 0x100 : tag;
}
}  // namespace

void Gazetteer::Insert(uint64_t key, uint8_t bits) {
  const uint64_t tag = GazTag(key);
  if ((entries_ + 1) * 2 > keys_.size()) {
    std::vector<uint64_t> old = std::move(keys_);
    keys_.assign(std::max<size_t>(1024, old.size() * 2), 0);
    size_t mask = keys_.size() - 1;
    for (uint64_t slot : old) {
      if (slot == 0) continue;
      size_t i = (slot >> 8) & mask;
      while (keys_[i] != 0) i = (i + 1) & mask;
      keys_[i] = slot;
    }
  }
  size_t mask = keys_.size() - 1;
  size_t i = (tag >> 8) & mask;
  while (keys_[i] != 0 && (keys_[i] & ~uint64_t{0xFF}) != tag) i = (i + 1) & mask;
  if (keys_[i] == 0) {
    keys_[i] = tag;
    ++entries_;
  }
  keys_[i] |= bits;
}

uint8_t Gazetteer::Find(uint64_t key) const {
  if (keys_.empty()) return 0;
  const uint64_t tag = GazTag(key);
  size_t mask = keys_.size() - 1;
  size_t i = (tag >> 8) & mask;
  while (keys_[i] != 0) {
    if ((keys_[i] & ~uint64_t{0xFF}) == tag) return static_cast<uint8_t>(keys_[i] & 0xFF);
    i = (i + 1) & mask;
  }
  return 0;
}

void Gazetteer::Add(std::string_view name, int type) {
  TokenizedText tt = TokenizeText(name);
  if (tt.tokens.empty() || type < 0 || type >= kNumEntityTypes) return;
  std::string lower;
  uint64_t key = 0x51ed27ULL;
  int len = static_cast<int>(tt.tokens.size());
  for (int k = 0; k < len; ++k) {
    ner::LowerInto(name.substr(tt.tokens[k].begin, tt.tokens[k].end - tt.tokens[k].begin), lower);
    key = Combine(key, HashBytes(lower));
    Insert(key, k + 1 == len ? static_cast<uint8_t>(1u << type) : 0x80);
  }
  max_len_ = std::max(max_len_, len);
}

void Gazetteer::AddTokens(const std::vector<std::string_view>& tokens, int type) {
  if (tokens.empty() || type < 0 || type >= kNumEntityTypes) return;
  std::string lower;
  uint64_t key = 0x51ed27ULL;
  int len = static_cast<int>(tokens.size());
  for (int k = 0; k < len; ++k) {
    ner::LowerInto(tokens[k], lower);
    key = Combine(key, HashBytes(lower));
    Insert(key, k + 1 == len ? static_cast<uint8_t>(1u << type) : 0x80);
  }
  max_len_ = std::max(max_len_, len);
}

void Gazetteer::Mark(const std::vector<std::string_view>& tokens,
                     std::vector<TokenFeatures>& feats) const {
  if (entries_ == 0) return;
  int n = static_cast<int>(tokens.size());
  thread_local std::string lower;
  for (int i = 0; i < n; ++i) {
    uint64_t key = 0x51ed27ULL;
    int best_end = -1;
    uint8_t best_bits = 0;
    for (int j = i; j < n && j - i < max_len_; ++j) {
      key = Combine(key, feats[j].lower);
      uint8_t v = j == i && feats[i].gaz_head != 0xFF ? feats[i].gaz_head : Find(key);
      if (v == 0) break;
      if (v & 0x7) {
        best_end = j + 1;
        best_bits = v & 0x7;
      }
    }
    if (best_end < 0) continue;
    feats[i].gazetteer |= best_bits;                                              // begins an entry
    for (int j = i + 1; j < best_end; ++j) feats[j].gazetteer |= best_bits << 3;  // inside
  }
}

uint8_t Gazetteer::Head(uint64_t lower_hash) const {
  return Find(Combine(0x51ed27ULL, lower_hash));
}

Status Gazetteer::LoadMore(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::NotFound("cannot open gazetteer " + path);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    if (tab == std::string::npos)
      return Error::BadInput(path + ":" + std::to_string(line_no) + ": expected TYPE<TAB>name");
    std::string_view type(line.data(), tab);
    int t = type == "PER" ? 0 : type == "LOC" ? 1 : type == "ORG" ? 2 : -1;
    if (t < 0) return Error::BadInput(path + ":" + std::to_string(line_no) + ": unknown type");
    Add(std::string_view(line).substr(tab + 1), t);
  }
  return OkStatus();
}

Result<std::unique_ptr<Gazetteer>> Gazetteer::Load(const std::string& path) {
  auto gaz = std::make_unique<Gazetteer>();
  auto st = gaz->LoadMore(path);
  if (!st.ok()) return st.error();
  return gaz;
}

std::vector<std::pair<int, std::string>> CollectNames(const std::vector<TaggedSentence>& data) {
  std::unordered_map<std::string, std::array<int, kNumEntityTypes>> counts;
  std::vector<std::string> order;
  for (const auto& s : data) {
    for (const TagSpan& sp : TagsToSpans(s.tags)) {
      std::string name;
      for (uint32_t k = sp.begin; k < sp.end; ++k) {
        if (k > sp.begin) name.push_back(' ');
        name += s.tokens[k];
      }
      auto [it, inserted] = counts.try_emplace(name, std::array<int, kNumEntityTypes>{});
      if (inserted) order.push_back(name);
      ++it->second[sp.type];
    }
  }
  std::sort(order.begin(), order.end());
  std::vector<std::pair<int, std::string>> out;
  for (const auto& name : order) {
    const auto& c = counts[name];
    int best = static_cast<int>(std::max_element(c.begin(), c.end()) - c.begin());
    out.emplace_back(best, name);
  }
  return out;
}

// ------------------------------------------------------- document memory --

DocumentMemory::DocumentMemory() : keys_(kSlots, 0), counts_(kSlots) { used_.reserve(256); }

void DocumentMemory::Clear() {
  for (uint32_t s : used_) {
    keys_[s] = 0;
    counts_[s] = {};
  }
  used_.clear();
}

size_t DocumentMemory::Slot(uint64_t key) const {
  size_t i = key & (kSlots - 1);
  while (keys_[i] != 0 && keys_[i] != key) i = (i + 1) & (kSlots - 1);
  return i;
}

void DocumentMemory::Annotate(std::vector<TokenFeatures>& feats) const {
  for (auto& f : feats) {
    f.memory = 0;
    if (!f.capitalized || used_.empty()) continue;
    size_t i = Slot(f.lower | 1);
    if (keys_[i] == 0) continue;
    const auto& c = counts_[i];
    int best = 1;
    for (int t = 2; t <= 4; ++t)
      if (c[t] > c[best]) best = t;
    if (c[best] == 0) {
      f.memory = 1;  // seen, never as a name
    } else {
      f.memory = static_cast<uint8_t>(1 + best + (c[0] > c[best] ? 4 : 0));
    }
  }
}

void DocumentMemory::Record(const std::vector<TokenFeatures>& feats, const uint8_t* tags) {
  // A full table (a very long document) stops learning; it never breaks.
  if (used_.size() * 2 > kSlots) return;
  for (size_t k = 0; k < feats.size(); ++k) {
    if (!feats[k].capitalized) continue;
    uint64_t key = feats[k].lower | 1;
    size_t i = Slot(key);
    if (keys_[i] == 0) {
      keys_[i] = key;
      used_.push_back(static_cast<uint32_t>(i));
    }
    int slot = tags[k] == 0 ? 0 : 1 + (tags[k] - 1) / 2;
    if (counts_[i][slot] < 60000) ++counts_[i][slot];
  }
}

// ---------------------------------------------------------------- model --

TaggerModel::TaggerModel() : weights(size_t(kRows) * kNumTags, 0.0f) {}

namespace {

// Viterbi over emission scores `e` (n x kNumTags) with transitions.
void Viterbi(const float* e, int n, const float* trans, uint8_t* out) {
  if (n == 0) return;
  thread_local std::vector<float> delta;
  thread_local std::vector<uint8_t> back;
  delta.resize(size_t(n) * kNumTags);
  back.resize(size_t(n) * kNumTags);
  constexpr float kNeg = -1e30f;
  const float* start = trans + kNumTags * kNumTags;
  // BIO constraints folded into the transition scores once per sentence,
  // so that the inner loop has no branches.
  float allowed[kNumTags * kNumTags];
  for (int p = 0; p < kNumTags; ++p)
    for (int t = 0; t < kNumTags; ++t)
      allowed[t * kNumTags + p] = Allowed(p, t) ? trans[p * kNumTags + t] : 2 * kNeg;
  for (int t = 0; t < kNumTags; ++t) delta[t] = Allowed(-1, t) ? e[t] + start[t] : kNeg;
  for (int i = 1; i < n; ++i) {
    const float* prev = &delta[size_t(i - 1) * kNumTags];
    for (int t = 0; t < kNumTags; ++t) {
      float best = 4 * kNeg;
      int arg = 0;
      const float* tr = &allowed[t * kNumTags];
      for (int p = 0; p < kNumTags; ++p) {
        float s = prev[p] + tr[p];
        if (s > best) {
          best = s;
          arg = p;
        }
      }
      delta[i * kNumTags + t] = best + e[i * kNumTags + t];
      back[i * kNumTags + t] = static_cast<uint8_t>(arg);
    }
  }
  int arg = 0;
  float best = kNeg;
  for (int t = 0; t < kNumTags; ++t) {
    if (delta[(n - 1) * kNumTags + t] > best) {
      best = delta[(n - 1) * kNumTags + t];
      arg = t;
    }
  }
  for (int i = n - 1; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(arg);
    arg = back[i * kNumTags + arg];
  }
}

}  // namespace

namespace {

typedef float V8f __attribute__((vector_size(32)));
typedef int16_t V8s __attribute__((vector_size(16)));
typedef int32_t V8i __attribute__((vector_size(32)));
static_assert(kNumTags == 9, "the row sums below are written for 8 + 1 tags");

// Sums of 16-bit rows: 8 tags in one vector register and the ninth apart,
// so that nothing goes through memory between two rows.
struct IntSum {
  V8i v = {};
  int32_t last = 0;
  void Add(const int16_t* w) {
    V8s x;
    std::memcpy(&x, w, sizeof x);
    v += __builtin_convertvector(x, V8i);
    last += w[8];
  }
};

// Per-thread cache of the summed LocalFeatures rows of a token in a given
// situation (see Decode): news text repeats its words, so most tokens skip
// most of their table lookups.
struct LocalCache {
  static constexpr size_t kSize = 1 << 13;
  struct Entry {  // 48 bytes: 8192 entries stay within the L2 cache
    uint64_t key = 0;
    int32_t sum[kNumTags] = {};
  };
  std::vector<Entry> entries;
};

std::atomic<uint64_t> g_next_model_id{1};

}  // namespace

void TaggerModel::Decode(const TokenFeatures* toks, int n, uint8_t* tags_out) const {
  thread_local std::vector<float> e;
  e.resize(size_t(n) * kNumTags);
  uint32_t rows[kMaxFeatures];
  if (quantized.empty()) {
    // In-memory model (training, tests): float weights, nothing cached.
    const float* w0 = weights.data();
    for (int i = 0; i < n; ++i) {
      int k = Features(toks, n, i, rows);
      V8f acc = {};
      float last = 0;
      for (int f = 0; f < k; ++f) {
        const float* w = w0 + size_t(rows[f]) * kNumTags;
        V8f x;
        std::memcpy(&x, w, sizeof x);
        acc += x;
        last += w[8];
      }
      float* ei = &e[size_t(i) * kNumTags];
      std::memcpy(ei, &acc, sizeof acc);
      ei[8] = last;
    }
    Viterbi(e.data(), n, transitions.data(), tags_out);
    return;
  }
  thread_local LocalCache cache;
  if (cache.entries.empty()) cache.entries.resize(LocalCache::kSize);
  const int16_t* q0 = QuantizedRows();
  // Tokens farther than kPruneWindow from any token that could belong to a
  // name (one with a capital letter or a gazetteer mark) are O without
  // scoring: in news most tokens are such lower-case runs, and the tagger
  // never makes a name of them (checked on the evaluation sets: no change in
  // F1). Their emission is fixed, so Viterbi still sees a valid sequence.
  thread_local std::vector<uint8_t> need;
  need.assign(size_t(n), 0);
  for (int i = 0; i < n; ++i) {
    if (toks[i].word == toks[i].lower && toks[i].gazetteer == 0) continue;
    // Names continue in lower case (Organisation des Nations unies, Banque
    // centrale européenne) more often and further than they start so.
    for (int j = std::max(0, i - kPruneWindow); j <= std::min(n - 1, i + kPruneWindow + 1); ++j)
      need[j] = 1;
  }
  // Two passes. The first finds each token's cached local sum or, failing
  // that, its local rows, and its context rows; the second sums them while
  // prefetching the rows of a few tokens ahead. The table is far larger
  // than the caches, so the row loads are what costs, and issuing them early
  // overlaps their latency.
  thread_local std::vector<uint32_t> all_rows;  // rows of token i from start[i]
  thread_local std::vector<uint32_t> start;
  thread_local std::vector<LocalCache::Entry*> hit, miss;  // per token, or null
  all_rows.resize(size_t(n) * kMaxFeatures);
  start.resize(size_t(n) + 1);
  hit.assign(size_t(n), nullptr);
  miss.assign(size_t(n), nullptr);
  uint32_t used = 0;
  for (int i = 0; i < n; ++i) {
    start[i] = used;
    if (!need[i]) continue;
    const TokenFeatures& c = toks[i];
    // Everything LocalFeatures reads: the exact form (which fixes the
    // lowercase form, shape, affixes, length and clusters) and the marks;
    // the model id keeps two models apart.
    uint64_t key =
        ner::Combine(c.word ^ id * 0x9e3779b97f4a7c15ULL,
                     uint64_t(c.gazetteer) | uint64_t(c.memory) << 8 | uint64_t(i == 0) << 24) |
        1;
    LocalCache::Entry* entry = &cache.entries[key & (LocalCache::kSize - 1)];
    if (entry->key == key) {
      hit[i] = entry;
    } else {
      entry->key = key;
      miss[i] = entry;
      used += LocalFeatures(c, i == 0, &all_rows[used]);
    }
    used += ContextFeatures(toks, n, i, &all_rows[used]);
  }
  start[n] = used;
  constexpr int kAhead = 3;  // tokens
  for (int i = 0; i < std::min(n, kAhead); ++i)
    for (uint32_t r = start[i]; r < start[i + 1]; ++r)
      __builtin_prefetch(q0 + size_t(all_rows[r]) * kRowStride);
  for (int i = 0; i < n; ++i) {
    if (i + kAhead < n)
      for (uint32_t r = start[i + kAhead]; r < start[i + kAhead + 1]; ++r)
        __builtin_prefetch(q0 + size_t(all_rows[r]) * kRowStride);
    float* ei = &e[size_t(i) * kNumTags];
    if (!need[i]) {
      ei[0] = 0;
      for (int t = 1; t < kNumTags; ++t) ei[t] = -1e6f;
      continue;
    }
    IntSum sum;
    uint32_t r = start[i];
    if (hit[i] != nullptr) {
      std::memcpy(&sum.v, hit[i]->sum, sizeof sum.v);
      sum.last = hit[i]->sum[8];
    } else {
      int k = LocalFeatures(toks[i], i == 0, rows);  // the first k rows of the token
      for (int f = 0; f < k; ++f, ++r) sum.Add(q0 + size_t(all_rows[r]) * kRowStride);
      std::memcpy(miss[i]->sum, &sum.v, sizeof sum.v);
      miss[i]->sum[8] = sum.last;
    }
    for (; r < start[i + 1]; ++r) sum.Add(q0 + size_t(all_rows[r]) * kRowStride);
    for (int t = 0; t < 8; ++t) ei[t] = static_cast<float>(sum.v[t]) * scale;
    ei[8] = static_cast<float>(sum.last) * scale;
  }
  Viterbi(e.data(), n, transitions.data(), tags_out);
}

namespace {
constexpr char kMagic[8] = {'V', 'N', 'E', 'R', 'v', '1', 0, 0};
}

Status TaggerModel::Save(const std::string& path) const {
  // Weights are quantised to 16 bits: the file is a quarter of the float
  // table and decoding accuracy is unchanged at this resolution.
  float max_abs = 0;
  for (float w : weights) max_abs = std::max(max_abs, std::fabs(w));
  float scale = max_abs > 0 ? max_abs / 32767.0f : 1.0f;
  std::vector<int16_t> q(size_t(kRows) * kNumTags);
  for (size_t i = 0; i < weights.size(); ++i)
    q[i] = static_cast<int16_t>(std::lround(weights[i] / scale));
  if (weights.empty()) {  // a loaded model is written back as it was read
    const int16_t* rows = QuantizedRows();
    for (size_t r = 0; r < size_t(kRows); ++r)
      std::memcpy(&q[r * kNumTags], rows + r * kRowStride, sizeof(int16_t) * kNumTags);
    scale = this->scale;
  }
  std::ofstream out(path, std::ios::binary);
  if (!out) return Error::Io("cannot write " + path);
  uint32_t header[2] = {kRowBits, static_cast<uint32_t>(kNumTags)};
  out.write(kMagic, sizeof kMagic);
  out.write(reinterpret_cast<const char*>(header), sizeof header);
  out.write(reinterpret_cast<const char*>(&scale), sizeof scale);
  out.write(reinterpret_cast<const char*>(transitions.data()), sizeof(float) * transitions.size());
  out.write(reinterpret_cast<const char*>(q.data()), sizeof(int16_t) * q.size());
  if (!out) return Error::Io("write failed: " + path);
  return OkStatus();
}

Result<TaggerModel> TaggerModel::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NotFound("cannot open model " + path);
  char magic[8];
  uint32_t header[2];
  float scale;
  TaggerModel m;
  in.read(magic, sizeof magic);
  in.read(reinterpret_cast<char*>(header), sizeof header);
  in.read(reinterpret_cast<char*>(&scale), sizeof scale);
  if (!in || std::memcmp(magic, kMagic, sizeof magic) != 0)
    return Error::BadInput(path + ": not a Veille NER model");
  if (header[0] != kRowBits || header[1] != kNumTags)
    return Error::BadInput(path + ": model was built with a different table size or tag set");
  in.read(reinterpret_cast<char*>(m.transitions.data()), sizeof(float) * m.transitions.size());
  std::vector<int16_t> packed(m.weights.size());
  in.read(reinterpret_cast<char*>(packed.data()), sizeof(int16_t) * packed.size());
  if (!in) return Error::BadInput(path + ": truncated model");
  // Rows padded to kRowStride and the table aligned to a cache line: a row
  // is then one cache line, where 18-byte rows straddle two about a quarter
  // of the time (the loads of these rows are what decoding waits for).
  m.quantized.assign(size_t(kRows) * kRowStride + kAlignSlack, 0);
  int16_t* rows = m.QuantizedRows();
  for (size_t r = 0; r < size_t(kRows); ++r)
    std::memcpy(rows + r * kRowStride, &packed[r * kNumTags], sizeof(int16_t) * kNumTags);
  m.weights.clear();
  m.weights.shrink_to_fit();
  m.scale = scale;
  m.id = g_next_model_id.fetch_add(1);
  return m;
}

// ------------------------------------------------------------- training --

TaggerModel TrainTagger(const std::vector<TaggedSentence>& data, const Gazetteer* gaz,
                        const TrainOptions& options, const WordClusters* clusters) {
  // Token features are computed once; rows are derived per pass because the
  // document-memory part of them depends on the model's own earlier output.
  std::vector<TokenFeatures> all;
  std::vector<uint32_t> offsets;  // per sentence: first token index
  std::vector<uint8_t> gold;
  offsets.reserve(data.size() + 1);
  std::vector<std::string_view> toks;
  std::vector<TokenFeatures> feats;
  // Jackknifed name gazetteers: fold f's features see the names of the
  // other folds only, as unseen text will see names of the training data.
  const int folds = options.jackknife_folds;
  std::vector<Gazetteer> fold_gaz;
  if (folds > 0) {
    fold_gaz.assign(folds, gaz != nullptr ? *gaz : Gazetteer());
    for (size_t si = 0; si < data.size(); ++si) {
      const auto& s = data[si];
      for (const TagSpan& sp : TagsToSpans(s.tags)) {
        toks.assign(s.tokens.begin() + sp.begin, s.tokens.begin() + sp.end);
        for (int f = 0; f < folds; ++f)
          if (static_cast<int>(si % folds) != f) fold_gaz[f].AddTokens(toks, sp.type);
      }
    }
  }
  for (size_t si = 0; si < data.size(); ++si) {
    const auto& s = data[si];
    offsets.push_back(static_cast<uint32_t>(all.size()));
    toks.assign(s.tokens.begin(), s.tokens.end());
    ComputeTokenFeatures(toks, folds > 0 ? &fold_gaz[si % folds] : gaz, feats, clusters);
    all.insert(all.end(), feats.begin(), feats.end());
    gold.insert(gold.end(), s.tags.begin(), s.tags.end());
  }
  offsets.push_back(static_cast<uint32_t>(all.size()));
  fold_gaz.clear();

  TaggerModel m;
  std::vector<double> acc(m.weights.size(), 0.0);
  std::array<double, (kNumTags + 1) * kNumTags> tacc{};
  double c = 1;
  std::vector<uint32_t> rows;   // current sentence: n * kMaxFeatures
  std::vector<uint8_t> counts;  // current sentence: rows per token
  auto update = [&](uint32_t i, int tag, float delta) {
    const uint32_t* r = &rows[size_t(i) * TaggerModel::kMaxFeatures];
    for (int f = 0; f < counts[i]; ++f) {
      size_t idx = size_t(r[f]) * kNumTags + tag;
      m.weights[idx] += delta;
      acc[idx] += c * delta;
    }
  };
  auto tupdate = [&](int prev, int cur, float delta) {
    size_t idx = size_t(prev < 0 ? kNumTags : prev) * kNumTags + cur;
    m.transitions[idx] += delta;
    tacc[idx] += c * delta;
  };

  // Sentences are visited in blocks of consecutive sentences (documents, or
  // stretches of one) so that the document memory sees what it will see at
  // tagging time; the blocks are shuffled.
  const size_t num_blocks = (data.size() + kDocumentBlock - 1) / kDocumentBlock;
  std::vector<uint32_t> order(num_blocks);
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  uint64_t rng = options.seed;
  auto next = [&]() {  // splitmix64: portable, so training order is too
    rng += 0x9e3779b97f4a7c15ULL;
    return ner::Mix(rng);
  };
  const uint64_t dropout_threshold =
      static_cast<uint64_t>(options.word_dropout * double(uint64_t(1) << 53));
  DocumentMemory memory;
  std::vector<float> e;
  std::vector<uint8_t> pred;
  int64_t total = offsets.back();
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[next() % i]);
    int64_t errors = 0;
    for (uint32_t block : order) {
      memory.Clear();
      size_t end = std::min(data.size(), size_t(block + 1) * kDocumentBlock);
      for (size_t si = size_t(block) * kDocumentBlock; si < end; ++si) {
        uint32_t first = offsets[si], n = offsets[si + 1] - first;
        if (n == 0) continue;
        feats.assign(all.begin() + first, all.begin() + first + n);
        if (options.document_memory) memory.Annotate(feats);
        rows.resize(size_t(n) * TaggerModel::kMaxFeatures);
        counts.resize(n);
        e.assign(size_t(n) * kNumTags, 0.0f);
        for (uint32_t i = 0; i < n; ++i) {
          uint32_t* r = &rows[size_t(i) * TaggerModel::kMaxFeatures];
          counts[i] = static_cast<uint8_t>(TaggerModel::Features(feats.data(), n, i, r));
          if (dropout_threshold > 0 && (next() >> 11) < dropout_threshold) {
            // rows 1 and 2 are the word and lowercase features (Features()).
            r[1] = r[counts[i] - 1];
            r[2] = r[counts[i] - 2];
            counts[i] -= 2;
          }
          float* ei = &e[size_t(i) * kNumTags];
          for (int f = 0; f < counts[i]; ++f) {
            const float* w = &m.weights[size_t(r[f]) * kNumTags];
            for (int t = 0; t < kNumTags; ++t) ei[t] += w[t];
          }
        }
        pred.resize(n);
        Viterbi(e.data(), static_cast<int>(n), m.transitions.data(), pred.data());
        for (uint32_t i = 0; i < n; ++i) {
          int g = gold[first + i], p = pred[i];
          int gp = i == 0 ? -1 : gold[first + i - 1];
          int pp = i == 0 ? -1 : pred[i - 1];
          if (g != p) {
            ++errors;
            update(i, g, 1.0f);
            update(i, p, -1.0f);
          }
          if (g != p || gp != pp) {
            tupdate(gp, g, 1.0f);
            tupdate(pp, p, -1.0f);
          }
        }
        if (options.document_memory) memory.Record(feats, pred.data());
        c += 1;
      }
    }
    if (options.verbose)
      fprintf(stderr, "epoch %d: %lld token errors / %lld tokens\n", epoch + 1,
              static_cast<long long>(errors), static_cast<long long>(total));
  }
  // Averaged weights: w - acc / c.
  for (size_t i = 0; i < m.weights.size(); ++i)
    m.weights[i] = static_cast<float>(m.weights[i] - acc[i] / c);
  for (size_t i = 0; i < m.transitions.size(); ++i)
    m.transitions[i] = static_cast<float>(m.transitions[i] - tacc[i] / c);
  return m;
}

// --------------------------------------------------------------- tagger --

Tagger::Tagger(TaggerModel model, std::unique_ptr<Gazetteer> gaz,
               std::unique_ptr<WordClusters> clusters)
    : model_(std::move(model)),
      gaz_(std::move(gaz)),
      clusters_(std::move(clusters)),
      id_(g_next_model_id.fetch_add(1)) {}

Result<std::unique_ptr<Tagger>> Tagger::Load(const std::string& model_path,
                                             const std::vector<std::string>& gazetteer_paths,
                                             const std::vector<std::string>& cluster_paths) {
  auto m = TaggerModel::Load(model_path);
  if (!m.ok()) return m.error();
  auto gaz = std::make_unique<Gazetteer>();
  for (const auto& path : gazetteer_paths) {
    auto st = gaz->LoadMore(path);
    if (!st.ok()) return st.error();
  }
  std::unique_ptr<WordClusters> clusters;
  for (size_t lang = 0; lang < cluster_paths.size() && lang < 2; ++lang) {
    std::ifstream probe(cluster_paths[lang]);
    if (!probe) continue;
    if (!clusters) clusters = std::make_unique<WordClusters>();
    auto st = clusters->LoadMore(cluster_paths[lang], static_cast<int>(lang));
    if (!st.ok()) return st.error();
  }
  return std::make_unique<Tagger>(std::move(m.value()), std::move(gaz), std::move(clusters));
}

std::vector<uint8_t> Tagger::Tag(const std::vector<std::string_view>& tokens,
                                 DocumentMemory* memory) const {
  thread_local std::vector<TokenFeatures> feats;
  ComputeTokenFeatures(tokens, gaz_.get(), feats, clusters_.get(), id_);
  if (memory != nullptr) memory->Annotate(feats);
  std::vector<uint8_t> tags(tokens.size());
  model_.Decode(feats.data(), static_cast<int>(tokens.size()), tags.data());
  if (memory != nullptr) memory->Record(feats, tags.data());
  return tags;
}

}  // namespace veille

namespace veille {

std::vector<std::vector<uint8_t>> Tagger::TagStream(const std::vector<TaggedSentence>& data,
                                                    bool context) const {
  std::vector<std::vector<uint8_t>> out(data.size());
  DocumentMemory memory;
  std::vector<std::string_view> toks;
  for (size_t i = 0; i < data.size(); ++i) {
    if (i % kDocumentBlock == 0) memory.Clear();
    toks.assign(data[i].tokens.begin(), data[i].tokens.end());
    out[i] = Tag(toks, context ? &memory : nullptr);
  }
  return out;
}

}  // namespace veille
