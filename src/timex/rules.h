// rules.h: the recogniser's state over one text and its rules (internal to
// src/timex): find.cc has the helpers and the pass, rules_fr.cc and
// rules_en.cc the grammar of each language.
#ifndef VEILLE_TIMEX_RULES_H_
#define VEILLE_TIMEX_RULES_H_

#include <string>
#include <string_view>
#include <vector>

#include "timex/dates.h"
#include "timex/lexicon.h"
#include "veille/timex.h"

namespace veille::timex {

// What a rule read at a token.
struct Cand {
  size_t end = 0;  // one past its last token
  Type type = Type::kDate;
  std::string value;
  bool anchored = false;
  std::string mod;
  Date day;      // the day it names: times of day and le lendemain that follow use it
  int year = 0;  // the year it names explicitly
};

class Finder {
 public:
  Finder(const Lexicon& lx, std::string_view text, Date anchor);
  std::vector<Expression> Run(bool english);

 private:
  // Grammar: the longest expression starting at token i.
  bool ParseFr(size_t i, Cand* c);
  bool ParseEn(size_t i, Cand* c);
  bool CoreFr(size_t i, Cand* c);
  bool CoreEn(size_t i, Cand* c);
  bool DateFr(size_t i, Cand* c);     // day month year, month year, weekdays
  bool TimeOfDay(size_t i, Cand* c);  // French clock times
  bool DurationFr(size_t i, Cand* c);
  void Keep(const Cand& x, Cand* best) const {
    if (x.end > best->end) *best = x;
  }

  // Helpers (find.cc).
  size_t M(size_t i, Cls c, std::string* v = nullptr) const;
  bool Is(size_t i, Cls c) const { return M(i, c) != 0; }
  bool Punct(size_t i, char c) const;
  // Whether a core rule can match from token i: a number, a cue word that
  // starts expressions (not a determiner or a tense cue alone), "mois", or
  // a Roman numeral before "siècle".
  bool CanStart(size_t i) const;
  // The key (lowercased) and folded form of token i; empty past the end.
  std::string_view K(size_t i) const {
    return i < t_.size() ? std::string_view(t_[i].key) : std::string_view();
  }
  std::string_view F(size_t i) const {
    return i < t_.size() ? std::string_view(t_[i].folded()) : std::string_view();
  }
  bool Number(size_t i, double* v, size_t* end, std::string* spelled = nullptr) const;
  bool Day(size_t i, int* d, size_t* end) const;
  bool Month(size_t i, int* m, size_t* end) const;
  bool Year(size_t i, int* y, size_t* end, bool two_digits) const;
  // After a two-digit year (octobre 98): the end of the phrase, not a word
  // it counts (le 17 juin 38 degrés).
  bool ShortYearEnds(size_t i) const;
  int SignAfter(size_t i, size_t* end) const;  // dernier -1, prochain +1, else 0
  int Tense(size_t i) const;                   // -1 past, +1 future, 0 unknown
  int CueSign(size_t i) const;                 // token i as a tense cue
  int InferYear(int m, int d, int dir, size_t at) const;
  Date WeekdayDate(int wd, int dir, bool strict) const;
  std::string PodValue(const Date& d, const std::string& pod) const;
  std::string UnitValue(const std::string& unit, const Date& d, int offset) const;
  std::string DurationValue(double n, bool vague, const std::string& unit) const;

  const Lexicon& lx_;
  const std::string empty_;
  std::string_view text_;
  std::string arena_;  // the tokens' keys
  std::vector<Token> t_;
  std::vector<Hit> hits_;
  Date anchor_;
  Date ref_;  // the last day the text named (the anchor at first)
  // Whether the last day named was in token i's sentence.
  bool DayInSentence(size_t i) const { return ref_sentence_ == t_[i].sentence; }
  uint32_t ref_sentence_ = UINT32_MAX;
  bool det_ = false;  // the rule being tried follows a determiner (le, la)
  int sentence_year_ = 0;
  uint32_t sentence_year_tok_ = 0;  // the sentence of sentence_year_
};

}  // namespace veille::timex

#endif  // VEILLE_TIMEX_RULES_H_
