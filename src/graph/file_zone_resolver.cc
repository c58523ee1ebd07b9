#include "graph/file_zone_resolver.h"

#include <map>

namespace ctem::graph {

FileZoneResolver::FileZoneResolver(const ZoneGraph& graph) {
  std::map<std::string, Consequence, std::less<>> consequence;
  for (const ZoneNode& z : graph.zones) consequence[z.name] = z.consequence;
  for (const AssetNode& a : graph.assets) {
    // ParseZoneGraph lists every zone an asset names; the static map is a belt for graphs
    // built by hand in code.
    auto it = consequence.find(a.zone);
    const Consequence c = it != consequence.end() ? it->second : StaticZoneConsequence(a.zone);
    placements_[a.id] = ZonePlacement{a.zone, c, ZoneSource::kFile};
  }
}

std::optional<ZonePlacement> FileZoneResolver::Lookup(std::string_view asset_id) const {
  auto it = placements_.find(std::string(asset_id));
  if (it == placements_.end()) return std::nullopt;
  return it->second;
}

}  // namespace ctem::graph
