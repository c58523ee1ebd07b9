#include "graph/open_zone_resolver.h"

#include "graph/file_zone_resolver.h"
#include "graph/static_zone_resolver.h"

namespace ctem::graph {

bool IsNeo4jSpec(std::string_view spec) {
  return spec.starts_with("neo4j://") || spec.starts_with("http://");
}

Result<std::unique_ptr<ZoneResolver>> OpenZoneResolver(std::string_view spec, std::string_view neo4j_auth,
                                                       const Clock& clock, Neo4jResolverOptions options,
                                                       std::chrono::milliseconds neo4j_timeout) {
  if (spec.empty() || spec == "static")
    return std::unique_ptr<ZoneResolver>(std::make_unique<StaticZoneResolver>());
  if (IsNeo4jSpec(spec)) {
    auto endpoint = ParseNeo4jEndpoint(spec, neo4j_auth);
    if (!endpoint) return Fail(endpoint.error());
    endpoint->timeout = neo4j_timeout;
    return std::unique_ptr<ZoneResolver>(
        std::make_unique<Neo4jZoneResolver>(std::make_unique<Neo4jHttpClient>(*endpoint), clock, options));
  }
  std::string_view path = spec;
  if (path.starts_with("file:")) {
    path.remove_prefix(5);
  } else if (!(path.ends_with(".yaml") || path.ends_with(".yml") || path.ends_with(".json"))) {
    return Fail(Error::InvalidArgument("unknown zone graph '" + std::string(spec) +
                                       "' (expected static, file:PATH, or neo4j://HOST:7474)"));
  }
  auto graph = LoadZoneGraphFile(std::string(path));
  if (!graph) return Fail(graph.error());
  return std::unique_ptr<ZoneResolver>(std::make_unique<FileZoneResolver>(*graph));
}

}  // namespace ctem::graph
