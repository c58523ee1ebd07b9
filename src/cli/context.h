// Shared state of one `ctem` invocation: the global options every command honours and the
// helpers to act on them (open the store, pin the clock, print errors).
//
// Thread-safety: used by the main thread only.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>

#include "core/error.h"
#include "core/time.h"
#include "bus/bus.h"
#include "core/zone_resolver.h"
#include "store/store.h"

namespace ctem::cli {

// Exit codes: 0 success, 1 the work failed or some input was rejected, 2 usage error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct GlobalOptions {
  std::string store_url;  // --store / CTEM_STORE / POSTGRES_DSN, default sqlite:ctem.db
  std::string tenant = "default";
  std::string now;  // --now ISO-8601; empty: the system clock
  std::string bus_url;  // --bus / CTEM_BUS / KAFKA_BROKERS, default embedded
  std::string graph_url;  // --graph / CTEM_GRAPH / NEO4J_URI, default static
};

class Context {
 public:
  // `options` is filled in by CLI11 while parsing; the Context reads it afterwards.
  explicit Context(const GlobalOptions& options) : options_(options) {}

  const GlobalOptions& options() const { return options_; }
  // The store URL in force after flags and environment are applied.
  std::string StoreUrl() const;
  // Opens (and, when `migrate`, migrates) the store; prints the reason on failure.
  Result<std::unique_ptr<store::Store>> OpenStore(bool migrate) const;
  // OpenStore, bound to --tenant (store.h): for commands that act for one tenant (report,
  // exposures, load, demo, remediation), never for the services that cover every tenant.
  Result<std::unique_ptr<store::Store>> OpenTenantStore(bool migrate) const;
  // The pinned --now, or the system clock's reading.
  Result<Timestamp> Now() const;
  // The bus URL in force ("embedded" or "kafka://...").
  std::string BusUrl() const;
  // Opens the configured bus; the embedded bus lives in the SQLite store's file (or
  // ctem-bus.db beside a PostgreSQL store).
  Result<std::unique_ptr<bus::Bus>> OpenBus() const;
  // The zone graph in force ("static", "file:PATH" or "neo4j://...").
  std::string GraphSpec() const;
  // Opens the zone resolver; a Neo4j graph answers through `clock` for its cache TTL.
  // Tuning by environment: CTEM_GRAPH_TIMEOUT_MS (2000), CTEM_GRAPH_CACHE_TTL_S (300),
  // CTEM_GRAPH_RETRY_S (5, how long an unreachable graph is left alone).
  Result<std::unique_ptr<ZoneResolver>> OpenZoneResolver(const Clock& clock) const;

 private:
  const GlobalOptions& options_;
};

// Prints "ctem: <message>" to stderr.
void PrintError(const Error& error);

// A subcommand's parsed arguments. CLI11 writes into them while parsing, so they must live
// as long as the App; main() owns them.
class CommandArgs {
 public:
  virtual ~CommandArgs() = default;
};
using CommandArgsPtr = std::unique_ptr<CommandArgs>;

// Each command module adds its subcommand to `app`; the callback stores its exit code.
CommandArgsPtr AddMigrateCommand(CLI::App& app, Context& ctx, int& exit_code);
CommandArgsPtr AddIngestCommand(CLI::App& app, Context& ctx, int& exit_code);
CommandArgsPtr AddExposuresCommand(CLI::App& app, Context& ctx, int& exit_code);
CommandArgsPtr AddReportCommand(CLI::App& app, Context& ctx, int& exit_code);
CommandArgsPtr AddDemoCommand(CLI::App& app, Context& ctx, int& exit_code);
CommandArgsPtr AddLoadCommand(CLI::App& app, Context& ctx, int& exit_code);
CommandArgsPtr AddTopicsCommand(CLI::App& app, Context& ctx, int& exit_code);
CommandArgsPtr AddServiceCommands(CLI::App& app, Context& ctx, int& exit_code);
CommandArgsPtr AddGraphCommand(CLI::App& app, Context& ctx, int& exit_code);
CommandArgsPtr AddRemediationCommand(CLI::App& app, Context& ctx, int& exit_code);
CommandArgsPtr AddJobCommands(CLI::App& app, Context& ctx, int& exit_code);
CommandArgsPtr AddVerifyCommand(CLI::App& app, Context& ctx, int& exit_code);
CommandArgsPtr AddWebhooksCommand(CLI::App& app, Context& ctx, int& exit_code);
CommandArgsPtr AddTokenCommand(CLI::App& app, Context& ctx, int& exit_code);

}  // namespace ctem::cli
