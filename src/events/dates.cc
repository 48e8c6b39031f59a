// dates.cc: event dates from TIMEX3 values, and the merge rules across
// articles (see veille/events.h).
#include <cstdio>

#include "veille/events.h"

namespace veille::events {
namespace {

bool Digits(std::string_view s, size_t at, size_t n) {
  if (s.size() < at + n) return false;
  for (size_t i = at; i < at + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// The first and last day a date covers.
bool Range(std::string_view d, int64_t* lo, int64_t* hi) {
  if (!Digits(d, 0, 4)) return false;
  int y = std::stoi(std::string(d.substr(0, 4)));
  if (d.size() == 4) {
    *lo = DaysFromCivil(y, 1, 1);
    *hi = DaysFromCivil(y, 12, 31);
    return true;
  }
  int m = std::stoi(std::string(d.substr(5, 2)));
  if (d.size() == 7) {
    *lo = DaysFromCivil(y, m, 1);
    *hi = DaysFromCivil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - 1;
    return true;
  }
  int day = std::stoi(std::string(d.substr(8, 2)));
  *lo = *hi = DaysFromCivil(y, m, day);
  return true;
}

}  // namespace

std::string CalendarDate(std::string_view v) {
  if (!Digits(v, 0, 4)) return "";
  if (v.size() == 4) return std::string(v);
  if (v.size() < 7 || v[4] != '-' || !Digits(v, 5, 2)) return "";
  int m = (v[5] - '0') * 10 + (v[6] - '0');
  if (m < 1 || m > 12) return "";
  if (v.size() == 7) return std::string(v);
  if (v.size() < 10 || v[7] != '-' || !Digits(v, 8, 2)) return std::string(v.substr(0, 7));
  int d = (v[8] - '0') * 10 + (v[9] - '0');
  if (d < 1 || d > 31) return std::string(v.substr(0, 7));
  if (v.size() > 10 && v[10] != 'T') return "";
  return std::string(v.substr(0, 10));
}

std::string_view MergeAction(std::string_view action) {
  if (action == "fall") return "capture";
  return action;
}

bool DatesCompatible(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return true;
  int64_t alo, ahi, blo, bhi;
  if (!Range(a, &alo, &ahi) || !Range(b, &blo, &bhi)) return true;
  if (ahi < blo) return blo - ahi <= kMergeWindowDays;
  if (bhi < alo) return alo - bhi <= kMergeWindowDays;
  return true;
}

}  // namespace veille::events
