#include <fstream>
#include <iostream>
#include <iterator>

#include "bus/bus.h"
#include "cli/context.h"

namespace ctem::cli {
namespace {

struct TopicsArgs final : CommandArgs {
  std::string config;
};

int RunCreate(Context& ctx, const TopicsArgs& a) {
  std::vector<bus::TopicSpec> topics = bus::DefaultTopics();
  if (!a.config.empty()) {
    std::ifstream in(a.config);
    if (!in) {
      PrintError(Error::NotFound("cannot open '" + a.config + "'"));
      return kExitUsage;
    }
    auto parsed = bus::ParseTopicsYaml(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
    if (!parsed) {
      PrintError(parsed.error());
      return kExitUsage;
    }
    topics = std::move(*parsed);
  }
  auto b = ctx.OpenBus();
  if (!b) {
    PrintError(b.error());
    return kExitFailure;
  }
  auto lines = (*b)->CreateTopics(topics);
  if (!lines) {
    PrintError(lines.error());
    return kExitFailure;
  }
  for (const auto& l : *lines) std::cout << l << "\n";
  return kExitOk;
}

}  // namespace

CommandArgsPtr AddTopicsCommand(CLI::App& app, Context& ctx, int& exit_code) {
  auto args = std::make_unique<TopicsArgs>();
  TopicsArgs* a = args.get();
  auto* cmd = app.add_subcommand("topics", "Manage the bus topics");
  cmd->require_subcommand(1);
  auto* create = cmd->add_subcommand("create", "Create the CTEM topics (idempotent): the seed's nine plus "
                                               "ctem.dlq, ctem.alerts and ctem.rescan");
  create->add_option("--config", a->config, "A topics.yaml in the seed's format (default: deploy/topics.yaml's "
                                            "built-in copy)");
  create->footer("A replication factor above the broker count is clamped with a warning.\n\nExample:\n"
                 "  ctem --bus kafka://127.0.0.1:9092 topics create --config deploy/topics.yaml");
  create->callback([&ctx, &exit_code, a]() { exit_code = RunCreate(ctx, *a); });
  return args;
}

}  // namespace ctem::cli
