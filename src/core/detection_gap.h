// The seed's detection-gap feedback (sections 6.1 and 9.2): what a red-team validation that
// evaded detection means for ALUSKORT's detection rules.
//
//  * AnalyseDetectionGaps is the seed's DetectionGapAnalyser.analyse_gaps: which rule should
//    have fired for the exposure's ATLAS technique (ATLAS_DETECTION_RULES) and the DETECTION /
//    COVERAGE / SAFETY GAP lines, word for word;
//  * DescribeDetectionGap is the seed's CTEM-FEEDBACK-001 alert (detect_new_gaps): the gap
//    severity, the alert title and the action text.
//
// Both live in core because the store raises the FEEDBACK-001 alert in the same transaction
// as the validation upsert (issue 7: real time, not a polling window), and the new-gaps
// report shows the same texts.
//
// Thread-safety: pure functions over constant tables.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/records.h"

namespace ctem {

// The ALUSKORT rule that detects `atlas_technique` (seed ATLAS_DETECTION_RULES), or "".
std::string_view DetectionRuleFor(std::string_view atlas_technique);

// The seed's analyse_gaps: empty unless the validation evaded detection. An empty technique
// (the validation's exposure is unknown) yields the COVERAGE GAP line naming no technique,
// as the seed's dict lookup would.
std::vector<std::string> AnalyseDetectionGaps(const Validation& validation, std::string_view atlas_technique);

struct DetectionGapAlert {
  std::string gap_severity;  // CRITICAL (physical consequence), HIGH (low complexity), MEDIUM
  std::string alert_title;   // "CTEM DETECTION GAP: <validation_type> evaded detection (<gap>)"
  std::string action;        // "Detection rules tested: [...]. Gaps identified: [...]. Update ..."
};

// The seed's CTEM-FEEDBACK-001 texts. `rules_tested_json` and `gaps_json` are the JSON lists
// as the action prints them (e.g. ["ATLAS-DETECT-001"]).
DetectionGapAlert DescribeDetectionGap(std::string_view validation_type,
                                       bool physical_consequence_demonstrated,
                                       std::string_view exploit_complexity,
                                       std::string_view rules_tested_json, std::string_view gaps_json);

}  // namespace ctem
