// `ctem webhooks [--gateway URL] [--source S]`: what the seed's section 10.4 script prints —
// the ingest URL, the payload, and where to configure each tool — for every source, with
// the native formats each tool can send as it is.
#include <iostream>
#include <string>
#include <vector>

#include "cli/context.h"
#include "parsers/parser.h"

namespace ctem::cli {
namespace {

struct WebhooksArgs final : CommandArgs {
  std::string gateway;
  std::string source;
};

struct ToolGuide {
  const char* source;
  const char* title;
  // Lines printed under the title; "{G}" is replaced by the gateway URL.
  std::vector<const char*> lines;
};

const std::vector<ToolGuide>& Guides() {
  static const std::vector<ToolGuide> guides = {
      {"wiz",
       "Wiz",
       {"Wiz Console -> Settings -> Automation Rules -> Create Rule",
        "  Trigger: Issue created (and Issue updated, for RESOLVED/REJECTED status changes)",
        "  Action: Webhook -> URL: {G}/api/ctem/ingest?source=wiz",
        "  Body: the default automation-rule body (trigger/issue/resource/control) is read as is;",
        "        or the seed's {\"source_tool\": \"wiz\", \"findings\": [<issue>]}",
        "Exports: Issues or Vulnerabilities -> Export CSV, then",
        "  curl -X POST '{G}/api/ctem/ingest?source=wiz' -H 'Content-Type: text/csv' --data-binary "
        "@issues.csv",
        "wizcli in CI: wizcli docker scan --image IMG --json > scan.json, then POST it with ?source=wiz"}},
      {"snyk",
       "Snyk",
       {"Snyk: Organization settings -> Integrations -> Webhooks (or POST /v1/org/{orgId}/webhooks",
        "  with {\"url\": \"{G}/api/ctem/ingest?source=snyk\", \"secret\": \"...\"})",
        "  Events: project_snapshot (newIssues are ingested, removedIssues mark exposures no longer seen)",
        "CLI in CI:",
        "  snyk test --json | curl -X POST '{G}/api/ctem/ingest?source=snyk' -H 'Content-Type: "
        "application/json' "
        "--data-binary @-",
        "  snyk container test IMG --json, snyk code test --sarif and REST Issues API pages are read the "
        "same way",
        "Seed payload: {\"source_tool\": \"snyk\", \"findings\": [<vuln>]}"}},
      {"garak",
       "Garak",
       {"Add to your Garak CI/CD step:", "  garak --model_type ... --probes ... --report_prefix ctem",
        "  curl -X POST '{G}/api/ctem/ingest?source=garak' -H 'Content-Type: application/x-ndjson' \\",
        "    --data-binary @ctem.report.jsonl     # hitlog.jsonl is accepted too",
        "Seed payload: {\"source_tool\": \"garak\", \"findings\": [{\"probe\": ..., \"failure_rate\": "
        "...}]}"}},
      {"ibm_art",
       "IBM ART",
       {"Add to your ART testing pipeline (the run document is described in docs/formats/ibm_art.md):",
        "  python run_art_tests.py --output art_results.json",
        "  curl -X POST '{G}/api/ctem/ingest?source=ibm_art' -H 'Content-Type: application/json' \\",
        "    --data-binary @art_results.json",
        "Seed payload: {\"source_tool\": \"ibm_art\", \"findings\": [{\"attack_type\": ..., \"model_name\": "
        "..., "
        "\"success_rate\": ...}]}"}},
      {"burp",
       "Burp",
       {"Burp Suite Professional: select issues -> Report selected issues -> XML (base64 requests), then",
        "  curl -X POST '{G}/api/ctem/ingest?source=burp' -H 'Content-Type: application/xml' --data-binary "
        "@issues.xml",
        "Burp Pro REST API: GET /v0.1/scan/{id} and POST the JSON with ?source=burp",
        "Burp Suite DAST / Enterprise: GraphQL issues export (JSON) with ?source=burp",
        "Dastardly in CI: POST its JUnit XML report with ?source=burp"}},
      {"custom",
       "Custom scanners and SARIF",
       {"Any SARIF 2.1.0 (CodeQL, Semgrep, Trivy, ...) from CI:",
        "  curl -X POST '{G}/api/ctem/ingest?source=custom' -H 'Content-Type: application/sarif+json' "
        "--data-binary @results.sarif",
        "Or the generic JSON/CSV finding format of docs/formats/custom.md"}},
      {"validation",
       "Red-team validation results",
       {"After each campaign test, POST the ctem_validations records:",
        "  curl -X POST '{G}/api/ctem/ingest' -H 'Content-Type: application/json' \\",
        "    -d '{\"source_tool\": \"validation\", \"findings\": [{\"validation_id\": ..., \"exposure_id\": "
        "..., "
        "\"campaign_id\": ..., \"exploitable\": true, \"detection_evaded\": true, ...}]}'"}},
      {"remediation",
       "Remediation logs",
       {"From your ticketing system's automation (e.g. a Jira webhook on status change), POST "
        "ctem_remediations",
        "records:",
        "  {\"source_tool\": \"remediation\", \"findings\": [{\"remediation_id\": ..., \"exposure_id\": ..., "
        "\"status\": ..., ...}]}",
        "Or drive the lifecycle directly: ctem remediation assign|start|deploy-fix|verify|close"}},
  };
  return guides;
}

std::string Expand(std::string line, const std::string& gateway) {
  for (size_t at = line.find("{G}"); at != std::string::npos; at = line.find("{G}", at + gateway.size())) {
    line.replace(at, 3, gateway);
  }
  return line;
}

int RunWebhooks(const WebhooksArgs& a) {
  std::string gateway = a.gateway;
  if (gateway.empty()) {
    const char* env = std::getenv("ALUSKORT_GATEWAY_URL");
    gateway = env != nullptr && *env != '\0' ? env : "http://localhost:8080";
  }
  while (gateway.ends_with('/')) gateway.pop_back();
  const parsers::SourceParser* only = nullptr;
  if (!a.source.empty()) {
    only = parsers::FindParser(a.source);
    if (only == nullptr) {
      PrintError(Error::InvalidArgument("unknown source '" + a.source + "'"));
      return kExitUsage;
    }
  }
  std::string sources;
  for (const auto& n : parsers::SourceNames()) sources += (sources.empty() ? "" : ", ") + n;
  std::cout
      << "=== CTEM Tool Webhook Configuration ===\n\n"
      << "Ingestion gateway: " << gateway << "/api/ctem/ingest\n\n"
      << "Payload format (seed section 10.4):\n"
      << "  {\"source_tool\": \"<tool_name>\", \"findings\": [{ ... }]}\n"
      << "or a tool's own document with ?source=<tool_name> (or the X-CTEM-Source header).\n"
      << "A 202 means every finding is durable on the bus; 4xx says what was wrong; 503 means retry.\n\n"
      << "Authentication (docs/security.md): every request needs\n"
      << "  Authorization: Bearer <token>   (ctem token create --tenant T --scope ingest)\n"
      << "the findings land in that token's tenant. For a signed webhook, set\n"
      << "CTEM_WEBHOOK_SECRET_<SOURCE> on the gateway to the secret configured in the tool: its\n"
      << "X-Hub-Signature-256 (or X-Hub-Signature) and delivery id are then required.\n\n"
      << "Supported tools: " << sources << "\n";
  for (const ToolGuide& g : Guides()) {
    if (only != nullptr && only->Name() != g.source) continue;
    std::cout << "\n--- " << g.title << " (source " << g.source << ") ---\n";
    for (const char* line : g.lines) std::cout << "  " << Expand(line, gateway) << "\n";
  }
  return kExitOk;
}

}  // namespace

CommandArgsPtr AddWebhooksCommand(CLI::App& app, Context& ctx, int& exit_code) {
  (void)ctx;
  auto args = std::make_unique<WebhooksArgs>();
  WebhooksArgs* a = args.get();
  auto* cmd = app.add_subcommand("webhooks", "Print how to point each tool at the ingestion gateway");
  cmd->add_option("--gateway", a->gateway,
                  "The gateway's public URL (default $ALUSKORT_GATEWAY_URL or localhost:8080)");
  cmd->add_option("--source", a->source, "Only this source");
  cmd->footer("Example:\n  ctem webhooks --gateway https://ctem.plant.example --source wiz");
  cmd->callback([&exit_code, a]() { exit_code = RunWebhooks(*a); });
  return args;
}

}  // namespace ctem::cli
