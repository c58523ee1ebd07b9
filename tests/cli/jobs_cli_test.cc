// The job commands end to end through the `ctem` binary: --once prints what a run emitted as
// JSON Lines and a second run at the same time prints nothing; the alert dispatcher delivers
// to a webhook receiver started here; `ctem serve` raises a detection-gap alert and delivers
// it within seconds of the validation's ingestion (real time, not a polling window).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/run_ctem.h"
#include "support/tokens.h"
#include "unit/jobs/webhook_receiver.h"

namespace ctem {
namespace {

using nlohmann::json;
using testing::RunCtem;
using testing::TempDir;

std::vector<json> Lines(const std::string& out) {
  std::vector<json> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(json::parse(line));
  }
  return lines;
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

std::string Wiz() {
  return std::string(CTEM_TESTDATA_DIR) + "/seed/wiz_findings.json";
}

TEST(JobsCli, EveryJobCommandExplainsItselfWithAnExample) {
  TempDir dir;
  for (const char* cmd : {"sla-enforcer", "remediation-checker", "scope-discovery", "alert-dispatcher",
                          "outbox-relay", "serve"}) {
    auto r = RunCtem(dir, {cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.out.find("Example"), std::string::npos) << cmd << r.out;
  }
}

TEST(JobsCli, SlaEnforcerOncePrintsNewBreachesOnceAsJsonLines) {
  TempDir dir;
  const std::string store = "--store=sqlite:" + dir.File("ctem.db");
  ASSERT_EQ(
      RunCtem(dir, {store, "--now", "2026-11-20T00:00:00Z", "ingest", "--source", "wiz", Wiz()}).exit_code,
      0);
  auto first = RunCtem(dir, {store, "--now", "2026-11-23T07:00:00Z", "sla-enforcer", "--once"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto alerts = Lines(first.out);
  ASSERT_EQ(alerts.size(), 2u) << first.out;
  std::set<std::string> levels;
  for (const auto& a : alerts) {
    EXPECT_EQ(a["alert_type"], "SLA_BREACH");
    levels.insert(a["escalation_level"]);
  }
  EXPECT_EQ(levels, (std::set<std::string>{"CISO_EXECUTIVE", "SECURITY_MANAGER"}));
  auto again = RunCtem(dir, {store, "--now", "2026-11-23T07:00:00Z", "sla-enforcer", "--once"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "");
  // The state is on the exposures, and the alerts went to ctem.alerts: nothing left to relay.
  auto list = RunCtem(dir, {store, "exposures", "list"});
  std::set<std::string> stored;
  for (const auto& row : json::parse(list.out)) stored.insert(row["escalation_level"].get<std::string>());
  EXPECT_EQ(stored, (std::set<std::string>{"CISO_EXECUTIVE", "SECURITY_MANAGER", ""}));
  auto relay = RunCtem(dir, {store, "outbox-relay", "--once"});
  EXPECT_EQ(relay.exit_code, 0) << relay.err;
  EXPECT_EQ(relay.out, "");
}

TEST(JobsCli, RemediationCheckerOncePrintsEachRescanRequestOnce) {
  TempDir dir;
  const std::string store = "--store=sqlite:" + dir.File("ctem.db");
  Write(dir.File("rem.jsonl"),
        "{\"remediation_id\": \"REM-1\", \"exposure_id\": \"748f4dbc24a33e26\", \"assigned_to\": \"bob\", "
        "\"status\": \"FixDeployed\", \"fix_deployed_date\": \"2026-11-21T09:00:00Z\", \"fix_description\": "
        "\"firmware 4.2\", \"pull_request_url\": \"https://git.example.com/pr/7\"}\n"
        "{\"remediation_id\": \"REM-2\", \"exposure_id\": \"e7158411950b9761\", \"assigned_to\": \"bob\", "
        "\"status\": \"FixDeployed\", \"fix_deployed_date\": \"2026-11-23T06:00:00Z\"}\n");
  ASSERT_EQ(
      RunCtem(dir, {store, "--now", "2026-11-20T00:00:00Z", "ingest", "--source", "wiz", Wiz()}).exit_code,
      0);
  auto ingest = RunCtem(dir, {store, "ingest", "--source", "remediation", dir.File("rem.jsonl")});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.out << ingest.err;
  auto first = RunCtem(dir, {store, "--now", "2026-11-23T08:00:00Z", "remediation-checker", "--once"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto requests = Lines(first.out);
  ASSERT_EQ(requests.size(), 1u) << first.out;
  EXPECT_EQ(requests[0]["remediation_id"], "REM-1");
  EXPECT_EQ(requests[0]["exposure_key"], "748f4dbc24a33e26");
  EXPECT_EQ(requests[0]["asset_id"], "plc-gw-line3");
  EXPECT_EQ(requests[0]["source_tool"], "Wiz");
  EXPECT_EQ(requests[0]["fix_description"], "firmware 4.2");
  auto again = RunCtem(dir, {store, "--now", "2026-11-24T08:00:00Z", "remediation-checker", "--once"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const auto next_day = Lines(again.out);
  ASSERT_EQ(next_day.size(), 1u) << again.out;  // REM-2 is due now; REM-1 was asked for already
  EXPECT_EQ(next_day[0]["remediation_id"], "REM-2");
}

TEST(JobsCli, TheLifecycleDrivesRescanRequestsOncePerDeployedFix) {
  TempDir dir;
  const std::string store = "--store=sqlite:" + dir.File("ctem.db");
  const std::string key = "748f4dbc24a33e26";  // the PLC gateway finding of wiz_findings.json
  auto at = [&](const char* now, std::vector<std::string> args) {
    std::vector<std::string> full = {store, "--now", now};
    full.insert(full.end(), args.begin(), args.end());
    return RunCtem(dir, full, {"CTEM_ACTOR=test"});
  };
  auto requests = [&](const char* now) {
    auto r = at(now, {"remediation-checker", "--once"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Lines(r.out);
  };
  ASSERT_EQ(at("2026-11-20T00:00:00Z", {"ingest", "--source", "wiz", Wiz()}).exit_code, 0);
  ASSERT_EQ(at("2026-11-20T01:00:00Z", {"remediation", "assign", key, "--to", "bob"}).exit_code, 0);
  ASSERT_EQ(at("2026-11-20T02:00:00Z", {"remediation", "start", key}).exit_code, 0);
  auto deployed =
      at("2026-11-21T09:00:00Z", {"remediation", "deploy-fix", key, "--description", "firmware 4.2"});
  ASSERT_EQ(deployed.exit_code, 0) << deployed.out << deployed.err;
  EXPECT_TRUE(requests("2026-11-22T08:00:00Z").empty());  // 23 h after the fix
  const auto first = requests("2026-11-22T10:00:00Z");
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0]["exposure_key"], key);
  EXPECT_EQ(first[0]["fix_description"], "firmware 4.2");
  EXPECT_EQ(first[0]["fix_deployed_date"], "2026-11-21T09:00:00.000Z");
  EXPECT_TRUE(requests("2026-11-23T10:00:00Z").empty());
  // The re-scan found the fix ineffective; a second fix is a new fix, asked about once.
  ASSERT_EQ(at("2026-11-23T11:00:00Z",
               {"remediation", "reject-fix", key, "--by", "carol", "--reason", "still exploitable"})
                .exit_code,
            0);
  ASSERT_EQ(at("2026-11-23T12:00:00Z", {"remediation", "deploy-fix", key, "--description", "firmware 4.3"})
                .exit_code,
            0);
  const auto second = requests("2026-11-24T13:00:00Z");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0]["fix_description"], "firmware 4.3");
  EXPECT_EQ(second[0]["fix_deployed_date"], "2026-11-23T12:00:00.000Z");
  ASSERT_EQ(at("2026-11-24T15:00:00Z", {"remediation", "verify", key, "--by", "carol"}).exit_code, 0);
  EXPECT_TRUE(requests("2026-11-26T08:00:00Z").empty());
}

TEST(JobsCli, ScopeDiscoveryOncePrintsNewAssets) {
  TempDir dir;
  const std::string store = "--store=sqlite:" + dir.File("ctem.db");
  Write(
      dir.File("edge.jsonl"),
      "{\"ts\": \"2026-11-01T10:00:00Z\", \"edge_node_id\": \"edge-node-01\", \"cpu_utilisation\": 40.0}\n"
      "{\"ts\": \"2026-11-22T10:00:00Z\", \"edge_node_id\": \"edge-node-01\", \"cpu_utilisation\": 41.0}\n"
      "{\"ts\": \"2026-11-22T11:00:00Z\", \"edge_node_id\": \"edge-node-99\", \"cpu_utilisation\": 12.0}\n");
  ASSERT_EQ(RunCtem(dir, {store, "migrate"}).exit_code, 0);
  auto load = RunCtem(dir, {store, "load", "edge_node_telemetry", dir.File("edge.jsonl")});
  ASSERT_EQ(load.exit_code, 0) << load.err;
  auto r = RunCtem(dir, {store, "--now", "2026-11-23T07:00:00Z", "scope-discovery", "--once"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto alerts = Lines(r.out);
  ASSERT_EQ(alerts.size(), 1u) << r.out;
  EXPECT_EQ(alerts[0]["title"], "CTEM SCOPE: New EdgeInferenceNode detected \u2014 edge-node-99");
  auto again = RunCtem(dir, {store, "--now", "2026-11-24T07:00:00Z", "scope-discovery", "--once"});
  EXPECT_EQ(again.out, "");
}

TEST(JobsCli, AlertDispatcherOnceDeliversToTheWebhook) {
  TempDir dir;
  const std::string store = "--store=sqlite:" + dir.File("ctem.db");
  ASSERT_EQ(
      RunCtem(dir, {store, "--now", "2026-11-20T00:00:00Z", "ingest", "--source", "wiz", Wiz()}).exit_code,
      0);
  ASSERT_EQ(RunCtem(dir, {store, "--now", "2026-11-23T07:00:00Z", "sla-enforcer", "--once"}).exit_code, 0);
  jobs::testing::WebhookReceiver hook;
  // Down: the dispatcher fails, and keeps the alerts on the topic.
  auto down = RunCtem(dir, {store, "alert-dispatcher", "--once", "--webhook", hook.url()},
                      {"CTEM_ALERT_WEBHOOK_ATTEMPTS=2", "CTEM_ALERT_WEBHOOK_BACKOFF_MS=10"});
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_NE(down.err.find("stay on ctem.alerts"), std::string::npos) << down.err;
  ASSERT_TRUE(hook.Start());
  auto up = RunCtem(dir, {store, "alert-dispatcher", "--once", "--webhook", hook.url()});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_EQ(Lines(up.out).size(), 2u);
  const auto got = hook.accepted();
  ASSERT_EQ(got.size(), 2u);
  for (const auto& a : got) {
    EXPECT_EQ(a["alert_type"], "SLA_BREACH");
    EXPECT_TRUE(a["text"].get<std::string>().starts_with("[")) << a.dump();
  }
  auto none = RunCtem(dir, {store, "alert-dispatcher", "--once", "--webhook", hook.url()});
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_EQ(hook.accepted().size(), 2u);
}

TEST(JobsCli, UsageErrorsNameWhatIsWrong) {
  TempDir dir;
  const std::string store = "--store=sqlite:" + dir.File("ctem.db");
  auto cron = RunCtem(dir, {store, "remediation-checker", "--once", "--schedule", "0 25 * * *"});
  EXPECT_EQ(cron.exit_code, 2);
  EXPECT_NE(cron.err.find("hour field"), std::string::npos) << cron.err;
  auto env = RunCtem(dir, {store, "sla-enforcer", "--once"}, {"SLA_CHECK_INTERVAL_HOURS=soon"});
  EXPECT_EQ(env.exit_code, 2);
  EXPECT_NE(env.err.find("SLA_CHECK_INTERVAL_HOURS"), std::string::npos) << env.err;
  auto hook = RunCtem(dir, {store, "alert-dispatcher", "--once"});
  EXPECT_EQ(hook.exit_code, 2);
  EXPECT_NE(hook.err.find("CTEM_ALERT_WEBHOOK"), std::string::npos) << hook.err;
}

TEST(JobsCli, ServeDeliversADetectionGapWithinSecondsOfIngestion) {
  TempDir dir;
  jobs::testing::WebhookReceiver hook;
  ASSERT_TRUE(hook.Start());
  const std::string token = testing::CreateToken(dir, "sqlite:" + dir.File("ctem.db"), "default", "ingest");
  testing::ServiceProcess serve;
  const std::string line = serve.Start(CTEM_BINARY,
                                       {"--store=sqlite:" + dir.File("ctem.db"), "serve", "--port", "0",
                                        "--host", "127.0.0.1", "--alert-webhook", hook.url()},
                                       dir.path().string(), dir.File("serve.log"));
  const int port = testing::ListeningPort(line);
  ASSERT_GT(port, 0) << line << testing::Slurp(dir.File("serve.log"));
  httplib::Client client("127.0.0.1", port);
  client.set_bearer_token_auth(token);
  const std::string payload =
      R"({"source_tool": "validation", "findings": [{"validation_id": "VAL-RT-1", "exposure_id": "exp-1",
          "campaign_id": "RT-2026-Q4", "validation_type": "manual_red_team", "exploitable": true,
          "exploit_complexity": "low", "physical_consequence_demonstrated": true, "detection_evaded": true,
          "detection_rules_tested": ["ATLAS-DETECT-003"], "detection_gaps": ["prompt injection via OPC-UA tag"]}]})";
  const auto start = std::chrono::steady_clock::now();
  auto res = client.Post("/api/ctem/ingest", payload, "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 202) << res->body;
  ASSERT_TRUE(hook.WaitFor(1, std::chrono::seconds(30))) << testing::Slurp(dir.File("serve.log"));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto got = hook.accepted();
  EXPECT_EQ(got[0]["alert_type"], "DETECTION_GAP");
  EXPECT_EQ(got[0]["alert_id"], "DETECTION_GAP:default:VAL-RT-1");
  EXPECT_EQ(got[0]["gap_severity"], "CRITICAL");
  EXPECT_EQ(got[0]["title"], "CTEM DETECTION GAP: manual_red_team evaded detection (CRITICAL)");
  EXPECT_LT(seconds, 10.0);
  std::printf("detection gap: ingested -> webhook in %.2f s\n", seconds);
  // Ingesting the same validation again raises nothing more.
  res = client.Post("/api/ctem/ingest", payload, "application/json");
  ASSERT_TRUE(res);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(hook.accepted().size(), 1u);
  EXPECT_EQ(serve.Stop(), 0);
}

}  // namespace
}  // namespace ctem
