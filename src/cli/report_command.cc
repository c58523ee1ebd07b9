#include <iostream>

#include "cli/context.h"
#include "reports/render.h"
#include "reports/report.h"

namespace ctem::cli {
namespace {

struct ReportArgs final : CommandArgs {
  std::string name;
  std::string format = "json";
  std::string campaign;
  std::string technique;
  size_t limit = 0;
};

int RunReport(Context& ctx, const ReportArgs& a) {
  const reports::ReportSpec* spec = reports::FindReport(a.name);
  if (spec == nullptr) {
    std::string names;
    for (const auto& n : reports::ReportNames()) names += (names.empty() ? "" : ", ") + n;
    PrintError(Error::InvalidArgument("unknown report '" + a.name + "' (valid reports: " + names + ")"));
    return kExitUsage;
  }
  auto format = reports::ParseOutputFormat(a.format);
  if (!format) {
    PrintError(format.error());
    return kExitUsage;
  }
  auto now = ctx.Now();
  if (!now) {
    PrintError(now.error());
    return kExitUsage;
  }
  reports::ReportRequest request;
  request.tenant_id = ctx.options().tenant;
  request.now = *now;
  request.limit = a.limit;
  if (!a.campaign.empty()) request.params["campaign"] = a.campaign;
  if (!a.technique.empty()) request.params["technique"] = a.technique;
  for (const auto& p : spec->required_params) {
    if (!request.params.count(p)) {
      PrintError(Error::InvalidArgument("report '" + a.name + "' needs --" + p));
      return kExitUsage;
    }
  }
  auto store = ctx.OpenTenantStore(/*migrate=*/false);
  if (!store) {
    PrintError(store.error());
    return kExitFailure;
  }
  // Scope discovery places assets by the zone graph when one is configured.
  SystemClock clock;
  auto resolver = ctx.OpenZoneResolver(clock);
  if (!resolver) {
    PrintError(resolver.error());
    return kExitFailure;
  }
  request.zone_resolver = resolver->get();
  auto result = spec->run(**store, request);
  if (!result) {
    PrintError(result.error());
    return kExitFailure;
  }
  std::cout << reports::Render(*result, *format, spec->table_columns);
  return kExitOk;
}

}  // namespace

CommandArgsPtr AddReportCommand(CLI::App& app, Context& ctx, int& exit_code) {
  auto args = std::make_unique<ReportArgs>();
  ReportArgs* a = args.get();
  std::string names;
  for (const auto& r : reports::AllReports()) names += "\n  " + r.name + " - " + r.summary;
  auto* cmd = app.add_subcommand("report", "Run a CTEM report (pure function of the store and --now)");
  cmd->add_option("name", a->name, "Report name")->required();
  cmd->add_option("--format", a->format, "json, csv or table")->capture_default_str();
  cmd->add_option("--campaign", a->campaign, "Campaign id (campaign-gaps)");
  cmd->add_option("--technique", a->technique, "ATLAS technique id (ctem-context)");
  cmd->add_option("--limit", a->limit,
                  "At most this many rows, the first in the report's order (triage, correlation, sla-breaches, "
                  "sla-at-risk, pending-verifications); 0: all")
      ->capture_default_str();
  cmd->footer("Reports:" + names +
              "\n\nGlobal --now pins the clock so a report is reproducible.\n\nExample:\n"
              "  ctem --now 2026-11-23T07:00:00Z report triage --format table");
  cmd->callback([&ctx, &exit_code, a]() { exit_code = RunReport(ctx, *a); });
  return args;
}

}  // namespace ctem::cli
