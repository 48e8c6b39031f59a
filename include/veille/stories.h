// stories.h: online story clustering — which articles tell the same story.
//
// A story is one real-world event and its development over days (one plane
// crash and its investigation, one strike, one election night), not a topic:
// two matches of one team, or two attacks in one city months apart, are two
// stories.
//
// In:  articles one at a time, in input order, as ArticleFeatures (computed
//      from an analysed Article by ComputeFeatures: the analyzer's terms of
//      the title and the text, the canonical entities, the date), with the
//      stored articles the reuse stage found to be near-duplicates of it.
// Out: for each article, the story it joins (or the new story it starts),
//      with a score and how it was decided; the stories' states (term,
//      title and entity centroids, dates, languages, outlets, the article
//      whose title names the story); what changed, for a backend to persist.
//
// How (after Miranda et al. 2018, "Multilingual Clustering of Streaming
// News"): an article is compared with candidate stories on several
// similarities at once — TF-IDF cosine of the text's terms, of the title's
// terms and of the canonical entities (which the alias table makes the same
// in French and English: Poutine/Putin, Kaboul/Kabul), and a Gaussian decay
// of the days between the article and the story — combined linearly into a
// logistic score; the best candidate is joined when its score clears the
// model's threshold, else the article starts a story. A near-duplicate of a
// stored article joins that article's story. Document frequencies are the
// archive's own, counted as articles arrive.
//
// Bounded work per article, whatever the archive's size: candidate stories
// come from an inverted index from the article's most weighted terms and
// entities to the stories their recent articles joined, read nearest in time
// first, at most a few per key and within the model's window of days; only
// the best few candidates are scored. The model (weights, threshold, window,
// sizes) is data: data/stories/model.tsv.
//
// Deterministic for a given input order (ties go to the smaller story id).
//
// Also here, pure functions over what the archive reads back:
// - Framing: per outlet of a story, the speakers it quotes, the entities only
//   it names, its distinctive words by weighted log-odds with an informative
//   Dirichlet prior (Monroe, Colaresi and Quinn 2008), its first article, the
//   passages it shares with other outlets and who had them first, its flags.
// - ScoreClustering: BCubed precision/recall/F1 and pairwise F1 of an
//   assignment against a gold clustering.
//
// Thread-safety: ComputeFeatures and the scoring functions are pure and may
// run on many threads. An OnlineClusterer is used by one thread.
#ifndef VEILLE_STORIES_H_
#define VEILLE_STORIES_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "veille/article.h"
#include "veille/result.h"

namespace veille {

class TextAnalyzer;

namespace stories {

// --- dates -------------------------------------------------------------------

inline constexpr int32_t kNoDay = std::numeric_limits<int32_t>::min();

// Days since 1970-01-01 of a YYYY-MM-DD date; a YYYY-MM date gives its 15th
// with *exact = false; anything else kNoDay.
int32_t DayNumber(std::string_view date, bool* exact = nullptr);
// YYYY-MM-DD of a day number ("" for kNoDay).
std::string DayString(int32_t day);

// --- article features -------------------------------------------------------

// One weighted key of a sparse vector: a term or an entity, hashed.
struct Weighted {
  uint64_t key = 0;
  float w = 0;
};
using SparseVector = std::vector<Weighted>;  // sorted by key, keys unique

// Keys of the two vocabularies (never equal for a term and an entity).
uint64_t TermKey(std::string_view analysed_term);
uint64_t EntityKeyHash(std::string_view canonical_name);

// What clustering needs of one article (computed on a worker thread).
struct ArticleFeatures {
  int32_t day = kNoDay;
  bool day_exact = false;
  SparseVector title;     // term counts of the headline
  SparseVector body;      // term counts of the clean text
  SparseVector entities;  // mention counts per canonical entity
  // Canonical name of each entity key (for the story's top entities).
  std::vector<std::pair<uint64_t, std::string>> entity_names;
  std::string language;
  std::string outlet;
  bool has_title = false;
};

// Features of an analysed article: terms from Article::index_title and
// index_body when the index stage filled them (else analysed here with
// `analyzer`), stop-word grams left out; entities from Article::entities by
// canonical name; the date from Analysis::date.
ArticleFeatures ComputeFeatures(const Article& a, const TextAnalyzer& analyzer);

// --- the model --------------------------------------------------------------

// Weights and sizes of the clustering, from data/stories/model.tsv (lines
// "name<TAB>value"; # comments). Unknown names are an error naming the line.
struct StoryModel {
  // Logistic score of (article, story): bias + w_body * cos(text terms)
  // + w_title * cos(title terms) + w_entities * cos(entities)
  // + w_time * exp(-gap^2 / (2 sigma^2)) + w_undated (when either is
  // undated), where gap = days from the article to the story's span.
  double bias = -5.0;
  double w_body = 9.0;
  double w_title = 3.0;
  double w_entities = 5.0;
  double w_time = 2.0;
  double w_undated = 1.0;
  // Articles in another language than every article of the story: the term
  // similarities barely apply, so the entity weight is multiplied by this.
  double cross_lingual_entities = 2.0;
  double sigma_days = 3.0;
  double threshold = 0.5;  // join when the score's probability reaches it
  // Candidate retrieval.
  int window_days = 14;       // postings read at most this far from the article
  int key_terms = 10;         // most weighted text terms used as keys
  int key_entities = 5;       // most weighted entities used as keys
  int postings_per_key = 24;  // nearest in time first
  int candidates = 24;        // stories scored, by key weight shared
  // Vector sizes.
  int article_terms = 150;  // most weighted terms kept of an article's text
  int story_terms = 250;    // of a story's centroid
  int story_title_terms = 60;
  int story_entities = 60;
  double title_weight = 1.0;  // headline terms added to the text vector, times this

  static Result<StoryModel> Load(const std::string& path);
  // data/stories/model.tsv via DataPath().
  static Result<StoryModel> LoadDefault();
  // Sets one parameter by name (what Load does per line).
  Status Set(std::string_view name, double value);
  // The model as model.tsv lines.
  std::string ToText() const;
};

// --- stories ------------------------------------------------------------------

// The running state of one story.
struct StoryState {
  int64_t id = 0;
  uint32_t size = 0;  // articles joined (as counted by the clusterer)
  int32_t first_day = kNoDay, last_day = kNoDay;
  SparseVector body, title, entities;  // sums of the members' unit vectors, truncated
  std::vector<std::pair<uint64_t, std::string>> entity_names;  // of `entities`' keys
  std::vector<std::pair<std::string, uint32_t>> languages;     // language -> articles
  int64_t title_article = 0;  // the member whose headline names the story
  float title_score = -1;

  // Cached norms of the vectors (not stored).
  double body_norm = 0, title_norm = 0, entities_norm = 0;
  void UpdateNorms();

  // Binary form kept by the archive (stories.state).
  std::string Encode() const;
  static Result<StoryState> Decode(int64_t id, std::string_view bytes);
  // The most weighted entities' names, at most n.
  std::vector<std::string> TopEntities(size_t n) const;
};

// How an article's story was decided.
enum class Via { kNew, kSimilar, kCopy };
std::string_view ViaName(Via v);  // "new", "similar", "copy"

struct Assignment {
  int64_t story = 0;
  double score = 0;  // probability of the joined story; 0 for a new one
  Via via = Via::kNew;
};

// Where a posting says a story was: `story` had an article dated `day`
// carrying the key.
struct Posting {
  int32_t day = 0;
  int64_t story = 0;
};

// What the clusterer reads beyond its memory: the archive's statistics,
// postings and story states from earlier runs. All methods may be called
// with keys the backend has never seen.
class StoryBackend {
 public:
  virtual ~StoryBackend() = default;
  // Document frequency of each key (0 when unknown) into df[i].
  virtual Status DocFreqs(const std::vector<uint64_t>& keys, std::vector<uint32_t>* df) = 0;
  // Up to `limit` postings of `key` on each side of `day` within
  // [day - window, day + window], nearest first; for kNoDay, the latest.
  virtual Status Postings(uint64_t key, int32_t day, int32_t window, size_t limit,
                          std::vector<Posting>* out) = 0;
  // The stored state of a story, if it exists.
  virtual Result<std::optional<StoryState>> Load(int64_t story) = 0;
  // The story a stored article belongs to, if any.
  virtual Result<std::optional<int64_t>> StoryOf(int64_t article) = 0;
};

// What an OnlineClusterer changed since the last TakeChanges().
struct StoryChanges {
  std::vector<std::pair<uint64_t, uint32_t>> df_added;  // key -> articles added, sorted
  uint64_t documents_added = 0;
  struct Key {
    uint64_t key;
    int32_t day;
    int64_t story;
  };
  std::vector<Key> postings;
  struct Member {
    int64_t article;
    int64_t story;
    double score;
    Via via;
  };
  std::vector<Member> members;
  std::vector<const StoryState*> stories;  // valid until the next Add()
};

class OnlineClusterer {
 public:
  // `backend` may be null (everything in memory, as for tuning); it must
  // outlive the clusterer. `documents`: articles the backend's document
  // frequencies count; `next_story`: the first id a new story may take.
  OnlineClusterer(const StoryModel& model, StoryBackend* backend, uint64_t documents,
                  int64_t next_story);
  ~OnlineClusterer();
  OnlineClusterer(const OnlineClusterer&) = delete;
  OnlineClusterer& operator=(const OnlineClusterer&) = delete;

  // Assigns article `article` (the archive's row id; unique per call).
  // `copies`: stored articles `article` is a near-duplicate of, most similar
  // first; the first one that has a story gives the story.
  Result<Assignment> Add(int64_t article, const ArticleFeatures& f,
                         const std::vector<int64_t>& copies = {});

  // Moves what changed since the last call into *out (cleared first), and
  // forgets the least recently used unchanged stories beyond the cache's
  // bytes (reloaded from the backend when needed, exactly as they were
  // written: the cache changes no assignment; never without a backend).
  void TakeChanges(StoryChanges* out);
  // Bytes of unchanged story states kept in memory (default 8 MB).
  void set_cache_bytes(size_t bytes);
  // States read back from the backend so far.
  uint64_t states_reloaded() const;

  // The story of an article added by this clusterer, or 0.
  int64_t StoryOfAdded(int64_t article) const;
  uint64_t documents() const { return documents_; }

  // The similarities and score of `f` against one story state, for tests
  // and the tuning tool.
  struct Similarity {
    double body = 0, title = 0, entities = 0, time = 0;
    bool undated = false, cross_lingual = false;
    double probability = 0;
  };
  Similarity Compare(const SparseVector& body, const SparseVector& title,
                     const SparseVector& entities, const ArticleFeatures& f,
                     const StoryState& s) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  uint64_t documents_ = 0;
};

// --- story records, as the archive reads them back ----------------------------

struct StorySummary {
  int64_t id = 0;
  std::optional<std::string> title;  // the headline of the article that names it
  std::optional<std::string> first_date, last_date;
  uint64_t size = 0;  // articles (exact duplicates not counted)
  std::vector<std::string> languages;
  std::vector<std::string> outlets;   // most articles first
  std::vector<std::string> entities;  // most weighted first
  std::string updated_at;
};

struct StoryQuery {
  std::optional<std::string> since, until;  // overlapping the story's dates
  std::optional<std::string> entity;        // among the story's top entities (name or alias)
  std::optional<std::string> language;
  std::optional<std::string> outlet;
  size_t min_size = 2;  // stories of at least this many articles
  bool newest = false;  // newest first instead of largest first
  size_t limit = 20, offset = 0;
};

// One article of a story, with what framing needs.
struct StoryArticle {
  int64_t rowid = 0;
  std::string id;
  std::optional<std::string> title, date, outlet;
  std::string language;
  std::vector<std::string> flags;
  std::string via;  // new | similar | copy | duplicate (an exact copy)
  double score = 0;
  std::optional<std::string> duplicate_of;
  std::vector<std::string> speakers;  // one per quote with a named speaker
  std::vector<std::string> entities;  // canonical names, one per mention
  std::string text;                   // clean text ("" for a duplicate)
};

// --- evaluation ----------------------------------------------------------------

// A gold clustering: stories (lists of article ids) and singletons.
struct GoldClustering {
  std::vector<std::vector<std::string>> stories;
  std::vector<std::string> singletons;
};
// Reads {"stories":[{"ids":[...]}, ...], "singletons":[...]}. An id listed
// twice is an error naming it.
Result<GoldClustering> ParseGold(std::string_view json);

struct ClusteringScore {
  size_t articles = 0;  // gold articles scored
  size_t missing = 0;   // gold articles the assignment does not have (scored as alone)
  double bcubed_precision = 0, bcubed_recall = 0, bcubed_f1 = 0;
  double pairwise_precision = 0, pairwise_recall = 0, pairwise_f1 = 0;
  size_t gold_pairs = 0, predicted_pairs = 0, common_pairs = 0;
};
// Scores `story_of` (article id -> story id) over the gold's articles only:
// each gold article's predicted cluster is restricted to gold articles.
ClusteringScore ScoreClustering(const GoldClustering& gold,
                                const std::unordered_map<std::string, int64_t>& story_of);

// --- framing across outlets ------------------------------------------------------

// One article of a story, as the archive reads it back for framing.
struct FramingArticle {
  std::string id;
  std::string outlet;  // "" = unknown
  std::string date;
  std::string title;
  std::string language;
  std::vector<std::string> flags;
  std::vector<std::string> speakers;  // one per quote attributed to someone named
  std::vector<std::string> entities;  // canonical names, one per mention
  std::vector<std::string> terms;     // analysed terms of the title and text
};
// A passage two articles of the story share (from the reuse stage).
struct FramingPassage {
  std::string a, b;   // article ids
  int direction = 0;  // +1: a first, -1: b first, 0: unknown
  uint32_t words = 0;
  std::string text;  // the passage as `a` has it
};

struct OutletFraming {
  std::string outlet;
  size_t articles = 0;
  std::string first_article, first_date;
  std::vector<std::pair<std::string, uint32_t>> speakers;      // most quoted first
  std::vector<std::pair<std::string, uint32_t>> own_entities;  // named by no other outlet
  struct Word {
    std::string term;
    double z = 0;        // log-odds z-score against the other outlets
    uint32_t count = 0;  // occurrences in this outlet's articles
  };
  std::vector<Word> distinctive;  // highest z first, z >= the options' minimum
  struct Shared {
    std::string other_outlet;
    size_t passages = 0;
    uint32_t words = 0;
    size_t first = 0, other_first = 0, unknown = 0;  // who had them first
    std::string example;                             // one passage's text
  };
  std::vector<Shared> shared;
  std::vector<std::pair<std::string, uint32_t>> flags;  // flag -> articles
};

struct FramingOptions {
  size_t top = 10;      // entries per list
  double min_z = 1.96;  // distinctive words: z at least this
  // Dirichlet prior: alpha_w = prior_mass * background_w / sum(background).
  double prior_mass = 500;
  uint32_t min_count = 2;  // distinctive words: occurrences at least this
};

// Per outlet, in order of first article. Distinctive words: for outlet i
// against the story's other outlets j, with counts y and the prior alpha
// from `background` (term -> count over the archive, e.g. its document
// frequencies; the story's own counts when empty):
//   delta_w = log((y_iw + a_w) / (n_i + a_0 - y_iw - a_w))
//           - log((y_jw + a_w) / (n_j + a_0 - y_jw - a_w)),
//   var = 1 / (y_iw + a_w) + 1 / (y_jw + a_w),  z = delta / sqrt(var).
std::vector<OutletFraming> Framing(const std::vector<FramingArticle>& articles,
                                   const std::vector<FramingPassage>& passages,
                                   const std::unordered_map<std::string, uint64_t>& background,
                                   const FramingOptions& options = {});

}  // namespace stories
}  // namespace veille

#endif  // VEILLE_STORIES_H_
