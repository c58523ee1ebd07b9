// End to end through the `ctem` binary: ingest, re-ingest, Verified kept, bad input.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <tuple>

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
           {"demo", "--help"}}) {
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
