// A ZoneResolver for unit tests: answers from placements the test sets, with no I/O.
// Stands in for the graph where a test checks the scoring rules, not the graph itself
// (tests/integration/graph talks to a real Neo4j).
//
// Thread-safety: Place before use; Lookup may then be called from many threads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/zone_resolver.h"

namespace ctem::testing {

class FakeZoneResolver final : public ZoneResolver {
 public:
  void Place(const std::string& asset, std::string zone, Consequence c,
             ZoneSource source = ZoneSource::kGraph) {
    placements_[asset] = ZonePlacement{std::move(zone), c, source};
  }
  std::optional<ZonePlacement> Lookup(std::string_view asset_id) const override {
    auto it = placements_.find(std::string(asset_id));
    if (it == placements_.end()) return std::nullopt;
    return it->second;
  }
  std::string_view Kind() const override { return "fake"; }

 private:
  std::map<std::string, ZonePlacement> placements_;
};

}  // namespace ctem::testing
