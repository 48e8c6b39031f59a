// rules_en.cc: the English grammar of time expressions (cue words in
// data/timex/en.tsv).
#include <cstdlib>

#include "timex/rules.h"

namespace veille::timex {

namespace {
int ToInt(const std::string& s) { return std::atoi(s.c_str()); }
}  // namespace

bool Finder::ParseEn(size_t i, Cand* out) {
  Cand best;
  std::string v;
  for (Cls c : {Cls::kApprox, Cls::kMore, Cls::kLess}) {
    if (size_t e = M(i, c, &v)) {
      Cand x;
      if (CoreEn(e, &x) && x.type == Type::kDuration) {
        x.mod = v;
        Keep(x, &best);
      }
    }
  }
  Cand x;
  if ((CanStart(i) || Is(i, Cls::kDet) || Is(i, Cls::kPast) || Is(i, Cls::kFuture)) &&
      CoreEn(i, &x))
    Keep(x, &best);
  // the past two weeks, the next three days: a duration.
  if (size_t d = M(i, Cls::kDet)) {
    size_t f;
    if (SignAfter(d, &f)) {
      Cand y;
      if (CoreEn(f, &y) && y.type == Type::kDuration) Keep(y, &best);
    }
  }
  if (best.end == 0) return false;
  *out = best;
  return true;
}

bool Finder::CoreEn(size_t i, Cand* best) {
  if (i >= t_.size()) return false;
  std::string v;
  size_t e;
  size_t j = i;
  // 13th, 1st: the suffix glued to a day.
  auto SkipOrdinal = [&](size_t& f) {
    if (f < t_.size() && !t_[f].space_before &&
        (K(f) == "th" || K(f) == "st" || K(f) == "nd" || K(f) == "rd"))
      ++f;
  };
  // Day d of month m, with the year at token at if one is written there,
  // else the year the anchor makes likeliest.
  auto KeepDay = [&](Cand x, size_t at, int m, int d) {
    int y = 0;
    size_t g;
    if (Year(at, &y, &g, false)) {
      x.end = g;
      x.year = y;
    } else {
      y = InferYear(m, d, 0, i);
      x.anchored = true;
    }
    if (d <= DaysInMonth(y > 0 ? y : 2000, m)) {
      Date dd{y, m, d};
      x.value = DayValue(dd);
      if (y > 0) x.day = dd;
      Keep(x, best);
    }
  };
  // [weekday [,]] month day [, year] | [weekday] day month [year].
  size_t k = j;
  int wd = 0;
  if ((e = M(k, Cls::kWeekday, &v))) {
    wd = ToInt(v);
    k = e;
    if (Punct(k, ',')) ++k;
  }
  int m = 0, d = 0, y = 0;
  if (Month(k, &m, &e)) {
    size_t f = e;
    size_t g;
    if (Day(f, &d, &g) && !(g < t_.size() && Is(g, Cls::kUnit))) {
      f = g;
      // 13th
      SkipOrdinal(f);
      Cand x;
      x.end = f;
      size_t h = f;
      if (Punct(h, ',')) ++h;
      KeepDay(x, h, m, d);
    } else if (!(m == 5 && !t_[k].upper)) {
      // A month [year]; "may" in lowercase is a verb.
      Cand x;
      x.end = f;
      if (Year(f, &y, &g, false)) {
        x.end = g;
        x.year = y;
      } else {
        y = InferYear(m, 0, 0, i);
        x.anchored = true;
      }
      x.value = MonthValue(y, m);
      Keep(x, best);
    }
  }
  if (Day(k, &d, &e)) {
    size_t f = e;
    SkipOrdinal(f);
    if (f < t_.size() && K(f) == "of") ++f;
    if (Month(f, &m, &e)) {
      Cand x;
      x.end = e;
      KeepDay(x, e, m, d);
    }
  }
  // [on|last|next|this] Tuesday [morning].
  {
    size_t a = j;
    int dir = 0;
    bool this_ = false;
    size_t f;
    if ((dir = SignAfter(a, &f)))
      a = f;
    else if ((f = M(a, Cls::kThis)))
      a = f, this_ = true;
    if ((e = M(a, Cls::kWeekday, &v))) {
      wd = ToInt(v);
      Date dd;
      if (dir) {
        dd = WeekdayDate(wd, dir, true);
      } else {
        int tense = Tense(i);
        dd = WeekdayDate(wd, this_ ? tense : (tense == 0 ? -1 : tense), false);
      }
      Cand x;
      x.end = e;
      x.anchored = true;
      std::string pod;
      if (size_t p = M(e, Cls::kPartOfDay, &pod)) {
        x.end = p;
        x.type = Type::kTime;
        x.value = PodValue(dd, pod);
      } else {
        x.value = dd.ok() ? DayValue(dd) : "XXXX-WXX-" + std::to_string(wd);
      }
      x.day = dd;
      Keep(x, best);
    }
  }
  // yesterday [morning], today, tomorrow, tonight.
  if ((e = M(i, Cls::kDeictic, &v))) {
    Cand x;
    x.end = e;
    x.anchored = true;
    Date dd = anchor_.ok() ? AddDays(anchor_, ToInt(v)) : Date{};
    x.value = dd.ok() ? DayValue(dd) : "XXXX-XX-XX";
    x.day = dd;
    std::string pod;
    if (K(i) == "tonight") {
      x.type = Type::kTime;
      x.value = PodValue(dd, "NI");
    } else if (size_t p = M(e, Cls::kPartOfDay, &pod)) {
      x.type = Type::kTime;
      x.end = p;
      x.value = PodValue(dd, pod);
    }
    Keep(x, best);
  }
  if ((e = M(i, Cls::kRelDay, &v))) {
    Cand x;
    x.end = e;
    x.anchored = true;
    Date dd = ref_.ok() ? AddDays(ref_, ToInt(v)) : Date{};
    x.value = dd.ok() ? DayValue(dd) : "XXXX-XX-XX";
    x.day = dd;
    Keep(x, best);
  }
  // 10 am, 10:30, 10.30 p.m.
  if (t_[i].digits && t_[i].key.size() <= 2 && t_[i].num <= 24) {
    size_t f = i + 1;
    int hh = t_[i].num, mm = 0;
    bool colon = false;
    if (f + 1 < t_.size() && Punct(f, ':') && !t_[f].space_before && t_[f + 1].digits &&
        t_[f + 1].key.size() == 2 && t_[f + 1].num < 60) {
      mm = t_[f + 1].num;
      f += 2;
      colon = true;
    }
    std::string ap;
    if (size_t g = M(f, Cls::kHour, &ap)) {
      if (ap == "pm" && hh < 12) hh += 12;
      if (ap == "am" && hh == 12) hh = 0;
      f = g;
      colon = true;
    }
    if (colon) {
      Cand x;
      x.type = Type::kTime;
      x.anchored = true;
      x.end = f;
      Date dd = ref_;
      if (!DayInSentence(i)) {
        // No day named before it in the sentence: one named just after it
        // (at 10:30 a.m. on Tuesday).
        for (size_t q = f; q < t_.size() && q < f + 5 && t_[q].sentence == t_[i].sentence; ++q) {
          std::string wv;
          if (M(q, Cls::kWeekday, &wv)) {
            int tense = Tense(i);
            dd = WeekdayDate(std::atoi(wv.c_str()), tense == 0 ? -1 : tense, false);
            break;
          }
          if (M(q, Cls::kDeictic, &wv) && anchor_.ok()) {
            dd = AddDays(anchor_, std::atoi(wv.c_str()));
            break;
          }
        }
      }
      x.value = PodValue(dd, Two(hh) + ":" + Two(mm));
      x.day = dd;
      Keep(x, best);
    }
  }
  if ((e = M(i, Cls::kClock, &v))) {
    Cand x;
    x.type = Type::kTime;
    x.anchored = true;
    x.end = e;
    x.value = PodValue(ref_, v);
    Keep(x, best);
  }
  // Years, [in] 2021; the 1990s.
  {
    int yy;
    if (Year(i, &yy, &e, false) && !Is(e, Cls::kNonYear) && !(i > 0 && t_[i - 1].digits) &&
        !(e < t_.size() && t_[e].digits)) {
      Cand x;
      x.end = e;
      x.value = Year4(yy);
      x.year = yy;
      if (e < t_.size() && !t_[e].space_before && K(e) == "s") {
        x.end = e + 1;
        x.value = Year4(yy).substr(0, 3) + "X";
        x.year = 0;
      } else if ((Punct(e, '-') || Punct(e, '/')) && e + 1 < t_.size() && t_[e + 1].digits) {
        // 2001-2021: two years.
      } else if (e < t_.size() && !t_[e].space_before && !Punct(e, ',') && !Punct(e, '.') &&
                 !Punct(e, ')') && !Punct(e, ';')) {
        x.end = 0;
      }
      if (x.end) Keep(x, best);
    }
  }
  // last week, next month, this year, the past year.
  {
    size_t a = i;
    if (size_t f = M(a, Cls::kDet)) a = f;
    size_t f;
    int dir = SignAfter(a, &f);
    bool this_ = false;
    if (dir) {
      a = f;
    } else if ((f = M(a, Cls::kThis))) {
      a = f;
      this_ = true;
    }
    std::string unit;
    if ((dir || this_) && (e = M(a, Cls::kUnit, &unit)) && anchor_.ok() &&
        (unit == "W" || unit == "M" || unit == "Y" || unit == "WE" || unit == "Q" || unit == "DE" ||
         unit == "CE")) {
      Cand x;
      x.end = e;
      x.anchored = true;
      int off = dir;
      // "this weekend" said on a weekday in a past sentence is the last one.
      if (unit == "WE" && this_ && Tense(i) < 0 && Weekday(anchor_) < 6) off = -1;
      x.value = UnitValue(unit, anchor_, off);
      Keep(x, best);
    }
    // over the weekend: the last one in a past sentence, else this week's.
    if (!dir && !this_ && a != i && (e = M(a, Cls::kUnit, &unit)) && unit == "WE" && anchor_.ok()) {
      Cand x;
      x.end = e;
      x.anchored = true;
      int off = Tense(i) < 0 && Weekday(anchor_) < 6 ? -1 : 0;
      x.value = UnitValue(unit, anchor_, off);
      Keep(x, best);
    }
    // this morning, this afternoon.
    std::string pod;
    if (this_ && (e = M(a, Cls::kPartOfDay, &pod))) {
      Cand x;
      x.end = e;
      x.type = Type::kTime;
      x.anchored = true;
      x.value = PodValue(anchor_, pod);
      x.day = anchor_;
      Keep(x, best);
    }
    // last summer, next spring.
    if ((dir || this_) && (e = M(a, Cls::kSeason, &v)) && anchor_.ok()) {
      Cand x;
      x.end = e;
      x.anchored = true;
      x.value = Year4(anchor_.y + dir) + "-" + v;
      Keep(x, best);
    }
  }
  // Durations: three days, 48 hours, several weeks; N units ago; in N units.
  {
    double n = 1;
    bool vague = false;
    size_t a = i;
    if (size_t f = M(a, Cls::kVague)) {
      vague = true;
      a = f;
    } else if (Number(a, &n, &e)) {
      a = e;
    } else {
      a = SIZE_MAX;
    }
    std::string unit;
    // "a second" is mostly an ordinal (a second round).
    bool ordinal = a != SIZE_MAX && (K(i) == "a" || K(i) == "an") && F(a) == "second";
    if (a != SIZE_MAX && !ordinal && (e = M(a, Cls::kUnit, &unit))) {
      if (e < t_.size() && Is(e, Cls::kAgo)) {
        Cand x;
        x.end = e + 1;
        x.anchored = true;
        int cnt = int(n);
        if (vague || !anchor_.ok()) {
          x.type = Type::kTime;
          x.value = "PAST_REF";
        } else if (unit == "D") {
          x.value = DayValue(AddDays(anchor_, -cnt));
        } else if (unit == "W") {
          x.value = DayValue(AddDays(anchor_, -7 * cnt));
        } else if (unit == "M") {
          Date dd = AddMonths(anchor_, -cnt);
          x.value = MonthValue(dd.y, dd.m);
        } else if (unit == "Y") {
          x.value = Year4(anchor_.y - cnt);
        } else {
          x.type = Type::kTime;
          x.value = "PAST_REF";
        }
        Keep(x, best);
      } else {
        Cand x;
        x.type = Type::kDuration;
        x.end = e;
        x.value = DurationValue(n, vague, unit);
        Keep(x, best);
      }
    }
  }
  // Sets: every day, every Monday, daily.
  if ((e = M(i, Cls::kSet, &v))) {
    Cand x;
    x.type = Type::kSet;
    x.end = e;
    x.value = v;
    Keep(x, best);
  }
  if ((e = M(i, Cls::kEach))) {
    Cand x;
    x.type = Type::kSet;
    std::string unit;
    if (size_t w = M(e, Cls::kWeekday, &v)) {
      x.end = w;
      x.value = "XXXX-WXX-" + v;
      Keep(x, best);
    } else if (size_t u = M(e, Cls::kUnit, &unit)) {
      x.end = u;
      x.value = DurationValue(1, false, unit);
      Keep(x, best);
    }
  }
  if ((e = M(i, Cls::kRef, &v))) {
    Cand x;
    x.type = Type::kTime;
    x.end = e;
    x.value = v;
    Keep(x, best);
  }
  // early 2021, mid-August, the end of the year.
  for (Cls c : {Cls::kStart, Cls::kMid, Cls::kEnd}) {
    if ((e = M(i, c, &v))) {
      size_t a = e;
      if (Punct(a, '-') && !t_[a].space_before) ++a;
      Cand inner;
      CoreEn(a, &inner);
      std::string unit;
      size_t u = a;
      if (size_t f = M(u, Cls::kDet)) u = f;
      if (inner.end == 0 && anchor_.ok() && (e = M(u, Cls::kUnit, &unit)) &&
          (unit == "Y" || unit == "M" || unit == "W")) {
        inner.end = e;
        inner.value = UnitValue(unit, anchor_, 0);
        inner.anchored = true;
      }
      if (inner.end && inner.type != Type::kDuration) {
        inner.mod = v;
        Keep(inner, best);
      }
    }
  }
  return best->end != 0;
}

}  // namespace veille::timex
