// The remediation lifecycle (DESIGN.md erratum 12): one state machine drives both
// ctem_remediations.status and ctem_exposures.status, refuses an illegal move naming the moves
// that are legal, and keeps every move in ctem_remediation_audit. docs/lifecycle.md is the
// user's description; the tables in lifecycle.cc are the only definition.
//
//   Open --assign--> Assigned --start--> InProgress --deploy-fix--> FixDeployed --verify--> Verified
//   --close--> Closed
//
// plus two moves the seed's happy path leaves out: `assign` while Assigned or InProgress
// re-assigns (the state stays), and `reject-fix` sends FixDeployed back to InProgress when the
// verification found the fix ineffective (a reason is required). Closed is final.
//
// Open means "no remediation yet"; the remediation row is created by the first move (normally
// `assign`) with remediation_id "REM-<exposure_key>". An exposure whose status a tool's own
// workflow moved (e.g. Wiz RESOLVED) and which has no remediation row is in the state of that
// status; its first move creates the row.
//
// Every move is one transaction: the remediation row (conditional on the status and
// lifecycle_version read), the exposure row and the audit row, all or nothing. Of two
// concurrent moves from the same state only one commits; the other is refused as a conflict
// and changes nothing. Every query is scoped by tenant.
//
// Thread-safety: a RemediationLifecycle uses its Store on the calling thread, so like the Store
// it serves one thread at a time; the free functions are pure.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/model.h"
#include "core/time.h"
#include "store/store.h"

namespace ctem::jobs {

enum class LifecycleState { kOpen, kAssigned, kInProgress, kFixDeployed, kVerified, kClosed };
inline constexpr std::array<LifecycleState, 6> kAllLifecycleStates = {
    LifecycleState::kOpen,        LifecycleState::kAssigned, LifecycleState::kInProgress,
    LifecycleState::kFixDeployed, LifecycleState::kVerified, LifecycleState::kClosed};

enum class LifecycleAction { kAssign, kStart, kDeployFix, kVerify, kRejectFix, kClose };
inline constexpr std::array<LifecycleAction, 6> kAllLifecycleActions = {
    LifecycleAction::kAssign, LifecycleAction::kStart,     LifecycleAction::kDeployFix,
    LifecycleAction::kVerify, LifecycleAction::kRejectFix, LifecycleAction::kClose};

// "Open", "Assigned", "InProgress", "FixDeployed", "Verified", "Closed".
std::string_view LifecycleStateName(LifecycleState s);
// "assign", "start", "deploy-fix", "verify", "reject-fix", "close" (the CLI's and the API's words).
std::string_view LifecycleActionName(LifecycleAction a);
// Accepts the names above (case-insensitive, '_' for '-'); the error lists them.
Result<LifecycleAction> ParseLifecycleAction(std::string_view text);

// The one mapping between a lifecycle state and the two stored statuses.
// The exposure status a state keeps in ctem_exposures (Assigned is still Open there, so the
// seed's SLA queries on status IN ('Open', 'InProgress') keep watching it).
ExposureStatus ExposureStatusOf(LifecycleState s);
// The ctem_remediations.status of a state; nullopt for Open (no remediation).
std::optional<std::string_view> RemediationStatusOf(LifecycleState s);
// The state a stored remediation status stands for (the seed's names, case-insensitive;
// "Open" is read as Assigned); an error for anything else.
Result<LifecycleState> StateOfRemediationStatus(std::string_view status);
// The state of an exposure that has no remediation row.
LifecycleState StateOfExposureStatus(ExposureStatus s);

// The transition table: where `action` leads from `from`, nullopt when it is illegal there.
std::optional<LifecycleState> NextState(LifecycleState from, LifecycleAction action);
// The legal actions from `from`, in kAllLifecycleActions order (none from Closed).
std::vector<LifecycleAction> AllowedActions(LifecycleState from);
// "assign, deploy-fix" or "none (Closed is final)".
std::string AllowedActionsText(LifecycleState from);

// A move as the user asks for it. Which fields an action takes:
//   assign: to (required), pull_request_url;   start: -;
//   deploy-fix: description, pull_request_url;  verify: by (required);
//   reject-fix: by and reason (required);       close: -.
// actor is who makes the move (the audit's "who"); verify and reject-fix default it to `by`.
struct MoveRequest {
  LifecycleAction action = LifecycleAction::kAssign;
  std::string actor;
  std::string to;
  std::string pull_request_url;
  std::string description;
  std::string by;
  std::string reason;
};
// InvalidArgument naming the field when a required one is missing, a field the action does
// not take is given, a URL is not http(s), or a value is over 4096 characters.
Status ValidateMoveRequest(const MoveRequest& request);

// A ctem_remediations row: the seed's columns and the lifecycle's version.
struct StoredRemediation {
  long long id = 0;
  std::string remediation_id;
  std::string exposure_id;
  Timestamp ts{};
  std::string status;
  std::string assigned_to;
  Timestamp assigned_date{};
  std::optional<Timestamp> sla_deadline;
  std::optional<Timestamp> fix_deployed_date;
  std::optional<Timestamp> verified_date;
  std::string verified_by;
  bool sla_breached = false;
  std::string escalation_level;
  std::string fix_description;
  std::string pull_request_url;
  std::string tenant_id;
  Timestamp created_at{};
  Timestamp updated_at{};
  long long lifecycle_version = 0;
};

// A ctem_remediation_audit row. from_status/to_status are lifecycle state names; detail is a
// JSON object (text) of the move's fields.
struct AuditEntry {
  long long id = 0;
  std::string tenant_id;
  std::string exposure_key;
  std::string remediation_id;
  std::string actor;
  Timestamp at{};
  std::string from_status;
  std::string to_status;
  std::string action;
  std::string detail;
};

// An exposure's lifecycle as read from the store.
struct LifecycleSnapshot {
  std::string tenant_id;
  std::string exposure_key;
  ExposureStatus exposure_status = ExposureStatus::kOpen;
  std::string assigned_to;                // the exposure's
  std::optional<Timestamp> sla_deadline;  // the exposure's
  // The exposure's latest remediation row (by id), if any: the one the lifecycle moves.
  std::optional<StoredRemediation> remediation;
  LifecycleState state = LifecycleState::kOpen;
};

struct MoveResult {
  LifecycleAction action = LifecycleAction::kAssign;
  LifecycleState from = LifecycleState::kOpen;
  LifecycleState to = LifecycleState::kOpen;
  LifecycleSnapshot after;  // read back after the commit
};

// The remediation_id the lifecycle gives the row it creates.
std::string LifecycleRemediationId(std::string_view exposure_key);

class RemediationLifecycle {
 public:
  RemediationLifecycle(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // The exposure's lifecycle; NotFound when the tenant has no such exposure.
  Result<LifecycleSnapshot> Load(std::string_view tenant_id, std::string_view exposure_key);

  // Applies `request` to the state `seen` was read in, at the clock's now:
  //  * InvalidArgument: the request itself is wrong (ValidateMoveRequest);
  //  * FailedPrecondition: the move is illegal from that state (the message names the state
  //    and the legal moves), or another move committed since `seen` was read (a conflict;
  //    nothing changed);
  //  * otherwise the move is committed with its audit row and read back.
  Result<MoveResult> Apply(const LifecycleSnapshot& seen, const MoveRequest& request);

  // Load, then Apply.
  Result<MoveResult> Move(std::string_view tenant_id, std::string_view exposure_key,
                          const MoveRequest& request);

  // The exposure's audit trail, oldest first.
  Result<std::vector<AuditEntry>> Audit(std::string_view tenant_id, std::string_view exposure_key);
  // Every remediation row of the exposure, oldest first.
  Result<std::vector<StoredRemediation>> Remediations(std::string_view tenant_id,
                                                      std::string_view exposure_key);

 private:
  store::Store& store_;
  const Clock& clock_;
};

}  // namespace ctem::jobs
