// dates.cc: parsing the dates pages write, in metadata and in text.
#include "html/dates.h"

#include <cstdio>
#include <cstdlib>

namespace veille::html_internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int Digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!IsDigit(s[pos + i])) return -1;
    v = v * 10 + (s[pos + i] - '0');
  }
  return v;
}

// Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
void CivilFromDays(long long z, int* y, int* m, int* d) {
  z += 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long yy = static_cast<long long>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = static_cast<int>(yy + (*m <= 2));
}

struct Token {
  enum Kind { kNum, kWord, kPunct } kind;
  std::string_view text;
  size_t begin, end;
};

std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    if (c == 0xC2 && i + 1 < s.size() && s[i + 1] == '\xA0') {
      i += 2;
      continue;
    }
    size_t b = i;
    if (IsDigit(static_cast<char>(c))) {
      while (i < s.size() && IsDigit(s[i])) ++i;
      out.push_back({Token::kNum, s.substr(b, i - b), b, i});
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80) {
      while (i < s.size()) {
        unsigned char d = static_cast<unsigned char>(s[i]);
        bool letter = (d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z') || d >= 0x80;
        if (!letter) break;
        if (d == 0xC2 && i + 1 < s.size() && s[i + 1] == '\xA0') break;
        // General punctuation (U+2000-U+206F: dashes, quotes) ends a word.
        if (d == 0xE2 && i + 1 < s.size() && (s[i + 1] == '\x80' || s[i + 1] == '\x81')) break;
        ++i;
      }
      if (i == b) ++i;
      out.push_back({Token::kWord, s.substr(b, i - b), b, i});
    } else {
      ++i;
      out.push_back({Token::kPunct, s.substr(b, 1), b, i});
    }
  }
  return out;
}

bool IsOrdinal(std::string_view w) {
  return w == "st" || w == "nd" || w == "rd" || w == "th" || w == "er" || w == "e" || w == "re" ||
         w == "o" || w == "º";
}

int MonthOf(std::string_view w, const Resources& res) {
  auto it = res.months.find(std::string(w));
  return it == res.months.end() ? 0 : it->second;
}

int NumValue(const Token& t) {
  if (t.kind != Token::kNum || t.text.size() > 4) return -1;
  return std::atoi(std::string(t.text).c_str());
}

// Reads an optional time "10:05[:30]" [am|pm] and zone after token k.
void ReadTime(const std::vector<Token>& t, size_t k, DateTime* d, size_t* end) {
  // Skip "at", ",", "-", "|", "à", "um", "a las".
  size_t j = k;
  while (
      j < t.size() && j < k + 3 &&
      ((t[j].kind == Token::kPunct && (t[j].text == "," || t[j].text == "-" || t[j].text == "|")) ||
       (t[j].kind == Token::kWord && (t[j].text == "at" || t[j].text == "à" || t[j].text == "um" ||
                                      t[j].text == "a" || t[j].text == "las" || t[j].text == "h"))))
    ++j;
  if (j + 2 < t.size() && t[j].kind == Token::kNum && t[j].text.size() <= 2 &&
      t[j + 1].kind == Token::kPunct && (t[j + 1].text == ":" || t[j + 1].text == "h") &&
      t[j + 2].kind == Token::kNum && t[j + 2].text.size() == 2) {
    int h = NumValue(t[j]), mi = NumValue(t[j + 2]);
    if (h < 0 || h > 23 || mi > 59) return;
    size_t k2 = j + 3;
    if (k2 < t.size() && t[k2].kind == Token::kWord && (t[k2].text == "pm" || t[k2].text == "am")) {
      if (t[k2].text == "pm" && h < 12) h += 12;
      if (t[k2].text == "am" && h == 12) h = 0;
      ++k2;
    }
    d->has_time = true;
    d->hour = h;
    d->minute = mi;
    *end = t[k2 - 1].end;
  }
}

}  // namespace

bool ValidDay(int y, int m, int d) {
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int max = kDays[m - 1];
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) max = 29;
  return d <= max;
}

namespace {
// Days since 1970-01-01 of a civil date, and back (H. Hinnant's algorithms).
long DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}
void CivilFromDays(long z, int* y, int* m, int* d) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const long doe = z - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = static_cast<int>(yoe + era * 400 + (*m <= 2));
}
}  // namespace

DateTime DateTime::InZone(int minutes) const {
  if (!has_time || !has_zone || minutes == zone_minutes) return *this;
  DateTime out = *this;
  long t = DaysFromCivil(year, month, day) * 1440 + hour * 60 + minute - zone_minutes + minutes;
  long days = t >= 0 ? t / 1440 : -((-t + 1439) / 1440);
  long rest = t - days * 1440;
  CivilFromDays(days, &out.year, &out.month, &out.day);
  out.hour = static_cast<int>(rest / 60);
  out.minute = static_cast<int>(rest % 60);
  out.zone_minutes = minutes;
  return out;
}

std::string DateTime::Day() const {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", year, month, day);
  return buf;
}

std::string DateTime::Iso() const {
  std::string s = Day();
  if (!has_time) return s;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "T%02d:%02d:%02d", hour, minute, second);
  s += buf;
  if (has_zone) {
    if (zone_minutes == 0) {
      s += "Z";
    } else {
      int z = zone_minutes < 0 ? -zone_minutes : zone_minutes;
      std::snprintf(buf, sizeof(buf), "%c%02d:%02d", zone_minutes < 0 ? '-' : '+', z / 60, z % 60);
      s += buf;
    }
  }
  return s;
}

std::vector<TextDate> FindTextDates(std::string_view s, const Resources& res) {
  std::vector<TextDate> out;
  std::vector<Token> t = Tokenize(s);
  auto is_sep = [](const Token& x) {
    return x.kind == Token::kPunct && (x.text == "-" || x.text == "/" || x.text == ".");
  };
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i].kind == Token::kPunct) continue;
    DateTime d;
    size_t last = 0;  // index of the last token of the date
    bool found = false;
    // Numeric: Y-M-D, D.M.Y, M/D/Y.
    if (t[i].kind == Token::kNum && i + 4 < t.size() && is_sep(t[i + 1]) &&
        t[i + 2].kind == Token::kNum && is_sep(t[i + 3]) && t[i + 3].text == t[i + 1].text &&
        t[i + 4].kind == Token::kNum) {
      int a = NumValue(t[i]), b = NumValue(t[i + 2]), c = NumValue(t[i + 4]);
      if (t[i].text.size() == 4 && t[i + 2].text.size() <= 2 && t[i + 4].text.size() <= 2) {
        d.year = a, d.month = b, d.day = c;
      } else if (t[i].text.size() <= 2 && t[i + 2].text.size() <= 2 && t[i + 4].text.size() == 4) {
        bool mdy = t[i + 1].text == "/" && a <= 12;
        if (b > 12) mdy = true;
        if (a > 12) mdy = false;
        d.year = c;
        d.month = mdy ? a : b;
        d.day = mdy ? b : a;
      } else if (t[i + 1].text == "." && t[i].text.size() == 2 && t[i + 2].text.size() == 2 &&
                 t[i + 4].text.size() == 2 &&
                 !(i + 6 < t.size() && is_sep(t[i + 5]) && t[i + 6].kind == Token::kNum)) {
        // "28.01.22": day, month, year of this century (not a version
        // number or an address of more parts).
        d.year = 2000 + c, d.month = b, d.day = a;
      }
      if (ValidDay(d.year, d.month, d.day)) {
        found = true;
        last = i + 4;
        // "2021-08-23 10:05" / "2021-08-23T10:05"
      }
    }
    // D [.] [de] Month [de|,] Y
    if (!found && t[i].kind == Token::kNum && t[i].text.size() <= 2) {
      size_t j = i + 1;
      if (j < t.size() && ((t[j].kind == Token::kPunct && t[j].text == ".") ||
                           (t[j].kind == Token::kWord && IsOrdinal(t[j].text))))
        ++j;
      if (j < t.size() && t[j].kind == Token::kWord && t[j].text == "de") ++j;
      int m = j < t.size() && t[j].kind == Token::kWord ? MonthOf(t[j].text, res) : 0;
      if (m > 0) {
        size_t k = j + 1;
        if (k < t.size() && t[k].kind == Token::kPunct && (t[k].text == "." || t[k].text == ","))
          ++k;
        if (k < t.size() && t[k].kind == Token::kWord && (t[k].text == "de" || t[k].text == "del"))
          ++k;
        if (k < t.size() && t[k].kind == Token::kNum && t[k].text.size() == 4) {
          d.day = NumValue(t[i]);
          d.month = m;
          d.year = NumValue(t[k]);
          if (ValidDay(d.year, d.month, d.day)) {
            found = true;
            last = k;
          }
        }
      }
    }
    // Month [.] D [ordinal] [,] Y
    if (!found && t[i].kind == Token::kWord) {
      int m = MonthOf(t[i].text, res);
      if (m > 0) {
        size_t j = i + 1;
        if (j < t.size() && t[j].kind == Token::kPunct && t[j].text == ".") ++j;
        if (j < t.size() && t[j].kind == Token::kNum && t[j].text.size() <= 2) {
          size_t k = j + 1;
          if (k < t.size() && t[k].kind == Token::kWord && IsOrdinal(t[k].text)) ++k;
          if (k < t.size() && t[k].kind == Token::kPunct && t[k].text == ",") ++k;
          if (k < t.size() && t[k].kind == Token::kNum && t[k].text.size() == 4) {
            d.day = NumValue(t[j]);
            d.month = m;
            d.year = NumValue(t[k]);
            if (ValidDay(d.year, d.month, d.day)) {
              found = true;
              last = k;
            }
          }
        }
      }
    }
    if (!found) continue;
    size_t end = t[last].end;
    ReadTime(t, last + 1, &d, &end);
    out.push_back({d, t[i].begin, end});
    i = last;
  }
  return out;
}

std::optional<DateTime> ParseDate(std::string_view s, const Resources& res) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t'))
    s.remove_suffix(1);
  if (s.size() < 6) return std::nullopt;
  DateTime d;
  // ISO 8601 and its relatives: YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD.
  if (Digits(s, 0, 4) >= 0 && s.size() >= 10 && (s[4] == '-' || s[4] == '/' || s[4] == '.') &&
      s[7] == s[4]) {
    d.year = Digits(s, 0, 4);
    d.month = Digits(s, 5, 2);
    d.day = Digits(s, 8, 2);
    if (!ValidDay(d.year, d.month, d.day)) return std::nullopt;
    size_t i = 10;
    if (i < s.size() && (s[i] == 'T' || s[i] == ' ' || s[i] == 't')) {
      int h = Digits(s, i + 1, 2), mi = Digits(s, i + 4, 2);
      if (h >= 0 && h < 24 && mi >= 0 && mi < 60 && i + 3 < s.size() && s[i + 3] == ':') {
        d.has_time = true;
        d.hour = h;
        d.minute = mi;
        i += 6;
        if (i < s.size() && s[i] == ':' && Digits(s, i + 1, 2) >= 0) {
          d.second = std::min(59, Digits(s, i + 1, 2));
          i += 3;
        }
        while (i < s.size() && (s[i] == '.' || s[i] == ',' || IsDigit(s[i]))) ++i;
        while (i < s.size() && s[i] == ' ') ++i;
        if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
          d.has_zone = true;
        } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
          int zh = Digits(s, i + 1, 2);
          int zm = 0;
          if (i + 3 < s.size() && s[i + 3] == ':')
            zm = Digits(s, i + 4, 2);
          else if (Digits(s, i + 3, 2) >= 0)
            zm = Digits(s, i + 3, 2);
          if (zh >= 0 && zh <= 14 && zm >= 0 && zm < 60) {
            d.has_zone = true;
            d.zone_minutes = (s[i] == '-' ? -1 : 1) * (zh * 60 + zm);
          }
        }
      }
    }
    return d;
  }
  // Eight digits: YYYYMMDD.
  if (s.size() >= 8 && Digits(s, 0, 8) >= 0 && (s.size() == 8 || !IsDigit(s[8]))) {
    d.year = Digits(s, 0, 4);
    d.month = Digits(s, 4, 2);
    d.day = Digits(s, 6, 2);
    if (ValidDay(d.year, d.month, d.day) && (s.size() == 8 || !IsDigit(s[8]))) return d;
    if (s.size() == 8) return std::nullopt;
  }
  // Unix time in seconds (10 digits) or milliseconds (13).
  bool all_digits = true;
  for (char c : s) all_digits = all_digits && IsDigit(c);
  if (all_digits && (s.size() == 10 || s.size() == 13)) {
    long long v = std::atoll(std::string(s.substr(0, 10)).c_str());
    CivilFromDays(v / 86400, &d.year, &d.month, &d.day);
    if (ValidDay(d.year, d.month, d.day)) return d;
    return std::nullopt;
  }
  // Human forms and RFC 822.
  std::string lower = AsciiLower(s.substr(0, 200));
  std::vector<TextDate> found = FindTextDates(lower, res);
  if (!found.empty() && found[0].begin < 20) return found[0].date;
  return std::nullopt;
}

std::optional<DateTime> DateFromUrl(std::string_view url) {
  size_t scheme = url.find("://");
  size_t path = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  if (path == std::string_view::npos) return std::nullopt;
  std::string_view p = url.substr(path, url.find_first_of("?#", path) - path);
  for (size_t i = 0; i + 8 <= p.size(); ++i) {
    if (i > 0 && IsDigit(p[i - 1])) continue;
    if (!IsDigit(p[i])) continue;
    int y = Digits(p, i, 4);
    if (y < 1995 || y > 2100) continue;
    DateTime d;
    d.year = y;
    size_t j = i + 4;
    if (j < p.size() && (p[j] == '/' || p[j] == '-' || p[j] == '_' || p[j] == '.')) {
      char sep = p[j];
      int m = -1, day = -1;
      size_t k = j + 1;
      if (Digits(p, k, 2) >= 0) {
        m = Digits(p, k, 2);
        k += 2;
      } else if (Digits(p, k, 1) >= 0) {
        m = Digits(p, k, 1);
        k += 1;
      }
      if (m < 0 || k >= p.size() || p[k] != sep) continue;
      ++k;
      size_t dk = k;
      if (Digits(p, k, 2) >= 0) {
        day = Digits(p, k, 2);
        k += 2;
      } else if (Digits(p, k, 1) >= 0) {
        day = Digits(p, k, 1);
        k += 1;
      }
      if (day < 0 || (k < p.size() && IsDigit(p[k]))) continue;
      // A one-digit number after the month that runs into words is the
      // start of a slug ("/2023/10/3-questions-to"), not a day.
      if (k == dk + 1 && k < p.size() && p[k] != '/' && p[k] != '.') continue;
      d.month = m;
      d.day = day;
    } else if (Digits(p, i, 8) >= 0 && (i + 8 == p.size() || !IsDigit(p[i + 8]))) {
      d.month = Digits(p, i + 4, 2);
      d.day = Digits(p, i + 6, 2);
    } else {
      continue;
    }
    if (ValidDay(d.year, d.month, d.day)) return d;
  }
  return std::nullopt;
}

}  // namespace veille::html_internal
