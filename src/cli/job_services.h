// The jobs as services of the `ctem` binary: what `ctem serve` runs beside the gateway and the
// pipeline stages, and what the job commands (jobs_commands.cc) run on their own.
//
// In `ctem serve`: a scheduler thread (SLA enforcer, remediation checker, scope discovery on
// their schedules), an outbox relay thread (publishes to ctem.alerts / ctem.rescan what the
// jobs and the store's upserts queued — regressions and detection gaps within about a
// second), and, when a webhook is configured, an alert dispatcher thread.
//
// Thread-safety: Start and Stop from the main thread; each service thread opens its own
// Store.
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bus/bus.h"
#include "cli/context.h"
#include "core/time.h"
#include "core/zone_resolver.h"
#include "jobs/alert_dispatcher.h"
#include "jobs/config.h"
#include "jobs/job.h"
#include "jobs/outbox_relay.h"
#include "jobs/scheduler.h"

namespace ctem::cli {

// The clock of a job command: pinned by --now, else the system clock.
Result<std::unique_ptr<Clock>> JobClock(const Context& ctx);

// A job by name (jobs::kSlaEnforcerJob, ...) over `store`.
Result<std::unique_ptr<jobs::Job>> MakeJob(std::string_view name, store::Store& store, const Clock& clock,
                                           const ZoneResolver* resolver);
// The job's schedule from the configuration.
Result<jobs::Schedule> JobSchedule(std::string_view name, const jobs::JobsConfig& config);

class JobServices {
 public:
  struct Which {
    bool scheduler = true;   // the three jobs on their schedules
    bool relay = true;       // the outbox relay loop
    bool dispatcher = true;  // the alert dispatcher (only when config.webhook.url is set)
  };
  // Opens a store per service and builds the services; Start() starts their threads (after
  // the SignalWatcher, so that they inherit its blocked signals).
  static Result<std::unique_ptr<JobServices>> Create(const Context& ctx, bus::Bus& bus, const Clock& clock,
                                                     const ZoneResolver* resolver,
                                                     const jobs::JobsConfig& config, Which which);
  ~JobServices() { Stop(); }
  void Start();
  // Asks every service to stop; returns at once (safe from the signal thread).
  void RequestStop();
  // RequestStop, then waits for the threads (from the thread that called Start).
  void Stop();
  // One phrase per service started, e.g. "sla-enforcer every 4h".
  const std::vector<std::string>& descriptions() const { return descriptions_; }
  // The service names started ("sla-enforcer", "outbox-relay", ...), as `ctem verify` knows them.
  const std::vector<std::string>& names() const { return names_; }

 private:
  JobServices() = default;

  std::vector<std::unique_ptr<store::Store>> stores_;
  std::unique_ptr<jobs::Scheduler> scheduler_;
  std::unique_ptr<jobs::OutboxRelay> relay_;
  std::unique_ptr<jobs::AlertDispatcher> dispatcher_;
  jobs::DispatcherMetrics dispatcher_metrics_;
  std::vector<std::thread> threads_;
  std::vector<std::string> descriptions_;
  std::vector<std::string> names_;
};

}  // namespace ctem::cli
