// `ctem remediation ...` driven as a user would (erratum 12): a finding is ingested, taken
// through assign -> start -> deploy-fix -> verify -> close at pinned times, an illegal move
// is refused with exit 1 naming the legal ones, and bad usage exits 2.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/run_ctem.h"
#include "support/temp_dir.h"

namespace ctem {
namespace {

using nlohmann::json;
using testing::CommandResult;
using testing::RunCtem;
using testing::TempDir;

class RemediationCli : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = "--store=sqlite:" + dir_.File("ctem.db");
    std::ofstream(dir_.File("wiz.json"))
        << R"([{"title": "Unauthenticated OPC UA endpoint", "entityExternalId": "plc-gw-line3",
                "entityName": "plc-gw-line3", "severity": "CRITICAL"}])";
    auto ingest = Ctem({"--now", "2026-11-22T07:00:00Z", "ingest", "--source", "wiz", "wiz.json"});
    ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
    auto list = Ctem({"exposures", "list"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    const json rows = json::parse(list.out);
    ASSERT_EQ(rows.size(), 1u);
    key_ = rows[0]["exposure_key"];
    sla_deadline_ = rows[0]["sla_deadline"];
  }

  CommandResult Ctem(std::vector<std::string> args) {
    args.insert(args.begin(), store_);
    return RunCtem(dir_, args, {"USER=operator"});
  }

  // A move at `now`; its JSON.
  json Move(const std::string& now, std::vector<std::string> args) {
    args.insert(args.begin(), {"--now", now, "remediation"});
    auto r = Ctem(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? json::parse(r.out) : json();
  }

  TempDir dir_;
  std::string store_;
  std::string key_;
  std::string sla_deadline_;
};

TEST_F(RemediationCli, AssignStartDeployVerifyCloseAtPinnedTimes) {
  json assigned = Move("2026-11-23T07:00:00Z", {"assign", key_, "--to", "alice", "--pr",
                                                "https://git.example.com/plant/pull/7", "--actor", "lead"});
  EXPECT_EQ(assigned["from"], "Open");
  EXPECT_EQ(assigned["to"], "Assigned");
  EXPECT_EQ(assigned["exposure_status"], "Open");
  EXPECT_EQ(assigned["allowed"], json({"assign", "start"}));
  EXPECT_EQ(assigned["remediation"]["status"], "Assigned");
  EXPECT_EQ(assigned["remediation"]["assigned_to"], "alice");
  EXPECT_EQ(assigned["remediation"]["assigned_date"], "2026-11-23T07:00:00.000Z");
  EXPECT_EQ(assigned["remediation"]["sla_deadline"], sla_deadline_);
  EXPECT_EQ(assigned["remediation"]["pull_request_url"], "https://git.example.com/plant/pull/7");

  // Verify before a fix is deployed: refused, nothing changes.
  auto early = Ctem({"--now", "2026-11-23T08:00:00Z", "remediation", "verify", key_, "--by", "bob"});
  EXPECT_EQ(early.exit_code, 1);
  EXPECT_NE(early.err.find("cannot verify"), std::string::npos) << early.err;
  EXPECT_NE(early.err.find("allowed from Assigned: assign, start"), std::string::npos) << early.err;
  EXPECT_TRUE(early.out.empty());

  json started = Move("2026-11-23T09:00:00Z", {"start", key_});
  EXPECT_EQ(started["to"], "InProgress");
  EXPECT_EQ(started["exposure_status"], "InProgress");
  json deployed = Move("2026-11-23T12:00:00Z",
                       {"deploy-fix", key_, "--description", "disabled anonymous OPC UA sessions"});
  EXPECT_EQ(deployed["to"], "FixDeployed");
  EXPECT_EQ(deployed["remediation"]["fix_deployed_date"], "2026-11-23T12:00:00.000Z");
  EXPECT_EQ(deployed["remediation"]["fix_description"], "disabled anonymous OPC UA sessions");
  json verified = Move("2026-11-24T13:00:00Z", {"verify", key_, "--by", "bob"});
  EXPECT_EQ(verified["to"], "Verified");
  EXPECT_EQ(verified["remediation"]["verified_date"], "2026-11-24T13:00:00.000Z");
  EXPECT_EQ(verified["remediation"]["verified_by"], "bob");
  json closed = Move("2026-11-24T14:00:00Z", {"close", key_});
  EXPECT_EQ(closed["to"], "Closed");
  EXPECT_EQ(closed["exposure_status"], "Closed");
  EXPECT_EQ(closed["allowed"], json::array());

  auto show = Ctem({"remediation", "show", key_});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  const json s = json::parse(show.out);
  EXPECT_EQ(s["state"], "Closed");
  EXPECT_EQ(s["remediation"]["remediation_id"], "REM-" + key_);
  ASSERT_EQ(s["audit"].size(), 5u);
  const std::vector<std::vector<std::string>> expected = {
      {"assign", "Open", "Assigned", "lead", "2026-11-23T07:00:00.000Z"},
      {"start", "Assigned", "InProgress", "operator", "2026-11-23T09:00:00.000Z"},
      {"deploy-fix", "InProgress", "FixDeployed", "operator", "2026-11-23T12:00:00.000Z"},
      {"verify", "FixDeployed", "Verified", "bob", "2026-11-24T13:00:00.000Z"},
      {"close", "Verified", "Closed", "operator", "2026-11-24T14:00:00.000Z"}};
  for (size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(s["audit"][i]["action"], expected[i][0]);
    EXPECT_EQ(s["audit"][i]["from_status"], expected[i][1]);
    EXPECT_EQ(s["audit"][i]["to_status"], expected[i][2]);
    EXPECT_EQ(s["audit"][i]["actor"], expected[i][3]);
    EXPECT_EQ(s["audit"][i]["at"], expected[i][4]);
  }
  auto list = Ctem({"exposures", "list", "--status", "Closed"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(json::parse(list.out).size(), 1u);

  // Closed is final.
  auto reopen = Ctem({"remediation", "assign", key_, "--to", "carol"});
  EXPECT_EQ(reopen.exit_code, 1);
  EXPECT_NE(reopen.err.find("none (Closed is final)"), std::string::npos) << reopen.err;
}

TEST_F(RemediationCli, UsageErrorsExit2AndUnknownExposuresExit1) {
  EXPECT_EQ(Ctem({"remediation", "assign", key_}).exit_code, 2);  // --to is required
  auto ftp = Ctem({"remediation", "assign", key_, "--to", "alice", "--pr", "ftp://example.com/7"});
  EXPECT_EQ(ftp.exit_code, 2);
  EXPECT_NE(ftp.err.find("http(s)"), std::string::npos) << ftp.err;
  EXPECT_EQ(Ctem({"remediation", "verify", key_}).exit_code, 2);  // --by is required
  EXPECT_EQ(Ctem({"remediation", "reopen", key_}).exit_code, 2);
  auto unknown = Ctem({"remediation", "start", "0000000000000000"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no exposure"), std::string::npos) << unknown.err;
  auto other_tenant = Ctem({"--tenant", "plant-b", "remediation", "assign", key_, "--to", "alice"});
  EXPECT_EQ(other_tenant.exit_code, 1);
  auto show = Ctem({"remediation", "show", key_});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(json::parse(show.out)["state"], "Open");
  EXPECT_EQ(json::parse(show.out)["remediation"], nullptr);
  EXPECT_EQ(json::parse(show.out)["audit"], json::array());
}

TEST_F(RemediationCli, ARejectedFixGoesBackToWork) {
  Move("2026-11-23T07:00:00Z", {"assign", key_, "--to", "alice"});
  Move("2026-11-23T08:00:00Z", {"start", key_});
  Move("2026-11-23T09:00:00Z", {"deploy-fix", key_});
  json rejected =
      Move("2026-11-24T09:00:00Z", {"reject-fix", key_, "--by", "bob", "--reason", "rescan still finds it"});
  EXPECT_EQ(rejected["from"], "FixDeployed");
  EXPECT_EQ(rejected["to"], "InProgress");
  EXPECT_EQ(rejected["remediation"]["fix_deployed_date"], nullptr);
  auto show = Ctem({"remediation", "show", key_});
  EXPECT_EQ(json::parse(show.out)["audit"][3]["detail"]["reason"], "rescan still finds it");
}

TEST_F(RemediationCli, AnOldSchemaIsToldToMigrate) {
  TempDir other;
  auto r = RunCtem(other, {"--store=sqlite:" + other.File("fresh.db"), "remediation", "show", key_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("ctem migrate"), std::string::npos) << r.err;
}

TEST(RemediationCliHelp, EverySubcommandExplainsItselfWithAnExample) {
  TempDir dir;
  for (const char* sub : {"assign", "start", "deploy-fix", "verify", "reject-fix", "close", "show"}) {
    auto r = RunCtem(dir, {"remediation", sub, "--help"});
    EXPECT_EQ(r.exit_code, 0) << sub;
    EXPECT_NE(r.out.find("Example"), std::string::npos) << sub << r.out;
  }
  auto r = RunCtem(dir, {"remediation", "--help"});
  EXPECT_NE(r.out.find("Example"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("reject-fix"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ctem
