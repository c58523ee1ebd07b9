// Zone placement and scoring shared by the seed normalisers (seed section 4.1).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/records.h"
#include "parsers/parser.h"

namespace ctem::parsers {

// Places `e` in a zone and sets its consequence.
//  - kZoneDriven sources (wiz, burp, custom): the resolver's placement wins; otherwise the
//    rule zone with the static zone->consequence map (seed get_zone_consequence).
//  - kRuleDriven sources (snyk, garak, ibm_art): the seed's rule consequence stays, unless the
//    resolver places the asset in a zone whose consequence is more severe.
enum class ConsequencePolicy { kZoneDriven, kRuleDriven };
void PlaceInZone(Exposure& e, std::string_view rule_zone, Consequence rule_consequence,
                 ConsequencePolicy policy, const ParseContext& ctx);

// Sets ts, tenant and the SLA deadline (first seen + SLA of the CTEM severity).
void StampTimes(Exposure& e, const ParseContext& ctx);

}  // namespace ctem::parsers
