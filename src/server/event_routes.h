// event_routes.h: the API routes of events and timelines (internal).
//
// In:  the pool, validated parameters.
// Out: JSON replies (docs/api.md, "Events"): GET /api/events lists merged
//      events in date order, filtered by action, entity, since and until;
//      GET /api/timeline gives the events of a search (q, its best `articles`
//      hits) or of an entity, with `top` keeping the most reported ones. Each
//      event carries its reports and their sentences ("sources"), as
//      `veille events --json` and `veille timeline --json` print them.
// Thread-safety: like every handler, from many threads at once (each call
//      has its own archive connection).
#ifndef VEILLE_SERVER_EVENT_ROUTES_H_
#define VEILLE_SERVER_EVENT_ROUTES_H_

#include <string_view>
#include <vector>

#include "server/api.h"

namespace veille::server {

Reply EventsList(ArchivePool& pool, std::string_view, const Params& p);
Reply Timeline(ArchivePool& pool, std::string_view, const Params& p);
std::vector<ParamSpec> EventsParams();
std::vector<ParamSpec> TimelineParams();

}  // namespace veille::server

#endif  // VEILLE_SERVER_EVENT_ROUTES_H_
