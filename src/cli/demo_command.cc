// `ctem demo`: loads a demonstration data set through the real ingestion path — findings
// from every seed source across all five zones, two red-team campaigns and remediations —
// seen at three moments (20 days ago, 2 days ago, now) so that the triage queue shows
// breached, at-risk and on-track exposures.
#include <nlohmann/json.hpp>

#include <iostream>

#include "cli/context.h"
#include "core/exposure_key.h"
#include "parsers/parser.h"
#include "pipeline/ingest.h"

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

int RunDemo(Context& ctx) {
  auto now = ctx.Now();
  if (!now) {
    PrintError(now.error());
    return kExitUsage;
  }
  auto store = ctx.OpenStore(/*migrate=*/true);
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
