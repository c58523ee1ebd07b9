// The "custom" source: findings from any scanner, in one of three auto-detected formats
// (docs/formats/custom.md):
//  - SARIF 2.1.0 from any tool (read by parsers/sarif.h);
//  - the generic finding format: JSON (array, {"findings": [...]} payload, one object, or
//    JSON Lines) or CSV with the same column names (title, severity, asset_id, ...);
//  - DefectDojo's Generic Findings Import, JSON ({"findings": [...]}) and CSV.
// Consequence is zone-driven (the record's zone, else the seed's Wiz name heuristics on the
// asset, else the zone resolver's placement) and the score is the seed's Wiz composite.
//
// Thread-safety: the parser is immutable; Parse is reentrant.
#pragma once

#include <memory>

#include "parsers/parser.h"

namespace ctem::parsers {

std::unique_ptr<SourceParser> MakeCustomParser();

}  // namespace ctem::parsers
