// The remediation checker through a scripted week (issue 7): fixes deployed at different
// times, one verified, one redeployed; re-scan requests appear once per fix, whether the
// checker runs on its daily cron or every hour. Both backends.
#include "jobs/remediation_checker.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>

#include "jobs/scheduler.h"
#include "jobs_fixture.h"

namespace ctem::jobs {
namespace {

using testing::JobsTest;
using testing::MakeExposure;
using testing::WeekStart;

class RemediationCheckerTest : public JobsTest {
 protected:
  Remediation Fix(const std::string& id, const std::string& exposure_key, int deployed_hour,
                  const std::string& tenant = "default") {
    Remediation r;
    r.remediation_id = id;
    r.exposure_id = exposure_key;
    r.ts = At(deployed_hour);
    r.status = ExposureStatus::kFixDeployed;
    r.assigned_to = "bob@example.com";
    r.assigned_date = At(0) - days(2);
    r.fix_deployed_date = At(deployed_hour);
    r.fix_description = "upgrade " + id;
    r.pull_request_url = "https://git.example.com/pr/" + id;
    r.tenant_id = tenant;
    return r;
  }
  Timestamp At(int hour) const { return WeekStart() + hours(hour); }

  // The week's events by hour; returns them for the run loop.
  std::multimap<int, std::function<void()>> Week() {
    std::multimap<int, std::function<void()>> events;
    e1_ = MakeExposure("e1", Severity::kHigh, At(0) - days(3));
    e2_ = MakeExposure("e2", Severity::kCritical, At(0) - days(3));
    e3_ = MakeExposure("e3", Severity::kMedium, At(0) - days(3));
    e4_ = MakeExposure("e4", Severity::kLow, At(0) - days(3));
    events.emplace(0, [this] {
      Upsert({e1_, e2_, e3_, e4_});
      Remediation assigned = Fix("R5", e4_.exposure_key, 0);
      assigned.status = ExposureStatus::kOpen;  // Assigned: no fix yet
      assigned.fix_deployed_date.reset();
      Upsert({Fix("R6", "no-such-exposure", 0, "other"), assigned});
    });
    events.emplace(2, [this] { Upsert({Fix("R4", e4_.exposure_key, 2)}); });
    events.emplace(6, [this] { Upsert({Fix("R2", e2_.exposure_key, 6)}); });
    events.emplace(9, [this] { Upsert({Fix("R3", e3_.exposure_key, 9)}); });
    events.emplace(10, [this] { Upsert({Fix("R1", e1_.exposure_key, 10)}); });
    events.emplace(36, [this] {  // Tuesday 12:00: R3 verified
      Remediation r = Fix("R3", e3_.exposure_key, 9);
      r.status = ExposureStatus::kVerified;
      r.verified_date = At(36);
      r.verified_by = "carol@example.com";
      Upsert({r});
    });
    events.emplace(63, [this] { Upsert({Fix("R4", e4_.exposure_key, 63)}); });  // Wednesday 15:00: redeployed
    return events;
  }

  Exposure e1_, e2_, e3_, e4_;
};

// (hour, remediation_id, fix_deployed_date)
using Request = std::tuple<int, std::string, std::string>;

TEST_P(RemediationCheckerTest, DailyCronRequestsEachFixOnce) {
  auto events = Week();
  std::vector<ScheduledJob> jobs;
  jobs.push_back({std::make_unique<RemediationChecker>(*store_, clock_),
                  Schedule::Cron(*CronSchedule::Parse("0 8 * * *"))});
  Scheduler scheduler(*store_, clock_, std::move(jobs));
  std::vector<Request> requests;
  std::vector<int> run_hours;
  for (int h = 0; h <= 7 * 24; ++h) {
    for (auto it = events.begin(); it != events.end() && it->first <= h;) {
      clock_.Set(At(it->first));
      it->second();
      it = events.erase(it);
    }
    clock_.Set(At(h));
    for (const JobReport& r : scheduler.RunDue()) {
      run_hours.push_back(h);
      for (const auto& m : r.emitted) {
        requests.emplace_back(h, m["remediation_id"].get<std::string>(),
                              m["fix_deployed_date"].get<std::string>());
      }
    }
  }
  // Runs: at start (never ran), then 08:00 every day.
  EXPECT_EQ(run_hours, (std::vector<int>{0, 8, 32, 56, 80, 104, 128, 152}));
  const std::vector<Request> expected = {
      {32, "R2", "2026-11-23T06:00:00.000Z"},  {32, "R4", "2026-11-23T02:00:00.000Z"},
      {32, "R6", "2026-11-23T00:00:00.000Z"},  {56, "R1", "2026-11-23T10:00:00.000Z"},
      {104, "R4", "2026-11-25T15:00:00.000Z"},
  };
  EXPECT_EQ(std::multiset<Request>(requests.begin(), requests.end()),
            std::multiset<Request>(expected.begin(), expected.end()));
  EXPECT_EQ(Outbox("RESCAN_REQUEST").size(), expected.size());
  for (const auto& row : Outbox("RESCAN_REQUEST")) EXPECT_EQ(row["topic"], "ctem.rescan");
  // The scheduler kept the last run.
  const auto runs = Query("SELECT runs, last_status FROM ctem_job_runs WHERE job = 'remediation-checker'");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(store::AsInt(runs[0][0]), 8);
  EXPECT_EQ(store::AsText(runs[0][1]), "ok");
}

TEST_P(RemediationCheckerTest, HourlyRunsStillRequestEachFixOnce) {
  auto events = Week();
  RemediationChecker checker(*store_, clock_);
  std::vector<Request> requests;
  for (int h = 0; h <= 7 * 24; ++h) {
    for (auto it = events.begin(); it != events.end() && it->first <= h;) {
      clock_.Set(At(it->first));
      it->second();
      it = events.erase(it);
    }
    clock_.Set(At(h));
    auto r = checker.RunOnce();
    ASSERT_TRUE(r.has_value()) << r.error().message;
    for (const auto& m : r->emitted) {
      requests.emplace_back(h, m["remediation_id"].get<std::string>(),
                            m["fix_deployed_date"].get<std::string>());
    }
  }
  // Each first hour strictly more than 24 h after its fix; R3 before it was verified.
  const std::vector<Request> expected = {
      {25, "R6", "2026-11-23T00:00:00.000Z"}, {27, "R4", "2026-11-23T02:00:00.000Z"},
      {31, "R2", "2026-11-23T06:00:00.000Z"}, {34, "R3", "2026-11-23T09:00:00.000Z"},
      {35, "R1", "2026-11-23T10:00:00.000Z"}, {88, "R4", "2026-11-25T15:00:00.000Z"},
  };
  EXPECT_EQ(std::multiset<Request>(requests.begin(), requests.end()),
            std::multiset<Request>(expected.begin(), expected.end()));
}

TEST_P(RemediationCheckerTest, RequestCarriesExposureAssetToolAndFix) {
  clock_.Set(At(0));
  e1_ = MakeExposure("e1", Severity::kHigh, At(0) - days(3));
  Upsert({e1_});
  Upsert({Fix("R1", e1_.exposure_key, 0), Fix("R9", "missing-key", 0)});
  clock_.Set(At(30));
  RemediationChecker checker(*store_, clock_);
  auto r = checker.RunOnce();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->emitted.size(), 2u);
  const auto& m = r->emitted[0]["remediation_id"] == "R1" ? r->emitted[0] : r->emitted[1];
  EXPECT_EQ(m["request_id"], "RESCAN_REQUEST:default:R1:2026-11-23T00:00:00.000Z");
  EXPECT_EQ(m["request_type"], "REMEDIATION_VERIFICATION");
  EXPECT_EQ(m["tenant"], "default");
  EXPECT_EQ(m["exposure_key"], e1_.exposure_key);
  EXPECT_EQ(m["asset_id"], "asset-e1");
  EXPECT_EQ(m["asset_type"], "VirtualMachine");
  EXPECT_EQ(m["asset_zone"], "Zone3_Enterprise");
  EXPECT_EQ(m["source_tool"], "Wiz");
  EXPECT_EQ(m["severity"], "HIGH");
  EXPECT_EQ(m["fix_description"], "upgrade R1");
  EXPECT_EQ(m["pull_request_url"], "https://git.example.com/pr/R1");
  EXPECT_EQ(m["fix_deployed_date"], "2026-11-23T00:00:00.000Z");
  EXPECT_EQ(m["hours_since_fix"], 30.0);
  EXPECT_EQ(m["action"], "Trigger re-scan to verify remediation effectiveness");
  const auto& missing = r->emitted[0]["remediation_id"] == "R9" ? r->emitted[0] : r->emitted[1];
  EXPECT_TRUE(missing["asset_id"].is_null());
  EXPECT_EQ(missing["exposure_found"], false);
  // Re-ingesting the same remediation record keeps the mark: no second request.
  Upsert({Fix("R1", e1_.exposure_key, 0)});
  auto again = checker.RunOnce();
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->emitted.empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, RemediationCheckerTest, ::testing::Values("sqlite", "postgres"),
                         testing::BackendName);

}  // namespace
}  // namespace ctem::jobs
