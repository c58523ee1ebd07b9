// CTEM-FEEDBACK-001: new detection gaps from red-team validations (seed section 9.2), and
// the CTEM context the Reasoning Agent asks for (seed section 9.3).
#include "core/detection_gap.h"
#include "reports/report_util.h"

namespace ctem::reports {

using namespace internal;

namespace {

// JSON list columns come back as text from SQLite and as jsonb text from PostgreSQL (with
// different spacing); both parse to the same array.
Json JsonList(const SqlValue& v) {
  if (!v) return Json::array();
  auto parsed = Json::parse(*v, nullptr, /*allow_exceptions=*/false);
  return parsed.is_array() ? parsed : Json::array();
}

}  // namespace

Result<Json> NewGapsReport(store::Store& store, const ReportRequest& req) {
  auto rows = Rows(store,
                   "SELECT validation_id, exposure_id, campaign_id, validation_type, attack_path, "
                   "detection_rules_tested, detection_gaps, physical_consequence_demonstrated, exploit_complexity, "
                   "tester, evidence_url FROM ctem_validations WHERE tenant_id = ? AND ts > ? AND ts <= ? AND "
                   "detection_evaded ORDER BY ts ASC, validation_id ASC",
                   {req.tenant_id, P(req.now - hours(1)), P(req.now)});
  if (!rows) return Fail(rows.error());
  Json out = Json::array();
  for (const auto& r : *rows) {
    const bool physical = store::AsBool(r[7]);
    const std::string complexity = store::AsText(r[8]);
    const Json rules = JsonList(r[5]);
    const Json gaps = JsonList(r[6]);
    // The same texts as the alert the store raises when the validation is ingested.
    const DetectionGapAlert alert =
        DescribeDetectionGap(store::AsText(r[3]), physical, complexity, rules.dump(), gaps.dump());
    out.push_back(Json{
        {"alert_title", alert.alert_title},
        {"gap_severity", alert.gap_severity},
        {"action", alert.action},
        {"validation_id", store::AsText(r[0])},
        {"exposure_id", store::AsText(r[1])},
        {"campaign_id", store::AsText(r[2])},
        {"validation_type", store::AsText(r[3])},
        {"attack_path", store::AsText(r[4])},
        {"detection_rules_tested", rules},
        {"detection_gaps", gaps},
        {"physical_consequence_demonstrated", physical},
        {"exploit_complexity", complexity},
        {"tester", store::AsText(r[9])},
        {"evidence_url", store::AsText(r[10])},
    });
  }
  return out;
}

Result<Json> CtemContextReport(store::Store& store, const ReportRequest& req) {
  const std::string technique = req.params.at("technique");
  Json out = Json::array();
  if (!technique.starts_with("AML.T")) return out;
  auto rows = Rows(store,
                   std::string("SELECT exposure_key, title, severity, ctem_score, physical_consequence, source_tool, "
                               "asset_zone, threat_model_ref FROM ctem_exposures WHERE tenant_id = ? AND "
                               "atlas_technique = ? AND status IN ") +
                       kOpenStatuses + " ORDER BY ctem_score DESC, exposure_key ASC LIMIT 10",
                   {req.tenant_id, technique});
  if (!rows) return Fail(rows.error());
  for (const auto& r : *rows) {
    out.push_back(Json{{"exposure_key", store::AsText(r[0])},
                       {"title", store::AsText(r[1])},
                       {"severity", store::AsText(r[2])},
                       {"ctem_score", store::AsDouble(r[3])},
                       {"physical_consequence", store::AsText(r[4])},
                       {"source_tool", store::AsText(r[5])},
                       {"asset_zone", store::AsText(r[6])},
                       {"threat_model_ref", store::AsText(r[7])}});
  }
  return out;
}

}  // namespace ctem::reports
