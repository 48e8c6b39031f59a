// passages.cc: winnowing fingerprints, candidate pairs, and seed-and-extend
// alignment of the passages two articles share.
#include <algorithm>
#include <climits>
#include <cstdlib>
#include <tuple>

#include "veille/reuse.h"

namespace veille::reuse {
namespace {

inline uint64_t Mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

// Per-thread buffers so that aligning millions of pairs allocates nothing
// once they have grown.
struct Scratch {
  std::vector<uint64_t> ha, hb;
  std::vector<uint64_t> table_key;
  std::vector<int32_t> table_head;
  std::vector<int32_t> next_b;
  struct Seed {
    int32_t i, j;
  };
  std::vector<Seed> seeds;
  struct Chain {
    int32_t si, sj;  // first seed
    int32_t li, lj;  // last seed
    int32_t ma, mb;  // words of each side covered by seeds
  };
  std::vector<Chain> active, done;
  std::vector<Passage> found;
};
thread_local Scratch tls;

void ShingleHashes(std::span<const WordSpan> w, int k, std::vector<uint64_t>* out) {
  out->clear();
  if (w.size() < static_cast<size_t>(k)) return;
  for (size_t i = 0; i + k <= w.size(); ++i) out->push_back(ShingleHash(w.data() + i, k));
}

// A shingle that recurs this often inside one article (lists, refrains)
// seeds nothing useful and would make alignment quadratic.
constexpr int kMaxRepeats = 8;

}  // namespace

void Fingerprints(std::span<const WordSpan> words, const PassageOptions& o,
                  std::vector<uint64_t>* out) {
  out->clear();
  std::vector<uint64_t>& h = tls.ha;
  ShingleHashes(words, o.shingle_words, &h);
  if (h.empty()) return;
  const size_t w = std::max(1, o.winnow_window);
  if (h.size() <= w) {
    out->push_back(*std::min_element(h.begin(), h.end()));
    return;
  }
  for (size_t i = 0; i + w <= h.size(); ++i)
    out->push_back(*std::min_element(h.begin() + i, h.begin() + i + w));
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

void SubtractFingerprints(std::span<const uint64_t> rep, std::vector<uint64_t>* member) {
  auto out = member->begin();
  auto r = rep.begin();
  for (auto m = member->begin(); m != member->end(); ++m) {
    while (r != rep.end() && *r < *m) ++r;
    if (r != rep.end() && *r == *m) continue;
    *out++ = *m;
  }
  member->erase(out, member->end());
}

int Direction(std::string_view a, std::string_view b) {
  int32_t ka = DateKey(a), kb = DateKey(b);
  if (ka == INT32_MAX || kb == INT32_MAX) return 0;
  // Compare at the precision both dates have: "2020" says nothing about
  // which of two articles of 2020 came first.
  auto precision = [](int32_t k) { return k % 100 ? 1 : k % 10000 ? 100 : 10000; };
  int32_t div = std::max(precision(ka), precision(kb));
  ka /= div;
  kb /= div;
  return ka < kb ? 1 : ka > kb ? -1 : 0;
}

std::vector<Passage> AlignPassages(std::span<const WordSpan> a, std::span<const WordSpan> b,
                                   const PassageOptions& o) {
  Scratch& s = tls;
  const int k = o.shingle_words;
  std::vector<Passage> result;
  ShingleHashes(a, k, &s.ha);
  ShingleHashes(b, k, &s.hb);
  if (s.ha.empty() || s.hb.empty()) return result;

  // Open-addressing table: shingle hash of b -> first position, chained in
  // increasing position order through next_b.
  size_t cap = 16;
  while (cap < s.hb.size() * 2) cap <<= 1;
  s.table_key.assign(cap, 0);
  s.table_head.assign(cap, -1);
  s.next_b.assign(s.hb.size(), -1);
  const size_t mask = cap - 1;
  for (int32_t j = static_cast<int32_t>(s.hb.size()) - 1; j >= 0; --j) {
    size_t t = Mix(s.hb[j]) & mask;
    while (s.table_head[t] >= 0 && s.table_key[t] != s.hb[j]) t = (t + 1) & mask;
    s.table_key[t] = s.hb[j];
    s.next_b[j] = s.table_head[t];
    s.table_head[t] = j;
  }
  s.seeds.clear();
  for (int32_t i = 0; i < static_cast<int32_t>(s.ha.size()); ++i) {
    size_t t = Mix(s.ha[i]) & mask;
    while (s.table_head[t] >= 0 && s.table_key[t] != s.ha[i]) t = (t + 1) & mask;
    int n = 0;
    for (int32_t j = s.table_head[t]; j >= 0 && n < kMaxRepeats; j = s.next_b[j], ++n)
      s.seeds.push_back({i, j});
  }
  if (s.seeds.empty()) return result;

  // Greedy chaining in order of position in a: a seed continues the open
  // chain that ends shortly before it on both sides, on the nearest
  // diagonal (an insertion or deletion shifts the diagonal by its length).
  s.active.clear();
  s.done.clear();
  for (const auto& sd : s.seeds) {
    for (size_t c = 0; c < s.active.size();) {
      if (s.active[c].li + k + o.max_gap < sd.i) {
        s.done.push_back(s.active[c]);
        s.active[c] = s.active.back();
        s.active.pop_back();
      } else {
        ++c;
      }
    }
    int best = -1, best_drift = 1 << 30;
    for (size_t c = 0; c < s.active.size(); ++c) {
      const auto& ch = s.active[c];
      if (ch.li >= sd.i || ch.lj >= sd.j) continue;
      if (sd.j - (ch.lj + k) > o.max_gap) continue;
      int drift = std::abs((sd.j - sd.i) - (ch.lj - ch.li));
      if (drift > o.max_gap || drift >= best_drift) continue;
      best = static_cast<int>(c);
      best_drift = drift;
    }
    if (best < 0) {
      s.active.push_back({sd.i, sd.j, sd.i, sd.j, k, k});
      continue;
    }
    auto& ch = s.active[best];
    ch.ma += std::min(k, sd.i + k - std::max(ch.li + k, sd.i));
    ch.mb += std::min(k, sd.j + k - std::max(ch.lj + k, sd.j));
    ch.li = sd.i;
    ch.lj = sd.j;
  }
  for (const auto& ch : s.active) s.done.push_back(ch);

  // Extend each chain word by word past its first and last seeds, skipping
  // up to max_skip words on either side when two consecutive words match
  // again beyond the skip ("l'affrontement" vs "il y a un affrontement").
  const int32_t na = static_cast<int32_t>(a.size()), nb = static_cast<int32_t>(b.size());
  auto eq = [&](int32_t i, int32_t j) {
    return i >= 0 && j >= 0 && i < na && j < nb && a[i].hash == b[j].hash;
  };
  s.found.clear();
  for (const auto& ch : s.done) {
    int32_t matched = std::min(ch.ma, ch.mb);
    if (matched + 2 * k < static_cast<int32_t>(o.min_words) / 2) continue;
    int32_t bi = ch.si, bj = ch.sj, ei = ch.li + k, ej = ch.lj + k;  // [b, e)
    for (;;) {                                                       // leftwards
      bool step = false;
      for (int tot = 0; tot <= 2 * o.max_skip && !step; ++tot) {
        for (int da = std::max(0, tot - o.max_skip); da <= std::min(tot, o.max_skip); ++da) {
          int db = tot - da;
          int32_t i = bi - 1 - da, j = bj - 1 - db;
          if (!eq(i, j) || (tot > 0 && !eq(i - 1, j - 1))) continue;
          bi = i;
          bj = j;
          ++matched;
          step = true;
          break;
        }
      }
      if (!step) break;
    }
    for (;;) {  // rightwards
      bool step = false;
      for (int tot = 0; tot <= 2 * o.max_skip && !step; ++tot) {
        for (int da = std::max(0, tot - o.max_skip); da <= std::min(tot, o.max_skip); ++da) {
          int db = tot - da;
          int32_t i = ei + da, j = ej + db;
          if (!eq(i, j) || (tot > 0 && !eq(i + 1, j + 1))) continue;
          ei = i + 1;
          ej = j + 1;
          ++matched;
          step = true;
          break;
        }
      }
      if (!step) break;
    }
    uint32_t wa = ei - bi, wb = ej - bj;
    if (wa < o.min_words || wb < o.min_words) continue;
    if (static_cast<uint32_t>(matched) < o.min_words * 3 / 5) continue;
    if (matched < o.min_density * wa || matched < o.min_density * wb) continue;
    Passage p;
    p.a_begin = a[bi].begin;
    p.a_end = a[ei - 1].end;
    p.b_begin = b[bj].begin;
    p.b_end = b[ej - 1].end;
    p.a_words = wa;
    p.b_words = wb;
    p.matched = static_cast<uint32_t>(matched);
    p.similarity = 2.0 * matched / (wa + wb);
    s.found.push_back(p);
  }
  // Longest first; a passage overlapping a kept one on either side is the
  // same text aligned twice (a repeated shingle, or an extension that ran
  // into the next chain).
  std::sort(s.found.begin(), s.found.end(), [](const Passage& x, const Passage& y) {
    if (x.matched != y.matched) return x.matched > y.matched;
    return std::tie(x.a_begin, x.b_begin) < std::tie(y.a_begin, y.b_begin);
  });
  for (const Passage& p : s.found) {
    bool overlaps = false;
    for (const Passage& q : result) {
      if ((p.a_begin < q.a_end && q.a_begin < p.a_end) ||
          (p.b_begin < q.b_end && q.b_begin < p.b_end)) {
        overlaps = true;
        break;
      }
    }
    if (!overlaps) result.push_back(p);
  }
  return result;
}

void FingerprintIndex::Add(DocId id, DocId group, std::span<const uint64_t> fps) {
  if (id >= group_.size()) group_.resize(id + 1, id);
  group_[id] = group;
  for (uint64_t f : fps) postings_.push_back((f >> 32) << 32 | id);
}

std::vector<std::pair<DocId, DocId>> FingerprintIndex::CandidatePairs(const PassageOptions& o) {
  std::sort(postings_.begin(), postings_.end());
  std::vector<uint64_t> pairs;
  std::vector<DocId> groups;
  const size_t max_run = 4 * static_cast<size_t>(o.max_df);
  for (size_t i = 0; i < postings_.size();) {
    const uint64_t fp = postings_[i] >> 32;
    size_t e = i;
    while (e < postings_.size() && postings_[e] >> 32 == fp) ++e;
    if (e - i >= 2 && e - i <= max_run) {
      groups.clear();
      for (size_t x = i; x < e; ++x) groups.push_back(group_[static_cast<DocId>(postings_[x])]);
      std::sort(groups.begin(), groups.end());
      size_t distinct = std::unique(groups.begin(), groups.end()) - groups.begin();
      if (distinct >= 2 && distinct <= o.max_df) {
        for (size_t x = i; x < e; ++x) {
          DocId p = static_cast<DocId>(postings_[x]);  // ids ascend within a run
          for (size_t y = x + 1; y < e; ++y) {
            DocId q = static_cast<DocId>(postings_[y]);
            if (p == q || group_[p] == group_[q]) continue;
            pairs.push_back(uint64_t{p} << 32 | q);
          }
        }
      }
    }
    i = e;
  }
  std::sort(pairs.begin(), pairs.end());
  std::vector<std::pair<DocId, DocId>> out;
  for (size_t i = 0; i < pairs.size();) {
    size_t e = i;
    while (e < pairs.size() && pairs[e] == pairs[i]) ++e;
    if (static_cast<int>(e - i) >= o.min_shared)
      out.push_back({static_cast<DocId>(pairs[i] >> 32), static_cast<DocId>(pairs[i])});
    i = e;
  }
  return out;
}

}  // namespace veille::reuse
