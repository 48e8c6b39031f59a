// cluster.cc: OnlineClusterer, online story clustering over an inverted
// index of recent stories (see veille/stories.h).
#include <algorithm>
#include <cmath>
#include <tuple>
#include <unordered_map>

#include "veille/stories.h"

namespace veille::stories {
namespace {

// Bytes of story states kept in memory beyond those changed since the last
// TakeChanges, when a backend can give them back (reloaded exactly: the
// cache changes no assignment, only how often a state is read back).
constexpr size_t kCachedStoryBytes = size_t{8} << 20;

// Document frequencies by key: open addressing with linear probing (keys are
// hashes, so their low bits index the table). `added`: counted since the
// last TakeChanges.
class DfTable {
 public:
  struct Entry {
    uint64_t key = 0;
    uint32_t df = 0, added = 0;
  };
  const Entry* Find(uint64_t key) const {
    if (key == 0) return has_zero_ ? &zero_ : nullptr;
    if (slots_.empty()) return nullptr;
    for (size_t i = key & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return &slots_[i];
      if (slots_[i].key == 0) return nullptr;
    }
  }
  // The entry of `key`, made with zero counts if absent; valid until the
  // next Get().
  Entry& Get(uint64_t key) {
    if (key == 0) {
      has_zero_ = true;
      return zero_;
    }
    if ((used_ + 1) * 2 > slots_.size()) Grow();
    for (size_t i = key & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return slots_[i];
      if (slots_[i].key == 0) {
        ++used_;
        slots_[i].key = key;
        return slots_[i];
      }
    }
  }
  size_t bytes() const { return slots_.capacity() * sizeof(Entry); }

 private:
  void Grow() {
    std::vector<Entry> old(std::max<size_t>(1024, slots_.size() * 2));
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    for (const Entry& e : old) {
      if (e.key == 0) continue;
      size_t i = e.key & mask_;
      while (slots_[i].key != 0) i = (i + 1) & mask_;
      slots_[i] = e;
    }
  }
  std::vector<Entry> slots_;
  size_t mask_ = 0, used_ = 0;
  bool has_zero_ = false;
  Entry zero_;
};

// An article's vector scattered by key, to take its dot product with many
// story vectors: each product is the one Dot() takes, added in the story
// vector's key order (the order Dot() adds them in), so the sums are equal.
class Scatter {
 public:
  void Assign(const SparseVector& v) {
    size_t n = 16;
    while (n < 2 * v.size()) n *= 2;
    slots_.assign(n, Weighted{0, 0});
    mask_ = n - 1;
    has_zero_ = false;
    for (const Weighted& x : v) {
      if (x.key == 0) {
        has_zero_ = true;
        zero_w_ = x.w;
        continue;
      }
      size_t i = x.key & mask_;
      while (slots_[i].key != 0) i = (i + 1) & mask_;
      slots_[i] = x;
    }
  }
  double Dot(const SparseVector& other) const {
    double s = 0;
    for (const Weighted& y : other) {
      if (y.key == 0) {
        if (has_zero_) s += double(zero_w_) * y.w;
        continue;
      }
      for (size_t i = y.key & mask_;; i = (i + 1) & mask_) {
        if (slots_[i].key == y.key) {
          s += double(slots_[i].w) * y.w;
          break;
        }
        if (slots_[i].key == 0) break;
      }
    }
    return s;
  }

 private:
  std::vector<Weighted> slots_;
  size_t mask_ = 0;
  bool has_zero_ = false;
  float zero_w_ = 0;
};

// Heap bytes a story state holds (what the cache bound counts).
size_t StateBytes(const StoryState& s) {
  size_t n = sizeof(StoryState) +
             sizeof(Weighted) * (s.body.capacity() + s.title.capacity() + s.entities.capacity()) +
             sizeof(s.entity_names[0]) * s.entity_names.capacity() +
             sizeof(s.languages[0]) * s.languages.capacity();
  for (const auto& [k, name] : s.entity_names)
    if (name.capacity() > 15) n += name.capacity() + 1;
  return n;
}

double Dot(const SparseVector& a, const SparseVector& b) {
  double s = 0;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i].key < b[j].key) {
      ++i;
    } else if (a[i].key > b[j].key) {
      ++j;
    } else {
      s += double(a[i].w) * b[j].w;
      ++i;
      ++j;
    }
  }
  return s;
}

void Normalize(SparseVector* v) {
  double n = 0;
  for (const Weighted& x : *v) n += double(x.w) * x.w;
  if (n <= 0) return;
  const float inv = static_cast<float>(1 / std::sqrt(n));
  for (Weighted& x : *v) x.w *= inv;
}

bool HeavierFirst(const Weighted& a, const Weighted& b) {
  return a.w != b.w ? a.w > b.w : a.key < b.key;
}
bool ByKey(const Weighted& a, const Weighted& b) { return a.key < b.key; }

// Keeps the `n` heaviest entries of `v` (sorted by key again).
void KeepHeaviest(SparseVector* v, size_t n) {
  if (v->size() <= n) return;
  std::nth_element(v->begin(), v->begin() + static_cast<ptrdiff_t>(n), v->end(), HeavierFirst);
  v->resize(n);
  std::sort(v->begin(), v->end(), ByKey);
}

// sum += add (both sorted by key).
void AddInto(SparseVector* sum, const SparseVector& add) {
  SparseVector out;
  out.reserve(sum->size() + add.size());
  size_t i = 0, j = 0;
  while (i < sum->size() || j < add.size()) {
    if (j == add.size() || (i < sum->size() && (*sum)[i].key < add[j].key)) {
      out.push_back((*sum)[i++]);
    } else if (i == sum->size() || add[j].key < (*sum)[i].key) {
      out.push_back(add[j++]);
    } else {
      out.push_back({add[j].key, (*sum)[i].w + add[j].w});
      ++i;
      ++j;
    }
  }
  sum->swap(out);
}

double Idf(uint64_t documents, uint32_t df) {
  return std::log((static_cast<double>(documents) + 1) / (static_cast<double>(df) + 1)) + 1;
}

// OnlineClusterer::Compare() with the dot product of the article's text
// vector and the story's given.
OnlineClusterer::Similarity CompareWithBodyDot(const StoryModel& m, double body_dot,
                                               const SparseVector& title,
                                               const SparseVector& entities,
                                               const ArticleFeatures& f, const StoryState& s) {
  OnlineClusterer::Similarity r;
  if (s.body_norm > 0) r.body = body_dot / s.body_norm;
  if (s.title_norm > 0) r.title = Dot(title, s.title) / s.title_norm;
  if (s.entities_norm > 0) r.entities = Dot(entities, s.entities) / s.entities_norm;
  if (f.day == kNoDay || s.first_day == kNoDay) {
    r.undated = true;
  } else {
    const double gap = f.day < s.first_day  ? s.first_day - f.day
                       : f.day > s.last_day ? f.day - s.last_day
                                            : 0;
    r.time = std::exp(-gap * gap / (2 * m.sigma_days * m.sigma_days));
  }
  if (!f.language.empty() && f.language != "und" && !s.languages.empty()) {
    r.cross_lingual = std::none_of(s.languages.begin(), s.languages.end(),
                                   [&](const auto& p) { return p.first == f.language; });
  }
  const double z = m.bias + m.w_body * r.body + m.w_title * r.title +
                   m.w_entities * r.entities * (r.cross_lingual ? m.cross_lingual_entities : 1.0) +
                   m.w_time * r.time + (r.undated ? m.w_undated : 0.0);
  r.probability = 1 / (1 + std::exp(-z));
  return r;
}

}  // namespace

struct OnlineClusterer::Impl {
  Impl(const StoryModel& model, StoryBackend* b, int64_t next)
      : m(model), backend(b), next_story(next) {}

  struct Cached {
    std::unique_ptr<StoryState> state;
    uint64_t used = 0;
    bool dirty = false;
  };
  // One story found through one key (candidate retrieval).
  struct Shared {
    int64_t story;
    uint32_t key;  // index of the key, in key order
  };

  const StoryModel m;
  StoryBackend* backend;
  bool backend_lookups = false;  // the backend held stories before this run
  int64_t next_story;
  uint64_t clock = 0;
  DfTable df;
  std::vector<uint64_t> df_touched;  // keys whose `added` went from 0, since TakeChanges
  size_t cache_bytes = kCachedStoryBytes;
  uint64_t reloaded = 0;  // states read back from the backend
  std::unordered_map<int64_t, Cached> states;
  std::unordered_map<uint64_t, std::vector<Posting>> postings;  // this run's, by day
  std::unordered_map<int64_t, int64_t> story_of;                // this run's articles
  StoryChanges pending;
  std::vector<int64_t> dirty;
  // Scratch.
  std::vector<uint64_t> missing;
  std::vector<uint32_t> missing_df;
  std::vector<Posting> found;
  std::vector<Shared> shared;
  Scatter body_scatter;

  Status LoadDocFreqs(const ArticleFeatures& f);
  uint32_t DocFreq(uint64_t k) const {
    const DfTable::Entry* e = df.Find(k);
    return e ? e->df : 0;
  }
  void Count(uint64_t k) {
    DfTable::Entry& e = df.Get(k);
    ++e.df;
    if (e.added++ == 0) df_touched.push_back(k);
  }
  Result<StoryState*> State(int64_t story);
  void Nearest(const std::vector<Posting>& list, int32_t day, std::vector<Posting>* out) const;
  void Join(StoryState* s, int64_t article, const ArticleFeatures& f, const SparseVector& body,
            const SparseVector& title, const SparseVector& entities);
};

Status OnlineClusterer::Impl::LoadDocFreqs(const ArticleFeatures& f) {
  if (!backend_lookups) return OkStatus();
  missing.clear();
  for (const SparseVector* v : {&f.body, &f.title, &f.entities})
    for (const Weighted& x : *v)
      if (!df.Find(x.key)) missing.push_back(x.key);
  if (missing.empty()) return OkStatus();
  std::sort(missing.begin(), missing.end());
  missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
  missing_df.assign(missing.size(), 0);
  if (auto s = backend->DocFreqs(missing, &missing_df); !s.ok()) return s;
  for (size_t i = 0; i < missing.size(); ++i) df.Get(missing[i]).df = missing_df[i];
  return OkStatus();
}

Result<StoryState*> OnlineClusterer::Impl::State(int64_t story) {
  auto it = states.find(story);
  if (it == states.end()) {
    if (!backend) return static_cast<StoryState*>(nullptr);
    auto loaded = backend->Load(story);
    if (!loaded.ok()) return loaded.error();
    if (!*loaded) return static_cast<StoryState*>(nullptr);
    Cached c;
    c.state = std::make_unique<StoryState>(std::move(**loaded));
    it = states.emplace(story, std::move(c)).first;
    ++reloaded;
  }
  it->second.used = clock;
  return it->second.state.get();
}

void OnlineClusterer::Impl::Nearest(const std::vector<Posting>& list, int32_t day,
                                    std::vector<Posting>* out) const {
  const size_t limit = static_cast<size_t>(m.postings_per_key);
  if (day == kNoDay) {
    // Undated: the latest.
    for (size_t i = list.size(); i-- > 0 && list.size() - i <= limit;) out->push_back(list[i]);
    return;
  }
  const int64_t lo = int64_t{day} - m.window_days, hi = int64_t{day} + m.window_days;
  auto mid = std::lower_bound(list.begin(), list.end(), day,
                              [](const Posting& p, int32_t d) { return p.day < d; });
  // Walk outwards from `day`, nearest first, up to `limit` each side.
  size_t taken = 0;
  for (auto it = mid; it != list.end() && it->day <= hi && taken < limit; ++it, ++taken)
    out->push_back(*it);
  taken = 0;
  for (auto it = mid; it != list.begin() && taken < limit; ++taken) {
    --it;
    if (it->day < lo) break;
    out->push_back(*it);
  }
}

void OnlineClusterer::Impl::Join(StoryState* s, int64_t article, const ArticleFeatures& f,
                                 const SparseVector& body, const SparseVector& title,
                                 const SparseVector& entities) {
  ++s->size;
  if (f.day != kNoDay) {
    if (s->first_day == kNoDay || f.day < s->first_day) s->first_day = f.day;
    if (s->last_day == kNoDay || f.day > s->last_day) s->last_day = f.day;
  }
  if (!f.language.empty()) {
    auto it = std::find_if(s->languages.begin(), s->languages.end(),
                           [&](const auto& p) { return p.first == f.language; });
    if (it == s->languages.end()) {
      s->languages.emplace_back(f.language, 1);
      std::sort(s->languages.begin(), s->languages.end());
    } else {
      ++it->second;
    }
  }
  AddInto(&s->body, body);
  KeepHeaviest(&s->body, static_cast<size_t>(m.story_terms));
  AddInto(&s->title, title);
  KeepHeaviest(&s->title, static_cast<size_t>(m.story_title_terms));
  AddInto(&s->entities, entities);
  KeepHeaviest(&s->entities, static_cast<size_t>(m.story_entities));
  // Names of the entities kept (both lists sorted by key).
  std::vector<std::pair<uint64_t, std::string>> names;
  names.reserve(s->entities.size());
  size_t i = 0, j = 0;
  for (const Weighted& e : s->entities) {
    while (i < s->entity_names.size() && s->entity_names[i].first < e.key) ++i;
    while (j < f.entity_names.size() && f.entity_names[j].first < e.key) ++j;
    if (i < s->entity_names.size() && s->entity_names[i].first == e.key) {
      names.push_back(std::move(s->entity_names[i]));
    } else if (j < f.entity_names.size() && f.entity_names[j].first == e.key) {
      names.push_back(f.entity_names[j]);
    }
  }
  s->entity_names.swap(names);
  s->UpdateNorms();
  // The headline closest to what the story is about names it.
  if (f.has_title) {
    const float score =
        static_cast<float>(s->body_norm > 0 ? Dot(body, s->body) / s->body_norm : 0);
    if (s->title_article == 0 || score > s->title_score) {
      s->title_article = article;
      s->title_score = score;
    }
  }
}

OnlineClusterer::OnlineClusterer(const StoryModel& model, StoryBackend* backend, uint64_t documents,
                                 int64_t next_story)
    : impl_(std::make_unique<Impl>(model, backend, std::max<int64_t>(1, next_story))),
      documents_(documents) {
  impl_->backend_lookups = backend != nullptr && documents > 0;
}

OnlineClusterer::~OnlineClusterer() = default;

OnlineClusterer::Similarity OnlineClusterer::Compare(const SparseVector& body,
                                                     const SparseVector& title,
                                                     const SparseVector& entities,
                                                     const ArticleFeatures& f,
                                                     const StoryState& s) const {
  return CompareWithBodyDot(impl_->m, Dot(body, s.body), title, entities, f, s);
}

Result<Assignment> OnlineClusterer::Add(int64_t article, const ArticleFeatures& f,
                                        const std::vector<int64_t>& copies) {
  Impl& I = *impl_;
  const StoryModel& m = I.m;
  ++I.clock;
  if (auto s = I.LoadDocFreqs(f); !s.ok()) return s.error();

  // Unit TF-IDF vectors of the article.
  const uint64_t n = documents_;
  auto weigh = [&](const SparseVector& counts, SparseVector* out) {
    out->clear();
    out->reserve(counts.size());
    for (const Weighted& x : counts)
      out->push_back({x.key, static_cast<float>((1 + std::log(x.w)) * Idf(n, I.DocFreq(x.key)))});
  };
  SparseVector body, title, entities;
  {
    SparseVector counts = f.body;
    if (m.title_weight > 0 && !f.title.empty()) {
      SparseVector t = f.title;
      for (Weighted& x : t) x.w *= static_cast<float>(m.title_weight);
      AddInto(&counts, t);
    }
    weigh(counts, &body);
    KeepHeaviest(&body, static_cast<size_t>(m.article_terms));
    Normalize(&body);
  }
  weigh(f.title, &title);
  Normalize(&title);
  weigh(f.entities, &entities);
  Normalize(&entities);

  // Keys: the most weighted terms and entities.
  std::vector<Weighted> keys;
  {
    SparseVector t = body, e = entities;
    const size_t nt = std::min(t.size(), static_cast<size_t>(m.key_terms));
    const size_t ne = std::min(e.size(), static_cast<size_t>(m.key_entities));
    std::partial_sort(t.begin(), t.begin() + static_cast<ptrdiff_t>(nt), t.end(), HeavierFirst);
    std::partial_sort(e.begin(), e.begin() + static_cast<ptrdiff_t>(ne), e.end(), HeavierFirst);
    keys.assign(t.begin(), t.begin() + static_cast<ptrdiff_t>(nt));
    keys.insert(keys.end(), e.begin(), e.begin() + static_cast<ptrdiff_t>(ne));
  }

  Assignment result;
  StoryState* joined = nullptr;
  // A near-duplicate joins its original's story.
  for (int64_t c : copies) {
    int64_t story = StoryOfAdded(c);
    if (story == 0 && I.backend_lookups) {
      auto stored = I.backend->StoryOf(c);
      if (!stored.ok()) return stored.error();
      if (*stored) story = **stored;
    }
    if (story == 0) continue;
    auto st = I.State(story);
    if (!st.ok()) return st.error();
    if (!*st) continue;
    joined = *st;
    result = {story, 1.0, Via::kCopy};
    break;
  }

  if (!joined) {
    // Candidates: stories sharing keys, weighted by the keys' weights
    // (summed in key order).
    I.shared.clear();
    for (uint32_t ki = 0; ki < keys.size(); ++ki) {
      const Weighted& k = keys[ki];
      I.found.clear();
      if (auto it = I.postings.find(k.key); it != I.postings.end())
        I.Nearest(it->second, f.day, &I.found);
      if (I.backend_lookups) {
        if (auto s = I.backend->Postings(k.key, f.day, m.window_days,
                                         static_cast<size_t>(m.postings_per_key), &I.found);
            !s.ok())
          return s.error();
      }
      std::sort(I.found.begin(), I.found.end(),
                [](const Posting& a, const Posting& b) { return a.story < b.story; });
      for (size_t i = 0; i < I.found.size(); ++i)
        if (i == 0 || I.found[i].story != I.found[i - 1].story)
          I.shared.push_back({I.found[i].story, ki});
    }
    std::stable_sort(
        I.shared.begin(), I.shared.end(),
        [](const Impl::Shared& a, const Impl::Shared& b) { return a.story < b.story; });
    std::vector<std::pair<double, int64_t>> order;
    for (size_t i = 0; i < I.shared.size();) {
      double w = 0;
      size_t j = i;
      for (; j < I.shared.size() && I.shared[j].story == I.shared[i].story; ++j)
        w += keys[I.shared[j].key].w;
      order.emplace_back(w, I.shared[i].story);
      i = j;
    }
    const size_t nc = std::min(order.size(), static_cast<size_t>(m.candidates));
    std::partial_sort(order.begin(), order.begin() + static_cast<ptrdiff_t>(nc), order.end(),
                      [](const auto& a, const auto& b) {
                        return a.first != b.first ? a.first > b.first : a.second < b.second;
                      });
    double best = -1;
    if (nc > 0) I.body_scatter.Assign(body);
    for (size_t i = 0; i < nc; ++i) {
      auto st = I.State(order[i].second);
      if (!st.ok()) return st.error();
      if (!*st) continue;
      const double p =
          CompareWithBodyDot(m, I.body_scatter.Dot((*st)->body), title, entities, f, **st)
              .probability;
      if (p > best || (p == best && (*st)->id < joined->id)) {
        best = p;
        joined = *st;
      }
    }
    if (joined && best >= m.threshold) {
      result = {joined->id, best, Via::kSimilar};
    } else {
      joined = nullptr;
    }
  }

  if (!joined) {
    const int64_t id = I.next_story++;
    Impl::Cached c;
    c.state = std::make_unique<StoryState>();
    c.state->id = id;
    c.used = I.clock;
    joined = c.state.get();
    I.states.emplace(id, std::move(c));
    result = {id, 0.0, Via::kNew};
  }
  I.Join(joined, article, f, body, title, entities);
  Impl::Cached& cached = I.states.at(joined->id);
  if (!cached.dirty) {
    cached.dirty = true;
    I.dirty.push_back(joined->id);
  }

  // Postings, document frequencies, membership.
  for (const Weighted& k : keys) {
    std::vector<Posting>& list = I.postings[k.key];
    const Posting p{f.day, joined->id};
    auto at = std::upper_bound(list.begin(), list.end(), p.day,
                               [](int32_t d, const Posting& q) { return d < q.day; });
    list.insert(at, p);
    I.pending.postings.push_back({k.key, f.day, joined->id});
  }
  auto count = [&](uint64_t k) { I.Count(k); };
  {
    size_t i = 0, j = 0;  // terms of the text and the title, once each
    while (i < f.body.size() || j < f.title.size()) {
      if (j == f.title.size() || (i < f.body.size() && f.body[i].key < f.title[j].key)) {
        count(f.body[i++].key);
      } else if (i == f.body.size() || f.title[j].key < f.body[i].key) {
        count(f.title[j++].key);
      } else {
        count(f.body[i].key);
        ++i;
        ++j;
      }
    }
  }
  for (const Weighted& e : f.entities) count(e.key);
  ++documents_;
  ++I.pending.documents_added;
  I.story_of[article] = joined->id;
  I.pending.members.push_back({article, joined->id, result.score, result.via});
  return result;
}

void OnlineClusterer::TakeChanges(StoryChanges* out) {
  Impl& I = *impl_;
  // Forget the least recently used unchanged stories beyond the cache's
  // bytes, down to 4/5 of them (the backend has every state written).
  if (I.backend) {
    size_t clean_bytes = 0;
    std::vector<std::tuple<uint64_t, int64_t, size_t>> clean;  // used, id, bytes
    for (const auto& [id, c] : I.states) {
      if (c.dirty) continue;
      const size_t b = StateBytes(*c.state);
      clean_bytes += b;
      clean.emplace_back(c.used, id, b);
    }
    if (clean_bytes > I.cache_bytes) {
      std::sort(clean.begin(), clean.end());
      for (const auto& [used, id, b] : clean) {
        if (clean_bytes <= I.cache_bytes * 4 / 5) break;
        I.states.erase(id);
        clean_bytes -= b;
      }
    }
  }
  *out = std::move(I.pending);
  I.pending = {};
  std::sort(I.df_touched.begin(), I.df_touched.end());
  out->df_added.clear();
  out->df_added.reserve(I.df_touched.size());
  for (uint64_t k : I.df_touched) {
    DfTable::Entry& e = I.df.Get(k);
    out->df_added.emplace_back(k, e.added);
    e.added = 0;
  }
  I.df_touched.clear();
  std::sort(I.dirty.begin(), I.dirty.end());
  out->stories.clear();
  for (int64_t id : I.dirty) {
    Impl::Cached& c = I.states.at(id);
    c.dirty = false;
    out->stories.push_back(c.state.get());
  }
  I.dirty.clear();
}

void OnlineClusterer::set_cache_bytes(size_t bytes) { impl_->cache_bytes = bytes; }
uint64_t OnlineClusterer::states_reloaded() const { return impl_->reloaded; }

int64_t OnlineClusterer::StoryOfAdded(int64_t article) const {
  auto it = impl_->story_of.find(article);
  return it == impl_->story_of.end() ? 0 : it->second;
}

}  // namespace veille::stories
