// CTEM-PRIORITIZE-001 (seed section 5.1) at a pinned time: runtime boost, SLA status, the
// seven triage priorities and their order, days open from first seen.
#include <gtest/gtest.h>

#include "core/exposure_key.h"
#include "reports/report.h"
#include "support/backends.h"

namespace ctem::reports {
namespace {

Timestamp T(const char* iso) { return *ParseTimestamp(iso); }

class TriageTest : public ::testing::TestWithParam<std::string> {
 protected:
  TriageTest() : db_(GetParam()) {}

  void SetUp() override {
    CTEM_REQUIRE_BACKEND(db_);
    auto s = store::OpenStore(db_.url());
    ASSERT_TRUE(s.has_value()) << s.error().message;
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate());
  }

  void Add(const std::string& name, Severity severity, Timestamp first_seen, const std::string& atlas = "",
           double score = 5.0) {
    Exposure e;
    e.exposure_key = GenerateExposureKey("Test", name, "asset");
    e.ts = first_seen;
    e.source_tool = "Test";
    e.title = name;
    e.severity = severity;
    e.original_severity = "x";
    e.asset_id = "asset";
    e.asset_type = "t";
    e.asset_zone = "Zone3_Enterprise";
    e.ctem_score = score;
    e.atlas_technique = atlas;
    ASSERT_TRUE(store_->UpsertExposures({&e, 1}, first_seen));
  }

  void Sql(const std::string& sql) {
    auto st = store_->Sql().ExecuteInTransaction({{sql, {}}});
    ASSERT_TRUE(st.has_value()) << st.error().message;
  }

  Json Run(Timestamp now, size_t limit = 0) {
    ReportRequest req;
    req.now = now;
    req.limit = limit;
    auto r = TriageReport(*store_, req);
    EXPECT_TRUE(r.has_value());
    return *r;
  }

  testing::TestDatabase db_;
  std::unique_ptr<store::Store> store_;
};

INSTANTIATE_TEST_SUITE_P(Backends, TriageTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) { return param_info.param; });

TEST_P(TriageTest, PrioritiesFollowTheSeedLadder) {
  const Timestamp now = T("2026-11-23T07:00:00Z");
  Add("crit-breached", Severity::kCritical, now - days(3));         // deadline passed -> 1
  Add("crit-fresh", Severity::kCritical, now - hours(1));           // at risk -> 2
  Add("high-breached", Severity::kHigh, now - days(4));             // 72 h passed -> 3
  Add("high-runtime", Severity::kHigh, now - hours(2), "AML.T0051");  // runtime alert -> 4
  Add("high-plain", Severity::kHigh, now - hours(2));               // -> 5
  Add("medium", Severity::kMedium, now - days(1));                  // -> 6
  Add("low", Severity::kLow, now - days(1));                        // -> 7
  Sql("INSERT INTO alerts (ts, alert_title, severity, atlas_technique) VALUES "
      "('2026-11-22T07:00:00.000Z', 'prompt injection', 'High', 'AML.T0051'),"
      "('2026-11-21T07:00:00.000Z', 'prompt injection', 'High', 'AML.T0051'),"
      "('2026-11-01T07:00:00.000Z', 'too old to count', 'High', 'AML.T0051')");
  const Json rows = Run(now);
  ASSERT_EQ(rows.size(), 7u);
  const std::vector<std::pair<std::string, int>> expected = {
      {"crit-breached", 1}, {"crit-fresh", 2}, {"high-breached", 3}, {"high-runtime", 4},
      {"high-plain", 5},    {"medium", 6},     {"low", 7}};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(rows[i]["title"], expected[i].first) << i;
    EXPECT_EQ(rows[i]["triage_priority"], expected[i].second) << i;
  }
  EXPECT_EQ(rows[0]["sla_status"], "BREACHED");
  EXPECT_EQ(rows[1]["sla_status"], "AT_RISK");
  EXPECT_EQ(rows[4]["sla_status"], "ON_TRACK");
  EXPECT_EQ(rows[3]["runtime_alerts"], 2);  // only the alerts of the last 7 days
  EXPECT_DOUBLE_EQ(rows[3]["adjusted_score"].get<double>(), 7.5);  // 5.0 * 1.5
  EXPECT_TRUE(rows[4]["runtime_alerts"].is_null());
  EXPECT_DOUBLE_EQ(rows[4]["adjusted_score"].get<double>(), 5.0);
  EXPECT_EQ(rows[0]["days_open"], 3);
}

TEST_P(TriageTest, DaysOpenCountsFromFirstSeenNotLastSeen) {
  const Timestamp first = T("2026-10-01T00:00:00Z");
  Add("old finding", Severity::kLow, first);
  Add("old finding", Severity::kLow, first + days(40));  // rescan: last seen moves
  const Json rows = Run(first + days(45));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["days_open"], 45);
}

TEST_P(TriageTest, ExcludesClosedAndStaleExposures) {
  const Timestamp now = T("2026-11-23T07:00:00Z");
  Add("closed", Severity::kCritical, now - days(1));
  Add("stale", Severity::kCritical, now - days(91));
  Add("current", Severity::kLow, now - days(1));
  Sql("UPDATE ctem_exposures SET status = 'Closed' WHERE title = 'closed'");
  const Json rows = Run(now);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["title"], "current");
}

TEST_P(TriageTest, HigherAdjustedScoreFirstWithinAPriority) {
  const Timestamp now = T("2026-11-23T07:00:00Z");
  Add("medium-low-score", Severity::kMedium, now - days(1), "", 2.0);
  Add("medium-high-score", Severity::kMedium, now - days(1), "", 4.5);
  const Json rows = Run(now);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["title"], "medium-high-score");
}

// A page is the head of the whole list, for triage (ranked in C++) and for the reports ranked
// in SQL alike.
TEST_P(TriageTest, ALimitedReportIsTheHeadOfTheFullOne) {
  const Timestamp now = T("2026-11-23T07:00:00Z");
  const Severity severities[] = {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow};
  for (int i = 0; i < 40; ++i) {
    Add("finding " + std::to_string(i), severities[i % 4], now - hours(1 + (i * 7) % 120),
        i % 5 == 0 ? "AML.T0051" : "", (i * 37 % 100) / 10.0);
  }
  Sql("INSERT INTO alerts (ts, alert_title, severity, atlas_technique) VALUES "
      "('2026-11-22T07:00:00.000Z', 'prompt injection', 'High', 'AML.T0051')");
  const Json all = Run(now);
  ASSERT_EQ(all.size(), 40u);
  for (size_t limit : {1u, 7u, 39u, 40u, 100u}) {
    const Json page = Run(now, limit);
    ASSERT_EQ(page.size(), std::min<size_t>(limit, 40)) << limit;
    for (size_t i = 0; i < page.size(); ++i) EXPECT_EQ(page[i], all[i]) << "limit " << limit << " row " << i;
  }
  for (const char* name : {"sla-breaches", "sla-at-risk", "correlation", "pending-verifications"}) {
    ReportRequest req;
    req.now = now;
    auto full = FindReport(name)->run(*store_, req);
    ASSERT_TRUE(full.has_value()) << name << ": " << full.error().message;
    req.limit = 3;
    auto page = FindReport(name)->run(*store_, req);
    ASSERT_TRUE(page.has_value()) << name << ": " << page.error().message;
    ASSERT_EQ(page->size(), std::min<size_t>(3, full->size())) << name;
    for (size_t i = 0; i < page->size(); ++i) EXPECT_EQ((*page)[i], (*full)[i]) << name << " row " << i;
  }
}

TEST(SlaStatus, BoundariesAtDeadlineAndTwentyFourHours) {
  const Timestamp now = T("2026-11-23T07:00:00Z");
  EXPECT_EQ(SlaStatus(std::nullopt, now), "ON_TRACK");
  EXPECT_EQ(SlaStatus(now, now), "AT_RISK");  // not yet past: NOW() > deadline is false
  EXPECT_EQ(SlaStatus(now - milliseconds(1), now), "BREACHED");
  EXPECT_EQ(SlaStatus(now + hours(24), now), "ON_TRACK");
  EXPECT_EQ(SlaStatus(now + hours(24) - milliseconds(1), now), "AT_RISK");
}

}  // namespace
}  // namespace ctem::reports
