// account_routes.h: the API routes of accounts (internal): who am I, log in
// and out, and for admins the accounts and the audit log.
//
// In:  a Call (api.h): the request, who sent it, the gate.
// Out: JSON replies (docs/api.md, "Accounts"); login sets the session cookie,
//      logout clears it.
// Thread-safety: like every handler, from many threads at once.
#ifndef VEILLE_SERVER_ACCOUNT_ROUTES_H_
#define VEILLE_SERVER_ACCOUNT_ROUTES_H_

#include <vector>

#include "server/api.h"

namespace veille::server {

Reply Me(const Call& c);
Reply Login(const Call& c);
Reply Logout(const Call& c);
Reply UsersList(const Call& c);
Reply AuditLog(const Call& c);
std::vector<ParamSpec> AuditParams();

}  // namespace veille::server

#endif  // VEILLE_SERVER_ACCOUNT_ROUTES_H_
