// entities.h: named-entity recognition (PER, LOC, ORG) and within-article
// canonical entities.
//
// In:  clean article text (UTF-8, as produced by cleaning) and its language;
//      or token/tag files in CoNLL-U, BIO or HIPE format for training and
//      evaluation.
// Out: mentions {text, type, byte offsets, canonical name, role}; tokenised
//      sentences; strict span precision/recall/F1; a trained tagger model.
// Thread-safety: EntityRecognizer and Tagger are immutable after loading and
//      safe to use from many threads at once (the caches that speed tagging
//      up are per thread). Training is single-threaded.
//
// The tagger is an averaged structured perceptron over BIO tags with first
// order Viterbi decoding. Features (word, lowercase, shape, affixes, context
// window, gazetteer membership, word clusters learnt from unlabeled news)
// are hashed into a fixed table of weight rows so that the model file has a
// fixed size and tagging allocates nothing per feature. Speed: per-thread
// caches of per-word features and of each token's summed local weights,
// 16-bit weights, prefetching, and lower-case runs far from any capital
// tagged O unscored. Linguistic resources (gazetteers, clusters, alias
// table, roles, titles) are data files under data/entities/.
#ifndef VEILLE_ENTITIES_H_
#define VEILLE_ENTITIES_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "veille/result.h"

namespace veille {

// ---------------------------------------------------------------- tokens --

// A token of raw text: [begin, end) byte offsets into the text it came from.
struct TextToken {
  uint32_t begin = 0;
  uint32_t end = 0;
};

// A sentence: a run of tokens [first, last) of a TokenizedText.
struct TokenSentence {
  uint32_t first = 0;
  uint32_t last = 0;
};

struct TokenizedText {
  std::vector<TextToken> tokens;
  std::vector<TokenSentence> sentences;
};

// Splits clean article text into tokens and sentences. Case is kept;
// punctuation, « » and quotes are tokens of their own; French elision
// (l’, d’, qu’ ...) gives a separate token that keeps its apostrophe and
// English possessive 's is split off; hyphenated words (États-Unis,
// porte-parole) stay whole. Newlines end sentences, as do . ! ? … followed
// by an upper-case letter or an opening quote, except after a single
// capital initial or an abbreviation such as "M." or "Dr.".
// `abbreviations` (optional, sorted, lowercase, without the dot) are words
// after which a period belongs to the word and does not end the sentence
// (data/entities/abbreviations.txt); single capital initials always are.
TokenizedText TokenizeText(std::string_view text,
                           const std::vector<std::string>* abbreviations = nullptr);

// ------------------------------------------------------------ tag files --

// Entity types and the BIO tag set. Tag 0 is O; B-X = 1 + 2*type,
// I-X = 2 + 2*type. The tagger also learns MISC (type 3: works, events,
// nationalities) so that it can tell those capitalised words from PER, LOC
// and ORG, but MISC is never output: it reads as O in spans, scores and
// printed tags.
enum class EntityType : uint8_t { kPer = 0, kLoc = 1, kOrg = 2 };
inline constexpr int kNumEntityTypes = 3;
inline constexpr int kMiscType = 3;
inline constexpr int kNumTags = 1 + 2 * (kNumEntityTypes + 1);
const char* EntityTypeName(int type);  // "PER", "LOC", "ORG"
std::string TagName(int tag);          // "O", "B-PER", "I-LOC", ... (MISC -> "O")
// Parses a tag as found in the corpora (B-PER, I-pers, B-loc.adm.town,
// I-MISC ...). MISC maps to the internal MISC tags; other types to O (0).
int ParseTag(std::string_view tag);

// One annotated sentence from a corpus file.
struct TaggedSentence {
  std::vector<std::string> tokens;
  std::vector<uint8_t> tags;  // one BIO tag per token
};

enum class TagFormat { kConllu, kBio, kHipe };
Result<TagFormat> ParseTagFormat(std::string_view name);

// Reads a tagged corpus. kConllu: tab-separated columns, token in column 2
// (the first column is the index), tag in the last column, blank line
// between sentences, '#' comments. kBio: "token tag" per line (space or
// tab), blank lines (if any) or sentence-final punctuation split sentences
// (long runs are cut at 80 tokens). kHipe: HIPE-2020 TSV, NE-COARSE-LIT
// column, sentences split at EndOfSentence and document comments. Tags
// written IOB1-style (I- opening an entity) are normalised to BIO.
Result<std::vector<TaggedSentence>> ReadTaggedFile(const std::string& path, TagFormat format);
Result<std::vector<TaggedSentence>> ParseTagged(std::string_view content, TagFormat format);

// An entity span over a token sequence: tokens [begin, end) of type.
struct TagSpan {
  uint32_t begin = 0;
  uint32_t end = 0;
  int type = 0;
  bool operator==(const TagSpan&) const = default;
};
// PER/LOC/ORG spans of a BIO sequence (an I- that does not continue a span
// of its type opens a new one; MISC spans are left out).
std::vector<TagSpan> TagsToSpans(const std::vector<uint8_t>& tags);

// Strict span scoring: a predicted span is right when its boundaries and
// type equal a gold span's.
struct SpanCounts {
  int64_t tp = 0, fp = 0, fn = 0;
  double Precision() const { return tp + fp ? double(tp) / double(tp + fp) : 0.0; }
  double Recall() const { return tp + fn ? double(tp) / double(tp + fn) : 0.0; }
  double F1() const {
    double p = Precision(), r = Recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
  }
};
struct SpanScore {
  std::array<SpanCounts, kNumEntityTypes> per_type;
  SpanCounts micro;
  void Add(const std::vector<uint8_t>& gold, const std::vector<uint8_t>& predicted);
  std::string Report() const;  // a small table: type, P, R, F1, support
};

// ---------------------------------------------------------------- tagger --

// Per-token precomputed hashes and flags; exposed for tests.
struct TokenFeatures {
  uint64_t word = 0;        // exact form
  uint64_t lower = 0;       // lowercase form (’ folded to ')
  uint64_t shape = 0;       // compressed shape: Xx, X, x, d, X.X, ...
  uint64_t prefix[3] = {};  // lowercase prefixes of 1..3 characters
  uint64_t suffix[3] = {};  // lowercase suffixes of 2..4 characters
  uint8_t gazetteer = 0;    // bit t: token starts or continues a gazetteer entry of type t
  bool capitalized = false;
  bool all_caps = false;
  uint8_t length = 0;  // bytes, capped at 12
  uint8_t memory =
      0;  // what earlier sentences of the document made of this word (see DocumentMemory)
  uint32_t cluster = 0xFFFFFFFFu;  // WordClusters::Find(lower), packed per language
  uint8_t gaz_head = 0xFF;         // Gazetteer::Head(lower), or 0xFF: not looked up yet
};

// Document context: how the tagger labelled each capitalised word in the
// earlier sentences of the same document (one sense per document: a name
// tagged ORG in one sentence is likely ORG in the next). Tagging a document
// sentence by sentence with one DocumentMemory lets later sentences use it.
// Training uses the same regime over blocks of kDocumentBlock consecutive
// sentences, so corpus files without document marks are read as a stream
// whose memory is cleared every kDocumentBlock sentences.
inline constexpr int kDocumentBlock = 32;
class DocumentMemory {
 public:
  DocumentMemory();
  void Clear();
  void Annotate(std::vector<TokenFeatures>& feats) const;  // sets TokenFeatures::memory
  void Record(const std::vector<TokenFeatures>& feats, const uint8_t* tags);

 private:
  static constexpr size_t kSlots = 4096;
  std::vector<uint64_t> keys_;
  std::vector<std::array<uint16_t, 5>> counts_;  // O, PER, LOC, ORG, MISC
  std::vector<uint32_t> used_;
  size_t Slot(uint64_t key) const;
};

class Gazetteer;

// Word clusters learnt from unlabeled text (data/entities/clusters-en.tsv,
// clusters-fr.tsv: "lowercase word<TAB>leaf id" lines, written by
// `veille-ner clusters`). A leaf id is a path in a three-level tree
// (kTop x kMid x kLeaf); its coarser levels are id / kLeaf and
// id / (kMid * kLeaf), like prefixes of Brown-cluster bit strings. Two
// language slots (0 = English, 1 = French) are kept side by side so that one
// model reads both. Immutable after loading; lookups are thread-safe.
class WordClusters {
 public:
  static constexpr int kTop = 16, kMid = 16, kLeaf = 8;
  static constexpr uint32_t kNone = 0xFFFFFFFFu;
  // Adds the clusters of a file to language slot `lang` (0 or 1).
  Status LoadMore(const std::string& path, int lang);
  // Packed leaf ids (slot 0 in bits 0-15, slot 1 in bits 16-31; 0xFFFF when
  // the word has none) of a word given by its TokenFeatures::lower hash.
  uint32_t Find(uint64_t lower_hash) const;
  size_t size() const { return size_; }

 private:
  struct Slot {  // key and value side by side: one cache line per probe
    uint64_t key = 0;
    uint32_t value = kNone;
  };
  std::vector<Slot> slots_;
  size_t size_ = 0;
  void Insert(uint64_t key, int lang, uint32_t leaf);
};

struct ClusterOptions {
  int min_count = 4;        // rarer words get no cluster
  int max_words = 40000;    // vocabulary cap, most frequent first
  int context_words = 800;  // context vocabulary (most frequent words)
  int dims = 256;           // random projection of the PMI vectors
  int iterations = 10;      // k-means iterations per level
};
// Clusters the words of tokenised (lowercased) sentences: positive PMI with
// the neighbouring words at distance 1 and 2, randomly projected, then
// hierarchical spherical k-means. Deterministic. Returns (word, leaf id) in
// decreasing frequency.
std::vector<std::pair<std::string, uint32_t>> BuildWordClusters(
    const std::vector<std::vector<std::string>>& sentences, const ClusterOptions& options);

// The trained weights: kRows hashed rows of kNumTags weights plus a
// transition matrix.
class TaggerModel {
 public:
  static constexpr uint32_t kRowBits = 18;
  static constexpr uint32_t kRows = 1u << kRowBits;

  TaggerModel();
  static Result<TaggerModel> Load(const std::string& path);
  Status Save(const std::string& path) const;

  // Features of token i of a sentence, as row indices (at most kMaxFeatures):
  // LocalFeatures (the token alone) then ContextFeatures (its neighbours).
  static constexpr int kMaxFeatures = 64;
  static constexpr int kMaxLocalFeatures = 32;
  static int Features(const TokenFeatures* toks, int n, int i, uint32_t* rows);
  static int LocalFeatures(const TokenFeatures& tok, bool first, uint32_t* rows);
  static int ContextFeatures(const TokenFeatures* toks, int n, int i, uint32_t* rows);

  // Best tag sequence (Viterbi, BIO-constrained) for precomputed tokens.
  // With a loaded model, tokens more than kPruneWindow tokens away from any
  // token with a capital letter or a gazetteer mark are tagged O unscored.
  static constexpr int kPruneWindow = 3;
  void Decode(const TokenFeatures* toks, int n, uint8_t* tags_out) const;

  std::vector<float> weights;                                  // kRows * kNumTags
  std::array<float, (kNumTags + 1) * kNumTags> transitions{};  // row kNumTags = start
  // A loaded model keeps its weights as in the file, 16-bit integers times
  // `scale` (half the memory of floats, so more of the table stays in cache),
  // and `weights` is left empty. Decode then sums integers and caches, per
  // thread, the sums of each token's LocalFeatures. A model built in memory
  // (training, tests) has `quantized` empty and decodes from `weights`.
  // In memory each row takes kRowStride values (kNumTags used) and the
  // first row starts on a 64-byte boundary (QuantizedRows): a row is one
  // cache line. Save writes the packed rows of the file format.
  static constexpr int kRowStride = 16;
  static_assert(kRowStride >= kNumTags && kRowStride * sizeof(int16_t) <= 64);
  static constexpr int kAlignSlack = 32;  // values: 64 bytes
  std::vector<int16_t> quantized;         // kRows * kRowStride + kAlignSlack, or empty
  const int16_t* QuantizedRows() const { return AlignRows(quantized.data()); }
  int16_t* QuantizedRows() { return const_cast<int16_t*>(AlignRows(quantized.data())); }
  float scale = 0;
  uint64_t id = 0;  // identifies a loaded model in the per-thread caches

 private:
  static const int16_t* AlignRows(const int16_t* p) {
    auto a = (reinterpret_cast<uintptr_t>(p) + 63) & ~uintptr_t{63};
    return reinterpret_cast<const int16_t*>(a);
  }
};

// Computes TokenFeatures for each token (string forms).
// `cache_owner` != 0 (a Tagger's id: its gazetteer and clusters are fixed)
// lets the per-word part be taken from a per-thread cache of recent words.
void ComputeTokenFeatures(const std::vector<std::string_view>& tokens, const Gazetteer* gaz,
                          std::vector<TokenFeatures>& out, const WordClusters* clusters = nullptr,
                          uint64_t cache_owner = 0);

struct TrainOptions {
  int epochs = 15;
  bool document_memory = true;  // learn DocumentMemory features
  // > 0: the gazetteer is extended with the entity names of the training
  // data, jackknifed (each fold's features see only the other folds' names)
  // so that the model learns how far to trust a name it has seen before.
  int jackknife_folds = 5;
  // Fraction of training tokens whose word-identity features (exact and
  // lowercase form) are hidden in each pass, so that context, shape, affix and
  // cluster features also learn to recognise names: unseen text is full of
  // words the training data never had.
  double word_dropout = 0.0;
  uint64_t seed = 12345;  // shuffling order; training is deterministic
  bool verbose = false;
};
// The entity names of tagged data with their majority type, as
// "TYPE<TAB>tokens joined by spaces" lines (the training-names gazetteer).
std::vector<std::pair<int, std::string>> CollectNames(const std::vector<TaggedSentence>& data);
// Trains an averaged perceptron on `data`. Deterministic for fixed options.
TaggerModel TrainTagger(const std::vector<TaggedSentence>& data, const Gazetteer* gaz,
                        const TrainOptions& options, const WordClusters* clusters = nullptr);

// Gazetteer: multi-token names by type, used as features. Loaded from
// data/entities/gazetteer-*.txt (one name per line, "TYPE<TAB>name").
class Gazetteer {
 public:
  static Result<std::unique_ptr<Gazetteer>> Load(const std::string& path);
  void Add(std::string_view name, int type);
  void AddTokens(const std::vector<std::string_view>& tokens, int type);
  // Appends "TYPE<TAB>name" lines from another file.
  Status LoadMore(const std::string& path);
  // Sets TokenFeatures::gazetteer bits for the tokens (lowercase matching,
  // longest entry first).
  void Mark(const std::vector<std::string_view>& tokens, std::vector<TokenFeatures>& feats) const;
  // Entry bits (bit t: a full entry of type t, bit 7: an entry starts so)
  // of the one-token sequence with this lowercase hash.
  uint8_t Head(uint64_t lower_hash) const;
  size_t size() const { return entries_; }

 private:
  friend class GazetteerBuilder;
  // key: hash of the lowercase token sequence -> type bits; prefixes of
  // entries are recorded so lookup can stop early. A slot holds the key's
  // upper 56 bits and, in its low byte, bit t = full entry of type t and
  // bit 7 = prefix of a longer entry.
  std::vector<uint64_t> keys_;
  size_t entries_ = 0;
  int max_len_ = 1;
  void Insert(uint64_t key, uint8_t bits);
  uint8_t Find(uint64_t key) const;
};

// A tagger: model + gazetteer; tags string tokens.
class Tagger {
 public:
  // Gazetteer files are merged; a missing optional one (names) is skipped.
  // `cluster_paths`: English then French cluster files (a missing one is
  // skipped; the model must be used with the clusters it was trained with).
  static Result<std::unique_ptr<Tagger>> Load(const std::string& model_path,
                                              const std::vector<std::string>& gazetteer_paths,
                                              const std::vector<std::string>& cluster_paths = {});
  Tagger(TaggerModel model, std::unique_ptr<Gazetteer> gaz,
         std::unique_ptr<WordClusters> clusters = nullptr);
  // With `memory`, the sentence is read as the next one of a document: the
  // memory informs its features and then records its tags.
  std::vector<uint8_t> Tag(const std::vector<std::string_view>& tokens,
                           DocumentMemory* memory = nullptr) const;
  // Tags a corpus read as a stream of documents: blocks of kDocumentBlock
  // sentences, each with its DocumentMemory (when `context`). This is what
  // `veille-ner eval|tag` report.
  std::vector<std::vector<uint8_t>> TagStream(const std::vector<TaggedSentence>& data,
                                              bool context = true) const;
  const TaggerModel& model() const { return model_; }
  const Gazetteer* gazetteer() const { return gaz_.get(); }
  const WordClusters* clusters() const { return clusters_.get(); }

 private:
  TaggerModel model_;
  std::unique_ptr<Gazetteer> gaz_;
  std::unique_ptr<WordClusters> clusters_;
  uint64_t id_ = 0;  // unique per Tagger: owner of per-thread word caches
};

// ------------------------------------------------------------- mentions --

struct EntityMention {
  std::string text;    // as written in the article
  std::string type;    // PER, LOC, ORG
  uint32_t begin = 0;  // byte offsets into the clean text
  uint32_t end = 0;
  std::string canonical;  // full name within the article, or alias-table name
  std::string role;       // apposition such as "porte-parole du Kremlin", or ""
};

// Folding key used to merge spellings: lowercase, accents removed, hyphens,
// apostrophes and dots turned into spaces, whitespace collapsed.
// EntityKey("États-Unis") == EntityKey("etats unis").
std::string EntityKey(std::string_view name);

// The alias table: variants (across languages and spellings) of common
// world entities, one canonical name each. data/entities/aliases.tsv:
// "canonical<TAB>TYPE<TAB>alias|alias|...".
class AliasTable {
 public:
  static Result<AliasTable> Load(const std::string& path);
  struct Entry {
    std::string canonical;
    std::string type;
  };
  // The entry whose canonical name or alias has the same EntityKey, or null.
  const Entry* Find(std::string_view name) const;
  size_t size() const { return entries_.size(); }

 private:
  std::vector<Entry> entries_;
  std::vector<std::pair<std::string, uint32_t>> index_;  // key -> entry, sorted
};

// The committed tagger: data/entities/ner.model with its gazetteers and word
// clusters, from the data folder `dir` (DataDir() by default).
Result<std::unique_ptr<Tagger>> LoadDefaultTagger(const std::string& dir);

class EntityRecognizer {
 public:
  // Loads data/entities/ner.model, gazetteer.txt, aliases.tsv, roles.txt,
  // titles.txt, lexicon.tsv, org_heads.txt and org_tails.txt via DataPath().
  static Result<std::unique_ptr<EntityRecognizer>> Create();
  static Result<std::unique_ptr<EntityRecognizer>> CreateFrom(const std::string& data_dir);

  // Mentions in document order, canonical filled (within-article linking and
  // alias table) and role filled where an apposition gives one.
  std::vector<EntityMention> Recognize(std::string_view clean_text,
                                       std::string_view language) const;

  const Tagger& tagger() const { return *tagger_; }
  ~EntityRecognizer();

 private:
  EntityRecognizer() = default;
  struct Lists;
  std::unique_ptr<Tagger> tagger_;
  std::unique_ptr<Lists> lists_;
  AliasTable aliases_;
};

}  // namespace veille

#endif  // VEILLE_ENTITIES_H_
