// The scheduler: interval and cron schedules on the job clock, a job that never ran runs at
// once, a restarted scheduler catches up on a missed run (ctem_job_runs), a failed run is
// retried, and the outbox is relayed after a run that queued something. Also the
// configuration from the environment.
#include "jobs/scheduler.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "bus_fixture.h"
#include "jobs/config.h"
#include "jobs/sla_enforcer.h"
#include "jobs_fixture.h"

namespace ctem::jobs {
namespace {

using testing::JobsTest;
using testing::WeekStart;

// A job that counts its runs and fails while told to.
class CountingJob final : public Job {
 public:
  CountingJob(const Clock& clock, int& runs, bool& fail) : clock_(clock), runs_(runs), fail_(fail) {}
  std::string_view Name() const override { return "counting"; }
  Result<JobReport> RunOnce() override {
    if (fail_) return Fail(Error::Unavailable("store down (test)"));
    ++runs_;
    JobReport r;
    r.job = "counting";
    r.now = clock_.Now();
    r.summary = {{"runs", runs_}};
    return r;
  }

 private:
  const Clock& clock_;
  int& runs_;
  bool& fail_;
};

class SchedulerTest : public JobsTest {
 protected:
  std::unique_ptr<Scheduler> Make(Schedule schedule, SchedulerOptions options = {}) {
    std::vector<ScheduledJob> jobs;
    jobs.push_back({std::make_unique<CountingJob>(clock_, runs_, fail_), std::move(schedule)});
    return std::make_unique<Scheduler>(*store_, clock_, std::move(jobs), options);
  }
  int runs_ = 0;
  bool fail_ = false;
};

TEST(ScheduleTest, IntervalAndCron) {
  const Timestamp t = WeekStart();
  EXPECT_EQ(Schedule::Every(hours(4)).NextAfter(t), t + hours(4));
  EXPECT_EQ(Schedule::Every(hours(4)).Describe(), "every 4h");
  EXPECT_EQ(Schedule::Every(std::chrono::minutes(30)).Describe(), "every 30m");
  auto cron = CronSchedule::Parse("0 8 * * *");
  ASSERT_TRUE(cron.has_value());
  EXPECT_EQ(Schedule::Cron(*cron).NextAfter(t), t + hours(8));
  EXPECT_EQ(Schedule::Cron(*cron).Describe(), "cron 0 8 * * *");
}

TEST_P(SchedulerTest, EveryFourHoursThroughAWeek) {
  auto s = Make(Schedule::Every(hours(4)));
  for (int minute = 0; minute <= 7 * 24 * 60; minute += 30) {
    clock_.Set(WeekStart() + std::chrono::minutes(minute));
    s->RunDue();
  }
  EXPECT_EQ(runs_, 7 * 6 + 1);  // at 0 h, 4 h, ..., 168 h
  EXPECT_EQ(s->NextRun("counting"), WeekStart() + hours(172));
}

TEST_P(SchedulerTest, ARestartCatchesUpAMissedRunAndOtherwiseWaits) {
  auto cron = *CronSchedule::Parse("0 8 * * *");
  {
    auto s = Make(Schedule::Cron(cron));
    clock_.Set(WeekStart() + hours(8));
    s->RunDue();
    EXPECT_EQ(runs_, 1);
  }
  // Restarted the same day at 10:00: the last run (08:00) stands; next is tomorrow 08:00.
  {
    auto s = Make(Schedule::Cron(cron));
    clock_.Set(WeekStart() + hours(10));
    s->RunDue();
    EXPECT_EQ(runs_, 1);
    EXPECT_EQ(s->NextRun("counting"), WeekStart() + hours(32));
  }
  // Restarted two days later: tomorrow's 08:00 passed while it was down, so it runs at once.
  {
    auto s = Make(Schedule::Cron(cron));
    clock_.Set(WeekStart() + hours(58));
    s->RunDue();
    EXPECT_EQ(runs_, 2);
    EXPECT_EQ(s->NextRun("counting"), WeekStart() + hours(80));
  }
  const auto rows = Query("SELECT runs, last_run_at, last_status FROM ctem_job_runs WHERE job = 'counting'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(store::AsInt(rows[0][0]), 2);
  EXPECT_EQ(FormatTimestamp(*store::AsTimestamp(rows[0][1])), "2026-11-25T10:00:00.000Z");
}

TEST_P(SchedulerTest, AFailedRunIsRetriedAfterTheRetryDelay) {
  SchedulerOptions options;
  options.retry_after = std::chrono::minutes(5);
  auto s = Make(Schedule::Every(hours(4)), options);
  s->RunDue();  // first run succeeds and is recorded
  fail_ = true;
  clock_.Set(WeekStart() + hours(4));
  EXPECT_TRUE(s->RunDue().empty());
  EXPECT_EQ(s->NextRun("counting"), WeekStart() + hours(4) + std::chrono::minutes(5));
  const auto status = Query("SELECT last_status FROM ctem_job_runs WHERE job = 'counting'");
  EXPECT_EQ(store::AsText(status[0][0]), "error: store down (test)");
  fail_ = false;
  clock_.Set(WeekStart() + hours(4) + std::chrono::minutes(5));
  EXPECT_EQ(s->RunDue().size(), 1u);
  EXPECT_EQ(runs_, 2);
}

TEST_P(SchedulerTest, RelaysTheOutboxAfterARunThatQueuedAlerts) {
  auto bus = testing::OpenTestBus(db_.dir().File("bus.db"));
  ASSERT_NE(bus, nullptr);
  Upsert({testing::MakeExposure("late", Severity::kMedium, WeekStart() - days(15))});
  std::vector<ScheduledJob> jobs;
  jobs.push_back({std::make_unique<SlaEnforcer>(*store_, clock_), Schedule::Every(hours(4))});
  Scheduler s(*store_, clock_, std::move(jobs));
  OutboxRelay relay(*store_, *bus, clock_);
  s.SetRelay(&relay);
  std::vector<JobReport> seen;
  s.OnReport([&](const JobReport& r) { seen.push_back(r); });
  s.RunDue();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].emitted.size(), 1u);
  const auto alerts = testing::ReadTopic(*bus, "ctem.alerts");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0]["alert_id"], seen[0].emitted[0]["alert_id"]);
}

TEST(JobsConfigTest, DefaultsAndEnvironment) {
  unsetenv("SLA_CHECK_INTERVAL_HOURS");
  unsetenv("CHECK_SCHEDULE");
  unsetenv("SCOPE_DISCOVERY_SCHEDULE");
  unsetenv("CTEM_ALERT_WEBHOOK");
  unsetenv("CTEM_ALERT_WEBHOOK_ATTEMPTS");
  auto c = JobsConfigFromEnv();
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->sla_interval, hours(4));
  EXPECT_EQ(c->check_schedule, "0 8 * * *");
  EXPECT_EQ(c->scope_schedule, "0 6 * * 1");
  EXPECT_TRUE(c->webhook.url.empty());
  setenv("SLA_CHECK_INTERVAL_HOURS", "0.5", 1);
  setenv("CTEM_ALERT_WEBHOOK_ATTEMPTS", "9", 1);
  c = JobsConfigFromEnv();
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->sla_interval, std::chrono::minutes(30));
  EXPECT_EQ(c->webhook.max_attempts, 9);
  setenv("CHECK_SCHEDULE", "0 25 * * *", 1);
  c = JobsConfigFromEnv();
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().message.find("CHECK_SCHEDULE"), std::string::npos) << c.error().message;
  setenv("CHECK_SCHEDULE", "0 8 * * *", 1);
  setenv("SLA_CHECK_INTERVAL_HOURS", "four", 1);
  c = JobsConfigFromEnv();
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().message.find("SLA_CHECK_INTERVAL_HOURS"), std::string::npos);
  unsetenv("SLA_CHECK_INTERVAL_HOURS");
  unsetenv("CHECK_SCHEDULE");
  unsetenv("CTEM_ALERT_WEBHOOK_ATTEMPTS");
}

INSTANTIATE_TEST_SUITE_P(Backends, SchedulerTest, ::testing::Values("sqlite", "postgres"),
                         testing::BackendName);

}  // namespace
}  // namespace ctem::jobs
