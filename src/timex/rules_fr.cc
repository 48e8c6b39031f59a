// rules_fr.cc: the French grammar of time expressions (cue words in
// data/timex/fr.tsv).
#include <cstdlib>

#include "timex/rules.h"

namespace veille::timex {

namespace {
int ToInt(const std::string& s) { return std::atoi(s.c_str()); }
}  // namespace

bool Finder::ParseFr(size_t i, Cand* out) {
  Cand best;
  std::string v;
  // Prefixes that join the expression: vers, environ, plus de, moins de.
  for (Cls c : {Cls::kApprox, Cls::kMore, Cls::kLess}) {
    if (size_t e = M(i, c, &v)) {
      Cand x;
      size_t f = e;
      bool det = false;
      if (size_t d = M(f, Cls::kDet)) f = d, det = true;
      // "vers 14 h" leaves "vers" out, as French TimeBank mostly does.
      bool clock = c == Cls::kApprox && F(i) == "vers";
      if (CoreFr(f, &x) && (!det || x.type != Type::kDuration)) {
        x.mod = v;
        if (clock && x.type == Type::kTime) continue;
        Keep(x, &best);
      }
    }
  }
  if (size_t e = M(i, Cls::kDet); e && CanStart(e)) {
    Cand x;
    det_ = true;
    if (CoreFr(e, &x) && x.type != Type::kDuration) Keep(x, &best);
    det_ = false;
  }
  Cand x;
  if (CanStart(i) && CoreFr(i, &x)) Keep(x, &best);
  if (best.end == 0) return false;
  *out = best;
  return true;
}

bool Finder::DateFr(size_t i, Cand* best) {
  std::string v;
  size_t e;
  // 13/08/2021, 13.08.2021, 2021-08-13.
  if (i + 4 < t_.size() && t_[i].digits && t_[i + 2].digits && t_[i + 4].digits &&
      !t_[i + 1].space_before && !t_[i + 2].space_before && !t_[i + 3].space_before &&
      !t_[i + 4].space_before) {
    char s1 = t_[i + 1].key.size() == 1 ? K(i + 1)[0] : 0;
    char s2 = t_[i + 3].key.size() == 1 ? K(i + 3)[0] : 0;
    if (s1 == s2 && (s1 == '/' || s1 == '.' || s1 == '-')) {
      int a = t_[i].num, b = t_[i + 2].num, c = t_[i + 4].num;
      Date d;
      if (t_[i].key.size() == 4 && s1 == '-') {
        d = Date{a, b, c};
      } else if (t_[i].key.size() <= 2 && t_[i + 2].key.size() <= 2 &&
                 (t_[i + 4].key.size() == 4 || t_[i + 4].key.size() == 2)) {
        int y = t_[i + 4].key.size() == 2 ? (c >= 30 ? 1900 + c : 2000 + c) : c;
        d = Date{y, b, a};
      }
      if (d.m >= 1 && d.m <= 12 && d.d >= 1 && d.d <= DaysInMonth(d.y, d.m)) {
        Cand x;
        x.end = i + 5;
        x.value = DayValue(d);
        x.day = d;
        x.year = d.y;
        Keep(x, best);
      }
    }
  }
  // 2021-08 (a month).
  if (i + 2 < t_.size() && t_[i].digits && t_[i].key.size() == 4 && Punct(i + 1, '-') &&
      t_[i + 2].digits && t_[i + 2].key.size() == 2 && !t_[i + 1].space_before &&
      !t_[i + 2].space_before && t_[i + 2].num >= 1 && t_[i + 2].num <= 12 &&
      !(Punct(i + 3, '-') && i + 4 < t_.size() && t_[i + 4].digits)) {
    Cand x;
    x.end = i + 3;
    x.value = MonthValue(t_[i].num, t_[i + 2].num);
    x.year = t_[i].num;
    Keep(x, best);
  }
  // [weekday] day month [year] [dernier|prochain].
  size_t j = i;
  int wd = 0;
  if (size_t th = M(j, Cls::kThis); th && M(th, Cls::kWeekday)) j = th;  // ce lundi 16 août
  if ((e = M(j, Cls::kWeekday, &v))) {
    wd = ToInt(v);
    j = e;
  }
  int d = 0, m = 0, y = 0;
  if (Day(j, &d, &e)) {
    size_t k = e;
    if (Month(k, &m, &e)) {
      k = e;
      Cand x;
      x.end = k;
      if (Year(k, &y, &e, true) && (t_[k].key.size() == 4 || ShortYearEnds(e))) {
        x.end = e;
        x.year = y;
      } else {
        size_t f;
        int dir = SignAfter(k, &f);
        if (dir) x.end = f;
        y = InferYear(m, d, dir, i);
        x.anchored = true;
      }
      if (d <= DaysInMonth(y > 0 ? y : 2000, m)) {
        Date dd{y, m, d};
        x.value = DayValue(dd);
        if (y > 0) x.day = dd;
        Keep(x, best);
      }
    } else if ((det_ || K(i - 1) == "du" || K(i - 1) == "entre") && wd == 0 &&
               (K(k) == "au" || K(k) == "et" || Punct(k, '-'))) {
      // le 6 et le 13 avril, du 19 au 23 juillet: the month of the next day.
      size_t n = k + 1;
      if (M(n, Cls::kDet)) n = M(n, Cls::kDet);
      int d2, m2;
      size_t e2;
      if (Day(n, &d2, &e2) && Month(e2, &m2, &e2)) {
        int y2 = 0;
        size_t e3;
        if (Year(e2, &y2, &e3, false)) {  // le 6 et le 13 avril 2003
        } else {
          size_t f;
          y2 = InferYear(m2, d, SignAfter(e2, &f), i);
        }
        Cand x;
        x.end = k;
        x.value = DayValue(Date{y2, m2, d});
        x.anchored = true;
        Keep(x, best);
      }
    }
  }
  // Bare day after a determiner (le 13): the month of the last date named.
  if (det_ && wd == 0 && j < t_.size() && t_[j].digits && t_[j].key.size() <= 2 && t_[j].num >= 1 &&
      t_[j].num <= 31 && best->end == 0) {
    size_t k = j + 1;
    bool ends = k >= t_.size() || Punct(k, ',') || Punct(k, '.') || Punct(k, ')') ||
                Punct(k, ';') || K(k) == "et" || K(k) == "au" || K(k) == "à" || K(k) == "dans" ||
                K(k) == "sur" || K(k) == "pour" || K(k) == "avec" || K(k) == "lors" ||
                K(k) == "vers";
    if (Punct(k, ',') && Is(k + 1, Cls::kNotDay)) ends = false;  // le 10, rue Paul-Bert
    if (ends && ref_.ok() && t_[j].num <= DaysInMonth(ref_.y, ref_.m)) {
      Cand x;
      x.end = k;
      Date dd{ref_.y, ref_.m, t_[j].num};
      x.value = DayValue(dd);
      x.anchored = true;
      x.day = dd;
      Keep(x, best);
    }
  }
  // Month [year] [dernier|prochain]; mois de juin.
  j = i;
  if (F(j) == "mois" && j + 1 < t_.size() && (F(j + 1) == "de" || F(j + 1) == "d'")) {
    j += 2;
  }
  if (Month(j, &m, &e)) {
    size_t k = e;
    Cand x;
    x.end = k;
    bool ok = true;
    // "mai" and "mars" alone are words too: a month alone needs a
    // lowercase spelling or a neighbouring date word.
    if (Year(k, &y, &e, true) && (t_[k].key.size() == 4 || ShortYearEnds(e))) {
      x.end = e;
      x.year = y;
    } else {
      size_t f;
      int dir = SignAfter(k, &f);
      if (dir) x.end = f;
      if (!dir && t_[j].upper && !t_[j].sentence_start && (m == 3 || m == 5)) ok = false;
      y = InferYear(m, 0, dir, i);
      x.anchored = true;
    }
    if (ok) {
      x.value = MonthValue(y, m);
      Keep(x, best);
    }
  }
  // Weekdays: [ce] lundi [matin] [dernier|prochain], la nuit de lundi à mardi.
  j = i;
  bool this_ = false;
  if ((e = M(j, Cls::kThis))) {
    this_ = true;
    j = e;
  }
  if ((e = M(j, Cls::kWeekday, &v))) {
    wd = ToInt(v);
    size_t k = e;
    Cand x;
    // Plural after "tous les" is handled by the set rule; "le mercredi"
    // alone is a weekday.
    size_t f;
    int dir = SignAfter(k, &f);
    std::string pod;
    size_t pe = M(k, Cls::kPartOfDay, &pod);
    if (pe) k = pe;
    if (!dir) dir = SignAfter(k, &f);
    if (dir) k = f;
    Date dd;
    // le mardi 17: the 17th near the last date named, on a Tuesday if one is.
    if (!pe && !dir && k < t_.size() && t_[k].digits && t_[k].key.size() <= 2 && t_[k].num >= 1 &&
        t_[k].num <= 31 && ref_.ok()) {
      Date found;
      for (int delta : {0, 1, -1}) {
        Date m = AddMonths(Date{ref_.y, ref_.m, 1}, delta);
        Date c{m.y, m.m, t_[k].num};
        if (c.d <= DaysInMonth(c.y, c.m) && Weekday(c) == wd) {
          found = c;
          break;
        }
      }
      if (!found.ok() && t_[k].num <= DaysInMonth(ref_.y, ref_.m))
        found = Date{ref_.y, ref_.m, t_[k].num};
      if (found.ok()) {
        Cand x;
        x.end = k + 1;
        x.anchored = true;
        x.value = DayValue(found);
        x.day = found;
        Keep(x, best);
        return true;
      }
    }
    // le mercredi, les jeudis: every Wednesday, every Thursday.
    bool plural = F(e - 1).size() > 1 && F(e - 1).back() == 's';
    if (!dir && !pe && !this_ && (plural || (det_ && K(i - 1) == "le"))) {
      Cand x;
      x.type = Type::kSet;
      x.end = k;
      x.value = "XXXX-WXX-" + std::to_string(wd);
      Keep(x, best);
      return best->end != 0;
    }
    if (dir) {
      dd = WeekdayDate(wd, dir, true);
    } else if (this_) {
      int tense = Tense(i);
      dd = WeekdayDate(wd, tense, false);
    } else {
      int tense = Tense(i);
      dd = WeekdayDate(wd, tense == 0 ? -1 : tense, false);
    }
    x.end = k;
    x.anchored = true;
    if (pe) {
      x.type = Type::kTime;
      x.value = PodValue(dd, pod);
    } else {
      x.value = dd.ok() ? DayValue(dd) : "XXXX-WXX-" + std::to_string(wd);
    }
    x.day = dd;
    Keep(x, best);
  }
  // La nuit de lundi à mardi, la nuit de samedi, la nuit du 14 au 15 août,
  // la nuit dernière: the night that starts on the first day.
  j = i;
  if (F(j) == "nuit" && j + 2 < t_.size() && (K(j + 1) == "de" || K(j + 1) == "du")) {
    if ((e = M(j + 2, Cls::kWeekday, &v))) {
      wd = ToInt(v);
      int tense = Tense(i);
      Date dd = WeekdayDate(wd, tense == 0 ? -1 : tense, false);
      Cand x;
      x.end = e;
      if ((K(e) == "à" || K(e) == "a" || K(e) == "au") && M(e + 1, Cls::kWeekday)) {
        x.end = M(e + 1, Cls::kWeekday);
      }
      x.type = Type::kTime;
      x.value = PodValue(dd, "NI");
      x.anchored = true;
      x.day = dd;
      Keep(x, best);
    }
    int d1, d2, m2;
    size_t e1, e2;
    if (Day(j + 2, &d1, &e1) && K(e1) == "au" && Day(e1 + 1, &d2, &e2) && Month(e2, &m2, &e2)) {
      // The first day is in the month named, or the one before (31 au 1er).
      int m1 = d1 > d2 ? (m2 == 1 ? 12 : m2 - 1) : m2;
      Cand x;
      x.end = e2;
      int y = 0;
      size_t e3 = SIZE_MAX;
      if (Year(e2, &y, &e3, false)) {
        x.end = e3;
      } else {
        size_t f;
        y = InferYear(m1, d1, SignAfter(e2, &f), i);
        x.anchored = true;
      }
      if (m1 == 12 && m2 == 1 && y > 0 && x.end == e3) --y;
      if (d1 <= DaysInMonth(y > 0 ? y : 2000, m1)) {
        Date dd{y, m1, d1};
        x.type = Type::kTime;
        x.value = PodValue(y > 0 ? dd : Date{}, "NI");
        if (y <= 0) x.value = "XXXX-" + Two(m1) + "-" + Two(d1) + "TNI";
        if (y > 0) x.day = dd;
        Keep(x, best);
      }
    }
  }
  if (F(j) == "nuit" && det_ && Is(j + 1, Cls::kPast) && anchor_.ok()) {
    Cand x;
    x.end = M(j + 1, Cls::kPast);
    x.type = Type::kTime;
    x.anchored = true;
    x.day = AddDays(anchor_, -1);
    x.value = PodValue(x.day, "NI");
    Keep(x, best);
  }
  return best->end != 0;
}

bool Finder::TimeOfDay(size_t i, Cand* best) {
  std::string v;
  size_t e;
  // 14 h, 14 h 30, 14h30, 0 h 40, 14 heures (after à), midi.
  if (i + 1 < t_.size() && t_[i].digits && t_[i].key.size() <= 2 && t_[i].num <= 24) {
    size_t k = i + 1;
    bool h = K(k) == "h";
    bool heures = !h && (F(k) == "heures" || F(k) == "heure") && i > 0 &&
                  (K(i - 1) == "à" || K(i - 1) == "vers" || K(i - 1) == "dès" ||
                   K(i - 1) == "jusqu'à" || K(i - 1) == "de");
    if (h || heures) {
      int hh = t_[i].num, mm = 0;
      k = k + 1;
      if (k < t_.size() && t_[k].digits && t_[k].key.size() == 2 && t_[k].num < 60) {
        mm = t_[k].num;
        ++k;
      }
      Cand x;
      x.type = Type::kTime;
      x.anchored = true;
      Date dd = ref_;
      // 4 h mardi, 10 h hier: the day that follows.
      if ((e = M(k, Cls::kWeekday, &v))) {
        int tense = Tense(i);
        dd = WeekdayDate(ToInt(v), tense == 0 ? -1 : tense, false);
        k = e;
      } else if ((e = M(k, Cls::kDeictic, &v)) && anchor_.ok()) {
        dd = AddDays(anchor_, ToInt(v));
        k = e;
      } else if (Punct(k, ',') && (e = M(k + 1, Cls::kDeictic, &v)) && anchor_.ok()) {
        dd = AddDays(anchor_, ToInt(v));  // vers 15 h 30, hier
        k = e;
      } else if (!DayInSentence(i)) {
        // No day named before it in the sentence: one named just after it
        // (Vers 0 h 40, jeudi, ...).
        for (size_t q = k; q < t_.size() && q < k + 6 && t_[q].sentence == t_[i].sentence; ++q) {
          if (M(q, Cls::kWeekday, &v)) {
            int tense = Tense(i);
            dd = WeekdayDate(ToInt(v), tense == 0 ? -1 : tense, false);
            break;
          }
          if (M(q, Cls::kDeictic, &v) && anchor_.ok()) {
            dd = AddDays(anchor_, ToInt(v));
            break;
          }
        }
      }
      std::string tz;
      if ((e = M(k, Cls::kLocal, &v))) {
        k = e;
        tz = v;
      }
      x.end = k;
      x.value = PodValue(dd, Two(hh) + ":" + Two(mm));
      if (tz == "+1") x.value += "+1";
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
  return best->end != 0;
}

bool Finder::DurationFr(size_t i, Cand* best) {
  std::string v, unit;
  size_t e;
  double n = 1;
  bool vague = false;
  size_t k = i;
  if ((e = M(i, Cls::kVague, &v))) {
    // ces dernières 24 heures: the number wins.
    double n2;
    size_t e2;
    if (Number(e, &n2, &e2)) {
      n = n2;
      k = e2;
    } else {
      vague = true;
      k = e;
    }
  } else if (Number(i, &n, &e)) {
    k = e;
    // A spelled "un" is a count only before a unit.
  } else {
    return false;
  }
  // un demi-siècle, une demi-heure.
  size_t ue = M(k, Cls::kUnit, &unit);
  if (!ue) return false;
  // "une seconde" is mostly an ordinal (une seconde vague).
  if (K(i) == "une" && F(k) == "seconde") return false;
  // "mois" after a day number is a date (le 13 mois is rare); a year-like
  // number before "ans" is not a count.
  if (!vague && n > 1000) return false;
  // Ages: Jean Dupont, 54 ans; un chauffeur de 38 ans; âgé de 90 ans; les
  // 6-16 ans; les moins de 17 ans.
  if (unit == "Y" && i > 0 && !vague) {
    bool age = Punct(i - 1, ',') || Punct(i - 1, '(') || Punct(i - 1, '-') ||
               (ue < t_.size() && Punct(ue, ')'));
    if (K(i - 1) == "de" && i >= 2) {
      bool head = Is(i - 2, Cls::kDurHead);
      if (!head && !t_[i - 2].digits) age = true;
      if ((F(i - 2) == "moins" || F(i - 2) == "plus") && i >= 3 && Is(i - 3, Cls::kDet)) age = true;
    }
    if (age) return false;
  }
  Cand x;
  x.type = Type::kDuration;
  x.end = ue;
  x.value = DurationValue(n, vague, unit);
  Keep(x, best);
  return true;
}

bool Finder::CoreFr(size_t i, Cand* best) {
  if (i >= t_.size()) return false;
  std::string v;
  size_t e;
  DateFr(i, best);
  // hier [soir] [à 10 h]; aujourd'hui [vendredi].
  if ((e = M(i, Cls::kDeictic, &v))) {
    Cand x;
    x.end = e;
    x.anchored = true;
    Date dd = anchor_.ok() ? AddDays(anchor_, ToInt(v)) : Date{};
    x.value = dd.ok() ? DayValue(dd) : "XXXX-XX-XX";
    x.day = dd;
    std::string pod;
    if (size_t p = M(e, Cls::kPartOfDay, &pod)) {
      x.type = Type::kTime;
      x.end = p;
      x.value = PodValue(dd, pod);
    } else if (size_t w = M(e, Cls::kWeekday)) {
      x.end = w;
    } else if (K(e) == "à" && dd.ok()) {
      // Hier à 10 h.
      Date keep = ref_;
      ref_ = dd;
      Cand t;
      if (TimeOfDay(e + 1, &t)) {
        x.type = Type::kTime;
        x.end = t.end;
        x.value = t.value;
      }
      ref_ = keep;
    }
    Keep(x, best);
  }
  // le lendemain [matin], la veille, le même jour.
  if ((e = M(i, Cls::kRelDay, &v))) {
    Cand x;
    x.end = e;
    x.anchored = true;
    Date dd = ref_.ok() ? AddDays(ref_, ToInt(v)) : Date{};
    x.value = dd.ok() ? DayValue(dd) : "XXXX-XX-XX";
    x.day = dd;
    std::string pod;
    if (size_t p = M(e, Cls::kPartOfDay, &pod)) {
      x.type = Type::kTime;
      x.end = p;
      x.value = PodValue(dd, pod);
    }
    Keep(x, best);
  }
  TimeOfDay(i, best);
  // Years: 1998, l'an 2000, l'année 2001.
  {
    size_t j = i;
    if ((e = M(j, Cls::kYear))) j = e;
    int y;
    if (Year(j, &y, &e, false)) {
      bool ok = !Is(e, Cls::kNonYear) && !(e < t_.size() && t_[e].digits && t_[e].space_before) &&
                !(j > 0 && t_[j - 1].digits);
      // A number glued to letters or symbols (2000m) is not a year; the
      // season 2002/2003 is two.
      bool pair = (Punct(e, '/') || Punct(e, '-')) && e + 1 < t_.size() && t_[e + 1].digits &&
                  (t_[e + 1].key.size() == 4 || t_[e + 1].key.size() == 2);
      if (pair) ok = true;
      if (!pair && e < t_.size() && !t_[e].space_before && !t_[e].digits && K(e) != "," &&
          K(e) != "." && K(e) != ")" && K(e) != ";")
        ok = false;
      if (ok) {
        Cand x;
        x.end = e;
        x.value = Year4(y);
        x.year = y;
        Keep(x, best);
      }
    }
  }
  // Calendar units: cette année, la semaine dernière, l'an prochain, ce week-end.
  {
    size_t j = i;
    bool this_ = false;
    if ((e = M(j, Cls::kThis))) {
      j = e;
      this_ = true;
    }
    std::string unit;
    if ((e = M(j, Cls::kUnit, &unit)) &&
        (unit == "D" || unit == "W" || unit == "M" || unit == "Y" || unit == "WE" || unit == "Q" ||
         unit == "CE" || unit == "DE")) {
      size_t k = e;
      // ce mois-ci
      if (k + 1 < t_.size() && Punct(k, '-') && K(k + 1) == "ci") k += 2;
      size_t f;
      int dir = SignAfter(k, &f);
      bool ok = this_ || dir != 0 || (det_ && (unit == "Y") && false);
      if (dir && this_) ok = false;  // ces derniers jours: a duration
      if (ok && unit != "D" && anchor_.ok()) {
        Cand x;
        x.end = dir ? f : k;
        x.anchored = true;
        int off = dir;
        if (unit == "WE" && this_ && Tense(i) < 0 && Weekday(anchor_) < 6) off = -1;
        x.value = UnitValue(unit, anchor_, off);
        if (unit == "Y") x.year = anchor_.y + dir;
        Keep(x, best);
      }
    }
  }
  DurationFr(i, best);
  if ((e = M(i, Cls::kSpan, &v)) && !det_) {
    Cand x;
    x.type = Type::kDuration;
    x.end = e;
    x.value = v;
    Keep(x, best);
  }
  // il y a trois jours; dans deux semaines.
  for (Cls c : {Cls::kAgo, Cls::kIn}) {
    if ((e = M(i, c, &v))) {
      int sign = ToInt(v);
      double n = 1;
      size_t k;
      std::string unit;
      bool vague = false;
      if (Number(e, &n, &k)) {
      } else if (size_t g = M(e, Cls::kVague)) {
        vague = true;
        k = g;
      } else {
        continue;
      }
      size_t ue = M(k, Cls::kUnit, &unit);
      if (!ue) continue;
      Cand x;
      x.end = ue;
      x.anchored = true;
      if (vague) continue;  // il y a quelques mois: the duration alone
      if (!anchor_.ok()) {
        x.value = "XXXX-XX-XX";
      } else {
        int cnt = int(n);
        if (unit == "D") {
          x.value = DayValue(AddDays(anchor_, sign * cnt));
        } else if (unit == "W") {
          x.value = DayValue(AddDays(anchor_, sign * 7 * cnt));
        } else if (unit == "M") {
          Date dd = AddMonths(anchor_, sign * cnt);
          x.value = MonthValue(dd.y, dd.m);
        } else if (unit == "Y") {
          x.value = Year4(anchor_.y + sign * cnt);
        } else if (unit == "H" || unit == "MIN") {
          x.type = Type::kTime;
          x.value = sign < 0 ? "PAST_REF" : "FUTURE_REF";
        } else {
          x.value = sign < 0 ? "PAST_REF" : "FUTURE_REF";
          x.type = Type::kTime;
        }
      }
      Keep(x, best);
    }
  }
  // Sets: chaque jour, tous les jeudis, tous les deux ans, quotidien (not
  // le quotidien, a newspaper).
  bool after_det = det_ || (i > 0 && (Is(i - 1, Cls::kDet) || K(i - 1) == "un" ||
                                      K(i - 1) == "des" || K(i - 1) == "du"));
  if (!after_det && (e = M(i, Cls::kSet, &v))) {
    Cand x;
    x.type = Type::kSet;
    x.end = e;
    x.value = v;
    Keep(x, best);
  }
  for (Cls c : {Cls::kEach, Cls::kEvery}) {
    if ((e = M(i, c))) {
      size_t k = e;
      double n = 1;
      size_t f;
      if (c == Cls::kEvery && Number(k, &n, &f)) k = f;
      std::string unit;
      Cand x;
      x.type = Type::kSet;
      if (size_t w = M(k, Cls::kWeekday, &v)) {
        x.end = w;
        x.value = "XXXX-WXX-" + v;
        std::string pod;
        if (size_t p = M(w, Cls::kPartOfDay, &pod)) x.end = p, x.value += "T" + pod;
        Keep(x, best);
      } else if (size_t u = M(k, Cls::kUnit, &unit)) {
        x.end = u;
        x.value = DurationValue(n, false, unit);
        Keep(x, best);
      } else if (size_t p = M(k, Cls::kPartOfDay, &v)) {
        x.end = p;
        x.value = "XXXX-XX-XXT" + v;
        Keep(x, best);
      }
    }
  }
  // maintenant, actuellement, désormais, l'avenir.
  if ((e = M(i, Cls::kRef, &v))) {
    Cand x;
    x.type = Type::kTime;
    x.end = e;
    x.value = v;
    Keep(x, best);
  }
  // Seasons: l'automne, cet été, l'hiver dernier, l'été 2003.
  {
    size_t j = i;
    bool this_ = false;
    if ((e = M(j, Cls::kThis))) j = e, this_ = true;
    bool cued = this_ || det_ || (i > 0 && (K(i - 1) == "en" || K(i - 1) == "au"));
    if (cued && (e = M(j, Cls::kSeason, &v))) {
      Cand x;
      x.end = e;
      int y = anchor_.y;
      size_t f;
      int yy;
      if (Year(e, &yy, &f, false)) {
        y = yy;
        x.end = f;
      } else if (int dir = SignAfter(e, &f)) {
        y += dir;
        x.end = f;
        x.anchored = true;
      } else {
        x.anchored = true;
      }
      x.value = Year4(y) + "-" + v;
      Keep(x, best);
    }
  }
  // Parts of the day after a determiner or "ce": ce soir, la nuit, cet après-midi.
  {
    size_t j = i;
    bool this_ = false;
    if ((e = M(j, Cls::kThis))) j = e, this_ = true;
    if ((this_ || det_) && (e = M(j, Cls::kPartOfDay, &v)) && F(j) != "journee") {
      Cand x;
      x.type = Type::kTime;
      if (F(e) == "meme") ++e;  // le matin même
      x.end = e;
      x.anchored = true;
      Date dd = this_ ? anchor_ : ref_;
      x.value = PodValue(dd, v);
      x.day = dd;
      Keep(x, best);
    }
  }
  // Boundaries: début 2021, mi-août, fin septembre 2000, la fin de l'année.
  for (Cls c : {Cls::kStart, Cls::kMid, Cls::kEnd}) {
    if ((e = M(i, c, &v))) {
      size_t k = e;
      if (k < t_.size() && Punct(k, '-') && !t_[k].space_before) ++k;
      Cand inner;
      bool d = det_;
      det_ = false;
      if (size_t dd = M(k, Cls::kDet)) {
        det_ = true;
        CoreFr(dd, &inner);
      }
      Cand inner2;
      if (CoreFr(k, &inner2)) Keep(inner2, &inner);
      det_ = d;
      // de l'année, du mois: the anchor's.
      if (inner.end == 0 && k + 1 < t_.size()) {
        size_t u = k;
        if (M(u, Cls::kDet)) u = M(u, Cls::kDet);
        std::string unit;
        if (size_t ue = M(u, Cls::kUnit, &unit);
            ue && anchor_.ok() && (unit == "Y" || unit == "M" || unit == "W")) {
          inner.end = ue;
          inner.value = UnitValue(unit, anchor_, 0);
          inner.anchored = true;
        }
      }
      if (inner.end && inner.type != Type::kDuration) {
        inner.mod = v;
        Keep(inner, best);
      }
    }
  }
  // Decades and centuries: les années 60, le XIXe siècle.
  if ((e = M(i, Cls::kDecade))) {
    size_t k = e;
    double n;
    size_t f;
    if (k < t_.size() && t_[k].digits && (t_[k].key.size() == 2 || t_[k].key.size() == 4)) {
      int y = t_[k].num;
      if (t_[k].key.size() == 2) y = 1900 + y;
      Cand x;
      x.end = k + 1;
      x.value = Year4(y).substr(0, 3) + "X";
      Keep(x, best);
    } else if (Number(k, &n, &f) && n >= 10 && n < 100) {
      Cand x;
      x.end = f;
      x.value = Year4(1900 + int(n)).substr(0, 3) + "X";
      Keep(x, best);
    }
  }
  if (i + 1 < t_.size() && (F(i + 1) == "siecle")) {
    // Roman numerals with e/ème: XIXe, XXe.
    std::string r(K(i));
    int val = 0, prev = 0;
    bool roman = r.size() >= 2;
    size_t end = r.size();
    if (r.size() > 3 && r.compare(r.size() - 3, 3, "ème") == 0)
      end = r.size() - 4;
    else if (r.back() == 'e')
      end = r.size() - 1;
    else
      roman = false;
    for (size_t q = end; roman && q-- > 0;) {
      int d = r[q] == 'i' ? 1 : r[q] == 'v' ? 5 : r[q] == 'x' ? 10 : 0;
      if (!d) roman = false;
      val += d < prev ? -d : d;
      prev = std::max(prev, d);
    }
    if (roman && val > 0 && val <= 21) {
      Cand x;
      x.end = i + 2;
      x.value = Two(val - 1);
      Keep(x, best);
    }
  }
  return best->end != 0;
}

}  // namespace veille::timex
