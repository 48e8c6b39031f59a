// sources_routes.h: the API routes of the crawl's sources (internal): their
// health for readers, adding and removing them for editors.
//
// In:  a Call (api.h): the request, who sent it, the pool (whose archive
//      path a change opens read-write).
// Out: JSON replies (docs/api.md, "Sources"): GET /api/sources lists every
//      source with its crawl state (last fetch, success, error, failures,
//      articles found) and new articles per UTC day over the last `days`
//      days; POST /api/sources {"url", "name", "every", "lang", "kind"}
//      adds one; POST /api/sources/remove {"url"} stops following one.
// Thread-safety: like every handler, from many threads at once (each call
//      has its own archive connection).
#ifndef VEILLE_SERVER_SOURCES_ROUTES_H_
#define VEILLE_SERVER_SOURCES_ROUTES_H_

#include <vector>

#include "server/api.h"

namespace veille::server {

Reply SourcesList(const Call& c);
Reply SourcesAdd(const Call& c);
Reply SourcesRemove(const Call& c);
std::vector<ParamSpec> SourcesParams();

}  // namespace veille::server

#endif  // VEILLE_SERVER_SOURCES_ROUTES_H_
