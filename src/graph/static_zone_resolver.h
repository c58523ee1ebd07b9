// StaticZoneResolver: the seed's documented degradation. It knows no asset placements, so
// every finding keeps the zone its parser's rules gave it and the consequence of the seed's
// ZONE_CONSEQUENCE_FALLBACK map for that zone.
//
// Thread-safety: stateless; safe for concurrent use.
#pragma once

#include "core/zone_resolver.h"

namespace ctem::graph {

class StaticZoneResolver final : public ZoneResolver {
 public:
  std::optional<ZonePlacement> Lookup(std::string_view asset_id) const override {
    (void)asset_id;
    return std::nullopt;
  }
  std::string_view Kind() const override { return "static"; }
};

}  // namespace ctem::graph
