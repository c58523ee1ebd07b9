// End to end through the `ctem` binary: ingest, re-ingest, Verified kept, bad input.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "support/run_ctem.h"

namespace ctem {
namespace {

using nlohmann::json;
using testing::RunCtem;
using testing::TempDir;

std::string Data(const std::string& name) { return std::string(CTEM_TESTDATA_DIR) + "/seed/" + name; }

json Summary(const testing::CommandResult& r) {
  EXPECT_FALSE(r.out.empty()) << r.err;
  return json::parse(r.out);
}

TEST(IngestCli, ReingestUpdatesAndVerifiedStaysVerified) {
  TempDir dir;
  const std::string store = "--store=sqlite:" + dir.File("ctem.db");
  auto first = RunCtem(dir, {store, "ingest", "--source", "wiz", Data("wiz_findings.json")});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  json s1 = Summary(first);
  EXPECT_EQ(s1["received"], 3);
  EXPECT_EQ(s1["inserted"], 3);
  EXPECT_EQ(s1["updated"], 0);
  EXPECT_EQ(s1["rejected"], 0);

  auto second = RunCtem(dir, {store, "ingest", "--source", "wiz", Data("wiz_findings.json")});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  json s2 = Summary(second);
  EXPECT_EQ(s2["inserted"], 0);
  EXPECT_EQ(s2["updated"], 3);

  auto list = RunCtem(dir, {store, "exposures", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  json rows = json::parse(list.out);
  ASSERT_EQ(rows.size(), 3u);  // row count unchanged by the second ingest
  // JSON keys are the seed's column names.
  for (const char* column : {"exposure_key", "ts", "source_tool", "title", "description", "severity",
                             "original_severity", "asset_id", "asset_type", "asset_zone", "exploitability_score",
                             "physical_consequence", "ctem_score", "atlas_technique", "attack_technique",
                             "threat_model_ref", "status", "assigned_to", "sla_deadline", "remediation_guidance",
                             "evidence_url", "tenant_id", "created_at", "updated_at"}) {
    EXPECT_TRUE(rows[0].contains(column)) << column;
  }
  // Seed values: the Zone0-tagged MEDIUM Wiz finding is CRITICAL/safety_life, sorted first.
  EXPECT_EQ(rows[0]["exposure_key"], "748f4dbc24a33e26");
  EXPECT_EQ(rows[0]["severity"], "CRITICAL");
  EXPECT_EQ(rows[0]["physical_consequence"], "safety_life");

  {
    SQLite::Database db(dir.File("ctem.db"), SQLite::OPEN_READWRITE);
    db.exec("UPDATE ctem_exposures SET status = 'Verified' WHERE exposure_key = 'e7158411950b9761'");
  }
  auto third = RunCtem(dir, {store, "ingest", "--source", "wiz", Data("wiz_findings.json")});
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_EQ(Summary(third)["regressions"], 1);
  auto verified = RunCtem(dir, {store, "exposures", "list", "--status", "Verified"});
  json vrows = json::parse(verified.out);
  ASSERT_EQ(vrows.size(), 1u);
  EXPECT_EQ(vrows[0]["exposure_key"], "e7158411950b9761");
  EXPECT_EQ(vrows[0]["redetection_count"], 1);
}

TEST(IngestCli, BadRecordsAreNamedAndValidOnesStored) {
  TempDir dir;
  const std::string store = "--store=sqlite:" + dir.File("ctem.db");
  const std::string file = Data("wiz_with_bad_records.json");
  auto r = RunCtem(dir, {store, "ingest", "--source", "wiz", file});
  EXPECT_EQ(r.exit_code, 1);  // something was rejected
  json s = Summary(r);
  EXPECT_EQ(s["received"], 5);
  EXPECT_EQ(s["inserted"], 2);
  EXPECT_EQ(s["rejected"], 3);
  ASSERT_EQ(s["errors"].size(), 3u);
  EXPECT_EQ(s["errors"][0]["file"], file);
  EXPECT_EQ(s["errors"][0]["record"], 1);
  EXPECT_EQ(s["errors"][0]["field"], "entityExternalId");
  EXPECT_EQ(s["errors"][1]["record"], 2);
  EXPECT_EQ(s["errors"][1]["field"], "severity");
  EXPECT_EQ(s["errors"][2]["record"], 3);
  auto list = RunCtem(dir, {store, "exposures", "list"});
  EXPECT_EQ(json::parse(list.out).size(), 2u);
}

// Snyk's project_snapshot webhook lists removedIssues: the exposures they name are marked no
// longer seen (issue 5). The snapshot is tests/data/snyk/project_snapshot_xmlsec_removed.json,
// built from the real samples: it removes the one vulnerability of
// samples/snyk/single_project_one_vuln.json (xmlsec, key 21a0c1adc21b1b3c), removes a
// jackson-databind issue that was never ingested, and adds jcommander (e1cc4290bdeed4fc).
TEST(IngestCli, SnykRemovedIssuesMarkExposuresNoLongerSeen) {
  TempDir dir;
  const std::string db = dir.File("ctem.db");
  const std::string store = "--store=sqlite:" + db;
  const std::string scan = std::string(CTEM_SAMPLES_DIR) + "/snyk/single_project_one_vuln.json";
  const std::string snapshot = std::string(CTEM_TESTDATA_DIR) + "/snyk/project_snapshot_xmlsec_removed.json";
  auto exposures = [&]() {
    std::map<std::string, json> by_key;
    auto list = RunCtem(dir, {store, "exposures", "list"});
    EXPECT_EQ(list.exit_code, 0) << list.err;
    for (const auto& row : json::parse(list.out)) by_key[row["exposure_key"].get<std::string>()] = row;
    return by_key;
  };
  auto column = [&](const std::string& key) {
    SQLite::Database d(db, SQLite::OPEN_READONLY);
    SQLite::Statement q(d, "SELECT no_longer_seen_at FROM ctem_exposures WHERE exposure_key = ?");
    q.bind(1, key);
    EXPECT_TRUE(q.executeStep()) << key;
    return q.getColumn(0).isNull() ? std::string("NULL") : q.getColumn(0).getString();
  };

  auto first = RunCtem(dir, {store, "--now", "2026-11-20T08:00:00Z", "ingest", "--source", "snyk", scan});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_EQ(Summary(first)["inserted"], 1);
  EXPECT_EQ(Summary(first)["no_longer_seen"], 0);
  EXPECT_EQ(column("21a0c1adc21b1b3c"), "NULL");

  auto removed =
      RunCtem(dir, {store, "--now", "2026-11-22T09:15:00Z", "ingest", "--source", "snyk", snapshot});
  ASSERT_EQ(removed.exit_code, 0) << removed.out << removed.err;
  const json s = Summary(removed);
  EXPECT_EQ(s["received"], 1);  // newIssues only; removed issues are not records
  EXPECT_EQ(s["inserted"], 1);
  EXPECT_EQ(s["rejected"], 0);
  EXPECT_EQ(s["no_longer_seen"], 1);  // the jackson-databind issue has no row
  EXPECT_EQ(column("21a0c1adc21b1b3c"), "2026-11-22T09:15:00.000Z");
  EXPECT_EQ(column("e1cc4290bdeed4fc"), "NULL");
  auto rows = exposures();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows["21a0c1adc21b1b3c"]["no_longer_seen_at"], "2026-11-22T09:15:00.000Z");
  EXPECT_EQ(rows["21a0c1adc21b1b3c"]["status"], "Open");  // reported gone is not verified fixed
  EXPECT_TRUE(rows["e1cc4290bdeed4fc"]["no_longer_seen_at"].is_null());

  // The same webhook delivered again: still one row marked, and the first report's time stands.
  auto again = RunCtem(dir, {store, "--now", "2026-11-23T09:15:00Z", "ingest", "--source", "snyk", snapshot});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Summary(again)["inserted"], 0);
  EXPECT_EQ(Summary(again)["no_longer_seen"], 1);
  EXPECT_EQ(column("21a0c1adc21b1b3c"), "2026-11-22T09:15:00.000Z");

  // The next scan reports xmlsec again: it is seen, the mark is cleared.
  auto rescan = RunCtem(dir, {store, "--now", "2026-11-24T08:00:00Z", "ingest", "--source", "snyk", scan});
  ASSERT_EQ(rescan.exit_code, 0) << rescan.err;
  EXPECT_EQ(Summary(rescan)["updated"], 1);
  EXPECT_EQ(column("21a0c1adc21b1b3c"), "NULL");
  EXPECT_TRUE(exposures()["21a0c1adc21b1b3c"]["no_longer_seen_at"].is_null());
}

// The same marks through `ctem --tenant`: another tenant's row with the same key is untouched.
TEST(IngestCli, NoLongerSeenStaysInItsTenant) {
  TempDir dir;
  const std::string db = dir.File("ctem.db");
  const std::string store = "--store=sqlite:" + db;
  const std::string scan = std::string(CTEM_SAMPLES_DIR) + "/snyk/single_project_one_vuln.json";
  const std::string snapshot = std::string(CTEM_TESTDATA_DIR) + "/snyk/project_snapshot_xmlsec_removed.json";
  for (const char* tenant : {"plant-a", "plant-b"}) {
    ASSERT_EQ(RunCtem(dir, {store, "--tenant", tenant, "ingest", "--source", "snyk", scan}).exit_code, 0);
  }
  auto r = RunCtem(dir, {store, "--tenant", "plant-a", "ingest", "--source", "snyk", snapshot});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Summary(r)["no_longer_seen"], 1);
  SQLite::Database d(db, SQLite::OPEN_READONLY);
  SQLite::Statement q(
      d,
      "SELECT tenant_id, no_longer_seen_at IS NOT NULL FROM ctem_exposures WHERE exposure_key = "
      "'21a0c1adc21b1b3c' ORDER BY tenant_id");
  std::vector<std::pair<std::string, int>> got;
  while (q.executeStep()) got.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getInt());
  EXPECT_EQ(got, (std::vector<std::pair<std::string, int>>{{"plant-a", 1}, {"plant-b", 0}}));
}

TEST(IngestCli, MalformedJsonNamesTheFileAndPosition) {
  TempDir dir;
  const std::string bad = dir.File("broken.json");
  {
    std::ofstream(bad) << "[{\"title\": \"x\", \"entityExternalId\": \"a\"},";
  }
  auto r = RunCtem(dir, {"--store=sqlite:" + dir.File("ctem.db"), "ingest", "--source", "wiz", bad});
  EXPECT_EQ(r.exit_code, 1);
  json s = Summary(r);
  EXPECT_EQ(s["rejected"], 1);
  EXPECT_EQ(s["errors"][0]["file"], bad);
  EXPECT_NE(s["errors"][0]["reason"].get<std::string>().find("malformed JSON"), std::string::npos);
}

TEST(IngestCli, UnknownSourceIsAUsageErrorListingSources) {
  TempDir dir;
  auto r = RunCtem(dir, {"--store=sqlite:" + dir.File("ctem.db"), "ingest", "--source", "nessus",
                         Data("wiz_findings.json")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("wiz, snyk, garak, ibm_art"), std::string::npos) << r.err;
}

TEST(IngestCli, EverySeedSourceIngests) {
  TempDir dir;
  const std::string store = "--store=sqlite:" + dir.File("ctem.db");
  for (const auto& [source, file, count] : std::vector<std::tuple<std::string, std::string, int>>{
           {"snyk", "snyk_findings.json", 2}, {"garak", "garak_results.jsonl", 2}, {"art", "art_results.json", 2}}) {
    auto r = RunCtem(dir, {store, "ingest", "--source", source, Data(file)});
    ASSERT_EQ(r.exit_code, 0) << source << ": " << r.out << r.err;
    EXPECT_EQ(Summary(r)["inserted"], count) << source;
  }
}

TEST(IngestCli, StoreMissingSchemaTellsUserToMigrate) {
  TempDir dir;
  auto r = RunCtem(dir, {"--store=sqlite:" + dir.File("fresh.db"), "exposures", "list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("ctem migrate"), std::string::npos) << r.err;
}

TEST(IngestCli, EveryCommandExplainsItselfWithAnExample) {
  TempDir dir;
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"migrate", "--help"}, {"ingest", "--help"}, {"exposures", "list", "--help"}, {"report", "--help"},
           {"demo", "--help"}, {"graph", "--help"}, {"graph", "load", "--help"}, {"graph", "show", "--help"},
           {"verify", "--help"}, {"webhooks", "--help"}, {"serve", "--help"}, {"topics", "create", "--help"}}) {
    auto r = RunCtem(dir, args);
    EXPECT_EQ(r.exit_code, 0) << args[0];
    EXPECT_NE(r.out.find("Example"), std::string::npos) << args[0] << r.out;
  }
}

TEST(DemoCli, LoadsEverySourceAndIsIdempotent) {
  TempDir dir;
  const std::string store = "--store=sqlite:" + dir.File("demo.db");
  auto first = RunCtem(dir, {store, "--now", "2026-11-23T07:00:00Z", "demo"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto second = RunCtem(dir, {store, "--now", "2026-11-23T07:00:00Z", "demo"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(Summary(second)["inserted"], 0);
  auto list = RunCtem(dir, {store, "exposures", "list"});
  json rows = json::parse(list.out);
  std::set<std::string> tools;
  std::set<std::string> zones;
  for (const auto& row : rows) {
    tools.insert(row["source_tool"].get<std::string>());
    zones.insert(row["asset_zone"].get<std::string>());
  }
  EXPECT_EQ(tools, (std::set<std::string>{"Garak", "IBM_ART", "Snyk", "Wiz"}));
  EXPECT_EQ(zones.size(), 5u);
  auto triage = RunCtem(dir, {store, "--now", "2026-11-23T07:00:00Z", "report", "triage", "--format", "table"});
  EXPECT_EQ(triage.exit_code, 0) << triage.err;
  EXPECT_NE(triage.out.find("BREACHED"), std::string::npos);
}

TEST(ReportCli, UnknownReportAndBadNowAreUsageErrors) {
  TempDir dir;
  const std::string store = "--store=sqlite:" + dir.File("ctem.db");
  ASSERT_EQ(RunCtem(dir, {store, "migrate"}).exit_code, 0);
  auto unknown = RunCtem(dir, {store, "report", "nope"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("triage"), std::string::npos);
  auto bad_now = RunCtem(dir, {store, "--now", "last tuesday", "report", "triage"});
  EXPECT_EQ(bad_now.exit_code, 2);
  EXPECT_NE(bad_now.err.find("ISO-8601"), std::string::npos);
}

}  // namespace
}  // namespace ctem
