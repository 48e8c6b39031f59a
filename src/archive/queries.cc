// queries.cc: read-only queries for the HTTP API (see archive_queries.h);
// the searches themselves are the backend's (sqlite_search.cc, pg_search.cc).
#include "archive/backend.h"
#include "veille/archive_queries.h"

namespace veille {

using sql::DbError;
using sql::ResetOnExit;
using sql::Stmt;

SearchAttributes::SearchAttributes() = default;
SearchAttributes::~SearchAttributes() = default;

Result<std::shared_ptr<const SearchAttributes::Snapshot>> SearchAttributes::Refresh(
    Archive& archive) {
  auto generation = archive.backend().AttributesGeneration();
  if (!generation.ok()) return generation.error();
  std::lock_guard<std::mutex> lock(mu_);
  if (snapshot_ && snapshot_->generation >= *generation) return snapshot_;
  auto next = archive.backend().RefreshAttributes(snapshot_, *generation);
  if (!next.ok()) return next.error();
  snapshot_ = std::move(next).value();
  return snapshot_;
}

Result<SearchPage> SearchWithFacets(Archive& archive, SearchAttributes& attributes,
                                    const SearchOptions& options, size_t top,
                                    size_t entity_sample) {
  auto snapshot = attributes.Refresh(archive);
  if (!snapshot.ok()) return snapshot.error();
  auto page = archive.backend().SearchWithFacets(archive, **snapshot, options, top, entity_sample);
  if (page.ok())
    if (auto s = archive.FillStories(page->hits); !s.ok()) return s.error();
  return page;
}

Result<std::unordered_map<std::string, std::string>> ArticleTexts(
    Archive& archive, const std::vector<std::string>& ids) {
  std::unordered_map<std::string, std::string> out;
  Stmt& st = archive.Cached("SELECT coalesce(text, '') FROM articles WHERE id = ?1");
  ResetOnExit reset_st(st);
  if (!st.ok()) return Error::Database("article text: " + st.error());
  for (const auto& id : ids) {
    st.Reset();
    st.Bind(1, id);
    int rc = st.Step();
    if (rc == sql::kRow) {
      out[id] = st.Text(0);
    } else if (rc != sql::kDone) {
      return DbError(archive.db(), "article text");
    }
  }
  return out;
}

Result<std::vector<SpeakerCount>> TopSpeakers(Archive& archive, size_t top) {
  // Quotes tied to an entity group by it (one name whatever the spelling in
  // each article); the others by the speaker as attributed.
  Stmt st(archive.db(),
          "SELECT coalesce(e.name, q.speaker) AS who, coalesce(e.type, ''), count(*), "
          "count(DISTINCT q.article_rowid) FROM quotes q "
          "LEFT JOIN entities e ON e.entity_id = q.speaker_entity_id "
          "WHERE q.speaker IS NOT NULL OR q.speaker_entity_id IS NOT NULL "
          "GROUP BY coalesce(q.speaker_entity_id, q.speaker) "
          "ORDER BY 3 DESC, 1 LIMIT ?1");
  if (!st.ok()) return Error::Database("speakers: " + st.error());
  st.Bind(1, static_cast<int64_t>(top));
  std::vector<SpeakerCount> out;
  int rc;
  while ((rc = st.Step()) == sql::kRow)
    out.push_back({st.Text(0), st.Text(1), static_cast<uint64_t>(st.Int(2)),
                   static_cast<uint64_t>(st.Int(3))});
  if (rc != sql::kDone) return DbError(archive.db(), "speakers");
  return out;
}

Result<StagePresence> Stages(Archive& archive) {
  Stmt st(archive.db(), "SELECT EXISTS(SELECT 1 FROM mentions), EXISTS(SELECT 1 FROM quotes)");
  if (!st.ok()) return Error::Database("stages: " + st.error());
  if (st.Step() != sql::kRow) return DbError(archive.db(), "stages");
  return StagePresence{st.Int(0) != 0, st.Int(1) != 0};
}

Result<int64_t> ArchiveGeneration(Archive& archive) {
  return archive.backend().AttributesGeneration();
}

Result<bool> HasTable(Archive& archive, const std::string& name) {
  return archive.backend().HasTable(name);
}

}  // namespace veille
