// lexicon.h: the word classes and speech cues the quote extractor reads from
// data/quotes/, plus the small UTF-8 helpers its tokenizer shares.
#ifndef VEILLE_SRC_QUOTES_LEXICON_H_
#define VEILLE_SRC_QUOTES_LEXICON_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "veille/quotes.h"
#include "veille/result.h"

namespace veille {
namespace quotes {

// Word classes, a bit set per lowercased word.
enum WordClass : uint32_t {
  kStop = 1u << 0,
  kPrep = 1u << 1,
  kDef = 1u << 2,
  kIndef = 1u << 3,
  kPron = 1u << 4,
  kPronPl = 1u << 5,
  kAbbrev = 1u << 6,
  kParticle = 1u << 7,
  kVerbish = 1u << 8,
  kRolePer = 1u << 9,
  kRoleOrg = 1u << 10,
  kRoleHead = 1u << 11,  // first word of a two-word role
  kCueFirst = 1u << 12,  // first word of some cue form
  kCommon = 1u << 13,    // written lowercase in news: not a name when capitalised
  kMasc = 1u << 14,      // masculine: il, he, M., le, un, directeur
  kFem = 1u << 15,       // feminine: elle, she, Mme, la, une, directrice
  kAnonKey = 1u << 16,   // last word of an anonymity marker (anonymat, anonymity)
  kPoss = 1u << 18,      // possessive determiner: son avocat is not the one just named
  kNominal = 1u << 19,   // a determiner: the cue form after it is a noun (l'accusé, un constat)
  kAux = 1u << 17,       // auxiliary: before a mark, the quotation is the subject's predicate
};

// Genders of people as the extractor tracks them.
enum Gender : uint8_t { kGenderUnknown = 0, kGenderMasc = 1, kGenderFem = 2 };

enum class CueKind : uint8_t { kVerb, kPrep, kLead };

// One cue form as a sequence of lowercased words ("mis", "en", "garde").
struct CueForm {
  std::vector<std::string> words;
  CueKind kind = CueKind::kVerb;
  uint8_t langs = 0;  // kLangFr | kLangEn: which cue file it came from
};
enum : uint8_t { kLangFr = 1, kLangEn = 2 };

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using WordMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

}  // namespace quotes

struct QuoteExtractor::Lexicon {
  quotes::WordMap<uint32_t> classes;                   // word -> WordClass bits
  quotes::WordMap<std::vector<quotes::CueForm>> cues;  // first word -> forms
  quotes::WordMap<uint32_t> two_word_roles;            // "w1 w2" -> kRolePer/kRoleOrg
  // Role nouns that always designate someone the text leaves unnamed (une
  // source, l'entourage de X, un proche): "w" or "w1 w2".
  quotes::WordMap<bool> anonymous_roles;
  // Collective nouns that speak as a group the text names by that noun
  // only (la communauté internationale): a role, never resolved to a person.
  quotes::WordMap<bool> group_roles;
  // roles.txt `doc`: a document that speaks for the institution after it
  // (un communiqué du ministère); `any`: an institution noun that designates
  // the last institution named, whatever its name (l'entreprise).
  quotes::WordMap<bool> document_roles, any_org_roles;
  // data/quotes/first_names.txt: given name (lowercase) -> Gender.
  quotes::WordMap<uint8_t> first_names;
  // data/quotes/organisations.txt: FoldKey(alias) -> canonical name.
  quotes::WordMap<std::string> org_aliases;
  // data/quotes/channels.txt: FoldKey(name) of agencies and outlets that
  // words pass through (à l'AFP, told Reuters, cité par Le Parisien).
  quotes::WordMap<bool> channels;
  quotes::WordMap<bool> channel_first_words;  // their first words, lowercase
  // Cue forms of `relay:` lemmas (rapporter, relever): with an agency or
  // outlet as subject, they report someone else's words (« … », rapporte Le
  // Monde) and name no speaker.
  quotes::WordMap<bool> relay_forms;
  // data/quotes/anonymity.txt: lowercase phrases that mark an unnamed
  // source (sous couvert d'anonymat, on condition of anonymity).
  std::vector<std::string> anonymity;
  // data/quotes/confidence.txt: attribution path -> confidence.
  quotes::WordMap<float> confidence;

  // `classes` copied into a compact open-addressing table of power-of-two
  // size: the tokenizer looks up every word, and in the ingest pipeline the
  // other stages evict the table between articles, so what matters is how
  // many cache lines a lookup touches. A slot holds the high half of the
  // word's hash, its length, its class bits and the word itself when it has
  // at most 8 bytes (zero-padded; longer words: their offset in
  // `flat_pool`). `flat_filter`, one bit per 16 hash bits (8 KB), turns most
  // lookups of words not in the table into one bit test.
  struct FlatSlot {
    uint16_t tag = 0;
    uint16_t len = 0;  // 0: empty slot
    uint32_t cls = 0;
    uint64_t word = 0;
  };
  static_assert(sizeof(FlatSlot) == 16, "a slot is a quarter of a cache line");
  std::vector<FlatSlot> flat_slots;
  std::string flat_pool;
  uint64_t flat_mask = 0;
  std::vector<uint64_t> flat_filter = std::vector<uint64_t>(1024, 0);

  // Bytes [p, p + n) (n <= 8) as a little-endian, zero-padded integer.
  static uint64_t Pack(const char* p, size_t n) {
    uint64_t v = 0;
    for (size_t k = 0; k < n; ++k) v |= uint64_t(static_cast<unsigned char>(p[k])) << (8 * k);
    return v;
  }
  // Eight bytes at a time: words are short, and a byte-wise hash is a
  // chain of multiplications.
  static uint64_t Hash(std::string_view s) {
    const char* p = s.data();
    size_t n = s.size();
    uint64_t h = n * 0x9E3779B97F4A7C15ull;
    for (; n >= 8; p += 8, n -= 8) {
      uint64_t v;
      std::memcpy(&v, p, 8);
      h = (h ^ v) * 0xFF51AFD7ED558CCDull;
      h ^= h >> 32;
    }
    if (n) h = (h ^ Pack(p, n)) * 0xFF51AFD7ED558CCDull;
    h = (h ^ (h >> 29)) * 0xC4CEB9FE1A85EC53ull;
    return h ^ (h >> 32);
  }
  static uint64_t FilterBit(uint64_t h) { return (h >> 16) & 0xFFFF; }
  void BuildFlat() {
    size_t cap = 16;
    while (cap < classes.size() * 2) cap *= 2;
    flat_slots.assign(cap, FlatSlot());
    flat_pool.clear();
    flat_mask = cap - 1;
    for (const auto& [k, v] : classes) {
      if (k.empty() || k.size() > UINT16_MAX) continue;  // never looked up
      uint64_t h = Hash(k), i = h & flat_mask;
      while (flat_slots[i].len) i = (i + 1) & flat_mask;
      FlatSlot& slot = flat_slots[i];
      slot.tag = uint16_t(h >> 48);
      slot.len = uint16_t(k.size());
      slot.cls = v;
      if (k.size() <= 8) {
        slot.word = Pack(k.data(), k.size());
      } else {
        slot.word = flat_pool.size();
        flat_pool += k;
      }
      flat_filter[FilterBit(h) / 64] |= 1ull << (FilterBit(h) % 64);
    }
  }
  uint32_t Classes(std::string_view lower) const {
    if (lower.empty() || lower.size() > UINT16_MAX || flat_slots.empty()) return 0;
    const uint64_t h = Hash(lower);
    if (!(flat_filter[FilterBit(h) / 64] >> (FilterBit(h) % 64) & 1)) return 0;
    const bool inline_word = lower.size() <= 8;
    const uint64_t packed = inline_word ? Pack(lower.data(), lower.size()) : 0;
    for (uint64_t i = h & flat_mask;; i = (i + 1) & flat_mask) {
      const FlatSlot& slot = flat_slots[i];
      if (!slot.len) return 0;
      if (slot.tag != uint16_t(h >> 48) || slot.len != lower.size()) continue;
      if (inline_word ? slot.word == packed
                      : std::string_view(flat_pool.data() + slot.word, slot.len) == lower)
        return slot.cls;
    }
  }
};

namespace quotes {

// Appends the lowercase of `s` to `out` with ’ read as '. Handles ASCII,
// Latin-1 capitals, Œ and Ÿ, which covers French and English.
void AppendLower(std::string_view s, std::string& out);
// Same, written to `out` (room for s.size() bytes: the lowercase is never
// longer); returns the end of what it wrote.
char* LowerInto(std::string_view s, char* out);

// Folded form of a name for the alias and channel tables: lowercase,
// accents removed, punctuation as spaces, leading determiners dropped
// ("le Quai d'Orsay" -> "quai d orsay").
std::string FoldKey(std::string_view name);

// Loads the lexicon from `dir` (data/quotes).
Result<std::unique_ptr<QuoteExtractor::Lexicon>> LoadLexicon(const std::string& dir);

}  // namespace quotes
}  // namespace veille

#endif  // VEILLE_SRC_QUOTES_LEXICON_H_
