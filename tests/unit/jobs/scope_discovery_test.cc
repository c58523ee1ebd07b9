// Scope discovery: the asset inventory (every asset type, first and last seen, zones from the
// graph when there is one) and the SCOPE-002 new-asset alerts, once per appearance, whether
// discovery runs weekly or daily. Both backends.
#include "jobs/scope_discovery.h"

#include <gtest/gtest.h>

#include <set>

#include "jobs_fixture.h"
#include "support/fake_zone_resolver.h"

namespace ctem::jobs {
namespace {

using testing::JobsTest;
using testing::WeekStart;

class ScopeDiscoveryTest : public JobsTest {
 protected:
  Timestamp At(int hour) const { return WeekStart() + hours(hour); }

  void Edge(const std::string& node, int hour, const std::string& tenant = "default") {
    ExecAs(tenant,
           "INSERT INTO edge_node_telemetry (ts, edge_node_id, cpu_utilisation, model_weight_hash, tenant_id) "
           "VALUES (?, ?, 50, 'h1', ?)",
           {FormatTimestamp(At(hour)), node, tenant});
  }
  void Telemetry(const std::string& table, const std::string& id_column, const std::string& id, int hour,
                 const std::string& tenant = "default") {
    ExecAs(tenant, "INSERT INTO " + table + " (ts, " + id_column + ", tenant_id) VALUES (?, ?, ?)",
           {FormatTimestamp(At(hour)), id, tenant});
  }

  // Telemetry of the scripted week (and the 60 days before it).
  void Script() {
    for (int day = -60; day <= 7; ++day) {
      Edge("edge-node-01", day * 24 + 1);  // always there
      Telemetry("opcua_telemetry", "edge_node_id", "edge-node-01", day * 24 + 2);
    }
    for (int day = -2; day <= 7; ++day) Telemetry("partner_api_logs", "partner_id", "acme", day * 24 + 3);
    for (int h = 50; h <= 7 * 24; h += 24) Edge("edge-node-02", h);  // appears on Wednesday
    Telemetry("model_registry", "model_name", "m1", 100);
    Telemetry("cicd_audit", "pipeline_id", "pipeline-other", 20, "other");
  }

  // (alert title, first_seen) of what a run emitted.
  static std::vector<std::pair<std::string, std::string>> Alerts(const JobReport& r) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& a : r.emitted) out.emplace_back(a["title"], a["first_seen"]);
    return out;
  }
};

TEST_P(ScopeDiscoveryTest, WeeklyRunsKeepTheInventoryAndAlertNewAssetsOnce) {
  Script();
  ScopeDiscovery discovery(*store_, clock_);
  clock_.Set(At(0));
  auto monday = discovery.RunOnce();
  ASSERT_TRUE(monday.has_value()) << monday.error().message;
  EXPECT_EQ(Alerts(*monday),
            (std::vector<std::pair<std::string, std::string>>{
                {"CTEM SCOPE: New PartnerIntegration detected \u2014 acme", "2026-11-21T03:00:00.000Z"}}));
  clock_.Set(At(7 * 24 + 6));  // next Monday 06:00
  auto next = discovery.RunOnce();
  ASSERT_TRUE(next.has_value()) << next.error().message;
  std::set<std::string> titles;
  for (const auto& a : next->emitted) titles.insert(a["title"]);
  EXPECT_EQ(titles, (std::set<std::string>{"CTEM SCOPE: New EdgeInferenceNode detected \u2014 edge-node-02",
                                           "CTEM SCOPE: New MLModel detected \u2014 m1",
                                           "CTEM SCOPE: New CICDPipeline detected \u2014 pipeline-other"}));
  for (const auto& a : next->emitted) {
    EXPECT_EQ(a["alert_type"], "NEW_ASSET");
    EXPECT_EQ(a["rule"], "CTEM-SCOPE-002");
    EXPECT_EQ(a["severity"], "MEDIUM");
    EXPECT_EQ(a["alert_severity"], "Medium");
    EXPECT_EQ(a["ctem_phase"], "Scope");
    EXPECT_TRUE(a["exposure_key"].is_null());
    EXPECT_TRUE(a.contains("asset_zone"));
  }
  // The inventory: every asset type, first seen at its earliest row, last seen moved forward.
  const auto rows = QueryEveryTenant(
      "SELECT tenant_id, asset_type, asset_id, asset_zone, first_seen, last_seen FROM ctem_assets "
      "ORDER BY tenant_id, asset_type, asset_id");
  std::vector<std::vector<std::string>> inventory;
  for (const auto& r : rows) {
    inventory.push_back({store::AsText(r[0]), store::AsText(r[1]), store::AsText(r[2]), store::AsText(r[3]),
                         FormatTimestamp(*store::AsTimestamp(r[4])),
                         FormatTimestamp(*store::AsTimestamp(r[5]))});
  }
  const std::vector<std::vector<std::string>> expected = {
      {"default", "EdgeInferenceNode", "edge-node-01", "Zone1_EdgeInference", "2026-09-24T01:00:00.000Z",
       "2026-11-30T01:00:00.000Z"},
      {"default", "EdgeInferenceNode", "edge-node-02", "Zone1_EdgeInference", "2026-11-25T02:00:00.000Z",
       "2026-11-29T02:00:00.000Z"},
      {"default", "MLModel", "m1", "Zone3_Enterprise", "2026-11-27T04:00:00.000Z",
       "2026-11-27T04:00:00.000Z"},
      {"default", "OPCUASensorFeed", "opcua-edge-node-01", "Zone0_PhysicalProcess",
       "2026-09-24T02:00:00.000Z", "2026-11-30T02:00:00.000Z"},
      {"default", "PartnerIntegration", "acme", "Zone4_External", "2026-11-21T03:00:00.000Z",
       "2026-11-30T03:00:00.000Z"},
      {"other", "CICDPipeline", "pipeline-other", "Zone3_Enterprise", "2026-11-23T20:00:00.000Z",
       "2026-11-23T20:00:00.000Z"},
  };
  EXPECT_EQ(inventory, expected);
  EXPECT_EQ(Outbox("NEW_ASSET").size(), 4u);
}

TEST_P(ScopeDiscoveryTest, DailyRunsAlertEachAppearanceOnce) {
  Script();
  ScopeDiscovery discovery(*store_, clock_);
  std::multiset<std::string> titles;
  for (int day = 0; day <= 8; ++day) {
    clock_.Set(At(day * 24 + 6));
    auto r = discovery.RunOnce();
    ASSERT_TRUE(r.has_value()) << r.error().message;
    for (const auto& a : r->emitted) titles.insert(a["title"]);
  }
  EXPECT_EQ(titles,
            (std::multiset<std::string>{"CTEM SCOPE: New PartnerIntegration detected \u2014 acme",
                                        "CTEM SCOPE: New EdgeInferenceNode detected \u2014 edge-node-02",
                                        "CTEM SCOPE: New MLModel detected \u2014 m1",
                                        "CTEM SCOPE: New CICDPipeline detected \u2014 pipeline-other"}));
}

TEST_P(ScopeDiscoveryTest, AnAssetBackAfterAMonthIsNewAgain) {
  Edge("edge-node-09", -80 * 24);
  Edge("edge-node-09", -1);
  ScopeDiscovery discovery(*store_, clock_);
  clock_.Set(At(0));
  auto first = discovery.RunOnce();
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->emitted.size(), 1u);
  EXPECT_EQ(first->emitted[0]["first_seen"], "2026-11-22T23:00:00.000Z");
  // Its inventory first_seen is the earliest row ever, not the new appearance.
  const auto rows = Query("SELECT first_seen FROM ctem_assets WHERE asset_id = 'edge-node-09'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(FormatTimestamp(*store::AsTimestamp(rows[0][0])), "2026-09-04T00:00:00.000Z");
}

TEST_P(ScopeDiscoveryTest, ZonesComeFromTheGraphInOneBatch) {
  Edge("edge-node-01", -1);
  ctem::testing::FakeZoneResolver graph;
  graph.Place("edge-node-01", "Zone2_Operations", Consequence::kEquipment);
  ScopeDiscovery discovery(*store_, clock_, &graph);
  auto r = discovery.RunOnce();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const auto rows = Query("SELECT asset_zone, zone_source FROM ctem_assets WHERE asset_id = 'edge-node-01'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(store::AsText(rows[0][0]), "Zone2_Operations");
  EXPECT_EQ(store::AsText(rows[0][1]), "graph");
  ASSERT_EQ(r->emitted.size(), 1u);
  EXPECT_EQ(r->emitted[0]["asset_zone"], "Zone2_Operations");
}

INSTANTIATE_TEST_SUITE_P(Backends, ScopeDiscoveryTest, ::testing::Values("sqlite", "postgres"),
                         testing::BackendName);

}  // namespace
}  // namespace ctem::jobs
