#include "jobs/lifecycle.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <utility>

namespace ctem::jobs {
namespace {

using Json = nlohmann::ordered_json;
using store::AsBool;
using store::AsInt;
using store::AsText;
using store::AsTimestamp;
using store::CheckedStatement;
using store::SqlRow;
using store::SqlValue;
using store::TsParam;

// The one table of states: each state's name and the two stored statuses it keeps.
struct StateRow {
  LifecycleState state;
  std::string_view name;
  ExposureStatus exposure_status;
  std::string_view remediation_status;  // empty: no remediation (Open)
};
constexpr std::array<StateRow, 6> kStates = {{
    {LifecycleState::kOpen, "Open", ExposureStatus::kOpen, ""},
    {LifecycleState::kAssigned, "Assigned", ExposureStatus::kOpen, "Assigned"},
    {LifecycleState::kInProgress, "InProgress", ExposureStatus::kInProgress, "InProgress"},
    {LifecycleState::kFixDeployed, "FixDeployed", ExposureStatus::kFixDeployed, "FixDeployed"},
    {LifecycleState::kVerified, "Verified", ExposureStatus::kVerified, "Verified"},
    {LifecycleState::kClosed, "Closed", ExposureStatus::kClosed, "Closed"},
}};

// The one table of moves. Anything not listed is illegal.
struct Transition {
  LifecycleState from;
  LifecycleAction action;
  LifecycleState to;
};
constexpr std::array<Transition, 8> kTransitions = {{
    {LifecycleState::kOpen, LifecycleAction::kAssign, LifecycleState::kAssigned},
    {LifecycleState::kAssigned, LifecycleAction::kAssign, LifecycleState::kAssigned},      // re-assign
    {LifecycleState::kInProgress, LifecycleAction::kAssign, LifecycleState::kInProgress},  // re-assign
    {LifecycleState::kAssigned, LifecycleAction::kStart, LifecycleState::kInProgress},
    {LifecycleState::kInProgress, LifecycleAction::kDeployFix, LifecycleState::kFixDeployed},
    {LifecycleState::kFixDeployed, LifecycleAction::kVerify, LifecycleState::kVerified},
    {LifecycleState::kFixDeployed, LifecycleAction::kRejectFix, LifecycleState::kInProgress},
    {LifecycleState::kVerified, LifecycleAction::kClose, LifecycleState::kClosed},
}};

const StateRow& Row(LifecycleState s) {
  for (const StateRow& r : kStates) {
    if (r.state == s) return r;
  }
  return kStates[0];
}

constexpr size_t kMaxFieldLength = 4096;

bool IsHttpUrl(std::string_view url) {
  const bool scheme = url.starts_with("https://") || url.starts_with("http://");
  const bool blank = std::any_of(url.begin(), url.end(), [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0 ||
           std::iscntrl(static_cast<unsigned char>(c)) != 0;
  });
  return scheme && !blank && url.find("://") + 3 < url.size();
}

constexpr const char* kRemediationColumns =
    "id, remediation_id, exposure_id, ts, status, assigned_to, assigned_date, sla_deadline, "
    "fix_deployed_date, "
    "verified_date, verified_by, sla_breached, escalation_level, fix_description, pull_request_url, "
    "tenant_id, "
    "created_at, updated_at, lifecycle_version";

StoredRemediation ReadRemediation(const SqlRow& r) {
  StoredRemediation m;
  m.id = AsInt(r[0]);
  m.remediation_id = AsText(r[1]);
  m.exposure_id = AsText(r[2]);
  m.ts = AsTimestamp(r[3]).value_or(Timestamp{});
  m.status = AsText(r[4]);
  m.assigned_to = AsText(r[5]);
  m.assigned_date = AsTimestamp(r[6]).value_or(Timestamp{});
  m.sla_deadline = AsTimestamp(r[7]);
  m.fix_deployed_date = AsTimestamp(r[8]);
  m.verified_date = AsTimestamp(r[9]);
  m.verified_by = AsText(r[10]);
  m.sla_breached = AsBool(r[11]);
  m.escalation_level = AsText(r[12]);
  m.fix_description = AsText(r[13]);
  m.pull_request_url = AsText(r[14]);
  m.tenant_id = AsText(r[15]);
  m.created_at = AsTimestamp(r[16]).value_or(Timestamp{});
  m.updated_at = AsTimestamp(r[17]).value_or(Timestamp{});
  m.lifecycle_version = AsInt(r[18]);
  return m;
}

SqlValue OptTs(const std::optional<Timestamp>& t) {
  return t ? TsParam(*t) : SqlValue();
}

// The move's fields for the audit row, under the seed's column names.
std::string Detail(const LifecycleSnapshot& seen, const MoveRequest& r) {
  Json d = Json::object();
  switch (r.action) {
    case LifecycleAction::kAssign: {
      d["assigned_to"] = r.to;
      const std::string previous = seen.remediation ? seen.remediation->assigned_to : seen.assigned_to;
      if (!previous.empty() && previous != r.to) d["previous_assigned_to"] = previous;
      if (!r.pull_request_url.empty()) d["pull_request_url"] = r.pull_request_url;
      break;
    }
    case LifecycleAction::kDeployFix:
      if (!r.description.empty()) d["fix_description"] = r.description;
      if (!r.pull_request_url.empty()) d["pull_request_url"] = r.pull_request_url;
      break;
    case LifecycleAction::kVerify: d["verified_by"] = r.by; break;
    case LifecycleAction::kRejectFix:
      d["rejected_by"] = r.by;
      d["reason"] = r.reason;
      break;
    case LifecycleAction::kStart:
    case LifecycleAction::kClose: break;
  }
  return d.dump();
}

}  // namespace

std::string_view LifecycleStateName(LifecycleState s) {
  return Row(s).name;
}

std::string_view LifecycleActionName(LifecycleAction a) {
  switch (a) {
    case LifecycleAction::kAssign: return "assign";
    case LifecycleAction::kStart: return "start";
    case LifecycleAction::kDeployFix: return "deploy-fix";
    case LifecycleAction::kVerify: return "verify";
    case LifecycleAction::kRejectFix: return "reject-fix";
    case LifecycleAction::kClose: return "close";
  }
  return "assign";
}

Result<LifecycleAction> ParseLifecycleAction(std::string_view text) {
  std::string t;
  for (char c : text) t += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string names;
  for (LifecycleAction a : kAllLifecycleActions) {
    if (t == LifecycleActionName(a)) return a;
    names += (names.empty() ? "" : ", ") + std::string(LifecycleActionName(a));
  }
  return Fail(Error::InvalidArgument("unknown remediation action '" + std::string(text) +
                                     "' (expected one of: " + names + ")"));
}

ExposureStatus ExposureStatusOf(LifecycleState s) {
  return Row(s).exposure_status;
}

std::optional<std::string_view> RemediationStatusOf(LifecycleState s) {
  const std::string_view status = Row(s).remediation_status;
  return status.empty() ? std::nullopt : std::optional<std::string_view>(status);
}

Result<LifecycleState> StateOfRemediationStatus(std::string_view status) {
  std::string t;
  for (char c : status) {
    if (c != '_') t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (t == "open") return LifecycleState::kAssigned;  // a remediation exists: it was assigned
  for (const StateRow& r : kStates) {
    std::string name;
    for (char c : r.remediation_status)
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!name.empty() && t == name) return r.state;
  }
  return Fail(Error::Internal("remediation status '" + std::string(status) +
                              "' is not one of Assigned, InProgress, FixDeployed, Verified, Closed"));
}

LifecycleState StateOfExposureStatus(ExposureStatus s) {
  for (const StateRow& r : kStates) {
    if (r.exposure_status == s) return r.state;  // Open before Assigned: no remediation is Open
  }
  return LifecycleState::kOpen;
}

std::optional<LifecycleState> NextState(LifecycleState from, LifecycleAction action) {
  for (const Transition& t : kTransitions) {
    if (t.from == from && t.action == action) return t.to;
  }
  return std::nullopt;
}

std::vector<LifecycleAction> AllowedActions(LifecycleState from) {
  std::vector<LifecycleAction> out;
  for (LifecycleAction a : kAllLifecycleActions) {
    if (NextState(from, a)) out.push_back(a);
  }
  return out;
}

std::string AllowedActionsText(LifecycleState from) {
  std::string out;
  for (LifecycleAction a : AllowedActions(from))
    out += (out.empty() ? "" : ", ") + std::string(LifecycleActionName(a));
  return out.empty() ? "none (" + std::string(LifecycleStateName(from)) + " is final)" : out;
}

Status ValidateMoveRequest(const MoveRequest& r) {
  const std::string action(LifecycleActionName(r.action));
  const bool takes_to = r.action == LifecycleAction::kAssign;
  const bool takes_pr = r.action == LifecycleAction::kAssign || r.action == LifecycleAction::kDeployFix;
  const bool takes_description = r.action == LifecycleAction::kDeployFix;
  const bool takes_by = r.action == LifecycleAction::kVerify || r.action == LifecycleAction::kRejectFix;
  const bool takes_reason = r.action == LifecycleAction::kRejectFix;
  const std::pair<const char*, std::pair<const std::string*, bool>> fields[] = {
      {"to", {&r.to, takes_to}},
      {"pr", {&r.pull_request_url, takes_pr}},
      {"description", {&r.description, takes_description}},
      {"by", {&r.by, takes_by}},
      {"reason", {&r.reason, takes_reason}},
      {"actor", {&r.actor, true}}};
  for (const auto& [name, field] : fields) {
    const auto& [value, taken] = field;
    if (!taken && !value->empty()) {
      return Fail(Error::InvalidArgument(action + " does not take '" + name + "'"));
    }
    if (value->size() > kMaxFieldLength) {
      return Fail(Error::InvalidArgument("'" + std::string(name) + "' is longer than " +
                                         std::to_string(kMaxFieldLength) + " characters"));
    }
  }
  if (takes_to && r.to.empty()) return Fail(Error::InvalidArgument("assign needs 'to': who fixes it"));
  if (takes_by && r.by.empty()) {
    return Fail(Error::InvalidArgument(action + " needs 'by': who verified the fix"));
  }
  if (takes_reason && r.reason.empty()) {
    return Fail(Error::InvalidArgument("reject-fix needs 'reason': why the fix did not hold"));
  }
  if (!r.pull_request_url.empty() && !IsHttpUrl(r.pull_request_url)) {
    return Fail(Error::InvalidArgument("'pr' must be an http(s) URL, got '" + r.pull_request_url + "'"));
  }
  return {};
}

// Lifecycle calls act for one tenant with the store bound to it (store.h); a store bound to
// another tenant has no exposure of this one.
static Status Scoped(const store::TenantScope& scope, std::string_view tenant_id, std::string_view exposure_key) {
  if (scope.status()) return {};
  return Fail(Error::NotFound("no exposure with key '" + std::string(exposure_key) + "' in tenant '" +
                              std::string(tenant_id) + "'"));
}

std::string LifecycleRemediationId(std::string_view exposure_key) {
  return "REM-" + std::string(exposure_key);
}

Result<LifecycleSnapshot> RemediationLifecycle::Load(std::string_view tenant_id,
                                                     std::string_view exposure_key) {
  store::TenantScope scope(store_, tenant_id);
  if (auto st = Scoped(scope, tenant_id, exposure_key); !st) return Fail(st.error());
  auto exposure = store_.GetExposure(tenant_id, exposure_key);
  if (!exposure) return Fail(exposure.error());
  if (!*exposure) {
    return Fail(Error::NotFound("no exposure with key '" + std::string(exposure_key) + "' in tenant '" +
                                std::string(tenant_id) + "'"));
  }
  LifecycleSnapshot s;
  s.tenant_id = std::string(tenant_id);
  s.exposure_key = std::string(exposure_key);
  s.exposure_status = (*exposure)->exposure.status;
  s.assigned_to = (*exposure)->exposure.assigned_to;
  s.sla_deadline = (*exposure)->exposure.sla_deadline;
  auto rows = store_.Sql().Query(std::string("SELECT ") + kRemediationColumns +
                                     " FROM ctem_remediations WHERE tenant_id = ? AND exposure_id = ? "
                                     "ORDER BY id DESC LIMIT 1",
                                 {s.tenant_id, s.exposure_key});
  if (!rows) return Fail(rows.error());
  if (rows->empty()) {
    s.state = StateOfExposureStatus(s.exposure_status);
    return s;
  }
  s.remediation = ReadRemediation(rows->front());
  auto state = StateOfRemediationStatus(s.remediation->status);
  if (!state) {
    return Fail(
        Error::Internal("remediation " + s.remediation->remediation_id + ": " + state.error().message));
  }
  s.state = *state;
  return s;
}

Result<MoveResult> RemediationLifecycle::Apply(const LifecycleSnapshot& seen, const MoveRequest& request) {
  if (auto ok = ValidateMoveRequest(request); !ok) return Fail(ok.error());
  store::TenantScope scope(store_, seen.tenant_id);
  if (auto st = Scoped(scope, seen.tenant_id, seen.exposure_key); !st) return Fail(st.error());
  const std::string action(LifecycleActionName(request.action));
  const auto next = NextState(seen.state, request.action);
  if (!next) {
    return Fail(Error::FailedPrecondition("cannot " + action + " exposure " + seen.exposure_key + ": it is " +
                                          std::string(LifecycleStateName(seen.state)) + "; allowed from " +
                                          std::string(LifecycleStateName(seen.state)) + ": " +
                                          AllowedActionsText(seen.state)));
  }
  const Timestamp now = clock_.Now();
  const SqlValue now_text = TsParam(now);
  const std::string actor =
      !request.actor.empty() ? request.actor : (!request.by.empty() ? request.by : std::string("unknown"));
  const std::string remediation_status(*RemediationStatusOf(*next));
  const std::string exposure_status(ExposureStatusName(ExposureStatusOf(*next)));
  const std::string remediation_id =
      seen.remediation ? seen.remediation->remediation_id : LifecycleRemediationId(seen.exposure_key);

  std::vector<CheckedStatement> statements;
  if (seen.remediation) {
    // Only the row as it was read: the same status and the same number of moves.
    std::string sql =
        "UPDATE ctem_remediations SET status = ?, ts = ?, updated_at = ?, sla_deadline = ?, "
        "lifecycle_version = lifecycle_version + 1";
    std::vector<SqlValue> params = {remediation_status, now_text, now_text, OptTs(seen.sla_deadline)};
    auto set = [&](const char* column, SqlValue value) {
      sql += std::string(", ") + column + " = ?";
      params.push_back(std::move(value));
    };
    switch (request.action) {
      case LifecycleAction::kAssign:
        set("assigned_to", request.to);
        if (!request.pull_request_url.empty()) set("pull_request_url", request.pull_request_url);
        break;
      case LifecycleAction::kDeployFix:
        set("fix_deployed_date", now_text);
        if (!request.description.empty()) set("fix_description", request.description);
        if (!request.pull_request_url.empty()) set("pull_request_url", request.pull_request_url);
        break;
      case LifecycleAction::kVerify:
        set("verified_date", now_text);
        set("verified_by", request.by);
        break;
      case LifecycleAction::kRejectFix:
        // The fix did not hold: no fix is deployed any more (the audit keeps the old one).
        set("fix_deployed_date", std::nullopt);
        break;
      case LifecycleAction::kStart:
      case LifecycleAction::kClose: break;
    }
    sql += " WHERE tenant_id = ? AND id = ? AND status = ? AND lifecycle_version = ?";
    params.push_back(seen.tenant_id);
    params.push_back(std::to_string(seen.remediation->id));
    params.push_back(seen.remediation->status);
    params.push_back(std::to_string(seen.remediation->lifecycle_version));
    statements.push_back({std::move(sql), std::move(params), 1});
  } else {
    // The first move creates the row; of two concurrent first moves one inserts, the other
    // finds the id taken and changes nothing.
    const bool deployed = request.action == LifecycleAction::kDeployFix;
    const bool verified = request.action == LifecycleAction::kVerify;
    statements.push_back(
        {"INSERT INTO ctem_remediations (remediation_id, exposure_id, ts, status, assigned_to, "
         "assigned_date, "
         "sla_deadline, fix_deployed_date, verified_date, verified_by, fix_description, pull_request_url, "
         "tenant_id, created_at, updated_at, lifecycle_version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1) "
         "ON CONFLICT (tenant_id, remediation_id) DO NOTHING",
         {remediation_id, seen.exposure_key, now_text, remediation_status,
          request.action == LifecycleAction::kAssign ? request.to : seen.assigned_to, now_text,
          OptTs(seen.sla_deadline), deployed ? now_text : SqlValue(), verified ? now_text : SqlValue(),
          verified ? request.by : std::string(), request.description, request.pull_request_url,
          seen.tenant_id, now_text, now_text},
         1});
  }

  {
    // The exposure follows. With a remediation row that row is the guard (and a drifted
    // exposure status is brought back in step); without one, the exposure's status is.
    std::string sql = "UPDATE ctem_exposures SET status = ?, updated_at = ?";
    std::vector<SqlValue> params = {exposure_status, now_text};
    if (request.action == LifecycleAction::kAssign) {
      sql += ", assigned_to = ?";
      params.push_back(request.to);
    }
    sql += " WHERE tenant_id = ? AND exposure_key = ?";
    params.push_back(seen.tenant_id);
    params.push_back(seen.exposure_key);
    if (!seen.remediation) {
      sql += " AND status = ?";
      params.push_back(std::string(ExposureStatusName(seen.exposure_status)));
    }
    statements.push_back({std::move(sql), std::move(params), 1});
  }

  statements.push_back(
      {"INSERT INTO ctem_remediation_audit (tenant_id, exposure_key, remediation_id, actor, at, from_status, "
       "to_status, action, detail) VALUES (?,?,?,?,?,?,?,?,?)",
       {seen.tenant_id, seen.exposure_key, remediation_id, actor, now_text,
        std::string(LifecycleStateName(seen.state)), std::string(LifecycleStateName(*next)), action,
        Detail(seen, request)},
       1});

  auto committed = store_.Sql().ExecuteChecked(statements);
  if (!committed) return Fail(committed.error());
  if (!*committed) {
    return Fail(Error::FailedPrecondition("cannot " + action + " exposure " + seen.exposure_key +
                                          ": another move changed it since it was read as " +
                                          std::string(LifecycleStateName(seen.state)) +
                                          "; nothing was changed (run `ctem remediation show` and retry)"));
  }
  auto after = Load(seen.tenant_id, seen.exposure_key);
  if (!after) return Fail(after.error());
  return MoveResult{request.action, seen.state, *next, std::move(*after)};
}

Result<MoveResult> RemediationLifecycle::Move(std::string_view tenant_id, std::string_view exposure_key,
                                              const MoveRequest& request) {
  if (auto ok = ValidateMoveRequest(request); !ok) return Fail(ok.error());
  store::TenantScope scope(store_, tenant_id);
  if (auto st = Scoped(scope, tenant_id, exposure_key); !st) return Fail(st.error());
  auto seen = Load(tenant_id, exposure_key);
  if (!seen) return Fail(seen.error());
  return Apply(*seen, request);
}

Result<std::vector<AuditEntry>> RemediationLifecycle::Audit(std::string_view tenant_id,
                                                            std::string_view exposure_key) {
  store::TenantScope scope(store_, tenant_id);
  if (auto st = Scoped(scope, tenant_id, exposure_key); !st) return Fail(st.error());
  auto rows = store_.Sql().Query(
      "SELECT id, tenant_id, exposure_key, remediation_id, actor, at, from_status, to_status, action, detail "
      "FROM ctem_remediation_audit WHERE tenant_id = ? AND exposure_key = ? ORDER BY id",
      {std::string(tenant_id), std::string(exposure_key)});
  if (!rows) return Fail(rows.error());
  std::vector<AuditEntry> out;
  out.reserve(rows->size());
  for (const SqlRow& r : *rows) {
    out.push_back({AsInt(r[0]), AsText(r[1]), AsText(r[2]), AsText(r[3]), AsText(r[4]),
                   AsTimestamp(r[5]).value_or(Timestamp{}), AsText(r[6]), AsText(r[7]), AsText(r[8]),
                   AsText(r[9])});
  }
  return out;
}

Result<std::vector<StoredRemediation>> RemediationLifecycle::Remediations(std::string_view tenant_id,
                                                                          std::string_view exposure_key) {
  store::TenantScope scope(store_, tenant_id);
  if (auto st = Scoped(scope, tenant_id, exposure_key); !st) return Fail(st.error());
  auto rows =
      store_.Sql().Query(std::string("SELECT ") + kRemediationColumns +
                             " FROM ctem_remediations WHERE tenant_id = ? AND exposure_id = ? ORDER BY id",
                         {std::string(tenant_id), std::string(exposure_key)});
  if (!rows) return Fail(rows.error());
  std::vector<StoredRemediation> out;
  out.reserve(rows->size());
  for (const SqlRow& r : *rows) out.push_back(ReadRemediation(r));
  return out;
}

}  // namespace ctem::jobs
