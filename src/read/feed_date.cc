// feed_date.cc: RFC 822 and ISO 8601 feed dates -> ISO 8601.
#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>

#include "read/read_internal.h"
#include "veille/feed.h"

namespace veille {
namespace {

using read_internal::Lower;
using read_internal::TrimAscii;

bool Digits(std::string_view s, size_t n, int* v) {
  if (s.size() < n) return false;
  int x = 0;
  for (size_t i = 0; i < n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    x = x * 10 + (s[i] - '0');
  }
  *v = x;
  return true;
}

bool ValidDay(int y, int m, int d) {
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(m == 2 && d == 29 && !leap);
}

std::string Format(int y, int mo, int d, int h, int mi, int s, bool has_zone, int zone_minutes) {
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, s);
  std::string out(buf, static_cast<size_t>(n));
  if (has_zone) {
    if (zone_minutes == 0) {
      out += 'Z';
    } else {
      int a = zone_minutes < 0 ? -zone_minutes : zone_minutes;
      std::snprintf(buf, sizeof buf, "%c%02d:%02d", zone_minutes < 0 ? '-' : '+', a / 60, a % 60);
      out += buf;
    }
  }
  return out;
}

// "+0200", "-05:00", "GMT", "EST", "CEST" ... -> minutes east of UTC.
bool ParseZone(std::string_view z, int* minutes) {
  z = TrimAscii(z);
  if (z.empty()) return false;
  if (z[0] == '+' || z[0] == '-') {
    int h = 0, m = 0;
    std::string_view d = z.substr(1);
    if (!Digits(d, 2, &h)) return false;
    d.remove_prefix(2);
    if (!d.empty() && d[0] == ':') d.remove_prefix(1);
    if (!d.empty() && !Digits(d, 2, &m)) return false;
    if (h > 14 || m > 59) return false;
    *minutes = (z[0] == '-' ? -1 : 1) * (h * 60 + m);
    return true;
  }
  struct Named {
    std::string_view name;
    int minutes;
  };
  static constexpr Named kZones[] = {{"z", 0},      {"gmt", 0},    {"ut", 0},     {"utc", 0},
                                     {"est", -300}, {"edt", -240}, {"cst", -360}, {"cdt", -300},
                                     {"mst", -420}, {"mdt", -360}, {"pst", -480}, {"pdt", -420},
                                     {"cet", 60},   {"cest", 120}, {"bst", 60},   {"wet", 0},
                                     {"west", 60},  {"eet", 120},  {"eest", 180}, {"msk", 180}};
  std::string l = Lower(z);
  for (const Named& n : kZones)
    if (l == n.name) {
      *minutes = n.minutes;
      return true;
    }
  return false;
}

// English and French month names and abbreviations (feeds written by hand
// or by localised CMSs use both).
int MonthOf(std::string_view word) {
  std::string w = Lower(word);
  while (!w.empty() && w.back() == '.') w.pop_back();
  static constexpr std::string_view kNames[12] = {
      " jan january janv janvier ",
      " feb february fév févr février fev fevr fevrier ",
      " mar march mars ",
      " apr april avr avril ",
      " may mai ",
      " jun june juin ",
      " jul july juil juillet ",
      " aug august aoû août aout ",
      " sep sept september septembre ",
      " oct october octobre ",
      " nov november novembre ",
      " dec december déc décembre decembre "};
  if (w.empty() || w.find(' ') != std::string::npos) return 0;
  std::string key = " " + w + " ";
  for (int m = 0; m < 12; ++m)
    if (kNames[m].find(key) != std::string_view::npos) return m + 1;
  return 0;
}

// hh:mm[:ss]; the rest (zone) in *rest.
bool ParseTime(std::string_view s, int* h, int* mi, int* sec, std::string_view* rest) {
  if (!Digits(s, 2, h) || s.size() < 5 || s[2] != ':' || !Digits(s.substr(3), 2, mi)) {
    // One-digit hour ("9:05").
    if (s.size() >= 4 && s[1] == ':' && Digits(s, 1, h) && Digits(s.substr(2), 2, mi)) {
      s.remove_prefix(4);
    } else {
      return false;
    }
  } else {
    s.remove_prefix(5);
  }
  *sec = 0;
  if (s.size() >= 3 && s[0] == ':' && Digits(s.substr(1), 2, sec)) s.remove_prefix(3);
  if (!s.empty() && (s[0] == '.' || s[0] == ',')) {  // fractions of a second
    size_t i = 1;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    s.remove_prefix(i);
  }
  *rest = s;
  return *h <= 24 && *mi <= 59 && *sec <= 60;
}

std::string Iso(std::string_view s) {
  int y = 0, mo = 0, d = 0;
  if (!Digits(s, 4, &y) || s.size() < 10 || s[4] != '-' || !Digits(s.substr(5), 2, &mo) ||
      s[7] != '-' || !Digits(s.substr(8), 2, &d) || !ValidDay(y, mo, d))
    return {};
  std::string_view rest = s.substr(10);
  if (rest.empty()) return std::string(s.substr(0, 10));
  if (rest[0] != 'T' && rest[0] != 't' && rest[0] != ' ') return {};
  int h = 0, mi = 0, sec = 0;
  std::string_view zone;
  if (!ParseTime(rest.substr(1), &h, &mi, &sec, &zone)) return {};
  int minutes = 0;
  bool has_zone = !TrimAscii(zone).empty();
  if (has_zone && !ParseZone(zone, &minutes)) return {};
  return Format(y, mo, d, h, mi, sec, has_zone, minutes);
}

std::string Rfc822(std::string_view s) {
  // Words separated by blanks; an optional leading "Day," is skipped.
  std::string_view words[8];
  size_t n = 0;
  size_t i = 0;
  while (i < s.size() && n < 8) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == ',')) ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t' && s[j] != ',') ++j;
    if (j > i) words[n++] = s.substr(i, j - i);
    i = j;
  }
  size_t w = 0;
  if (n > 0 && !(words[0][0] >= '0' && words[0][0] <= '9')) ++w;  // day name
  if (n < w + 3) return {};
  int d = 0, mo = 0, y = 0;
  if (!Digits(words[w], words[w].size(), &d) || words[w].size() > 2) return {};
  mo = MonthOf(words[w + 1]);
  std::string_view year = words[w + 2];
  if (year.size() == 4 && Digits(year, 4, &y)) {
  } else if (year.size() == 2 && Digits(year, 2, &y)) {
    y += y < 50 ? 2000 : 1900;
  } else {
    return {};
  }
  if (mo == 0 || !ValidDay(y, mo, d)) return {};
  if (n < w + 4) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, mo, d);
    return buf;
  }
  int h = 0, mi = 0, sec = 0;
  std::string_view zone;
  if (!ParseTime(words[w + 3], &h, &mi, &sec, &zone)) return {};
  if (TrimAscii(zone).empty() && n > w + 4) zone = words[w + 4];
  int minutes = 0;
  bool has_zone = !TrimAscii(zone).empty() && ParseZone(zone, &minutes);
  return Format(y, mo, d, h, mi, sec, has_zone, minutes);
}

}  // namespace

namespace read_internal {

std::string UtcTimestamp(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string UtcTimestamp(std::string_view iso) {
  std::string n = NormalizeFeedDate(iso);
  if (n.size() < 10) return {};
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  Digits(n, 4, &y);
  Digits(std::string_view(n).substr(5), 2, &mo);
  Digits(std::string_view(n).substr(8), 2, &d);
  int zone = 0;
  if (n.size() >= 19) {
    Digits(std::string_view(n).substr(11), 2, &h);
    Digits(std::string_view(n).substr(14), 2, &mi);
    Digits(std::string_view(n).substr(17), 2, &s);
    if (n.size() > 19) ParseZone(std::string_view(n).substr(19), &zone);
  }
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return UtcTimestamp(static_cast<int64_t>(timegm(&tm)) - zone * 60);
}

}  // namespace read_internal

std::string NormalizeFeedDate(std::string_view s) {
  s = TrimAscii(s);
  if (s.size() < 8 || s.size() > 80) return {};
  if (s[4] == '-') return Iso(s);
  return Rfc822(s);
}

}  // namespace veille
