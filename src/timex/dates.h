// dates.h: calendar arithmetic and TIMEX3 value formatting (internal to
// src/timex).
#ifndef VEILLE_TIMEX_DATES_H_
#define VEILLE_TIMEX_DATES_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace veille::timex {

struct Date {
  int y = 0, m = 0, d = 0;  // 0: unknown
  bool ok() const { return y > 0 && m > 0 && d > 0; }
};

// Days since 1970-01-01 of a valid civil date, and back (H. Hinnant's
// algorithms).
int64_t DaysFromCivil(int y, int m, int d);
Date CivilFromDays(int64_t z);
int DaysInMonth(int y, int m);
// 1 = Monday ... 7 = Sunday.
int Weekday(const Date& d);
Date AddDays(const Date& d, int64_t n);
// Adds n months, keeping the day when it exists (else the month's last).
Date AddMonths(const Date& d, int n);
// ISO 8601 week: year and week number.
void IsoWeek(const Date& d, int* year, int* week);
// "YYYY-MM-DD" → Date; false when not a date.
bool ParseDate(std::string_view s, Date* out);

std::string Year4(int y);              // 1999, or XXXX when y <= 0
std::string Two(int n);                // 08
std::string DayValue(const Date& d);   // 1999-05-23 (XXXX-05-23 without a year)
std::string MonthValue(int y, int m);  // 1999-05
std::string WeekValue(const Date& d);  // 1999-W20

}  // namespace veille::timex

#endif  // VEILLE_TIMEX_DATES_H_
