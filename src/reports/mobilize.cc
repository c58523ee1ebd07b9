// CTEM-MOBILIZE-001 (SLA breaches with the escalation ladder), CTEM-MOBILIZE-002 (SLA at
// risk) and the remediation verification check (seed section 7).
#include <cstdio>

#include "reports/report_util.h"

namespace ctem::reports {

using namespace internal;

namespace internal {
std::string PyFixed0(double x) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.0f", x);
  return buf;
}
}  // namespace internal

std::string_view EscalationLevel(Severity severity, double hours_overdue) {
  if (severity == Severity::kCritical && hours_overdue > 24) return "CISO_EXECUTIVE";
  if (severity == Severity::kCritical) return "SECURITY_DIRECTOR";
  if (severity == Severity::kHigh && hours_overdue > 48) return "SECURITY_DIRECTOR";
  if (severity == Severity::kHigh) return "SECURITY_MANAGER";
  return "SECURITY_TEAM_LEAD";
}

Result<Json> SlaBreachesReport(store::Store& store, const ReportRequest& req) {
  auto rows = Rows(store,
                   std::string("SELECT exposure_key, title, severity, physical_consequence, atlas_technique, "
                               "threat_model_ref, assigned_to, sla_deadline, asset_zone, source_tool FROM "
                               "ctem_exposures WHERE tenant_id = ? AND status IN ") +
                       kOpenStatuses +
                       " AND sla_deadline IS NOT NULL AND sla_deadline < ? "
                       "ORDER BY severity_rank DESC, sla_deadline ASC, exposure_key ASC" + LimitClause(req),
                   {req.tenant_id, P(req.now)});
  if (!rows) return Fail(rows.error());
  Json out = Json::array();
  for (const auto& r : *rows) {
    const Severity severity = ParseSeverity(store::AsText(r[2])).value_or(Severity::kLow);
    const double overdue = HoursBetween(*store::AsTimestamp(r[7]), req.now);
    out.push_back(Json{
        {"alert_title", "CTEM SLA BREACH: " + store::AsText(r[1]) + " (" + std::string(SeverityName(severity)) + ", " +
                            PyFixed0(overdue) + "h overdue)"},
        {"escalation_level", EscalationLevel(severity, overdue)},
        {"hours_overdue", PyRound(overdue, 1)},
        {"exposure_key", store::AsText(r[0])},
        {"title", store::AsText(r[1])},
        {"severity", SeverityName(severity)},
        {"physical_consequence", store::AsText(r[3])},
        {"atlas_technique", store::AsText(r[4])},
        {"threat_model_ref", store::AsText(r[5])},
        {"assigned_to", store::AsText(r[6])},
        {"sla_deadline", TsJson(r[7])},
        {"asset_zone", store::AsText(r[8])},
        {"source_tool", store::AsText(r[9])},
    });
  }
  return out;
}

Result<Json> SlaAtRiskReport(store::Store& store, const ReportRequest& req) {
  auto rows = Rows(store,
                   std::string("SELECT exposure_key, title, severity, assigned_to, sla_deadline, asset_zone, "
                               "atlas_technique FROM ctem_exposures WHERE tenant_id = ? AND status IN ") +
                       kOpenStatuses +
                       " AND severity IN ('CRITICAL', 'HIGH') AND sla_deadline IS NOT NULL AND sla_deadline > ? "
                       "AND sla_deadline < ? ORDER BY sla_deadline ASC, exposure_key ASC" + LimitClause(req),
                   {req.tenant_id, P(req.now), P(req.now + hours(24))});
  if (!rows) return Fail(rows.error());
  Json out = Json::array();
  for (const auto& r : *rows) {
    const double remaining = HoursBetween(req.now, *store::AsTimestamp(r[4]));
    out.push_back(Json{
        {"alert_title", "CTEM SLA AT RISK: " + store::AsText(r[1]) + " \u2014 " + PyFixed0(remaining) +
                            "h remaining (" + store::AsText(r[2]) + ")"},
        {"action", "Escalate to assignee and manager. Request exception if remediation is blocked."},
        {"exposure_key", store::AsText(r[0])},
        {"title", store::AsText(r[1])},
        {"severity", store::AsText(r[2])},
        {"assigned_to", store::AsText(r[3])},
        {"sla_deadline", TsJson(r[4])},
        {"asset_zone", store::AsText(r[5])},
        {"atlas_technique", store::AsText(r[6])},
        {"hours_remaining", PyRound(remaining, 1)},
    });
  }
  return out;
}

Result<Json> PendingVerificationsReport(store::Store& store, const ReportRequest& req) {
  auto rows = Rows(store,
                   "SELECT remediation_id, exposure_id, assigned_to, fix_deployed_date FROM ctem_remediations "
                   "WHERE tenant_id = ? AND status = 'FixDeployed' AND verified_date IS NULL AND "
                   "fix_deployed_date IS NOT NULL AND fix_deployed_date < ? "
                   "ORDER BY fix_deployed_date ASC, remediation_id ASC" + LimitClause(req),
                   {req.tenant_id, P(req.now - hours(24))});
  if (!rows) return Fail(rows.error());
  Json out = Json::array();
  for (const auto& r : *rows) {
    out.push_back(Json{{"remediation_id", store::AsText(r[0])},
                       {"exposure_id", store::AsText(r[1])},
                       {"assigned_to", store::AsText(r[2])},
                       {"fix_deployed_date", TsJson(r[3])},
                       {"action", "Trigger re-scan to verify remediation effectiveness"}});
  }
  return out;
}

}  // namespace ctem::reports
