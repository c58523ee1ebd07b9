// The remediation lifecycle over HTTP (api/remediation_routes.h) against a real `ctem serve`
// on both store backends: every move, the status codes for an illegal move (409 naming the
// legal moves), an unknown exposure (404) and bad input (400), tenant scoping, racing
// requests, and the timeline endpoint the dashboard reads.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/exposure_key.h"
#include "store/store.h"
#include "support/backends.h"
#include "support/process.h"
#include "support/tokens.h"
#include "support/temp_dir.h"

namespace ctem {
namespace {

using nlohmann::json;

Timestamp T(const char* iso) {
  return *ParseTimestamp(iso);
}

class RemediationApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  RemediationApiTest() : db_(GetParam()) {}

  void SetUp() override {
    CTEM_REQUIRE_BACKEND(db_);
    auto store = store::OpenStore(db_.url()).value();
    ASSERT_TRUE(store->Migrate().has_value());
    for (const char* title :
         {"Unauthenticated OPC UA endpoint", "Default PLC password", "Open MQTT broker"}) {
      Exposure e;
      e.exposure_key = GenerateExposureKey("Wiz", title, "plc-gw-line3");
      e.ts = T("2026-11-20T00:00:00Z");
      e.source_tool = "Wiz";
      e.title = title;
      e.severity = Severity::kCritical;
      e.original_severity = "CRITICAL";
      e.asset_id = "plc-gw-line3";
      e.asset_type = "VirtualMachine";
      e.asset_zone = "Zone1_EdgeInference";
      e.exploitability_score = 0.9;
      e.physical_consequence = Consequence::kEquipment;
      e.ctem_score = 7.2;
      e.sla_deadline = e.ts + SeveritySla(e.severity);
      ASSERT_TRUE(store->UpsertExposures({&e, 1}, e.ts).has_value());
      keys_.push_back(e.exposure_key);
    }
    Validation v;
    v.validation_id = "VAL-RT-1";
    v.exposure_id = keys_[0];
    v.campaign_id = "RT-2026-Q4";
    v.ts = T("2026-11-21T00:00:00Z");
    v.validation_type = "manual_red_team";
    v.exploitable = true;
    v.detection_rules_tested = {"OPCUA-ANON-001"};
    ASSERT_TRUE(store->UpsertValidations({&v, 1}, v.ts).has_value());

    admin_ = testing::CreateToken(db_.url(), "default", "admin");
    other_admin_ = testing::CreateToken(db_.url(), "plant-b", "admin");
    other_read_ = testing::CreateToken(db_.url(), "plant-b", "read");
    read_ = testing::CreateToken(db_.url(), "default", "read");
    ASSERT_FALSE(admin_.empty() || other_admin_.empty() || other_read_.empty() || read_.empty());
    const std::string line =
        serve_.Start(CTEM_BINARY, {"--store", db_.url(), "serve", "--host", "127.0.0.1", "--port", "0"},
                     dir_.path().string(), dir_.File("serve.log"));
    port_ = testing::ListeningPort(line);
    ASSERT_GT(port_, 0) << line << testing::Slurp(dir_.File("serve.log"));
  }

  // With the default tenant's admin token unless `headers` carry an Authorization.
  httplib::Result Post(const std::string& path, const std::string& body, httplib::Headers headers = {}) {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(30, 0);
    if (!headers.count("Authorization")) headers.emplace("Authorization", "Bearer " + admin_);
    return client.Post(path, headers, body, "application/json");
  }

  httplib::Result Get(const std::string& path, httplib::Headers headers = {}) {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(30, 0);
    if (!headers.count("Authorization")) headers.emplace("Authorization", "Bearer " + admin_);
    return client.Get(path, headers);
  }

  static httplib::Headers As(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

  // A move that must succeed; its JSON.
  json Move(const std::string& key, const std::string& action, const json& body) {
    auto r = Post("/api/ctem/remediations/" + key + "/" + action, body.dump());
    EXPECT_TRUE(r);
    if (!r) return json();
    EXPECT_EQ(r->status, 200) << r->body;
    return json::parse(r->body);
  }

  testing::TestDatabase db_;
  testing::TempDir dir_;
  testing::ServiceProcess serve_;
  int port_ = 0;
  std::vector<std::string> keys_;
  std::string admin_;        // tenant "default", which owns keys_
  std::string read_;         // tenant "default"
  std::string other_admin_;  // tenant "plant-b"
  std::string other_read_;   // tenant "plant-b"
};

TEST_P(RemediationApiTest, EveryMoveOverHttpAndTheTimeline) {
  const std::string key = keys_[0];
  json assigned = Move(key, "assign", {{"to", "alice"}, {"pr", "https://git.example.com/plant/pull/7"}});
  EXPECT_EQ(assigned["to"], "Assigned");
  EXPECT_EQ(assigned["exposure_status"], "Open");
  EXPECT_EQ(assigned["remediation"]["assigned_to"], "alice");
  EXPECT_NE(assigned["remediation"]["assigned_date"], nullptr);
  EXPECT_EQ(assigned["remediation"]["sla_deadline"], "2026-11-21T00:00:00.000Z");

  // Verify before a fix is deployed: 409 with the legal moves.
  auto early = Post("/api/ctem/remediations/" + key + "/verify", R"({"by": "bob"})");
  ASSERT_TRUE(early);
  EXPECT_EQ(early->status, 409);
  const json refusal = json::parse(early->body);
  EXPECT_EQ(refusal["state"], "Assigned");
  EXPECT_EQ(refusal["allowed"], json({"assign", "start"}));
  EXPECT_NE(refusal["error"].get<std::string>().find("cannot verify"), std::string::npos);

  EXPECT_EQ(Move(key, "start", json::object())["to"], "InProgress");
  auto deploy = Post("/api/ctem/remediations/" + key + "/deploy-fix",
                     R"({"description": "disabled anonymous sessions"})", {{"X-CTEM-Actor", "alice"}});
  ASSERT_TRUE(deploy);
  ASSERT_EQ(deploy->status, 200) << deploy->body;
  EXPECT_EQ(json::parse(deploy->body)["remediation"]["fix_description"], "disabled anonymous sessions");
  json verified = Move(key, "verify", {{"by", "bob"}});
  EXPECT_EQ(verified["exposure_status"], "Verified");
  EXPECT_EQ(verified["remediation"]["verified_by"], "bob");
  EXPECT_NE(verified["remediation"]["verified_date"], nullptr);
  json closed = Move(key, "close", {{"actor", "lead"}});
  EXPECT_EQ(closed["to"], "Closed");
  EXPECT_EQ(closed["allowed"], json::array());

  auto timeline = Get("/api/ctem/exposures/" + key + "/timeline");
  ASSERT_TRUE(timeline);
  ASSERT_EQ(timeline->status, 200) << timeline->body;
  const json t = json::parse(timeline->body);
  std::vector<std::string> fields;
  for (const auto& [k, v] : t.items()) fields.push_back(k);
  std::sort(fields.begin(), fields.end());
  EXPECT_EQ(fields, (std::vector<std::string>{"audit", "exposure_key", "remediations", "validations"}));
  EXPECT_EQ(t["exposure_key"], key);
  ASSERT_EQ(t["validations"].size(), 1u);
  EXPECT_EQ(t["validations"][0]["validation_id"], "VAL-RT-1");
  EXPECT_EQ(t["validations"][0]["exploitable"], true);
  EXPECT_EQ(t["validations"][0]["detection_rules_tested"], json({"OPCUA-ANON-001"}));
  ASSERT_EQ(t["remediations"].size(), 1u);
  EXPECT_EQ(t["remediations"][0]["status"], "Closed");
  EXPECT_EQ(t["remediations"][0]["exposure_id"], key);
  ASSERT_EQ(t["audit"].size(), 5u);
  std::vector<std::string> actions;
  std::vector<std::string> actors;
  for (const auto& e : t["audit"]) {
    actions.push_back(e["action"]);
    actors.push_back(e["actor"]);
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"assign", "start", "deploy-fix", "verify", "close"}));
  EXPECT_EQ(actors, (std::vector<std::string>{"api", "api", "alice", "bob", "lead"}));
  EXPECT_LE(t["audit"][0]["at"].get<std::string>(), t["audit"][4]["at"].get<std::string>());

  auto show = Get("/api/ctem/remediations/" + key);
  ASSERT_TRUE(show);
  ASSERT_EQ(show->status, 200) << show->body;
  EXPECT_EQ(json::parse(show->body)["state"], "Closed");
  auto exposure = Get("/api/ctem/exposures/" + key);
  ASSERT_TRUE(exposure);
  EXPECT_EQ(json::parse(exposure->body)["status"], "Closed");
}

TEST_P(RemediationApiTest, BadInputUnknownExposuresAndOtherTenants) {
  const std::string path = "/api/ctem/remediations/" + keys_[1];
  auto status = [&](const std::string& p, const std::string& body, const httplib::Headers& h = {}) {
    auto r = Post(p, body, h);
    return r ? r->status : -1;
  };
  EXPECT_EQ(status(path + "/assign", "{not json"), 400);
  EXPECT_EQ(status(path + "/assign", R"(["alice"])"), 400);
  EXPECT_EQ(status(path + "/assign", R"({"to": 7})"), 400);
  EXPECT_EQ(status(path + "/assign", R"({"assignee": "alice"})"), 400);
  EXPECT_EQ(status(path + "/assign", "{}"), 400);  // "to" is required
  EXPECT_EQ(status(path + "/assign", R"j({"to": "alice", "pr": "javascript:alert(1)"})j"), 400);
  EXPECT_EQ(status(path + "/start", R"({"to": "alice"})"), 400);  // start takes no assignee
  EXPECT_EQ(status(path + "/approve", "{}"), 400);
  EXPECT_EQ(status("/api/ctem/remediations/0000000000000000/assign", R"({"to": "alice"})"), 404);
  // Another tenant's token does not find (or move) this tenant's exposure; naming another
  // tenant beside one's own token is refused.
  EXPECT_EQ(status(path + "/assign", R"({"to": "alice"})", As(other_admin_)), 404);
  EXPECT_EQ(status(path + "/assign", R"({"to": "alice"})", {{"X-CTEM-Tenant", "plant-b"}}), 403);
  // A read token may not move anything, even in its own tenant.
  EXPECT_EQ(status(path + "/assign", R"({"to": "alice"})", As(read_)), 403);
  auto timeline = Get("/api/ctem/exposures/0000000000000000/timeline");
  ASSERT_TRUE(timeline);
  EXPECT_EQ(timeline->status, 404);
  auto named_other = Get("/api/ctem/exposures/" + keys_[1] + "/timeline?tenant=plant-b");
  ASSERT_TRUE(named_other);
  EXPECT_EQ(named_other->status, 403);
  for (const std::string& token : {other_read_, other_admin_}) {
    auto other_tenant = Get("/api/ctem/exposures/" + keys_[1] + "/timeline", As(token));
    ASSERT_TRUE(other_tenant);
    EXPECT_EQ(other_tenant->status, 404);
    auto show = Get("/api/ctem/remediations/" + keys_[1], As(token));
    ASSERT_TRUE(show);
    EXPECT_EQ(show->status, 404) << show->body;
    auto exposure = Get("/api/ctem/exposures/" + keys_[1], As(token));
    ASSERT_TRUE(exposure);
    EXPECT_EQ(exposure->status, 404);
    auto list = Get("/api/ctem/exposures", As(token));
    ASSERT_TRUE(list);
    ASSERT_EQ(list->status, 200);
    EXPECT_EQ(json::parse(list->body), json::array());
  }
  // The owner's read token sees it.
  auto own = Get("/api/ctem/exposures/" + keys_[1] + "/timeline", As(read_));
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200);
  // Nothing of the above changed anything.
  auto t = Get("/api/ctem/exposures/" + keys_[1] + "/timeline");
  ASSERT_TRUE(t);
  ASSERT_EQ(t->status, 200);
  EXPECT_EQ(json::parse(t->body)["audit"], json::array());
  EXPECT_EQ(json::parse(t->body)["remediations"], json::array());
  EXPECT_EQ(json::parse(t->body)["validations"], json::array());
}

TEST_P(RemediationApiTest, RacingRequestsOnlyOneMoveWins) {
  const std::string key = keys_[2];
  Move(key, "assign", {{"to", "alice"}});
  constexpr int kRequests = 6;
  std::atomic<int> ok{0};
  std::atomic<int> conflict{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i) {
    threads.emplace_back([&] {
      auto r = Post("/api/ctem/remediations/" + key + "/start", "{}");
      if (r && r->status == 200) {
        ++ok;
      } else if (r && r->status == 409) {
        ++conflict;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflict.load(), kRequests - 1);
  EXPECT_EQ(other.load(), 0);
  auto t = Get("/api/ctem/exposures/" + key + "/timeline");
  ASSERT_TRUE(t);
  EXPECT_EQ(json::parse(t->body)["audit"].size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, RemediationApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace ctem
