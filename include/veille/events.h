// events.h: dated events — (actor, action, target, place, date) — in French
// and English news sentences, and the rules that merge the reports of one
// event across articles.
//
// In:  clean article text (UTF-8, as produced by cleaning), its language
//      (ISO 639-1), the entity mentions the entities stage found (canonical
//      names filled), the quotes the quotes stage found (a quote's content
//      keeps its speaker as the event's source), the time expressions of the
//      text normalised against the article date (timex stage; may be empty)
//      and the article's date (YYYY, YYYY-MM or YYYY-MM-DD, may be empty).
// Out: one EventSpan (veille/article.h) per asserted event: its action from
//      the closed set of data/events/actions.txt, actor and target resolved to
//      canonical entities (anaphora such as "les insurgés" or "la ville" link
//      back to an earlier entity), the place, the date (its own time
//      expression, else the sentence's, else the article date, marked by
//      `date_source`), the trigger's offsets and the sentence's. Negated
//      ("n'ont pas encore pris Kaboul"), hypothetical ("pourraient prendre",
//      "si le groupe prend"), intended or ordered events ("l'intention de
//      retirer", "ont ordonné le déploiement") are not events.
// Thread-safety: an Extractor is immutable after Create(); Extract() may be
//      called from many threads at once.
//
// Trigger lexicons with their argument patterns (active and passive voice,
// "s'emparer de", "tomber aux mains de", nominalisations such as "la prise
// de Kandahar par les talibans"), the cue words of negation, modality and
// speech, anaphoric nouns, container nouns ("le siège de la police de la
// ville"), member nouns ("les combattants talibans") and demonyms
// ("les soldats américains" -> États-Unis) are data files under data/events/
// (see data/events/README.md).
#ifndef VEILLE_EVENTS_H_
#define VEILLE_EVENTS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "veille/article.h"
#include "veille/result.h"

namespace veille::events {

// A normalised time expression of the text (from the timex stage).
struct TimeRef {
  uint32_t begin = 0, end = 0;  // byte offsets into the clean text
  std::string value;            // TIMEX3 value: 2021-08-13, 2021-08, 2021, 2021-W32, ...
};

// The calendar part of a TIMEX3 value usable as an event date (YYYY-MM-DD,
// YYYY-MM or YYYY; a time of day is dropped), or "" for values that name no
// calendar date (durations, sets, PRESENT_REF, XXXX-08-13, weeks).
std::string CalendarDate(std::string_view timex_value);

// Actions that report the same happening: "fall" and "capture" of one target
// are one event (the capture says by whom). Returns the action reports are
// merged under.
std::string_view MergeAction(std::string_view action);

// Dates of reports of one event may differ by this many days (the window of
// merging across articles; a month or year date is compared by its range).
inline constexpr int kMergeWindowDays = 3;

// Whether two report dates are within the merge window: either is empty, or
// the ranges they cover ("2021-08" = the whole month) are at most
// kMergeWindowDays apart.
bool DatesCompatible(std::string_view a, std::string_view b);

class Extractor {
 public:
  // Loads data/events/* via DataPath(); the error names file:line.
  static Result<std::unique_ptr<Extractor>> Create();
  static Result<std::unique_ptr<Extractor>> CreateFrom(const std::string& data_dir);
  ~Extractor();

  std::vector<EventSpan> Extract(std::string_view text, std::string_view language,
                                 const std::vector<Mention>& mentions,
                                 const std::vector<QuoteSpan>& quotes,
                                 const std::vector<TimeRef>& times,
                                 std::string_view article_date) const;

  // The closed action set, in file order.
  const std::vector<std::string>& actions() const;

  struct Lexicon;  // the loaded data files (src/events/internal.h)

 private:
  Extractor();
  std::unique_ptr<Lexicon> lex_;
};

}  // namespace veille::events

#endif  // VEILLE_EVENTS_H_
