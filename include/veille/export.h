// export.h: the machine-readable form of an archived article.
//
// In:  a StoredArticle read from the Archive.
// Out: one JSON object with the fields documented in docs/cli.md (`export`):
//      id, source, title, date, language, outlet, flags, text, removed,
//      duplicate_of, plus url, summary, date_in_text and metadata. Used by
//      `veille export`, `veille show --json` and the HTTP API alike. Also
//      the JSON form and the one-line label of a quote's attribution.
// Thread-safety: pure function.
#ifndef VEILLE_EXPORT_H_
#define VEILLE_EXPORT_H_

#include <nlohmann/json.hpp>
#include <string>

#include "veille/archive.h"
#include "veille/stories.h"

namespace veille {

// Serialised JSON object (one line, no trailing newline).
std::string ArticleJson(const StoredArticle& a);

// Attributions below this confidence are shown as uncertain.
inline constexpr float kUncertainConfidence = 0.5f;

// A quote as the export, `veille quotes --json` and /api/quotes give it:
// text, speaker (null when nobody is named), speaker_role, speaker_mention,
// speaker_kind (named|role|anonymous|organisation, null when nobody is
// designated), confidence (2 decimals), partial, cue, start, end.
nlohmann::json QuoteJson(const QuoteSpan& q);

// Who said it, for people: "Lionel Tarlet", "Lionel Tarlet (directeur
// académique)", "anonymous: source proche du dossier", "role: porte-parole
// des talibans", "(unattributed)"; " [uncertain]" appended below
// kUncertainConfidence.
std::string SpeakerLabel(const QuoteSpan& q);

// Stories (story_export.cc), as `veille stories/story --json` and the HTTP
// API give them: a story record; one of its articles (without its text);
// the per-outlet framing.
nlohmann::json StorySummaryJson(const stories::StorySummary& s);
nlohmann::json StoryArticleJson(const stories::StoryArticle& a);
nlohmann::json FramingJson(const std::vector<stories::OutletFraming>& outlets);

// Merged events (event_export.cc), as `veille events/timeline --json` and
// /api/events, /api/timeline give them: {"id", "date", "dates", "action",
// "actor", "target", "place", "reports" (count), "outlets" (count),
// "first": {"id", "date", "outlet"}} and, with `sources`, "sources": each
// report {"id", "outlet", "date", "title", "sentence", "start", "end",
// "sentence_start", "date_source", "source", "reported", "action", "actor",
// "target"}. Empty names are null.
nlohmann::json EventRecordJson(const EventRecord& e, bool sources);

}  // namespace veille

#endif  // VEILLE_EXPORT_H_
