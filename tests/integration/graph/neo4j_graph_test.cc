// The zone graph against a real Neo4j 5.26 (scripts/servers/neo4j.sh): loading is idempotent
// and moves assets, lookups are batched and cached, an unknown consequence class is refused,
// and a Wiz MEDIUM finding on an asset the graph places in Zone0_PhysicalProcess is stored
// CRITICAL with consequence safety_life — and rescored when the asset moves.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/time.h"
#include "graph/neo4j_graph_loader.h"
#include "graph/neo4j_zone_resolver.h"
#include "store/store.h"
#include "support/neo4j.h"
#include "support/run_ctem.h"
#include "support/temp_dir.h"

namespace ctem::graph {
namespace {

using namespace std::chrono_literals;
using ctem::testing::Neo4jAuth;
using ctem::testing::Neo4jUri;
using ctem::testing::UniqueNeo4jName;

Neo4jEndpoint TestEndpoint() {
  auto ep = ParseNeo4jEndpoint(Neo4jUri(), Neo4jAuth());
  EXPECT_TRUE(ep) << ep.error().message;
  ep->timeout = 30s;
  return *ep;
}

std::unique_ptr<Neo4jZoneResolver> TestResolver(const Clock& clock, Neo4jResolverOptions o = {}) {
  return std::make_unique<Neo4jZoneResolver>(std::make_unique<Neo4jHttpClient>(TestEndpoint()), clock, o);
}

TEST(Neo4jGraph, LoadIsIdempotentAndMovesAssets) {
  CTEM_REQUIRE_NEO4J();
  Neo4jHttpClient client(TestEndpoint());
  const std::string plc = UniqueNeo4jName("plc");
  const std::string vm = UniqueNeo4jName("vm");
  ZoneGraph g;
  g.zones = {{"Zone0_PhysicalProcess", Consequence::kSafetyLife},
             {"Zone3_Enterprise", Consequence::kDataLoss}};
  g.assets = {{plc, "Zone0_PhysicalProcess", "PLC"}, {vm, "Zone3_Enterprise", ""}};
  for (int i = 0; i < 2; ++i) {
    auto s = LoadGraphIntoNeo4j(client, g);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->assets, 2u);
    EXPECT_EQ(s->moved, 0u);
  }
  // Loading twice made one node and one edge per asset.
  auto count = client.Run(
      {"MATCH (a:Asset)-[r:RESIDES_IN]->(:Zone) WHERE a.id IN $ids RETURN count(r)", {{"ids", {plc, vm}}}});
  ASSERT_TRUE(count) << count.error().message;
  EXPECT_EQ(count->rows.at(0).at(0).get<int>(), 2);

  g.assets[0].zone = "Zone3_Enterprise";
  auto moved = LoadGraphIntoNeo4j(client, g);
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->moved, 1u);
  ManualClock clock(ParseTimestamp("2026-11-23T07:00:00Z").value());
  auto r = TestResolver(clock);
  auto p = r->Lookup(plc);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->zone, "Zone3_Enterprise");
  EXPECT_EQ(p->consequence, Consequence::kDataLoss);
  EXPECT_EQ(p->source, ZoneSource::kGraph);
}

TEST(Neo4jGraph, LookupsAreBatchedAndCachedForTheirTtl) {
  CTEM_REQUIRE_NEO4J();
  Neo4jHttpClient client(TestEndpoint());
  const std::string prefix = UniqueNeo4jName("batch");
  ZoneGraph g;
  g.zones = {{"Zone1_EdgeInference", Consequence::kEquipment}};
  std::vector<std::string> ids;
  for (int i = 0; i < 1500; ++i) {
    ids.push_back(prefix + "-" + std::to_string(i));
    g.assets.push_back({ids.back(), "Zone1_EdgeInference", ""});
  }
  ASSERT_TRUE(LoadGraphIntoNeo4j(client, g));
  for (int i = 0; i < 10; ++i) ids.push_back(prefix + "-absent-" + std::to_string(i));

  ManualClock clock(ParseTimestamp("2026-11-23T07:00:00Z").value());
  Neo4jResolverOptions o;
  o.cache_ttl = 60s;
  o.max_batch = 1000;
  auto r = TestResolver(clock, o);
  r->Prefetch(ids);
  EXPECT_EQ(r->Stats().round_trips, 2u);  // 1510 assets in batches of 1000: two UNWIND queries
  EXPECT_EQ(r->Stats().assets_fetched, 1510u);
  for (int i = 0; i < 1500; ++i) {
    auto p = r->Lookup(ids[static_cast<size_t>(i)]);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->zone, "Zone1_EdgeInference");
  }
  EXPECT_FALSE(r->Lookup(prefix + "-absent-3"));  // "not in the graph" is cached too
  auto s = r->Stats();
  EXPECT_EQ(s.round_trips, 2u);
  EXPECT_EQ(s.cache_hits, 1501u);
  // After the TTL the answer is asked for again, one round trip.
  clock.Advance(61s);
  EXPECT_TRUE(r->Lookup(ids[0]));
  EXPECT_EQ(r->Stats().round_trips, 3u);
  EXPECT_EQ(r->Stats().fallbacks, 0u);
}

TEST(Neo4jGraph, UnknownConsequenceClassIsRejectedAndTheStaticMapUsed) {
  CTEM_REQUIRE_NEO4J();
  Neo4jHttpClient client(TestEndpoint());
  const std::string asset = UniqueNeo4jName("odd");
  const std::string zone = UniqueNeo4jName("OddZone");
  auto made =
      client.Run({"MERGE (z:Zone {name: $zone}) SET z.consequence_class = 'catastrophic' "
                  "MERGE (a:Asset {id: $asset}) MERGE (a)-[:RESIDES_IN]->(z)",
                  {{"zone", zone}, {"asset", asset}}});
  ASSERT_TRUE(made) << made.error().message;
  ManualClock clock(ParseTimestamp("2026-11-23T07:00:00Z").value());
  auto r = TestResolver(clock);
  auto p = r->Lookup(asset);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->zone, zone);
  EXPECT_EQ(p->consequence, Consequence::kDataLoss);  // the seed's default for an unknown zone
  EXPECT_EQ(p->source, ZoneSource::kFallback);
  EXPECT_EQ(r->Stats().rejected_consequences, 1u);
}

TEST(Neo4jGraph, WrongPasswordIsAClearFailureAndAFallback) {
  CTEM_REQUIRE_NEO4J();
  auto ep = TestEndpoint();
  ep.password = "wrong-password";
  Neo4jHttpClient client(ep);
  auto r = client.Run({"RETURN 1", {}});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("NEO4J_AUTH"), std::string::npos) << r.error().message;
}

// The issue's scenario through the command line, as an operator would run it.
TEST(Neo4jGraph, WizMediumOnAZone0AssetIsCriticalAndMovingTheAssetRescoresIt) {
  CTEM_REQUIRE_NEO4J();
  ctem::testing::TempDir dir;
  const std::string plc = UniqueNeo4jName("plc-gw");
  auto graph_file = [&](const std::string& zone) {
    std::ofstream(dir.File("graph.yaml"))
        << "zones:\n  - {name: Zone0_PhysicalProcess, consequence_class: safety_life}\n"
        << "assets:\n  - {id: " << plc << ", zone: " << zone << "}\n";
  };
  std::ofstream(dir.File("wiz.json"))
      << R"([{"title":"PLC gateway firmware with known RCE","entityExternalId":")" << plc
      << R"(","entityName":"gateway-corp","entityType":"IoTDevice","severity":"MEDIUM"}])";
  const std::vector<std::string> env = {"NEO4J_AUTH=" + Neo4jAuth()};
  const std::vector<std::string> global = {"--store", "sqlite:ctem.db", "--graph", Neo4jUri()};
  auto run = [&](std::vector<std::string> args) {
    std::vector<std::string> all = global;
    all.insert(all.end(), args.begin(), args.end());
    return ctem::testing::RunCtem(dir, all, env);
  };

  graph_file("Zone0_PhysicalProcess");
  auto load = run({"graph", "load", "graph.yaml"});
  ASSERT_EQ(load.exit_code, 0) << load.err;
  auto show = run({"graph", "show", plc});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  auto shown = nlohmann::json::parse(show.out);
  EXPECT_EQ(shown["zone"], "Zone0_PhysicalProcess");
  EXPECT_EQ(shown["source"], "graph");

  auto first = run({"ingest", "--source", "wiz", "wiz.json"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto store = store::OpenStore("sqlite:" + dir.File("ctem.db")).value();
  auto rows = store->ListExposures(store::ExposureFilter{}).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].exposure.severity, Severity::kCritical);  // medium x safety_life
  EXPECT_EQ(rows[0].exposure.physical_consequence, Consequence::kSafetyLife);
  EXPECT_EQ(rows[0].exposure.asset_zone, "Zone0_PhysicalProcess");
  EXPECT_EQ(rows[0].exposure.zone_source, ZoneSource::kGraph);

  // The asset moves to the enterprise zone; a rescan stores the new zone and severity
  // (erratum 9: every tool-derived field is refreshed).
  graph_file("Zone3_Enterprise");
  auto moved = run({"graph", "load", "graph.yaml"});
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  EXPECT_EQ(nlohmann::json::parse(moved.out)["moved"], 1);
  auto second = run({"ingest", "--source", "wiz", "wiz.json"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  rows = store->ListExposures(store::ExposureFilter{}).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].exposure.asset_zone, "Zone3_Enterprise");
  EXPECT_EQ(rows[0].exposure.physical_consequence, Consequence::kDataLoss);
  EXPECT_EQ(rows[0].exposure.severity, Severity::kLow);  // medium x data_loss
}

}  // namespace
}  // namespace ctem::graph
