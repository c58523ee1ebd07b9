// Garak's native outputs (issue 5): the run report `garak.<run>.report.jsonl` of any garak
// version since 0.13 (entry types "start_run setup", "init", "attempt", "eval", "completion",
// "digest"; older runs also "config"), and the hit log `garak.<run>.hitlog.jsonl` (one line per
// failing output: probe, detector, score, prompt, output, run_id, ...). The exact rules are
// in docs/formats/garak.md.
//
// Every input shape ends in BuildGarakExposure, the seed's GarakNormaliser scoring (probe-name
// rules, thresholds > 0.5 / > 0.2, weighted score), keyed by (probe, asset) (erratum 1).
//
// Thread-safety: pure functions.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/records.h"
#include "parsers/parser.h"

namespace ctem::parsers {

inline constexpr std::string_view kGarakTool = "Garak";
// The seed's asset for every Garak finding; used whenever the input does not name its target.
inline constexpr std::string_view kGarakDefaultAsset = "orbital-domain-llm";

// What one Garak exposure is made of, whatever the input shape.
struct GarakFinding {
  std::string probe;
  double failure_rate = 0;  // 0.0 - 1.0
  std::string asset = std::string(kGarakDefaultAsset);
  std::string description;
  std::string remediation;
  std::vector<std::string> reference_urls;
};

// The seed's GarakNormaliser: consequence / ATLAS / threat model from the probe name, CTEM
// severity, score, title "Garak: <probe> — NN% failure rate", key sha256("Garak:<probe>:<asset>").
Exposure BuildGarakExposure(const GarakFinding& finding, const ParseContext& ctx);
// The same, moving the finding's texts into the exposure instead of copying them.
Exposure BuildGarakExposure(GarakFinding&& finding, const ParseContext& ctx);

// True when `document` is a garak report.jsonl or hit log rather than the seed's shape: some
// line is an object with "entry_type", or a hit record ("detector", "attempt_id" or "score"
// and no "failure_rate").
bool IsGarakNativeDocument(std::string_view document);

// Parses a report.jsonl / hit log. Errors name the line (record_index = 0-based line number,
// reason "line N: ...") and the field. A seed-shaped line inside such a document is handed to
// `seed_record`.
using GarakSeedRecordFn = void (*)(simdjson::dom::object record, long index, const ParseContext& ctx,
                                   ParsedBatch& out);
void ParseGarakNative(std::string_view document, const ParseContext& ctx, ParsedBatch& out,
                      GarakSeedRecordFn seed_record);

}  // namespace ctem::parsers
