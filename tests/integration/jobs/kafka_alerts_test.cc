// The alert path on a real Kafka broker: SLA enforcer -> outbox -> relay -> ctem.alerts (Kafka)
// -> alert dispatcher (consumer group) -> webhook. The webhook is down for a while, and the
// dispatcher is restarted in the middle; every alert arrives, in order per exposure, once.
// Needs scripts/servers/kafka.sh (skips without it unless CTEM_REQUIRE_SERVERS=1).
#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

#include <map>
#include <set>
#include <thread>

#include "bus/kafka_bus.h"
#include "bus/open_bus.h"
#include "jobs/alert_dispatcher.h"
#include "jobs/outbox_relay.h"
#include "jobs/remediation_checker.h"
#include "jobs/sla_enforcer.h"
#include "support/kafka.h"
#include "unit/jobs/jobs_fixture.h"
#include "unit/jobs/webhook_receiver.h"

namespace ctem::jobs {
namespace {

using namespace std::chrono_literals;

class KafkaAlertsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CTEM_REQUIRE_KAFKA();
    bus::KafkaOptions o;
    o.session_timeout = 6000ms;
    auto kafka = bus::OpenKafkaBus(ctem::testing::KafkaBrokers(), o);
    ASSERT_TRUE(kafka.has_value()) << kafka.error().message;
    // The broker outlives test runs: this run's topics and groups get their own namespace.
    bus_ = bus::WithNamespace(std::move(*kafka), ctem::testing::UniqueKafkaName("jobs"));
    auto created = bus_->CreateTopics(bus::DefaultTopics());
    ASSERT_TRUE(created.has_value()) << created.error().message;
    auto s = store::OpenStore("sqlite:" + dir_.File("ctem.db"));
    ASSERT_TRUE(s.has_value());
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate().has_value());
  }
  void TearDown() override {
    bus_.reset();
    EXPECT_EQ(RdKafka::wait_destroyed(20000), 0);
  }

  static std::unique_ptr<WebhookClient> Client(const std::string& url) {
    WebhookOptions o;
    o.url = url;
    o.max_attempts = 2;
    o.initial_backoff = 20ms;
    o.timeout = 2000ms;
    return std::move(*WebhookClient::Create(o));
  }

  ctem::testing::TempDir dir_;
  std::unique_ptr<bus::Bus> bus_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(KafkaAlertsTest, EveryAlertReachesTheWebhookOnceThroughAnOutageAndARestart) {
  ManualClock clock(testing::WeekStart());
  std::vector<Exposure> exposures;
  for (int i = 0; i < 20; ++i) {
    const Severity sev = i % 2 ? Severity::kCritical : Severity::kHigh;
    exposures.push_back(testing::MakeExposure("k" + std::to_string(i), sev, testing::WeekStart()));
  }
  ASSERT_TRUE(store_->UpsertExposures(exposures, clock.Now()).has_value());
  SlaEnforcer enforcer(*store_, clock);
  OutboxRelay relay(*store_, *bus_, clock);
  std::set<std::string> raised;
  auto run = [&](int hour) {
    clock.Set(testing::WeekStart() + hours(hour));
    auto r = enforcer.RunOnce();
    ASSERT_TRUE(r.has_value()) << r.error().message;
    for (const auto& a : r->emitted) raised.insert(a["alert_id"]);
    auto published = relay.RelayOnce();
    ASSERT_TRUE(published.has_value()) << published.error().message;
  };
  testing::WebhookReceiver hook;  // down
  DispatcherMetrics metrics;
  pipeline::StageOptions options;
  options.batch_size = 100;
  options.linger = 20ms;
  {
    AlertDispatcher first(*bus_, Client(hook.url()), metrics, options);
    std::thread t([&] { first.Run(); });
    run(4);   // CRITICAL at risk
    run(28);  // CRITICAL breached (DIRECTOR)
    std::this_thread::sleep_for(2s);
    ASSERT_TRUE(hook.Start());
    // Some arrive; then the dispatcher is stopped (a deploy) while more are raised.
    ASSERT_TRUE(hook.WaitFor(1, 60s));
    first.Stop();
    t.join();
  }
  run(52);  // CRITICAL -> CISO, HIGH at risk
  run(76);  // HIGH breached
  AlertDispatcher second(*bus_, Client(hook.url()), metrics, options);
  std::thread t([&] { second.Run(); });
  EXPECT_TRUE(hook.WaitFor(raised.size(), 90s)) << hook.accepted().size() << " of " << raised.size();
  std::this_thread::sleep_for(1s);
  second.Stop();
  t.join();
  EXPECT_EQ(raised.size(), 50u);  // 10 CRITICAL x 3 (at risk, 2 levels) + 10 HIGH x 2 (at risk, breach)
  std::vector<std::string> ids;
  for (const auto& a : hook.accepted()) ids.push_back(a["alert_id"]);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), raised);
  EXPECT_EQ(ids.size(), raised.size()) << "duplicates after a clean stop";
  // Per exposure, the webhook saw the ladder in order.
  std::map<std::string, std::vector<std::string>> per_exposure;
  for (const auto& a : hook.accepted()) per_exposure[a["exposure_key"]].push_back(a["alert_type"]);
  for (const auto& [key, types] : per_exposure) EXPECT_EQ(types.front(), "SLA_AT_RISK") << key;
}

}  // namespace
}  // namespace ctem::jobs
