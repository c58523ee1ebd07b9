#include "parsers/scoring.h"

#include "parsers/atlas.h"

namespace ctem::parsers {

void PlaceInZone(Exposure& e, std::string_view rule_zone, Consequence rule_consequence,
                 ConsequencePolicy policy, const ParseContext& ctx) {
  e.asset_zone = std::string(rule_zone);
  e.physical_consequence = rule_consequence;
  e.zone_source = policy == ConsequencePolicy::kZoneDriven ? ZoneSource::kStatic : ZoneSource::kRule;
  if (ctx.zone_resolver == nullptr) return;
  const auto placement = ctx.zone_resolver->Lookup(e.asset_id);
  if (!placement) return;
  if (placement->zone.empty()) {
    // The graph could not be asked: the rule zone and its static consequence stand, and the
    // exposure says it was scored on the fallback.
    e.zone_source = ZoneSource::kFallback;
    return;
  }
  if (policy == ConsequencePolicy::kZoneDriven || MoreSevere(placement->consequence, rule_consequence)) {
    e.asset_zone = placement->zone;
    e.physical_consequence = placement->consequence;
    e.zone_source = placement->source;
  }
}

void StampTimes(Exposure& e, const ParseContext& ctx) {
  e.ts = ctx.now;
  e.tenant_id = ctx.tenant_id;
  e.sla_deadline = ctx.now + SeveritySla(e.severity);
  // The official ATLAS technique the seed's ID stands for; atlas_technique stays the seed's.
  if (!e.atlas_technique.empty()) {
    if (const AtlasTechnique* official = OfficialAtlasTechnique(e.atlas_technique, e.source_tool)) {
      e.atlas_official_id = official->id;
      e.atlas_official_name = official->name;
    } else {
      e.atlas_official_id.clear();
      e.atlas_official_name.clear();
    }
  }
}

}  // namespace ctem::parsers
