// JSON views of the remediation lifecycle, shared by `ctem remediation ...` and the HTTP API
// (so both print the same document). Field names are the seed's column names (section 2.1);
// timestamps are FormatTimestamp text or null.
//
//   move:     {"exposure_key", "action", "from", "to", "exposure_status", "allowed", "remediation"}
//   show:     {"exposure_key", "tenant_id", "state", "exposure_status", "allowed", "remediation", "audit"}
//   timeline: {"exposure_key", "validations", "remediations", "audit"}  (the dashboard's contract)
//
// Thread-safety: pure functions, except ExposureTimeline, which reads through the Store it is
// given on the calling thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "jobs/lifecycle.h"
#include "store/store.h"

namespace ctem::jobs {

using LifecycleJson = nlohmann::ordered_json;

LifecycleJson RemediationToJson(const StoredRemediation& r);
// detail is the stored JSON object (a string when it is not JSON).
LifecycleJson AuditEntryToJson(const AuditEntry& e);
LifecycleJson MoveResultToJson(const MoveResult& m);
LifecycleJson SnapshotToJson(const LifecycleSnapshot& s, const std::vector<AuditEntry>& audit);

// The exposure's history: its ctem_validations rows (ts order), its ctem_remediations rows
// (oldest first) and its audit trail (oldest first), all of the tenant. NotFound when the
// tenant has no such exposure.
Result<LifecycleJson> ExposureTimeline(store::Store& store, std::string_view tenant_id,
                                       std::string_view exposure_key);

}  // namespace ctem::jobs
