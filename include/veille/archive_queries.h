// archive_queries.h: extra read-only queries on the archive for the HTTP API.
//
// In:  an open Archive (read-only is enough) and search options or ids.
// Out: one search page together with its facet counts (language, outlet,
//      month, top entities) in a single pass over the matches; the clean text
//      of a few articles by id; the most quoted speakers; which extracted
//      stages the archive holds.
// Thread-safety: like Archive, one thread at a time per Archive.
//
// These live beside archive.cc because the archive module is the only one
// that writes SQL; they only read.
#ifndef VEILLE_ARCHIVE_QUERIES_H_
#define VEILLE_ARCHIVE_QUERIES_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "veille/archive.h"
#include "veille/result.h"

namespace veille {

struct FacetCount {
  std::string value;
  uint64_t count = 0;
  std::string type;  // entity facet only: PER, LOC or ORG
};

struct SearchFacets {
  uint64_t total = 0;                // articles matching the query and filters
  std::vector<FacetCount> language;  // by count, then value
  std::vector<FacetCount> outlet;    // articles without an outlet are not counted
  std::vector<FacetCount> month;  // YYYY-MM, oldest first, every month; year-only dates not counted
  // Entities named in the best-ranked `entity_sample` matches, by the number
  // of those articles naming them. Counting over every match would cost a
  // mentions lookup per match (tens of thousands for a common word); the top
  // of the ranking is what the reader looks at anyway.
  std::vector<FacetCount> entities;
  uint64_t entity_sample = 0;  // how many articles the entity counts cover
};

struct SearchPage {
  std::vector<SearchHit> hits;  // the page, best first; snippets left empty
  SearchFacets facets;
};

// What the filters and facets need to know of every article (language,
// outlet, month, date range), held in memory so that a search reads only the
// full-text index: looking each match up in the articles table costs a B-tree
// descent per match, most of the time of a search for a common word.
// Articles stored after the last refresh are loaded on the next one; an
// updated article is stored under a new rowid, so rows never go stale.
// Thread-safety: every method may be called from any thread; snapshots are
// immutable and shared.
class SearchAttributes {
 public:
  SearchAttributes();
  ~SearchAttributes();
  SearchAttributes(const SearchAttributes&) = delete;
  SearchAttributes& operator=(const SearchAttributes&) = delete;

  struct Snapshot;  // opaque (queries.cc)
  // Loads the articles stored since the last call through `archive` (all of
  // them on the first call: ~0.1 s for 35,000 articles) and returns the
  // current snapshot. When nothing was stored, costs one indexed lookup.
  Result<std::shared_ptr<const Snapshot>> Refresh(Archive& archive);

 private:
  std::mutex mu_;
  std::shared_ptr<const Snapshot> snapshot_;
};

// Runs the search of `options` (query and every filter, entity included;
// `snippets` and `count_total` are ignored) and counts its facets in one pass
// over the full-text matches: bm25 is read per match, filters and facets come
// from `attributes`, and the page is kept in a bounded heap. Keeps the `top`
// largest languages, outlets and entities, and every month. Hits and total
// agree with Archive::Search (ties in score are broken by storage order).
// Errors as Archive::Search.
Result<SearchPage> SearchWithFacets(Archive& archive, SearchAttributes& attributes,
                                    const SearchOptions& options, size_t top = 10,
                                    size_t entity_sample = 200);

// Clean text of each id in `ids` that exists (duplicates map to "").
Result<std::unordered_map<std::string, std::string>> ArticleTexts(
    Archive& archive, const std::vector<std::string>& ids);

struct SpeakerCount {
  std::string speaker;  // the archive entity's name, else the name as attributed
  std::string type;     // the entity's type, or "" when the speaker is no entity
  uint64_t quotes = 0;
  uint64_t articles = 0;
};

// The `top` speakers by number of quotes (then name); quotes without a
// speaker are not counted. Quotes attributed to one entity count together
// whatever the spelling used in each article.
Result<std::vector<SpeakerCount>> TopSpeakers(Archive& archive, size_t top);

// Which extracted stages hold any data (an archive made with --no-entities
// has the tables but no rows).
struct StagePresence {
  bool entities = false;
  bool quotes = false;
};
Result<StagePresence> Stages(Archive& archive);

// A number that changes whenever an article is stored or replaced (a
// replaced article gets a new rowid): the largest article rowid. Answers
// cached under one generation are stale under another. One index lookup.
Result<int64_t> ArchiveGeneration(Archive& archive);

// True if the archive has a table or view called `name` (e.g. "reuse").
Result<bool> HasTable(Archive& archive, const std::string& name);

}  // namespace veille

#endif  // VEILLE_ARCHIVE_QUERIES_H_
