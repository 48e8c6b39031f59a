// versions.h: which version of a web article the archive keeps, and the
// history of its versions (`article_versions`); internal to the archive.
//
// A web article (a page, a WARC record, a feed item; RawArticle::provenance
// set) has one row per content it was stored with. A new content replaces
// the stored one unless the stored one ranks higher: full page text over a
// feed item's full content over a feed summary, then the later fetch, then
// the larger content hash (so that any order of the same inputs ends with
// the same version, and re-reading them stores nothing).
#ifndef VEILLE_ARCHIVE_VERSIONS_H_
#define VEILLE_ARCHIVE_VERSIONS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "veille/article.h"
#include "veille/result.h"

namespace veille::sql {
class Db;
}

namespace veille::versions {

// Whether the stored version of `id` wins over `incoming` (content hash
// `hash`): then the incoming one is not stored. False when `incoming` or the
// stored article is not a web article.
Result<bool> StoredWins(sql::Db& db, const std::string& id, const RawArticle& incoming,
                        uint64_t hash);

// Before `id` is replaced: its current version row keeps the old title and
// clean text.
Status KeepReplaced(sql::Db& db, const std::string& id, const std::optional<std::string>& title,
                    const std::optional<std::string>& text);

// After `raw` was stored as `id`: appends its version row (web articles only).
Status Record(sql::Db& db, const RawArticle& raw, uint64_t hash);

}  // namespace veille::versions

#endif  // VEILLE_ARCHIVE_VERSIONS_H_
