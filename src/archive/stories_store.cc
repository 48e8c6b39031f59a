// stories_store.cc: the story tables (stories, story_members, story_keys,
// story_df; see docs/schema.md and veille/stories.h).
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "archive/backend.h"
#include "archive/internal.h"
#include "veille/stories.h"

namespace veille {

using sql::DbError;
using sql::ResetOnExit;

namespace {

int64_t Signed(uint64_t k) { return static_cast<int64_t>(k); }

std::vector<std::string> JsonStrings(const std::string& s) { return ParseFlags(s); }

// A passage row with both articles' texts, cut here (offsets are bytes,
// which SQL on PostgreSQL counts in characters).
constexpr const char* kReuseRowColumns =
    "SELECT xa.id, xb.id, xa.outlet, xb.outlet, xa.date, xb.date, xa.title, xb.title, "
    "p.a_start, p.a_end, p.b_start, p.b_end, p.words, p.similarity, p.direction, "
    "coalesce(xa.text, ''), coalesce(xb.text, '') "
    "FROM passages p JOIN articles xa ON xa.rowid = p.a JOIN articles xb ON xb.rowid = p.b";

std::string Cut(std::string_view text, int64_t begin, int64_t end) {
  if (begin < 0 || static_cast<size_t>(begin) >= text.size() || end <= begin) return {};
  return std::string(text.substr(static_cast<size_t>(begin), static_cast<size_t>(end - begin)));
}

Archive::ReuseRow ReadReuseRow(Stmt& st) {
  Archive::ReuseRow r;
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
  r.a_text = Cut(st.TextView(15), r.a_begin, r.a_end);
  r.b_text = Cut(st.TextView(16), r.b_begin, r.b_end);
  return r;
}

}  // namespace

bool Archive::HasStoryTables() {
  if (!has_story_tables_) {
    auto has = backend_->HasTable("story_members");
    has_story_tables_ = has.ok() && *has;
  }
  return *has_story_tables_;
}

Result<uint64_t> Archive::StoryDocuments() {
  if (!HasStoryTables()) return uint64_t{0};
  Stmt& st = Cached("SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'story_documents'");
  ResetOnExit reset(st);
  if (!st.ok()) return Error::Database("story documents: " + st.error());
  return st.Step() == sql::kRow ? static_cast<uint64_t>(st.Int(0)) : uint64_t{0};
}

Result<int64_t> Archive::MaxStoryId() {
  if (!HasStoryTables()) return int64_t{0};
  Stmt& st = Cached("SELECT coalesce(max(story_id), 0) FROM stories");
  ResetOnExit reset(st);
  if (!st.ok() || st.Step() != sql::kRow) return DbError(*db_, "largest story id");
  return st.Int(0);
}

Status Archive::StoryDocFreqs(const std::vector<uint64_t>& keys, std::vector<uint32_t>* df) {
  Stmt& st = Cached("SELECT df FROM story_df WHERE key = ?1");
  ResetOnExit reset(st);
  if (!st.ok()) return Error::Database("story df: " + st.error());
  df->assign(keys.size(), 0);
  for (size_t i = 0; i < keys.size(); ++i) {
    st.Reset();
    st.Bind(1, Signed(keys[i]));
    if (st.Step() == sql::kRow) (*df)[i] = static_cast<uint32_t>(st.Int(0));
  }
  return OkStatus();
}

Status Archive::StoryPostings(uint64_t key, int32_t day, int32_t window, size_t limit,
                              std::vector<stories::Posting>* out) {
  auto read = [&](Stmt& st) -> Status {
    if (!st.ok()) return Error::Database("story postings: " + st.error());
    int rc;
    while ((rc = st.Step()) == sql::kRow)
      out->push_back({static_cast<int32_t>(st.Int(0)), st.Int(1)});
    return rc == sql::kDone ? OkStatus() : Status(DbError(*db_, "story postings"));
  };
  if (day == stories::kNoDay) {
    Stmt& st =
        Cached("SELECT day, story_id FROM story_keys WHERE key = ?1 ORDER BY day DESC LIMIT ?2");
    ResetOnExit reset(st);
    st.Bind(1, Signed(key)).Bind(2, static_cast<int64_t>(limit));
    return read(st);
  }
  // Nearest first on each side of `day`.
  Stmt& after = Cached(
      "SELECT day, story_id FROM story_keys WHERE key = ?1 AND day >= ?2 AND day <= ?3 "
      "ORDER BY day LIMIT ?4");
  {
    ResetOnExit reset(after);
    after.Bind(1, Signed(key)).Bind(2, int64_t{day}).Bind(3, int64_t{day} + window);
    after.Bind(4, static_cast<int64_t>(limit));
    if (auto s = read(after); !s.ok()) return s;
  }
  Stmt& before = Cached(
      "SELECT day, story_id FROM story_keys WHERE key = ?1 AND day < ?2 AND day >= ?3 "
      "ORDER BY day DESC LIMIT ?4");
  ResetOnExit reset(before);
  before.Bind(1, Signed(key)).Bind(2, int64_t{day}).Bind(3, int64_t{day} - window);
  before.Bind(4, static_cast<int64_t>(limit));
  return read(before);
}

Result<std::optional<std::string>> Archive::StoryState(int64_t story) {
  Stmt& st = Cached("SELECT state FROM stories WHERE story_id = ?1");
  ResetOnExit reset(st);
  if (!st.ok()) return Error::Database("story state: " + st.error());
  st.Bind(1, story);
  if (st.Step() != sql::kRow) return std::optional<std::string>();
  return std::optional<std::string>(st.Blob(0));
}

Result<std::optional<int64_t>> Archive::StoryOfRow(int64_t rowid) {
  if (!HasStoryTables()) return std::optional<int64_t>();
  Stmt& st = Cached("SELECT story_id FROM story_members WHERE article_rowid = ?1");
  ResetOnExit reset(st);
  if (!st.ok()) return Error::Database("story of article: " + st.error());
  st.Bind(1, rowid);
  if (st.Step() != sql::kRow) return std::optional<int64_t>();
  return std::optional<int64_t>(st.Int(0));
}

Status Archive::FillStories(std::vector<SearchHit>& hits) {
  if (hits.empty() || !HasStoryTables()) return OkStatus();
  Stmt& st = Cached(
      "SELECT m.story_id FROM articles a JOIN articles o "
      "ON o.id = coalesce(a.duplicate_of, a.id) "
      "JOIN story_members m ON m.article_rowid = o.rowid WHERE a.id = ?1");
  ResetOnExit reset(st);
  if (!st.ok()) return Error::Database("stories of search hits: " + st.error());
  for (SearchHit& h : hits) {
    st.Reset();
    st.Bind(1, h.id);
    if (st.Step() == sql::kRow) h.story = st.Int(0);
  }
  return OkStatus();
}

Result<std::vector<int64_t>> Archive::NearDuplicatesOf(int64_t rowid) {
  Stmt& st = Cached(
      "SELECT b, similarity FROM near_duplicates WHERE a = ?1 UNION ALL "
      "SELECT a, similarity FROM near_duplicates WHERE b = ?1 ORDER BY 2 DESC, 1");
  ResetOnExit reset(st);
  if (!st.ok()) return Error::Database("near-duplicates of an article: " + st.error());
  st.Bind(1, rowid);
  std::vector<int64_t> out;
  while (st.Step() == sql::kRow) out.push_back(st.Int(0));
  return out;
}

Status Archive::WriteStoryChanges(const stories::StoryChanges& ch) {
  if (!ch.df_added.empty()) {
    Stmt& st = Cached(
        "INSERT INTO story_df(key, df) VALUES(?1, ?2) "
        "ON CONFLICT(key) DO UPDATE SET df = story_df.df + excluded.df");
    ResetOnExit reset(st);
    if (!st.ok()) return Error::Database("story df: " + st.error());
    for (const auto& [k, n] : ch.df_added) {
      st.Reset();
      st.Bind(1, Signed(k)).Bind(2, static_cast<int64_t>(n));
      if (st.Step() != sql::kDone) return DbError(*db_, "counting story terms");
    }
  }
  if (ch.documents_added) {
    Stmt& st = Cached(
        "INSERT INTO meta(key, value) VALUES('story_documents', CAST(?1 AS TEXT)) "
        "ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(meta.value AS BIGINT) + "
        "CAST(excluded.value AS BIGINT) AS TEXT)");
    ResetOnExit reset(st);
    st.Bind(1, static_cast<int64_t>(ch.documents_added));
    if (!st.ok() || st.Step() != sql::kDone) return DbError(*db_, "counting story documents");
  }
  if (!ch.postings.empty()) {
    Stmt& st = Cached("INSERT INTO story_keys(key, day, story_id) VALUES(?1, ?2, ?3) ON CONFLICT DO NOTHING");
    ResetOnExit reset(st);
    if (!st.ok()) return Error::Database("story keys: " + st.error());
    for (const auto& p : ch.postings) {
      st.Reset();
      st.Bind(1, Signed(p.key)).Bind(2, int64_t{p.day}).Bind(3, p.story);
      if (st.Step() != sql::kDone) return DbError(*db_, "storing story keys");
    }
  }
  if (!ch.members.empty()) {
    Stmt& st = Cached(
        "INSERT INTO story_members(article_rowid, story_id, score, via) VALUES(?1, ?2, ?3, ?4) "
        "ON CONFLICT(article_rowid) DO UPDATE SET story_id = excluded.story_id, "
        "score = excluded.score, via = excluded.via");
    ResetOnExit reset(st);
    if (!st.ok()) return Error::Database("story members: " + st.error());
    for (const auto& m : ch.members) {
      st.Reset();
      st.Bind(1, m.article).Bind(2, m.story).Bind(3, m.score);
      st.Bind(4, std::string(stories::ViaName(m.via)));
      if (st.Step() != sql::kDone) return DbError(*db_, "storing story members");
    }
  }
  const std::string now = NowUtc();
  for (const stories::StoryState* s : ch.stories) {
    {
      Stmt& st = Cached(
          "INSERT INTO stories(story_id, title_article, entities, state, updated_at) "
          "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(story_id) DO UPDATE SET "
          "title_article = excluded.title_article, entities = excluded.entities, "
          "state = excluded.state, updated_at = excluded.updated_at");
      ResetOnExit reset(st);
      if (!st.ok()) return Error::Database("stories: " + st.error());
      st.Bind(1, s->id);
      if (s->title_article) {
        st.Bind(2, s->title_article);
      } else {
        st.BindNull(2);
      }
      st.Bind(3, nlohmann::json(s->TopEntities(8)).dump());
      st.BindBlob(4, s->Encode()).Bind(5, now);
      if (st.Step() != sql::kDone) return DbError(*db_, "storing a story");
    }
    if (auto r = RefreshStory(s->id); !r.ok()) return r;
  }
  return OkStatus();
}

Status Archive::RefreshStory(int64_t story) {
  int64_t title_article = 0;
  {
    Stmt& st = Cached("SELECT coalesce(title_article, 0) FROM stories WHERE story_id = ?1");
    ResetOnExit reset(st);
    st.Bind(1, story);
    if (!st.ok() || st.Step() != sql::kRow) return OkStatus();  // no such story
    title_article = st.Int(0);
  }
  uint64_t size = 0;
  std::optional<std::string> first, last, title, fallback_title;
  std::string fallback_key;
  std::set<std::string> languages;
  std::map<std::string, uint64_t> outlets;
  {
    Stmt& st = Cached(
        "SELECT a.rowid, a.date_lo, a.date_hi, a.language, a.outlet, a.title, a.id "
        "FROM story_members m JOIN articles a ON a.rowid = m.article_rowid "
        "WHERE m.story_id = ?1");
    ResetOnExit reset(st);
    if (!st.ok()) return Error::Database("story members: " + st.error());
    st.Bind(1, story);
    while (st.Step() == sql::kRow) {
      ++size;
      auto lo = st.OptText(1), hi = st.OptText(2);
      if (lo && (!first || *lo < *first)) first = lo;
      if (hi && (!last || *hi > *last)) last = hi;
      languages.insert(st.Text(3));
      if (auto o = st.OptText(4)) ++outlets[*o];
      auto t = st.OptText(5);
      if (st.Int(0) == title_article) title = t;
      // Without its naming article: the earliest headline.
      std::string key = lo.value_or("9999") + st.Text(6);
      if (t && (!fallback_title || key < fallback_key)) {
        fallback_title = t;
        fallback_key = key;
      }
    }
  }
  if (size == 0) {
    Stmt& del = Cached("DELETE FROM stories WHERE story_id = ?1");
    ResetOnExit reset(del);
    del.Bind(1, story);
    return del.Step() == sql::kDone ? OkStatus() : Status(DbError(*db_, "removing a story"));
  }
  std::vector<std::pair<std::string, uint64_t>> by_count(outlets.begin(), outlets.end());
  std::stable_sort(by_count.begin(), by_count.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> outlet_names;
  for (auto& [o, n] : by_count) outlet_names.push_back(o);
  Stmt& up = Cached(
      "UPDATE stories SET size = ?2, first_date = ?3, last_date = ?4, languages = ?5, "
      "outlets = ?6, title = ?7 WHERE story_id = ?1");
  ResetOnExit reset(up);
  up.Bind(1, story).Bind(2, static_cast<int64_t>(size)).Bind(3, first).Bind(4, last);
  up.Bind(5, nlohmann::json(std::vector<std::string>(languages.begin(), languages.end())).dump());
  up.Bind(6, nlohmann::json(outlet_names).dump()).Bind(7, title ? title : fallback_title);
  if (!up.ok() || up.Step() != sql::kDone) return DbError(*db_, "updating a story");
  return OkStatus();
}

Status Archive::RemoveStoryMember(int64_t rowid) {
  if (!HasStoryTables()) return OkStatus();
  auto story = StoryOfRow(rowid);
  if (!story.ok()) return story.error();
  if (!*story) return OkStatus();
  Stmt& del = Cached("DELETE FROM story_members WHERE article_rowid = ?1");
  {
    ResetOnExit reset(del);
    del.Bind(1, rowid);
    if (del.Step() != sql::kDone) return DbError(*db_, "removing a story member");
  }
  return RefreshStory(**story);
}

// --- read side ---

namespace {

constexpr const char* kSummaryColumns =
    "SELECT story_id, title, first_date, last_date, size, languages, outlets, entities, "
    "updated_at FROM stories";

stories::StorySummary ReadSummary(Stmt& st) {
  stories::StorySummary s;
  s.id = st.Int(0);
  s.title = st.OptText(1);
  s.first_date = st.OptText(2);
  s.last_date = st.OptText(3);
  s.size = static_cast<uint64_t>(st.Int(4));
  s.languages = JsonStrings(st.Text(5));
  s.outlets = JsonStrings(st.Text(6));
  s.entities = JsonStrings(st.Text(7));
  s.updated_at = st.Text(8);
  return s;
}

}  // namespace

Result<std::vector<stories::StorySummary>> Archive::Stories(const stories::StoryQuery& q,
                                                            size_t* total) {
  std::vector<stories::StorySummary> out;
  if (total) *total = 0;
  if (!HasStoryTables()) return out;
  std::string where = " WHERE size >= ?1";
  if (q.since) where += " AND last_date >= ?2";
  if (q.until) where += " AND first_date <= ?3";
  const bool pg = db_->postgres();
  // Elements of a JSON array column (stories' lists are JSON arrays of strings).
  auto elements = [&](const char* column) {
    return pg ? std::string("json_array_elements_text(stories.") + column + "::json) AS j(value)"
              : std::string("json_each(stories.") + column + ") AS j";
  };
  if (q.language)
    where += " AND EXISTS (SELECT 1 FROM " + elements("languages") + " WHERE value = ?4)";
  if (q.outlet)
    where += " AND EXISTS (SELECT 1 FROM " + elements("outlets") + " WHERE lower(value) = lower(?5))";
  std::vector<std::string> names;
  if (q.entity) {
    // The name as given, and the archive's names for it (aliases, the
    // alias table's canonical name).
    names.push_back(*q.entity);
    auto ids = FindEntityIds(*q.entity);
    if (!ids.ok()) return ids.error();
    Stmt n(*db_, "SELECT name FROM entities WHERE entity_id = ?1");
    for (int64_t id : *ids) {
      n.Reset();
      n.Bind(1, id);
      if (n.Step() == sql::kRow) names.push_back(n.Text(0));
    }
    where += " AND EXISTS (SELECT 1 FROM " + elements("entities") + ", " +
             (pg ? "json_array_elements_text(CAST(?6 AS TEXT)::json) AS n(value)"
                 : "json_each(?6) n") +
             " WHERE lower(j.value) = lower(n.value))";
  }
  auto bind = [&](Stmt& st) {
    st.Bind(1, static_cast<int64_t>(q.min_size));
    if (q.since) st.Bind(2, DateLow(*q.since));
    if (q.until) st.Bind(3, DateHigh(*q.until));
    if (q.language) st.Bind(4, *q.language);
    if (q.outlet) st.Bind(5, *q.outlet);
    if (q.entity) st.Bind(6, nlohmann::json(names).dump());
  };
  if (total) {
    Stmt c(*db_, "SELECT count(*) FROM stories" + where);
    if (!c.ok()) return Error::Database("stories: " + c.error());
    bind(c);
    if (c.Step() == sql::kRow) *total = static_cast<size_t>(c.Int(0));
  }
  // Undated stories last on both backends (PostgreSQL sorts NULL above
  // every date, SQLite below).
  const char* order = q.newest
                          ? " ORDER BY last_date IS NULL, last_date DESC, size DESC, story_id"
                          : " ORDER BY size DESC, last_date IS NULL, last_date DESC, story_id";
  Stmt st(*db_, std::string(kSummaryColumns) + where + order + " LIMIT ?7 OFFSET ?8");
  if (!st.ok()) return Error::Database("stories: " + st.error());
  bind(st);
  st.Bind(7, static_cast<int64_t>(q.limit)).Bind(8, static_cast<int64_t>(q.offset));
  while (st.Step() == sql::kRow) out.push_back(ReadSummary(st));
  return out;
}

Result<stories::StorySummary> Archive::Story(int64_t id) {
  if (!HasStoryTables()) return Error::NotFound("this archive has no stories (schema before 10)");
  Stmt st(*db_, std::string(kSummaryColumns) + " WHERE story_id = ?1");
  if (!st.ok()) return Error::Database("story: " + st.error());
  st.Bind(1, id);
  if (st.Step() != sql::kRow) return Error::NotFound("no story " + std::to_string(id));
  return ReadSummary(st);
}

Result<std::vector<stories::StoryArticle>> Archive::StoryArticles(int64_t id) {
  std::vector<stories::StoryArticle> out;
  if (!HasStoryTables()) return out;
  Stmt st(*db_,
          "SELECT a.rowid, a.id, a.title, a.date, a.outlet, a.language, a.flags, m.via, m.score, "
          "coalesce(a.text, ''), a.duplicate_of FROM story_members m "
          "JOIN articles a ON a.rowid = m.article_rowid WHERE m.story_id = ?1 "
          "UNION ALL "
          "SELECT d.rowid, d.id, d.title, d.date, d.outlet, d.language, d.flags, 'duplicate', 1, "
          "'', d.duplicate_of FROM story_members m JOIN articles o ON o.rowid = m.article_rowid "
          "JOIN articles d ON d.duplicate_of = o.id WHERE m.story_id = ?1");
  if (!st.ok()) return Error::Database("story articles: " + st.error());
  st.Bind(1, id);
  while (st.Step() == sql::kRow) {
    stories::StoryArticle a;
    a.rowid = st.Int(0);
    a.id = st.Text(1);
    a.title = st.OptText(2);
    a.date = st.OptText(3);
    a.outlet = st.OptText(4);
    a.language = st.Text(5);
    a.flags = ParseFlags(st.Text(6));
    a.via = st.Text(7);
    a.score = st.Double(8);
    a.text = st.Text(9);
    a.duplicate_of = st.OptText(10);
    out.push_back(std::move(a));
  }
  Stmt sp(*db_,
          "SELECT speaker FROM quotes WHERE article_rowid = ?1 AND speaker IS NOT NULL "
          "ORDER BY seq");
  Stmt en(*db_,
          "SELECT e.name FROM mentions m JOIN entities e USING(entity_id) "
          "WHERE m.article_rowid = ?1 ORDER BY m.seq");
  if (!sp.ok() || !en.ok()) return Error::Database("story articles: " + sp.error() + en.error());
  for (auto& a : out) {
    if (a.duplicate_of) continue;
    sp.Reset();
    sp.Bind(1, a.rowid);
    while (sp.Step() == sql::kRow) a.speakers.push_back(sp.Text(0));
    en.Reset();
    en.Bind(1, a.rowid);
    while (en.Step() == sql::kRow) a.entities.push_back(en.Text(0));
  }
  std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
    const std::string dx = x.date.value_or("9999"), dy = y.date.value_or("9999");
    return dx != dy ? dx < dy : x.id < y.id;
  });
  return out;
}

Result<std::vector<Archive::ReuseRow>> Archive::StoryPassages(int64_t id) {
  std::vector<ReuseRow> out;
  if (!HasStoryTables()) return out;
  Stmt st(*db_, std::string(kReuseRowColumns) +
                   " JOIN story_members ma ON ma.article_rowid = p.a "
                   "JOIN story_members mb ON mb.article_rowid = p.b "
                   "WHERE ma.story_id = ?1 AND mb.story_id = ?1 ORDER BY p.words DESC");
  if (!st.ok()) return Error::Database("story passages: " + st.error());
  st.Bind(1, id);
  while (st.Step() == sql::kRow) out.push_back(ReadReuseRow(st));
  return out;
}

Result<std::unordered_map<std::string, int64_t>> Archive::StoryAssignments() {
  std::unordered_map<std::string, int64_t> out;
  if (!HasStoryTables()) return out;
  Stmt st(*db_,
          "SELECT a.id, m.story_id FROM story_members m JOIN articles a "
          "ON a.rowid = m.article_rowid UNION ALL "
          "SELECT d.id, m.story_id FROM articles d JOIN articles o ON o.id = d.duplicate_of "
          "JOIN story_members m ON m.article_rowid = o.rowid");
  if (!st.ok()) return Error::Database("story assignments: " + st.error());
  while (st.Step() == sql::kRow) out.emplace(st.Text(0), st.Int(1));
  return out;
}

Result<std::unordered_map<std::string, uint64_t>> Archive::TermDocFreqs(
    const std::vector<std::string>& terms) {
  std::unordered_map<std::string, uint64_t> out;
  if (!HasStoryTables()) return out;
  std::vector<uint64_t> keys;
  for (const auto& t : terms) keys.push_back(stories::TermKey(t));
  std::vector<uint32_t> df;
  if (auto s = StoryDocFreqs(keys, &df); !s.ok()) return s.error();
  for (size_t i = 0; i < terms.size(); ++i) out[terms[i]] = df[i];
  return out;
}

}  // namespace veille
