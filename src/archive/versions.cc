// versions.cc: the version rule and history of web articles (see versions.h).
#include "archive/versions.h"

#include <algorithm>
#include <ctime>
#include <string>

#include "archive/backend.h"
#include "archive/internal.h"
#include "veille/hash.h"

namespace veille {

using sql::DbError;

namespace versions {
namespace {

std::string Now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool HasFlag(const RawArticle& a, std::string_view f) {
  return std::find(a.flags.begin(), a.flags.end(), f) != a.flags.end();
}

// "page", "feed" or "feed-summary": what the row stores as `kind`.
std::string KindOf(const RawArticle& a) {
  if (a.provenance.kind == "feed") return HasFlag(a, "summary-only") ? "feed-summary" : "feed";
  return a.provenance.kind.empty() ? std::string("page") : a.provenance.kind;
}

int Rank(std::string_view kind) {
  if (kind == "feed-summary") return 0;
  if (kind == "feed") return 1;
  return 2;
}

}  // namespace

Result<bool> StoredWins(sql::Db& db, const std::string& id, const RawArticle& incoming,
                        uint64_t hash) {
  if (incoming.provenance.file.empty()) return false;
  Stmt st(db,
          "SELECT kind, fetched_at, content_hash FROM article_versions WHERE article_id = ? "
          "ORDER BY seq DESC LIMIT 1");
  if (!st.ok()) return DbError(db, "reading the versions of " + id);
  st.Bind(1, id);
  int rc = st.Step();
  if (rc == sql::kDone) return false;
  if (rc != sql::kRow) return DbError(db, "reading the versions of " + id);
  const int stored_rank = Rank(st.Text(0)), rank = Rank(KindOf(incoming));
  if (stored_rank != rank) return stored_rank > rank;
  const std::string stored_fetch = st.Text(1);
  if (stored_fetch != incoming.provenance.fetch_date)
    return stored_fetch > incoming.provenance.fetch_date;  // UTC ISO 8601 sorts as text
  return st.Text(2) > HexHash(hash);
}

Status KeepReplaced(sql::Db& db, const std::string& id, const std::optional<std::string>& title,
                    const std::optional<std::string>& text) {
  Stmt st(db,
          "UPDATE article_versions SET title = ?1, text = ?2 WHERE article_id = ?3 AND seq = "
          "(SELECT max(seq) FROM article_versions WHERE article_id = ?3)");
  st.Bind(1, title).Bind(2, text).Bind(3, id);
  if (st.Step() != sql::kDone) return DbError(db, "keeping the replaced version of " + id);
  return OkStatus();
}

Status Record(sql::Db& db, const RawArticle& raw, uint64_t hash) {
  const Provenance& p = raw.provenance;
  if (p.file.empty()) return OkStatus();
  Stmt st(db,
          "INSERT INTO article_versions(article_id, seq, content_hash, kind, fetched_at, "
          "source_file, record_id, record_offset, record_number, target_uri, stored_at) "
          "VALUES(?1, (SELECT coalesce(max(seq), 0) + 1 FROM article_versions WHERE article_id = "
          "?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  st.Bind(1, raw.id).Bind(2, HexHash(hash)).Bind(3, KindOf(raw));
  if (p.fetch_date.empty()) {
    st.BindNull(4);
  } else {
    st.Bind(4, p.fetch_date);
  }
  st.Bind(5, p.file);
  if (p.record_id.empty()) {
    st.BindNull(6);
  } else {
    st.Bind(6, p.record_id);
  }
  if (p.offset < 0) {
    st.BindNull(7);
  } else {
    st.Bind(7, p.offset);
  }
  if (p.record == 0) {
    st.BindNull(8);
  } else {
    st.Bind(8, static_cast<int64_t>(p.record));
  }
  if (p.target_uri.empty()) {
    st.BindNull(9);
  } else {
    st.Bind(9, p.target_uri);
  }
  st.Bind(10, Now());
  if (st.Step() != sql::kDone) return DbError(db, "recording the version of " + raw.id);
  return OkStatus();
}

}  // namespace versions

Result<std::vector<ArticleVersion>> Archive::Versions(const std::string& id) {
  std::vector<ArticleVersion> out;
  auto has = backend_->HasTable("article_versions");
  if (!has.ok()) return has.error();
  if (!*has) return out;  // an archive from before schema 6
  Stmt st(*db_,
          "SELECT seq, content_hash, kind, fetched_at, source_file, record_id, record_offset, "
          "record_number, target_uri, stored_at, title, text FROM article_versions "
          "WHERE article_id = ? ORDER BY seq");
  if (!st.ok()) return DbError(*db_, "reading the versions of " + id);
  st.Bind(1, id);
  int rc;
  while ((rc = st.Step()) == sql::kRow) {
    ArticleVersion v;
    v.seq = st.Int(0);
    v.content_hash = st.Text(1);
    v.kind = st.Text(2);
    v.fetched_at = st.OptText(3);
    v.source_file = st.Text(4);
    v.record_id = st.OptText(5);
    if (!st.IsNull(6)) v.record_offset = st.Int(6);
    if (!st.IsNull(7)) v.record_number = st.Int(7);
    v.target_uri = st.OptText(8);
    v.stored_at = st.Text(9);
    v.title = st.OptText(10);
    v.text = st.OptText(11);
    out.push_back(std::move(v));
  }
  if (rc != sql::kDone) return DbError(*db_, "reading the versions of " + id);
  if (!out.empty()) out.back().current = true;
  return out;
}

}  // namespace veille
