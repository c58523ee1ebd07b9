#include <fstream>
#include <iostream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "cli/context.h"
#include "pipeline/table_file.h"
#include "store/tables.h"

namespace ctem::cli {
namespace {

constexpr size_t kMaxErrorsShown = 100;
constexpr size_t kBatchRows = 2000;

struct LoadArgs final : CommandArgs {
  std::string table;
  std::vector<std::string> files;
};

int RunLoad(Context& ctx, const LoadArgs& a) {
  const store::TableSpec* table = store::FindLoadableTable(a.table);
  if (table == nullptr) {
    std::string names;
    for (const auto& t : store::LoadableTables()) names += (names.empty() ? "" : ", ") + std::string(t.name);
    PrintError(Error::InvalidArgument("unknown table '" + a.table + "' (tables: " + names + ")"));
    return kExitUsage;
  }
  auto now = ctx.Now();
  if (!now) {
    PrintError(now.error());
    return kExitUsage;
  }
  auto store = ctx.OpenTenantStore(/*migrate=*/true);
  if (!store) {
    PrintError(store.error());
    return kExitFailure;
  }
  size_t received = 0;
  size_t loaded = 0;
  size_t rejected = 0;
  nlohmann::ordered_json errors = nlohmann::ordered_json::array();
  size_t error_count = 0;
  auto add_error = [&](const std::string& file, long record, long line, const std::string& reason) {
    ++error_count;
    if (errors.size() >= kMaxErrorsShown) return;
    nlohmann::ordered_json e = {{"file", file}};
    e["record"] = record >= 0 ? nlohmann::ordered_json(record) : nlohmann::ordered_json(nullptr);
    if (line > 0) e["line"] = line;
    e["reason"] = reason;
    errors.push_back(std::move(e));
  };
  for (const auto& file : a.files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      ++rejected;
      add_error(file, -1, 0, "cannot open '" + file + "'");
      continue;
    }
    const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<pipeline::RawTableRow> raw;
    std::vector<pipeline::RawTableError> raw_errors;
    pipeline::ReadTableFile(content, pipeline::DetectTableFileFormat(file, content), raw, raw_errors);
    received += raw.size() + raw_errors.size();
    rejected += raw_errors.size();
    for (const auto& e : raw_errors) add_error(file, e.index, e.line, e.reason);
    std::vector<store::LoadRow> batch;
    std::vector<long> batch_index;
    auto flush = [&]() {
      if (batch.empty()) return;
      auto st = store::LoadRows((*store)->Sql(), *table, ctx.options().tenant, batch, *now);
      if (st) {
        loaded += batch.size();
      } else {
        rejected += batch.size();
        add_error(file, batch_index.front(), 0,
                  "store refused records " + std::to_string(batch_index.front()) + ".." +
                      std::to_string(batch_index.back()) + ": " + st.error().message);
      }
      batch.clear();
      batch_index.clear();
    };
    for (const auto& r : raw) {
      auto row = store::NormaliseLoadRow(*table, r.values);
      if (!row) {
        ++rejected;
        add_error(file, r.index, r.line, row.error().message);
        continue;
      }
      batch.push_back(std::move(*row));
      batch_index.push_back(r.index);
      if (batch.size() >= kBatchRows) flush();
    }
    flush();
  }
  nlohmann::ordered_json out = {{"table", a.table}, {"received", received}, {"loaded", loaded},
                                {"rejected", rejected}, {"errors", errors}};
  if (error_count > errors.size()) out["errors_not_shown"] = error_count - errors.size();
  std::cout << out.dump() << "\n";
  return rejected > 0 ? kExitFailure : kExitOk;
}

}  // namespace

CommandArgsPtr AddLoadCommand(CLI::App& app, Context& ctx, int& exit_code) {
  auto args = std::make_unique<LoadArgs>();
  LoadArgs* a = args.get();
  std::string names;
  for (const auto& t : store::LoadableTables()) names += "\n  " + std::string(t.name);
  auto* cmd = app.add_subcommand("load", "Load raw rows into a table (telemetry, alerts, or CTEM tables)");
  cmd->add_option("table", a->table, "Table name")->required();
  cmd->add_option("files", a->files, "JSON Lines (.jsonl/.json) or CSV with a header (.csv)")->required();
  cmd->footer("Column names are the seed's. The tenant comes from --tenant, never from the file. Rows with "
              "a natural key (exposure_key, validation_id, remediation_id) replace the stored row; telemetry "
              "and alerts are appended.\n\nTables:" + names +
              "\n\nExample:\n  ctem load alerts alerts.csv\n  ctem --tenant plant-a load edge_node_telemetry edge.jsonl");
  cmd->callback([&ctx, &exit_code, a]() { exit_code = RunLoad(ctx, *a); });
  return args;
}

}  // namespace ctem::cli
