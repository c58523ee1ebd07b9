#include "store/outbox_rows.h"

#include <nlohmann/json.hpp>

#include "core/detection_gap.h"

namespace ctem::store {

OutboxRow DetectionGapRow(const Validation& v, std::string_view atlas_technique) {
  const nlohmann::json rules = v.detection_rules_tested;
  const nlohmann::json gaps = v.detection_gaps;
  const DetectionGapAlert alert = DescribeDetectionGap(v.validation_type, v.physical_consequence_demonstrated,
                                                       v.exploit_complexity, rules.dump(), gaps.dump());
  // The seed's detect_new_gaps dict (alert fields, then the row), then what the seed's
  // DetectionGapAnalyser says about the exposure's technique.
  nlohmann::ordered_json payload = {
      {"alert_title", alert.alert_title},
      {"gap_severity", alert.gap_severity},
      {"action", alert.action},
      {"validation_id", v.validation_id},
      {"exposure_id", v.exposure_id},
      {"campaign_id", v.campaign_id},
      {"validation_type", v.validation_type},
      {"attack_path", v.attack_path},
      {"detection_rules_tested", rules},
      {"detection_gaps", gaps},
      {"physical_consequence_demonstrated", v.physical_consequence_demonstrated},
      {"exploit_complexity", v.exploit_complexity},
      {"tester", v.tester},
      {"evidence_url", v.evidence_url},
      {"validation_ts", FormatTimestamp(v.ts)},
      {"atlas_technique", atlas_technique},
      {"expected_detection_rule", DetectionRuleFor(atlas_technique)},
      {"gap_analysis", AnalyseDetectionGaps(v, atlas_technique)},
  };
  OutboxRow row;
  row.alert_type = std::string(kDetectionGapAlert);
  row.exposure_key = v.exposure_id;
  row.alert_title = alert.alert_title;
  row.payload_json = payload.dump();
  row.dedup_key = std::string(kDetectionGapAlert) + ":" + v.tenant_id + ":" + v.validation_id;
  return row;
}

}  // namespace ctem::store
