// Writes an asset/zone graph (zone_graph.h) into Neo4j, idempotently: zones and assets are
// MERGEd on their names, an asset that moved loses its old RESIDES_IN edge, and loading the
// same file twice changes nothing. Uniqueness constraints on Asset.id and Zone.name are
// created first (they also index the resolver's lookups).
//
// Thread-safety: a function; the client serialises its calls.
#pragma once

#include <cstddef>

#include "core/error.h"
#include "graph/neo4j_http.h"
#include "graph/zone_graph.h"

namespace ctem::graph {

struct GraphLoadSummary {
  size_t zones = 0;
  size_t assets = 0;
  size_t moved = 0;  // assets whose zone changed
};

Result<GraphLoadSummary> LoadGraphIntoNeo4j(Neo4jHttpClient& client, const ZoneGraph& graph);

}  // namespace ctem::graph
