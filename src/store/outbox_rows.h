// Outbox rows the store writes itself, inside the transaction of an upsert, so that the
// state change and its alert are durable together (the relay in src/jobs publishes them):
//  * DETECTION_GAP (CTEM-FEEDBACK-001, seed sections 6.1 and 9.2): a validation that evaded
//    detection, raised once per validation when it is first stored as evaded.
// Both backends build the row here so their payloads are byte-identical.
//
// Internal to src/store. Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/records.h"
#include "core/time.h"

namespace ctem::store {

struct OutboxRow {
  std::string alert_type;
  std::string exposure_key;
  std::string alert_title;
  std::string payload_json;
  std::string dedup_key;
};

inline constexpr std::string_view kDetectionGapAlert = "DETECTION_GAP";

// The FEEDBACK-001 alert for `v` (detection_evaded), whose exposure has `atlas_technique`
// ("" when the exposure is not stored).
OutboxRow DetectionGapRow(const Validation& v, std::string_view atlas_technique);

}  // namespace ctem::store
