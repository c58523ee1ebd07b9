// The outbox relay: the store's own alerts (regressions, detection gaps) and the jobs' alerts
// and requests reach their topics once each, in order; a bus outage loses nothing; two relays
// at once publish each row once. Both store backends, embedded bus.
#include "jobs/outbox_relay.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "bus_fixture.h"
#include "jobs/remediation_checker.h"
#include "jobs/sla_enforcer.h"
#include "jobs_fixture.h"

namespace ctem::jobs {
namespace {

using testing::JobsTest;
using testing::MakeExposure;
using testing::WeekStart;

class OutboxRelayTest : public JobsTest {
 protected:
  void SetUp() override {
    JobsTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    bus_ = testing::OpenTestBus(db_.dir().File("bus.db"));
    ASSERT_NE(bus_, nullptr);
  }

  // A regression (a Closed exposure seen again) and an evaded validation: the store's rows.
  void StoreRaisesItsOwnAlerts() {
    Exposure e = MakeExposure("regressed", Severity::kHigh, WeekStart());
    Upsert({e});
    Exec("UPDATE ctem_exposures SET status = 'Closed' WHERE exposure_key = ?", {e.exposure_key});
    e.ts = WeekStart() + hours(1);
    Upsert({e});
    Validation v;
    v.validation_id = "VAL-1";
    v.exposure_id = e.exposure_key;
    v.campaign_id = "RT-1";
    v.ts = WeekStart();
    v.validation_type = "manual_red_team";
    v.exploitable = true;
    v.detection_evaded = true;
    Upsert({v});
  }

  std::unique_ptr<bus::Bus> bus_;
};

TEST_P(OutboxRelayTest, PublishesEveryRowOnceToItsTopicAndMarksIt) {
  StoreRaisesItsOwnAlerts();
  Upsert({MakeExposure("late", Severity::kCritical, WeekStart() - days(3))});
  clock_.Set(WeekStart() + hours(2));
  SlaEnforcer enforcer(*store_, clock_);
  ASSERT_TRUE(enforcer.RunOnce().has_value());
  Remediation r;
  r.remediation_id = "REM-1";
  r.exposure_id = "k";
  r.ts = WeekStart() - days(2);
  r.status = ExposureStatus::kFixDeployed;
  r.assigned_to = "bob";
  r.assigned_date = r.ts;
  r.fix_deployed_date = r.ts;
  Upsert({r});
  RemediationChecker checker(*store_, clock_);
  ASSERT_TRUE(checker.RunOnce().has_value());

  OutboxRelay relay(*store_, *bus_, clock_);
  auto published = relay.RelayOnce();
  ASSERT_TRUE(published.has_value()) << published.error().message;
  EXPECT_EQ(published->size(), 4u);
  auto again = relay.RelayOnce();
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->empty());

  const auto alerts = testing::ReadTopic(*bus_, "ctem.alerts");
  std::vector<std::string> types;
  for (const auto& a : alerts) types.push_back(a["alert_type"]);
  std::multiset<std::string> got(types.begin(), types.end());
  EXPECT_EQ(got, (std::multiset<std::string>{"REGRESSION", "DETECTION_GAP", "SLA_BREACH"}));
  for (const auto& a : alerts) {
    for (const char* field :
         {"alert_id", "alert_type", "rule", "title", "severity", "tenant", "exposure_key", "raised_at"}) {
      EXPECT_TRUE(a.contains(field)) << field << " in " << a.dump();
    }
    EXPECT_EQ(a["tenant"], "default");
    if (a["alert_type"] == "REGRESSION") {
      EXPECT_TRUE(a["alert_id"].get<std::string>().starts_with("outbox-"));
      EXPECT_EQ(a["severity"], "HIGH");
      EXPECT_TRUE(a["rule"].is_null());
      EXPECT_EQ(a["title"], "CTEM REGRESSION: Closed exposure re-detected \u2014 regressed");
    }
    if (a["alert_type"] == "DETECTION_GAP") {
      EXPECT_EQ(a["alert_id"], "DETECTION_GAP:default:VAL-1");
      EXPECT_EQ(a["rule"], "CTEM-FEEDBACK-001");
      EXPECT_EQ(a["severity"], "MEDIUM");
      EXPECT_EQ(a["title"], "CTEM DETECTION GAP: manual_red_team evaded detection (MEDIUM)");
    }
  }
  const auto rescans = testing::ReadTopic(*bus_, "ctem.rescan");
  ASSERT_EQ(rescans.size(), 1u);
  EXPECT_EQ(rescans[0]["remediation_id"], "REM-1");
  EXPECT_EQ(rescans[0]["request_type"], "REMEDIATION_VERIFICATION");
  const auto unpublished = Query("SELECT COUNT(*) FROM ctem_alert_outbox WHERE published_at IS NULL");
  EXPECT_EQ(store::AsInt(unpublished[0][0]), 0);
}

TEST_P(OutboxRelayTest, ABusOutageLosesNothingAndDuplicatesNothing) {
  StoreRaisesItsOwnAlerts();
  testing::FlakyBus flaky(*bus_);
  flaky.failing = true;
  OutboxRelay relay(*store_, flaky, clock_);
  auto down = relay.RelayOnce();
  ASSERT_FALSE(down.has_value());
  auto still = relay.RelayOnce();  // the lease was released: the rows are claimable again at once
  ASSERT_FALSE(still.has_value());
  EXPECT_TRUE(testing::ReadTopic(*bus_, "ctem.alerts").empty());
  flaky.failing = false;
  auto up = relay.RelayOnce();
  ASSERT_TRUE(up.has_value()) << up.error().message;
  EXPECT_EQ(up->size(), 2u);
  EXPECT_EQ(testing::ReadTopic(*bus_, "ctem.alerts").size(), 2u);
}

TEST_P(OutboxRelayTest, TwoRelaysAtOncePublishEachRowOnce) {
  // 300 breach alerts queued; two relays (their own store connections) drain them together.
  std::vector<Exposure> batch;
  for (int i = 0; i < 300; ++i)
    batch.push_back(MakeExposure("e" + std::to_string(i), Severity::kLow, WeekStart() - days(31)));
  Upsert(batch);
  SlaEnforcer enforcer(*store_, clock_);
  auto report = enforcer.RunOnce();
  ASSERT_TRUE(report.has_value());
  ASSERT_EQ(report->emitted.size(), 300u);

  auto s1 = store::OpenStore(db_.url());
  auto s2 = store::OpenStore(db_.url());
  ASSERT_TRUE(s1.has_value() && s2.has_value());
  RelayOptions small;
  small.batch_size = 7;
  OutboxRelay r1(**s1, *bus_, clock_, small);
  OutboxRelay r2(**s2, *bus_, clock_, small);
  size_t n1 = 0, n2 = 0;
  std::thread t1([&] {
    for (int i = 0; i < 200; ++i) {
      auto r = r1.RelayOnce();
      if (r) n1 += r->size();
    }
  });
  std::thread t2([&] {
    for (int i = 0; i < 200; ++i) {
      auto r = r2.RelayOnce();
      if (r) n2 += r->size();
    }
  });
  t1.join();
  t2.join();
  // Whatever a relay left (a busy store), one last pass publishes.
  auto rest = r1.RelayOnce();
  ASSERT_TRUE(rest.has_value()) << rest.error().message;
  EXPECT_EQ(n1 + n2 + rest->size(), 300u);
  const auto alerts = testing::ReadTopic(*bus_, "ctem.alerts");
  std::set<std::string> ids;
  for (const auto& a : alerts) ids.insert(a["alert_id"]);
  EXPECT_EQ(alerts.size(), 300u);
  EXPECT_EQ(ids.size(), 300u);
}

TEST_P(OutboxRelayTest, AnExpiredLeaseOfADeadRelayIsTakenOver) {
  StoreRaisesItsOwnAlerts();
  // A relay claimed the rows and died before publishing: its lease ran out a minute ago.
  Exec("UPDATE ctem_alert_outbox SET lease_until = ?",
       {FormatTimestamp(SystemClock().Now() - std::chrono::minutes(1))});
  OutboxRelay relay(*store_, *bus_, clock_);
  auto r = relay.RelayOnce();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->size(), 2u);
  // A live lease is respected.
  StoreRaisesItsOwnAlerts();  // one more regression row (the validation is not new: no gap row)
  Exec("UPDATE ctem_alert_outbox SET lease_until = ? WHERE published_at IS NULL",
       {FormatTimestamp(SystemClock().Now() + std::chrono::minutes(1))});
  auto leased = relay.RelayOnce();
  ASSERT_TRUE(leased.has_value());
  EXPECT_TRUE(leased->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, OutboxRelayTest, ::testing::Values("sqlite", "postgres"),
                         testing::BackendName);

}  // namespace
}  // namespace ctem::jobs
