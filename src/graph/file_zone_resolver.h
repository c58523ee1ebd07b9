// FileZoneResolver: asset placements from a graph file the user maintains (zone_graph.h), for
// the embedded default where no Neo4j runs. Assets the file does not list get no opinion, so
// their findings keep the parser's rule zone and the static consequence.
//
// Thread-safety: immutable after construction; safe for concurrent use.
#pragma once

#include <string>
#include <unordered_map>

#include "core/zone_resolver.h"
#include "graph/zone_graph.h"

namespace ctem::graph {

class FileZoneResolver final : public ZoneResolver {
 public:
  explicit FileZoneResolver(const ZoneGraph& graph);

  std::optional<ZonePlacement> Lookup(std::string_view asset_id) const override;
  std::string_view Kind() const override { return "file"; }

  size_t size() const { return placements_.size(); }

 private:
  std::unordered_map<std::string, ZonePlacement> placements_;
};

}  // namespace ctem::graph
