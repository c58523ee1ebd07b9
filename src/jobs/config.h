// The jobs' configuration from the environment (the seed's section 10.3 variables, plus the
// engine's own), shared by `ctem serve` and the job commands; flags override it.
//
//   SLA_CHECK_INTERVAL_HOURS       SLA enforcer interval, hours (default 4; fractions allowed)
//   CHECK_SCHEDULE                 remediation checker cron (default "0 8 * * *", UTC)
//   SCOPE_DISCOVERY_SCHEDULE       scope discovery cron (default "0 6 * * 1": Mondays 06:00 UTC)
//   CTEM_ALERT_WEBHOOK             webhook URL; unset: alerts stay on ctem.alerts only
//   CTEM_ALERT_WEBHOOK_ATTEMPTS    attempts per round (default 5)
//   CTEM_ALERT_WEBHOOK_BACKOFF_MS  first backoff (default 500), doubling per attempt
//   CTEM_ALERT_WEBHOOK_MAX_BACKOFF_MS  backoff ceiling (default 30000)
//   CTEM_ALERT_WEBHOOK_TIMEOUT_MS  connect/read timeout per attempt (default 10000)
//   CTEM_OUTBOX_POLL_MS            how often an idle outbox relay looks again (default 1000)
//
// Thread-safety: plain values; reads the environment.
#pragma once

#include <chrono>
#include <string>

#include "core/error.h"
#include "jobs/outbox_relay.h"
#include "jobs/scheduler.h"
#include "jobs/webhook.h"

namespace ctem::jobs {

struct JobsConfig {
  std::chrono::milliseconds sla_interval{4 * 3'600'000};
  std::string check_schedule = "0 8 * * *";
  std::string scope_schedule = "0 6 * * 1";
  WebhookOptions webhook;  // url empty: no webhook
  RelayOptions relay;
};

// The defaults above overridden by the environment; an error names the variable at fault.
Result<JobsConfig> JobsConfigFromEnv();

// Parses hours ("4", "0.5") into an interval; at least one second.
Result<std::chrono::milliseconds> ParseIntervalHours(std::string_view text);

}  // namespace ctem::jobs
