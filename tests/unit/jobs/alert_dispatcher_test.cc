// The alert dispatcher against a webhook receiver on 127.0.0.1: alerts arrive in order with a
// Slack-compatible text; a receiver that answers 500, or is not there at all for a while,
// still gets every alert once it is back (nothing lost, nothing duplicated); a refused alert
// is dead-lettered; a restarted dispatcher resumes where the webhook left off. The last case
// drives the whole path through a scripted week on both store backends: SLA enforcer ->
// outbox -> relay -> ctem.alerts -> dispatcher -> webhook.
#include "jobs/alert_dispatcher.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <set>
#include <thread>

#include "bus_fixture.h"
#include "jobs/outbox_relay.h"
#include "jobs/sla_enforcer.h"
#include "jobs_fixture.h"
#include "support/temp_dir.h"
#include "webhook_receiver.h"

namespace ctem::jobs {
namespace {

using testing::WebhookReceiver;

std::unique_ptr<WebhookClient> Client(const std::string& url, int attempts = 2) {
  WebhookOptions o;
  o.url = url;
  o.max_attempts = attempts;
  o.initial_backoff = std::chrono::milliseconds(10);
  o.max_backoff = std::chrono::milliseconds(40);
  o.timeout = std::chrono::milliseconds(2000);
  auto c = WebhookClient::Create(o);
  EXPECT_TRUE(c.has_value()) << c.error().message;
  return std::move(*c);
}

pipeline::StageOptions Fast() {
  pipeline::StageOptions o;
  o.batch_size = 50;
  o.linger = std::chrono::milliseconds(5);
  return o;
}

// Runs rounds until one finds nothing new (or one fails, then returns false).
bool Drain(AlertDispatcher& d) {
  for (int i = 0; i < 100; ++i) {
    auto n = d.RunOnce();
    if (!n) std::fprintf(stderr, "round failed: %s\n", n.error().message.c_str());
    if (!n) return false;
    if (*n == 0) return true;
  }
  return true;
}

std::vector<std::string> Ids(const std::vector<nlohmann::ordered_json>& bodies) {
  std::vector<std::string> ids;
  for (const auto& b : bodies) ids.push_back(b["alert_id"]);
  return ids;
}

class AlertDispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bus_ = testing::OpenTestBus(dir_.File("bus.db"));
    ASSERT_NE(bus_, nullptr);
  }

  // `n` alerts on ctem.alerts, as the relay publishes them.
  void PublishAlerts(int n, int first = 0) {
    auto p = bus_->CreateProducer();
    ASSERT_TRUE(p.has_value());
    std::vector<bus::OutgoingMessage> out;
    for (int i = first; i < first + n; ++i) {
      OutboxEntry e;
      e.id = i + 1;
      e.ts = testing::WeekStart();
      e.tenant_id = "default";
      e.alert_type = std::string(kSlaBreach);
      e.exposure_key = "key" + std::to_string(i);
      e.title = "CTEM SLA BREACH: exposure " + std::to_string(i) + " (HIGH, 2h overdue)";
      e.payload = {{"severity", "HIGH"}, {"escalation_level", "SECURITY_MANAGER"}};
      e.dedup_key = "SLA_BREACH:default:key" + std::to_string(i) + ":SECURITY_MANAGER";
      // One key for all: one partition, so the order on the topic is the order of i.
      out.push_back({"ctem.alerts", "default/all", OutboundMessage(e).dump(), {}});
    }
    ASSERT_TRUE((*p)->Publish(out, std::chrono::seconds(5)).has_value());
  }

  static std::vector<std::string> Expected(int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i)
      ids.push_back("SLA_BREACH:default:key" + std::to_string(i) + ":SECURITY_MANAGER");
    return ids;
  }

  int64_t Lag() {
    auto lag = bus_->GroupLag(std::string(kAlertDispatcherGroup), {"ctem.alerts"});
    EXPECT_TRUE(lag.has_value());
    int64_t total = 0;
    for (const auto& p : *lag) total += p.lag();
    return total;
  }

  ctem::testing::TempDir dir_;
  std::unique_ptr<bus::Bus> bus_;
  DispatcherMetrics metrics_;
};

TEST_F(AlertDispatcherTest, PostsJsonWithSlackTextInTopicOrder) {
  WebhookReceiver hook;
  ASSERT_TRUE(hook.Start());
  PublishAlerts(5);
  AlertDispatcher d(*bus_, Client(hook.url()), metrics_, Fast());
  ASSERT_TRUE(Drain(d));
  const auto got = hook.accepted();
  EXPECT_EQ(Ids(got), Expected(5));
  EXPECT_EQ(got[0]["text"],
            "[HIGH] CTEM SLA BREACH: exposure 0 (HIGH, 2h overdue) | escalate to SECURITY_MANAGER | tenant "
            "default | "
            "exposure key0 (CTEM-MOBILIZE-001)");
  EXPECT_EQ(got[0].begin().key(), "text");  // Slack reads "text"; the alert's fields follow
  EXPECT_EQ(got[0]["alert_type"], "SLA_BREACH");
  EXPECT_EQ(Lag(), 0);
  EXPECT_EQ(metrics_.delivered.load(), 5u);
}

TEST_F(AlertDispatcherTest, A500ForAWhileIsRetriedWithBackoffAndLosesNothing) {
  WebhookReceiver hook;
  ASSERT_TRUE(hook.Start());
  hook.FailNext(7, 500);  // more than one round's attempts: rounds fail, then recover
  PublishAlerts(5);
  AlertDispatcher d(*bus_, Client(hook.url(), /*attempts=*/3), metrics_, Fast());
  int failed_rounds = 0;
  for (int i = 0; i < 20 && hook.accepted().size() < 5; ++i) {
    if (!d.RunOnce()) ++failed_rounds;
  }
  EXPECT_EQ(failed_rounds, 2);  // 3 + 3 attempts failed, the 7th 500 was the first of round 3
  EXPECT_EQ(Ids(hook.accepted()), Expected(5));
  EXPECT_EQ(hook.requests(), 12);
  EXPECT_EQ(Lag(), 0);
}

TEST_F(AlertDispatcherTest, AReceiverDownForAWhileGetsEverythingOnceItIsBack) {
  WebhookReceiver hook;  // not listening: connections refused
  PublishAlerts(3);
  AlertDispatcher d(*bus_, Client(hook.url()), metrics_, Fast());
  std::thread runner([&] { d.Run(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(800));  // several failed rounds
  PublishAlerts(3, 3);                                          // more alerts while it is down
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(Lag(), 6);
  ASSERT_TRUE(hook.Start());
  EXPECT_TRUE(hook.WaitFor(6));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  d.Stop();
  runner.join();
  EXPECT_EQ(Ids(hook.accepted()), Expected(6));  // in order, each once
  EXPECT_EQ(Lag(), 0);
  EXPECT_GE(metrics_.failed_rounds.load(), 1u);
}

TEST_F(AlertDispatcherTest, ARestartedDispatcherResumesAfterWhatWasAccepted) {
  WebhookReceiver hook;
  ASSERT_TRUE(hook.Start());
  PublishAlerts(5);
  {
    AlertDispatcher first(*bus_, Client(hook.url()), metrics_, Fast());
    ASSERT_TRUE(Drain(first));
  }
  EXPECT_EQ(hook.accepted().size(), 5u);
  PublishAlerts(2, 5);
  hook.FailNext(-1, 503);  // down from now on
  {
    AlertDispatcher second(*bus_, Client(hook.url()), metrics_, Fast());
    EXPECT_FALSE(Drain(second));
  }
  hook.FailNext(0);
  AlertDispatcher third(*bus_, Client(hook.url()), metrics_, Fast());
  ASSERT_TRUE(Drain(third));
  EXPECT_EQ(Ids(hook.accepted()), Expected(7));
}

TEST_F(AlertDispatcherTest, ARefusedAlertIsDeadLetteredAndTheNextOneFollows) {
  WebhookReceiver hook;
  ASSERT_TRUE(hook.Start());
  PublishAlerts(3);
  hook.FailNext(1, 400);
  AlertDispatcher d(*bus_, Client(hook.url()), metrics_, Fast());
  ASSERT_TRUE(Drain(d));
  EXPECT_EQ(Ids(hook.accepted()), (std::vector<std::string>{Expected(3)[1], Expected(3)[2]}));
  const auto dlq = testing::ReadTopic(*bus_, "ctem.dlq");
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_EQ(dlq[0]["stage"], "alert-dispatcher");
  EXPECT_NE(dlq[0]["reason"].get<std::string>().find("HTTP 400"), std::string::npos) << dlq[0].dump();
  EXPECT_EQ(Json::parse(dlq[0]["raw"].get<std::string>())["alert_id"], Expected(3)[0]);
  EXPECT_EQ(metrics_.rejected.load(), 1u);
  EXPECT_EQ(Lag(), 0);
}

TEST(WebhookClientTest, RejectsUrlsItCannotPost) {
  EXPECT_FALSE(WebhookClient::Create({.url = "ftp://example.com/x"}).has_value());
  EXPECT_FALSE(WebhookClient::Create({.url = "hooks.slack.com/services/x"}).has_value());
  EXPECT_FALSE(WebhookClient::Create({.url = "http:///x"}).has_value());
  EXPECT_TRUE(WebhookClient::Create({.url = "https://hooks.slack.com/services/T0/B0/X"}).has_value());
}

// The whole path through a week, both store backends: the SLA enforcer every 4 hours, the
// relay after each run, the dispatcher after that; the webhook is down (refusing connections)
// from hour 24 to hour 60 and answers 500 from hour 60 to hour 80.
class AlertPathWeekTest : public testing::JobsTest {};

TEST_P(AlertPathWeekTest, EveryAlertReachesTheWebhookOnceDespiteAnOutage) {
  auto bus = testing::OpenTestBus(db_.dir().File("bus.db"));
  ASSERT_NE(bus, nullptr);
  const Timestamp t0 = testing::WeekStart();
  Upsert({testing::MakeExposure("crit", Severity::kCritical, t0 + hours(1)),
          testing::MakeExposure("high", Severity::kHigh, t0 + hours(2)),
          testing::MakeExposure("medium", Severity::kMedium, t0 + hours(3) - days(14)),
          testing::MakeExposure("low", Severity::kLow, t0 + hours(10) - days(30))});
  WebhookReceiver hook;
  ASSERT_TRUE(hook.Start());
  SlaEnforcer enforcer(*store_, clock_);
  OutboxRelay relay(*store_, *bus, clock_);
  DispatcherMetrics metrics;
  AlertDispatcher dispatcher(*bus, Client(hook.url()), metrics, Fast());
  std::set<std::string> raised;
  for (int h = 0; h <= 7 * 24; h += 4) {
    if (h == 24) hook.Stop();
    if (h == 60) {
      ASSERT_TRUE(hook.Start());
      hook.FailNext(-1, 500);
    }
    if (h == 80) hook.FailNext(0);
    clock_.Set(t0 + hours(h));
    auto r = enforcer.RunOnce();
    ASSERT_TRUE(r.has_value()) << r.error().message;
    for (const auto& a : r->emitted) raised.insert(a["alert_id"]);
    ASSERT_TRUE(relay.RelayOnce().has_value());
    const bool delivered = Drain(dispatcher);
    // Nothing to deliver until the first alert of the outage (hour 28); then every round fails
    // until the webhook answers 2xx again.
    EXPECT_EQ(delivered, h < 28 || h >= 80) << "hour " << h;
  }
  EXPECT_EQ(raised.size(), 8u);  // medium, low: 1 each; crit, high: at-risk + 2 levels each
  const auto ids = Ids(hook.accepted());
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), raised);
  EXPECT_EQ(ids.size(), raised.size());  // no duplicate: each was committed right after its 2xx
}

INSTANTIATE_TEST_SUITE_P(Backends, AlertPathWeekTest, ::testing::Values("sqlite", "postgres"),
                         testing::BackendName);

}  // namespace
}  // namespace ctem::jobs
