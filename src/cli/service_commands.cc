// The long-running services: `ctem serve` (everything in one process, the embedded default:
// gateway, normaliser, persister and the jobs of cli/job_services.h), and `ctem gateway`,
// `ctem normaliser`, `ctem persister` (each its own process, scaled on its own).
// SIGINT/SIGTERM stop them cleanly: the current batch finishes and is committed, or is left
// uncommitted to be read again.
#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <functional>
#include <iostream>
#include <optional>
#include <thread>

#include "api/gateway.h"
#include "bus/bus.h"
#include "cli/context.h"
#include "cli/job_services.h"
#include "cli/signals.h"
#include "cli/service_heartbeat.h"
#include "pipeline/stages.h"

namespace ctem::cli {
namespace {

struct ServiceArgs final : CommandArgs {
  int port = 8080;
  std::string host = "0.0.0.0";
  size_t max_body_mb = 16;
  size_t batch_size = 1000;
  int linger_ms = 20;
  std::string web_root;
  bool no_jobs = false;       // serve: without the scheduled jobs, relay and dispatcher
  std::string alert_webhook;  // serve: overrides CTEM_ALERT_WEBHOOK
  // Security limits (docs/security.md).
  double rate_limit = 1000;
  double rate_burst = 2000;
  size_t max_findings = 10000;
  size_t max_inflated_mb = 128;
  size_t max_string_kb = 1024;
  int max_json_depth = 64;
  int http_threads = 64;
  double auth_cache_ttl_s = 30;
  long replay_window_s = 600;
};

struct Services {
  bool gateway = false;
  bool normaliser = false;
  bool persister = false;
  bool jobs = false;  // scheduler, outbox relay, alert dispatcher (cli/job_services.h)
};

int RunServices(Context& ctx, const ServiceArgs& a, Services which) {
  auto store = ctx.OpenStore(/*migrate=*/true);
  if (!store) {
    PrintError(store.error());
    return kExitFailure;
  }
  auto bus = ctx.OpenBus();
  if (!bus) {
    PrintError(bus.error());
    return kExitFailure;
  }
  if (ctx.BusUrl() == "embedded" || ctx.BusUrl().starts_with("embedded:")) {
    // The embedded bus has no administrator to create topics beforehand.
    auto lines = (*bus)->CreateTopics(bus::DefaultTopics());
    if (!lines) {
      PrintError(lines.error());
      return kExitFailure;
    }
  }
  // --now pins the clock of every stage, so the reports the gateway serves (and the
  // dashboard shows) are reproducible, as `ctem report --now` is.
  SystemClock system_clock;
  std::optional<ManualClock> pinned_clock;
  if (!ctx.options().now.empty()) {
    auto now = ctx.Now();
    if (!now) {
      PrintError(now.error());
      return kExitUsage;
    }
    pinned_clock.emplace(*now);
  }
  const Clock& clock = pinned_clock ? static_cast<const Clock&>(*pinned_clock) : system_clock;
  auto resolver = ctx.OpenZoneResolver(clock);
  if (!resolver) {
    PrintError(resolver.error());
    return kExitFailure;
  }
  jobs::JobsConfig jobs_config;
  if (which.jobs) {
    auto config = jobs::JobsConfigFromEnv();
    if (!config) {
      PrintError(config.error());
      return kExitUsage;
    }
    jobs_config = std::move(*config);
    if (!a.alert_webhook.empty()) jobs_config.webhook.url = a.alert_webhook;
  }
  pipeline::PipelineMetrics metrics;
  pipeline::StageOptions stage_options;
  stage_options.batch_size = a.batch_size;
  stage_options.linger = std::chrono::milliseconds(a.linger_ms);

  std::unique_ptr<pipeline::Normaliser> normaliser;
  std::unique_ptr<pipeline::Persister> persister;
  std::unique_ptr<store::Store> persister_store;
  std::unique_ptr<api::Gateway> gateway;
  if (which.normaliser) normaliser = std::make_unique<pipeline::Normaliser>(**bus, resolver->get(), clock, metrics, stage_options);
  if (which.persister) {
    auto s = ctx.OpenStore(/*migrate=*/false);
    if (!s) {
      PrintError(s.error());
      return kExitFailure;
    }
    persister_store = std::move(*s);
    persister = std::make_unique<pipeline::Persister>(**bus, *persister_store, clock, metrics, stage_options);
  }
  if (which.gateway) {
    api::GatewayOptions g;
    g.host = a.host;
    g.port = a.port;
    g.max_body_bytes = a.max_body_mb * 1024 * 1024;
    g.web_root = a.web_root;
    g.zone_resolver = resolver->get();
    g.rate_limit_per_s = a.rate_limit;
    g.rate_limit_burst = a.rate_burst;
    g.max_findings = a.max_findings;
    g.max_decompressed_bytes = a.max_inflated_mb * 1024 * 1024;
    g.max_string_bytes = a.max_string_kb * 1024;
    g.max_json_depth = a.max_json_depth;
    g.threads = a.http_threads;
    g.auth_cache_ttl = std::chrono::milliseconds(static_cast<long long>(a.auth_cache_ttl_s * 1000));
    g.replay_window = std::chrono::seconds(a.replay_window_s);
    g.webhook_secrets = api::WebhookSecretsFromEnv();
    for (const auto& [source, secret] : g.webhook_secrets) {
      spdlog::info("gateway: deliveries for {} must be signed (CTEM_WEBHOOK_SECRET_*)", source);
    }
    gateway = std::make_unique<api::Gateway>(
        **bus, [&ctx]() { return ctx.OpenStore(/*migrate=*/false); }, clock, metrics, g);
  }
  std::unique_ptr<JobServices> job_services;
  if (which.jobs) {
    auto created = JobServices::Create(ctx, **bus, clock, resolver->get(), jobs_config, {});
    if (!created) {
      PrintError(created.error());
      return kExitFailure;
    }
    job_services = std::move(*created);
    for (const auto& d : job_services->descriptions()) spdlog::info("serve: {}", d);
  }
  SignalWatcher signals([&] {
    if (job_services) job_services->RequestStop();
    if (gateway) gateway->Stop();
    if (normaliser) normaliser->Stop();
    if (persister) persister->Stop();
  });
  std::vector<std::string> running;
  if (gateway) running.push_back("gateway");
  if (normaliser) running.push_back("normaliser");
  if (persister) running.push_back("persister");
  if (job_services) running.insert(running.end(), job_services->names().begin(), job_services->names().end());
  ServiceHeartbeat heartbeat(ctx, running);
  std::vector<std::thread> threads;
  if (normaliser) threads.emplace_back([&] { normaliser->Run(); });
  if (persister) threads.emplace_back([&] { persister->Run(); });
  if (job_services) job_services->Start();
  int rc = kExitOk;
  if (gateway) {
    auto port = gateway->Bind();
    if (!port) {
      PrintError(port.error());
      if (normaliser) normaliser->Stop();
      if (persister) persister->Stop();
      rc = kExitFailure;
    } else {
      // One line a supervisor (or a test) can wait for.
      std::cout << "{\"listening\":\"" << a.host << ":" << *port << "\",\"store\":\"" << ctx.StoreUrl()
                << "\",\"bus\":\"" << ctx.BusUrl() << "\",\"graph\":\"" << ctx.GraphSpec() << "\"}" << std::endl;
      gateway->Serve();
      if (normaliser) normaliser->Stop();
      if (persister) persister->Stop();
    }
  } else {
    std::cout << "{\"running\":\"" << (normaliser ? "normaliser" : "persister") << "\",\"bus\":\"" << ctx.BusUrl()
              << "\"}" << std::endl;
  }
  for (auto& t : threads) t.join();
  if (job_services) job_services->Stop();
  return rc;
}

void AddServiceOptions(CLI::App* cmd, ServiceArgs* a, bool http) {
  if (http) {
    cmd->add_option("--port", a->port, "HTTP port")->capture_default_str();
    cmd->add_option("--host", a->host, "Address to listen on")->capture_default_str();
    cmd->add_option("--max-body-mb", a->max_body_mb, "Largest request body accepted (413 above)")->capture_default_str();
    cmd->add_option("--web-root", a->web_root, "Serve the dashboard from this directory (web/, to edit it live)");
    cmd->add_option("--http-threads", a->http_threads,
                    "Request threads: each keep-alive connection holds one while it is open")
        ->envname("CTEM_HTTP_THREADS")
        ->check(CLI::Range(1, 4096))
        ->capture_default_str();
    cmd->add_option("--rate-limit", a->rate_limit, "Requests per second per token (429 above; 0: no limit)")
        ->envname("CTEM_RATE_LIMIT")
        ->capture_default_str();
    cmd->add_option("--rate-burst", a->rate_burst, "Burst per token above the rate")
        ->envname("CTEM_RATE_BURST")
        ->capture_default_str();
    cmd->add_option("--max-inflated-mb", a->max_inflated_mb, "Largest gzip body once decompressed (413 above)")
        ->envname("CTEM_MAX_INFLATED_MB")
        ->capture_default_str();
    cmd->add_option("--max-findings", a->max_findings, "Findings per ingest request (413 above)")
        ->envname("CTEM_MAX_FINDINGS")
        ->capture_default_str();
    cmd->add_option("--max-string-kb", a->max_string_kb, "Longest JSON string in a body, KiB (400 above)")
        ->envname("CTEM_MAX_STRING_KB")
        ->capture_default_str();
    cmd->add_option("--max-json-depth", a->max_json_depth, "Deepest JSON nesting in a body (400 deeper)")
        ->envname("CTEM_MAX_JSON_DEPTH")
        ->capture_default_str();
    cmd->add_option("--auth-cache-ttl-s", a->auth_cache_ttl_s,
                    "Seconds a verified token is trusted without the store (a revocation takes this long)")
        ->envname("CTEM_AUTH_CACHE_TTL_S")
        ->capture_default_str();
    cmd->add_option("--replay-window-s", a->replay_window_s,
                    "Seconds a signed webhook's delivery id is remembered (a replay is refused, 409)")
        ->envname("CTEM_WEBHOOK_REPLAY_WINDOW_S")
        ->capture_default_str();
  }
  cmd->add_option("--batch-size", a->batch_size, "Records per stage batch (persister: per transaction)")
      ->capture_default_str();
  cmd->add_option("--linger-ms", a->linger_ms, "How long a stage waits to fill a batch")->capture_default_str();
}

// serve only: the jobs beside the pipeline.
void AddJobOptions(CLI::App* cmd, ServiceArgs* a) {
  cmd->add_flag("--no-jobs", a->no_jobs,
                "Do not run the scheduled jobs, the outbox relay or the alert dispatcher");
  cmd->add_option("--alert-webhook", a->alert_webhook,
                  "Deliver alerts to this webhook (env CTEM_ALERT_WEBHOOK)");
}

}  // namespace

CommandArgsPtr AddServiceCommands(CLI::App& app, Context& ctx, int& exit_code) {
  auto args = std::make_unique<ServiceArgs>();
  ServiceArgs* a = args.get();
  auto* serve = app.add_subcommand("serve", "Run gateway, normaliser, persister and the jobs in one process");
  AddServiceOptions(serve, a, true);
  AddJobOptions(serve, a);
  serve->footer("POST /api/ctem/ingest takes {\"source_tool\": \"<tool>\", \"findings\": [...]} (seed section 10.4); "
                "GET /api/ctem/reports/NAME, /api/ctem/exposures, /healthz, /metrics; the dashboard at /.\nEvery "
                "endpoint but /healthz needs Authorization: Bearer <token> (ctem token create; docs/security.md).\nAlso "
                "runs the jobs (SLA enforcer, remediation checker, scope discovery) on their schedules, relays "
                "their alerts to ctem.alerts and, with CTEM_ALERT_WEBHOOK, delivers them (docs/operations.md)."
                "\n\nExample:\n"
                "  ctem serve --port 8080\n  TOKEN=$(ctem token create --scope ingest)\n"
                "  curl -X POST localhost:8080/api/ctem/ingest -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: "
                "application/json' -d '{\"source_tool\":\"garak\",\"findings\":[{\"probe\":\"dan.Dan_11_0\","
                "\"failure_rate\":0.4}]}'");
  serve->callback([&ctx, &exit_code, a]() {
    exit_code = RunServices(ctx, *a, {true, true, true, !a->no_jobs});
  });

  auto* gateway = app.add_subcommand("gateway", "Run the HTTP ingestion gateway and query API only");
  AddServiceOptions(gateway, a, true);
  gateway->footer("Example:\n  ctem --bus kafka://127.0.0.1:9092 --store postgresql://ctem@db/ctem gateway --port 8080");
  gateway->callback([&ctx, &exit_code, a]() { exit_code = RunServices(ctx, *a, {true, false, false}); });

  auto* normaliser = app.add_subcommand("normaliser", "Run the normaliser: ctem.raw.* -> ctem.normalized (+ ctem.dlq)");
  AddServiceOptions(normaliser, a, false);
  normaliser->footer("Several normalisers in one consumer group share the partitions.\n\nExample:\n"
                     "  ctem --bus kafka://127.0.0.1:9092 normaliser");
  normaliser->callback([&ctx, &exit_code, a]() { exit_code = RunServices(ctx, *a, {false, true, false}); });

  auto* persister = app.add_subcommand("persister", "Run the persister: ctem.normalized -> batched upsert into the store");
  AddServiceOptions(persister, a, false);
  persister->footer("Example:\n  ctem --bus kafka://127.0.0.1:9092 --store postgresql://ctem@db/ctem persister --batch-size 2000");
  persister->callback([&ctx, &exit_code, a]() { exit_code = RunServices(ctx, *a, {false, false, true}); });
  return args;
}

}  // namespace ctem::cli
