// The job commands: `ctem sla-enforcer`, `ctem remediation-checker`, `ctem scope-discovery`
// (each a service on its schedule, or one run with --once for cron or a Kubernetes CronJob),
// `ctem alert-dispatcher` (ctem.alerts -> webhook) and `ctem outbox-relay` (outbox -> bus).
//
// --once prints what the run emitted as JSON Lines on stdout (alerts, or re-scan requests),
// exactly as published; the exit code is 1 when the run failed or its messages could not be
// published yet (they stay in the outbox and go out with the next relay).
#include <spdlog/spdlog.h>

#include <iostream>

#include "bus/bus.h"
#include "cli/context.h"
#include "cli/job_services.h"
#include "cli/service_heartbeat.h"
#include "cli/signals.h"
#include "jobs/alert_dispatcher.h"
#include "jobs/config.h"

namespace ctem::cli {
namespace {

struct JobArgs final : CommandArgs {
  bool once = false;
  std::string interval_hours;  // sla-enforcer
  std::string schedule;        // remediation-checker, scope-discovery
  std::string webhook;         // alert-dispatcher
  bool no_relay = false;       // alert-dispatcher
};

// Store (migrated), bus (embedded topics created) and configuration shared by the commands.
struct JobEnv {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<bus::Bus> bus;
  std::unique_ptr<Clock> clock;
  jobs::JobsConfig config;
};

Result<JobEnv> OpenJobEnv(const Context& ctx, const JobArgs& a) {
  JobEnv env;
  auto config = jobs::JobsConfigFromEnv();
  if (!config) return Fail(config.error());
  env.config = std::move(*config);
  if (!a.interval_hours.empty()) {
    auto interval = jobs::ParseIntervalHours(a.interval_hours);
    if (!interval) return Fail(Error::InvalidArgument("--interval-hours: " + interval.error().message));
    env.config.sla_interval = *interval;
  }
  if (!a.webhook.empty()) env.config.webhook.url = a.webhook;
  auto clock = JobClock(ctx);
  if (!clock) return Fail(clock.error());
  env.clock = std::move(*clock);
  auto store = ctx.OpenStore(/*migrate=*/true);
  if (!store) return Fail(store.error());
  env.store = std::move(*store);
  auto bus = ctx.OpenBus();
  if (!bus) return Fail(bus.error());
  env.bus = std::move(*bus);
  if (ctx.BusUrl() == "embedded" || ctx.BusUrl().starts_with("embedded:")) {
    // The embedded bus has no administrator to create topics beforehand.
    if (auto lines = env.bus->CreateTopics(bus::DefaultTopics()); !lines) return Fail(lines.error());
  }
  return env;
}

void PrintLines(const std::vector<jobs::Json>& messages) {
  for (const auto& m : messages) std::cout << m.dump() << "\n";
  std::cout.flush();
}

int RunJob(Context& ctx, const JobArgs& a, std::string_view name) {
  auto env = OpenJobEnv(ctx, a);
  if (!env) {
    PrintError(env.error());
    return env.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  jobs::JobsConfig& config = env->config;
  if (!a.schedule.empty()) {
    (name == jobs::kRemediationCheckerJob ? config.check_schedule : config.scope_schedule) = a.schedule;
  }
  auto schedule = JobSchedule(name, config);
  if (!schedule) {
    PrintError(schedule.error());
    return kExitUsage;
  }
  std::unique_ptr<ZoneResolver> resolver;
  if (name == jobs::kScopeDiscoveryJob) {
    auto r = ctx.OpenZoneResolver(*env->clock);
    if (!r) {
      PrintError(r.error());
      return kExitFailure;
    }
    resolver = std::move(*r);
  }
  auto job = MakeJob(name, *env->store, *env->clock, resolver.get());
  if (!job) {
    PrintError(job.error());
    return kExitFailure;
  }
  jobs::OutboxRelay relay(*env->store, *env->bus, *env->clock, config.relay);
  if (a.once) {
    auto report = (*job)->RunOnce();
    if (!report) {
      PrintError(report.error());
      return kExitFailure;
    }
    if (auto st = jobs::RecordJobRun(*env->store, name, report->now, report->summary); !st) {
      spdlog::warn("{}: could not record the run: {}", name, st.error().message);
    }
    PrintLines(report->emitted);
    spdlog::info("{}: {}", name, report->summary.dump());
    if (auto published = relay.RelayOnce(); !published) {
      PrintError(
          Error::Unavailable("queued in the outbox but not published yet (the next relay publishes them): " +
                             published.error().message));
      return kExitFailure;
    }
    return kExitOk;
  }
  std::vector<jobs::ScheduledJob> scheduled;
  const std::string described = schedule->Describe();
  scheduled.push_back({std::move(*job), std::move(*schedule)});
  jobs::Scheduler scheduler(*env->store, *env->clock, std::move(scheduled));
  scheduler.SetRelay(&relay);
  SignalWatcher signals([&] { scheduler.Stop(); });
  ServiceHeartbeat heartbeat(ctx, {std::string(name)});
  std::cout << jobs::Json{{"running", name},
                          {"schedule", described},
                          {"store", ctx.StoreUrl()},
                          {"bus", ctx.BusUrl()}}
                   .dump()
            << std::endl;
  scheduler.Run();
  return kExitOk;
}

int RunDispatcher(Context& ctx, const JobArgs& a) {
  auto env = OpenJobEnv(ctx, a);
  if (!env) {
    PrintError(env.error());
    return env.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  if (env->config.webhook.url.empty()) {
    PrintError(Error::InvalidArgument("no webhook: set CTEM_ALERT_WEBHOOK or --webhook URL"));
    return kExitUsage;
  }
  auto webhook = jobs::WebhookClient::Create(env->config.webhook);
  if (!webhook) {
    PrintError(webhook.error());
    return kExitUsage;
  }
  jobs::DispatcherMetrics metrics;
  jobs::AlertDispatcher dispatcher(*env->bus, std::move(*webhook), metrics);
  jobs::OutboxRelay relay(*env->store, *env->bus, *env->clock, env->config.relay);
  if (a.once) {
    // What is queued goes out first, then everything on the topic is delivered.
    if (!a.no_relay) {
      if (auto published = relay.RelayOnce(); !published)
        spdlog::warn("outbox-relay: {}", published.error().message);
    }
    dispatcher.OnDelivered([](const bus::Message& m) { std::cout << m.value << "\n" << std::flush; });
    while (true) {
      auto n = dispatcher.RunOnce();
      if (!n) {
        PrintError(Error::Unavailable(n.error().message + " (undelivered alerts stay on " +
                                      std::string(bus::kAlertsTopic) + ")"));
        return kExitFailure;
      }
      if (*n == 0) break;
    }
    spdlog::info("alert-dispatcher: delivered {}, dead-lettered {}", metrics.delivered.load(),
                 metrics.rejected.load());
    return kExitOk;
  }
  SignalWatcher signals([&] {
    dispatcher.Stop();
    relay.Stop();
  });
  std::thread relay_thread;
  if (!a.no_relay) relay_thread = std::thread([&] { relay.Run(); });
  std::vector<std::string> beating = {"alert-dispatcher"};
  if (!a.no_relay) beating.emplace_back("outbox-relay");
  ServiceHeartbeat heartbeat(ctx, beating);
  std::cout
      << jobs::Json{{"running", "alert-dispatcher"}, {"relay", !a.no_relay}, {"bus", ctx.BusUrl()}}.dump()
      << std::endl;
  dispatcher.Run();
  relay.Stop();
  if (relay_thread.joinable()) relay_thread.join();
  return kExitOk;
}

int RunRelay(Context& ctx, const JobArgs& a) {
  auto env = OpenJobEnv(ctx, a);
  if (!env) {
    PrintError(env.error());
    return env.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  jobs::OutboxRelay relay(*env->store, *env->bus, *env->clock, env->config.relay);
  if (a.once) {
    auto published = relay.RelayOnce();
    if (!published) {
      PrintError(published.error());
      return kExitFailure;
    }
    std::vector<jobs::Json> lines;
    for (const auto& e : *published) lines.push_back(jobs::OutboundMessage(e));
    PrintLines(lines);
    return kExitOk;
  }
  SignalWatcher signals([&] { relay.Stop(); });
  ServiceHeartbeat heartbeat(ctx, {"outbox-relay"});
  std::cout
      << jobs::Json{{"running", "outbox-relay"}, {"store", ctx.StoreUrl()}, {"bus", ctx.BusUrl()}}.dump()
      << std::endl;
  relay.Run();
  return kExitOk;
}

void AddOnce(CLI::App* cmd, JobArgs* a, const char* what) {
  cmd->add_flag(
      "--once", a->once,
      std::string("Run once and exit (cron, Kubernetes CronJob); prints the ") + what + " as JSON Lines");
}

}  // namespace

CommandArgsPtr AddJobCommands(CLI::App& app, Context& ctx, int& exit_code) {
  auto args = std::make_unique<JobArgs>();
  JobArgs* a = args.get();

  auto* sla = app.add_subcommand(
      "sla-enforcer", "CTEM-MOBILIZE-001/002: SLA breaches (escalation ladder) and at-risk warnings");
  AddOnce(sla, a, "alerts raised");
  sla->add_option("--interval-hours", a->interval_hours,
                  "Hours between runs (env SLA_CHECK_INTERVAL_HOURS, default 4)");
  sla->footer(
      "Persists sla_breached / escalation_level and alerts only when a breach is new or climbs the ladder; "
      "warns\n"
      "once per exposure per deadline when a CRITICAL/HIGH deadline is within 24 h. Alerts go to "
      "ctem.alerts\n"
      "(and the webhook, through `ctem alert-dispatcher`).\n\nExample:\n"
      "  ctem sla-enforcer --once                    # one run now (cron: 0 */4 * * *)\n"
      "  ctem --now 2026-11-23T07:00:00Z sla-enforcer --once\n"
      "  SLA_CHECK_INTERVAL_HOURS=4 ctem --store postgresql://ctem@db/ctem --bus kafka://kafka:9092 "
      "sla-enforcer");
  sla->callback([&ctx, &exit_code, a] { exit_code = RunJob(ctx, *a, jobs::kSlaEnforcerJob); });

  auto* checker = app.add_subcommand(
      "remediation-checker", "Re-scan requests (ctem.rescan) for fixes deployed over 24 h ago, once per fix");
  AddOnce(checker, a, "re-scan requests");
  checker->add_option("--schedule", a->schedule, "Cron, UTC (env CHECK_SCHEDULE, default \"0 8 * * *\")");
  checker->footer(
      "Example:\n  ctem remediation-checker --once\n"
      "  CHECK_SCHEDULE='0 8 * * *' ctem --bus kafka://kafka:9092 remediation-checker");
  checker->callback([&ctx, &exit_code, a] { exit_code = RunJob(ctx, *a, jobs::kRemediationCheckerJob); });

  auto* scope = app.add_subcommand("scope-discovery",
                                   "CTEM-SCOPE-001/002: keep the asset inventory and alert new assets");
  AddOnce(scope, a, "new-asset alerts");
  scope->add_option("--schedule", a->schedule,
                    "Cron, UTC (env SCOPE_DISCOVERY_SCHEDULE, default \"0 6 * * 1\")");
  scope->footer(
      "Example:\n  ctem scope-discovery --once\n"
      "  ctem --graph neo4j://neo4j:7474 scope-discovery --schedule '0 6 * * 1'");
  scope->callback([&ctx, &exit_code, a] { exit_code = RunJob(ctx, *a, jobs::kScopeDiscoveryJob); });

  auto* dispatcher = app.add_subcommand(
      "alert-dispatcher", "Deliver ctem.alerts to the webhook (commits only what the webhook accepted)");
  AddOnce(dispatcher, a, "alerts delivered");
  dispatcher->add_option("--webhook", a->webhook, "Webhook URL (env CTEM_ALERT_WEBHOOK)");
  dispatcher->add_flag("--no-relay", a->no_relay,
                       "Do not also relay the outbox to the bus (another process does)");
  dispatcher->footer(
      "POSTs each alert as JSON with a Slack-compatible \"text\" field; retries with exponential backoff\n"
      "(CTEM_ALERT_WEBHOOK_ATTEMPTS, CTEM_ALERT_WEBHOOK_BACKOFF_MS); an alert stays on the topic until the\n"
      "webhook answers 2xx. Also relays the outbox unless --no-relay.\n\nExample:\n"
      "  CTEM_ALERT_WEBHOOK=https://hooks.slack.com/services/T000/B000/XXXX ctem alert-dispatcher\n"
      "  ctem alert-dispatcher --webhook http://127.0.0.1:9000/alerts --once");
  dispatcher->callback([&ctx, &exit_code, a] { exit_code = RunDispatcher(ctx, *a); });

  auto* relay = app.add_subcommand(
      "outbox-relay", "Publish queued alerts and re-scan requests from the store's outbox to the bus");
  AddOnce(relay, a, "messages published");
  relay->footer(
      "Regressions and detection gaps are queued by the persister's upserts; `ctem serve` and\n"
      "`ctem alert-dispatcher` relay them too.\n\nExample:\n"
      "  ctem --store postgresql://ctem@db/ctem --bus kafka://kafka:9092 outbox-relay");
  relay->callback([&ctx, &exit_code, a] { exit_code = RunRelay(ctx, *a); });
  return args;
}

}  // namespace ctem::cli
