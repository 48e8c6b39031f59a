// dates.cc: calendar arithmetic for the normaliser.
#include "timex/dates.h"

namespace veille::timex {

int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int64_t(doe) - 719468;
}

Date CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = unsigned(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = int64_t(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Date{int(y + (m <= 2)), int(m), int(d)};
}

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12) return 31;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

int Weekday(const Date& d) {
  int64_t z = DaysFromCivil(d.y, d.m, d.d);
  // 1970-01-01 was a Thursday (4).
  int64_t w = (z + 3) % 7;
  if (w < 0) w += 7;
  return int(w) + 1;
}

Date AddDays(const Date& d, int64_t n) { return CivilFromDays(DaysFromCivil(d.y, d.m, d.d) + n); }

Date AddMonths(const Date& d, int n) {
  int total = d.y * 12 + (d.m - 1) + n;
  Date r{total / 12, total % 12 + 1, d.d};
  if (r.d > DaysInMonth(r.y, r.m)) r.d = DaysInMonth(r.y, r.m);
  return r;
}

void IsoWeek(const Date& d, int* year, int* week) {
  // The week's Thursday decides its year.
  Date thu = AddDays(d, 4 - Weekday(d));
  int64_t jan1 = DaysFromCivil(thu.y, 1, 1);
  *year = thu.y;
  *week = int((DaysFromCivil(thu.y, thu.m, thu.d) - jan1) / 7 + 1);
}

bool ParseDate(std::string_view s, Date* out) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
  auto num = [&](size_t b, size_t n, int* v) {
    *v = 0;
    for (size_t i = b; i < b + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      *v = *v * 10 + (s[i] - '0');
    }
    return true;
  };
  Date d;
  if (!num(0, 4, &d.y) || !num(5, 2, &d.m) || !num(8, 2, &d.d)) return false;
  if (d.y < 1 || d.m < 1 || d.m > 12 || d.d < 1 || d.d > DaysInMonth(d.y, d.m)) return false;
  *out = d;
  return true;
}

std::string Two(int n) {
  std::string s = std::to_string(n);
  return n < 10 && n >= 0 ? "0" + s : s;
}

std::string Year4(int y) {
  if (y <= 0) return "XXXX";
  std::string s = std::to_string(y);
  while (s.size() < 4) s = "0" + s;
  return s;
}

std::string DayValue(const Date& d) {
  return Year4(d.y) + "-" + (d.m > 0 ? Two(d.m) : "XX") + "-" + (d.d > 0 ? Two(d.d) : "XX");
}

std::string MonthValue(int y, int m) { return Year4(y) + "-" + (m > 0 ? Two(m) : "XX"); }

std::string WeekValue(const Date& d) {
  if (!d.ok()) return "XXXX-WXX";
  int y, w;
  IsoWeek(d, &y, &w);
  return Year4(y) + "-W" + Two(w);
}

}  // namespace veille::timex
