// Picks the zone resolver named by `--graph` / CTEM_GRAPH / NEO4J_URI (DESIGN.md):
//   "static" (default)                 the seed's fallback map only
//   "file:PATH" or a .yaml/.yml/.json  an asset graph file (zone_graph.h)
//   "neo4j://HOST:7474", "http://..."  Neo4j's HTTP API, auth from NEO4J_AUTH ("user/password")
//
// Thread-safety: functions; the resolvers they return are safe for concurrent use.
#pragma once

#include <memory>
#include <string_view>

#include "core/error.h"
#include "core/time.h"
#include "core/zone_resolver.h"
#include "graph/neo4j_zone_resolver.h"

namespace ctem::graph {

// True when `spec` names a Neo4j graph.
bool IsNeo4jSpec(std::string_view spec);

// Opens the resolver. A Neo4j resolver is returned even when the server is down (it falls
// back per lookup); a missing or malformed graph file is an error.
Result<std::unique_ptr<ZoneResolver>> OpenZoneResolver(
    std::string_view spec, std::string_view neo4j_auth, const Clock& clock, Neo4jResolverOptions options = {},
    std::chrono::milliseconds neo4j_timeout = std::chrono::seconds(2));

}  // namespace ctem::graph
