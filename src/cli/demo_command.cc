// `ctem demo`: loads a demonstration data set through the real ingestion path — findings
// from every seed source across all five zones, two red-team campaigns and remediations —
// seen at three moments (20 days ago, 2 days ago, now) so that the triage queue shows
// breached, at-risk and on-track exposures; plus runtime alerts and asset telemetry, so that
// correlation, ATLAS runtime detection and the asset inventory have data too.
#include <nlohmann/json.hpp>

#include <iostream>
#include <map>
#include <set>

#include "cli/context.h"
#include "core/exposure_key.h"
#include "parsers/parser.h"
#include "pipeline/ingest.h"
#include "store/tables.h"

namespace ctem::cli {
namespace {

using Json = nlohmann::ordered_json;

struct DemoArgs final : CommandArgs {};

struct DemoBatch {
  int days_ago;
  std::string source;
  Json findings;
};

std::vector<DemoBatch> DemoData(Timestamp now) {
  std::vector<DemoBatch> batches;
  // Wiz: one cloud resource per zone; Zone0 and Zone2 are named by tag, the others by the
  // seed's entity-name heuristics.
  batches.push_back({20, "wiz", Json::array({
      {{"title", "Publicly exposed storage bucket with model artefacts"}, {"entityExternalId", "s3://orbital-demo-public"},
       {"entityName", "orbital-demo-public"}, {"entityType", "Bucket"}, {"severity", "HIGH"},
       {"description", "Bucket allows anonymous read of exported demo models."},
       {"remediation", "Block public access and rotate exposed artefacts."}, {"mitreTechnique", "T1530"},
       {"detailsUrl", "https://app.wiz.io/issues#demo-1"}},
      {{"title", "MLflow tracking server without authentication"}, {"entityExternalId", "vm-mlflow-01"},
       {"entityName", "mlflow-tracking"}, {"entityType", "VirtualMachine"}, {"severity", "CRITICAL"},
       {"description", "The MLflow UI and REST API accept unauthenticated writes."},
       {"remediation", "Put MLflow behind SSO."}, {"mitreTechnique", "T1190"},
       {"detailsUrl", "https://app.wiz.io/issues#demo-2"}},
  })});
  batches.push_back({2, "wiz", Json::array({
      {{"title", "Edge inference node SSH open to plant network"}, {"entityExternalId", "edge-node-07"},
       {"entityName", "edge-node-07"}, {"entityType", "VirtualMachine"}, {"severity", "MEDIUM"},
       {"description", "SSH with password auth reachable from the OT DMZ."},
       {"remediation", "Restrict SSH to the bastion and require keys."}, {"mitreTechnique", "T1021.004"},
       {"detailsUrl", "https://app.wiz.io/issues#demo-3"}},
      {{"title", "PLC gateway firmware with known RCE"}, {"entityExternalId", "plc-gw-line3"},
       {"entityName", "plc-gateway-line3"}, {"entityType", "IoTDevice"}, {"severity", "MEDIUM"},
       {"tags", {{"zone", "Zone0_PhysicalProcess"}}},
       {"description", "Gateway bridging the vision model to the line-3 PLC runs vulnerable firmware."},
       {"remediation", "Apply vendor firmware 4.2.1."}, {"mitreTechnique", "T0866"},
       {"detailsUrl", "https://app.wiz.io/issues#demo-4"}},
  })});
  batches.push_back({0, "wiz", Json::array({
      {{"title", "Operations historian allows legacy TLS"}, {"entityExternalId", "historian-ops-01"},
       {"entityName", "historian-ops-01"}, {"entityType", "VirtualMachine"}, {"severity", "LOW"},
       {"tags", {{"zone", "Zone2_Operations"}}},
       {"description", "TLS 1.0 is still enabled on the historian API."},
       {"remediation", "Disable TLS < 1.2."}, {"detailsUrl", "https://app.wiz.io/issues#demo-5"}},
  })});
  batches.push_back({20, "snyk", Json::array({
      {{"id", "SNYK-PYTHON-TORCH-6649934"}, {"packageName", "torch"}, {"version", "2.1.0"}, {"severity", "high"},
       {"description", "Deserialization of untrusted data in torch.load."}, {"fixedIn", Json::array({"2.2.0"})}},
      {{"id", "SNYK-JS-LODASH-1018905"}, {"packageName", "lodash"}, {"version", "4.17.20"}, {"severity", "medium"},
       {"description", "ReDoS in toNumber, trim and trimEnd."}, {"fixedIn", "4.17.21"}},
  })});
  batches.push_back({0, "snyk", Json::array({
      {{"id", "SNYK-PYTHON-NUMPY-2321970"}, {"packageName", "numpy"}, {"version", "1.21.0"}, {"severity", "low"},
       {"description", "Buffer overflow in array_from_pyobj."}},
  })});
  batches.push_back({2, "garak", Json::array({
      {{"probe", "promptinject.HijackHateHumansMini"}, {"passed", false}, {"failure_rate", 0.62},
       {"description", "Prompt injection overrides the system prompt."},
       {"suggested_fix", "Add an input guard and instruction hierarchy."}},
      {{"probe", "latentinjection.escalation"}, {"passed", false}, {"failure_rate", 0.35},
       {"description", "Injected text escalates to prescriptive setpoint advice."},
       {"suggested_fix", "Require operator confirmation for prescriptive actions."}},
      {{"probe", "agent.tool_use"}, {"passed", false}, {"failure_rate", 0.15},
       {"description", "The model calls the maintenance-ticket tool from untrusted input."}},
      {{"probe", "leakreplay.extraction"}, {"passed", false}, {"failure_rate", 0.55},
       {"description", "The model replays proprietary process documents."},
       {"suggested_fix", "Filter training data and add output filters."}},
  })});
  batches.push_back({20, "ibm_art", Json::array({
      {{"attack_type", "evasion"}, {"model_name", "defect-vision-v3"}, {"success_rate", 0.82},
       {"description", "Projected gradient descent flips defect classifications."},
       {"recommended_defense", "Adversarial training with PGD examples."}},
      {{"attack_type", "poisoning"}, {"model_name", "defect-vision-v3"}, {"success_rate", 0.45},
       {"description", "Backdoor trigger planted via the labelling pipeline."},
       {"recommended_defense", "Data provenance checks and spectral signatures."}},
  })});
  batches.push_back({0, "ibm_art", Json::array({
      {{"attack_type", "extraction"}, {"model_name", "yield-forecaster-v2"}, {"success_rate", 0.25},
       {"description", "Copycat CNN reaches 91% agreement with 20k queries."},
       {"recommended_defense", "Rate limiting and output rounding."}},
      {{"attack_type", "inference"}, {"model_name", "yield-forecaster-v2"}, {"success_rate", 0.71},
       {"description", "Membership inference on supplier data."}, {"recommended_defense", "Differential privacy."}},
  })});
  const std::string evasion_key = GenerateExposureKey("IBM_ART", "evasion", "defect-vision-v3");
  const std::string poisoning_key = GenerateExposureKey("IBM_ART", "poisoning", "defect-vision-v3");
  const std::string inject_key = GenerateExposureKey("Garak", "promptinject.HijackHateHumansMini", "orbital-domain-llm");
  const std::string mlflow_key = GenerateExposureKey("Wiz", "MLflow tracking server without authentication", "vm-mlflow-01");
  const std::string lodash_key = GenerateExposureKey("Snyk", "SNYK-JS-LODASH-1018905", "lodash");
  auto at = [&](int days_ago, int hour) { return FormatTimestamp(now - days(days_ago) + hours(hour)); };
  batches.push_back({0, "validation", Json::array({
      {{"validation_id", "RT-2026-Q3-001"}, {"exposure_id", evasion_key}, {"campaign_id", "RT-2026-Q3"},
       {"ts", at(40, 9)}, {"validation_type", "adversarial_ml"}, {"exploitable", true}, {"exploit_complexity", "low"},
       {"attack_path", "camera feed -> defect-vision-v3 -> reject gate"}, {"physical_consequence_demonstrated", true},
       {"detection_evaded", true}, {"detection_rules_tested", Json::array({"ATLAS-DETECT-004"})},
       {"detection_gaps", Json::array({"no drift alarm on adversarial patches"})}, {"tester", "red-team-a"}},
      {{"validation_id", "RT-2026-Q3-002"}, {"exposure_id", inject_key}, {"campaign_id", "RT-2026-Q3"},
       {"ts", at(39, 14)}, {"validation_type", "manual_red_team"}, {"exploitable", true}, {"exploit_complexity", "medium"},
       {"attack_path", "operator chat -> LLM -> work order"}, {"detection_evaded", false},
       {"detection_rules_tested", Json::array({"ATLAS-DETECT-003"})}, {"tester", "red-team-a"}},
      {{"validation_id", "RT-2026-Q4-001"}, {"exposure_id", poisoning_key}, {"campaign_id", "RT-2026-Q4"},
       {"ts", at(3, 10)}, {"validation_type", "full_campaign"}, {"exploitable", true}, {"exploit_complexity", "high"},
       {"attack_path", "labelling vendor -> training set -> model"}, {"detection_evaded", true},
       {"detection_rules_tested", Json::array({"ATLAS-DETECT-001"})}, {"tester", "red-team-b"}},
      {{"validation_id", "RT-2026-Q4-002"}, {"exposure_id", mlflow_key}, {"campaign_id", "RT-2026-Q4"},
       {"ts", at(3, 15)}, {"validation_type", "manual_red_team"}, {"exploitable", false}, {"exploit_complexity", "unknown"},
       {"attack_path", "internet -> VPN -> mlflow"}, {"tester", "red-team-b"}},
  })});
  batches.push_back({0, "remediation", Json::array({
      {{"remediation_id", "REM-0001"}, {"exposure_id", lodash_key}, {"status", "Verified"}, {"assigned_to", "web-team"},
       {"assigned_date", at(19, 9)}, {"sla_deadline", at(6, 9)}, {"fix_deployed_date", at(12, 16)},
       {"verified_date", at(10, 11)}, {"verified_by", "appsec"}, {"fix_description", "Bumped lodash to 4.17.21"},
       {"pull_request_url", "https://git.example/web/pull/412"}},
      {{"remediation_id", "REM-0002"}, {"exposure_id", evasion_key}, {"status", "InProgress"},
       {"assigned_to", "ml-platform"}, {"assigned_date", at(19, 10)}, {"sla_deadline", at(18, 10)}},
      {{"remediation_id", "REM-0003"}, {"exposure_id", mlflow_key}, {"status", "FixDeployed"},
       {"assigned_to", "ml-platform"}, {"assigned_date", at(19, 11)}, {"sla_deadline", at(18, 11)},
       {"fix_deployed_date", at(3, 17)}, {"fix_description", "SSO proxy in front of MLflow"}},
  })});
  return batches;
}

// The runtime side of the demo, rows of the seed's telemetry and alert tables: SOC alerts
// (two share an ATLAS technique with open exposures, so the triage queue and the correlation
// report show runtime-correlated rows, and the ATLAS matrix shows runtime detection) and
// telemetry from every asset source of scope discovery (an inventory in every zone; a partner
// and its endpoint are new this week). These tables have no natural key, so the demo's own
// rows are deleted before they are written: running the demo again refreshes them instead of
// duplicating them.
struct DemoTable {
  std::string_view table;
  std::string_view id_column;  // the demo's rows are those with these ids
  std::vector<std::map<std::string, std::string>> rows;
};

// One row per line reads as the table it is.
// clang-format off
std::vector<DemoTable> DemoRuntimeData(Timestamp now) {
  auto at = [&](int days_ago, int hour) { return FormatTimestamp(now - days(days_ago) + hours(hour)); };
  std::vector<DemoTable> t;
  t.push_back({"alerts", "alert_title", {
      {{"ts", at(1, 3)}, {"alert_title", "Prompt injection pattern in operator chat"}, {"severity", "High"},
       {"atlas_technique", "AML.T0051"}},
      {{"ts", at(2, 5)}, {"alert_title", "Adversarial patch suspected on line-3 camera feed"}, {"severity", "Critical"},
       {"atlas_technique", "AML.T0015"}},
      {{"ts", at(20, 8)}, {"alert_title", "Model registry hash mismatch"}, {"severity", "Medium"},
       {"atlas_technique", "AML.T0018"}},
  }});
  t.push_back({"edge_node_telemetry", "edge_node_id", {
      {{"ts", at(1, 0)}, {"edge_node_id", "edge-node-07"}, {"cpu_utilisation", "61.5"}, {"model_weight_hash", "sha256:7f3a"}},
      {{"ts", at(3, 0)}, {"edge_node_id", "edge-node-07"}, {"cpu_utilisation", "58.25"}, {"model_weight_hash", "sha256:7f3a"}},
      {{"ts", at(15, 0)}, {"edge_node_id", "edge-node-07"}, {"cpu_utilisation", "55"}, {"model_weight_hash", "sha256:7f3a"}},
      {{"ts", at(2, 0)}, {"edge_node_id", "edge-node-03"}, {"cpu_utilisation", "42"}, {"model_weight_hash", "sha256:19c0"}},
      {{"ts", at(20, 0)}, {"edge_node_id", "edge-node-03"}, {"cpu_utilisation", "40"}, {"model_weight_hash", "sha256:19c0"}},
  }});
  t.push_back({"opcua_telemetry", "edge_node_id", {
      {{"ts", at(1, 2)}, {"edge_node_id", "edge-node-07"}, {"sensor_count", "48"}, {"protocol_violations", "0"}},
      {{"ts", at(1, 4)}, {"edge_node_id", "edge-node-07"}, {"sensor_count", "47"}, {"protocol_violations", "1"}},
      {{"ts", at(15, 4)}, {"edge_node_id", "edge-node-07"}, {"sensor_count", "48"}, {"protocol_violations", "0"}},
  }});
  t.push_back({"orbital_api_logs", "endpoint", {
      {{"ts", at(1, 6)}, {"endpoint", "/v1/inference/defect"}, {"caller_identity", "line3-gateway"}},
      {{"ts", at(1, 7)}, {"endpoint", "/v1/inference/defect"}, {"caller_identity", "line3-gateway"}},
      {{"ts", at(2, 9)}, {"endpoint", "/v1/nl-query"}, {"caller_identity", "operator-console"}},
      {{"ts", at(2, 10)}, {"endpoint", "/v1/partner/demo-forecast"}, {"caller_identity", "partner-acme"}},
      {{"ts", at(3, 11)}, {"endpoint", "/v1/reports/export"}, {"caller_identity", "finance-bi"}},
      // Seen before this week: only the partner's demo endpoint is new.
      {{"ts", at(15, 6)}, {"endpoint", "/v1/inference/defect"}, {"caller_identity", "line3-gateway"}},
      {{"ts", at(15, 9)}, {"endpoint", "/v1/nl-query"}, {"caller_identity", "operator-console"}},
      {{"ts", at(15, 11)}, {"endpoint", "/v1/reports/export"}, {"caller_identity", "finance-bi"}},
  }});
  t.push_back({"partner_api_logs", "partner_id", {
      {{"ts", at(2, 10)}, {"partner_id", "partner-acme"}, {"partner_name", "Acme Logistics"}, {"mtls_verified", "true"}},
      {{"ts", at(2, 11)}, {"partner_id", "partner-acme"}, {"partner_name", "Acme Logistics"}, {"mtls_verified", "false"}},
  }});
  t.push_back({"cicd_audit", "pipeline_id", {
      {{"ts", at(1, 12)}, {"pipeline_id", "vision-model-train"}, {"dependency_changes", "torch 2.1.0 -> 2.1.0"}},
      {{"ts", at(4, 12)}, {"pipeline_id", "vision-model-train"}, {"dependency_changes", ""}},
      {{"ts", at(15, 12)}, {"pipeline_id", "vision-model-train"}, {"dependency_changes", ""}},
  }});
  t.push_back({"model_registry", "model_name", {
      {{"ts", at(10, 9)}, {"model_name", "defect-vision-v3"}, {"model_hash", "sha256:7f3a"}, {"stage", "Production"}},
      {{"ts", at(5, 9)}, {"model_name", "yield-forecaster-v2"}, {"model_hash", "sha256:a41e"}, {"stage", "Staging"}},
      {{"ts", at(25, 9)}, {"model_name", "yield-forecaster-v2"}, {"model_hash", "sha256:9b02"}, {"stage", "Staging"}},
  }});
  return t;
}
// clang-format on

Status LoadDemoRuntime(store::Store& store, Timestamp now, const std::string& tenant) {
  for (const DemoTable& d : DemoRuntimeData(now)) {
    const store::TableSpec* spec = store::FindLoadableTable(d.table);
    if (spec == nullptr) return Fail(Error::Internal("demo: no table " + std::string(d.table)));
    std::set<std::string> ids;
    std::vector<store::LoadRow> rows;
    for (const auto& raw : d.rows) {
      std::map<std::string, store::SqlValue> values(raw.begin(), raw.end());
      auto row = store::NormaliseLoadRow(*spec, values);
      if (!row) return Fail(row.error());
      ids.insert(raw.at(std::string(d.id_column)));
      rows.push_back(std::move(*row));
    }
    std::string sql = "DELETE FROM " + std::string(d.table) + " WHERE tenant_id = ? AND " +
                      std::string(d.id_column) + " IN (";
    std::vector<store::SqlValue> params = {tenant};
    for (const auto& id : ids) {
      sql += params.size() > 1 ? ", ?" : "?";
      params.push_back(id);
    }
    sql += ")";
    if (auto st = store.Sql().ExecuteInTransaction({{sql, params}}); !st) return st;
    if (auto st = store::LoadRows(store.Sql(), *spec, tenant, rows, now); !st) return st;
  }
  return {};
}

int RunDemo(Context& ctx) {
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
  SystemClock clock;
  auto resolver = ctx.OpenZoneResolver(clock);
  if (!resolver) {
    PrintError(resolver.error());
    return kExitFailure;
  }
  pipeline::IngestSummary total;
  for (const DemoBatch& b : DemoData(*now)) {
    const parsers::SourceParser* parser = parsers::FindParser(b.source);
    parsers::ParseContext pctx;
    pctx.now = *now - days(b.days_ago);
    pctx.tenant_id = ctx.options().tenant;
    pctx.zone_resolver = resolver->get();
    total.Merge(pipeline::IngestDocument(**store, *parser, b.findings.dump(), "demo:" + b.source, pctx));
  }
  if (auto st = LoadDemoRuntime(**store, *now, ctx.options().tenant); !st) {
    PrintError(st.error());
    return kExitFailure;
  }
  Json out = {{"received", total.received}, {"inserted", total.inserted}, {"updated", total.updated},
              {"rejected", total.rejected}};
  std::cout << out.dump() << "\n";
  for (const auto& e : total.errors) std::cerr << "ctem demo: " << e.file << ": " << e.reason << "\n";
  return total.rejected > 0 ? kExitFailure : kExitOk;
}

}  // namespace

CommandArgsPtr AddDemoCommand(CLI::App& app, Context& ctx, int& exit_code) {
  auto* cmd = app.add_subcommand("demo", "Load the demonstration data set (every source, all five zones)");
  cmd->footer("Idempotent: running it again updates the same exposures.\n\nExample:\n"
              "  ctem --store sqlite:demo.db demo && ctem --store sqlite:demo.db report triage --format table");
  cmd->callback([&ctx, &exit_code]() { exit_code = RunDemo(ctx); });
  return std::make_unique<DemoArgs>();
}

}  // namespace ctem::cli
