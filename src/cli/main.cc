// `ctem`: the ALUSKORT CTEM command line. Every subcommand lives in its own *_command.cc.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <vector>

#include "cli/context.h"

int main(int argc, char** argv) {
  using namespace ctem::cli;
  // Logs go to stderr: stdout carries the commands' JSON answers.
  spdlog::set_default_logger(spdlog::stderr_color_mt("ctem"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);

  CLI::App app{"ALUSKORT CTEM: continuous threat exposure management for industrial AI platforms"};
  app.set_version_flag("--version", std::string("ctem 0.1.0"));
  app.require_subcommand(1);
  app.footer("Run `ctem COMMAND --help` for a command's options and an example.");

  GlobalOptions options;
  app.add_option("--store", options.store_url,
                 "Store URL: sqlite:PATH (default sqlite:ctem.db) or postgresql://...; env CTEM_STORE, POSTGRES_DSN")
      ->envname("CTEM_STORE");
  app.add_option("--tenant", options.tenant, "Tenant id")->envname("CTEM_TENANT")->capture_default_str();
  app.add_option("--now", options.now, "Pin the clock (ISO-8601), e.g. 2026-11-23T07:00:00Z");
  app.add_option("--bus", options.bus_url,
                 "Bus: embedded (default; log tables in the SQLite file) or kafka://host:port; env CTEM_BUS, "
                 "KAFKA_BROKERS");
  app.add_option("--graph", options.graph_url,
                 "Zone graph: static (default), file:PATH (asset graph YAML) or neo4j://host:7474 (HTTP API; "
                 "NEO4J_AUTH=user/password); env CTEM_GRAPH, NEO4J_URI");
  app.fallthrough();

  Context ctx(options);
  int exit_code = kExitOk;
  std::vector<CommandArgsPtr> commands;
  commands.push_back(AddMigrateCommand(app, ctx, exit_code));
  commands.push_back(AddIngestCommand(app, ctx, exit_code));
  commands.push_back(AddExposuresCommand(app, ctx, exit_code));
  commands.push_back(AddReportCommand(app, ctx, exit_code));
  commands.push_back(AddLoadCommand(app, ctx, exit_code));
  commands.push_back(AddDemoCommand(app, ctx, exit_code));
  commands.push_back(AddTopicsCommand(app, ctx, exit_code));
  commands.push_back(AddServiceCommands(app, ctx, exit_code));
  commands.push_back(AddGraphCommand(app, ctx, exit_code));
  commands.push_back(AddRemediationCommand(app, ctx, exit_code));
  commands.push_back(AddJobCommands(app, ctx, exit_code));
  commands.push_back(AddVerifyCommand(app, ctx, exit_code));
  commands.push_back(AddWebhooksCommand(app, ctx, exit_code));
  commands.push_back(AddTokenCommand(app, ctx, exit_code));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "ctem: internal error: " << e.what() << "\n";
    return kExitFailure;
  }
  return exit_code;
}
