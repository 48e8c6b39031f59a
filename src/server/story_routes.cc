// story_routes.cc: /api/stories (see story_routes.h).
#include "server/story_routes.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "veille/export.h"
#include "veille/stories.h"

namespace veille::server {

using nlohmann::json;

namespace {

Reply JsonReply(const json& j) {
  Reply r;
  r.body = j.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

}  // namespace

std::vector<ParamSpec> StoriesParams() {
  using K = ParamSpec::Kind;
  return {{"since", K::kDate},
          {"until", K::kDate},
          {"entity", K::kText, false, 0, 200},
          {"lang", K::kText, false, 0, 8},
          {"outlet", K::kText, false, 0, 200},
          {"min_size", K::kInt, false, 1, 1000000},
          {"newest", K::kBool},
          {"page", K::kInt, false, 1, 1000},
          {"page_size", K::kInt, false, 1, 100}};
}

Reply StoriesList(ArchivePool& pool, std::string_view, const Params& p) {
  auto archive = pool.Acquire();
  if (!archive.ok()) return ErrorReply(archive.error());
  stories::StoryQuery q;
  q.since = p.Text("since");
  q.until = p.Text("until");
  q.entity = p.Text("entity");
  q.language = p.Text("lang");
  q.outlet = p.Text("outlet");
  q.min_size = static_cast<size_t>(p.Int("min_size", 2));
  q.newest = p.Bool("newest", false);
  const int64_t page = p.Int("page", 1), page_size = p.Int("page_size", 20);
  q.limit = static_cast<size_t>(page_size);
  q.offset = static_cast<size_t>((page - 1) * page_size);
  size_t total = 0;
  auto r = (*archive)->Stories(q, &total);
  if (!r.ok()) return ErrorReply(r.error());
  json list = json::array();
  for (const auto& s : *r) list.push_back(StorySummaryJson(s));
  return JsonReply(
      {{"total", total}, {"page", page}, {"page_size", page_size}, {"stories", std::move(list)}});
}

Reply StoryDetail(ArchivePool& pool, std::string_view id, const Params&) {
  int64_t story = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), story);
  if (ec != std::errc() || end != id.data() + id.size() || story <= 0)
    return ErrorReply(Error::InvalidArgument("a story id is a positive number"));
  auto archive = pool.Acquire();
  if (!archive.ok()) return ErrorReply(archive.error());
  auto s = (*archive)->Story(story);
  if (!s.ok()) return ErrorReply(s.error());
  auto arts = (*archive)->StoryArticles(story);
  if (!arts.ok()) return ErrorReply(arts.error());
  auto framing = StoryFraming(**archive, story, {});
  if (!framing.ok()) return ErrorReply(framing.error());
  json j = StorySummaryJson(*s);
  json a = json::array();
  for (const auto& x : *arts) a.push_back(StoryArticleJson(x));
  j["articles"] = std::move(a);
  j["by_outlet"] = FramingJson(*framing);
  return JsonReply(j);
}

}  // namespace veille::server
