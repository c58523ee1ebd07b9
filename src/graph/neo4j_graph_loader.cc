#include "graph/neo4j_graph_loader.h"

#include <algorithm>

namespace ctem::graph {
namespace {

// Assets per UNWIND statement: big enough to amortise the round trip, small enough that one
// statement's parameters stay well under the server's request limits.
constexpr size_t kAssetsPerStatement = 5000;

}  // namespace

Result<GraphLoadSummary> LoadGraphIntoNeo4j(Neo4jHttpClient& client, const ZoneGraph& graph) {
  // Schema changes cannot share a transaction with writes, so they go first, on their own.
  const CypherStatement schema[] = {
      {"CREATE CONSTRAINT ctem_asset_id IF NOT EXISTS FOR (a:Asset) REQUIRE a.id IS UNIQUE", {}},
      {"CREATE CONSTRAINT ctem_zone_name IF NOT EXISTS FOR (z:Zone) REQUIRE z.name IS UNIQUE", {}},
  };
  for (const auto& s : schema) {
    if (auto r = client.Run(s); !r) return Fail(r.error());
  }

  std::vector<CypherStatement> tx;
  nlohmann::json zones = nlohmann::json::array();
  for (const ZoneNode& z : graph.zones) {
    zones.push_back({{"name", z.name}, {"consequence_class", std::string(ConsequenceName(z.consequence))}});
  }
  tx.push_back(
      {"UNWIND $zones AS z MERGE (n:Zone {name: z.name}) SET n.consequence_class = z.consequence_class",
       {{"zones", zones}}});
  for (size_t begin = 0; begin < graph.assets.size(); begin += kAssetsPerStatement) {
    const size_t end = std::min(graph.assets.size(), begin + kAssetsPerStatement);
    nlohmann::json assets = nlohmann::json::array();
    for (size_t i = begin; i < end; ++i) {
      const AssetNode& a = graph.assets[i];
      assets.push_back({{"id", a.id}, {"zone", a.zone}, {"type", a.type}});
    }
    // Moved assets first lose the edge to their old zone; the count is reported.
    tx.push_back(
        {"UNWIND $assets AS a MATCH (x:Asset {id: a.id})-[old:RESIDES_IN]->(z:Zone) "
         "WHERE z.name <> a.zone DELETE old RETURN count(DISTINCT x)",
         {{"assets", assets}}});
    tx.push_back(
        {"UNWIND $assets AS a MERGE (x:Asset {id: a.id}) "
         "SET x.type = CASE WHEN a.type = '' THEN x.type ELSE a.type END "
         "WITH x, a MATCH (z:Zone {name: a.zone}) MERGE (x)-[:RESIDES_IN]->(z)",
         {{"assets", std::move(assets)}}});
  }
  auto results = client.Run(tx);
  if (!results) return Fail(results.error());
  GraphLoadSummary summary{graph.zones.size(), graph.assets.size(), 0};
  for (size_t i = 1; i < results->size(); i += 2) {
    const auto& r = (*results)[i];
    if (!r.rows.empty() && !r.rows[0].empty() && r.rows[0][0].is_number_integer()) {
      summary.moved += r.rows[0][0].get<size_t>();
    }
  }
  return summary;
}

}  // namespace ctem::graph
