// internal.h: the analyzer's loaded resources, shared by its source files.
#ifndef VEILLE_ANALYZE_INTERNAL_H_
#define VEILLE_ANALYZE_INTERNAL_H_

#include <re2/re2.h>
#include <re2/set.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "veille/analyze.h"

namespace veille {

struct OutletPattern {
  std::vector<std::string> reasons;  // cleaning reasons it applies to ("*" = any)
  std::unique_ptr<RE2> re;           // group 1 = outlet name
};

struct MetadataAnalyzer::Impl {
  // Dates (dates.tsv), keys lower-cased.
  std::unordered_map<std::string, int> months;     // name -> 1..12
  std::unordered_map<std::string, int> weekdays;   // name -> 1..7, Monday = 1
  std::unordered_set<std::string> demonstratives;  // "ce", "this"
  std::unique_ptr<RE2> day_first;                  // [this] [weekday] day month [year]
  std::unique_ptr<RE2> month_first;                // [this] [weekday] month day [year] (English)
  std::unique_ptr<RE2> numeric;                    // dd/mm/yyyy, yyyy-mm-dd
  std::unique_ptr<RE2> month_year;                 // month yyyy

  std::vector<OutletPattern> outlets;
  std::unordered_set<std::string> outlet_stop;

  std::vector<std::pair<std::string, std::string>> reason_flags;  // reason -> flag
  std::unique_ptr<RE2::Set> text_flags;
  std::vector<std::string> text_flag_names;

  Status LoadDates(const std::string& path);
  Status LoadOutlets(const std::string& path, const std::string& stop_path);
  Status LoadFlags(const std::string& path);
};

}  // namespace veille

#endif  // VEILLE_ANALYZE_INTERNAL_H_
