// dates.h: dates as pages write them, to ISO 8601 (internal to the module).
#ifndef VEILLE_HTML_DATES_H_
#define VEILLE_HTML_DATES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "html/internal.h"

namespace veille::html_internal {

struct DateTime {
  int year = 0, month = 0, day = 0;
  bool has_time = false;
  int hour = 0, minute = 0, second = 0;
  bool has_zone = false;
  int zone_minutes = 0;     // offset east of UTC
  std::string Iso() const;  // YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[±HH:MM|Z]
  std::string Day() const;  // YYYY-MM-DD
  // The same instant at the offset `minutes` east of UTC (unchanged without
  // a time and a zone).
  DateTime InZone(int minutes) const;
};

// A machine-readable date (metadata, datetime attributes): ISO 8601
// ("2021-08-23", "2021-08-23T10:05:00+02:00", "2021-08-23 10:05"),
// "2021/08/23", RFC 822 ("Mon, 23 Aug 2021 10:05:00 GMT"), 8 digits
// "20210823", Unix seconds/milliseconds, and the human forms ParseTextDate
// reads. Nothing for anything else or an impossible date.
std::optional<DateTime> ParseDate(std::string_view s, const Resources& res);

// A date written for readers at s[pos...] ("23 August 2021", "August 23,
// 2021", "23.08.2021", "2021-08-23", "le 23 août 2021" ...). `*end` receives
// the position after it.
struct TextDate {
  DateTime date;
  size_t begin = 0, end = 0;
};
// Every date written in `text` (lower case), in order.
std::vector<TextDate> FindTextDates(std::string_view lower_text, const Resources& res);

// A date in a URL path: /2021/08/23/, /2021-08-23-, /20210823/ (the day
// required; a year and month alone give nothing).
std::optional<DateTime> DateFromUrl(std::string_view url);

bool ValidDay(int y, int m, int d);

}  // namespace veille::html_internal

#endif  // VEILLE_HTML_DATES_H_
