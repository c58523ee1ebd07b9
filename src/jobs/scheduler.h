// Scheduler: runs jobs on their schedules — inside `ctem serve`, or one job per process
// (`ctem sla-enforcer`, `ctem remediation-checker`, `ctem scope-discovery`).
//
// A schedule is an interval (the SLA enforcer: SLA_CHECK_INTERVAL_HOURS) or a cron expression
// (CHECK_SCHEDULE, SCOPE_DISCOVERY_SCHEDULE), on the job clock. The last successful run of
// each job is kept in ctem_job_runs, so a restarted scheduler does not wait a whole period: a
// job that has never run, or whose next time passed while nothing ran it, runs at once; then
// at its schedule's next time after that run. A failed run is retried after `retry_after`
// (the jobs are idempotent, so a retry never raises anything twice).
//
// After each run that queued messages the scheduler relays the outbox (when given a relay),
// so a job process publishes its own alerts.
//
// Thread-safety: one thread drives RunDue/Run; Stop() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jobs/cron.h"
#include "jobs/job.h"
#include "jobs/outbox_relay.h"

namespace ctem::jobs {

class Schedule {
 public:
  static Schedule Every(std::chrono::milliseconds interval);
  static Schedule Cron(CronSchedule cron);
  // The next run after a run at `t`.
  Timestamp NextAfter(Timestamp t) const;
  // "every 4h" / "every 30m" / "cron 0 8 * * *".
  std::string Describe() const;

 private:
  Schedule() = default;
  std::chrono::milliseconds interval_{0};
  std::optional<CronSchedule> cron_;
};

struct ScheduledJob {
  std::unique_ptr<Job> job;
  Schedule schedule;
};

struct SchedulerOptions {
  std::chrono::milliseconds tick{1000};          // how often Run() looks at the clock
  std::chrono::milliseconds retry_after{60000};  // after a failed run
};

// Records a successful run of `job` at `at` in ctem_job_runs (also for `--once` runs, so a
// scheduler started later knows when the job last ran).
Status RecordJobRun(store::Store& store, std::string_view job, Timestamp at, const Json& summary);

class Scheduler {
 public:
  Scheduler(store::Store& store, const Clock& clock, std::vector<ScheduledJob> jobs,
            SchedulerOptions options = {});

  // Relays the outbox after runs that queued messages (optional).
  void SetRelay(OutboxRelay* relay) { relay_ = relay; }
  // Called with each successful run's report.
  void OnReport(std::function<void(const JobReport&)> f) { on_report_ = std::move(f); }

  // Runs every job whose time has come (by the clock's now); returns their reports.
  std::vector<JobReport> RunDue();
  // When `job` runs next (after RunDue has looked at it), if known.
  std::optional<Timestamp> NextRun(std::string_view job) const;
  // Loops RunDue until Stop().
  void Run();
  void Stop() { stop_.store(true); }

 private:
  std::optional<Timestamp> LastRun(std::string_view job);
  void RecordFailure(std::string_view job, const std::string& error);

  store::Store& store_;
  const Clock& clock_;
  std::vector<ScheduledJob> jobs_;
  std::vector<std::optional<Timestamp>> due_;
  SchedulerOptions options_;
  OutboxRelay* relay_ = nullptr;
  std::function<void(const JobReport&)> on_report_;
  std::atomic<bool> stop_{false};
};

}  // namespace ctem::jobs
