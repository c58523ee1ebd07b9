#include <iostream>

#include "cli/context.h"
#include "reports/render.h"
#include "reports/report.h"

namespace ctem::cli {
namespace {

struct ExposuresArgs final : CommandArgs {
  std::vector<std::string> statuses;
  std::string severity;
  std::string zone;
  std::string tool;
  size_t limit = 0;
  size_t offset = 0;
  std::string format = "json";
};

int RunList(Context& ctx, const ExposuresArgs& a) {
  store::ExposureFilter filter;
  filter.tenant_id = ctx.options().tenant;
  for (const auto& s : a.statuses) {
    auto status = ParseExposureStatus(s);
    if (!status) {
      PrintError(status.error());
      return kExitUsage;
    }
    filter.statuses.push_back(*status);
  }
  if (!a.severity.empty()) {
    auto sev = ParseSeverity(a.severity);
    if (!sev) {
      PrintError(sev.error());
      return kExitUsage;
    }
    filter.severity = *sev;
  }
  filter.asset_zone = a.zone;
  filter.source_tool = a.tool;
  filter.limit = a.limit;
  filter.offset = a.offset;
  auto format = reports::ParseOutputFormat(a.format);
  if (!format) {
    PrintError(format.error());
    return kExitUsage;
  }
  auto store = ctx.OpenTenantStore(/*migrate=*/false);
  if (!store) {
    PrintError(store.error());
    return kExitFailure;
  }
  auto rows = (*store)->ListExposures(filter);
  if (!rows) {
    PrintError(rows.error());
    return kExitFailure;
  }
  reports::Json out = reports::Json::array();
  for (const auto& r : *rows) out.push_back(reports::ExposureToJson(r));
  std::cout << reports::Render(out, *format,
                               {"exposure_key", "severity", "status", "ctem_score", "source_tool", "asset_id",
                                "asset_zone", "sla_deadline", "title"});
  return kExitOk;
}

}  // namespace

CommandArgsPtr AddExposuresCommand(CLI::App& app, Context& ctx, int& exit_code) {
  auto args = std::make_unique<ExposuresArgs>();
  ExposuresArgs* a = args.get();
  auto* cmd = app.add_subcommand("exposures", "Query stored exposures");
  cmd->require_subcommand(1);
  auto* list = cmd->add_subcommand("list", "List exposures, highest severity first");
  list->add_option("--status", a->statuses, "Only these statuses (Open, InProgress, FixDeployed, Verified, Closed); repeatable");
  list->add_option("--severity", a->severity, "Only this CTEM severity (CRITICAL, HIGH, MEDIUM, LOW)");
  list->add_option("--zone", a->zone, "Only this asset zone, e.g. Zone1_EdgeInference");
  list->add_option("--tool", a->tool, "Only this source tool as stored, e.g. Wiz, Snyk, Garak, IBM_ART");
  list->add_option("--limit", a->limit, "At most this many rows (0: all)");
  list->add_option("--offset", a->offset, "Skip this many rows first");
  list->add_option("--format", a->format, "json, csv or table")->capture_default_str();
  list->footer("JSON keys are the seed's column names.\n\nExample:\n  ctem exposures list --status Open --format table\n"
               "  ctem exposures list --severity CRITICAL --zone Zone0_PhysicalProcess");
  list->callback([&ctx, &exit_code, a]() { exit_code = RunList(ctx, *a); });
  return args;
}

}  // namespace ctem::cli
