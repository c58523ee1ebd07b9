// `ctem verify`: the seed's section 10.5 integration check, for any deployment. It reports
// the store's tables with row counts (and the schema version against the binary's), the bus
// topics, each consumer group's lag, which services are alive (by their heartbeats, so it
// works under Docker, systemd, Kubernetes or one `ctem serve`), and the gateway's /healthz.
// Exit 1 when anything is missing, so a deployment pipeline can gate on it.
#include <httplib.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "bus/bus.h"
#include "cli/context.h"
#include "cli/service_heartbeat.h"
#include "pipeline/stages.h"
#include "store/heartbeat.h"
#include "store/migrations.h"
#include "store/tables.h"

namespace ctem::cli {
namespace {

using Json = nlohmann::json;

struct VerifyArgs final : CommandArgs {
  std::string gateway;
  // The seed's section 10.3 services; the relay and dispatcher are named with --services.
  std::vector<std::string> services = {"gateway", "normaliser", "persister", "sla-enforcer",
                                       "remediation-checker"};
  int stale_after_s = 0;  // 0: three heartbeat intervals
  std::string format = "text";
};

// The tables a complete schema has: the seed's three first, then the engine's own and the
// runtime tables the analytics read.
std::vector<std::string> ExpectedTables() {
  std::vector<std::string> out = {"ctem_exposures",         "ctem_validations", "ctem_remediations",
                                  "ctem_remediation_audit", "ctem_assets",      "ctem_job_runs",
                                  "ctem_alert_outbox",      "ctem_service_heartbeats", "ctem_api_tokens",
                                  "ctem_webhook_deliveries"};
  for (const auto& t : store::LoadableTables()) {
    if (std::find(out.begin(), out.end(), t.name) == out.end()) out.push_back(std::string(t.name));
  }
  return out;
}

struct Report {
  Json json = Json::object();
  std::ostringstream text;
  int problems = 0;

  void Section(const std::string& title) { text << "\n--- " << title << " ---\n"; }
  void Ok(const std::string& line) { text << "  OK: " << line << "\n"; }
  void Problem(const std::string& word, const std::string& line) {
    text << "  " << word << ": " << line << "\n";
    ++problems;
  }
};

void CheckStore(Context& ctx, Report& r) {
  r.Section("Store " + ctx.StoreUrl());
  Json tables = Json::array();
  auto store = ctx.OpenStore(/*migrate=*/false);
  if (!store) {
    r.Problem("UNREACHABLE", store.error().message);
    r.json["store"] = {{"url", ctx.StoreUrl()}, {"error", store.error().message}};
    return;
  }
  auto version = (*store)->SchemaVersion();
  const auto& migrations = (*store)->Sql().Backend() == store::SqlBackend::kSqlite
                               ? store::SqliteMigrations()
                               : store::PostgresMigrations();
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  if (version && *version >= latest) {
    r.Ok("schema version " + std::to_string(*version));
  } else {
    r.Problem("OUTDATED", "schema version " + (version ? std::to_string(*version) : std::string("unknown")) +
                              ", this binary's is " + std::to_string(latest) + " — run `ctem migrate`");
  }
  for (const auto& t : ExpectedTables()) {
    auto rows = (*store)->Sql().Query("SELECT COUNT(*) FROM " + t, {});
    if (rows && !rows->empty()) {
      const long long n = store::AsInt((*rows)[0][0]);
      r.Ok(t + " (rows: " + std::to_string(n) + ")");
      tables.push_back({{"table", t}, {"ok", true}, {"rows", n}});
    } else {
      r.Problem("MISSING", t + " — run `ctem migrate`");
      tables.push_back({{"table", t}, {"ok", false}});
    }
  }
  r.json["store"] = {{"url", ctx.StoreUrl()},
                     {"schema_version", version ? Json(*version) : Json(nullptr)},
                     {"latest_schema_version", latest},
                     {"tables", tables}};
}

void CheckBus(Context& ctx, Report& r) {
  r.Section("Bus " + ctx.BusUrl());
  auto b = ctx.OpenBus();
  if (!b) {
    r.Problem("UNREACHABLE", b.error().message);
    r.json["bus"] = {{"url", ctx.BusUrl()}, {"error", b.error().message}};
    return;
  }
  auto listed = (*b)->ListTopics();
  if (!listed) {
    r.Problem("UNREACHABLE", listed.error().message);
    r.json["bus"] = {{"url", ctx.BusUrl()}, {"error", listed.error().message}};
    return;
  }
  const std::set<std::string> present(listed->begin(), listed->end());
  Json topics = Json::array();
  for (const auto& spec : bus::DefaultTopics()) {
    const bool ok = present.count(spec.name) != 0;
    if (ok) {
      r.Ok(spec.name);
    } else {
      r.Problem("MISSING", spec.name + " — run `ctem topics create --config deploy/topics.yaml`");
    }
    topics.push_back({{"topic", spec.name}, {"ok", ok}});
  }
  r.Section("Consumer lag");
  Json lags = Json::array();
  const std::vector<std::pair<std::string, std::vector<std::string>>> groups = {
      {std::string(pipeline::kNormaliserGroup), pipeline::RawTopics()},
      {std::string(pipeline::kPersisterGroup), {std::string(bus::kNormalizedTopic)}}};
  for (const auto& [group, group_topics] : groups) {
    std::vector<std::string> existing;
    for (const auto& t : group_topics) {
      if (present.count(t)) existing.push_back(t);
    }
    auto lag = (*b)->GroupLag(group, existing);
    if (!lag) {
      r.Problem("UNKNOWN", group + ": " + lag.error().message);
      continue;
    }
    std::map<std::string, int64_t> per_topic;
    for (const auto& l : *lag) per_topic[l.topic] += std::max<int64_t>(l.lag(), 0);
    int64_t total = 0;
    for (const auto& [t, n] : per_topic) {
      total += n;
      lags.push_back({{"group", group}, {"topic", t}, {"lag", n}});
    }
    r.text << "  " << group << ": " << total << " message(s) behind";
    for (const auto& [t, n] : per_topic) {
      if (n > 0) r.text << "; " << t << " " << n;
    }
    r.text << "\n";
  }
  r.json["bus"] = {{"url", ctx.BusUrl()}, {"topics", topics}, {"lag", lags}};
}

void CheckServices(Context& ctx, const VerifyArgs& a, Report& r) {
  const auto stale_after =
      a.stale_after_s > 0 ? std::chrono::seconds(a.stale_after_s) : 3 * ServiceHeartbeat::Interval();
  r.Section("Services (alive: a heartbeat within " + std::to_string(stale_after.count()) + " s)");
  Json services = Json::array();
  auto store = ctx.OpenStore(/*migrate=*/false);
  std::vector<store::ServiceHeartbeat> beats;
  if (store) {
    auto listed = store::ListHeartbeats(**store);
    if (listed) beats = std::move(*listed);
  }
  const Timestamp now = SystemClock().Now();
  for (const auto& service : a.services) {
    std::vector<std::string> alive;
    std::optional<Timestamp> last;
    for (const auto& b : beats) {
      if (b.service != service) continue;
      if (!last || b.last_beat_at > *last) last = b.last_beat_at;
      if (now - b.last_beat_at <= stale_after) alive.push_back(b.instance);
    }
    if (!alive.empty()) {
      std::string who;
      for (const auto& i : alive) who += (who.empty() ? "" : ", ") + i;
      r.Ok(service + " (" + std::to_string(alive.size()) + " instance(s): " + who + ")");
    } else {
      r.Problem("NOT RUNNING",
                service + (last ? " (last heartbeat " + FormatTimestamp(*last) + ")" : " (never seen)"));
    }
    services.push_back({{"service", service},
                        {"ok", !alive.empty()},
                        {"instances", alive},
                        {"last_heartbeat", last ? Json(FormatTimestamp(*last)) : Json(nullptr)}});
  }
  r.json["services"] = services;
}

void CheckGateway(const VerifyArgs& a, Report& r) {
  if (a.gateway.empty()) return;
  r.Section("Gateway " + a.gateway);
  httplib::Client client(a.gateway);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(5, 0);
  auto res = client.Get("/healthz");
  const bool ok = res && res->status == 200;
  if (ok) {
    r.Ok("/healthz answered 200");
  } else {
    r.Problem("UNHEALTHY", "/healthz " + (res ? "answered " + std::to_string(res->status)
                                              : "did not answer: " + httplib::to_string(res.error())));
  }
  r.json["gateway"] = {{"url", a.gateway}, {"ok", ok}};
}

int RunVerify(Context& ctx, const VerifyArgs& a) {
  Report r;
  r.text << "=== ALUSKORT CTEM integration verification ===\n";
  CheckStore(ctx, r);
  CheckBus(ctx, r);
  CheckServices(ctx, a, r);
  CheckGateway(a, r);
  r.text << "\n--- Summary ---\n  "
         << (r.problems == 0 ? "all checks passed" : std::to_string(r.problems) + " problem(s)") << "\n";
  r.json["problems"] = r.problems;
  if (a.format == "json") {
    std::cout << r.json.dump() << "\n";
  } else {
    std::cout << r.text.str();
  }
  return r.problems == 0 ? kExitOk : kExitFailure;
}

}  // namespace

CommandArgsPtr AddVerifyCommand(CLI::App& app, Context& ctx, int& exit_code) {
  auto args = std::make_unique<VerifyArgs>();
  VerifyArgs* a = args.get();
  auto* cmd =
      app.add_subcommand("verify", "Check the deployment: tables, topics, consumer lag, services, gateway");
  cmd->add_option("--gateway", a->gateway, "Also check this gateway's /healthz, e.g. http://localhost:8080");
  cmd->add_option("--services", a->services, "Services that must be alive (by heartbeat)")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--stale-after", a->stale_after_s,
                  "Seconds after which a heartbeat is stale (default 3 intervals)");
  cmd->add_option("--format", a->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->footer(
      "Exit 1 when anything is missing. Services beat every CTEM_HEARTBEAT_INTERVAL_S seconds (10).\n\n"
      "Example:\n  ctem --store postgresql://ctem@db/ctem --bus kafka://kafka:9092 verify "
      "--gateway http://localhost:8080 --services gateway,normaliser,persister,sla-enforcer");
  cmd->callback([&ctx, &exit_code, a]() { exit_code = RunVerify(ctx, *a); });
  return args;
}

}  // namespace ctem::cli
