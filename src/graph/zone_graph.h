// The asset/zone graph as a document: zones with their consequence classes, and assets with
// the zone they reside in. It is what a user maintains in a file (the embedded default's
// `--graph file:PATH`) and what `ctem graph load` writes into Neo4j.
//
// The file is YAML (JSON, being YAML, works too):
//
//   zones:
//     - name: Zone0_PhysicalProcess
//       consequence_class: safety_life
//   assets:
//     - id: plc-line-3
//       zone: Zone0_PhysicalProcess
//       type: PLC            # optional
//
// A zone an asset names but the file does not list takes the seed's static consequence when
// it is one of the five standard zones; any other zone must be listed. An unknown
// consequence class, a duplicate asset or zone, or a zone listed twice with two classes is an
// error naming the line (erratum 13: never a silent default).
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/model.h"

namespace ctem::graph {

struct ZoneNode {
  std::string name;
  Consequence consequence = Consequence::kDataLoss;
};

struct AssetNode {
  std::string id;
  std::string zone;
  std::string type;  // optional, e.g. "PLC"
};

struct ZoneGraph {
  std::vector<ZoneNode> zones;    // every zone an asset names, listed or standard
  std::vector<AssetNode> assets;  // in file order, ids unique
};

// Parses a graph document; `name` labels errors ("plant.yaml: line 7: ...").
Result<ZoneGraph> ParseZoneGraph(std::string_view text, std::string_view name);
// Reads and parses a graph file.
Result<ZoneGraph> LoadZoneGraphFile(const std::string& path);

}  // namespace ctem::graph
