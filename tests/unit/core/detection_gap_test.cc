// The seed's DetectionGapAnalyser (section 6.1) and FEEDBACK-001 texts (section 9.2).
#include "core/detection_gap.h"

#include <gtest/gtest.h>

namespace ctem {
namespace {

Validation Evaded(bool physical) {
  Validation v;
  v.validation_id = "VAL-1";
  v.campaign_id = "RT-2026-Q4";
  v.validation_type = "manual_red_team";
  v.detection_evaded = true;
  v.physical_consequence_demonstrated = physical;
  return v;
}

TEST(DetectionGapTest, AKnownTechniqueNamesTheRuleThatMissed) {
  EXPECT_EQ(DetectionRuleFor("AML.T0020"), "ATLAS-DETECT-001");
  EXPECT_EQ(DetectionRuleFor("AML.T0043"), "ATLAS-DETECT-009");
  EXPECT_EQ(AnalyseDetectionGaps(Evaded(false), "AML.T0051"),
            (std::vector<std::string>{
                "DETECTION GAP: ATLAS-DETECT-003 failed to detect AML.T0051 attack (campaign: RT-2026-Q4)"}));
}

TEST(DetectionGapTest, AnUnknownTechniqueIsACoverageGapAndPhysicalConsequenceASafetyGap) {
  EXPECT_EQ(DetectionRuleFor("AML.T0040"), "");
  EXPECT_EQ(AnalyseDetectionGaps(Evaded(true), "AML.T0040"),
            (std::vector<std::string>{"COVERAGE GAP: No ALUSKORT rule exists for AML.T0040",
                                      "SAFETY GAP: Physical consequence demonstrated without detection "
                                      "\u2014 requires immediate rule update"}));
}

TEST(DetectionGapTest, NothingWhenDetected) {
  Validation v = Evaded(true);
  v.detection_evaded = false;
  EXPECT_TRUE(AnalyseDetectionGaps(v, "AML.T0020").empty());
}

TEST(DetectionGapTest, SeverityTitleAndActionAsTheSeed) {
  const auto critical = DescribeDetectionGap("adversarial_ml", true, "low", "[\"ATLAS-DETECT-001\"]", "[]");
  EXPECT_EQ(critical.gap_severity, "CRITICAL");
  EXPECT_EQ(critical.alert_title, "CTEM DETECTION GAP: adversarial_ml evaded detection (CRITICAL)");
  EXPECT_EQ(critical.action,
            "Detection rules tested: [\"ATLAS-DETECT-001\"]. Gaps identified: []. Update ALUSKORT analytics "
            "rules to cover this attack path.");
  EXPECT_EQ(DescribeDetectionGap("automated", false, "low", "[]", "[]").gap_severity, "HIGH");
  EXPECT_EQ(DescribeDetectionGap("automated", false, "medium", "[]", "[]").gap_severity, "MEDIUM");
}

}  // namespace
}  // namespace ctem
