// reuse_store.cc: near-duplicate and reused-passage rows of the archive:
// signatures, LSH band keys, passage fingerprints, pairs and passages.
#include <algorithm>
#include <cstring>
#include <map>
#include <numeric>

#include "archive/backend.h"
#include "archive/internal.h"
#include "veille/hash.h"

namespace veille {

using sql::DbError;

namespace {

uint64_t MixBand(uint32_t band, uint64_t hash) {
  return Mix64(hash + 0x9E3779B97F4A7C15ull * (uint64_t{band} + 1));
}

}  // namespace

Status Archive::StoreReuseRows(const ReuseRows& rows) {
  Statements& st = stmts();
  if (!st.sig.ok()) {
    st.sig.Prepare(*db_,
                   "INSERT INTO signatures(article_rowid, sig) VALUES(?, ?) "
                   "ON CONFLICT(article_rowid) DO UPDATE SET sig = excluded.sig");
    st.pending.Prepare(*db_,
                       "INSERT INTO reuse_pending(article_rowid) VALUES(?) ON CONFLICT DO NOTHING");
  }
  std::vector<uint64_t> bands;
  for (const ReuseKeys& k : rows.articles) {
    if (auto s = backend_->RemoveReuseKeys(k.rowid); !s.ok()) return s;
    if (!k.signature.empty()) {
      st.sig.Reset();
      st.sig.Bind(1, k.rowid).BindBlob(2, k.signature);
      if (st.sig.Step() != sql::kDone) return DbError(*db_, "storing signature");
    }
    bands.clear();
    for (const auto& [band, hash] : k.bands) bands.push_back(MixBand(band, hash));
    if (auto s = backend_->AddReuseKeys(k.rowid, bands, k.fingerprints); !s.ok()) return s;
  }
  for (int64_t rowid : rows.pending) {
    st.pending.Reset();
    st.pending.Bind(1, rowid);
    if (st.pending.Step() != sql::kDone) return DbError(*db_, "marking reuse pending");
  }
  return OkStatus();
}

Result<std::vector<int64_t>> Archive::ReusePending() {
  Stmt st(*db_, "SELECT article_rowid FROM reuse_pending ORDER BY 1");
  if (!st.ok()) return Error::Database("reuse pending: " + st.error());
  std::vector<int64_t> out;
  int rc;
  while ((rc = st.Step()) == sql::kRow) out.push_back(st.Int(0));
  if (rc != sql::kDone) return DbError(*db_, "reuse pending");
  return out;
}

Status Archive::ClearReusePending() { return sql::Exec(*db_, "DELETE FROM reuse_pending"); }

Result<std::vector<int64_t>> Archive::LshCandidates(
    const std::vector<std::pair<uint32_t, uint64_t>>& bands) {
  std::vector<uint64_t> keys;
  keys.reserve(bands.size());
  for (const auto& [band, hash] : bands) keys.push_back(MixBand(band, hash));
  auto out = backend_->ArticlesWithBands(keys);
  if (!out.ok()) return out.error();
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
  return out;
}

Result<std::vector<uint8_t>> Archive::GetSignature(int64_t rowid) {
  Statements& st = stmts();
  if (!st.sig_query.ok())
    st.sig_query.Prepare(*db_, "SELECT sig FROM signatures WHERE article_rowid = ?");
  st.sig_query.Reset();
  st.sig_query.Bind(1, rowid);
  std::vector<uint8_t> out;
  int rc = st.sig_query.Step();
  if (rc == sql::kRow) {
    const std::string blob = st.sig_query.Blob(0);
    out.assign(blob.begin(), blob.end());
  } else if (rc != sql::kDone) {
    return DbError(*db_, "reading a signature");
  }
  st.sig_query.Reset();
  return out;
}

Status Archive::MergeReuseIndex(int64_t pages) { return backend_->MergeReuseIndex(pages); }

Status Archive::SetReuseIndexAutomerge(bool on) { return backend_->SetReuseIndexAutomerge(on); }

Result<std::vector<uint64_t>> Archive::GetReuseFingerprints(int64_t rowid) {
  return backend_->Fingerprints(rowid);
}

Result<std::vector<int64_t>> Archive::FingerprintPostings(uint64_t fingerprint, size_t limit) {
  return backend_->ArticlesWithFingerprint(fingerprint, limit);
}

Status Archive::AddNearDuplicate(int64_t a, int64_t b, double similarity) {
  if (a < b) std::swap(a, b);
  Stmt& st = Cached(
      "INSERT INTO near_duplicates(a, b, similarity) VALUES(?, ?, ?) "
      "ON CONFLICT(a, b) DO UPDATE SET similarity = excluded.similarity");
  sql::ResetOnExit reset(st);
  st.Bind(1, a).Bind(2, b).Bind(3, similarity);
  if (st.Step() != sql::kDone) return DbError(*db_, "storing near-duplicate");
  return OkStatus();
}

Status Archive::AddPassage(const PassageRow& p) {
  Stmt& st = Cached(
      "INSERT INTO passages(a, b, a_start, a_end, b_start, b_end, words, similarity, direction) "
      "VALUES(?,?,?,?,?,?,?,?,?)");
  sql::ResetOnExit reset(st);
  st.Bind(1, p.a).Bind(2, p.b).Bind(3, static_cast<int64_t>(p.a_begin));
  st.Bind(4, static_cast<int64_t>(p.a_end)).Bind(5, static_cast<int64_t>(p.b_begin));
  st.Bind(6, static_cast<int64_t>(p.b_end)).Bind(7, static_cast<int64_t>(p.words));
  st.Bind(8, p.similarity).Bind(9, static_cast<int64_t>(p.direction));
  if (st.Step() != sql::kDone) return DbError(*db_, "storing passage");
  return OkStatus();
}

Result<std::pair<std::string, std::string>> Archive::TextAndDate(int64_t rowid) {
  Stmt& st = Cached("SELECT coalesce(text, ''), coalesce(date, '') FROM articles WHERE rowid = ?");
  sql::ResetOnExit reset(st);
  st.Bind(1, rowid);
  if (st.Step() != sql::kRow) return Error::NotFound("no article row " + std::to_string(rowid));
  return std::make_pair(st.Text(0), st.Text(1));
}

Status Archive::RemoveReuse(int64_t rowid) {
  if (auto s = backend_->RemoveReuseKeys(rowid); !s.ok()) return s;
  for (const char* q : {"DELETE FROM signatures WHERE article_rowid = ?1",
                        "DELETE FROM near_duplicates WHERE a = ?1 OR b = ?1",
                        "DELETE FROM passages WHERE a = ?1 OR b = ?1",
                        "DELETE FROM reuse_pending WHERE article_rowid = ?1"}) {
    Stmt d(*db_, q);
    if (!d.ok()) return Error::Database(std::string("removing reuse rows: ") + d.error());
    d.Bind(1, rowid);
    if (d.Step() != sql::kDone) return DbError(*db_, "removing reuse rows");
  }
  return OkStatus();
}

Status Archive::LoadReuse(int64_t rowid, StoredArticle* a) {
  Stmt nd(*db_,
          "SELECT x.id, n.similarity FROM near_duplicates n JOIN articles x ON x.rowid = "
          "(CASE WHEN n.a = ?1 THEN n.b ELSE n.a END) WHERE n.a = ?1 OR n.b = ?1 "
          "ORDER BY n.similarity DESC, x.id");
  nd.Bind(1, rowid);
  while (nd.Step() == sql::kRow) a->near_duplicates.push_back({nd.Text(0), nd.Double(1)});
  // In a total order (words, then the other article and the places), so that
  // two archives holding the same rows list them alike.
  Stmt ps(
      *db_,
      "SELECT x.id, p.similarity, p.a = ?1, p.a_start, p.a_end, p.b_start, p.b_end, p.direction "
      "FROM passages p JOIN articles x ON x.rowid = (CASE WHEN p.a = ?1 THEN p.b ELSE p.a END) "
      "WHERE p.a = ?1 OR p.b = ?1 ORDER BY p.words DESC, x.id, "
      "CASE WHEN p.a = ?1 THEN p.a_start ELSE p.b_start END, "
      "CASE WHEN p.a = ?1 THEN p.a_end ELSE p.b_end END, "
      "CASE WHEN p.a = ?1 THEN p.b_start ELSE p.a_start END");
  ps.Bind(1, rowid);
  while (ps.Step() == sql::kRow) {
    StoredArticle::Reused r;
    r.other = ps.Text(0);
    r.similarity = ps.Double(1);
    bool mine_is_a = ps.Int(2) != 0;
    uint32_t as = ps.Int(3), ae = ps.Int(4), bs = ps.Int(5), be = ps.Int(6);
    int dir = static_cast<int>(ps.Int(7));
    r.start = mine_is_a ? as : bs;
    r.end = mine_is_a ? ae : be;
    r.other_start = mine_is_a ? bs : as;
    r.other_end = mine_is_a ? be : ae;
    r.direction = mine_is_a ? dir : -dir;
    a->reuse.push_back(std::move(r));
  }
  return OkStatus();
}

Result<std::vector<Archive::DupGroup>> Archive::NearDuplicateGroups(double min_similarity) {
  // Union-find over the stored pairs at or above the threshold.
  Stmt st(*db_,
          "SELECT n.a, n.b, n.similarity, xa.id, xb.id, coalesce(xa.date_lo, '9999'), "
          "coalesce(xb.date_lo, '9999') FROM near_duplicates n JOIN articles xa ON xa.rowid = n.a "
          "JOIN articles xb ON xb.rowid = n.b WHERE n.similarity >= ?");
  st.Bind(1, min_similarity);
  std::map<int64_t, int64_t> parent;
  std::map<int64_t, std::pair<std::string, std::string>> info;  // rowid -> (date, id)
  std::map<int64_t, double> best_sim;
  auto find = [&](int64_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  while (st.Step() == sql::kRow) {
    int64_t a = st.Int(0), b = st.Int(1);
    double sim = st.Double(2);
    info[a] = {st.Text(5), st.Text(3)};
    info[b] = {st.Text(6), st.Text(4)};
    for (int64_t x : {a, b}) {
      if (!parent.count(x)) parent[x] = x;
      best_sim[x] = std::max(best_sim[x], sim);
    }
    parent[find(a)] = find(b);
  }
  std::map<int64_t, std::vector<int64_t>> groups;
  for (auto& [x, p] : parent) groups[find(x)].push_back(x);
  std::vector<DupGroup> out;
  for (auto& [root, members] : groups) {
    std::sort(members.begin(), members.end(),
              [&](int64_t x, int64_t y) { return info[x] < info[y]; });
    DupGroup g;
    g.representative = info[members[0]].second;
    for (int64_t m : members) g.members.emplace_back(info[m].second, best_sim[m]);
    out.push_back(std::move(g));
  }
  std::sort(out.begin(), out.end(), [](const DupGroup& x, const DupGroup& y) {
    return x.members.size() != y.members.size() ? x.members.size() > y.members.size()
                                                : x.representative < y.representative;
  });
  return out;
}

Result<std::vector<Archive::ReuseRow>> Archive::Reuse(const std::optional<std::string>& article,
                                                      const std::optional<std::string>& outlet,
                                                      size_t limit) {
  std::string where = " WHERE 1 = 1";
  if (article) where += " AND (xa.id = ?1 OR xb.id = ?1)";
  if (outlet)
    where +=
        sql::Pick(*db_, " AND (xa.outlet = ?2 COLLATE NOCASE OR xb.outlet = ?2 COLLATE NOCASE)",
                  " AND (lower(xa.outlet) = lower(?2) OR lower(xb.outlet) = lower(?2))");
  // The passages are cut here: their offsets are bytes, which SQL on
  // PostgreSQL counts in characters.
  Stmt st(*db_,
          "SELECT xa.id, xb.id, xa.outlet, xb.outlet, xa.date, xb.date, xa.title, xb.title, "
          "p.a_start, p.a_end, p.b_start, p.b_end, p.words, p.similarity, p.direction, "
          "coalesce(xa.text, ''), coalesce(xb.text, '') "
          "FROM passages p JOIN articles xa ON xa.rowid = p.a JOIN articles xb ON xb.rowid = p.b" +
              where + " ORDER BY p.words DESC, xa.id, xb.id, p.a_start, p.b_start LIMIT ?3");
  if (!st.ok()) return Error::Database("reuse: " + st.error());
  if (article) st.Bind(1, *article);
  if (outlet) st.Bind(2, *outlet);
  st.Bind(3, static_cast<int64_t>(limit));
  auto cut = [](std::string_view text, uint32_t begin, uint32_t end) {
    if (begin >= text.size() || end <= begin) return std::string();
    return std::string(text.substr(begin, end - begin));
  };
  std::vector<ReuseRow> out;
  int rc;
  while ((rc = st.Step()) == sql::kRow) {
    ReuseRow r;
    r.a = st.Text(0);
    r.b = st.Text(1);
    r.a_outlet = st.OptText(2);
    r.b_outlet = st.OptText(3);
    r.a_date = st.OptText(4);
    r.b_date = st.OptText(5);
    r.a_title = st.OptText(6);
    r.b_title = st.OptText(7);
    r.a_begin = st.Int(8);
    r.a_end = st.Int(9);
    r.b_begin = st.Int(10);
    r.b_end = st.Int(11);
    r.words = st.Int(12);
    r.similarity = st.Double(13);
    r.direction = static_cast<int>(st.Int(14));
    r.a_text = cut(st.TextView(15), r.a_begin, r.a_end);
    r.b_text = cut(st.TextView(16), r.b_begin, r.b_end);
    out.push_back(std::move(r));
  }
  if (rc != sql::kDone) return DbError(*db_, "reuse");
  return out;
}

}  // namespace veille
