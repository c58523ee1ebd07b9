#include <iostream>

#include "cli/context.h"

namespace ctem::cli {

CommandArgsPtr AddMigrateCommand(CLI::App& app, Context& ctx, int& exit_code) {
  auto* cmd = app.add_subcommand("migrate", "Create or upgrade the CTEM schema (idempotent, versioned)");
  cmd->footer("Example:\n  ctem --store sqlite:ctem.db migrate\n  ctem --store postgresql://ctem@localhost/ctem migrate");
  cmd->callback([&ctx, &exit_code]() {
    auto store = store::OpenStore(ctx.StoreUrl());
    if (!store) {
      PrintError(store.error());
      exit_code = kExitFailure;
      return;
    }
    auto version = (*store)->Migrate();
    if (!version) {
      PrintError(version.error());
      exit_code = kExitFailure;
      return;
    }
    std::cout << "{\"schema_version\":" << *version << "}\n";
  });
  return nullptr;
}

}  // namespace ctem::cli
