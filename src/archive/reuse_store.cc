// reuse_store.cc: near-duplicate and reused-passage rows of the archive:
// signatures, LSH band keys, passage fingerprints, pairs and passages.
#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <numeric>

#include "archive/internal.h"
#include "veille/hash.h"

namespace veille {

using sql::DbError;

namespace {

// reuse_index tokens: "b" + 16 hex digits for an LSH band key (band and
// bucket hash mixed into 64 bits), "f" + 16 hex digits for a passage
// fingerprint. The ascii tokenizer keeps each one whole.
uint64_t MixBand(uint32_t band, uint64_t hash) {
  return Mix64(hash + 0x9E3779B97F4A7C15ull * (uint64_t{band} + 1));
}

void AppendToken(char kind, uint64_t key, std::string* out) {
  if (!out->empty()) out->push_back(' ');
  out->push_back(kind);
  *out += HexHash(key);
}

std::string Token(char kind, uint64_t key) {
  std::string t;
  AppendToken(kind, key, &t);
  return t;
}

// reuse_keys and signatures hold arrays of fixed-size integers as blobs.
template <typename T>
std::string Blob(const std::vector<T>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

template <typename T>
std::vector<T> FromBlob(sqlite3_stmt* st, int column) {
  std::vector<T> out(static_cast<size_t>(sqlite3_column_bytes(st, column)) / sizeof(T));
  if (!out.empty())
    std::memcpy(out.data(), sqlite3_column_blob(st, column), out.size() * sizeof(T));
  return out;
}

// The blob column of the row `st` (one parameter: a row id) finds, or an
// empty array.
template <typename T>
std::vector<T> BlobByRowid(sql::Stmt& st, int64_t rowid) {
  st.Reset();
  st.Bind(1, rowid);
  std::vector<T> out;
  if (st.Step() == SQLITE_ROW) out = FromBlob<T>(st.get(), 0);
  st.Reset();
  return out;
}

}  // namespace

// Removes an article's band keys and fingerprints from reuse_index. A
// contentless FTS5 table forgets a row only when given the tokens it indexed:
// reuse_keys keeps them.
Status Archive::RemoveReuseKeys(int64_t rowid) {
  Statements& st = stmts();
  if (!st.keys_get.ok()) {
    st.keys_get.Prepare(db_, "SELECT bands, fps FROM reuse_keys WHERE article_rowid = ?");
    st.keys_del.Prepare(db_, "DELETE FROM reuse_keys WHERE article_rowid = ?");
    st.index_del.Prepare(db_,
                         "INSERT INTO reuse_index(reuse_index, rowid, key) VALUES('delete', ?, ?)");
  }
  st.keys_get.Reset();
  st.keys_get.Bind(1, rowid);
  if (st.keys_get.Step() != SQLITE_ROW) return OkStatus();
  std::string tokens;
  for (uint64_t k : FromBlob<uint64_t>(st.keys_get.get(), 0)) AppendToken('b', k, &tokens);
  for (uint64_t k : FromBlob<uint64_t>(st.keys_get.get(), 1)) AppendToken('f', k, &tokens);
  st.keys_get.Reset();
  st.index_del.Reset();
  st.index_del.Bind(1, rowid).Bind(2, tokens);
  if (st.index_del.Step() != SQLITE_DONE) return DbError(db_, "removing reuse keys");
  st.keys_del.Reset();
  st.keys_del.Bind(1, rowid);
  if (st.keys_del.Step() != SQLITE_DONE) return DbError(db_, "removing reuse keys");
  return OkStatus();
}

Status Archive::StoreReuseRows(const ReuseRows& rows) {
  Statements& st = stmts();
  if (!st.sig.ok()) {
    st.sig.Prepare(db_, "INSERT OR REPLACE INTO signatures(article_rowid, sig) VALUES(?, ?)");
    st.keys.Prepare(db_, "INSERT INTO reuse_keys(article_rowid, bands, fps) VALUES(?, ?, ?)");
    st.index_add.Prepare(db_, "INSERT INTO reuse_index(rowid, key) VALUES(?, ?)");
    st.pending.Prepare(db_, "INSERT OR IGNORE INTO reuse_pending(article_rowid) VALUES(?)");
  }
  std::vector<uint64_t> bands;
  std::string tokens;
  for (const ReuseKeys& k : rows.articles) {
    if (auto s = RemoveReuseKeys(k.rowid); !s.ok()) return s;
    if (!k.signature.empty()) {
      st.sig.Reset();
      st.sig.Bind(1, k.rowid);
      sqlite3_bind_blob(st.sig.get(), 2, k.signature.data(), static_cast<int>(k.signature.size()),
                        SQLITE_STATIC);
      if (st.sig.Step() != SQLITE_DONE) return DbError(db_, "storing signature");
    }
    bands.clear();
    tokens.clear();
    for (const auto& [band, hash] : k.bands) {
      bands.push_back(MixBand(band, hash));
      AppendToken('b', bands.back(), &tokens);
    }
    for (uint64_t f : k.fingerprints) AppendToken('f', f, &tokens);
    st.keys.Reset();
    st.keys.Bind(1, k.rowid).BindBlob(2, Blob(bands)).BindBlob(3, Blob(k.fingerprints));
    if (st.keys.Step() != SQLITE_DONE) return DbError(db_, "storing reuse keys");
    if (tokens.empty()) continue;
    st.index_add.Reset();
    st.index_add.Bind(1, k.rowid).Bind(2, tokens);
    if (st.index_add.Step() != SQLITE_DONE) return DbError(db_, "indexing reuse keys");
  }
  for (int64_t rowid : rows.pending) {
    st.pending.Reset();
    st.pending.Bind(1, rowid);
    if (st.pending.Step() != SQLITE_DONE) return DbError(db_, "marking reuse pending");
  }
  return OkStatus();
}

Result<std::vector<int64_t>> Archive::ReusePending() {
  Stmt st(db_, "SELECT article_rowid FROM reuse_pending ORDER BY 1");
  if (!st.ok()) return Error::Database("reuse pending: " + st.error());
  std::vector<int64_t> out;
  while (st.Step() == SQLITE_ROW) out.push_back(st.Int(0));
  return out;
}

Status Archive::ClearReusePending() { return sql::Exec(db_, "DELETE FROM reuse_pending"); }

Result<std::vector<int64_t>> Archive::LshCandidates(
    const std::vector<std::pair<uint32_t, uint64_t>>& bands) {
  std::vector<int64_t> out;
  if (bands.empty()) return out;
  Statements& st = stmts();
  if (!st.band_query.ok())
    st.band_query.Prepare(db_, "SELECT rowid FROM reuse_index WHERE reuse_index MATCH ?");
  std::string query;  // one OR query: FTS5 merges the doclists
  for (const auto& [band, hash] : bands) {
    if (!query.empty()) query += " OR";
    AppendToken('b', MixBand(band, hash), &query);
  }
  st.band_query.Reset();
  st.band_query.Bind(1, query);
  while (st.band_query.Step() == SQLITE_ROW) out.push_back(st.band_query.Int(0));
  st.band_query.Reset();
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<std::vector<uint8_t>> Archive::GetSignature(int64_t rowid) {
  Statements& st = stmts();
  if (!st.sig_query.ok())
    st.sig_query.Prepare(db_, "SELECT sig FROM signatures WHERE article_rowid = ?");
  return BlobByRowid<uint8_t>(st.sig_query, rowid);
}

Status Archive::MergeReuseIndex(int64_t pages) {
  // Outside a transaction, steps of kStep pages each commit on their own;
  // inside one, a single step of `pages`.
  constexpr int64_t kStep = 4096;
  const bool own = sqlite3_get_autocommit(db_) != 0;
  Stmt merge(db_, "INSERT INTO reuse_index(reuse_index, rank) VALUES('merge', ?)");
  if (!merge.ok()) return Error::Database("merging the reuse index: " + merge.error());
  while (pages > 0) {
    const int64_t n = own ? std::min(pages, kStep) : pages;
    pages -= n;
    if (own)
      if (auto s = Begin(); !s.ok()) return s;
    const int64_t before = sqlite3_total_changes64(db_);
    merge.Reset();
    merge.Bind(1, -n);  // negative: merge all segments towards one
    if (merge.Step() != SQLITE_DONE) {
      Status s = DbError(db_, "merging the reuse index");
      if (own) (void)Rollback();
      return s;
    }
    merge.Reset();
    // FTS5 changes fewer than two rows when there was nothing to merge.
    const bool done = sqlite3_total_changes64(db_) - before < 2;
    if (own)
      if (auto s = Commit(); !s.ok()) return s;
    if (done) break;
  }
  return OkStatus();
}

// Off, a level still merges into the next once it holds `crisismerge`
// segments: FTS5 refuses a table more than 2,000 segments in all (SQLITE_FULL),
// and 512 keeps every level well under that at any size.
Status Archive::SetReuseIndexAutomerge(bool on) {
  return sql::Exec(db_,
                   on ? "INSERT INTO reuse_index(reuse_index, rank) VALUES('automerge', 4);"
                        "INSERT INTO reuse_index(reuse_index, rank) VALUES('crisismerge', 16);"
                      : "INSERT INTO reuse_index(reuse_index, rank) VALUES('automerge', 0);"
                        "INSERT INTO reuse_index(reuse_index, rank) VALUES('crisismerge', 512);");
}

Result<std::vector<uint64_t>> Archive::GetReuseFingerprints(int64_t rowid) {
  Statements& st = stmts();
  if (!st.fps_query.ok())
    st.fps_query.Prepare(db_, "SELECT fps FROM reuse_keys WHERE article_rowid = ?");
  return BlobByRowid<uint64_t>(st.fps_query, rowid);
}

Result<std::vector<int64_t>> Archive::FingerprintPostings(uint64_t fingerprint, size_t limit) {
  Statements& st = stmts();
  if (!st.fp_query.ok())
    st.fp_query.Prepare(db_, "SELECT rowid FROM reuse_index WHERE reuse_index MATCH ? LIMIT ?");
  st.fp_query.Reset();
  st.fp_query.Bind(1, Token('f', fingerprint)).Bind(2, static_cast<int64_t>(limit));
  std::vector<int64_t> out;
  while (st.fp_query.Step() == SQLITE_ROW) out.push_back(st.fp_query.Int(0));
  st.fp_query.Reset();
  return out;
}

Status Archive::AddNearDuplicate(int64_t a, int64_t b, double similarity) {
  if (a < b) std::swap(a, b);
  Stmt& st = Cached("INSERT OR REPLACE INTO near_duplicates(a, b, similarity) VALUES(?, ?, ?)");
  sql::ResetOnExit reset(st);
  st.Bind(1, a).Bind(2, b).Bind(3, similarity);
  if (st.Step() != SQLITE_DONE) return DbError(db_, "storing near-duplicate");
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
  if (st.Step() != SQLITE_DONE) return DbError(db_, "storing passage");
  return OkStatus();
}

Result<std::pair<std::string, std::string>> Archive::TextAndDate(int64_t rowid) {
  Stmt& st = Cached("SELECT coalesce(text, ''), coalesce(date, '') FROM articles WHERE rowid = ?");
  sql::ResetOnExit reset(st);
  st.Bind(1, rowid);
  if (st.Step() != SQLITE_ROW) return Error::NotFound("no article row " + std::to_string(rowid));
  return std::make_pair(st.Text(0), st.Text(1));
}

Status Archive::RemoveReuse(int64_t rowid) {
  if (auto s = RemoveReuseKeys(rowid); !s.ok()) return s;
  for (const char* q : {"DELETE FROM signatures WHERE article_rowid = ?1",
                        "DELETE FROM near_duplicates WHERE a = ?1 OR b = ?1",
                        "DELETE FROM passages WHERE a = ?1 OR b = ?1",
                        "DELETE FROM reuse_pending WHERE article_rowid = ?1"}) {
    Stmt d(db_, q);
    if (!d.ok()) return Error::Database(std::string("removing reuse rows: ") + d.error());
    d.Bind(1, rowid);
    if (d.Step() != SQLITE_DONE) return DbError(db_, "removing reuse rows");
  }
  return OkStatus();
}

Status Archive::LoadReuse(int64_t rowid, StoredArticle* a) {
  Stmt nd(db_,
          "SELECT x.id, n.similarity FROM near_duplicates n JOIN articles x ON x.rowid = "
          "(CASE WHEN n.a = ?1 THEN n.b ELSE n.a END) WHERE n.a = ?1 OR n.b = ?1 "
          "ORDER BY n.similarity DESC");
  nd.Bind(1, rowid);
  while (nd.Step() == SQLITE_ROW) a->near_duplicates.push_back({nd.Text(0), nd.Double(1)});
  Stmt ps(
      db_,
      "SELECT x.id, p.similarity, p.a = ?1, p.a_start, p.a_end, p.b_start, p.b_end, p.direction "
      "FROM passages p JOIN articles x ON x.rowid = (CASE WHEN p.a = ?1 THEN p.b ELSE p.a END) "
      "WHERE p.a = ?1 OR p.b = ?1 ORDER BY p.words DESC");
  ps.Bind(1, rowid);
  while (ps.Step() == SQLITE_ROW) {
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
  Stmt st(db_,
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
  while (st.Step() == SQLITE_ROW) {
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
  std::string where = " WHERE 1";
  if (article) where += " AND (xa.id = ?1 OR xb.id = ?1)";
  if (outlet) where += " AND (xa.outlet = ?2 COLLATE NOCASE OR xb.outlet = ?2 COLLATE NOCASE)";
  Stmt st(db_,
          "SELECT xa.id, xb.id, xa.outlet, xb.outlet, xa.date, xb.date, xa.title, xb.title, "
          "p.a_start, p.a_end, p.b_start, p.b_end, p.words, p.similarity, p.direction, "
          "substr(CAST(xa.text AS BLOB), p.a_start + 1, p.a_end - p.a_start), "
          "substr(CAST(xb.text AS BLOB), p.b_start + 1, p.b_end - p.b_start) "
          "FROM passages p JOIN articles xa ON xa.rowid = p.a JOIN articles xb ON xb.rowid = p.b" +
              where + " ORDER BY p.words DESC LIMIT ?3");
  if (!st.ok()) return Error::Database("reuse: " + st.error());
  if (article) st.Bind(1, *article);
  if (outlet) st.Bind(2, *outlet);
  st.Bind(3, static_cast<int64_t>(limit));
  std::vector<ReuseRow> out;
  while (st.Step() == SQLITE_ROW) {
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
    r.a_text = st.Text(15);
    r.b_text = st.Text(16);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace veille
