#include "api/remediation_routes.h"

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "jobs/lifecycle.h"
#include "jobs/lifecycle_json.h"

namespace ctem::api {
namespace {

using Json = nlohmann::ordered_json;

void Reply(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(2, ' ', false, Json::error_handler_t::replace) + "\n", "application/json");
}

void ReplyError(httplib::Response& res, int status, const std::string& reason) {
  Reply(res, status, Json{{"error", reason}});
}

int HttpStatus(const Error& e) {
  switch (e.code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kFailedPrecondition: return 409;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

// True when the connection is still good after `e`.
bool ConnectionOk(const Error& e) {
  return e.code != ErrorCode::kUnavailable && e.code != ErrorCode::kInternal;
}

// The token's tenant, after checking that the request names no other (403 when it does).
std::optional<std::string> Tenant(const httplib::Request& req, httplib::Response& res, const Authorizer& authorize,
                                  Access needed) {
  auto tenant = authorize(req, res, needed);
  if (!tenant) return std::nullopt;
  std::string named = req.get_header_value("X-CTEM-Tenant");
  if (named.empty() && req.has_param("tenant")) named = req.get_param_value("tenant");
  if (!named.empty() && named != *tenant) {
    ReplyError(res, 403, "this token acts for its own tenant only; the request names another "
                         "(drop X-CTEM-Tenant / ?tenant=)");
    return std::nullopt;
  }
  return tenant;
}

// The body's fields into a MoveRequest; every field is a string and known.
Result<jobs::MoveRequest> ParseMoveBody(const std::string& body, jobs::LifecycleAction action) {
  jobs::MoveRequest r;
  r.action = action;
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return r;
  const Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Fail(Error::InvalidArgument(
        "the body must be a JSON object: {\"to\", \"pr\", \"description\", \"by\", \"reason\", \"actor\"}"));
  }
  for (const auto& [name, value] : j.items()) {
    std::string* field = name == "to"            ? &r.to
                         : name == "pr"          ? &r.pull_request_url
                         : name == "description" ? &r.description
                         : name == "by"          ? &r.by
                         : name == "reason"      ? &r.reason
                         : name == "actor"       ? &r.actor
                                                 : nullptr;
    if (field == nullptr) {
      return Fail(Error::InvalidArgument("unknown field '" + name +
                                         "' (expected to, pr, description, by, reason, actor)"));
    }
    if (value.is_null()) continue;
    if (!value.is_string()) return Fail(Error::InvalidArgument("'" + name + "' must be a string"));
    *field = value.get<std::string>();
  }
  return r;
}

}  // namespace

void AddRemediationRoutes(httplib::Server& server, const Clock& clock, StoreLender stores, Authorizer authorize) {
  server.Post(R"(/api/ctem/remediations/([0-9a-zA-Z_\-]+)/([a-zA-Z_\-]+))",
              [&clock, stores, authorize](const httplib::Request& req, httplib::Response& res) {
                auto tenant = Tenant(req, res, authorize, Access::kAdmin);
                if (!tenant) return;
                const std::string key = req.matches[1];
                auto action = jobs::ParseLifecycleAction(std::string(req.matches[2]));
                if (!action) return ReplyError(res, 400, action.error().message);
                auto request = ParseMoveBody(req.body, *action);
                if (!request) return ReplyError(res, 400, request.error().message);
                if (request->actor.empty()) request->actor = req.get_header_value("X-CTEM-Actor");
                if (request->actor.empty() && request->by.empty()) request->actor = "api";
                if (auto ok = jobs::ValidateMoveRequest(*request); !ok) {
                  return ReplyError(res, 400, ok.error().message);
                }
                auto lent = stores([&](store::Store& store) {
                  jobs::RemediationLifecycle lifecycle(store, clock);
                  auto moved = lifecycle.Move(*tenant, key, *request);
                  if (moved) {
                    Reply(res, 200, jobs::MoveResultToJson(*moved));
                    return true;
                  }
                  Json body = {{"error", moved.error().message}};
                  if (moved.error().code == ErrorCode::kFailedPrecondition) {
                    // The state as it is now, and what may be done from it.
                    if (auto now = lifecycle.Load(*tenant, key)) {
                      body["exposure_key"] = key;
                      body["state"] = jobs::LifecycleStateName(now->state);
                      body["allowed"] = Json::array();
                      for (auto a : jobs::AllowedActions(now->state))
                        body["allowed"].push_back(jobs::LifecycleActionName(a));
                    }
                  }
                  Reply(res, HttpStatus(moved.error()), body);
                  return ConnectionOk(moved.error());
                });
                if (!lent) ReplyError(res, 503, lent.error().message);
              });

  server.Get(R"(/api/ctem/remediations/([0-9a-zA-Z_\-]+))",
             [&clock, stores, authorize](const httplib::Request& req, httplib::Response& res) {
               auto tenant = Tenant(req, res, authorize, Access::kRead);
               if (!tenant) return;
               const std::string key = req.matches[1];
               auto lent = stores([&](store::Store& store) {
                 jobs::RemediationLifecycle lifecycle(store, clock);
                 auto snapshot = lifecycle.Load(*tenant, key);
                 if (!snapshot) {
                   ReplyError(res, HttpStatus(snapshot.error()), snapshot.error().message);
                   return ConnectionOk(snapshot.error());
                 }
                 auto audit = lifecycle.Audit(*tenant, key);
                 if (!audit) {
                   ReplyError(res, HttpStatus(audit.error()), audit.error().message);
                   return ConnectionOk(audit.error());
                 }
                 Reply(res, 200, jobs::SnapshotToJson(*snapshot, *audit));
                 return true;
               });
               if (!lent) ReplyError(res, 503, lent.error().message);
             });

  server.Get(R"(/api/ctem/exposures/([0-9a-zA-Z_\-]+)/timeline)",
             [stores, authorize](const httplib::Request& req, httplib::Response& res) {
               auto tenant = Tenant(req, res, authorize, Access::kRead);
               if (!tenant) return;
               const std::string key = req.matches[1];
               auto lent = stores([&](store::Store& store) {
                 auto timeline = jobs::ExposureTimeline(store, *tenant, key);
                 if (!timeline) {
                   ReplyError(res, HttpStatus(timeline.error()), timeline.error().message);
                   return ConnectionOk(timeline.error());
                 }
                 Reply(res, 200, *timeline);
                 return true;
               });
               if (!lent) ReplyError(res, 503, lent.error().message);
             });
}

}  // namespace ctem::api
