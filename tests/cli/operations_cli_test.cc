// `ctem verify` (seed section 10.5) and `ctem webhooks` (section 10.4) as an operator runs
// them: verify names what is missing and exits 1, and passes once the schema, the topics and
// the services are there; webhooks prints every source's ingest URL.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/process.h"
#include "support/run_ctem.h"

namespace ctem {
namespace {

using nlohmann::json;
using testing::RunCtem;
using testing::TempDir;

TEST(VerifyCli, NamesMissingTablesTopicsAndServicesAndExitsOne) {
  TempDir dir;
  const std::string store = "--store=sqlite:" + dir.File("ctem.db");
  ASSERT_EQ(RunCtem(dir, {store, "migrate"}).exit_code, 0);
  auto r = RunCtem(dir, {store, "verify"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("OK: ctem_exposures (rows: 0)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("MISSING: ctem.raw.wiz"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ctem topics create"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("NOT RUNNING: normaliser (never seen)"), std::string::npos) << r.out;

  auto j = RunCtem(dir, {store, "verify", "--format", "json", "--services", "persister"});
  EXPECT_EQ(j.exit_code, 1);
  const json doc = json::parse(j.out);
  EXPECT_GT(doc["problems"].get<int>(), 0);
  EXPECT_EQ(doc["store"]["tables"][0]["table"], "ctem_exposures");
  EXPECT_EQ(doc["services"].size(), 1u);
  EXPECT_FALSE(doc["services"][0]["ok"].get<bool>());

  auto unmigrated = RunCtem(dir, {"--store=sqlite:" + dir.File("empty.db"), "verify"});
  EXPECT_EQ(unmigrated.exit_code, 1);
  EXPECT_NE(unmigrated.out.find("ctem migrate"), std::string::npos) << unmigrated.out;
}

TEST(VerifyCli, PassesWithServeRunning) {
  TempDir dir;
  setenv("CTEM_HEARTBEAT_INTERVAL_S", "1", 1);
  testing::ServiceProcess serve;
  const std::string line =
      serve.Start(CTEM_BINARY, {"--store", "sqlite:ctem.db", "serve", "--host", "127.0.0.1", "--port", "0"},
                  dir.path().string(), dir.File("serve.log"));
  const int port = testing::ListeningPort(line);
  ASSERT_GT(port, 0) << testing::Slurp(dir.File("serve.log"));
  const std::string gateway = "http://127.0.0.1:" + std::to_string(port);
  // The first heartbeats land within an interval.
  testing::CommandResult r;
  for (int i = 0; i < 50; ++i) {
    r = RunCtem(dir, {"--store=sqlite:ctem.db", "verify", "--gateway", gateway},
                {"CTEM_HEARTBEAT_INTERVAL_S=1"});
    if (r.exit_code == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("OK: gateway (1 instance(s)"), std::string::npos) << r.out;
  // serve runs the jobs too, and each beats under its own service name.
  EXPECT_NE(r.out.find("OK: sla-enforcer (1 instance(s)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("OK: remediation-checker (1 instance(s)"), std::string::npos) << r.out;
  auto relay = RunCtem(dir, {"--store=sqlite:ctem.db", "verify", "--services", "outbox-relay,scope-discovery"});
  EXPECT_EQ(relay.exit_code, 0) << relay.out;
  EXPECT_NE(r.out.find("OK: ctem.dlq"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("OK: /healthz answered 200"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ctem-normaliser-group: 0 message(s) behind"), std::string::npos) << r.out;
  EXPECT_EQ(serve.Stop(), 0);
  unsetenv("CTEM_HEARTBEAT_INTERVAL_S");

  // A clean stop removes the heartbeats: the services are reported not running at once.
  auto after = RunCtem(dir, {"--store=sqlite:ctem.db", "verify"});
  EXPECT_EQ(after.exit_code, 1);
  EXPECT_NE(after.out.find("NOT RUNNING: gateway (never seen)"), std::string::npos) << after.out;
}

TEST(WebhooksCli, PrintsTheIngestUrlAndEverySource) {
  TempDir dir;
  auto r = RunCtem(dir, {"webhooks", "--gateway", "https://ctem.plant.example/"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Ingestion gateway: https://ctem.plant.example/api/ctem/ingest\n"), std::string::npos)
      << r.out;
  for (const char* source :
       {"wiz", "snyk", "garak", "ibm_art", "burp", "custom", "validation", "remediation"}) {
    EXPECT_NE(r.out.find("(source " + std::string(source) + ")"), std::string::npos) << source;
  }
  EXPECT_NE(r.out.find("Automation Rules"), std::string::npos);
  auto one = RunCtem(dir, {"webhooks", "--source", "art"});
  ASSERT_EQ(one.exit_code, 0);
  EXPECT_NE(one.out.find("http://localhost:8080/api/ctem/ingest?source=ibm_art"), std::string::npos)
      << one.out;
  EXPECT_EQ(one.out.find("(source wiz)"), std::string::npos);
  EXPECT_EQ(RunCtem(dir, {"webhooks", "--source", "nessus"}).exit_code, 2);
}

}  // namespace
}  // namespace ctem
