#include "reports/report.h"

namespace ctem::reports {
namespace {

// A report of the registry runs with the store bound to the request's tenant (store.h): the
// database shows it that tenant's rows only, whatever its SQL says. A store bound to another
// tenant refuses.
template <Result<Json> (*Report)(store::Store&, const ReportRequest&)>
Result<Json> Bound(store::Store& store, const ReportRequest& request) {
  store::TenantScope scope(store, request.tenant_id);
  if (!scope.status()) return Fail(scope.status().error());
  return Report(store, request);
}

}  // namespace

const std::vector<ReportSpec>& AllReports() {
  static const std::vector<ReportSpec> reports = {
      {"assets", "CTEM-SCOPE-001: the asset inventory from six telemetry sources", {}, &Bound<&AssetsReport>,
       {"asset_id", "asset_type", "asset_zone", "risk_category", "last_seen"}},
      {"new-assets", "CTEM-SCOPE-002: assets first seen in the last 7 days (every asset type)", {},
       &Bound<&NewAssetsReport>, {"asset_type", "asset_id", "first_seen", "alert_title"}},
      {"triage", "CTEM-PRIORITIZE-001: the prioritised remediation backlog for the weekly triage", {},
       &Bound<&TriageReport>,
       {"triage_priority", "severity", "sla_status", "adjusted_score", "days_open", "source_tool", "asset_id",
        "asset_zone", "title", "exposure_key"}},
      {"correlation", "CTEM-PRIORITIZE-002: open exposures whose ATLAS technique fired at runtime (7 days)", {},
       &Bound<&CorrelationReport>,
       {"exposure_severity", "atlas_technique", "alert_time", "runtime_alert_name", "exposure_title", "exposure_key"}},
      {"campaign-gaps", "CTEM-VALIDATE-001: detection gaps of one red-team campaign (--campaign)", {"campaign"},
       &Bound<&CampaignGapsReport>, {}},
      {"sla-breaches", "CTEM-MOBILIZE-001: exposures past their SLA, with the escalation ladder", {},
       &Bound<&SlaBreachesReport>,
       {"severity", "escalation_level", "hours_overdue", "sla_deadline", "assigned_to", "title", "exposure_key"}},
      {"sla-at-risk", "CTEM-MOBILIZE-002: CRITICAL/HIGH exposures within 24 h of their SLA", {}, &Bound<&SlaAtRiskReport>,
       {"severity", "hours_remaining", "sla_deadline", "assigned_to", "title", "exposure_key"}},
      {"pending-verifications", "Remediations with a fix deployed over 24 h ago and not verified", {},
       &Bound<&PendingVerificationsReport>, {}},
      {"weekly-metrics", "CTEM-METRICS-001: MTTR, SLA compliance, open exposures, coverage", {},
       &Bound<&WeeklyMetricsReport>, {}},
      {"score-trend", "CTEM-METRICS-002: weekly risk posture over 180 days", {}, &Bound<&ScoreTrendReport>, {}},
      {"red-team", "CTEM-METRICS-003: red-team campaign effectiveness (365 days)", {}, &Bound<&RedTeamReport>, {}},
      {"atlas-coverage", "CTEM-METRICS-004: ATLAS technique coverage by discovery, detection, validation", {},
       &Bound<&AtlasCoverageReport>,
       {"atlas_technique", "technique_name", "atlas_official_id", "atlas_match", "ctem_findings", "runtime_alerts",
        "validation_tests", "coverage_score", "coverage_status"}},
      {"new-gaps", "CTEM-FEEDBACK-001: red-team tests that evaded detection in the last hour", {}, &Bound<&NewGapsReport>,
       {"validation_id", "gap_severity", "validation_type", "campaign_id", "alert_title"}},
      {"ctem-context", "Known open exposures for an ATLAS technique (--technique), top 10 by score",
       {"technique"}, &Bound<&CtemContextReport>, {}},
  };
  return reports;
}

const ReportSpec* FindReport(std::string_view name) {
  for (const auto& r : AllReports()) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

std::vector<std::string> ReportNames() {
  std::vector<std::string> names;
  for (const auto& r : AllReports()) names.push_back(r.name);
  return names;
}

}  // namespace ctem::reports
