// features.cc: dates, keys and the per-article features of story clustering
// (see veille/stories.h).
#include <algorithm>
#include <charconv>

#include "veille/entities.h"
#include "veille/hash.h"
#include "veille/stories.h"
#include "veille/text.h"

namespace veille::stories {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days.
int32_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int32_t>(doe) - 719468;
}

bool ParseInt(std::string_view s, int* out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

constexpr uint64_t kTermSeed = 0x7465726d73ull;  // "terms"
constexpr uint64_t kEntitySeed = 0x656e7469ull;  // "enti"

// Sorted keys -> counts.
SparseVector Count(std::vector<uint64_t>& keys) {
  std::sort(keys.begin(), keys.end());
  SparseVector out;
  for (size_t i = 0; i < keys.size();) {
    size_t j = i;
    while (j < keys.size() && keys[j] == keys[i]) ++j;
    out.push_back({keys[i], static_cast<float>(j - i)});
    i = j;
  }
  return out;
}

// Keys of the terms of `pre` (PreAnalyze form: a marker byte, then terms
// separated by spaces), stop-word grams left out.
void PreAnalyzedKeys(std::string_view pre, std::vector<uint64_t>* keys) {
  size_t pos = 1;
  while (pos < pre.size()) {
    size_t end = pre.find(' ', pos);
    if (end == std::string_view::npos) end = pre.size();
    std::string_view term = pre.substr(pos, end - pos);
    if (!term.empty() && term.find(kStopGramSeparator) == std::string_view::npos)
      keys->push_back(TermKey(term));
    pos = end + 1;
  }
}

void AnalysedKeys(const TextAnalyzer& analyzer, std::string_view text, std::string_view lang,
                  std::vector<uint64_t>* keys) {
  analyzer.Analyze(
      text, lang,
      [](void* ctx, std::string_view term, uint32_t, uint32_t) {
        static_cast<std::vector<uint64_t>*>(ctx)->push_back(TermKey(term));
        return true;
      },
      keys);
}

}  // namespace

int32_t DayNumber(std::string_view date, bool* exact) {
  if (exact) *exact = false;
  int y = 0, m = 0, d = 0;
  if (date.size() < 7 || date[4] != '-' || !ParseInt(date.substr(0, 4), &y) ||
      !ParseInt(date.substr(5, 2), &m) || m < 1 || m > 12)
    return kNoDay;
  if (date.size() == 7) return DaysFromCivil(y, m, 15);
  if (date.size() != 10 || date[7] != '-' || !ParseInt(date.substr(8, 2), &d) || d < 1 || d > 31)
    return kNoDay;
  if (exact) *exact = true;
  return DaysFromCivil(y, m, d);
}

std::string DayString(int32_t day) {
  if (day == kNoDay) return "";
  int32_t z = day + 719468;
  const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

uint64_t TermKey(std::string_view term) { return Hash64(term, kTermSeed); }

uint64_t EntityKeyHash(std::string_view canonical) {
  return Hash64(EntityKey(canonical), kEntitySeed);
}

ArticleFeatures ComputeFeatures(const Article& a, const TextAnalyzer& analyzer) {
  ArticleFeatures f;
  const std::string& lang = a.analysis.language;
  f.language = lang;
  f.outlet = a.analysis.outlet.value_or("");
  if (a.analysis.date) f.day = DayNumber(*a.analysis.date, &f.day_exact);
  std::vector<uint64_t> keys;
  keys.reserve(512);
  f.has_title = a.raw.title && !a.raw.title->empty();
  if (!a.index_title.empty()) {
    PreAnalyzedKeys(a.index_title, &keys);
  } else if (f.has_title) {
    AnalysedKeys(analyzer, *a.raw.title, lang, &keys);
  }
  f.title = Count(keys);
  keys.clear();
  if (!a.index_body.empty()) {
    PreAnalyzedKeys(a.index_body, &keys);
  } else {
    AnalysedKeys(analyzer, a.clean.text, lang, &keys);
  }
  f.body = Count(keys);
  keys.clear();
  std::vector<std::pair<uint64_t, const std::string*>> named;
  named.reserve(a.entities.size());
  for (const Mention& m : a.entities) {
    const std::string& name = m.canonical.empty() ? m.text : m.canonical;
    if (name.empty()) continue;
    uint64_t k = EntityKeyHash(name);
    keys.push_back(k);
    named.emplace_back(k, &name);
  }
  f.entities = Count(keys);
  // The first spelling seen of each entity names it.
  std::stable_sort(named.begin(), named.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  for (size_t i = 0; i < named.size(); ++i)
    if (i == 0 || named[i].first != named[i - 1].first)
      f.entity_names.emplace_back(named[i].first, *named[i].second);
  return f;
}

}  // namespace veille::stories
