// timex.h: time expressions in French and English news, normalised to
// TIMEX3 values against the article's date.
//
// In:  the UTF-8 clean text of one article, its language ("fr" or "en";
//      any other language gives no expressions) and its date "YYYY-MM-DD"
//      (the anchor of relative expressions; may be empty).
// Out: one Expression per time expression, in text order, non-overlapping:
//      byte offsets, TIMEX3 type (DATE, TIME, DURATION, SET) and value
//      (2021-08-13, 2021-08, 2021-W33, 2021-08-13TNI, 2021-08-13T14:30,
//      P3D, PT2H, XXXX-WXX-4, PRESENT_REF ...). Relative and partial
//      expressions (hier, jeudi dernier, le 13, en août, last week) are
//      resolved against the anchor, or against the last date the text
//      mentioned (times of day, le lendemain); a bare weekday is past or
//      future by the tense of its sentence. Without an anchor their value
//      keeps X placeholders (XXXX-08-13, XXXX-XX-XX).
//      Also the TimeML reader and the TempEval-style scorer behind
//      `veille eval-time` (strict and relaxed extent F1, value and type).
// Thread-safety: Find() may be called from many threads at once; the cue
//      words (data/timex/*.tsv, via DataPath) are loaded once, on first use.
#ifndef VEILLE_TIMEX_H_
#define VEILLE_TIMEX_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "veille/result.h"

namespace veille::timex {

enum class Type { kDate, kTime, kDuration, kSet };

// "DATE", "TIME", "DURATION", "SET".
const char* TypeName(Type t);

struct Expression {
  size_t begin = 0, end = 0;  // byte offsets into the text given
  Type type = Type::kDate;
  std::string value;      // TIMEX3 value
  bool anchored = false;  // value computed from the anchor (relative/partial expression)
  std::string mod;        // TIMEX3 mod: APPROX, START, MID, END, MORE_THAN, LESS_THAN or empty
};

// text: UTF-8 clean text of one article; lang: "fr" or "en" (others: empty
// result); anchor: the article's date "YYYY-MM-DD", or empty when unknown;
// a partial date ("YYYY-MM", "YYYY") resolves the years of "le 13 août" and
// "en mars" but leaves days (hier, jeudi) as XXXX-XX-XX.
// Thread-safe. When the data files cannot be loaded, returns nothing (and
// LoadStatus() says why).
std::vector<Expression> Find(std::string_view text, std::string_view lang, std::string_view anchor);

// The calendar day an expression's value names: "2021-08-13" for
// 2021-08-13, 2021-08-13TEV or 2021-08-13T14:30; empty for coarser values
// and the others (2021-08, 2021-W33, P3D, PRESENT_REF, XXXX-08-13).
std::string DayOf(const Expression& e);

// Loads the cue words once (Find() calls it); the error names file:line.
Status LoadStatus();

// ------------------------------------------------------------ evaluation --

// One TimeML document: its plain text (tags removed, entities decoded), its
// creation date (DCT value) and its gold TIMEX3 in <TEXT>, with byte offsets
// into `text`.
struct TimemlDoc {
  std::string name;
  std::string dct;
  std::string text;
  std::vector<Expression> gold;
};

// Reads one .tml file; the error names the file.
Result<TimemlDoc> ReadTimeml(const std::string& path);

// TempEval-3 style micro-averaged figures (UzZaman et al. 2013): extents
// match strictly (same offsets) or relaxed (overlap, one to one); value and
// type are compared over relaxed matches (accuracy), value F1 = relaxed F1 x
// value accuracy.
struct TimexScores {
  size_t docs = 0, gold = 0, system = 0;
  size_t strict = 0, relaxed = 0, value_ok = 0, type_ok = 0;
  double StrictP() const { return system ? double(strict) / system : 0; }
  double StrictR() const { return gold ? double(strict) / gold : 0; }
  double StrictF1() const;
  double RelaxedP() const { return system ? double(relaxed) / system : 0; }
  double RelaxedR() const { return gold ? double(relaxed) / gold : 0; }
  double RelaxedF1() const;
  double ValueF1() const;  // 2PR/(P+R) with P = value_ok/system, R = value_ok/gold
  double TypeAccuracy() const { return relaxed ? double(type_ok) / relaxed : 0; }
  double ValueAccuracy() const { return relaxed ? double(value_ok) / relaxed : 0; }
  void Add(const TimexScores& o);
};

// Scores `system` against `doc.gold`; `errors` (if not null) receives one
// line per miss, false alarm or wrong value.
TimexScores ScoreDoc(const TimemlDoc& doc, const std::vector<Expression>& system,
                     std::vector<std::string>* errors = nullptr);

// Scores Find(text, "fr", dct) over the .tml files of `dir` (recursively,
// sorted by name). half: -1 all documents, 0 or 1 the even or odd ones in
// name order (0 is the tuning half, 1 the held-out half).
Result<TimexScores> EvalTimeml(const std::string& dir, int half = -1,
                               std::vector<std::string>* errors = nullptr);

}  // namespace veille::timex

#endif  // VEILLE_TIMEX_H_
