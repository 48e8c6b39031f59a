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

// Exact words and prefixes ("pourr*").
struct WordSet {
  std::unordered_set<std::string> words;
  std::vector<std::string> prefixes;
  bool Has(std::string_view w) const;
};

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
  std::unordered_map<std::string, WordSet> words;  // category -> words (words-*.tsv, nouns-*.tsv)
  const WordSet& W(const std::string& category) const;
};

struct Extractor::Lexicon {
  std::vector<std::string> actions;
  LangLexicon fr, en;
  std::vector<std::pair<std::string, std::string>> demonyms;  // prefix, canonical
  const LangLexicon& For(std::string_view language) const { return language == "en" ? en : fr; }
  // The country a demonym word names, or "".
  std::string Demonym(std::string_view lower_word) const;
};

Status LoadLexicon(const std::string& dir, Extractor::Lexicon* lex);

}  // namespace veille::events

#endif  // VEILLE_EVENTS_INTERNAL_H_
