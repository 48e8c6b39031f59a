// export.h: the machine-readable form of an archived article.
//
// In:  a StoredArticle read from the Archive.
// Out: one JSON object with the fields documented in docs/cli.md (`export`):
//      id, source, title, date, language, outlet, flags, text, removed,
//      duplicate_of, plus url, summary, date_in_text and metadata. Used by
//      `veille export`, `veille show --json` and the HTTP API alike.
// Thread-safety: pure function.
#ifndef VEILLE_EXPORT_H_
#define VEILLE_EXPORT_H_

#include <string>

#include "veille/archive.h"

namespace veille {

// Serialised JSON object (one line, no trailing newline).
std::string ArticleJson(const StoredArticle& a);

}  // namespace veille

#endif  // VEILLE_EXPORT_H_
