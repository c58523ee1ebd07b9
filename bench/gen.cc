// bench/gen: a deterministic generator of realistic findings in every source's native format,
// for the benchmarks (bench/run) and for load tests by hand.
//
//   build-bench/bench/gen --out-dir DIR [--findings 100000] [--assets 5000] [--per-document 1000]
//                         [--rescans 0.1] [--malformed 0.01] [--seed 1] [--sources wiz,snyk,...]
//
// Writes DIR/<source>/NNNNNN.<ext>, one document per file (a scan export, a webhook batch, a
// run report) holding --per-document records, for the sources:
//   wiz          Wiz automation-rule webhook bodies, JSON Lines (docs/formats/wiz.md, format 4)
//   snyk         `snyk test --json` project results (docs/formats/snyk.md, format 1)
//   garak        garak run reports, report.jsonl with start_run/eval lines (docs/formats/garak.md)
//   ibm_art      ART run documents, one model and its attacks (docs/formats/ibm_art.md)
//   burp         Burp Suite XML issue exports (docs/formats/burp.md)
//   custom       SARIF 2.1.0 logs, one run per repository (docs/formats/custom.md)
//   validation   red-team results, the seed's ValidationResult objects (JSON array)
//   remediation  remediation records (JSON array)
// and DIR/runtime/{alerts,edge_node_telemetry,orbital_api_logs}.jsonl for `ctem load` (the
// runtime side the correlation, campaign-gap and new-asset reports read), plus
// DIR/manifest.json: per source the records, rescans, malformed records, documents and bytes.
//
// Every record is a function of (--seed, its index): the same flags give byte-identical files.
// A "rescan" repeats the identity (hence the exposure key) of a finding from an earlier
// document with changed fields (severity, score, description); a "malformed" record lacks a
// required field or has a wrong value, so the parser rejects that record alone.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace {

// splitmix64: tiny, fast, and stable across platforms (std:: distributions are not).
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

struct Options {
  std::string out_dir;
  size_t findings = 100000;
  size_t assets = 5000;
  size_t per_document = 1000;
  double rescans = 0.1;
  double malformed = 0.01;
  uint64_t seed = 1;
  std::vector<std::string> sources = {"wiz",    "snyk",   "garak",      "ibm_art",
                                      "burp",   "custom", "validation", "remediation"};
  bool runtime = true;
};

// One record of a document: which finding identity it carries and how it is perturbed.
struct Slot {
  size_t identity = 0;  // the finding this record reports (== its index unless a rescan)
  size_t index = 0;     // the record's own index in the source's stream
  bool rescan = false;
  bool malformed = false;
  uint64_t r = 0;  // per-record randomness (changes on a rescan, so the fields change)
};

struct Counts {
  size_t records = 0, rescans = 0, malformed = 0, documents = 0, bytes = 0;
};

class Gen {
 public:
  // grouped_by: records per document of a source whose documents describe one asset each (a
  // garak run's target, an ART run's model, a SARIF run's repository); 0 for the others.
  Gen(const Options& o, size_t grouped_by) : o_(o), grouped_by_(grouped_by) {}

  uint64_t Rand(uint64_t stream, uint64_t i) const { return Mix(o_.seed * 0x100000001b3ULL ^ Mix(stream * 977 + i)); }
  double Unit(uint64_t stream, uint64_t i) const {
    return static_cast<double>(Rand(stream, i) >> 11) * (1.0 / 9007199254740992.0);
  }
  // The asset of a finding identity: fixed for life, so a rescan lands on the same asset.
  size_t AssetOf(size_t identity) const {
    const uint64_t salt = o_.seed << 32;
    if (grouped_by_ != 0) return static_cast<size_t>(Mix((identity / grouped_by_) ^ salt) % o_.assets);
    return static_cast<size_t>(Mix(identity ^ salt) % o_.assets);
  }

  // The slots of document `doc` of a source: fresh identities in order, some replaced by
  // rescans of identities from earlier documents, some malformed.
  std::vector<Slot> Slots(uint64_t stream, size_t first, size_t count) const {
    std::vector<Slot> slots(count);
    for (size_t k = 0; k < count; ++k) {
      Slot& s = slots[k];
      s.index = first + k;
      s.identity = s.index;
      s.r = Rand(stream, s.index);
      const double u = Unit(stream + 1000, s.index);
      if (u < o_.malformed) {
        s.malformed = true;
      } else if (first > 0 && u < o_.malformed + o_.rescans) {
        s.rescan = true;
        s.identity = static_cast<size_t>(Rand(stream + 2000, s.index) % first);
      }
    }
    return slots;
  }

 private:
  const Options& o_;
  size_t grouped_by_;
};

// ---- small text helpers (every generated string is plain ASCII without quotes) ----

void Iso(std::string& out, uint64_t seconds_after_base) {
  // 2026-11-01T00:00:00Z plus up to ~29 days.
  const uint64_t s = seconds_after_base % (29ULL * 86400);
  char buf[32];
  std::snprintf(buf, sizeof buf, "2026-11-%02lluT%02llu:%02llu:%02lluZ", static_cast<unsigned long long>(1 + s / 86400),
                static_cast<unsigned long long>(s / 3600 % 24), static_cast<unsigned long long>(s / 60 % 60),
                static_cast<unsigned long long>(s % 60));
  out += buf;
}

void Hex16(std::string& out, uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  out += buf;
}

std::string N(size_t v) { return std::to_string(v); }

template <size_t K>
std::string_view Pick(const std::string_view (&list)[K], uint64_t r) {
  return list[r % K];
}

constexpr std::string_view kSeverities[] = {"CRITICAL", "HIGH", "HIGH", "MEDIUM", "MEDIUM", "MEDIUM", "LOW"};
constexpr std::string_view kWizControls[] = {
    "VM with SSH open to the internet", "Storage bucket allows public read", "Container running as root",
    "Unencrypted database volume", "IAM role with admin privileges on a VM", "Outdated OS with critical CVEs",
    "Secrets in environment variables", "Kubernetes API server publicly exposed"};
// Name fragments that steer the Wiz zone rules (edge/ot -> Zone1, databricks/mlflow -> Zone3,
// demo/public -> Zone4).
constexpr std::string_view kWizNames[] = {"edge-node-", "ot-gateway-", "databricks-ws-", "mlflow-",
                                          "public-demo-", "vm-prod-", "orbital-inference-", "k8s-node-"};
constexpr std::string_view kWizTypes[] = {"VirtualMachine", "Bucket", "ContainerImage", "DatabaseServer",
                                          "KubernetesCluster"};
constexpr std::string_view kPackages[] = {"lodash", "express", "numpy", "torch", "requests", "log4j-core",
                                          "jackson-databind", "pyyaml", "onnx", "openssl", "tensorflow",
                                          "axios", "pillow", "flask", "spring-web"};
constexpr std::string_view kVulnTitles[] = {"Prototype Pollution", "Remote Code Execution", "Denial of Service",
                                            "Arbitrary File Write", "Cross-site Scripting (XSS)",
                                            "Deserialization of Untrusted Data", "Regular Expression DoS",
                                            "Improper Input Validation"};
constexpr std::string_view kProbes[] = {"promptinject.HijackHateHumans", "dan.Dan_11_0", "leakreplay.LiteratureCloze",
                                        "encoding.InjectBase64", "malwaregen.Payload", "xss.MarkdownImageExfil",
                                        "latentinjection.LatentJailbreak", "packagehallucination.Python"};
constexpr std::string_view kDetectors[] = {"mitigation.MitigationBypass", "dan.DAN", "base.TriggerListDetector",
                                           "encoding.DecodeMatch", "xss.MarkdownExfilBasic"};
constexpr std::string_view kArtAttacks[] = {"ProjectedGradientDescent", "FastGradientMethod", "HopSkipJump",
                                            "CarliniL2Method", "PoisoningAttackBackdoor", "CopycatCNN",
                                            "MembershipInferenceBlackBox", "DeepFool", "BoundaryAttack",
                                            "KnockoffNets"};
struct BurpType {
  const char* id;
  const char* name;
};
constexpr BurpType kBurpTypes[] = {{"1049088", "SQL injection"},
                                   {"2097920", "Cross-site scripting (reflected)"},
                                   {"5244416", "Cookie without HttpOnly flag set"},
                                   {"16777472", "Cross-domain Referer leakage"},
                                   {"1048832", "OS command injection"},
                                   {"2098944", "Cross-site request forgery"},
                                   {"5245344", "Frameable response (potential Clickjacking)"},
                                   {"4194560", "Directory listing"}};
constexpr std::string_view kBurpSev[] = {"High", "Medium", "Low", "Information"};
constexpr std::string_view kConfidence[] = {"Certain", "Firm", "Tentative"};
struct SarifRule {
  const char* id;
  const char* text;
  const char* cwe;
};
constexpr SarifRule kRules[] = {{"python.lang.security.audit.eval-detected", "Use of eval() on untrusted input", "CWE-95"},
                                {"python.django.security.injection.sql.raw-query", "Raw SQL query built from request data", "CWE-89"},
                                {"generic.secrets.security.detected-aws-access-key", "AWS access key in source", "CWE-798"},
                                {"python.lang.security.deserialization.pickle", "Unpickling untrusted data", "CWE-502"},
                                {"python.requests.security.disabled-cert-validation", "TLS certificate validation disabled", "CWE-295"},
                                {"python.flask.security.xss.direct-use-of-jinja2", "Unescaped Jinja2 template output", "CWE-79"}};
constexpr std::string_view kLevels[] = {"error", "warning", "warning", "note"};
constexpr std::string_view kValidationTypes[] = {"automated", "manual_red_team", "adversarial_ml", "full_campaign"};
constexpr std::string_view kComplexities[] = {"low", "medium", "high", "unknown"};
constexpr std::string_view kRemediationStatus[] = {"Assigned", "InProgress", "FixDeployed", "Verified", "Closed"};
constexpr std::string_view kTechniques[] = {"AML.T0051", "AML.T0015", "AML.T0020", "AML.T0010", "AML.T0044", "AML.T0029"};

// ---- one document per source ----

// Wiz automation-rule webhook bodies, one per line.
void WizDoc(const Gen& g, const std::vector<Slot>& slots, std::string& out) {
  for (const Slot& s : slots) {
    const size_t a = g.AssetOf(s.identity);
    const std::string asset = std::string(Pick(kWizNames, a)) + N(a);
    out += R"({"trigger":{"source":"ISSUES","type":")";
    out += s.rescan ? "Updated" : "Created";
    out += R"(","ruleId":"bench-rule","ruleName":"CTEM bench"},"issue":{"id":"issue-)";
    out += N(s.index);
    out += R"(","status":"OPEN","severity":")";
    out += Pick(kSeverities, s.r);
    out += R"(","created":")";
    Iso(out, s.identity * 37);
    out += R"(","projectId":"proj-)";
    out += N(a % 17);
    out += R"(","url":"https://app.wiz.io/issues#~(issue~'issue-)";
    out += N(s.identity);
    out += R"~(')"},"resource":{"id":")~";
    if (!s.malformed) out += asset;  // malformed: no id, no providerId, no name
    out += R"(","providerId":"",)";
    if (!s.malformed) out += R"("name":")" + asset + R"(",)";
    out += R"("type":")";
    out += Pick(kWizTypes, a);
    out += R"(","cloudPlatform":"AWS","subscriptionId":"sub-)";
    out += N(a % 7);
    out += R"(","region":"eu-west-1","cloudProviderURL":"https://console.aws.amazon.com/ec2/home#Instances:search=)";
    out += asset;
    out += R"("},"control":{"id":"ctl-)";
    out += N(s.identity % 500);
    out += R"(","name":")";
    out += Pick(kWizControls, s.identity);
    out += " #";
    out += N(s.identity);
    out += R"(","description":"Wiz detected this issue on the resource during the scheduled scan (observation )";
    out += N(s.r % 1000);
    out += R"~().","resolutionRecommendation":"Follow the control's remediation steps and rescan."}})~";
    out += '\n';
  }
}

// `snyk test --json` of one project.
void SnykDoc(const Gen& g, const std::vector<Slot>& slots, size_t doc, std::string& out) {
  out += R"({"ok":false,"dependencyCount":)" + N(slots.size() * 3) +
         R"(,"org":"bench-org","policy":"","isPrivate":true,"packageManager":"npm","projectName":"service-)" +
         N(doc % 97) + R"(","displayTargetFile":"package-lock.json","path":"/src/service-)" + N(doc % 97) +
         R"(","vulnerabilities":[)";
  bool first = true;
  for (const Slot& s : slots) {
    const size_t a = g.AssetOf(s.identity);
    const std::string pkg = std::string(Pick(kPackages, a)) + "-" + N(a);
    const std::string version = N(1 + a % 9) + "." + N(a % 13) + ".0";
    const std::string id = "SNYK-JS-BENCH-" + N(s.identity);
    if (!first) out += ',';
    first = false;
    out += R"({"id":")" + id + R"(","title":")";
    out += Pick(kVulnTitles, s.identity);
    out += R"(","severity":")";
    std::string sev(Pick(kSeverities, s.r));
    std::transform(sev.begin(), sev.end(), sev.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out += sev;
    out += R"(","cvssScore":)" + N(3 + s.r % 7) + "." + N(s.r % 10);
    out += R"(,"CVSSv3":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","creationTime":")";
    Iso(out, s.identity * 11);
    out += R"(","description":"## Overview\nAffected versions of this package are vulnerable to )";
    out += Pick(kVulnTitles, s.identity);
    out += R"(.\n\n## Remediation\nUpgrade to a fixed version.","identifiers":{"CVE":["CVE-2025-)";
    out += N(10000 + s.identity % 80000);
    out += R"("],"CWE":["CWE-)" + N(20 + s.identity % 900) + R"("]},"from":["service-)" + N(doc % 97) +
           R"(@1.0.0",")" + pkg + "@" + version + R"("],"upgradePath":[false,")" + pkg + "@" + N(2 + a % 9) +
           R"(.0.0"],"isUpgradable":true,"isPatchable":false,)";
    if (!s.malformed) out += R"("packageName":")" + pkg + R"(",)";  // malformed: no package
    out += R"("version":")" + version + R"(","fixedIn":[")" + N(2 + a % 9) + R"(.0.0"],"exploit":"Not Defined",)" +
           R"("references":[{"title":"GitHub Advisory","url":"https://github.com/advisories/GHSA-bench-)" +
           N(s.identity % 10000) + R"("}]})";
  }
  out += "]}\n";
}

// garak report.jsonl: one run per target model, an eval line per (probe, detector).
void GarakDoc(const Gen& g, const std::vector<Slot>& slots, size_t doc, std::string& out) {
  std::map<size_t, std::vector<const Slot*>> by_target;
  for (const Slot& s : slots) by_target[g.AssetOf(s.identity)].push_back(&s);
  for (const auto& [target, group] : by_target) {
    out += R"({"entry_type":"start_run setup","_config.version":"0.13.3","transient.run_id":"run-)" + N(doc) + "-" +
           N(target) + R"(","plugins.target_type":"openai.OpenAICompatible","plugins.target_name":"orbital-llm-)" +
           N(target) + "\"}\n";
    out += R"({"entry_type":"init","garak_version":"0.13.3","start_time":")";
    Iso(out, doc * 600);
    out += R"(","run":"run-)" + N(doc) + "-" + N(target) + "\"}\n";
    for (const Slot* s : group) {
      const size_t total = 20 + s->r % 200;
      const size_t fails = (s->r >> 8) % (total + 1);
      out += R"({"entry_type":"eval","probe":")";
      out += Pick(kProbes, s->identity);
      out += "_" + N(s->identity);
      out += R"(","detector":")";
      out += Pick(kDetectors, s->identity);
      out += R"(","passed":)" + N(total - fails) + R"(,"nones":0,)";
      if (!s->malformed) out += R"("total_evaluated":)" + N(total) + ",";  // malformed: no total
      out += R"("fails":)" + N(fails) + R"(,"total_processed":)" + N(total) + "}\n";
    }
  }
}

// ART run documents: one per model in the batch, each with its attacks.
void ArtDoc(const Gen& g, const std::vector<Slot>& slots, size_t doc, std::string& out) {
  std::map<size_t, std::vector<const Slot*>> by_model;
  for (const Slot& s : slots) by_model[g.AssetOf(s.identity)].push_back(&s);
  out += "[";
  bool first_run = true;
  for (const auto& [model, group] : by_model) {
    if (!first_run) out += ',';
    first_run = false;
    out += R"({"art_version":"1.17.1","run_id":"art-)" + N(doc) + "-" + N(model) +
           R"(","dataset":"weld-defects-test-500","model":{"name":"defect-vision-)" + N(model) +
           R"(","framework":"pytorch","estimator":"PyTorchClassifier"},"defenses":["SpatialSmoothing"],"attacks":[)";
    bool first = true;
    for (const Slot* s : group) {
      if (!first) out += ',';
      first = false;
      out += R"({"attack":")";
      out += Pick(kArtAttacks, s->identity);
      out += R"(","params":{"eps":0.0)" + N(1 + s->r % 9) + R"(,"max_iter":)" + N(10 + s->r % 90) + "},";
      if (s->malformed) {
        out += R"("metrics":{"samples":500}})";  // neither success_rate nor accuracies
      } else {
        out += R"("metrics":{"success_rate":0.)" + N(10 + s->r % 89) + R"(,"clean_accuracy":0.97,"samples":500},)" +
               R"~("recommended_defense":"Adversarial training (art.defences.trainer.AdversarialTrainer)"})~";
      }
    }
    out += "]}";
  }
  out += "]\n";
}

// Burp Suite XML issue export.
void BurpDoc(const Gen& g, const std::vector<Slot>& slots, std::string& out) {
  out += "<?xml version=\"1.0\"?>\n<issues burpVersion=\"2024.8.4\" exportTime=\"Mon Nov 02 10:00:00 UTC 2026\">\n";
  for (const Slot& s : slots) {
    const size_t a = g.AssetOf(s.identity);
    const BurpType& t = kBurpTypes[s.identity % std::size(kBurpTypes)];
    out += "  <issue>\n    <serialNumber>" + N(7121655797000000000ULL + s.index) + "</serialNumber>\n";
    out += std::string("    <type>") + t.id + "</type>\n";
    if (!s.malformed) out += std::string("    <name>") + t.name + "</name>\n";
    out += "    <host ip=\"10.0." + N(a / 250 % 250) + "." + N(a % 250) + "\">https://app-" + N(a) +
           ".plant.example</host>\n";
    const std::string path = "/api/v" + N(1 + s.identity % 3) + "/resource-" + N(s.identity);
    out += "    <path><![CDATA[" + path + "]]></path>\n";
    out += "    <location><![CDATA[" + path + " [id parameter]]]></location>\n";
    out += "    <severity>" + std::string(Pick(kBurpSev, s.r)) + "</severity>\n";
    out += "    <confidence>" + std::string(Pick(kConfidence, s.r >> 4)) + "</confidence>\n";
    out += std::string("    <issueBackground><![CDATA[") + t.name +
           " arises when user-controllable data is handled unsafely by the application.]]></issueBackground>\n";
    out += "    <remediationBackground><![CDATA[Validate input and encode output; use parameterised "
           "queries.]]></remediationBackground>\n";
    out += "    <issueDetail><![CDATA[The id parameter appears to be vulnerable (observation " + N(s.r % 1000) +
           ").]]></issueDetail>\n";
    out += "    <requestresponse>\n      <request method=\"GET\" base64=\"false\"><![CDATA[GET " + path +
           "?id=1 HTTP/1.1\r\nHost: app-" + N(a) + ".plant.example\r\n\r\n]]></request>\n    </requestresponse>\n";
    out += "  </issue>\n";
  }
  out += "</issues>\n";
}

// SARIF 2.1.0 (Semgrep-like), one run per repository.
void SarifDoc(const Gen& g, const std::vector<Slot>& slots, std::string& out) {
  std::map<size_t, std::vector<const Slot*>> by_repo;
  for (const Slot& s : slots) by_repo[g.AssetOf(s.identity)].push_back(&s);
  out += R"({"version":"2.1.0","$schema":"https://json.schemastore.org/sarif-2.1.0.json","runs":[)";
  bool first_run = true;
  for (const auto& [repo, group] : by_repo) {
    if (!first_run) out += ',';
    first_run = false;
    out += R"({"tool":{"driver":{"name":"Semgrep OSS","version":"1.90.0","rules":[)";
    for (size_t i = 0; i < std::size(kRules); ++i) {
      out += std::string(i ? "," : "") + R"({"id":")" + kRules[i].id + R"(","name":")" + kRules[i].id +
             R"(","shortDescription":{"text":")" + kRules[i].text + R"("},"fullDescription":{"text":")" +
             kRules[i].text + R"(."},"help":{"text":"See the rule documentation."},"properties":{"tags":[")" +
             kRules[i].cwe + R"(","security"]}})";
    }
    out += R"(]}},"versionControlProvenance":[{"repositoryUri":"https://git.plant.example/ot/service-)" + N(repo) +
           R"("}],"results":[)";
    bool first = true;
    for (const Slot* s : group) {
      if (!first) out += ',';
      first = false;
      const size_t rule = s->identity % std::size(kRules);
      out += R"({"ruleId":")" + std::string(kRules[rule].id) + R"(","ruleIndex":)" + N(rule) + R"(,"level":")";
      out += s->malformed ? std::string("fatal") : std::string(Pick(kLevels, s->r));  // malformed: bad level
      out += R"(","message":{"text":"Finding )" + N(s->identity) + " (observation " + N(s->r % 1000) +
             R"~()"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"src/module_)~" +
             N(s->identity % 50) + "/file_" + N(s->identity) + R"(.py"},"region":{"startLine":)" +
             N(1 + s->r % 400) + R"(}}}],"fingerprints":{"matchBasedId/v1":")";
      Hex16(out, Mix(s->identity));
      out += R"("}})";
    }
    out += "]}";
  }
  out += "]}\n";
}

void ValidationDoc(const std::vector<Slot>& slots, std::string& out) {
  out += "[";
  bool first = true;
  for (const Slot& s : slots) {
    if (!first) out += ",\n";
    first = false;
    out += R"({"validation_id":"VAL-)" + N(s.identity) + R"(","exposure_id":")";
    Hex16(out, Mix(s.identity * 5));
    out += R"(","campaign_id":"RT-)" + N(1000 + s.identity % 40) + R"(","ts":")";
    Iso(out, s.identity * 13 + s.r % 100);
    out += R"(","validation_type":")";
    out += s.malformed ? std::string_view("bogus") : Pick(kValidationTypes, s.identity);
    out += R"(","exploitable":)";
    out += (s.r % 3) ? "true" : "false";
    out += R"(,"exploit_complexity":")";
    out += Pick(kComplexities, s.r >> 3);
    out += R"(","attack_path":"internet -> dmz -> edge-node-)" + N(s.identity % 300) +
           R"(","physical_consequence_demonstrated":)" + std::string(s.r % 11 ? "false" : "true") +
           R"(,"detection_evaded":)" + std::string(s.r % 4 ? "false" : "true") +
           R"(,"detection_rules_tested":["ATLAS-DETECT-003"],"detection_gaps":[],"tester":"red-team-)" +
           N(s.r % 5) + R"(","evidence_url":"https://evidence.plant.example/)" + N(s.identity) + "\"}";
  }
  out += "]\n";
}

void RemediationDoc(const std::vector<Slot>& slots, std::string& out) {
  out += "[";
  bool first = true;
  for (const Slot& s : slots) {
    if (!first) out += ",\n";
    first = false;
    out += R"({"remediation_id":"REM-)" + N(s.identity) + R"(","exposure_id":")";
    Hex16(out, Mix(s.identity * 7));
    out += R"(","assigned_to":"team-)" + N(s.identity % 20) + R"(","status":")";
    out += s.malformed ? std::string_view("Bogus") : Pick(kRemediationStatus, s.r);
    out += R"(","ts":")";
    Iso(out, s.identity * 17 + 3600);
    out += R"(","assigned_date":")";
    Iso(out, s.identity * 17);
    out += R"(","sla_deadline":")";
    Iso(out, s.identity * 17 + 72 * 3600);
    out += R"(","fix_description":"Patched in release )" + N(s.r % 100) +
           R"(","pull_request_url":"https://git.plant.example/pr/)" + N(s.identity) + "\"}";
  }
  out += "]\n";
}

bool WriteFile(const std::filesystem::path& p, const std::string& data) {
  std::ofstream f(p, std::ios::binary);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
  return static_cast<bool>(f);
}

const char* Extension(std::string_view source) {
  if (source == "wiz" || source == "garak") return "jsonl";
  if (source == "burp") return "xml";
  if (source == "custom") return "sarif";
  return "json";
}

// Runtime tables for the reports: alerts, edge telemetry and API logs, JSON Lines.
Counts Runtime(const Options& o, const std::filesystem::path& dir) {
  Counts c;
  std::filesystem::create_directories(dir);
  const size_t rows = std::max<size_t>(1, o.findings / 10);
  std::string alerts, telemetry, logs;
  for (size_t i = 0; i < rows; ++i) {
    const uint64_t r = Mix(o.seed ^ Mix(i));
    alerts += R"({"ts":")";
    Iso(alerts, i * 61);
    alerts += R"(","alert_title":"Runtime alert )" + N(i % 500) + R"(","severity":"High","atlas_technique":")";
    if (r % 300 == 0) alerts += Pick(kTechniques, r >> 9);
    alerts += "\"}\n";
    telemetry += R"({"ts":")";
    Iso(telemetry, i * 29);
    telemetry += R"(","edge_node_id":"edge-node-)" + N(r % 300) + R"(","cpu_utilisation":)" + N(r % 100) +
                 R"(,"model_weight_hash":")";
    Hex16(telemetry, Mix(r % 7));
    telemetry += "\"}\n";
    logs += R"({"ts":")";
    Iso(logs, i * 31);
    logs += R"(","endpoint":"/v1/inference/)" + N(r % 60) + R"(","caller_identity":"caller-)" + N(r % 30) + "\"}\n";
  }
  WriteFile(dir / "alerts.jsonl", alerts);
  WriteFile(dir / "edge_node_telemetry.jsonl", telemetry);
  WriteFile(dir / "orbital_api_logs.jsonl", logs);
  c.records = rows * 3;
  c.documents = 3;
  c.bytes = alerts.size() + telemetry.size() + logs.size();
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"Deterministic generator of native-format findings for the benchmarks"};
  std::string sources;
  app.add_option("--out-dir", o.out_dir, "Directory to write into (created)")->required();
  app.add_option("--findings", o.findings, "Records per source")->capture_default_str();
  app.add_option("--assets", o.assets, "Distinct assets the findings fall on")->capture_default_str();
  app.add_option("--per-document", o.per_document, "Records per document (file)")->capture_default_str();
  app.add_option("--rescans", o.rescans, "Fraction of records that rescan an earlier finding")->capture_default_str();
  app.add_option("--malformed", o.malformed, "Fraction of records the parser must reject")->capture_default_str();
  app.add_option("--seed", o.seed, "Seed; the same flags give the same bytes")->capture_default_str();
  app.add_option("--sources", sources, "Comma-separated subset of the sources (default: all eight)");
  app.add_flag("!--no-runtime", o.runtime, "Do not write the runtime tables");
  CLI11_PARSE(app, argc, argv);
  if (o.assets == 0 || o.per_document == 0) {
    std::fprintf(stderr, "gen: --assets and --per-document must be positive\n");
    return 2;
  }
  if (!sources.empty()) {
    o.sources.clear();
    for (size_t b = 0; b <= sources.size();) {
      size_t e = sources.find(',', b);
      if (e == std::string::npos) e = sources.size();
      if (e > b) o.sources.push_back(sources.substr(b, e - b));
      b = e + 1;
    }
  }
  const std::filesystem::path root(o.out_dir);
  std::string manifest = "{";
  bool first_source = true;
  for (size_t si = 0; si < o.sources.size(); ++si) {
    const std::string& source = o.sources[si];
    // ART runs are short (a handful of attacks per model), like real ART reports.
    const size_t per_doc = source == "ibm_art" ? std::min<size_t>(o.per_document, 64) : o.per_document;
    const bool grouped = source == "garak" || source == "ibm_art" || source == "custom";
    const Gen g(o, grouped ? per_doc : 0);
    const std::filesystem::path dir = root / source;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    Counts c;
    std::string doc;
    const uint64_t stream = 1 + si * 10;
    for (size_t first = 0, d = 0; first < o.findings; first += per_doc, ++d) {
      const std::vector<Slot> slots = g.Slots(stream, first, std::min(per_doc, o.findings - first));
      doc.clear();
      if (source == "wiz") WizDoc(g, slots, doc);
      else if (source == "snyk") SnykDoc(g, slots, d, doc);
      else if (source == "garak") GarakDoc(g, slots, d, doc);
      else if (source == "ibm_art") ArtDoc(g, slots, d, doc);
      else if (source == "burp") BurpDoc(g, slots, doc);
      else if (source == "custom") SarifDoc(g, slots, doc);
      else if (source == "validation") ValidationDoc(slots, doc);
      else if (source == "remediation") RemediationDoc(slots, doc);
      else {
        std::fprintf(stderr, "gen: unknown source '%s'\n", source.c_str());
        return 2;
      }
      char name[32];
      std::snprintf(name, sizeof name, "%06zu.%s", d, Extension(source));
      if (!WriteFile(dir / name, doc)) {
        std::fprintf(stderr, "gen: cannot write %s\n", (dir / name).c_str());
        return 1;
      }
      c.documents++;
      c.bytes += doc.size();
      c.records += slots.size();
      for (const Slot& s : slots) {
        c.rescans += s.rescan ? 1 : 0;
        c.malformed += s.malformed ? 1 : 0;
      }
    }
    manifest += std::string(first_source ? "" : ",") + "\n  \"" + source + "\": {\"records\": " + N(c.records) +
                ", \"rescans\": " + N(c.rescans) + ", \"malformed\": " + N(c.malformed) +
                ", \"documents\": " + N(c.documents) + ", \"bytes\": " + N(c.bytes) + "}";
    first_source = false;
  }
  if (o.runtime) {
    const Counts c = Runtime(o, root / "runtime");
    manifest += std::string(first_source ? "" : ",") + "\n  \"runtime\": {\"records\": " + N(c.records) +
                ", \"documents\": " + N(c.documents) + ", \"bytes\": " + N(c.bytes) + "}";
  }
  manifest += "\n}\n";
  WriteFile(root / "manifest.json", manifest);
  std::fputs(manifest.c_str(), stdout);
  return 0;
}
