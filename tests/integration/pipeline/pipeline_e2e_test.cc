// The seed's data flow end to end (issue 4): findings POSTed to the gateway travel the
// per-source raw topics, are normalised once and stored exactly once — also with two
// normaliser replicas, and when the services are SIGKILLed midway and restarted. Malformed
// findings land in ctem.dlq with a reason. Runs on the embedded bus and SQLite; the Kafka +
// PostgreSQL variant runs when those servers are available.
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <thread>

#include "bus/open_bus.h"
#include "core/exposure_key.h"
#include "store/store.h"
#include "support/backends.h"
#include "support/tokens.h"
#include "support/process.h"
#include "support/run_ctem.h"
#include "support/temp_dir.h"

namespace ctem {
namespace {

using nlohmann::json;

struct Workload {
  std::vector<std::pair<std::string, json>> payloads;  // (source, payload)
  std::set<std::string> expected_keys;                 // exposures that must be stored
  size_t findings = 0;
  size_t malformed = 0;
};

// `n` findings spread over the four seed sources, every `bad_every`-th one malformed, posted
// in payloads of `per_payload`.
Workload MakeWorkload(size_t n, size_t bad_every, size_t per_payload) {
  Workload w;
  std::map<std::string, json> open;
  auto flush = [&](const std::string& source) {
    if (open[source].empty()) return;
    w.payloads.emplace_back(source, json{{"source_tool", source}, {"findings", open[source]}});
    open[source] = json::array();
  };
  for (size_t i = 0; i < n; ++i) {
    const bool bad = bad_every && i % bad_every == bad_every - 1;
    const std::string id = std::to_string(i);
    std::string source;
    json f;
    switch (i % 4) {
      case 0:
        source = "wiz";
        f = {{"title", "Finding " + id}, {"entityName", "vm-" + id}, {"severity", "HIGH"}};
        if (!bad) {
          f["entityExternalId"] = "vm-" + id;
          w.expected_keys.insert(GenerateExposureKey("Wiz", "Finding " + id, "vm-" + id));
        }
        break;
      case 1:
        source = "snyk";
        f = {{"id", "SNYK-" + id}, {"packageName", "pkg-" + id}, {"version", "1.0.0"}, {"severity", "medium"}};
        if (bad) f["severity"] = 7;
        else w.expected_keys.insert(GenerateExposureKey("Snyk", "SNYK-" + id, "pkg-" + id));
        break;
      case 2:
        source = "garak";
        f = {{"probe", "probe." + id}, {"failure_rate", 0.4}};
        if (bad) f["failure_rate"] = "high";
        else w.expected_keys.insert(GenerateExposureKey("Garak", "probe." + id, "orbital-domain-llm"));
        break;
      default:
        source = "ibm_art";
        f = {{"attack_type", "evasion"}, {"model_name", "model-" + id}, {"success_rate", 0.8}};
        if (bad) f["success_rate"] = 5;
        else w.expected_keys.insert(GenerateExposureKey("IBM_ART", "evasion", "model-" + id));
        break;
    }
    w.malformed += bad ? 1 : 0;
    ++w.findings;
    if (!open.count(source)) open[source] = json::array();
    open[source].push_back(f);
    if (open[source].size() >= per_payload) flush(source);
  }
  for (auto& [s, f] : open) flush(s);
  return w;
}

// "embedded": SQLite store and embedded bus. "kafka": a real Kafka broker and PostgreSQL
// (scripts/test starts both), each test in its own bus namespace and database.
class PipelineTest : public ::testing::TestWithParam<std::string> {
 protected:
  PipelineTest() : db_(GetParam() == "kafka" ? "postgres" : "sqlite") {}

  void SetUp() override {
    CTEM_REQUIRE_BACKEND(db_);
    if (GetParam() == "kafka") {
      const char* brokers = std::getenv("CTEM_TEST_KAFKA_BROKERS");
      if (brokers == nullptr) {
        if (testing::ServersRequired()) FAIL() << "CTEM_TEST_KAFKA_BROKERS not set";
        GTEST_SKIP() << "CTEM_TEST_KAFKA_BROKERS not set (run scripts/test)";
      }
      bus_url_ = std::string("kafka://") + brokers;
      static int counter = 0;
      const std::string ns = "e2e" + std::to_string(getpid()) + "n" + std::to_string(counter++);
      setenv("CTEM_BUS_NAMESPACE", ns.c_str(), 1);  // inherited by the service processes
      auto topics = testing::RunCtem(dir_, {"--bus", bus_url_, "topics", "create"});
      ASSERT_EQ(topics.exit_code, 0) << topics.out << topics.err;
    } else {
      unsetenv("CTEM_BUS_NAMESPACE");
    }
    store_url_ = db_.url();
    ASSERT_TRUE(store::OpenStore(store_url_).value()->Migrate().has_value());
    token_ = testing::CreateToken(dir_, store_url_, "default", "admin");
    ASSERT_FALSE(token_.empty());
  }

  void TearDown() override { unsetenv("CTEM_BUS_NAMESPACE"); }

  std::vector<std::string> Global() const {
    std::vector<std::string> g = {"--store", store_url_};
    if (!bus_url_.empty()) {
      g.push_back("--bus");
      g.push_back(bus_url_);
    }
    return g;
  }

  int StartServe(testing::ServiceProcess& p) {
    auto args = Global();
    for (const char* a : {"serve", "--host", "127.0.0.1", "--port", "0"}) args.push_back(a);
    const std::string line = p.Start(CTEM_BINARY, args, dir_.path().string(), dir_.File("serve.log"));
    return testing::ListeningPort(line);
  }

  // POSTs every payload; returns how many findings were accepted (202).
  size_t PostAll(int port, const Workload& w, size_t from = 0, size_t to = SIZE_MAX) {
    httplib::Client client("127.0.0.1", port);
    client.set_bearer_token_auth(token_);
    client.set_read_timeout(30, 0);
    size_t accepted = 0;
    for (size_t i = from; i < std::min(to, w.payloads.size()); ++i) {
      auto res = client.Post("/api/ctem/ingest", w.payloads[i].second.dump(), "application/json");
      if (!res || res->status != 202) continue;
      accepted += json::parse(res->body)["accepted"].get<size_t>();
    }
    return accepted;
  }

  // Waits until the store holds `n` exposures (and stays there), up to `timeout`.
  size_t WaitForExposures(size_t n, std::chrono::seconds timeout = std::chrono::seconds(120)) {
    auto s = store::OpenStore(store_url_).value();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    size_t count = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      count = s->CountExposures("default").value_or(0);
      if (count >= n) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // nothing more should arrive
    return s->CountExposures("default").value_or(0);
  }

  std::set<std::string> StoredKeys() {
    auto s = store::OpenStore(store_url_).value();
    std::set<std::string> keys;
    const auto rows = s->ListExposures(store::ExposureFilter{});
    for (const auto& e : *rows) keys.insert(e.exposure.exposure_key);
    return keys;
  }

  // Every message in ctem.dlq, read by a fresh consumer group.
  std::vector<json> DeadLetters(size_t expect) {
    const std::string sqlite_path = store_url_.starts_with("sqlite:") ? store_url_.substr(7) : dir_.File("bus.db");
    auto b = bus::OpenBus(bus_url_.empty() ? "embedded" : bus_url_, sqlite_path).value();
    auto c = b->CreateConsumer("test-dlq-reader", {"ctem.dlq"}).value();
    std::vector<json> out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (out.size() < expect && std::chrono::steady_clock::now() < deadline) {
      const auto batch = c->Poll(1000, std::chrono::milliseconds(200));
      for (const auto& m : *batch) out.push_back(json::parse(m.value));
    }
    const auto rest = c->Poll(1000, std::chrono::milliseconds(300));
    for (const auto& m : *rest) out.push_back(json::parse(m.value));
    return out;
  }

  testing::TempDir dir_;
  testing::TestDatabase db_;
  std::string store_url_;
  std::string token_;  // admin, tenant "default"
  std::string bus_url_;
};

INSTANTIATE_TEST_SUITE_P(Modes, PipelineTest, ::testing::Values("embedded", "kafka"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) { return param_info.param; });

TEST_P(PipelineTest, TenThousandFindingsStoredExactlyOnceAndMalformedDeadLettered) {
  const Workload w = MakeWorkload(10000, 97, 100);
  testing::ServiceProcess serve;
  const int port = StartServe(serve);
  ASSERT_GT(port, 0) << testing::Slurp(dir_.File("serve.log"));
  EXPECT_EQ(PostAll(port, w), w.findings);
  EXPECT_EQ(WaitForExposures(w.expected_keys.size()), w.expected_keys.size());
  EXPECT_EQ(StoredKeys(), w.expected_keys);
  const auto dead = DeadLetters(w.malformed);
  EXPECT_EQ(dead.size(), w.malformed);
  for (const auto& d : dead) {
    EXPECT_FALSE(d["reason"].get<std::string>().empty());
    EXPECT_TRUE(d["source_topic"].get<std::string>().starts_with("ctem.raw."));
    EXPECT_TRUE(d.contains("offset"));
    EXPECT_FALSE(d["raw"].get<std::string>().empty());
  }
  EXPECT_EQ(serve.Stop(), 0);
}

TEST_P(PipelineTest, TwoNormaliserReplicasStillExactlyOnce) {
  const Workload w = MakeWorkload(4000, 0, 100);
  testing::ServiceProcess serve;
  testing::ServiceProcess second;
  const int port = StartServe(serve);
  ASSERT_GT(port, 0);
  auto args = Global();
  args.push_back("normaliser");
  const std::string line = second.Start(CTEM_BINARY, args, dir_.path().string(), dir_.File("normaliser2.log"));
  ASSERT_NE(line.find("normaliser"), std::string::npos) << line;
  EXPECT_EQ(PostAll(port, w), w.findings);
  EXPECT_EQ(WaitForExposures(w.expected_keys.size()), w.expected_keys.size());
  EXPECT_EQ(StoredKeys(), w.expected_keys);
  EXPECT_EQ(second.Stop(), 0);
  EXPECT_EQ(serve.Stop(), 0);
}

TEST_P(PipelineTest, SigkillMidwayAndRestartLosesAndDuplicatesNothing) {
  const Workload w = MakeWorkload(6000, 0, 100);
  testing::ServiceProcess serve;
  int port = StartServe(serve);
  ASSERT_GT(port, 0);
  const size_t half = w.payloads.size() / 2;
  size_t accepted = PostAll(port, w, 0, half);
  serve.Kill();  // mid-stream: the normaliser and persister are still working on it
  port = StartServe(serve);
  ASSERT_GT(port, 0);
  accepted += PostAll(port, w, half);
  serve.Kill();
  port = StartServe(serve);
  ASSERT_GT(port, 0);
  EXPECT_EQ(accepted, w.findings);
  EXPECT_EQ(WaitForExposures(w.expected_keys.size()), w.expected_keys.size());
  EXPECT_EQ(StoredKeys(), w.expected_keys);
  EXPECT_EQ(serve.Stop(), 0);
}

TEST_P(PipelineTest, GatewayRefusesBadRequestsWithReasons) {
  testing::ServiceProcess serve;
  const int port = StartServe(serve);
  ASSERT_GT(port, 0);
  httplib::Client client("127.0.0.1", port);
  client.set_bearer_token_auth(token_);
  auto malformed = client.Post("/api/ctem/ingest", "{\"source_tool\": \"wiz\", \"findings\": [", "application/json");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 400);
  EXPECT_NE(malformed->body.find("malformed"), std::string::npos) << malformed->body;
  auto unknown = client.Post("/api/ctem/ingest", R"({"source_tool": "nessus", "findings": []})", "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_NE(unknown->body.find("wiz"), std::string::npos);
  auto wrong_type = client.Post("/api/ctem/ingest", "hello", "application/octet-stream");
  ASSERT_TRUE(wrong_type);
  EXPECT_EQ(wrong_type->status, 415);
  const std::string huge(17 * 1024 * 1024, ' ');
  auto too_big = client.Post("/api/ctem/ingest", huge, "application/json");
  ASSERT_TRUE(too_big);
  EXPECT_EQ(too_big->status, 413);
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(serve.Stop(), 0);
}

TEST_P(PipelineTest, QueryApiReturnsTheCliJsonAndMetricsCount) {
  testing::ServiceProcess serve;
  const int port = StartServe(serve);
  ASSERT_GT(port, 0);
  httplib::Client client("127.0.0.1", port);
  client.set_bearer_token_auth(token_);
  const Workload w = MakeWorkload(40, 0, 10);
  EXPECT_EQ(PostAll(port, w), 40u);
  ASSERT_EQ(WaitForExposures(40), 40u);
  auto report = client.Get("/api/ctem/reports/triage?now=2030-01-01T00:00:00Z");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->status, 200);
  auto cli_args = Global();
  for (const char* a : {"--now", "2030-01-01T00:00:00Z", "report", "triage"}) cli_args.push_back(a);
  const auto cli = testing::RunCtem(dir_, cli_args);
  EXPECT_EQ(report->body, cli.out);
  auto list = client.Get("/api/ctem/exposures?severity=HIGH&limit=5");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200);
  EXPECT_LE(json::parse(list->body).size(), 5u);
  const std::string key = *w.expected_keys.begin();
  auto one = client.Get("/api/ctem/exposures/" + key);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 200);
  EXPECT_EQ(json::parse(one->body)["exposure_key"], key);
  auto missing = client.Get("/api/ctem/exposures/0000000000000000");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  auto bad_report = client.Get("/api/ctem/reports/nope");
  ASSERT_TRUE(bad_report);
  EXPECT_EQ(bad_report->status, 404);
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("ctem_ingest_accepted_total{source=\"wiz\"} 10"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("ctem_upserts_total 40"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("ctem_consumer_lag{group=\"ctem-persister-group\",topic=\"ctem.normalized\"} 0"),
            std::string::npos)
      << metrics->body;
  EXPECT_EQ(serve.Stop(), 0);
}

// Snyk's project_snapshot webhook through the gateway (issue 5): the normaliser publishes a
// "no_longer_seen" record per removed issue and the persister marks the stored exposure; the
// next scan that reports it again clears the mark. Files as in tests/cli (ingest_cli_test.cc).
TEST_P(PipelineTest, SnykRemovedIssuesMarkExposuresNoLongerSeen) {
  const std::string scan =
      testing::Slurp(std::string(CTEM_SAMPLES_DIR) + "/snyk/single_project_one_vuln.json");
  const std::string snapshot =
      testing::Slurp(std::string(CTEM_TESTDATA_DIR) + "/snyk/project_snapshot_xmlsec_removed.json");
  ASSERT_FALSE(scan.empty());
  ASSERT_FALSE(snapshot.empty());
  const std::string xmlsec = "21a0c1adc21b1b3c";
  testing::ServiceProcess serve;
  const int port = StartServe(serve);
  ASSERT_GT(port, 0) << testing::Slurp(dir_.File("serve.log"));
  httplib::Client client("127.0.0.1", port);
  client.set_bearer_token_auth(token_);
  client.set_read_timeout(30, 0);
  auto post = [&](const std::string& body) {
    auto res = client.Post("/api/ctem/ingest?source=snyk", body, "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 202) << res->body;
  };
  auto s = store::OpenStore(store_url_).value();
  // Waits until the xmlsec exposure's mark is (or is not) set.
  auto wait_for_mark = [&](bool marked) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    std::optional<store::StoredExposure> row;
    while (std::chrono::steady_clock::now() < deadline) {
      row = s->GetExposure("default", xmlsec).value_or(std::nullopt);
      if (row && row->no_longer_seen_at.has_value() == marked) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return row;
  };

  post(scan);
  ASSERT_EQ(WaitForExposures(1), 1u);
  post(snapshot);
  auto row = wait_for_mark(true);
  ASSERT_TRUE(row.has_value());
  ASSERT_TRUE(row->no_longer_seen_at.has_value()) << "the removed issue was never marked";
  EXPECT_EQ(row->exposure.status, ExposureStatus::kOpen);
  EXPECT_EQ(WaitForExposures(2), 2u);  // plus jcommander from newIssues; nothing else stored
  auto jcommander = s->GetExposure("default", "e1cc4290bdeed4fc").value();
  ASSERT_TRUE(jcommander.has_value());
  EXPECT_FALSE(jcommander->no_longer_seen_at.has_value());
  auto exposure = client.Get("/api/ctem/exposures/" + xmlsec);
  ASSERT_TRUE(exposure);
  EXPECT_EQ(json::parse(exposure->body)["no_longer_seen_at"], FormatTimestamp(*row->no_longer_seen_at));
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("ctem_no_longer_seen_total 1"), std::string::npos) << metrics->body;

  post(scan);  // seen again
  row = wait_for_mark(false);
  ASSERT_TRUE(row.has_value());
  EXPECT_FALSE(row->no_longer_seen_at.has_value()) << "the next sighting did not clear the mark";
  EXPECT_TRUE(DeadLetters(0).empty());
  EXPECT_EQ(serve.Stop(), 0);
}

}  // namespace
}  // namespace ctem
