#include "store/tables.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>

#include "core/model.h"
#include "core/records.h"

namespace ctem::store {
namespace {

using CT = ColumnType;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

const std::vector<TableSpec>& LoadableTables() {
  static const std::vector<TableSpec> tables = {
      {"edge_node_telemetry",
       {{"ts", CT::kTimestamp, true}, {"edge_node_id", CT::kText, true}, {"cpu_utilisation", CT::kReal},
        {"model_weight_hash", CT::kText}},
       ""},
      {"orbital_api_logs",
       {{"ts", CT::kTimestamp, true}, {"endpoint", CT::kText, true}, {"caller_identity", CT::kText}},
       ""},
      {"partner_api_logs",
       {{"ts", CT::kTimestamp, true}, {"partner_id", CT::kText, true}, {"partner_name", CT::kText},
        {"mtls_verified", CT::kBool}},
       ""},
      {"opcua_telemetry",
       {{"ts", CT::kTimestamp, true}, {"edge_node_id", CT::kText, true}, {"sensor_count", CT::kInteger},
        {"protocol_violations", CT::kInteger}},
       ""},
      {"cicd_audit",
       {{"ts", CT::kTimestamp, true}, {"pipeline_id", CT::kText, true}, {"dependency_changes", CT::kText}},
       ""},
      {"model_registry",
       {{"ts", CT::kTimestamp, true}, {"model_name", CT::kText, true}, {"model_hash", CT::kText},
        {"stage", CT::kText}},
       ""},
      {"alerts",
       {{"ts", CT::kTimestamp, true}, {"alert_title", CT::kText, true}, {"severity", CT::kText},
        {"atlas_technique", CT::kText}},
       ""},
      {"ctem_validations",
       {{"validation_id", CT::kText, true}, {"exposure_id", CT::kText, true}, {"campaign_id", CT::kText, true},
        {"ts", CT::kTimestamp, true}, {"validation_type", CT::kText, true}, {"exploitable", CT::kBool},
        {"exploit_complexity", CT::kText}, {"attack_path", CT::kText},
        {"physical_consequence_demonstrated", CT::kBool}, {"detection_evaded", CT::kBool},
        {"detection_rules_tested", CT::kJsonList}, {"detection_gaps", CT::kJsonList}, {"tester", CT::kText},
        {"evidence_url", CT::kText}, {"created_at", CT::kTimestamp}},
       "validation_id"},
      {"ctem_remediations",
       {{"remediation_id", CT::kText, true}, {"exposure_id", CT::kText, true}, {"ts", CT::kTimestamp, true},
        {"status", CT::kText}, {"assigned_to", CT::kText, true}, {"assigned_date", CT::kTimestamp},
        {"sla_deadline", CT::kTimestamp}, {"fix_deployed_date", CT::kTimestamp},
        {"verified_date", CT::kTimestamp}, {"verified_by", CT::kText}, {"sla_breached", CT::kBool},
        {"escalation_level", CT::kText}, {"fix_description", CT::kText}, {"pull_request_url", CT::kText},
        {"created_at", CT::kTimestamp}, {"updated_at", CT::kTimestamp}},
       "remediation_id"},
      {"ctem_exposures",
       {{"exposure_key", CT::kText, true}, {"ts", CT::kTimestamp, true}, {"source_tool", CT::kText, true},
        {"title", CT::kText, true}, {"description", CT::kText}, {"severity", CT::kText, true},
        {"original_severity", CT::kText}, {"asset_id", CT::kText, true}, {"asset_type", CT::kText},
        {"asset_zone", CT::kText, true}, {"exploitability_score", CT::kReal},
        {"physical_consequence", CT::kText, true}, {"ctem_score", CT::kReal, true},
        {"atlas_technique", CT::kText}, {"attack_technique", CT::kText}, {"threat_model_ref", CT::kText},
        {"status", CT::kText}, {"assigned_to", CT::kText}, {"sla_deadline", CT::kTimestamp},
        {"remediation_guidance", CT::kText}, {"evidence_url", CT::kText}, {"created_at", CT::kTimestamp},
        {"updated_at", CT::kTimestamp}, {"zone_source", CT::kText}, {"escalation_level", CT::kText},
        {"sla_breached", CT::kBool}},
       "exposure_key"},
  };
  return tables;
}

const TableSpec* FindLoadableTable(std::string_view name) {
  for (const auto& t : LoadableTables()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

Result<LoadRow> NormaliseLoadRow(const TableSpec& table, const std::map<std::string, SqlValue>& raw) {
  auto bad = [](std::string_view field, const std::string& reason) {
    return Fail(Error::InvalidArgument(std::string(field) + ": " + reason));
  };
  for (const auto& [name, value] : raw) {
    if (name == "tenant_id" || name == "id") continue;  // the tenant comes from --tenant; ids are ours
    const bool known = std::any_of(table.columns.begin(), table.columns.end(),
                                   [&](const ColumnSpec& c) { return c.name == name; });
    if (!known) {
      std::string names;
      for (const auto& c : table.columns) names += (names.empty() ? "" : ", ") + std::string(c.name);
      return bad(name, "unknown column for " + std::string(table.name) + " (columns: " + names + ")");
    }
  }
  LoadRow row;
  for (const ColumnSpec& c : table.columns) {
    auto it = raw.find(std::string(c.name));
    if (it == raw.end() || !it->second || (it->second->empty() && c.type != CT::kText)) {
      if (c.required) return bad(c.name, "required column is missing");
      continue;
    }
    const std::string& v = *it->second;
    if (c.required && v.empty()) return bad(c.name, "required column is empty");
    switch (c.type) {
      case CT::kText:
        row[std::string(c.name)] = v;
        break;
      case CT::kTimestamp: {
        auto t = ParseTimestamp(v);
        if (!t) return bad(c.name, t.error().message);
        row[std::string(c.name)] = FormatTimestamp(*t);
        break;
      }
      case CT::kReal: {
        char* end = nullptr;
        errno = 0;
        const double d = std::strtod(v.c_str(), &end);
        if (end == v.c_str() || *end != '\0' || errno == ERANGE) return bad(c.name, "expected a number, got '" + v + "'");
        (void)d;
        row[std::string(c.name)] = v;
        break;
      }
      case CT::kInteger: {
        char* end = nullptr;
        errno = 0;
        (void)std::strtoll(v.c_str(), &end, 10);
        if (end == v.c_str() || *end != '\0' || errno == ERANGE) {
          return bad(c.name, "expected an integer, got '" + v + "'");
        }
        row[std::string(c.name)] = v;
        break;
      }
      case CT::kBool: {
        const std::string l = Lower(v);
        if (l == "true" || l == "1" || l == "t" || l == "yes") {
          row[std::string(c.name)] = "1";
        } else if (l == "false" || l == "0" || l == "f" || l == "no") {
          row[std::string(c.name)] = "0";
        } else {
          return bad(c.name, "expected true or false, got '" + v + "'");
        }
        break;
      }
      case CT::kJsonList: {
        auto parsed = nlohmann::json::parse(v, nullptr, /*allow_exceptions=*/false);
        if (parsed.is_discarded() || !parsed.is_array()) return bad(c.name, "expected a JSON array, got '" + v + "'");
        for (const auto& item : parsed) {
          if (!item.is_string()) return bad(c.name, "expected an array of strings");
        }
        row[std::string(c.name)] = parsed.dump();
        break;
      }
    }
  }
  // Enumerated columns must hold values the engine understands.
  if (table.name == "ctem_exposures") {
    if (auto s = ParseSeverity(*row["severity"]); !s) return bad("severity", s.error().message);
    if (auto c = ParseConsequence(*row["physical_consequence"]); !c) return bad("physical_consequence", c.error().message);
    if (row.count("status")) {
      auto st = ParseExposureStatus(*row["status"]);
      if (!st) return bad("status", st.error().message);
      row["status"] = std::string(ExposureStatusName(*st));
    }
    row["severity"] = std::string(SeverityName(*ParseSeverity(*row["severity"])));
  }
  if (table.name == "ctem_remediations" && row.count("status")) {
    auto st = ParseExposureStatus(*row["status"]);
    if (!st) return bad("status", st.error().message);
    row["status"] = std::string(RemediationStatusName(*st));
  }
  return row;
}

Status LoadRows(SqlExecutor& sql, const TableSpec& table, std::string_view tenant_id,
                const std::vector<LoadRow>& rows, Timestamp now) {
  std::vector<std::pair<std::string, std::vector<SqlValue>>> statements;
  statements.reserve(rows.size());
  const bool pg = sql.Backend() == SqlBackend::kPostgres;
  for (const LoadRow& in : rows) {
    LoadRow r = in;
    // Columns the engine maintains, filled the way ingestion would.
    if (table.name == "ctem_exposures") {
      if (!r.count("created_at")) r["created_at"] = r["ts"];
      if (!r.count("updated_at")) r["updated_at"] = FormatTimestamp(now);
      r["severity_rank"] = std::to_string(SeverityRank(*ParseSeverity(*r["severity"])));
      if (!r.count("original_severity")) r["original_severity"] = *r["severity"];
      if (!r.count("asset_type")) r["asset_type"] = "";
      if (!r.count("exploitability_score")) r["exploitability_score"] = "0";
    }
    if (table.name == "ctem_remediations") {
      if (!r.count("assigned_date")) r["assigned_date"] = r["ts"];
      if (!r.count("created_at")) r["created_at"] = r["ts"];
      if (!r.count("updated_at")) r["updated_at"] = FormatTimestamp(now);
    }
    if (table.name == "ctem_validations" && !r.count("created_at")) r["created_at"] = r["ts"];
    r["tenant_id"] = std::string(tenant_id);

    std::string cols;
    std::string marks;
    std::string updates;
    std::vector<SqlValue> params;
    for (const auto& [name, value] : r) {
      cols += (cols.empty() ? "" : ", ") + name;
      std::string mark = "?";
      if (pg) {
        // Untyped text parameters need a cast where PostgreSQL's column is not text.
        const ColumnSpec* spec = nullptr;
        for (const auto& c : table.columns) {
          if (c.name == name) spec = &c;
        }
        if (spec && spec->type == CT::kBool) mark = "CAST(? AS INTEGER)::boolean";
        if (spec && spec->type == CT::kJsonList) mark = "CAST(? AS jsonb)";
      }
      marks += (marks.empty() ? "" : ", ") + mark;
      params.push_back(value);
      if (name != table.key && name != "tenant_id") {
        updates += (updates.empty() ? "" : ", ") + name + " = excluded." + name;
      }
    }
    std::string stmt = "INSERT INTO " + std::string(table.name) + " (" + cols + ") VALUES (" + marks + ")";
    if (!table.key.empty()) {
      stmt += " ON CONFLICT (tenant_id, " + std::string(table.key) + ") DO UPDATE SET " + updates;
    }
    statements.emplace_back(std::move(stmt), std::move(params));
  }
  return sql.ExecuteInTransaction(statements);
}

}  // namespace ctem::store
