// sources_routes.cc: /api/sources (see sources_routes.h).
#include "server/sources_routes.h"

#include <ctime>
#include <map>
#include <nlohmann/json.hpp>

#include "veille/sources.h"

namespace veille::server {

using nlohmann::json;

namespace {

constexpr size_t kMaxUrlBytes = 2000;
constexpr size_t kMaxFieldBytes = 200;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Reply JsonReply(const json& j) {
  Reply r;
  r.body = Dump(j);
  return r;
}

json Nullable(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

std::string UtcDay(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string UtcNow() {
  std::time_t tt = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

json SourceJson(const SourceRecord& s) {
  return {{"id", s.id},
          {"url", s.url},
          {"name", s.name},
          {"kind", s.kind},
          {"every_seconds", s.every_seconds},
          {"language", Nullable(s.language)},
          {"added_at", s.added_at},
          {"next_due", s.next_due},
          {"last_fetch", Nullable(s.last_fetch)},
          {"last_success", Nullable(s.last_success)},
          {"last_error", Nullable(s.last_error)},
          {"last_error_at", Nullable(s.last_error_at)},
          {"failures", s.failures},
          {"failing", s.failing},
          {"articles", s.articles}};
}

// The JSON object body of a change, or a 400 reply in *bad.
std::optional<json> Body(const Call& c, Reply* bad) {
  json body = json::parse(c.request.body, nullptr, false);
  if (!body.is_object()) {
    *bad = ErrorReply(400, "the body must be a JSON object");
    return std::nullopt;
  }
  return body;
}

// A string member of at most `max` clean bytes, "" when absent; false (and
// *bad) when it is there but not one.
bool Field(const json& body, const char* name, size_t max, std::string* out, Reply* bad) {
  out->clear();
  if (!body.contains(name) || body[name].is_null()) return true;
  if (!body[name].is_string()) {
    *bad = ErrorReply(400, std::string("'") + name + "' must be a string");
    return false;
  }
  *out = body[name].get<std::string>();
  if (out->size() > max || !IsCleanText(*out)) {
    *bad = ErrorReply(400, std::string("'") + name + "': at most " + std::to_string(max) +
                               " bytes of UTF-8 without control characters");
    return false;
  }
  return true;
}

Result<std::unique_ptr<Archive>> OpenForChange(const Call& c) {
  return Archive::Open(c.pool.path(), OpenMode::kReadWrite);
}

}  // namespace

std::vector<ParamSpec> SourcesParams() { return {{"days", ParamSpec::Kind::kInt, false, 1, 366}}; }

Reply SourcesList(const Call& c) {
  auto lease = c.pool.Acquire();
  if (!lease.ok()) return ErrorReply(lease.error());
  Archive& a = **lease;
  auto sources = ListSources(a);
  if (!sources.ok()) return ErrorReply(sources.error());
  const int64_t days = c.params.Int("days", 14);
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  std::vector<std::string> day_list;
  for (int64_t d = days - 1; d >= 0; --d) day_list.push_back(UtcDay(now - d * 86400));
  auto per_day = ArticlesPerDay(a, day_list.front());
  if (!per_day.ok()) return ErrorReply(per_day.error());
  std::map<int64_t, std::map<std::string, int64_t>> counts;
  for (const SourceDay& d : *per_day) counts[d.source_id][d.day] = d.articles;
  json out = json::array();
  for (const SourceRecord& s : *sources) {
    json j = SourceJson(s);
    json series = json::array();
    int64_t total = 0;
    const auto& mine = counts[s.id];
    for (const std::string& day : day_list) {
      auto it = mine.find(day);
      int64_t n = it == mine.end() ? 0 : it->second;
      total += n;
      series.push_back(n);
    }
    j["articles_per_day"] = std::move(series);
    j["articles_in_period"] = total;
    out.push_back(std::move(j));
  }
  return JsonReply({{"days", day_list}, {"sources", std::move(out)}});
}

Reply SourcesAdd(const Call& c) {
  Reply bad;
  auto body = Body(c, &bad);
  if (!body) return bad;
  std::string url, name, every, lang, kind;
  if (!Field(*body, "url", kMaxUrlBytes, &url, &bad) ||
      !Field(*body, "name", kMaxFieldBytes, &name, &bad) ||
      !Field(*body, "every", 16, &every, &bad) || !Field(*body, "lang", 8, &lang, &bad) ||
      !Field(*body, "kind", 16, &kind, &bad))
    return bad;
  if (!url.starts_with("http://") && !url.starts_with("https://"))
    return ErrorReply(400, "'url' must be an http(s) URL");
  SourceRecord s;
  s.url = url;
  s.name = name;
  if (!kind.empty()) {
    if (kind != "auto" && kind != "feed" && kind != "sitemap" && kind != "page")
      return ErrorReply(400, "'kind' must be auto, feed, sitemap or page");
    s.kind = kind;
  }
  if (!every.empty()) {
    auto e = ParseEvery(every);
    if (!e.ok()) return ErrorReply(e.error());
    s.every_seconds = *e;
  }
  if (!lang.empty()) s.language = lang;
  s.added_at = UtcNow();
  auto a = OpenForChange(c);
  if (!a.ok()) return ErrorReply(a.error());
  if (auto st = AddSource(**a, s); !st.ok()) return ErrorReply(st.error());
  auto added = FindSource(**a, url);
  if (!added.ok()) return ErrorReply(added.error());
  if (!*added) return ErrorReply(500, "the source was not stored");
  Reply r = JsonReply(SourceJson(**added));
  r.status = 201;
  return r;
}

Reply SourcesRemove(const Call& c) {
  Reply bad;
  auto body = Body(c, &bad);
  if (!body) return bad;
  std::string url;
  if (!Field(*body, "url", kMaxUrlBytes, &url, &bad)) return bad;
  if (url.empty()) return ErrorReply(400, "the body must be {\"url\": \"...\"}");
  auto a = OpenForChange(c);
  if (!a.ok()) return ErrorReply(a.error());
  if (auto st = RemoveSource(**a, url); !st.ok()) return ErrorReply(st.error());
  return JsonReply({{"removed", url}});
}

}  // namespace veille::server
