// `ctem remediation assign|start|deploy-fix|verify|reject-fix|close|show EXPOSURE_KEY`: the
// remediation lifecycle of erratum 12 (src/jobs/lifecycle.h, docs/lifecycle.md). Each move
// prints the new state as JSON; a refused move exits 1 naming the legal moves, a malformed
// one exits 2. The clock is the Context's, so --now pins the dates a move records.
#include <cstdlib>
#include <iostream>

#include "cli/context.h"
#include "jobs/lifecycle.h"
#include "jobs/lifecycle_json.h"

namespace ctem::cli {
namespace {

// The first schema version with the lifecycle's audit table.
constexpr int kLifecycleSchema = 4;

struct RemediationArgs final : CommandArgs {
  std::string exposure_key;
  std::string actor;
  std::string to;
  std::string pr;
  std::string description;
  std::string by;
  std::string reason;
};

int ExitFor(const Error& e) {
  PrintError(e);
  return e.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

Result<std::unique_ptr<store::Store>> OpenLifecycleStore(const Context& ctx) {
  auto store = ctx.OpenTenantStore(/*migrate=*/false);
  if (!store) return store;
  auto version = (*store)->SchemaVersion();
  if (!version) return Fail(version.error());
  if (*version < kLifecycleSchema) {
    return Fail(Error::FailedPrecondition("the store at " + ctx.StoreUrl() + " has schema v" +
                                          std::to_string(*version) +
                                          ", without the remediation audit; run `ctem migrate` first"));
  }
  return store;
}

int RunMove(Context& ctx, const RemediationArgs& a, jobs::LifecycleAction action) {
  jobs::MoveRequest request;
  request.action = action;
  request.actor = a.actor;
  request.to = a.to;
  request.pull_request_url = a.pr;
  request.description = a.description;
  request.by = a.by;
  request.reason = a.reason;
  if (request.actor.empty() && request.by.empty()) {
    const char* user = std::getenv("USER");
    request.actor = user != nullptr && *user != '\0' ? user : "cli";
  }
  if (auto ok = jobs::ValidateMoveRequest(request); !ok) return ExitFor(ok.error());
  auto now = ctx.Now();
  if (!now) return ExitFor(now.error());
  auto store = OpenLifecycleStore(ctx);
  if (!store) {
    PrintError(store.error());
    return kExitFailure;
  }
  const ManualClock clock(*now);
  jobs::RemediationLifecycle lifecycle(**store, clock);
  auto moved = lifecycle.Move(ctx.options().tenant, a.exposure_key, request);
  if (!moved) return ExitFor(moved.error());
  std::cout << jobs::MoveResultToJson(*moved).dump(2) << "\n";
  return kExitOk;
}

int RunShow(Context& ctx, const RemediationArgs& a) {
  auto store = OpenLifecycleStore(ctx);
  if (!store) {
    PrintError(store.error());
    return kExitFailure;
  }
  const SystemClock clock;  // showing records nothing
  jobs::RemediationLifecycle lifecycle(**store, clock);
  auto snapshot = lifecycle.Load(ctx.options().tenant, a.exposure_key);
  if (!snapshot) return ExitFor(snapshot.error());
  auto audit = lifecycle.Audit(ctx.options().tenant, a.exposure_key);
  if (!audit) return ExitFor(audit.error());
  std::cout << jobs::SnapshotToJson(*snapshot, *audit).dump(2) << "\n";
  return kExitOk;
}

CLI::App* AddKey(CLI::App* cmd, RemediationArgs* a) {
  cmd->add_option("EXPOSURE_KEY", a->exposure_key, "The exposure's key (see `ctem exposures list`)")
      ->required();
  return cmd;
}

void AddActor(CLI::App* cmd, RemediationArgs* a) {
  cmd->add_option("--actor", a->actor, "Who makes the move, for the audit trail (default: $USER)")
      ->envname("CTEM_ACTOR");
}

}  // namespace

CommandArgsPtr AddRemediationCommand(CLI::App& app, Context& ctx, int& exit_code) {
  auto args = std::make_unique<RemediationArgs>();
  RemediationArgs* a = args.get();
  auto* cmd = app.add_subcommand("remediation", "Move an exposure through the remediation lifecycle");
  cmd->require_subcommand(1);
  cmd->footer(
      "Open -assign-> Assigned -start-> InProgress -deploy-fix-> FixDeployed -verify-> Verified -close-> "
      "Closed;\nassign again re-assigns (Assigned, InProgress); reject-fix sends FixDeployed back to "
      "InProgress.\nAn illegal move exits 1 and names the legal ones (docs/lifecycle.md).\n\nExample:\n"
      "  ctem remediation assign 3f9a1c0de2b47a65 --to alice --pr https://git.example.com/plant/pull/7\n"
      "  ctem remediation show 3f9a1c0de2b47a65");
  auto move = [&ctx, &exit_code, a](jobs::LifecycleAction action) {
    return [&ctx, &exit_code, a, action]() { exit_code = RunMove(ctx, *a, action); };
  };

  auto* assign =
      AddKey(cmd->add_subcommand("assign", "Assign the exposure to who fixes it (again: re-assign)"), a);
  assign->add_option("--to", a->to, "The assignee")->required();
  assign->add_option("--pr", a->pr, "The pull request of the fix (http(s) URL)");
  AddActor(assign, a);
  assign->footer(
      "Example:\n  ctem remediation assign 3f9a1c0de2b47a65 --to alice --pr "
      "https://git.example.com/plant/pull/7");
  assign->callback(move(jobs::LifecycleAction::kAssign));

  auto* start =
      AddKey(cmd->add_subcommand("start", "Work on the fix has started (Assigned -> InProgress)"), a);
  AddActor(start, a);
  start->footer("Example:\n  ctem remediation start 3f9a1c0de2b47a65 --actor alice");
  start->callback(move(jobs::LifecycleAction::kStart));

  auto* deploy =
      AddKey(cmd->add_subcommand("deploy-fix", "The fix is deployed (InProgress -> FixDeployed)"), a);
  deploy->add_option("--description", a->description, "What the fix changed");
  deploy->add_option("--pr", a->pr, "The pull request of the fix (http(s) URL)");
  AddActor(deploy, a);
  deploy->footer(
      "Example:\n  ctem remediation deploy-fix 3f9a1c0de2b47a65 --description 'disabled anonymous OPC UA'");
  deploy->callback(move(jobs::LifecycleAction::kDeployFix));

  auto* verify =
      AddKey(cmd->add_subcommand("verify", "A re-scan confirmed the fix (FixDeployed -> Verified)"), a);
  verify->add_option("--by", a->by, "Who verified it")->required();
  AddActor(verify, a);
  verify->footer("Example:\n  ctem remediation verify 3f9a1c0de2b47a65 --by bob");
  verify->callback(move(jobs::LifecycleAction::kVerify));

  auto* reject = AddKey(
      cmd->add_subcommand("reject-fix", "Verification failed: back to work (FixDeployed -> InProgress)"), a);
  reject->add_option("--by", a->by, "Who found the fix ineffective")->required();
  reject->add_option("--reason", a->reason, "Why the fix did not hold")->required();
  AddActor(reject, a);
  reject->footer(
      "Example:\n  ctem remediation reject-fix 3f9a1c0de2b47a65 --by bob --reason 'rescan still finds it'");
  reject->callback(move(jobs::LifecycleAction::kRejectFix));

  auto* close = AddKey(cmd->add_subcommand("close", "Close a verified remediation (Verified -> Closed)"), a);
  AddActor(close, a);
  close->footer("Example:\n  ctem remediation close 3f9a1c0de2b47a65");
  close->callback(move(jobs::LifecycleAction::kClose));

  auto* show =
      AddKey(cmd->add_subcommand(
                 "show", "The exposure's remediation, its state, the legal moves and the audit trail"),
             a);
  show->footer(
      "Example:\n  ctem remediation show 3f9a1c0de2b47a65\n  ctem --tenant plant-b remediation show "
      "3f9a1c0de2b47a65");
  show->callback([&ctx, &exit_code, a]() { exit_code = RunShow(ctx, *a); });
  return args;
}

}  // namespace ctem::cli
