#include "jobs/scheduler.h"

#include <spdlog/spdlog.h>

namespace ctem::jobs {

Schedule Schedule::Every(std::chrono::milliseconds interval) {
  Schedule s;
  s.interval_ = std::max(interval, std::chrono::milliseconds(1000));
  return s;
}

Schedule Schedule::Cron(CronSchedule cron) {
  Schedule s;
  s.cron_ = std::move(cron);
  return s;
}

Timestamp Schedule::NextAfter(Timestamp t) const {
  return cron_ ? cron_->NextAfter(t) : t + interval_;
}

std::string Schedule::Describe() const {
  if (cron_) return "cron " + cron_->expression();
  const auto ms = interval_.count();
  if (ms % 3'600'000 == 0) return "every " + std::to_string(ms / 3'600'000) + "h";
  if (ms % 60'000 == 0) return "every " + std::to_string(ms / 60'000) + "m";
  return "every " + std::to_string(ms / 1000) + "s";
}

Scheduler::Scheduler(store::Store& store, const Clock& clock, std::vector<ScheduledJob> jobs,
                     SchedulerOptions options)
    : store_(store), clock_(clock), jobs_(std::move(jobs)), due_(jobs_.size()), options_(options) {}

std::optional<Timestamp> Scheduler::LastRun(std::string_view job) {
  auto rows = store_.Sql().Query("SELECT last_run_at FROM ctem_job_runs WHERE job = ?", {std::string(job)});
  if (!rows || rows->empty()) return std::nullopt;
  return store::AsTimestamp(rows->front()[0]);
}

Status RecordJobRun(store::Store& store, std::string_view job, Timestamp at, const Json& summary) {
  const std::string now = FormatTimestamp(at);
  return store.Sql().ExecuteInTransaction(
      {{"INSERT INTO ctem_job_runs (job, last_run_at, last_status, last_summary, runs, updated_at) "
        "VALUES (?, ?, 'ok', ?, 1, ?) ON CONFLICT (job) DO UPDATE SET last_run_at = excluded.last_run_at, "
        "last_status = excluded.last_status, last_summary = excluded.last_summary, runs = ctem_job_runs.runs "
        "+ 1, "
        "updated_at = excluded.updated_at",
        {std::string(job), now, summary.dump(), now}}});
}

void Scheduler::RecordFailure(std::string_view job, const std::string& error) {
  (void)store_.Sql().ExecuteInTransaction(
      {{"UPDATE ctem_job_runs SET last_status = ?, updated_at = ? WHERE job = ?",
        {"error: " + error, FormatTimestamp(clock_.Now()), std::string(job)}}});
}

std::vector<JobReport> Scheduler::RunDue() {
  std::vector<JobReport> reports;
  bool queued = false;
  for (size_t i = 0; i < jobs_.size() && !stop_.load(); ++i) {
    const std::string name(jobs_[i].job->Name());
    const Timestamp now = clock_.Now();
    if (!due_[i]) {
      const auto last = LastRun(name);
      due_[i] = last ? jobs_[i].schedule.NextAfter(*last) : now;
    }
    if (*due_[i] > now) continue;
    auto r = jobs_[i].job->RunOnce();
    if (!r) {
      spdlog::warn("{}: run failed: {} (retrying in {} s)", name, r.error().message,
                   std::chrono::duration_cast<std::chrono::seconds>(options_.retry_after).count());
      RecordFailure(name, r.error().message);
      due_[i] = now + options_.retry_after;
      continue;
    }
    if (auto st = RecordJobRun(store_, name, r->now, r->summary); !st) {
      spdlog::warn("{}: could not record the run: {}", name, st.error().message);
    }
    due_[i] = jobs_[i].schedule.NextAfter(r->now);
    spdlog::info("{}: {} (next run {})", name, r->summary.dump(), FormatTimestamp(*due_[i]));
    queued = queued || !r->emitted.empty();
    if (on_report_) on_report_(*r);
    reports.push_back(std::move(*r));
  }
  if (queued && relay_ != nullptr) {
    // A relay that fails here leaves the rows in the outbox for the next relay round.
    if (auto published = relay_->RelayOnce(); !published) {
      spdlog::warn("scheduler: queued messages not published yet: {}", published.error().message);
    }
  }
  return reports;
}

std::optional<Timestamp> Scheduler::NextRun(std::string_view job) const {
  for (size_t i = 0; i < jobs_.size(); ++i) {
    if (jobs_[i].job->Name() == job) return due_[i];
  }
  return std::nullopt;
}

void Scheduler::Run() {
  while (!stop_.load()) {
    RunDue();
    SleepUnlessStopped(options_.tick, stop_);
  }
}

}  // namespace ctem::jobs
