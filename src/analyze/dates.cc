// dates.cc: the date an article's text gives for itself.
//
// News dates the current day as "ce lundi 23 août", "Monday, August 23",
// often without the year, which then comes from the header/metadata date.
// A bare day and month ("d'ici le 31 août", a caption's "13 juillet") is
// usually a deadline, an anniversary or another event, so it is only taken
// with a weekday or a demonstrative ("ce 23 août") or an explicit year.
// A weekday that disagrees with the computed date rejects the candidate.
#include <re2/re2.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "analyze/internal.h"
#include "clean/text_util.h"
#include "veille/analyze.h"

namespace veille {

using clean_internal::Trim;

namespace {

std::string Lower(std::string_view s) {
  // Month and weekday names: ASCII case plus the few accented capitals.
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  static const std::pair<const char*, const char*> kUpper[] = {
      {"\xC3\x89", "\xC3\xA9"}, {"\xC3\x9B", "\xC3\xBB"}, {"\xC3\x88", "\xC3\xA8"}};  // É Û È
  for (const auto& [u, l] : kUpper) {
    for (size_t p = out.find(u); p != std::string::npos; p = out.find(u, p)) out.replace(p, 2, l);
  }
  return out;
}

std::string Alternation(std::vector<std::string> names) {
  // Longest first so that "mars" does not shadow a longer name.
  std::sort(names.begin(), names.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += "|";
    out += RE2::QuoteMeta(n);
  }
  return out;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysIn(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// ISO weekday (Monday = 1) of a Gregorian date (Sakamoto).
int Weekday(int y, int m, int d) {
  static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
  if (m < 3) y -= 1;
  int w = (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;  // 0 = Sunday
  return w == 0 ? 7 : w;
}

struct Context {
  int year = 0, month = 0, day = 0;
};

Context ParseContext(std::string_view s) {
  Context c;
  int y = 0, m = 0, d = 0;
  std::string str(s);
  int n = std::sscanf(str.c_str(), "%4d-%2d-%2d", &y, &m, &d);
  if (n >= 1 && y >= 1000 && y <= 9999) c.year = y;
  if (n >= 2 && m >= 1 && m <= 12) c.month = m;
  if (n >= 3 && d >= 1 && d <= 31) c.day = d;
  return c;
}

struct Candidate {
  int tier = 0;    // higher wins
  size_t pos = 0;  // earlier wins within a tier
  std::string date;
};

std::string Format(int y, int m, int d) {
  char buf[40];  // room for any int: no truncation warning
  if (d)
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  else
    std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
  return buf;
}

int ParseDay(std::string_view s) {
  std::string l = Lower(s);
  if (l == "1er" || l == "1re" || l == "premier") return 1;
  int d = 0;
  for (char c : l) {
    if (c < '0' || c > '9') break;
    d = d * 10 + (c - '0');
  }
  return d;
}

int ParseInt(std::string_view s) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return s.empty() ? -1 : v;
}

}  // namespace

Status MetadataAnalyzer::Impl::LoadDates(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::NotFound("cannot read " + path);
  std::vector<std::string> month_names, en_month_names, weekday_names, demo_names;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    std::string where = path + ":" + std::to_string(lineno);
    std::string_view v = Trim(line);
    if (v.empty() || v[0] == '#') continue;
    std::vector<std::string_view> f;
    size_t pos = 0;
    while (pos <= v.size()) {
      size_t tab = v.find('\t', pos);
      if (tab == std::string_view::npos) tab = v.size();
      f.push_back(v.substr(pos, tab - pos));
      pos = tab + 1;
    }
    if (f.size() != 4)
      return Error::BadInput(where + ": expected kind<TAB>name<TAB>value<TAB>lang");
    int value = ParseInt(f[2]);
    std::string name = Lower(f[1]);
    if (f[0] == "month") {
      if (value < 1 || value > 12) return Error::BadInput(where + ": month must be 1..12");
      months[name] = value;
      month_names.push_back(name);
      if (f[3] == "en") en_month_names.push_back(name);
    } else if (f[0] == "weekday") {
      if (value < 1 || value > 7) return Error::BadInput(where + ": weekday must be 1..7");
      weekdays[name] = value;
      weekday_names.push_back(name);
    } else if (f[0] == "this") {
      demonstratives.insert(name);
      demo_names.push_back(name);
    } else {
      return Error::BadInput(where + ": kind must be month, weekday or this");
    }
  }
  if (month_names.empty() || weekday_names.empty() || demo_names.empty())
    return Error::BadInput(path + ": needs months, weekdays and demonstratives");
  const std::string blank = R"([ \t\x{a0}\x{202f}]+)";
  const std::string demo = "(?:\\b(" + Alternation(demo_names) + ")" + blank + ")?";
  const std::string wd = "(?:\\b(" + Alternation(weekday_names) + "),?" + blank;
  const std::string year = "(?:,?" + blank + "(\\d{4})\\b)?";
  RE2::Options opt;
  opt.set_log_errors(false);
  opt.set_case_sensitive(false);
  day_first =
      std::make_unique<RE2>(demo + wd + "(?:(?:the|le)" + blank + ")?)?" +
                                "\\b(1er|1re|premier|\\d{1,2})(?:st|nd|rd|th)?" + blank + "(?:of" +
                                blank + ")?(" + Alternation(month_names) + ")\\b" + year,
                            opt);
  const std::string en = en_month_names.empty() ? "january" : Alternation(en_month_names);
  month_first = std::make_unique<RE2>(
      demo + wd + ")?\\b(" + en + ")" + blank + "(\\d{1,2})(?:st|nd|rd|th)?\\b" + year, opt);
  numeric = std::make_unique<RE2>(
      R"(\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b)", opt);
  month_year =
      std::make_unique<RE2>("\\b(" + Alternation(month_names) + ")" + blank + "(\\d{4})\\b", opt);
  for (const RE2* re : {day_first.get(), month_first.get(), numeric.get(), month_year.get()})
    if (!re->ok()) return Error::Internal(path + ": date pattern: " + re->error());
  return OkStatus();
}

std::optional<std::string> MetadataAnalyzer::DateInText(std::string_view text,
                                                        std::string_view context_date,
                                                        std::string_view language) const {
  const Impl& im = *impl_;
  const Context ctx = ParseContext(context_date);
  std::optional<Candidate> best;
  auto offer = [&](Candidate c) {
    if (!best || c.tier > best->tier || (c.tier == best->tier && c.pos < best->pos)) best = c;
  };

  // A day-month date: fill the year, check it against the context and the
  // weekday, and rank it.
  auto consider = [&](size_t pos, bool demo, std::string_view weekday, int d, int m, int y) {
    if (m < 1 || m > 12 || d < 1) return;
    bool explicit_year = y > 0;
    if (!explicit_year) {
      if (!ctx.year) return;                 // no year anywhere: not the article's date
      if (!demo && weekday.empty()) return;  // bare day-month: deadline, caption ...
      y = ctx.year;
      if (ctx.month == 1 && m == 12) y = ctx.year - 1;
      if (ctx.month == 12 && m == 1) y = ctx.year + 1;
    }
    if (d > DaysIn(y, m)) return;
    if (ctx.year) {
      // A date in another year or month than the header's is a reference
      // to another event; a neighbouring month is accepted with a weekday.
      int delta = (y * 12 + m) - (ctx.year * 12 + (ctx.month ? ctx.month : m));
      if (!ctx.month && y != ctx.year) return;
      if (ctx.month && delta != 0 && (std::abs(delta) > 1 || weekday.empty())) return;
    }
    if (!weekday.empty()) {
      auto it = im.weekdays.find(Lower(weekday));
      if (it == im.weekdays.end() || it->second != Weekday(y, m, d)) return;
    }
    offer({weekday.empty() ? 2 : 3, pos, Format(y, m, d)});
  };

  re2::StringPiece input(text.data(), text.size());
  re2::StringPiece g[8];
  // Spans of day-month mentions, accepted or not: their month and year are
  // not a separate month-precision date.
  std::vector<std::pair<size_t, size_t>> day_spans;
  // Day first: "ce lundi 23 août", "le 23 août 2021", "Monday 23 August".
  for (size_t pos = 0; pos < text.size();) {
    if (!im.day_first->Match(input, pos, text.size(), RE2::UNANCHORED, g, 6)) break;
    day_spans.emplace_back(g[0].data() - text.data(), g[0].data() - text.data() + g[0].size());
    auto m = im.months.find(Lower(std::string_view(g[4].data(), g[4].size())));
    if (m != im.months.end()) {
      consider(g[0].data() - text.data(), !g[1].empty(), std::string_view(g[2].data(), g[2].size()),
               ParseDay(std::string_view(g[3].data(), g[3].size())), m->second,
               g[5].empty() ? 0 : ParseInt(std::string_view(g[5].data(), g[5].size())));
    }
    pos = g[0].data() - text.data() + std::max<size_t>(1, g[0].size());
  }
  // Month first (English): "Monday, August 23", "August 23, 2021".
  for (size_t pos = 0; pos < text.size();) {
    if (!im.month_first->Match(input, pos, text.size(), RE2::UNANCHORED, g, 6)) break;
    auto m = im.months.find(Lower(std::string_view(g[3].data(), g[3].size())));
    if (m != im.months.end()) {
      consider(g[0].data() - text.data(), !g[1].empty(), std::string_view(g[2].data(), g[2].size()),
               ParseInt(std::string_view(g[4].data(), g[4].size())), m->second,
               g[5].empty() ? 0 : ParseInt(std::string_view(g[5].data(), g[5].size())));
    }
    pos = g[0].data() - text.data() + std::max<size_t>(1, g[0].size());
  }
  // Numeric: "23/08/2021" (day first in French; month first in English only
  // when the day cannot be a month), "2021-08-23".
  for (size_t pos = 0; pos < text.size();) {
    if (!im.numeric->Match(input, pos, text.size(), RE2::UNANCHORED, g, 7)) break;
    size_t at = g[0].data() - text.data();
    if (!g[1].empty()) {
      int a = ParseInt(std::string_view(g[1].data(), g[1].size()));
      int b = ParseInt(std::string_view(g[2].data(), g[2].size()));
      int y = ParseInt(std::string_view(g[3].data(), g[3].size()));
      if (language == "en") {
        if (b > 12 && a <= 12)
          consider(at, false, {}, b, a, y);
        else if (a > 12 && b <= 12)
          consider(at, false, {}, a, b, y);
      } else {
        consider(at, false, {}, a, b, y);
      }
    } else {
      consider(at, false, {}, ParseInt(std::string_view(g[6].data(), g[6].size())),
               ParseInt(std::string_view(g[5].data(), g[5].size())),
               ParseInt(std::string_view(g[4].data(), g[4].size())));
    }
    pos = at + std::max<size_t>(1, g[0].size());
  }
  // Month and year: "en août 2021" -> 2021-08, only when the context has no
  // month (otherwise it is not fuller than what we know).
  if (!best && !ctx.month) {
    for (size_t pos = 0; pos < text.size();) {
      if (!im.month_year->Match(input, pos, text.size(), RE2::UNANCHORED, g, 3)) break;
      size_t at = g[0].data() - text.data();
      auto m = im.months.find(Lower(std::string_view(g[1].data(), g[1].size())));
      int y = ParseInt(std::string_view(g[2].data(), g[2].size()));
      bool inside_day = std::any_of(day_spans.begin(), day_spans.end(), [&](const auto& sp) {
        return at >= sp.first && at < sp.second;
      });
      if (!inside_day && m != im.months.end() && y >= 1000 && (!ctx.year || y == ctx.year)) {
        offer({1, at, Format(y, m->second, 0)});
        break;
      }
      pos = at + std::max<size_t>(1, g[0].size());
    }
  }
  if (!best) return std::nullopt;
  return best->date;
}

}  // namespace veille
