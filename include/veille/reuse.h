// reuse.h: near-duplicate articles and passages reused between articles.
//
// In:  articles as sequences of word tokens (WordSpan: hash of the folded
//      word + byte offsets into the article's clean text). WordsOf() is a
//      small built-in tokenizer so the module works standalone; the archive
//      may feed the analyzer's terms instead (any stable 64-bit word hash).
// Out: - MinHash signatures (one-permutation hashing with densification over
//        word k-shingles) and an LSH index whose band keys can be stored as
//        (band_no, band_hash) -> article rows and queried incrementally;
//      - near-duplicate pairs verified by the estimated Jaccard, grouped by
//        union-find with a representative (earliest date, then smallest id);
//      - reused passages between two articles (>= ~20 words, tolerant to
//        small edits) with byte offsets in both, a similarity and a direction.
// Thread-safety: free functions are pure and may run concurrently (they use
//      thread-local scratch buffers). LshIndex, DupGroups, NearDupFinder and
//      FingerprintIndex are not synchronised: one writer, or many readers of
//      const methods.
//
// Similarity scale. The user-facing threshold (default 0.8) is a word-level
// similarity: the estimated fraction of words two texts have in common in
// order. Shingle Jaccard is much lower than that for the same text: a 10 %
// word edit rate keeps ~0.9^k of the k-shingles, so J(3-shingles) ~ 0.57 and
// J(5-shingles) ~ 0.42. SimilarityFromJaccard() inverts that relation, so the
// 0.8 threshold means "about 80 % of the words survive", whatever k is.
#ifndef VEILLE_REUSE_H_
#define VEILLE_REUSE_H_

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace veille::reuse {

// Article ids are the archive's integer row ids (dense enough for 32 bits,
// which halves the index memory at a million articles).
using DocId = uint32_t;

// One word: `hash` of the folded word; [begin, end) byte offsets into the
// text it came from.
struct WordSpan {
  uint64_t hash;
  uint32_t begin;
  uint32_t end;
};

// Splits `text` (UTF-8) on everything that is not a letter or a digit,
// lowercases and strips Latin accents (é -> e, œ -> oe), and hashes each word.
// Nothing is dropped: stop words matter for shingles. `out` is cleared first;
// reusing it across calls avoids allocations.
void WordsOf(std::string_view text, std::vector<WordSpan>* out);
std::vector<WordSpan> WordsOf(std::string_view text);

// --- Near-duplicates -------------------------------------------------------

constexpr int kNumPerm = 128;
// 32 bits per slot: a false slot match has probability 2^-32, and the
// signature of a million articles fits in 512 MB.
using Signature = std::array<uint32_t, kNumPerm>;

struct DedupeOptions {
  // Words per shingle. 3 rather than the textbook 5: with 5, a 10 % edit
  // rate already leaves only ~0.42 Jaccard, too close to unrelated pairs
  // sharing phrases for LSH to separate them cheaply.
  int shingle_words = 3;
  // LSH banding over the first bands*rows slots. 40 x 3 puts the S-curve
  // midpoint at (1/40)^(1/3) ~ 0.29 Jaccard: a pair at J=0.5 (about 12 %
  // word edits) is a candidate with p = 0.994, at J=0.57 (10 %) p = 0.9997,
  // at J=0.1 p = 0.04 and at J=0.05 p = 0.005 (then rejected by the check).
  int bands = 40;
  int rows = 3;
  // Verification threshold on SimilarityFromJaccard(estimated J).
  double min_similarity = 0.8;
};

// 64-bit hash of the shingle words[0..k).
uint64_t ShingleHash(const WordSpan* words, int k);

// The MinHash signature of the set of k-shingles of `words`. Returns false
// (and leaves *sig all 0xffffffff) if there are fewer than k words.
bool ComputeSignature(std::span<const WordSpan> words, int k, Signature* sig);

// Fraction of equal slots: an unbiased estimate of the shingle Jaccard.
double EstimateJaccard(const Signature& a, const Signature& b);

// Word-level similarity implied by a k-shingle Jaccard `j`: if a fraction w
// of the words is kept in order, about w^k of the shingles survive, so the
// shared-shingle fraction is s = 2j/(1+j) and w = s^(1/k).
double SimilarityFromJaccard(double j, int k);
// The inverse: the Jaccard that a word similarity `w` implies.
double JaccardFromSimilarity(double w, int k);

// One LSH band key as the archive stores it.
struct BandKey {
  uint32_t band;
  uint64_t hash;
  bool operator==(const BandKey&) const = default;
};

// In-memory LSH index: (band, band hash) -> ids. Memory: ~8 bytes per
// (article, band) plus the bucket table.
class LshIndex {
 public:
  LshIndex(int bands = 40, int rows = 3);

  int bands() const { return bands_; }
  int rows() const { return rows_; }
  size_t size() const { return ids_.size(); }  // postings (articles x bands)

  // The band keys of `sig` (bands() of them, in band order).
  void Bands(const Signature& sig, std::vector<BandKey>* out) const;
  std::vector<BandKey> Bands(const Signature& sig) const;

  // Ids already indexed that share at least one band with `sig`, sorted and
  // unique, appended to *out after clearing it. Does not modify the index.
  void Query(const Signature& sig, std::vector<DocId>* out) const;

  // Query() then inserts `id`: the incremental step of ingestion.
  void Add(DocId id, const Signature& sig, std::vector<DocId>* candidates);

  // Sizes the bucket table for about `keys` distinct band keys up front, so
  // that bulk loading does not rehash (and briefly double) the table.
  void Reserve(size_t keys);

  // Loading from archive rows, one (band, hash, id) at a time.
  void AddRow(const BandKey& key, DocId id);

  // Every stored row, for saving: fn(BandKey, DocId).
  template <typename Fn>
  void ForEachRow(Fn&& fn) const {
    for (size_t s = 0; s < slots_.size(); ++s) {
      if (slots_[s].head == kNone) continue;
      BandKey key = Unpack(slots_[s].key);
      for (uint32_t p = slots_[s].head; p != kNone; p = next_[p]) fn(key, ids_[p]);
    }
  }

  // P(a pair at Jaccard j becomes a candidate) = 1 - (1 - j^r)^b.
  double CandidateProbability(double j) const;

 private:
  static constexpr uint32_t kNone = 0xffffffffu;
  struct Slot {
    uint64_t key;   // band number in the top 8 bits, band hash below
    uint32_t head;  // first posting, kNone if the slot is empty
  };
  static uint64_t Pack(const BandKey& k);
  static BandKey Unpack(uint64_t key);
  uint64_t BandHash(const Signature& sig, int band) const;
  size_t Find(uint64_t key) const;  // slot holding key, or the empty slot for it
  void Collect(const uint64_t* keys, std::vector<DocId>* out) const;
  void Grow();
  void Insert(uint64_t key, DocId id);

  int bands_, rows_;
  std::vector<Slot> slots_;
  size_t used_ = 0;
  std::vector<DocId> ids_;
  std::vector<uint32_t> next_;
};

// "YYYY", "YYYY-MM" or "YYYY-MM-DD" as an ordered integer; unknown or empty
// dates sort after every known one.
int32_t DateKey(std::string_view date);

// Union-find over near-duplicate links. The representative of a group is its
// earliest article (DateKey), ties broken by the smallest id.
class DupGroups {
 public:
  // Registers `id` (ids may arrive in any order; unknown ids are added by
  // Union with an unknown date).
  void Add(DocId id, int32_t date_key);
  void Union(DocId a, DocId b);
  DocId Representative(DocId id);
  // Groups of two or more members: (representative, sorted members).
  std::vector<std::pair<DocId, std::vector<DocId>>> Groups();
  size_t GroupCount();  // groups of two or more members

 private:
  DocId Root(DocId id);
  bool Better(DocId a, DocId b) const;  // a is a better representative
  void Ensure(DocId id);
  std::vector<DocId> parent_;
  std::vector<DocId> best_;  // per root: its representative
  std::vector<int32_t> date_;
  std::vector<uint32_t> size_;
};

struct DupPair {
  DocId a, b;         // a is the article being added, b one already indexed
  double jaccard;     // estimated shingle Jaccard
  double similarity;  // SimilarityFromJaccard
};

// Incremental near-duplicate detection: signatures + LSH + verification +
// groups. Memory: 512 bytes of signature per article plus the LSH index.
class NearDupFinder {
 public:
  explicit NearDupFinder(const DedupeOptions& options = {});
  // Adds an article and returns its verified near-duplicates among the
  // articles added before it. Articles without a signature (fewer words than
  // a shingle) are recorded but never match.
  std::vector<DupPair> Add(DocId id, std::string_view date, std::span<const WordSpan> words);
  std::vector<DupPair> AddSignature(DocId id, int32_t date_key, const Signature& sig,
                                    bool has_signature = true);
  const LshIndex& index() const { return index_; }
  DupGroups& groups() { return groups_; }
  const DedupeOptions& options() const { return options_; }
  size_t candidates_checked() const { return checked_; }

 private:
  DedupeOptions options_;
  LshIndex index_;
  DupGroups groups_;
  std::vector<Signature> sigs_;  // by DocId
  std::vector<uint8_t> has_sig_;
  std::vector<DocId> scratch_;
  size_t checked_ = 0;
};

// --- Reused passages -------------------------------------------------------

struct PassageOptions {
  int shingle_words = 5;     // seeds are shared 5-word shingles
  int winnow_window = 6;     // fingerprints: any shared run of >= 10 words has one
  int min_shared = 2;        // fingerprints two articles must share to be aligned
  uint32_t max_df = 50;      // ignore fingerprints in more groups (boilerplate, set phrases)
  uint32_t min_words = 20;   // shortest passage reported, in words, on both sides
  double min_density = 0.6;  // matched words / passage words, on both sides
  int max_gap = 8;           // words between two seeds of one passage
  int max_skip = 4;          // words skipped per side when extending a passage's ends
};

// A passage of `a` found again in `b`. Offsets are bytes in the texts the
// WordSpans came from.
struct Passage {
  uint32_t a_begin, a_end;
  uint32_t b_begin, b_end;
  uint32_t a_words, b_words;  // passage lengths in words
  uint32_t matched;           // words aligned exactly (per side, the smaller)
  double similarity;          // 2 * matched / (a_words + b_words)
  // +1: a was published first (a -> b); -1: b first; 0: same day or unknown.
  int direction = 0;
};

// Winnowing fingerprints (Schleimer et al.) of the k-shingles of `words`:
// the minimum hash of each window of `window` shingles, sorted and unique.
void Fingerprints(std::span<const WordSpan> words, const PassageOptions& options,
                  std::vector<uint64_t>* out);

// Removes from the sorted `member` fingerprints those also in the sorted
// `representative` ones. Index a near-duplicate's new fingerprints only:
// text it shares with its representative then yields the representative's
// passages once (members inherit them), not once per copy, while material
// added to the copy (a transplanted paragraph) still finds its source.
void SubtractFingerprints(std::span<const uint64_t> representative, std::vector<uint64_t>* member);

// The passages shared by `a` and `b`, longest first, non-overlapping.
std::vector<Passage> AlignPassages(std::span<const WordSpan> a, std::span<const WordSpan> b,
                                   const PassageOptions& options = {});

// +1 if date_a < date_b, -1 if later, 0 if equal or either unknown.
int Direction(std::string_view date_a, std::string_view date_b);

// Batch inverted index of fingerprints -> articles, for candidate pairs.
// Each article carries a group id (its near-duplicate representative, or
// itself): document frequency counts groups, so a story republished fifty
// times is still "rare", and pairs inside one group are not returned (they
// are near-duplicates already).
class FingerprintIndex {
 public:
  void Add(DocId id, DocId group, std::span<const uint64_t> fingerprints);
  // Pairs (a < b) of articles in different groups sharing at least
  // options.min_shared fingerprints of group frequency <= options.max_df.
  // Sorts the postings; call once after every Add.
  std::vector<std::pair<DocId, DocId>> CandidatePairs(const PassageOptions& options);
  size_t postings() const { return postings_.size(); }
  void Reserve(size_t postings) { postings_.reserve(postings); }

 private:
  // (top 32 bits of the fingerprint) << 32 | id: 8 bytes a posting, sorted
  // as plain integers. Fingerprint collisions only add candidates, which
  // alignment then rejects.
  std::vector<uint64_t> postings_;
  std::vector<DocId> group_;  // by id
};

}  // namespace veille::reuse

#endif  // VEILLE_REUSE_H_
