// The SLA enforcer through a scripted week (issue 7): exposures of each severity cross their
// deadlines while the enforcer runs every 4 hours; alerts appear exactly when the seed's
// ladder says, once each (erratum 8), and at-risk warnings once per exposure per deadline.
// Both backends.
#include "jobs/sla_enforcer.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <tuple>

#include "jobs_fixture.h"

namespace ctem::jobs {
namespace {

using testing::JobsTest;
using testing::MakeExposure;
using testing::T;
using testing::WeekStart;

// (hour of the run, alert type, exposure title, escalation level or "")
using Seen = std::tuple<int, std::string, std::string, std::string>;

class SlaEnforcerTest : public JobsTest {};

TEST(EscalationRankTest, FollowsTheLadder) {
  EXPECT_EQ(EscalationRank(""), 0);
  EXPECT_LT(EscalationRank("SECURITY_TEAM_LEAD"), EscalationRank("SECURITY_MANAGER"));
  EXPECT_LT(EscalationRank("SECURITY_MANAGER"), EscalationRank("SECURITY_DIRECTOR"));
  EXPECT_LT(EscalationRank("SECURITY_DIRECTOR"), EscalationRank("CISO_EXECUTIVE"));
}

TEST_P(SlaEnforcerTest, ScriptedWeekAlertsExactlyWhenTheLadderSaysOnceEach) {
  const Timestamp t0 = WeekStart();
  auto at = [&](int h) { return t0 + hours(h); };
  const Exposure crit = MakeExposure("crit", Severity::kCritical, at(1));
  const Exposure high = MakeExposure("high", Severity::kHigh, at(2));
  const Exposure medium = MakeExposure("medium", Severity::kMedium, at(3) - days(14));
  const Exposure low = MakeExposure("low", Severity::kLow, at(10) - days(30));
  const Exposure fixed = MakeExposure("fixed", Severity::kCritical, at(1));
  Exposure raised = MakeExposure("raised", Severity::kHigh, at(0));
  const Exposure other = MakeExposure("other-crit", Severity::kCritical, at(0), "other");

  // The week's events, applied before the run at or after their hour.
  std::multimap<int, std::function<void()>> events;
  events.emplace(0, [&] { Upsert({medium, low, raised, other}); });
  events.emplace(1, [&] { Upsert({crit, fixed}); });
  events.emplace(1, [&] {
    Remediation r;
    r.remediation_id = "REM-crit";
    r.exposure_id = crit.exposure_key;
    r.ts = at(1);
    r.assigned_to = "alice@example.com";
    r.assigned_date = at(1);
    Upsert({r});
  });
  events.emplace(2, [&] { Upsert({high}); });
  events.emplace(20, [&] {
    Exec("UPDATE ctem_exposures SET status = 'FixDeployed' WHERE exposure_key = ?", {fixed.exposure_key});
  });
  events.emplace(30, [&] {  // a rescan raises the severity: the deadline tightens to first seen + 24 h
    raised.severity = Severity::kCritical;
    raised.ts = at(30);
    Upsert({raised});
  });

  SlaEnforcer enforcer(*store_, clock_);
  std::vector<Seen> seen;
  size_t emitted_total = 0;
  for (int h = 0; h <= 7 * 24; h += 4) {
    for (auto it = events.begin(); it != events.end() && it->first <= h;) {
      clock_.Set(at(it->first));
      it->second();
      it = events.erase(it);
    }
    clock_.Set(at(h));
    auto report = enforcer.RunOnce();
    ASSERT_TRUE(report.has_value()) << report.error().message;
    for (const auto& alert : report->emitted) {
      seen.emplace_back(h, alert["alert_type"].get<std::string>(), alert["title"].get<std::string>(),
                        alert.value("escalation_level", std::string()));
    }
    emitted_total += report->emitted.size();
    // Running again at the same moment raises nothing more.
    auto again = enforcer.RunOnce();
    ASSERT_TRUE(again.has_value()) << again.error().message;
    EXPECT_TRUE(again->emitted.empty()) << "hour " << h << ": " << again->emitted.front().dump();
  }
  const std::vector<Seen> expected = {
      {4, "SLA_BREACH", "CTEM SLA BREACH: medium (MEDIUM, 1h overdue)", "SECURITY_TEAM_LEAD"},
      {4, "SLA_AT_RISK", "CTEM SLA AT RISK: other-crit \u2014 20h remaining (CRITICAL)", ""},
      {4, "SLA_AT_RISK", "CTEM SLA AT RISK: crit \u2014 21h remaining (CRITICAL)", ""},
      {4, "SLA_AT_RISK", "CTEM SLA AT RISK: fixed \u2014 21h remaining (CRITICAL)", ""},
      {12, "SLA_BREACH", "CTEM SLA BREACH: low (LOW, 2h overdue)", "SECURITY_TEAM_LEAD"},
      {28, "SLA_BREACH", "CTEM SLA BREACH: crit (CRITICAL, 3h overdue)", "SECURITY_DIRECTOR"},
      {28, "SLA_BREACH", "CTEM SLA BREACH: other-crit (CRITICAL, 4h overdue)", "SECURITY_DIRECTOR"},
      {32, "SLA_BREACH", "CTEM SLA BREACH: raised (CRITICAL, 8h overdue)", "SECURITY_DIRECTOR"},
      {52, "SLA_BREACH", "CTEM SLA BREACH: crit (CRITICAL, 27h overdue)", "CISO_EXECUTIVE"},
      {52, "SLA_BREACH", "CTEM SLA BREACH: raised (CRITICAL, 28h overdue)", "CISO_EXECUTIVE"},
      {52, "SLA_AT_RISK", "CTEM SLA AT RISK: high \u2014 22h remaining (HIGH)", ""},
      {52, "SLA_BREACH", "CTEM SLA BREACH: other-crit (CRITICAL, 28h overdue)", "CISO_EXECUTIVE"},
      {76, "SLA_BREACH", "CTEM SLA BREACH: high (HIGH, 2h overdue)", "SECURITY_MANAGER"},
      {124, "SLA_BREACH", "CTEM SLA BREACH: high (HIGH, 50h overdue)", "SECURITY_DIRECTOR"},
  };
  // Within one run the order is per tenant, breaches before warnings; compare as sets per run.
  EXPECT_EQ(std::multiset<Seen>(seen.begin(), seen.end()),
            std::multiset<Seen>(expected.begin(), expected.end()));
  EXPECT_EQ(emitted_total, expected.size());

  // Every alert is in the outbox once, with its state.
  const auto outbox = Outbox();
  ASSERT_EQ(outbox.size(), expected.size());
  std::set<std::string> dedup;
  for (const auto& row : outbox) dedup.insert(row["dedup_key"].get<std::string>());
  EXPECT_EQ(dedup.size(), outbox.size());
  for (const auto& row : outbox) EXPECT_EQ(row["topic"], "ctem.alerts");

  auto state = [&](const Exposure& e) {
    auto got = store_->GetExposure(e.tenant_id, e.exposure_key);
    EXPECT_TRUE(got.has_value() && got->has_value());
    return **got;
  };
  EXPECT_TRUE(state(crit).sla_breached);
  EXPECT_EQ(state(crit).escalation_level, "CISO_EXECUTIVE");
  EXPECT_EQ(state(high).escalation_level, "SECURITY_DIRECTOR");
  EXPECT_EQ(state(medium).escalation_level, "SECURITY_TEAM_LEAD");
  EXPECT_EQ(state(low).escalation_level, "SECURITY_TEAM_LEAD");
  EXPECT_FALSE(state(fixed).sla_breached);
  EXPECT_EQ(state(fixed).escalation_level, "");
  EXPECT_EQ(state(other).escalation_level, "CISO_EXECUTIVE");
  // The open remediation of a breached exposure carries the same level.
  const auto rem =
      Query("SELECT sla_breached, escalation_level FROM ctem_remediations WHERE remediation_id = 'REM-crit'");
  ASSERT_EQ(rem.size(), 1u);
  EXPECT_TRUE(store::AsBool(rem[0][0]));
  EXPECT_EQ(store::AsText(rem[0][1]), "CISO_EXECUTIVE");
}

TEST_P(SlaEnforcerTest, AlertCarriesTheSeedFieldsAndTheEnvelope) {
  const Exposure crit = MakeExposure("crit", Severity::kCritical, WeekStart());
  Upsert({crit});
  clock_.Set(WeekStart() + hours(30));
  SlaEnforcer enforcer(*store_, clock_);
  auto report = enforcer.RunOnce();
  ASSERT_TRUE(report.has_value()) << report.error().message;
  ASSERT_EQ(report->emitted.size(), 1u);
  const auto& a = report->emitted[0];
  EXPECT_EQ(a["alert_id"], "SLA_BREACH:default:" + crit.exposure_key + ":SECURITY_DIRECTOR");
  EXPECT_EQ(a["alert_type"], "SLA_BREACH");
  EXPECT_EQ(a["rule"], "CTEM-MOBILIZE-001");
  EXPECT_EQ(a["severity"], "CRITICAL");
  EXPECT_EQ(a["tenant"], "default");
  EXPECT_EQ(a["exposure_key"], crit.exposure_key);
  EXPECT_EQ(a["raised_at"], "2026-11-24T06:00:00.000Z");
  // The seed's MOBILIZE-001 dict.
  EXPECT_EQ(a["alert_title"], "CTEM SLA BREACH: crit (CRITICAL, 6h overdue)");
  EXPECT_EQ(a["escalation_level"], "SECURITY_DIRECTOR");
  EXPECT_EQ(a["hours_overdue"], 6.0);
  for (const char* field : {"title", "physical_consequence", "atlas_technique", "threat_model_ref",
                            "assigned_to", "sla_deadline", "asset_zone", "source_tool"}) {
    EXPECT_TRUE(a.contains(field)) << field;
  }
  EXPECT_EQ(a["breach"], "new");
  EXPECT_TRUE(a["previous_escalation_level"].is_null());
}

TEST_P(SlaEnforcerTest, ALateFirstRunAlertsTheCurrentLevelOnly) {
  // The enforcer was down: a CRITICAL exposure 30 h overdue is alerted once, at CISO_EXECUTIVE.
  Upsert({MakeExposure("late", Severity::kCritical, WeekStart())});
  clock_.Set(WeekStart() + hours(54));
  SlaEnforcer enforcer(*store_, clock_);
  auto report = enforcer.RunOnce();
  ASSERT_TRUE(report.has_value()) << report.error().message;
  ASSERT_EQ(report->emitted.size(), 1u);
  EXPECT_EQ(report->emitted[0]["escalation_level"], "CISO_EXECUTIVE");
  EXPECT_EQ(report->emitted[0]["breach"], "new");
}

TEST_P(SlaEnforcerTest, TheLadderNeverDescendsAndATightenedDeadlineWarnsAgain) {
  // HIGH at-risk warned for its deadline; the severity rises to CRITICAL with a deadline still
  // ahead: a new deadline, so a new warning (once).
  Exposure e = MakeExposure("tighten", Severity::kHigh, WeekStart());
  Upsert({e});
  SlaEnforcer enforcer(*store_, clock_);
  clock_.Set(WeekStart() + hours(50));  // 22 h left of 72
  auto first = enforcer.RunOnce();
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->emitted.size(), 1u);
  EXPECT_EQ(first->emitted[0]["alert_type"], "SLA_AT_RISK");
  // A level set by a racing run (or an operator) above the ladder's answer is kept, unalerted.
  Exec(
      "UPDATE ctem_exposures SET sla_breached = TRUE, escalation_level = 'CISO_EXECUTIVE' WHERE exposure_key "
      "= ?",
      {e.exposure_key});
  clock_.Set(WeekStart() + hours(80));  // HIGH, 8 h overdue: SECURITY_MANAGER < CISO_EXECUTIVE
  auto second = enforcer.RunOnce();
  ASSERT_TRUE(second.has_value());
  EXPECT_TRUE(second->emitted.empty());
  auto got = store_->GetExposure("default", e.exposure_key);
  ASSERT_TRUE(got.has_value() && got->has_value());
  EXPECT_EQ((*got)->escalation_level, "CISO_EXECUTIVE");
}

TEST_P(SlaEnforcerTest, TwoEnforcersRacingWriteEachAlertOnce) {
  Upsert({MakeExposure("race", Severity::kMedium, WeekStart() - days(15))});
  SlaEnforcer a(*store_, clock_);
  auto other_store = store::OpenStore(db_.url());
  ASSERT_TRUE(other_store.has_value());
  SlaEnforcer b(**other_store, clock_);
  // Both decide before either writes: simulated by running b against a state a has not seen.
  auto ra = a.RunOnce();
  Exec("UPDATE ctem_exposures SET sla_breached = FALSE, escalation_level = ''");  // b's stale view
  auto rb = b.RunOnce();
  ASSERT_TRUE(ra.has_value() && rb.has_value());
  EXPECT_EQ(ra->emitted.size(), 1u);
  EXPECT_EQ(Outbox("SLA_BREACH").size(), 1u);  // the dedup key kept the second row out
}

INSTANTIATE_TEST_SUITE_P(Backends, SlaEnforcerTest, ::testing::Values("sqlite", "postgres"),
                         testing::BackendName);

}  // namespace
}  // namespace ctem::jobs
