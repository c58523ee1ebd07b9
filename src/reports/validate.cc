// CTEM-VALIDATE-001: detection-gap analysis of one red-team campaign (seed section 6.2) with
// erratum 6: real counts, alerts matched by ATLAS technique within the campaign window, and a
// detection rate of null when nothing was exploitable.
#include <algorithm>
#include <set>

#include "reports/report_util.h"

namespace ctem::reports {

using namespace internal;

Result<Json> CampaignGapsReport(store::Store& store, const ReportRequest& req) {
  const std::string campaign = req.params.at("campaign");
  auto total = Rows(store, "SELECT COUNT(*) FROM ctem_validations WHERE tenant_id = ? AND campaign_id = ? AND ts <= ?",
                    {req.tenant_id, campaign, P(req.now)});
  if (!total) return Fail(total.error());
  const long long total_tests = store::AsInt(total->front()[0]);
  if (total_tests == 0) {
    auto known = Rows(store,
                      "SELECT DISTINCT campaign_id FROM ctem_validations WHERE tenant_id = ? AND ts <= ? "
                      "ORDER BY campaign_id",
                      {req.tenant_id, P(req.now)});
    if (!known) return Fail(known.error());
    std::string names;
    for (const auto& r : *known) names += (names.empty() ? "" : ", ") + store::AsText(r[0]);
    return Fail(Error::NotFound("no validations for campaign '" + campaign + "' (known campaigns: " +
                                (names.empty() ? "none" : names) + ")"));
  }
  auto results = Rows(store,
                      "SELECT v.ts, v.detection_evaded, v.physical_consequence_demonstrated, "
                      "COALESCE(e.atlas_technique, '') FROM ctem_validations v LEFT JOIN ctem_exposures e "
                      "ON e.tenant_id = v.tenant_id AND e.exposure_key = v.exposure_id "
                      "WHERE v.tenant_id = ? AND v.campaign_id = ? AND v.exploitable AND v.ts <= ?",
                      {req.tenant_id, campaign, P(req.now)});
  if (!results) return Fail(results.error());
  long long detected = 0;
  long long detection_gaps = 0;
  long long critical_gaps = 0;
  long long timing_gaps = 0;
  if (!results->empty()) {
    Timestamp start = *store::AsTimestamp(results->front()[0]);
    Timestamp end = start;
    for (const auto& r : *results) {
      const Timestamp t = *store::AsTimestamp(r[0]);
      start = std::min(start, t);
      end = std::max(end, t);
    }
    auto alerts = Rows(store,
                       "SELECT DISTINCT atlas_technique FROM alerts WHERE tenant_id = ? AND ts >= ? AND ts <= ? "
                       "AND atlas_technique != ''",
                       {req.tenant_id, P(start), P(end)});
    if (!alerts) return Fail(alerts.error());
    std::set<std::string> techniques;
    for (const auto& a : *alerts) techniques.insert(store::AsText(a[0]));
    for (const auto& r : *results) {
      const bool evaded = store::AsBool(r[1]);
      const bool physical = store::AsBool(r[2]);
      const std::string technique = store::AsText(r[3]);
      const bool alerted = !technique.empty() && techniques.count(technique) > 0;
      if (alerted) ++detected;
      if (evaded && physical) {
        ++critical_gaps;
      } else if (evaded) {
        ++detection_gaps;
      } else if (!alerted) {
        ++timing_gaps;
      }
    }
  }
  const auto exploitable = static_cast<long long>(results->size());
  return Json{{"campaign_id", campaign},         {"total_tests", total_tests},
              {"exploitable", exploitable},       {"detected", detected},
              {"detection_rate", PercentOrNull(detected, exploitable)},
              {"detection_gaps", detection_gaps}, {"critical_gaps", critical_gaps},
              {"timing_gaps", timing_gaps}};
}

}  // namespace ctem::reports
