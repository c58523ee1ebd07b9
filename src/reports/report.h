// Reports: the seed's analytics functions (sections 3, 5, 6.2, 7, 8, 9), each a pure function
// of the store and a pinned `now` (DESIGN.md: "every report is a pure function of the store
// and now"). A report never parses tool output; it reads the store only.
//
// Reports are registered by name (the CLI's `ctem report NAME` and the API's
// /api/ctem/reports/NAME share the registry) and return JSON whose field names are the seed's
// dict keys.
//
// Thread-safety: the registry is immutable; a report runs on the calling thread with the
// Store it is given.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/time.h"
#include "core/zone_resolver.h"
#include "store/store.h"

namespace ctem::reports {

using Json = nlohmann::ordered_json;

struct ReportRequest {
  std::string tenant_id = std::string(kDefaultTenant);
  Timestamp now{};
  std::map<std::string, std::string> params;  // e.g. "campaign", "technique"
  // The reports that list rows (triage, correlation, sla-breaches, sla-at-risk,
  // pending-verifications) return at most this many, the first in the report's order; 0: all
  // (the seed's functions). At 1M exposures triage has ~126k rows and sla-breaches ~175k: a
  // page costs what it shows, the whole list costs the backlog (docs/PERFORMANCE.md).
  size_t limit = 0;
  // The zone graph scope discovery places assets by (batched); null: the seed's rule zones.
  const ZoneResolver* zone_resolver = nullptr;
};

struct ReportSpec {
  std::string name;
  std::string summary;
  std::vector<std::string> required_params;
  // Runs the report with the store bound to request.tenant_id (store::TenantScope); a store
  // bound to another tenant fails with FailedPrecondition.
  Result<Json> (*run)(store::Store& store, const ReportRequest& request);
  // The columns `--format table` shows (all when empty); json and csv always carry every field.
  std::vector<std::string> table_columns;
};

const std::vector<ReportSpec>& AllReports();
const ReportSpec* FindReport(std::string_view name);
std::vector<std::string> ReportNames();

// An exposure as JSON: the seed's column names, then the engine's own columns.
Json ExposureToJson(const store::StoredExposure& s);

// The seed's SLA status: BREACHED past the deadline, AT_RISK within 24 h, else ON_TRACK
// (also ON_TRACK when there is no deadline, as the seed's CASE yields).
std::string_view SlaStatus(const std::optional<Timestamp>& deadline, Timestamp now);

// The seed's escalation ladder (section 7.1).
std::string_view EscalationLevel(Severity severity, double hours_overdue);

// Not a report: the earliest telemetry row (ts <= now) of each of the tenant's assets in the
// six sources of `assets`, keyed by (asset_type, asset_id) as `assets` names them. Scope
// discovery records it as the inventory's first_seen.
using AssetKey = std::pair<std::string, std::string>;
Result<std::map<AssetKey, Timestamp>> AssetFirstSightings(store::Store& store, const std::string& tenant_id,
                                                          Timestamp now);

// Individual reports (exposed for tests), in the order of docs/reports.md.
Result<Json> AssetsReport(store::Store& store, const ReportRequest& request);
Result<Json> NewAssetsReport(store::Store& store, const ReportRequest& request);
Result<Json> TriageReport(store::Store& store, const ReportRequest& request);
Result<Json> CorrelationReport(store::Store& store, const ReportRequest& request);
Result<Json> CampaignGapsReport(store::Store& store, const ReportRequest& request);
Result<Json> SlaBreachesReport(store::Store& store, const ReportRequest& request);
Result<Json> SlaAtRiskReport(store::Store& store, const ReportRequest& request);
Result<Json> PendingVerificationsReport(store::Store& store, const ReportRequest& request);
Result<Json> WeeklyMetricsReport(store::Store& store, const ReportRequest& request);
Result<Json> ScoreTrendReport(store::Store& store, const ReportRequest& request);
Result<Json> RedTeamReport(store::Store& store, const ReportRequest& request);
Result<Json> AtlasCoverageReport(store::Store& store, const ReportRequest& request);
Result<Json> NewGapsReport(store::Store& store, const ReportRequest& request);
Result<Json> CtemContextReport(store::Store& store, const ReportRequest& request);

}  // namespace ctem::reports
