// The remediation lifecycle over HTTP (DESIGN.md erratum 12; the same moves and JSON as
// `ctem remediation ...`, src/jobs/lifecycle.h):
//
//   POST /api/ctem/remediations/{exposure_key}/{action}
//        action: assign | start | deploy-fix | verify | reject-fix | close
//        body (JSON object, may be empty): {"to", "pr", "description", "by", "reason", "actor"}
//        200 the move as `ctem remediation ACTION` prints it;
//        400 malformed body, unknown action or field, a field missing or not allowed;
//        404 unknown exposure;
//        409 illegal move or a concurrent move came first:
//            {"error", "exposure_key", "state", "allowed": [...]};
//        503 the store is unavailable.
//   GET  /api/ctem/remediations/{exposure_key}       as `ctem remediation show`
//   GET  /api/ctem/exposures/{exposure_key}/timeline
//        {"exposure_key", "validations": [...], "remediations": [...], "audit": [...]}
//        (ctem_validations and ctem_remediations rows with the seed's column names, the audit
//        trail oldest first; the dashboard reads this shape).
//
// Access (docs/security.md): the moves need an admin token, the reads a read (or admin) token;
// the tenant is the token's. An X-CTEM-Tenant header or ?tenant= naming another tenant is
// refused (403) rather than ignored. Actor (who, in the audit): the body's "actor", else the
// X-CTEM-Actor header, else the verifier ("by"), else "api".
//
// Thread-safety: handlers run on the server's pool; each uses the store connection it is lent
// on its own thread and the Clock (which must be thread-safe) for the time of a move.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "api/auth.h"
#include "core/error.h"
#include "core/time.h"
#include "store/store.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}

namespace ctem::api {

// Lends a request a store connection: runs `use` with it, and discards the connection
// instead of reusing it when `use` returns false (it failed). An error when none can be had.
using StoreLender = std::function<Status(const std::function<bool(store::Store&)>& use)>;

// Authenticates a request for `needed` access: its token's tenant, or nullopt after answering
// the request (401, 403, 429).
using Authorizer =
    std::function<std::optional<std::string>(const httplib::Request&, httplib::Response&, Access needed)>;

void AddRemediationRoutes(httplib::Server& server, const Clock& clock, StoreLender stores, Authorizer authorize);

}  // namespace ctem::api
