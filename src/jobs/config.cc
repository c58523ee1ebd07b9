#include "jobs/config.h"

#include <cmath>
#include <cstdlib>

namespace ctem::jobs {
namespace {

const char* Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

Status EnvMillis(const char* name, std::chrono::milliseconds& out) {
  const char* v = Env(name);
  if (v == nullptr) return {};
  char* end = nullptr;
  const long long n = std::strtoll(v, &end, 10);
  if (end == nullptr || *end != '\0' || n < 0) {
    return Fail(
        Error::InvalidArgument(std::string(name) + "='" + v + "': expected milliseconds (a whole number)"));
  }
  out = std::chrono::milliseconds(n);
  return {};
}

}  // namespace

Result<std::chrono::milliseconds> ParseIntervalHours(std::string_view text) {
  const std::string s(text);
  char* end = nullptr;
  const double h = std::strtod(s.c_str(), &end);
  if (s.empty() || end == nullptr || *end != '\0' || !std::isfinite(h) || h <= 0) {
    return Fail(
        Error::InvalidArgument("interval '" + s + "': expected a positive number of hours, e.g. 4 or 0.5"));
  }
  return std::max(std::chrono::milliseconds(static_cast<long long>(std::llround(h * 3'600'000.0))),
                  std::chrono::milliseconds(1000));
}

Result<JobsConfig> JobsConfigFromEnv() {
  JobsConfig c;
  if (const char* v = Env("SLA_CHECK_INTERVAL_HOURS")) {
    auto interval = ParseIntervalHours(v);
    if (!interval)
      return Fail(Error::InvalidArgument("SLA_CHECK_INTERVAL_HOURS: " + interval.error().message));
    c.sla_interval = *interval;
  }
  if (const char* v = Env("CHECK_SCHEDULE")) c.check_schedule = v;
  if (const char* v = Env("SCOPE_DISCOVERY_SCHEDULE")) c.scope_schedule = v;
  if (const char* v = Env("CTEM_ALERT_WEBHOOK")) c.webhook.url = v;
  if (const char* v = Env("CTEM_ALERT_WEBHOOK_ATTEMPTS")) {
    char* end = nullptr;
    const long n = std::strtol(v, &end, 10);
    if (end == nullptr || *end != '\0' || n < 1 || n > 1000) {
      return Fail(
          Error::InvalidArgument(std::string("CTEM_ALERT_WEBHOOK_ATTEMPTS='") + v + "': expected 1-1000"));
    }
    c.webhook.max_attempts = static_cast<int>(n);
  }
  for (auto [name, field] : {std::pair{"CTEM_ALERT_WEBHOOK_BACKOFF_MS", &c.webhook.initial_backoff},
                             std::pair{"CTEM_ALERT_WEBHOOK_MAX_BACKOFF_MS", &c.webhook.max_backoff},
                             std::pair{"CTEM_ALERT_WEBHOOK_TIMEOUT_MS", &c.webhook.timeout},
                             std::pair{"CTEM_OUTBOX_POLL_MS", &c.relay.poll_interval}}) {
    if (auto st = EnvMillis(name, *field); !st) return Fail(st.error());
  }
  // Validate the cron expressions now, so a typo stops the process at start, not at 08:00.
  if (auto cron = CronSchedule::Parse(c.check_schedule); !cron) {
    return Fail(Error::InvalidArgument("CHECK_SCHEDULE: " + cron.error().message));
  }
  if (auto cron = CronSchedule::Parse(c.scope_schedule); !cron) {
    return Fail(Error::InvalidArgument("SCOPE_DISCOVERY_SCHEDULE: " + cron.error().message));
  }
  return c;
}

}  // namespace ctem::jobs
