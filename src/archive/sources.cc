// sources.cc: the `sources` and `crawl_seen` tables (see veille/sources.h).
#include "veille/sources.h"

#include "archive/internal.h"

namespace veille {
namespace {

using sql::DbError;

constexpr char kColumns[] =
    "source_id, url, name, kind, every_seconds, language, added_at, next_due, etag, "
    "last_modified, last_fetch, last_success, last_error, last_error_at, failures, articles, "
    "failing";

SourceRecord Row(Stmt& st) {
  SourceRecord s;
  s.id = st.Int(0);
  s.url = st.Text(1);
  s.name = st.Text(2);
  s.kind = st.Text(3);
  s.every_seconds = st.Int(4);
  s.language = st.OptText(5);
  s.added_at = st.Text(6);
  s.next_due = st.Text(7);
  s.etag = st.OptText(8);
  s.last_modified = st.OptText(9);
  s.last_fetch = st.OptText(10);
  s.last_success = st.OptText(11);
  s.last_error = st.OptText(12);
  s.last_error_at = st.OptText(13);
  s.failures = st.Int(14);
  s.articles = st.Int(15);
  s.failing = st.Int(16) != 0;
  return s;
}

Result<std::vector<SourceRecord>> Query(Archive& a, const std::string& where,
                                        const std::optional<std::string>& arg) {
  std::vector<SourceRecord> out;
  Stmt st(a.db(), std::string("SELECT ") + kColumns + " FROM sources " + where);
  if (!st.ok()) return DbError(a.db(), "listing sources");
  if (arg) st.Bind(1, *arg);
  int rc;
  while ((rc = st.Step()) == sql::kRow) out.push_back(Row(st));
  if (rc != sql::kDone) return DbError(a.db(), "listing sources");
  return out;
}

}  // namespace

Status AddSource(Archive& a, const SourceRecord& s) {
  Stmt st(a.db(),
          "INSERT INTO sources(url, name, kind, every_seconds, language, added_at, next_due) "
          "VALUES(?,?,?,?,?,?,'') ON CONFLICT(url) DO NOTHING");
  st.Bind(1, s.url).Bind(2, s.name).Bind(3, s.kind).Bind(4, s.every_seconds).Bind(5, s.language);
  st.Bind(6, s.added_at);
  if (st.Step() != sql::kDone) return DbError(a.db(), "adding source " + s.url);
  if (a.db().Changes() == 0)
    return Error::InvalidArgument("source " + s.url + " is already followed");
  return OkStatus();
}

Status RemoveSource(Archive& a, const std::string& url) {
  Stmt st(a.db(), "DELETE FROM sources WHERE url = ?");
  st.Bind(1, url);
  if (st.Step() != sql::kDone) return DbError(a.db(), "removing source " + url);
  if (a.db().Changes() == 0) return Error::NotFound("no source " + url);
  return OkStatus();
}

Result<std::vector<SourceRecord>> ListSources(Archive& a) {
  return Query(a, "ORDER BY source_id", std::nullopt);
}

Result<std::vector<SourceRecord>> DueSources(Archive& a, const std::string& now) {
  return Query(a, "WHERE failing = 0 AND next_due <= ? ORDER BY next_due, source_id", now);
}

Status UpdateSourceState(Archive& a, const SourceRecord& s) {
  Stmt st(a.db(),
          "UPDATE sources SET next_due = ?, etag = ?, last_modified = ?, last_fetch = ?, "
          "last_success = ?, last_error = ?, last_error_at = ?, failures = ?, articles = ?, "
          "failing = ? WHERE source_id = ?");
  st.Bind(1, s.next_due).Bind(2, s.etag).Bind(3, s.last_modified).Bind(4, s.last_fetch);
  st.Bind(5, s.last_success).Bind(6, s.last_error).Bind(7, s.last_error_at).Bind(8, s.failures);
  st.Bind(9, s.articles).Bind(10, int64_t{s.failing ? 1 : 0}).Bind(11, s.id);
  if (st.Step() != sql::kDone) return DbError(a.db(), "updating source " + s.url);
  return OkStatus();
}

Status EnableSource(Archive& a, const std::string& url) {
  Stmt st(a.db(), "UPDATE sources SET failing = 0, failures = 0, next_due = '' WHERE url = ?");
  st.Bind(1, url);
  if (st.Step() != sql::kDone) return DbError(a.db(), "enabling source " + url);
  if (a.db().Changes() == 0) return Error::NotFound("no source " + url);
  return OkStatus();
}

Result<std::optional<SourceRecord>> FindSource(Archive& a, const std::string& url) {
  auto rows = Query(a, "WHERE url = ?", url);
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<SourceRecord>();
  return std::optional<SourceRecord>(std::move(rows->front()));
}

Result<int64_t> ParseEvery(std::string_view s) {
  auto bad = [&] {
    return Error::InvalidArgument("interval: expected 15m, 2h, 90s, 1d or seconds, not '" +
                                  std::string(s.substr(0, 40)) + "'");
  };
  if (s.empty()) return bad();
  int64_t mult = 1;
  switch (s.back()) {
    case 's':
      mult = 1;
      break;
    case 'm':
      mult = 60;
      break;
    case 'h':
      mult = 3600;
      break;
    case 'd':
      mult = 86400;
      break;
    default:
      mult = 0;
  }
  std::string_view digits = mult ? s.substr(0, s.size() - 1) : s;
  if (!mult) mult = 1;
  if (digits.empty() || digits.size() > 9) return bad();
  int64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return bad();
    v = v * 10 + (c - '0');
  }
  if (v <= 0) return bad();
  return v * mult;
}

Result<std::optional<SeenUrl>> FindSeen(Archive& a, const std::string& url) {
  Stmt st(a.db(),
          "SELECT url, warc_file, warc_offset, fetched_at, first_fetched_at, status, kind, "
          "source_id, location, etag, last_modified, signature, tries FROM crawl_seen "
          "WHERE url = ?");
  if (!st.ok()) return DbError(a.db(), "looking up a crawled URL");
  st.Bind(1, url);
  int rc = st.Step();
  if (rc == sql::kDone) return std::optional<SeenUrl>();
  if (rc != sql::kRow) return DbError(a.db(), "looking up a crawled URL");
  SeenUrl s;
  s.url = st.Text(0);
  s.warc_file = st.Text(1);
  s.warc_offset = static_cast<uint64_t>(st.Int(2));
  s.fetched_at = st.Text(3);
  s.first_fetched_at = st.OptText(4).value_or("");
  s.status = st.Int(5);
  s.kind = st.OptText(6).value_or("");
  if (!st.IsNull(7)) s.source_id = st.Int(7);
  s.location = st.OptText(8);
  s.etag = st.OptText(9);
  s.last_modified = st.OptText(10);
  s.signature = st.OptText(11);
  s.tries = st.Int(12);
  return std::optional<SeenUrl>(std::move(s));
}

Status RecordSeen(Archive& a, const SeenUrl& s) {
  Stmt st(a.db(),
          "INSERT INTO crawl_seen(url, warc_file, warc_offset, fetched_at, first_fetched_at, "
          "status, kind, source_id, location, etag, last_modified, signature, tries) "
          "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(url) DO UPDATE SET "
          "warc_file = excluded.warc_file, warc_offset = excluded.warc_offset, "
          "fetched_at = excluded.fetched_at, "
          "first_fetched_at = COALESCE(crawl_seen.first_fetched_at, excluded.first_fetched_at), "
          "status = excluded.status, kind = excluded.kind, "
          "source_id = COALESCE(excluded.source_id, crawl_seen.source_id), "
          "location = excluded.location, etag = excluded.etag, "
          "last_modified = excluded.last_modified, "
          "signature = COALESCE(excluded.signature, crawl_seen.signature), tries = excluded.tries");
  if (!st.ok()) return DbError(a.db(), "recording a crawled URL");
  st.Bind(1, s.url).Bind(2, s.warc_file).Bind(3, static_cast<int64_t>(s.warc_offset));
  st.Bind(4, s.fetched_at);
  if (s.first_fetched_at.empty()) {
    st.Bind(5, s.fetched_at);
  } else {
    st.Bind(5, s.first_fetched_at);
  }
  st.Bind(6, s.status).Bind(7, s.kind);
  if (s.source_id) {
    st.Bind(8, *s.source_id);
  } else {
    st.BindNull(8);
  }
  st.Bind(9, s.location).Bind(10, s.etag).Bind(11, s.last_modified).Bind(12, s.signature);
  st.Bind(13, s.tries);
  if (st.Step() != sql::kDone) return DbError(a.db(), "recording a crawled URL " + s.url);
  return OkStatus();
}

Result<std::vector<SourceDay>> ArticlesPerDay(Archive& a, const std::string& since_day) {
  std::vector<SourceDay> out;
  Stmt st(a.db(),
          "SELECT source_id, substr(first_fetched_at, 1, 10) AS day, count(*) FROM crawl_seen "
          "WHERE source_id IS NOT NULL AND first_fetched_at >= ? AND kind = 'page' "
          "AND status BETWEEN 200 AND 299 GROUP BY source_id, day ORDER BY source_id, day");
  if (!st.ok()) return DbError(a.db(), "counting articles per source");
  st.Bind(1, since_day);
  int rc;
  while ((rc = st.Step()) == sql::kRow) out.push_back({st.Int(0), st.Text(1), st.Int(2)});
  if (rc != sql::kDone) return DbError(a.db(), "counting articles per source");
  return out;
}

Result<bool> CrawlSeen(Archive& a, const std::string& url) {
  Stmt st(a.db(), "SELECT 1 FROM crawl_seen WHERE url = ?");
  if (!st.ok()) return DbError(a.db(), "looking up a crawled URL");
  st.Bind(1, url);
  int rc = st.Step();
  if (rc == sql::kRow) return true;
  if (rc != sql::kDone) return DbError(a.db(), "looking up a crawled URL");
  return false;
}

Status MarkCrawlSeen(Archive& a, const std::string& url, const std::string& warc_file,
                     uint64_t offset, const std::string& at) {
  Stmt st(a.db(),
          "INSERT INTO crawl_seen(url, warc_file, warc_offset, fetched_at) VALUES(?,?,?,?) "
          "ON CONFLICT(url) DO NOTHING");
  st.Bind(1, url).Bind(2, warc_file).Bind(3, static_cast<int64_t>(offset)).Bind(4, at);
  if (st.Step() != sql::kDone) return DbError(a.db(), "recording a crawled URL");
  return OkStatus();
}

// Kept in `meta` under "crawl_ingested:" + the file name.
Result<bool> WarcIngested(Archive& a, const std::string& name) {
  Stmt st(a.db(), "SELECT 1 FROM meta WHERE key = ?");
  if (!st.ok()) return DbError(a.db(), "looking up an ingested WARC file");
  st.Bind(1, "crawl_ingested:" + name);
  int rc = st.Step();
  if (rc == sql::kRow) return true;
  if (rc != sql::kDone) return DbError(a.db(), "looking up an ingested WARC file");
  return false;
}

Status MarkWarcIngested(Archive& a, const std::string& name) {
  Stmt st(a.db(),
          "INSERT INTO meta(key, value) VALUES(?, '1') "
          "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  st.Bind(1, "crawl_ingested:" + name);
  if (st.Step() != sql::kDone) return DbError(a.db(), "recording an ingested WARC file");
  return OkStatus();
}

}  // namespace veille
