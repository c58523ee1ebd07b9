// CTEM-PRIORITIZE-002: exposures correlated with runtime alerts (seed section 5.2).
#include "reports/report_util.h"

namespace ctem::reports {

using namespace internal;

Result<Json> CorrelationReport(store::Store& store, const ReportRequest& req) {
  auto rows = Rows(store,
                   "SELECT e.exposure_key, e.title, e.severity, e.atlas_technique, e.threat_model_ref, e.asset_zone, "
                   "e.physical_consequence, a.alert_title, a.severity, a.ts FROM ctem_exposures e JOIN alerts a "
                   "ON a.tenant_id = e.tenant_id AND a.atlas_technique = e.atlas_technique "
                   "WHERE e.tenant_id = ? AND e.atlas_technique != '' AND e.status = 'Open' AND a.ts > ? AND a.ts <= ? "
                   "ORDER BY e.severity_rank DESC, a.ts DESC, e.exposure_key, a.alert_title" + LimitClause(req),
                   {req.tenant_id, P(req.now - days(7)), P(req.now)});
  if (!rows) return Fail(rows.error());
  Json out = Json::array();
  for (const auto& r : *rows) {
    const std::string title = store::AsText(r[1]);
    const std::string alert = store::AsText(r[7]);
    out.push_back(Json{
        {"alert_title", "CTEM CRITICAL: Exposure '" + title + "' correlated with runtime alert '" + alert + "'"},
        {"combined_severity", "CRITICAL"},
        {"action", "Immediate remediation \u2014 exposure is under active exploitation"},
        {"exposure_key", store::AsText(r[0])},
        {"exposure_title", title},
        {"exposure_severity", store::AsText(r[2])},
        {"atlas_technique", store::AsText(r[3])},
        {"threat_model_ref", store::AsText(r[4])},
        {"asset_zone", store::AsText(r[5])},
        {"physical_consequence", store::AsText(r[6])},
        {"runtime_alert_name", alert},
        {"runtime_alert_severity", store::AsText(r[8])},
        {"alert_time", TsJson(r[9])},
    });
  }
  return out;
}

}  // namespace ctem::reports
