// story_routes.h: the API routes of stories (internal).
//
// In:  the pool, the story id from the path, validated parameters.
// Out: JSON replies (docs/api.md, "Stories"): GET /api/stories lists stories
//      (largest first, or newest with newest=1), filtered by since, until,
//      entity, lang, outlet and min_size; GET /api/stories/ID gives one story
//      with its articles oldest first (the timeline) and how each outlet tells
//      it (veille/stories.h, Framing), as `veille story ID --json` does.
// Thread-safety: like every handler, from many threads at once (each call
//      has its own archive connection).
#ifndef VEILLE_SERVER_STORY_ROUTES_H_
#define VEILLE_SERVER_STORY_ROUTES_H_

#include <string_view>
#include <vector>

#include "server/api.h"

namespace veille::server {

Reply StoriesList(ArchivePool& pool, std::string_view, const Params& p);
Reply StoryDetail(ArchivePool& pool, std::string_view id, const Params& p);
std::vector<ParamSpec> StoriesParams();

}  // namespace veille::server

#endif  // VEILLE_SERVER_STORY_ROUTES_H_
