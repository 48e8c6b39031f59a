// migrations.cc: the schema changes after version 3 (see migrations.h).
#include "archive/migrations.h"

#include <vector>

namespace veille {

std::span<const Migration> Migrations() {
  // Append only. Entry i takes the archive to version 4 + i. The entries up
  // to kPgBaseSchemaVersion have no PostgreSQL text: kPgSchema holds them.
  static const std::vector<Migration> kList = {
      // 4: accounts, API tokens (salted hashes only) and the audit log
      // (veille/accounts.h). Plain SQL, so that another backend can mirror
      // it; the triggers make audit_log append-only.
      {"accounts: users, tokens, audit_log", R"sql(
CREATE TABLE IF NOT EXISTS users(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
  created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens(
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  salt BLOB NOT NULL,
  hash BLOB NOT NULL,
  label TEXT,
  created TEXT NOT NULL,
  expires TEXT,
  revoked TEXT
);
CREATE INDEX IF NOT EXISTS tokens_user ON tokens(user_id);
CREATE TABLE IF NOT EXISTS audit_log(
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  user_name TEXT NOT NULL,
  address TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log(at);
CREATE INDEX IF NOT EXISTS audit_log_user ON audit_log(user_name, at);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql", nullptr},
      // 5: each quote\'s speaker kind, attribution confidence and partial flag.
      {"quotes: speaker_kind, confidence, partial",
       "ALTER TABLE quotes ADD COLUMN speaker_kind TEXT;"
       "ALTER TABLE quotes ADD COLUMN confidence REAL;"
       "ALTER TABLE quotes ADD COLUMN partial INTEGER NOT NULL DEFAULT 0;", nullptr},
      // 6: web article versions: where each content of a page, WARC record or
      // feed item came from, and the replaced texts (src/archive/versions.h).
      {"article_versions: web article versions and their sources",
       "CREATE TABLE IF NOT EXISTS article_versions("
       " article_id TEXT NOT NULL, seq INTEGER NOT NULL, content_hash TEXT NOT NULL,"
       " kind TEXT NOT NULL, fetched_at TEXT, source_file TEXT NOT NULL, record_id TEXT,"
       " record_offset INTEGER, record_number INTEGER, target_uri TEXT, stored_at TEXT NOT NULL,"
       " title TEXT, text TEXT, PRIMARY KEY(article_id, seq)) WITHOUT ROWID;"
       "CREATE INDEX IF NOT EXISTS article_versions_uri ON article_versions(target_uri);", nullptr},
      // 7: the full-text indexes hold stop-word grams (veille/text.h) for
      // what is indexed from now on. An archive that already holds articles
      // indexed them without: `fts_stop_grams` is then left out until
      // Archive::Reindex (`veille reindex`) has indexed everything again.
      {"full-text index: stop-word grams", R"sql(
INSERT OR REPLACE INTO meta(key, value)
  SELECT 'fts_stop_grams', '1' WHERE NOT EXISTS (SELECT 1 FROM articles);
)sql", nullptr},
      // 8: the crawl's sources and state (veille/sources.h).
      {"crawl: sources, crawl_seen",
       "CREATE TABLE IF NOT EXISTS sources("
       " source_id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
       " kind TEXT NOT NULL, every_seconds INTEGER NOT NULL, language TEXT,"
       " added_at TEXT NOT NULL, next_due TEXT NOT NULL DEFAULT '', etag TEXT,"
       " last_modified TEXT, last_fetch TEXT, last_success TEXT, last_error TEXT,"
       " last_error_at TEXT, failures INTEGER NOT NULL DEFAULT 0,"
       " articles INTEGER NOT NULL DEFAULT 0, failing INTEGER NOT NULL DEFAULT 0);"
       "CREATE TABLE IF NOT EXISTS crawl_seen("
       " url TEXT PRIMARY KEY, warc_file TEXT NOT NULL, warc_offset INTEGER NOT NULL,"
       " fetched_at TEXT NOT NULL) WITHOUT ROWID;", nullptr},
      // 9: what the crawl knows of each URL it fetched: the answer's status
      // and redirect target, its validators for a conditional refetch, the
      // listing's signature of the item, the source that listed it, when it
      // was first fetched, failed attempts in a row (veille/sources.h).
      {"crawl: crawl_seen status, validators, signature, source",
       // The table is made again (not ALTERed), so that the step can run
       // over any earlier form of it.
       "DROP TABLE IF EXISTS crawl_seen_v9;"
       "CREATE TABLE crawl_seen_v9("
       " url TEXT PRIMARY KEY, warc_file TEXT NOT NULL, warc_offset INTEGER NOT NULL,"
       " fetched_at TEXT NOT NULL, status INTEGER, kind TEXT, source_id INTEGER,"
       " location TEXT, etag TEXT, last_modified TEXT, signature TEXT, first_fetched_at TEXT,"
       " tries INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
       "INSERT INTO crawl_seen_v9(url, warc_file, warc_offset, fetched_at, first_fetched_at)"
       " SELECT url, warc_file, warc_offset, fetched_at, fetched_at FROM crawl_seen;"
       "DROP TABLE crawl_seen;"
       "ALTER TABLE crawl_seen_v9 RENAME TO crawl_seen;"
       "CREATE INDEX IF NOT EXISTS crawl_seen_source ON crawl_seen(source_id, first_fetched_at);",
       // PostgreSQL has ADD COLUMN IF NOT EXISTS.
       "ALTER TABLE crawl_seen ADD COLUMN IF NOT EXISTS status BIGINT,"
       " ADD COLUMN IF NOT EXISTS kind TEXT COLLATE \"C\","
       " ADD COLUMN IF NOT EXISTS source_id BIGINT,"
       " ADD COLUMN IF NOT EXISTS location TEXT COLLATE \"C\","
       " ADD COLUMN IF NOT EXISTS etag TEXT COLLATE \"C\","
       " ADD COLUMN IF NOT EXISTS last_modified TEXT COLLATE \"C\","
       " ADD COLUMN IF NOT EXISTS signature TEXT COLLATE \"C\","
       " ADD COLUMN IF NOT EXISTS first_fetched_at TEXT COLLATE \"C\","
       " ADD COLUMN IF NOT EXISTS tries BIGINT NOT NULL DEFAULT 0;"
       "UPDATE crawl_seen SET first_fetched_at = fetched_at WHERE first_fetched_at IS NULL;"
       "CREATE INDEX IF NOT EXISTS crawl_seen_source ON crawl_seen(source_id, first_fetched_at);"},
      // 10: stories (veille/stories.h): story records, each article's story,
      // the postings that find candidate stories, and the term and entity
      // document frequencies of TF-IDF. Articles stored before are in no
      // story.
      {"stories: stories, story_members, story_keys, story_df", R"sql(
CREATE TABLE IF NOT EXISTS stories(
  story_id      INTEGER PRIMARY KEY,
  title         TEXT,
  title_article INTEGER,
  first_date    TEXT,
  last_date     TEXT,
  size          INTEGER NOT NULL DEFAULT 0,
  languages     TEXT NOT NULL DEFAULT '[]',
  outlets       TEXT NOT NULL DEFAULT '[]',
  entities      TEXT NOT NULL DEFAULT '[]',
  state         BLOB NOT NULL,
  updated_at    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stories_last ON stories(last_date);
CREATE INDEX IF NOT EXISTS stories_size ON stories(size);
CREATE TABLE IF NOT EXISTS story_members(
  article_rowid INTEGER PRIMARY KEY,
  story_id      INTEGER NOT NULL,
  score         REAL NOT NULL,
  via           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS story_members_story ON story_members(story_id);
CREATE TABLE IF NOT EXISTS story_keys(
  key      INTEGER NOT NULL,
  day      INTEGER NOT NULL,
  story_id INTEGER NOT NULL,
  PRIMARY KEY(key, day, story_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS story_df(
  key INTEGER PRIMARY KEY,
  df  INTEGER NOT NULL
);
)sql",
       R"sql(
CREATE TABLE IF NOT EXISTS stories(
  story_id      BIGINT PRIMARY KEY,
  title         TEXT,
  title_article BIGINT,
  first_date    TEXT,
  last_date     TEXT,
  size          BIGINT NOT NULL DEFAULT 0,
  languages     TEXT NOT NULL DEFAULT '[]',
  outlets       TEXT NOT NULL DEFAULT '[]',
  entities      TEXT NOT NULL DEFAULT '[]',
  state         BYTEA NOT NULL,
  updated_at    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stories_last ON stories(last_date);
CREATE INDEX IF NOT EXISTS stories_size ON stories(size);
CREATE TABLE IF NOT EXISTS story_members(
  article_rowid BIGINT PRIMARY KEY,
  story_id      BIGINT NOT NULL,
  score         DOUBLE PRECISION NOT NULL,
  via           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS story_members_story ON story_members(story_id);
CREATE TABLE IF NOT EXISTS story_keys(
  key      BIGINT NOT NULL,
  day      BIGINT NOT NULL,
  story_id BIGINT NOT NULL,
  PRIMARY KEY(key, day, story_id)
);
CREATE TABLE IF NOT EXISTS story_df(
  key BIGINT PRIMARY KEY,
  df  BIGINT NOT NULL
);
)sql"},
      // 11: events (veille/events.h): each article's event reports and the
      // events they are merged into across articles (same action, same
      // target, dates within events::kMergeWindowDays), and the entities
      // each report involves. Articles stored before have no events.
      {"events: events, event_reports, event_entities", R"sql(
CREATE TABLE IF NOT EXISTS events(
  event_id    INTEGER PRIMARY KEY,
  action      TEXT NOT NULL,
  merge_key   TEXT NOT NULL,
  anchor_date TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS events_key ON events(action, merge_key);
CREATE TABLE IF NOT EXISTS event_reports(
  report_id      INTEGER PRIMARY KEY,
  event_id       INTEGER NOT NULL,
  article_rowid  INTEGER NOT NULL,
  seq            INTEGER NOT NULL,
  action         TEXT NOT NULL,
  actor          TEXT NOT NULL DEFAULT '',
  target         TEXT NOT NULL DEFAULT '',
  place          TEXT NOT NULL DEFAULT '',
  date           TEXT NOT NULL DEFAULT '',
  date_source    TEXT NOT NULL DEFAULT '',
  start          INTEGER NOT NULL,
  "end"          INTEGER NOT NULL,
  sentence_start INTEGER NOT NULL,
  sentence_end   INTEGER NOT NULL,
  source         TEXT NOT NULL DEFAULT '',
  reported       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS event_reports_event ON event_reports(event_id);
CREATE INDEX IF NOT EXISTS event_reports_article ON event_reports(article_rowid);
CREATE TABLE IF NOT EXISTS event_entities(
  report_id  INTEGER NOT NULL,
  entity_key TEXT NOT NULL,
  role       TEXT NOT NULL,
  PRIMARY KEY(entity_key, report_id, role)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_entities_report ON event_entities(report_id);
)sql",
       R"sql(
CREATE TABLE IF NOT EXISTS events(
  event_id    BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  action      TEXT COLLATE "C" NOT NULL,
  merge_key   TEXT COLLATE "C" NOT NULL,
  anchor_date TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS events_key ON events(action, merge_key);
CREATE TABLE IF NOT EXISTS event_reports(
  report_id      BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  event_id       BIGINT NOT NULL,
  article_rowid  BIGINT NOT NULL,
  seq            BIGINT NOT NULL,
  action         TEXT COLLATE "C" NOT NULL,
  actor          TEXT NOT NULL DEFAULT '',
  target         TEXT NOT NULL DEFAULT '',
  place          TEXT NOT NULL DEFAULT '',
  date           TEXT COLLATE "C" NOT NULL DEFAULT '',
  date_source    TEXT COLLATE "C" NOT NULL DEFAULT '',
  start          BIGINT NOT NULL,
  "end"          BIGINT NOT NULL,
  sentence_start BIGINT NOT NULL,
  sentence_end   BIGINT NOT NULL,
  source         TEXT NOT NULL DEFAULT '',
  reported       BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS event_reports_event ON event_reports(event_id);
CREATE INDEX IF NOT EXISTS event_reports_article ON event_reports(article_rowid);
CREATE TABLE IF NOT EXISTS event_entities(
  report_id  BIGINT NOT NULL,
  entity_key TEXT COLLATE "C" NOT NULL,
  role       TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY(entity_key, report_id, role)
);
CREATE INDEX IF NOT EXISTS event_entities_report ON event_entities(report_id);
)sql"},
  };
  return kList;
}

}  // namespace veille
