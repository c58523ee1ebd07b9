#include "core/detection_gap.h"

#include <array>
#include <utility>

namespace ctem {
namespace {

// The seed's DetectionGapAnalyser.ATLAS_DETECTION_RULES (section 6.1), verbatim.
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kAtlasDetectionRules = {{
    {"AML.T0020", "ATLAS-DETECT-001"},
    {"AML.T0044.001", "ATLAS-DETECT-002"},
    {"AML.T0051", "ATLAS-DETECT-003"},
    {"AML.T0015", "ATLAS-DETECT-004"},
    {"AML.T0029", "ATLAS-DETECT-005"},
    {"AML.T0010", "ATLAS-DETECT-006"},
    {"AML.T0035.002", "ATLAS-DETECT-007"},
    {"AML.T0043", "ATLAS-DETECT-009"},
}};

}  // namespace

std::string_view DetectionRuleFor(std::string_view atlas_technique) {
  for (const auto& [technique, rule] : kAtlasDetectionRules) {
    if (technique == atlas_technique) return rule;
  }
  return {};
}

std::vector<std::string> AnalyseDetectionGaps(const Validation& validation,
                                              std::string_view atlas_technique) {
  std::vector<std::string> gaps;
  if (!validation.detection_evaded) return gaps;
  const std::string technique(atlas_technique);
  if (const std::string_view rule = DetectionRuleFor(atlas_technique); !rule.empty()) {
    gaps.push_back("DETECTION GAP: " + std::string(rule) + " failed to detect " + technique +
                   " attack (campaign: " + validation.campaign_id + ")");
  } else {
    gaps.push_back("COVERAGE GAP: No ALUSKORT rule exists for " + technique);
  }
  if (validation.physical_consequence_demonstrated) {
    gaps.push_back(
        "SAFETY GAP: Physical consequence demonstrated without detection \u2014 requires immediate rule "
        "update");
  }
  return gaps;
}

DetectionGapAlert DescribeDetectionGap(std::string_view validation_type,
                                       bool physical_consequence_demonstrated,
                                       std::string_view exploit_complexity,
                                       std::string_view rules_tested_json, std::string_view gaps_json) {
  DetectionGapAlert a;
  a.gap_severity = physical_consequence_demonstrated ? "CRITICAL"
                   : exploit_complexity == "low"     ? "HIGH"
                                                     : "MEDIUM";
  a.alert_title =
      "CTEM DETECTION GAP: " + std::string(validation_type) + " evaded detection (" + a.gap_severity + ")";
  a.action = "Detection rules tested: " + std::string(rules_tested_json) +
             ". Gaps identified: " + std::string(gaps_json) +
             ". Update ALUSKORT analytics rules to cover this attack path.";
  return a;
}

}  // namespace ctem
