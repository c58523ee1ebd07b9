// Factories and rule helpers of the seed-shaped normalisers, exposed for the registry and
// for table-driven tests of each rule.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "parsers/json_records.h"
#include "parsers/parser.h"

namespace ctem::parsers {

std::unique_ptr<SourceParser> MakeWizParser();
std::unique_ptr<SourceParser> MakeSnykParser();
std::unique_ptr<SourceParser> MakeGarakParser();
std::unique_ptr<SourceParser> MakeArtParser();
std::unique_ptr<SourceParser> MakeValidationParser();
std::unique_ptr<SourceParser> MakeRemediationParser();

// Wiz: zone from the entity name (seed _classify_zone) and exploitability from severity.
std::string ClassifyWizZone(std::string_view entity_name);
// The same zone as a view of a constant (no allocation), for the per-finding hot paths.
std::string_view WizZoneRule(std::string_view entity_name);
Exploitability WizExploitability(std::string_view severity);
bool NormaliseWizFinding(RecordReader& r, const ParseContext& ctx, Exposure& e);

// Snyk: is this package an ML dependency (seed's ml_packages substring rule)?
bool IsMlPackage(std::string_view package);

// Garak and ART thresholds: rate > 0.5 / > 0.2 (Garak), > 0.7 / > 0.3 (ART).
Exploitability GarakExploitability(double failure_rate);
Exploitability ArtExploitability(double success_rate);

}  // namespace ctem::parsers
