// api.cc: routing, parameter validation and the JSON endpoints (see api.h).
#include "server/api.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "server/account_routes.h"
#include "server/sources_routes.h"
#include "server/event_routes.h"
#include "server/story_routes.h"
#include "veille/archive_queries.h"
#include "veille/export.h"
#include "veille/query.h"
#include "veille/utf8.h"

namespace veille::server {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxQueryBytes = 500;
constexpr size_t kServerCacheMb = 8;  // per connection (Archive::SetCacheSize)
constexpr size_t kMaxNameBytes = 200;
constexpr size_t kMaxPathBytes = 1024;
// Snippet markers: control bytes cannot occur in a validated query and are
// stripped from the text first, so they mark hits unambiguously (unlike the
// CLI's "[" and "]", which news text does contain).
constexpr char kOpen = '\x01';
constexpr char kClose = '\x02';

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Reply JsonReply(const json& j) {
  Reply r;
  r.body = Dump(j);
  return r;
}

json Nullable(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

// ---------------------------------------------------------------------------
// Endpoints. Each is one function taking the pool, the id from the path (for
// /api/articles/{id} and /api/entities/{name}; empty otherwise) and the
// validated parameters.

// The entity facet counts the entities of this many best-ranked matches.
constexpr size_t kEntityFacetSample = 200;

const ParamSpec kPage{"page", ParamSpec::Kind::kInt, false, 1, 1000};
const ParamSpec kPageSize{"page_size", ParamSpec::Kind::kInt, false, 1, 100};
const ParamSpec kSince{"since", ParamSpec::Kind::kDate};
const ParamSpec kUntil{"until", ParamSpec::Kind::kDate};

std::string MarkersTo(std::string_view s, std::string_view open, std::string_view close,
                      bool html) {
  std::string out;
  out.reserve(s.size() + 32);
  for (char c : s) {
    if (c == kOpen) {
      out += open;
    } else if (c == kClose) {
      out += close;
    } else if (html && c == '&') {
      out += "&amp;";
    } else if (html && c == '<') {
      out += "&lt;";
    } else if (html && c == '>') {
      out += "&gt;";
    } else if (html && c == '"') {
      out += "&quot;";
    } else if (html && c == '\'') {
      out += "&#39;";
    } else {
      out += c;
    }
  }
  return out;
}

json FacetJson(const std::vector<FacetCount>& v, bool typed = false) {
  json a = json::array();
  for (const auto& f : v) {
    json o = {{"value", f.value}, {"count", f.count}};
    if (typed) o["type"] = f.type;
    a.push_back(std::move(o));
  }
  return a;
}

Reply Search(ArchivePool& pool, std::string_view, const Params& p) {
  auto archive = pool.Acquire();
  if (!archive.ok()) return ErrorReply(archive.error());
  Archive& a = **archive;

  SearchOptions so;
  so.query = *p.Text("q");
  so.language = p.Text("lang");
  so.since = p.Text("since");
  so.until = p.Text("until");
  so.outlet = p.Text("outlet");
  so.entity = p.Text("entity");
  const int64_t page = p.Int("page", 1), page_size = p.Int("page_size", 10);
  so.limit = static_cast<size_t>(page_size);
  so.offset = static_cast<size_t>((page - 1) * page_size);
  // Snippets are made here (with unambiguous markers) for the page only.
  so.snippets = false;
  const bool facets = p.Bool("facets", true);

  // With facets, one pass over the matches gives the page, the total and
  // the counts; without, Archive::Search ranks in SQLite and counts apart.
  std::optional<SearchFacets> f;
  std::vector<SearchHit> found;
  size_t total = 0;
  if (facets) {
    auto r = SearchWithFacets(a, pool.attributes(), so, 10, kEntityFacetSample);
    if (!r.ok()) return ErrorReply(r.error());
    found = std::move(r->hits);
    f = std::move(r->facets);
    total = f->total;
  } else {
    so.count_total = true;
    auto r = a.Search(so);
    if (!r.ok()) return ErrorReply(r.error());
    found = std::move(r->hits);
    total = r->total;
  }

  std::vector<std::string> ids;
  for (const auto& h : found) ids.push_back(h.id);
  auto texts = ArticleTexts(a, ids);
  if (!texts.ok()) return ErrorReply(texts.error());
  auto parsed = ParseQuery(so.query);
  if (!parsed.ok()) return ErrorReply(parsed.error());
  std::vector<std::string> languages;
  if (so.language) {
    languages = {*so.language};
  } else if (auto l = a.Languages(); l.ok()) {
    languages = *l;
  }

  SnippetMaker snippets(a.analyzer(), *parsed, languages);
  json hits = json::array();
  for (const auto& h : found) {
    std::string& text = (*texts)[h.id];
    std::replace_if(
        text.begin(), text.end(), [](char c) { return c == kOpen || c == kClose; }, ' ');
    // With facets the search gave where the query matched: the snippet is
    // made from those positions (cheaper than analysing the whole text).
    std::string marked = h.positions
                             ? SnippetAt(a.analyzer(), text, h.language, *h.positions, 30,
                                         std::string_view(&kOpen, 1), std::string_view(&kClose, 1))
                             : snippets.Make(text, h.language, 30, std::string_view(&kOpen, 1),
                                             std::string_view(&kClose, 1));
    hits.push_back({{"id", h.id},
                    {"score", h.score},
                    {"title", Nullable(h.title)},
                    {"date", Nullable(h.date)},
                    {"outlet", Nullable(h.outlet)},
                    {"language", h.language},
                    {"story", h.story ? json(*h.story) : json(nullptr)},
                    {"snippet", MarkersTo(marked, "[", "]", false)},
                    {"snippet_html", MarkersTo(marked, "<mark>", "</mark>", true)}});
  }
  json j = {{"query", so.query},
            {"total", total},
            {"page", page},
            {"page_size", page_size},
            {"hits", std::move(hits)}};
  if (f) {
    j["facets"] = {{"language", FacetJson(f->language)},
                   {"outlet", FacetJson(f->outlet)},
                   {"month", FacetJson(f->month)},
                   {"entities", FacetJson(f->entities, true)},
                   {"entities_sample", f->entity_sample}};
  }
  return JsonReply(j);
}

Reply Article(ArchivePool& pool, std::string_view id, const Params&) {
  auto archive = pool.Acquire();
  if (!archive.ok()) return ErrorReply(archive.error());
  auto a = (*archive)->Get(std::string(id));
  if (!a.ok()) return ErrorReply(a.error());
  // ArticleJson is the one definition of the export object; the API adds
  // the stage outputs (entities, quotes, reuse) to it as they land.
  Reply r;
  r.body = ArticleJson(*a);
  return r;
}

Reply Stats(ArchivePool& pool, std::string_view, const Params&) {
  auto archive = pool.Acquire();
  if (!archive.ok()) return ErrorReply(archive.error());
  auto s = (*archive)->Stats();
  if (!s.ok()) return ErrorReply(s.error());
  auto stages = Stages(**archive);
  if (!stages.ok()) return ErrorReply(stages.error());
  auto obj = [](const std::vector<std::pair<std::string, uint64_t>>& v) {
    json o = json::object();
    for (const auto& [k, n] : v) o[k] = n;
    return o;
  };
  json j = {
      {"articles", s->articles},
      {"duplicates", s->duplicates},
      {"removed_lines", s->removed_lines},
      {"text_bytes", s->text_bytes},
      {"file_bytes", s->file_bytes},
      {"runs", s->runs},
      {"languages", obj(s->languages)},
      {"outlets", obj(s->outlets)},
      {"flags", obj(s->flags)},
      {"first_date", Nullable(s->first_date)},
      {"last_date", Nullable(s->last_date)},
      // Which optional parts of the API this archive can answer, so
      // that the UI can say so instead of failing.
      {"available", {{"entities", stages->entities}, {"quotes", stages->quotes}, {"reuse", true}}}};
  return JsonReply(j);
}

Reply Quotes(ArchivePool& pool, std::string_view, const Params& p) {
  auto archive = pool.Acquire();
  if (!archive.ok()) return ErrorReply(archive.error());
  QuoteQuery q;
  q.speaker = p.Text("speaker");
  q.about = p.Text("about");
  q.since = p.Text("since");
  q.until = p.Text("until");
  const int64_t page = p.Int("page", 1), page_size = p.Int("page_size", 10);
  q.limit = static_cast<size_t>(page_size);
  q.offset = static_cast<size_t>((page - 1) * page_size);
  size_t total = 0;
  auto r = (*archive)->Quotes(q, &total);
  if (!r.ok()) return ErrorReply(r.error());
  json quotes = json::array();
  for (const auto& s : *r) {
    const QuoteSpan& x = s.quote;
    json j = QuoteJson(x);
    j["article"] = s.article_id;
    j["title"] = Nullable(s.title);
    j["date"] = Nullable(s.date);
    j["outlet"] = Nullable(s.outlet);
    quotes.push_back(std::move(j));
  }
  return JsonReply(
      {{"total", total}, {"page", page}, {"page_size", page_size}, {"quotes", std::move(quotes)}});
}

Reply Speakers(ArchivePool& pool, std::string_view, const Params& p) {
  auto archive = pool.Acquire();
  if (!archive.ok()) return ErrorReply(archive.error());
  auto r = TopSpeakers(**archive, static_cast<size_t>(p.Int("top", 50)));
  if (!r.ok()) return ErrorReply(r.error());
  json speakers = json::array();
  for (const auto& s : *r)
    speakers.push_back({{"speaker", s.speaker},
                        {"type", s.type.empty() ? json(nullptr) : json(s.type)},
                        {"quotes", s.quotes},
                        {"articles", s.articles}});
  return JsonReply({{"speakers", std::move(speakers)}});
}

json EntityJson(const EntitySummary& e) {
  return {{"name", e.name}, {"type", e.type}, {"articles", e.articles}, {"mentions", e.mentions}};
}

Reply Entities(ArchivePool& pool, std::string_view, const Params& p) {
  auto archive = pool.Acquire();
  if (!archive.ok()) return ErrorReply(archive.error());
  EntityQuery q;
  q.type = p.Text("type");
  q.since = p.Text("since");
  q.until = p.Text("until");
  q.top = static_cast<size_t>(p.Int("top", 50));
  auto r = (*archive)->Entities(q);
  if (!r.ok()) return ErrorReply(r.error());
  json entities = json::array();
  for (const auto& e : *r) entities.push_back(EntityJson(e));
  return JsonReply({{"entities", std::move(entities)}});
}

Reply Entity(ArchivePool& pool, std::string_view name, const Params&) {
  auto archive = pool.Acquire();
  if (!archive.ok()) return ErrorReply(archive.error());
  auto r = (*archive)->Entity(std::string(name));
  if (!r.ok()) return ErrorReply(r.error());
  const EntityDetail& d = *r;
  auto pairs = [](const std::vector<std::pair<std::string, uint64_t>>& v, const char* key,
                  const char* count) {
    json a = json::array();
    for (const auto& [k, n] : v) a.push_back({{key, k}, {count, n}});
    return a;
  };
  json types = json::object();
  for (const auto& [t, n] : d.types) types[t] = n;
  json co = json::array();
  for (const auto& e : d.cooccurring)
    co.push_back({{"name", e.name}, {"type", e.type}, {"articles", e.articles}});
  json j = EntityJson(d.entity);
  j["types"] = std::move(types);
  j["aliases"] = pairs(d.aliases, "alias", "mentions");
  j["roles"] = pairs(d.roles, "role", "mentions");
  j["first_date"] = Nullable(d.first_date);
  j["last_date"] = Nullable(d.last_date);
  j["timeline"] = pairs(d.timeline, "month", "mentions");
  j["cooccurring"] = std::move(co);
  return JsonReply(j);
}

// Reused passages of an article or an outlet, grouped by article pair.
Reply Reuse(ArchivePool& pool, std::string_view, const Params& p) {
  auto article = p.Text("article");
  auto outlet = p.Text("outlet");
  if (!article && !outlet)
    return ErrorReply(Error::InvalidArgument("reuse needs 'article' or 'outlet'"));
  auto archive = pool.Acquire();
  if (!archive.ok()) return ErrorReply(archive.error());
  auto rows = (*archive)->Reuse(article, outlet, 5000);
  if (!rows.ok()) return ErrorReply(rows.error());
  // Pairs in order of their longest passage (rows come longest first).
  std::vector<std::pair<std::string, std::string>> order;
  std::map<std::pair<std::string, std::string>, json> pairs;
  for (const auto& r : *rows) {
    auto key = std::make_pair(r.a, r.b);
    auto it = pairs.find(key);
    if (it == pairs.end()) {
      order.push_back(key);
      it = pairs
               .emplace(key, json{{"a", r.a},
                                  {"b", r.b},
                                  {"a_title", Nullable(r.a_title)},
                                  {"b_title", Nullable(r.b_title)},
                                  {"a_outlet", Nullable(r.a_outlet)},
                                  {"b_outlet", Nullable(r.b_outlet)},
                                  {"a_date", Nullable(r.a_date)},
                                  {"b_date", Nullable(r.b_date)},
                                  {"first", r.direction > 0   ? json("a")
                                            : r.direction < 0 ? json("b")
                                                              : json(nullptr)},
                                  {"similarity", r.similarity},
                                  {"passages", json::array()}})
               .first;
    }
    it->second["passages"].push_back({{"a_start", r.a_begin},
                                      {"a_end", r.a_end},
                                      {"b_start", r.b_begin},
                                      {"b_end", r.b_end},
                                      {"words", r.words},
                                      {"a_text", r.a_text},
                                      {"b_text", r.b_text},
                                      {"similarity", r.similarity}});
  }
  const int64_t page = p.Int("page", 1), page_size = p.Int("page_size", 10);
  json out = json::array();
  for (size_t i = static_cast<size_t>((page - 1) * page_size);
       i < order.size() && out.size() < static_cast<size_t>(page_size); ++i)
    out.push_back(std::move(pairs[order[i]]));
  return JsonReply({{"total", order.size()},
                    {"page", page},
                    {"page_size", page_size},
                    {"pairs", std::move(out)}});
}

}  // namespace

const std::vector<Endpoint>& Endpoints() {
  using K = ParamSpec::Kind;
  static const std::vector<Endpoint> kEndpoints = {
      {"/api/search",
       {{"q", K::kText, true, 0, kMaxQueryBytes},
        {"lang", K::kText, false, 0, 8},
        kSince,
        kUntil,
        {"outlet", K::kText, false, 0, kMaxNameBytes},
        {"entity", K::kText, false, 0, kMaxNameBytes},
        kPage,
        kPageSize,
        {"facets", K::kBool}},
       Search,
       Access::Reader()},
      {"/api/articles/", {}, Article, Access::Reader()},
      {"/api/stats", {}, Stats, Access::Reader()},
      {"/api/quotes",
       {{"speaker", K::kText, false, 0, kMaxNameBytes},
        {"about", K::kText, false, 0, kMaxQueryBytes},
        kSince,
        kUntil,
        kPage,
        kPageSize},
       Quotes,
       Access::Reader()},
      {"/api/speakers", {{"top", K::kInt, false, 1, 500}}, Speakers, Access::Reader()},
      {"/api/entities",
       {{"type", K::kChoice, false, 0, 0, "PER LOC ORG"},
        {"top", K::kInt, false, 1, 500},
        kSince,
        kUntil},
       Entities,
       Access::Reader()},
      {"/api/entities/", {}, Entity, Access::Reader()},
      {"/api/reuse",
       {{"article", K::kText, false, 0, kMaxNameBytes},
        {"outlet", K::kText, false, 0, kMaxNameBytes},
        kPage,
        kPageSize},
       Reuse,
       Access::Reader()},
      // Accounts (server/account_routes.cc).
      {"/api/me", {}, Me, Access::Public()},
      {"/api/login", {}, Login, Access::Public(), "POST"},
      {"/api/logout", {}, Logout, Access::Public(), "POST"},
      {"/api/users", {}, UsersList, Access::Admin()},
      {"/api/audit", AuditParams(), AuditLog, Access::Admin()},
      // The crawl's sources (server/sources_routes.cc): editors manage them.
      {"/api/sources", SourcesParams(), SourcesList, Access::Reader()},
      {"/api/sources", {}, SourcesAdd, Access::Editor(), "POST"},
      {"/api/sources/remove", {}, SourcesRemove, Access::Editor(), "POST"},
      // Stories (server/story_routes.cc).
      {"/api/stories", StoriesParams(), StoriesList, Access::Reader()},
      {"/api/stories/", {}, StoryDetail, Access::Reader()},
      // Events and timelines (server/event_routes.cc).
      {"/api/events", EventsParams(), EventsList, Access::Reader()},
      {"/api/timeline", TimelineParams(), Timeline, Access::Reader()},
  };
  return kEndpoints;
}

std::string RouteName(const Endpoint& e) {
  std::string out(e.path);
  if (e.path.back() == '/') out += e.path == "/api/articles/" ? "{id}" : "{name}";
  return out;
}

std::string_view Access::name() const {
  static constexpr std::string_view kNames[] = {"public", "reader", "editor", "admin"};
  return kNames[level_];
}

namespace {

std::string RouteList() {
  std::string out;
  for (const auto& e : Endpoints()) {
    if (!out.empty()) out += ", ";
    if (e.method != "GET") out += std::string(e.method) + " ";
    out += RouteName(e);
  }
  return out;
}

}  // namespace

bool IsCleanText(std::string_view s) {
  if (FindInvalidUtf8(s) != std::string_view::npos) return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

int HttpStatusFor(const Error& e) {
  switch (e.code) {
    case Error::Code::kInvalidArgument:
    case Error::Code::kBadInput:
      return 400;
    case Error::Code::kNotFound:
      return 404;
    case Error::Code::kIo:
    case Error::Code::kDatabase:
    case Error::Code::kInternal:
      return 500;
  }
  return 500;
}

Reply ErrorReply(int status, std::string_view message) {
  Reply r;
  r.status = status;
  r.body = Dump({{"error", {{"status", status}, {"message", message}}}});
  return r;
}

std::optional<std::string> Params::Text(std::string_view name) const {
  for (const auto& [k, v] : values_)
    if (k == name) return v;
  return std::nullopt;
}

int64_t Params::Int(std::string_view name, int64_t fallback) const {
  auto t = Text(name);
  if (!t) return fallback;
  int64_t v = fallback;
  std::from_chars(t->data(), t->data() + t->size(), v);
  return v;
}

bool Params::Bool(std::string_view name, bool fallback) const {
  auto t = Text(name);
  if (!t) return fallback;
  return *t == "1" || *t == "true";
}

void Params::Set(std::string_view name, std::string value) {
  values_.emplace_back(std::string(name), std::move(value));
}

Result<Params> ValidateParams(const std::vector<ParamSpec>& specs, const RawParams& raw) {
  auto accepted = [&] {
    if (specs.empty()) return std::string("this endpoint takes no parameters");
    std::string out = "accepted: ";
    for (size_t i = 0; i < specs.size(); ++i) out += (i ? ", " : "") + std::string(specs[i].name);
    return out;
  };
  Params out;
  for (size_t i = 0; i < raw.size(); ++i) {
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one.
    const std::string& name = raw[i].first;
    const std::string& value = raw[i].second;
    auto spec = std::find_if(specs.begin(), specs.end(),
                             [&](const ParamSpec& s) { return s.name == name; });
    std::string shown = IsCleanText(name) && name.size() <= 64 ? name : "(unprintable)";
    if (spec == specs.end())
      return Error::InvalidArgument("unknown parameter '" + shown + "'; " + accepted());
    for (size_t j = 0; j < i; ++j)
      if (raw[j].first == name)
        return Error::InvalidArgument("parameter '" + shown + "' given more than once");
    const std::string n(spec->name);
    if (!IsCleanText(value))
      return Error::InvalidArgument("parameter '" + n +
                                    "' must be valid UTF-8 without control characters");
    switch (spec->kind) {
      case ParamSpec::Kind::kText:
        if (value.size() > static_cast<size_t>(spec->max))
          return Error::InvalidArgument("parameter '" + n + "' is too long (" +
                                        std::to_string(value.size()) + " bytes; at most " +
                                        std::to_string(spec->max) + ")");
        if (value.find_first_not_of(' ') == std::string::npos)
          return Error::InvalidArgument("parameter '" + n + "' is empty");
        break;
      case ParamSpec::Kind::kInt: {
        int64_t v = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        const bool digits =
            !value.empty() && value.size() <= 18 &&
            std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!digits || ec != std::errc() || end != value.data() + value.size())
          return Error::InvalidArgument("parameter '" + n + "' must be a whole number between " +
                                        std::to_string(spec->min) + " and " +
                                        std::to_string(spec->max));
        if (v < spec->min || v > spec->max)
          return Error::InvalidArgument("parameter '" + n + "' must be between " +
                                        std::to_string(spec->min) + " and " +
                                        std::to_string(spec->max) + " (got " + value + ")");
        break;
      }
      case ParamSpec::Kind::kDate:
        if (!IsValidDate(value))
          return Error::InvalidArgument("parameter '" + n + "' must be a date YYYY, YYYY-MM or " +
                                        "YYYY-MM-DD (got '" + value.substr(0, 40) + "')");
        break;
      case ParamSpec::Kind::kBool:
        if (value != "0" && value != "1" && value != "true" && value != "false")
          return Error::InvalidArgument("parameter '" + n + "' must be 0 or 1");
        break;
      case ParamSpec::Kind::kChoice: {
        bool found = false;
        std::string_view rest = spec->choices;
        while (!rest.empty()) {
          size_t sp = rest.find(' ');
          if (rest.substr(0, sp) == value) found = true;
          rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
        }
        if (!found)
          return Error::InvalidArgument("parameter '" + n +
                                        "' must be one of: " + std::string(spec->choices));
        break;
      }
    }
    out.Set(spec->name, value);
  }
  for (const auto& s : specs)
    if (s.required && !out.Text(s.name))
      return Error::InvalidArgument("missing parameter '" + std::string(s.name) + "'");
  return out;
}

Result<ArchivePool::Lease> ArchivePool::Acquire() {
  {
    // First come, first served: a request waits behind the ones that arrived
    // before it (so a burst of heavy searches cannot starve a light one), and
    // a released connection goes straight to the oldest waiter, which alone
    // is woken.
    std::unique_lock<std::mutex> lock(mu_);
    if (waiters_.empty() && !idle_.empty()) {
      auto a = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(a));
    }
    if (waiters_.empty() && open_ < max_open_) {
      ++open_;
    } else {
      Waiter w;
      waiters_.push_back(&w);
      w.cv.wait(lock, [&w] { return w.ready; });
      if (w.handed) return Lease(this, std::move(w.handed));
      // Else a slot was freed for this request to open a connection in.
    }
  }
  // Opening takes a few milliseconds (tokenizer tables); it happens once per
  // concurrent request slot, then connections are reused.
  auto failed = [this](Error e) -> Result<Lease> {
    std::lock_guard<std::mutex> lock(mu_);
    if (waiters_.empty()) {
      --open_;
    } else {  // the slot passes to the oldest waiter
      Waiter* w = waiters_.front();
      waiters_.pop_front();
      w->ready = true;
      w->cv.notify_one();
    }
    return e;
  };
  auto a = Archive::Open(path_, OpenMode::kReadOnly);
  if (!a.ok()) return failed(a.error());
  // The archive's 64 MB page cache suits one ingest; a server has one
  // connection per request in flight, each caching the same hot pages, so
  // each gets a smaller one (the OS page cache holds the rest once). No
  // mmap: each connection maps the file anew, and every mapping counts the
  // same pages again in the RSS (gigabytes at 50 connections), which hides
  // real growth from the memory check of the load test.
  if (auto s = (*a)->SetCacheSize(kServerCacheMb); !s.ok())
    return failed(Error::Database("configuring the connection: " + s.error().message));
  return Lease(this, std::move(*a));
}

Status ArchivePool::Warm(size_t n) {
  n = std::min(n, max_open_);  // more would wait for ever
  std::vector<Lease> leases;
  for (size_t i = 0; i < n; ++i) {
    auto l = Acquire();
    if (!l.ok()) return l.error();
    leases.push_back(std::move(*l));
  }
  return OkStatus();  // the leases return them to the pool
}

void ArchivePool::Release(std::unique_ptr<Archive> a) {
  std::lock_guard<std::mutex> lock(mu_);
  if (waiters_.empty()) {
    idle_.push_back(std::move(a));
    return;
  }
  Waiter* w = waiters_.front();
  waiters_.pop_front();
  w->handed = std::move(a);
  w->ready = true;
  w->cv.notify_one();
}

std::shared_ptr<const std::string> ResponseCache::Find(const std::string& key, int64_t generation) {
  std::lock_guard<std::mutex> lock(mu_);
  ResetIfStale(generation);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

void ResponseCache::Put(const std::string& key, int64_t generation, std::string body) {
  const size_t cost = key.size() + body.size() + 128;  // + list and map nodes
  if (cost > max_bytes_ / 8) return;                   // one huge answer must not flush the rest
  auto value = std::make_shared<const std::string>(std::move(body));
  std::lock_guard<std::mutex> lock(mu_);
  ResetIfStale(generation);
  if (generation != generation_ || index_.count(key)) return;
  lru_.emplace_front(key, std::move(value));
  index_.emplace(key, lru_.begin());
  bytes_ += cost;
  while (bytes_ > max_bytes_ && !lru_.empty()) {
    const Entry& old = lru_.back();
    bytes_ -= old.first.size() + old.second->size() + 128;
    index_.erase(old.first);
    lru_.pop_back();
  }
}

size_t ResponseCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

void ResponseCache::ResetIfStale(int64_t generation) {
  // Generations only grow; an answer computed before a newer one was seen
  // (a slow request) is not stored.
  if (generation <= generation_) return;
  generation_ = generation;
  lru_.clear();
  index_.clear();
  bytes_ = 0;
}

Api::Api(ArchivePool* pool, Gate* gate, const std::string& web_dir, size_t cache_bytes)
    : pool_(pool),
      gate_(gate),
      cache_(cache_bytes ? std::make_unique<ResponseCache>(cache_bytes) : nullptr) {
  std::error_code ec;
  auto canon = fs::canonical(web_dir, ec);
  web_dir_ = ec ? web_dir : canon.string();
  while (web_dir_.size() > 1 && web_dir_.back() == '/') web_dir_.pop_back();
}

Reply RefusalReply(const Principal& who, bool secure) {
  Reply r;
  switch (who.kind) {
    case Principal::Kind::kLimited:
      r = ErrorReply(429, who.message);
      r.headers.emplace_back(
          "Retry-After", std::to_string(std::max(1, static_cast<int>(who.retry_after + 0.999))));
      break;
    case Principal::Kind::kError:
      r = ErrorReply(500, "internal error");
      break;
    default:
      r = ErrorReply(401, who.kind == Principal::Kind::kRefused
                              ? who.message
                              : "authentication required: send 'Authorization: Bearer TOKEN', "
                                "or log in");
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"veille\"");
      break;
  }
  if (who.clear_cookie) r.headers.emplace_back("Set-Cookie", ClearedCookieHeader(secure));
  return r;
}

Reply Api::Handle(const Request& r) {
  Reply reply = Route(r);
  if (r.path == "/api" || r.path.starts_with("/api/")) {
    // Answers about the archive (and who asked) stay out of every cache.
    bool has = std::any_of(reply.headers.begin(), reply.headers.end(),
                           [](const auto& h) { return h.first == "Cache-Control"; });
    if (!has) reply.headers.emplace_back("Cache-Control", "no-store");
  }
  return reply;
}

Reply Api::Route(const Request& r) {
  if (r.path != "/api" && !r.path.starts_with("/api/")) return Ui(r);
  const std::string_view method = r.method == "HEAD" ? std::string_view("GET") : r.method;
  const Endpoint* route = nullptr;
  std::string_view id;
  std::string allow;
  for (const auto& e : Endpoints()) {
    std::string_view this_id;
    if (e.path.back() == '/') {
      if (!r.path.starts_with(e.path) || r.path.size() == e.path.size()) continue;
      this_id = r.path.substr(e.path.size());
    } else if (r.path != e.path) {
      continue;
    }
    if (e.method != method) {
      if (!allow.empty()) allow += ", ";
      allow += e.method == "GET" ? "GET, HEAD" : std::string(e.method);
      continue;
    }
    route = &e;
    id = this_id;
    break;
  }
  // The role is checked first: a client without the right account learns
  // nothing else, not even which routes exist or how parameters are checked.
  Principal who;
  const bool secure = gate_->Secure(r);
  if (!route || !route->access.is_public()) {
    who = gate_->Identify(r);
    if (who.kind == Principal::Kind::kRefused) {
      // Credentials that were refused are worth a line (guesses are limited,
      // so these are few); the credentials themselves are never written.
      std::string path = IsCleanText(r.path) ? std::string(r.path.substr(0, 200)) : "?";
      (void)gate_->Audit(who, "auth refused", path, Dump({{"reason", who.message}}));
    }
    if (who.kind != Principal::Kind::kOwner && who.kind != Principal::Kind::kAccount)
      return RefusalReply(who, secure);
  }
  if (!route) {
    if (!allow.empty()) {
      Reply e = ErrorReply(405, "method not allowed here: " + allow);
      e.headers.emplace_back("Allow", allow);
      return e;
    }
    std::string shown = IsCleanText(r.path) ? std::string(r.path.substr(0, 100)) : "(unprintable)";
    return ErrorReply(404, "no such API route '" + shown + "'; routes: " + RouteList());
  }
  const std::string action = std::string(method) + " " + RouteName(*route);
  if (!route->access.is_public() && !auth::Allows(who.role, route->access.role())) {
    (void)gate_->Audit(who, action, std::string(id), "{\"refused\":403}");
    return ErrorReply(
        403, "forbidden: this route needs the " + std::string(route->access.name()) + " role");
  }
  if (method != "GET") {
    // A change comes from the UI's own scripts: JSON (which a cross-site
    // form cannot send, and the server allows no cross-origin request) from
    // this origin. The session cookie is SameSite=Strict besides.
    if (!r.content_type.starts_with("application/json"))
      return ErrorReply(415, "the request body must be JSON (Content-Type: application/json)");
    std::string_view origin = r.origin;
    for (std::string_view scheme : {"https://", "http://"})
      if (origin.starts_with(scheme)) origin.remove_prefix(scheme.size());
    if (!r.origin.empty() && origin != r.host)
      return ErrorReply(403, "forbidden: cross-origin request");
  }
  if (!id.empty() && (id.size() > kMaxNameBytes || !IsCleanText(id)))
    return ErrorReply(400, "invalid id: at most " + std::to_string(kMaxNameBytes) +
                               " bytes of UTF-8 without control characters");
  auto params = ValidateParams(route->params, r.params);
  if (!params.ok()) return ErrorReply(params.error());
  if (!route->access.is_public()) {
    json detail = json::object();
    for (const auto& [k, v] : r.params) detail[k] = v;
    std::string target(id);
    for (const auto& spec : route->params) {
      if (!target.empty()) break;
      if (auto v = params->Text(spec.name)) target = *v;
    }
    if (!gate_->Audit(who, action, target, Dump(detail)))
      return ErrorReply(503, "the audit log cannot be written: try again later");
  }
  Call call{*pool_, *gate_, id, *params, r, who};
  if (!cache_ || !route->handler.cacheable()) return route->handler(call);
  // The key is the path and the parameters as sent (validated, so bounded
  // in size); the same request in another order is another key.
  std::string key(r.path);
  for (const auto& [k, v] : r.params) key.append(1, '\n').append(k).append(1, '=').append(v);
  int64_t generation = -1;
  {
    auto lease = pool_->Acquire();
    if (!lease.ok()) return ErrorReply(lease.error());
    auto g = ArchiveGeneration(**lease);
    if (!g.ok()) return ErrorReply(g.error());
    generation = *g;
  }
  if (auto hit = cache_->Find(key, generation)) {
    Reply reply;
    reply.body = *hit;
    reply.headers.emplace_back("X-Cache", "hit");
    return reply;
  }
  Reply reply = route->handler(call);
  if (reply.status == 200) cache_->Put(key, generation, reply.body);
  return reply;
}

}  // namespace veille::server
