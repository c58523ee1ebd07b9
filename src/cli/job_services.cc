#include "cli/job_services.h"

#include "jobs/remediation_checker.h"
#include "jobs/scope_discovery.h"
#include "jobs/sla_enforcer.h"

namespace ctem::cli {

Result<std::unique_ptr<Clock>> JobClock(const Context& ctx) {
  if (ctx.options().now.empty()) return std::unique_ptr<Clock>(std::make_unique<SystemClock>());
  auto now = ParseTimestamp(ctx.options().now);
  if (!now) return Fail(Error::InvalidArgument("--now: " + now.error().message));
  return std::unique_ptr<Clock>(std::make_unique<ManualClock>(*now));
}

Result<std::unique_ptr<jobs::Job>> MakeJob(std::string_view name, store::Store& store, const Clock& clock,
                                           const ZoneResolver* resolver) {
  if (name == jobs::kSlaEnforcerJob)
    return std::unique_ptr<jobs::Job>(std::make_unique<jobs::SlaEnforcer>(store, clock));
  if (name == jobs::kRemediationCheckerJob) {
    return std::unique_ptr<jobs::Job>(std::make_unique<jobs::RemediationChecker>(store, clock));
  }
  if (name == jobs::kScopeDiscoveryJob) {
    return std::unique_ptr<jobs::Job>(std::make_unique<jobs::ScopeDiscovery>(store, clock, resolver));
  }
  return Fail(Error::InvalidArgument("unknown job '" + std::string(name) + "'"));
}

Result<jobs::Schedule> JobSchedule(std::string_view name, const jobs::JobsConfig& config) {
  if (name == jobs::kSlaEnforcerJob) return jobs::Schedule::Every(config.sla_interval);
  const std::string& expr =
      name == jobs::kRemediationCheckerJob ? config.check_schedule : config.scope_schedule;
  auto cron = jobs::CronSchedule::Parse(expr);
  if (!cron) return Fail(cron.error());
  return jobs::Schedule::Cron(std::move(*cron));
}

Result<std::unique_ptr<JobServices>> JobServices::Create(const Context& ctx, bus::Bus& bus,
                                                         const Clock& clock, const ZoneResolver* resolver,
                                                         const jobs::JobsConfig& config, Which which) {
  auto services = std::unique_ptr<JobServices>(new JobServices());
  auto open_store = [&]() -> Result<store::Store*> {
    auto s = ctx.OpenStore(/*migrate=*/false);
    if (!s) return Fail(s.error());
    services->stores_.push_back(std::move(*s));
    return services->stores_.back().get();
  };
  if (which.scheduler) {
    auto store = open_store();
    if (!store) return Fail(store.error());
    std::vector<jobs::ScheduledJob> scheduled;
    for (std::string_view name :
         {jobs::kSlaEnforcerJob, jobs::kRemediationCheckerJob, jobs::kScopeDiscoveryJob}) {
      auto job = MakeJob(name, **store, clock, resolver);
      if (!job) return Fail(job.error());
      auto schedule = JobSchedule(name, config);
      if (!schedule) return Fail(schedule.error());
      services->descriptions_.push_back(std::string(name) + " " + schedule->Describe());
      services->names_.emplace_back(name);
      scheduled.push_back({std::move(*job), std::move(*schedule)});
    }
    services->scheduler_ = std::make_unique<jobs::Scheduler>(**store, clock, std::move(scheduled));
  }
  if (which.relay) {
    auto store = open_store();
    if (!store) return Fail(store.error());
    services->relay_ = std::make_unique<jobs::OutboxRelay>(**store, bus, clock, config.relay);
    services->descriptions_.push_back("outbox-relay");
    services->names_.emplace_back("outbox-relay");
  }
  if (which.dispatcher && !config.webhook.url.empty()) {
    auto webhook = jobs::WebhookClient::Create(config.webhook);
    if (!webhook) return Fail(webhook.error());
    services->dispatcher_ =
        std::make_unique<jobs::AlertDispatcher>(bus, std::move(*webhook), services->dispatcher_metrics_);
    services->descriptions_.push_back("alert-dispatcher");
    services->names_.emplace_back("alert-dispatcher");
  }
  return services;
}

void JobServices::Start() {
  if (scheduler_) threads_.emplace_back([this] { scheduler_->Run(); });
  if (relay_) threads_.emplace_back([this] { relay_->Run(); });
  if (dispatcher_) threads_.emplace_back([this] { dispatcher_->Run(); });
}

void JobServices::RequestStop() {
  if (scheduler_) scheduler_->Stop();
  if (relay_) relay_->Stop();
  if (dispatcher_) dispatcher_->Stop();
}

void JobServices::Stop() {
  RequestStop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

}  // namespace ctem::cli
