// internal.h: the events module's lexicon (internal to src/events/).
#ifndef VEILLE_EVENTS_INTERNAL_H_
#define VEILLE_EVENTS_INTERNAL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "veille/events.h"

namespace veille::events {

// Lower case (Latin-1 capitals and Œ folded, ’ -> '), accents kept.
std::string Lower(std::string_view s);

// Word categories of words-*.tsv and nouns-*.tsv, as bits.
namespace cat {
enum : uint32_t {
  det = 1u << 0,
  skip = 1u << 1,
  adj = 1u << 2,
  aux_etre = 1u << 3,
  aux_avoir = 1u << 4,
  alleged = 1u << 5,
  reflexive = 1u << 6,
  neg = 1u << 7,
  negend = 1u << 8,
  negbefore = 1u << 9,
  block = 1u << 10,
  postblock = 1u << 11,
  unblock = 1u << 12,
  speech = 1u << 13,
  agent = 1u << 14,
  placeprep = 1u << 15,
  fromprep = 1u << 16,
  boundary = 1u << 17,
  relative = 1u << 18,
  coord = 1u << 19,
  possessive = 1u << 20,
  group = 1u << 21,
  city = 1u << 22,
  country = 1u << 23,
  container = 1u << 24,
  member = 1u << 25,
  notafter = 1u << 26,
};
}  // namespace cat
// The category names in file order of the bits above.
const std::vector<std::string>& CategoryNames();

// Where an argument is found (see data/events/triggers-fr.tsv).
// kPossessor: the subject of the verb that governs "sa démission", "leur
// retrait" (a noun trigger after a possessive).
enum class Where : uint8_t {
  kNone,
  kSubject,
  kObject,
  kObjectEntity,
  kAgent,
  kPlace,
  kFromPlace,
  kPossessor
};

enum class FormTag : uint8_t { kInf, kPp, kFin, kFut, kCond, kGer, kNoun };

struct TriggerRule {
  int action = 0;
  bool noun = false;
  std::vector<std::vector<std::string>> after;  // slots of alternatives
  Where actor = Where::kNone, target = Where::kNone, place = Where::kNone;
  // actor=S and target=O (or OL): the passive voice swaps them.
  bool transitive() const {
    return actor == Where::kSubject && (target == Where::kObject || target == Where::kObjectEntity);
  }
};

struct FormRule {
  int rule = 0;
  FormTag tag = FormTag::kFin;
};

struct LangLexicon {
  std::vector<TriggerRule> rules;
  // lower-case form -> the rules it triggers, longest `after` first.
  std::unordered_map<std::string, std::vector<FormRule>> forms;
  // word -> cat:: bits, and prefixes ("pourr*") with theirs.
  std::unordered_map<std::string, uint32_t> word_cats;
  std::vector<std::pair<std::string, uint32_t>> prefix_cats;
  // prefix_cats indexes by their first byte (most words start with none).
  std::vector<uint16_t> prefix_first[256];
  uint32_t prefix_mask = 0;                                // the categories that have prefixes
  uint32_t Cats(std::string_view lower_word) const;        // exact words only
  uint32_t PrefixCats(std::string_view lower_word) const;  // prefixes only
};

struct Extractor::Lexicon {
  std::vector<std::string> actions;
  LangLexicon fr, en;
  std::vector<std::pair<std::string, std::string>> demonyms;  // prefix, canonical
  // Given names (data/quotes/first_names.txt): "Angélique Etienne" is a
  // person even where the tagger's PER could be a misread place.
  std::unordered_set<std::string> first_names;
  const LangLexicon& For(std::string_view language) const { return language == "en" ? en : fr; }
  // The country a demonym word names, or "".
  std::string Demonym(std::string_view lower_word) const;
};

Status LoadLexicon(const std::string& dir, Extractor::Lexicon* lex);

}  // namespace veille::events

#endif  // VEILLE_EVENTS_INTERNAL_H_
