// Snyk's native outputs (docs/formats/snyk.md), auto-detected from the document's content:
//
//   - `snyk test --json`: one project object, or the `--all-projects` array of them;
//   - `snyk container test --json`: the same shape plus docker / applications[];
//   - the Snyk REST Issues API (JSON:API `{"data": [{"type": "issue", ...}]}`);
//   - the `project_snapshot` webhook body (`newIssues` / `removedIssues`);
//   - Snyk Code SARIF (`snyk code test --sarif`).
//
// Everything else (the seed's finding shape, a JSON array of them, the gateway payload
// `{"source_tool": ..., "findings": [...]}`, JSON Lines) is left to the seed parser in
// snyk.cc, which keeps its behaviour exactly.
//
// Thread-safety: pure functions.
#pragma once

#include <simdjson.h>

#include <string_view>

#include "core/model.h"
#include "parsers/parser.h"

namespace ctem::parsers {

// Parses `document` when it is one of Snyk's native formats, or when it is malformed JSON
// (the complete records before the fault are recovered, see RecoverTruncatedJson); returns
// false, touching nothing, when the document is seed-shaped (or JSON Lines) and the seed
// parser should take it.
bool ParseSnykNative(std::string_view document, const ParseContext& ctx, ParsedBatch& out);

// The seed's SnykNormaliser for one finding object (seed section 4.1).
void NormaliseSeedSnykFinding(simdjson::dom::object obj, long index, const ParseContext& ctx,
                              ParsedBatch& out);

// The seed's Snyk severity -> exploitability map ({"CRITICAL": "high", "HIGH": "high",
// "MEDIUM": "medium", "LOW": "low"}, default "medium"); `upper_severity` is upper-case.
Exploitability SnykExploitability(std::string_view upper_severity);

}  // namespace ctem::parsers
