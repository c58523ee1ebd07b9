// Neo4j stopped mid-stream: `ctem serve --graph neo4j://...` keeps ingesting on the static
// fallback, loses no finding, and shows the fallbacks in /metrics. The test stops the real
// test server (scripts/servers/neo4j.sh stop) and starts it again afterwards, so CTest runs
// it alone (RUN_SERIAL).
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "store/store.h"
#include "support/neo4j.h"
#include "support/process.h"
#include "support/run_ctem.h"
#include "support/temp_dir.h"
#include "support/tokens.h"

namespace ctem {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

int Neo4jServer(const std::string& verb) {
  const std::string cmd = std::string(CTEM_SOURCE_DIR) + "/scripts/servers/neo4j.sh " + verb + " >&2";
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Starts Neo4j again however the test ends.
struct RestartNeo4jAtEnd {
  ~RestartNeo4jAtEnd() { EXPECT_EQ(Neo4jServer("start"), 0) << "could not restart the Neo4j test server"; }
};

json Findings(const std::string& prefix, int from, int to) {
  json f = json::array();
  for (int i = from; i < to; ++i) {
    f.push_back({{"title", "Firmware RCE " + std::to_string(i)},
                 {"entityExternalId", prefix + "-" + std::to_string(i)},
                 {"entityName", "gateway-corp"},
                 {"entityType", "IoTDevice"},
                 {"severity", "MEDIUM"}});
  }
  return json{{"source_tool", "wiz"}, {"findings", f}};
}

size_t WaitForExposures(store::Store& s, size_t n) {
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (s.CountExposures("default").value_or(0) >= n) break;
    std::this_thread::sleep_for(200ms);
  }
  return s.CountExposures("default").value_or(0);
}

uint64_t Metric(const std::string& text, const std::string& name) {
  const auto at = text.find("\n" + name);
  if (at == std::string::npos) return 0;
  const auto space = text.find(' ', at + 1);
  return std::strtoull(text.c_str() + space + 1, nullptr, 10);
}

TEST(Neo4jOutage, ServeKeepsIngestingOnTheFallbackWhenNeo4jStopsMidStream) {
  CTEM_REQUIRE_NEO4J();
  testing::TempDir dir;
  const std::string prefix = testing::UniqueNeo4jName("plc-outage");
  {
    std::ofstream g(dir.File("graph.yaml"));
    g << "assets:\n";
    for (int i = 0; i < 100; ++i)
      g << "  - {id: " << prefix << "-" << i << ", zone: Zone0_PhysicalProcess}\n";
  }
  const std::vector<std::string> env = {"NEO4J_AUTH=" + testing::Neo4jAuth()};
  auto load = testing::RunCtem(dir, {"--graph", testing::Neo4jUri(), "graph", "load", "graph.yaml"}, env);
  ASSERT_EQ(load.exit_code, 0) << load.err;

  setenv("NEO4J_AUTH", testing::Neo4jAuth().c_str(), 1);
  // Generous: a loaded CI machine must not turn the first, healthy phase into fallbacks; once
  // Neo4j is stopped its port refuses at once, so the timeout does not slow the outage phase.
  setenv("CTEM_GRAPH_TIMEOUT_MS", "10000", 1);
  const std::string token = testing::CreateToken(dir, "sqlite:ctem.db", "default", "admin");
  testing::ServiceProcess serve;
  const std::string line = serve.Start(CTEM_BINARY,
                                       {"--store", "sqlite:ctem.db", "--graph", testing::Neo4jUri(), "serve",
                                        "--host", "127.0.0.1", "--port", "0", "--linger-ms", "5"},
                                       dir.path().string(), dir.File("serve.log"));
  const int port = testing::ListeningPort(line);
  ASSERT_GT(port, 0) << testing::Slurp(dir.File("serve.log"));
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(30, 0);
  client.set_bearer_token_auth(token);
  auto store = store::OpenStore("sqlite:" + dir.File("ctem.db")).value();

  // Half the findings while the graph answers.
  auto first = client.Post("/api/ctem/ingest", Findings(prefix, 0, 50).dump(), "application/json");
  ASSERT_TRUE(first && first->status == 202);
  ASSERT_EQ(WaitForExposures(*store, 50), 50u);

  RestartNeo4jAtEnd restart;
  ASSERT_EQ(Neo4jServer("stop"), 0);
  // The other half, in several requests, with Neo4j gone.
  size_t accepted = 0;
  for (int from = 50; from < 100; from += 10) {
    auto res = client.Post("/api/ctem/ingest", Findings(prefix, from, from + 10).dump(), "application/json");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 202) << res->body;
    accepted += json::parse(res->body)["accepted"].get<size_t>();
  }
  EXPECT_EQ(accepted, 50u);
  EXPECT_EQ(WaitForExposures(*store, 100), 100u);  // nothing lost

  std::map<std::string, int> by_source;
  const auto stored = store->ListExposures(store::ExposureFilter{}).value();
  for (const auto& e : stored) {
    by_source[std::string(ZoneSourceName(e.exposure.zone_source))]++;
    if (e.exposure.zone_source == ZoneSource::kGraph) {
      EXPECT_EQ(e.exposure.severity, Severity::kCritical);
    } else {
      EXPECT_EQ(e.exposure.zone_source, ZoneSource::kFallback);
      EXPECT_EQ(e.exposure.asset_zone, "Zone3_Enterprise");  // the seed's name rules
    }
  }
  EXPECT_EQ(by_source["graph"], 50) << testing::Slurp(dir.File("serve.log"));
  EXPECT_EQ(by_source["fallback"], 50);

  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics && metrics->status == 200);
  EXPECT_EQ(Metric(metrics->body, "ctem_zone_fallbacks_total{graph=\"neo4j\"}"), 50u) << metrics->body;
  EXPECT_EQ(Metric(metrics->body, "ctem_zone_graph_outages_total{graph=\"neo4j\"}"), 1u);
  EXPECT_GE(Metric(metrics->body, "ctem_zone_graph_failed_queries_total{graph=\"neo4j\"}"), 1u);
  EXPECT_EQ(serve.Stop(), 0);

  // The outage was logged once, not once per finding.
  const std::string log = testing::Slurp(dir.File("serve.log"));
  size_t warnings = 0;
  for (size_t at = log.find("scoring on the static fallback"); at != std::string::npos;
       at = log.find("scoring on the static fallback", at + 1)) {
    ++warnings;
  }
  EXPECT_EQ(warnings, 1u) << log;
  unsetenv("NEO4J_AUTH");
  unsetenv("CTEM_GRAPH_TIMEOUT_MS");
}

}  // namespace
}  // namespace ctem
