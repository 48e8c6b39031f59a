// find.cc: the recogniser and normaliser of time expressions: one pass over
// the tokens, at each token the longest expression the rules read there.
#include <algorithm>
#include <cstdlib>

#include "timex/dates.h"
#include "timex/lexicon.h"
#include "timex/rules.h"
#include "veille/timex.h"

namespace veille::timex {

const char* TypeName(Type t) {
  switch (t) {
    case Type::kDate:
      return "DATE";
    case Type::kTime:
      return "TIME";
    case Type::kDuration:
      return "DURATION";
    case Type::kSet:
      return "SET";
  }
  return "DATE";
}

Finder::Finder(const Lexicon& lx, std::string_view text, Date anchor)
    : lx_(lx), text_(text), anchor_(anchor), ref_(anchor) {
  t_ = Tokenize(text, arena_);
  lx_.Classify(t_, hits_);
}

int Finder::CueSign(size_t i) const {
  const Token& k = t_[i];
  if (Is(i, Cls::kTensePast)) return -1;
  if (Is(i, Cls::kTenseFuture)) return +1;
  if (Is(i, Cls::kTenseGo)) {
    // va, vont: the near future only before an infinitive (vont voter, not
    // vont dans le sens).
    std::string_view n = K(i + 1);
    auto ends = [&](std::string_view s) {
      return n.size() > s.size() + 1 && n.substr(n.size() - s.size()) == s;
    };
    return ends("er") || ends("ir") || ends("re") || ends("oir") ? +1 : 0;
  }
  if (k.digits || k.upper || k.key.size() < 4 || k.classes) return 0;
  auto ends = [&](const std::string& s) {
    return k.key.size() > s.size() + 1 && k.key.compare(k.key.size() - s.size(), s.size(), s) == 0;
  };
  for (const auto& s : lx_.Suffixes(Cls::kSuffixFuture)) {
    if (ends(s)) return +1;
  }
  for (const auto& s : lx_.Suffixes(Cls::kSuffixPast)) {
    if (ends(s)) return -1;
  }
  return 0;
}

int Finder::Tense(size_t i) const {
  // The nearest tense cue of the token's sentence (the earlier one when two
  // are as near), read only when a rule asks.
  const uint32_t sentence = t_[i].sentence;
  // A past participle right before it: annoncé mardi, arrêtés lundi.
  if (i > 0 && !t_[i - 1].upper && !t_[i - 1].classes && t_[i - 1].sentence == sentence) {
    std::string_view w = K(i - 1);
    auto ends = [&](std::string_view s) {
      return w.size() >= s.size() + 3 && w.substr(w.size() - s.size()) == s;
    };
    if (ends("é") || ends("ée") || ends("és") || ends("ées")) return -1;
  }
  for (size_t d = 1; d < 60; ++d) {
    bool any = false;
    if (d <= i && t_[i - d].sentence == sentence) {
      any = true;
      if (int s = CueSign(i - d)) return s;
    }
    if (i + d < t_.size() && t_[i + d].sentence == sentence) {
      any = true;
      if (int s = CueSign(i + d)) return s;
    }
    if (!any) break;
  }
  return 0;
}

size_t Finder::M(size_t i, Cls c, std::string* v) const {
  if (i >= t_.size() || !(t_[i].classes & (uint64_t(1) << int(c)))) return 0;
  const Token& k = t_[i];
  for (uint32_t h = k.hit0; h < k.hit0 + k.nhits; ++h) {
    if (hits_[h].cls == c) {
      if (v) *v = *hits_[h].value;
      return hits_[h].end;
    }
  }
  return 0;
}

bool Finder::CanStart(size_t i) const {
  if (i >= t_.size()) return false;
  constexpr uint64_t kNot =
      (uint64_t(1) << int(Cls::kDet)) | (uint64_t(1) << int(Cls::kTensePast)) |
      (uint64_t(1) << int(Cls::kTenseFuture)) | (uint64_t(1) << int(Cls::kTenseGo)) |
      (uint64_t(1) << int(Cls::kNonYear)) | (uint64_t(1) << int(Cls::kHour)) |
      (uint64_t(1) << int(Cls::kLocal)) | (uint64_t(1) << int(Cls::kAt)) |
      (uint64_t(1) << int(Cls::kOn)) | (uint64_t(1) << int(Cls::kDurHead)) |
      (uint64_t(1) << int(Cls::kNotDay)) | (uint64_t(1) << int(Cls::kPast)) |
      (uint64_t(1) << int(Cls::kFuture));
  const Token& k = t_[i];
  if (k.digits || (k.classes & ~kNot)) return true;
  if (F(i) == "mois") return true;
  std::string_view n = F(i + 1);
  return n == "siecle" || n == "century";
}

bool Finder::Punct(size_t i, char c) const {
  return i < t_.size() && t_[i].key.size() == 1 && t_[i].key[0] == c;
}

bool Finder::Number(size_t i, double* v, size_t* end, std::string* spelled) const {
  if (i >= t_.size()) return false;
  if (t_[i].digits) {
    if (t_[i].key.size() > 6) return false;
    std::string s(t_[i].key);
    size_t e = i + 1;
    // 30,4 secondes; 1 500 is not a count of units here.
    if (e + 1 < t_.size() && (Punct(e, ',') || Punct(e, '.')) && !t_[e].space_before &&
        t_[e + 1].digits && !t_[e + 1].space_before) {
      s += ".";
      s += t_[e + 1].key;
      e += 2;
    }
    *v = std::atof(s.c_str());
    *end = e;
    if (spelled) *spelled = s;
    return true;
  }
  // Spelled numbers: vingt-cinq, dix-huit, quatre-vingt-dix, vingt et un.
  size_t j = i;
  std::string val;
  double sum = 0;
  int last = 0;
  bool any = false;
  while (j < t_.size()) {
    size_t e = M(j, Cls::kNumber, &val);
    if (!e) break;
    int n = std::atoi(val.c_str());
    if (n == 100 || n == 1000) {
      sum = (sum == 0 ? 1 : sum) * n;
    } else if (n == 20 && last == 4) {
      sum = sum - 4 + 80;
    } else {
      sum += n;
    }
    last = n;
    any = true;
    j = e;
    // Joined by a hyphen, or "et un/une".
    if (j + 1 < t_.size() && Punct(j, '-') && !t_[j].space_before && M(j + 1, Cls::kNumber)) {
      ++j;
      continue;
    }
    if (j + 1 < t_.size() && t_[j].key == "et" &&
        (t_[j + 1].key == "un" || t_[j + 1].key == "une") && last >= 20) {
      ++j;
      continue;
    }
    break;
  }
  if (!any) return false;
  *v = sum;
  *end = j;
  if (spelled) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", sum);
    *spelled = buf;
  }
  return true;
}

bool Finder::Day(size_t i, int* d, size_t* end) const {
  if (i >= t_.size()) return false;
  std::string v;
  if (size_t e = M(i, Cls::kOrdinal, &v); e && std::atoi(v.c_str()) == 1) {
    *d = 1;
    *end = e;
    return true;
  }
  if (!t_[i].digits || t_[i].key.size() > 2 || t_[i].num < 1 || t_[i].num > 31) return false;
  *d = t_[i].num;
  *end = i + 1;
  return true;
}

bool Finder::Month(size_t i, int* m, size_t* end) const {
  std::string v;
  size_t e = M(i, Cls::kMonth, &v);
  if (!e) return false;
  // "mars" and "mai" are also words: a capitalised one inside a sentence
  // that no day or year surrounds stays a word only for "Mars".
  *m = std::atoi(v.c_str());
  *end = e;
  return true;
}

bool Finder::Year(size_t i, int* y, size_t* end, bool two_digits) const {
  if (i >= t_.size() || !t_[i].digits) return false;
  const Token& k = t_[i];
  if (k.key.size() == 4 && k.num >= 1000 && k.num <= 2100) {
    *y = k.num;
    *end = i + 1;
    return true;
  }
  if (two_digits && k.key.size() == 2) {
    *y = k.num >= 30 ? 1900 + k.num : 2000 + k.num;
    *end = i + 1;
    return true;
  }
  return false;
}

bool Finder::ShortYearEnds(size_t i) const {
  if (i >= t_.size()) return true;
  const Token& k = t_[i];
  if (k.digits) return false;
  if (k.upper || k.key.size() == 1) return !Is(i, Cls::kUnit);  // punctuation or a name
  return K(i) == "et" || K(i) == "à" || K(i) == "au" || Is(i, Cls::kPast) || Is(i, Cls::kFuture);
}

int Finder::SignAfter(size_t i, size_t* end) const {
  std::string v;
  if (size_t e = M(i, Cls::kPast, &v)) {
    *end = e;
    return -1;
  }
  if (size_t e = M(i, Cls::kFuture, &v)) {
    *end = e;
    return +1;
  }
  return 0;
}

int Finder::InferYear(int m, int d, int dir, size_t at) const {
  if (anchor_.y <= 0) return 0;
  int y = anchor_.y;
  if (anchor_.m <= 0) return y;  // an anchor that is only a year
  Date c{y, m, std::min(d > 0 ? d : 15, DaysInMonth(y, m))};
  int64_t diff = DaysFromCivil(c.y, c.m, c.d) -
                 DaysFromCivil(anchor_.y, anchor_.m, anchor_.d > 0 ? anchor_.d : 15);
  if (d <= 0) {
    // A month: the year named earlier in its sentence, else compare months.
    if (sentence_year_ > 0 && sentence_year_tok_ == t_[at].sentence) return sentence_year_;
    int dm = m - anchor_.m;
    if (dir < 0) return dm >= 0 ? y - 1 : y;
    if (dir > 0) return dm <= 0 ? y + 1 : y;
    return y;
  }
  if (dir < 0) return diff > 0 ? y - 1 : y;
  if (dir > 0) return diff < 0 ? y + 1 : y;
  if (diff > 183) return y - 1;
  if (diff < -183) return y + 1;
  return y;
}

Date Finder::WeekdayDate(int wd, int dir, bool strict) const {
  if (!anchor_.ok()) return Date{};
  int aw = Weekday(anchor_);
  if (dir > 0) {
    int f = (wd - aw + 7) % 7;
    if (f == 0 && strict) f = 7;
    return AddDays(anchor_, f);
  }
  int b = (aw - wd + 7) % 7;
  if (b == 0 && strict) b = 7;
  if (dir == 0) {
    // No tense: the nearest one.
    int f = (wd - aw + 7) % 7;
    if (f < b) return AddDays(anchor_, f);
  }
  return AddDays(anchor_, -b);
}

std::string Finder::PodValue(const Date& d, const std::string& pod) const {
  return (d.ok() ? DayValue(d) : std::string("XXXX-XX-XX")) + "T" + pod;
}

std::string Finder::UnitValue(const std::string& unit, const Date& d, int offset) const {
  // The calendar unit that holds d, moved by offset units.
  if (!d.ok()) return "";
  if (unit == "D") return DayValue(AddDays(d, offset));
  if (unit == "W") return WeekValue(AddDays(d, 7 * offset));
  if (unit == "WE") return WeekValue(AddDays(d, 7 * offset)) + "-WE";
  if (unit == "M") {
    Date m = AddMonths(Date{d.y, d.m, 1}, offset);
    return MonthValue(m.y, m.m);
  }
  if (unit == "Y") return Year4(d.y + offset);
  if (unit == "Q") {
    int q = (d.m - 1) / 3 + offset;
    int y = d.y + (q >= 0 ? q / 4 : (q - 3) / 4);
    q = ((q % 4) + 4) % 4;
    return Year4(y) + "-Q" + std::to_string(q + 1);
  }
  if (unit == "DE") return Year4(d.y + 10 * offset).substr(0, 3);
  if (unit == "CE") return Year4(d.y + 100 * offset).substr(0, 2);
  return "";
}

std::string Finder::DurationValue(double n, bool vague, const std::string& unit) const {
  // unit: D W M Y H MIN S WE DE CE Q, or a count with one (5Y, 30MIN).
  std::string u = unit;
  double mult = 1;
  size_t k = 0;
  while (k < u.size() && ((u[k] >= '0' && u[k] <= '9') || u[k] == '.')) ++k;
  if (k > 0) {
    mult = std::atof(u.substr(0, k).c_str());
    u = u.substr(k);
  }
  bool time = u == "H" || u == "MIN" || u == "S";
  std::string letter = u == "MIN" ? "M" : u;
  std::string num;
  if (vague) {
    num = "X";
  } else {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", n * mult);
    num = buf;
  }
  return std::string("P") + (time ? "T" : "") + num + letter;
}

std::vector<Expression> Finder::Run(bool english) {
  std::vector<Expression> out;
  for (size_t i = 0; i < t_.size();) {
    // A year named in the sentence decides the year of a bare month.
    if (i > 0 && t_[i].sentence != t_[i - 1].sentence) sentence_year_ = 0;
    // Only a cue word, a number or a Roman numeral before "siècle" starts
    // an expression.
    constexpr uint64_t kPrefix =
        (uint64_t(1) << int(Cls::kDet)) | (uint64_t(1) << int(Cls::kApprox)) |
        (uint64_t(1) << int(Cls::kMore)) | (uint64_t(1) << int(Cls::kLess)) |
        (uint64_t(1) << int(Cls::kPast)) | (uint64_t(1) << int(Cls::kFuture));
    if (!(t_[i].classes & kPrefix) && !CanStart(i)) {
      ++i;
      continue;
    }
    Cand c;
    bool found = english ? ParseEn(i, &c) : ParseFr(i, &c);
    if (!found || c.end <= i) {
      ++i;
      continue;
    }
    Expression e;
    e.begin = t_[i].begin;
    e.end = t_[c.end - 1].end;
    e.type = c.type;
    e.value = std::move(c.value);
    e.anchored = c.anchored;
    e.mod = std::move(c.mod);
    if (c.day.ok()) {
      ref_ = c.day;
      ref_sentence_ = t_[i].sentence;
    }
    if (c.year > 0) {
      sentence_year_ = c.year;
      sentence_year_tok_ = t_[i].sentence;
    }
    out.push_back(std::move(e));
    i = c.end;
  }
  return out;
}

std::string DayOf(const Expression& e) {
  if (e.type != Type::kDate && e.type != Type::kTime) return "";
  Date d;
  if (!ParseDate(e.value, &d)) return "";
  if (e.value.size() > 10 && e.value[10] != 'T') return "";
  return e.value.substr(0, 10);
}

std::vector<Expression> Find(std::string_view text, std::string_view lang,
                             std::string_view anchor) {
  bool en = lang == "en";
  if (!en && lang != "fr") return {};
  const Lexicon* lx = LexiconFor(lang);
  if (!lx) return {};
  // A full date, or a partial one (YYYY-MM, YYYY) that resolves years and
  // months only.
  Date a;
  if (!anchor.empty() && !ParseDate(anchor, &a)) {
    a = Date{};
    auto num = [&](size_t b, size_t n) {
      int v = 0;
      for (size_t k = b; k < b + n; ++k) {
        if (anchor[k] < '0' || anchor[k] > '9') return -1;
        v = v * 10 + (anchor[k] - '0');
      }
      return v;
    };
    if (anchor.size() >= 4 && num(0, 4) > 0) {
      a.y = num(0, 4);
      if (anchor.size() >= 7 && anchor[4] == '-') {
        int mm = num(5, 2);
        if (mm >= 1 && mm <= 12) a.m = mm;
      }
    }
  }
  Finder f(*lx, text, a);
  return f.Run(en);
}

}  // namespace veille::timex
