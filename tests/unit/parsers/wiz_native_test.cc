// Wiz native formats (docs/formats/wiz.md) on the real files in shared/samples/wiz, plus
// webhook bodies and bad input.
//
// Expected values are literals read from the sample files by hand; keys are
// sha256("Wiz:<title>:<asset>")[:16] of those literals (the seed's generate_exposure_id).
// Scores follow the seed's Wiz rules: WIZ_EXPLOITABILITY, _classify_zone,
// ZONE_CONSEQUENCE_FALLBACK, CONSEQUENCE_MATRIX and round(exp * {1.0, 0.8, 0.5, 0.3} * 10, 1).
#include "parsers/wiz_native.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/exposure_key.h"
#include "core/time.h"
#include "core/zone_resolver.h"
#include "parsers/parser.h"
#include "pipeline/decompress.h"
#include "support/fake_zone_resolver.h"

namespace ctem::parsers {
namespace {

using ctem::testing::FakeZoneResolver;

using json = nlohmann::json;
using namespace std::chrono_literals;

Timestamp Now() {
  return std::chrono::sys_days{2026y / std::chrono::November / 27} + 8h;
}

ParseContext Ctx(const ZoneResolver* resolver = nullptr) {
  ParseContext ctx;
  ctx.now = Now();
  ctx.tenant_id = "acme";
  ctx.zone_resolver = resolver;
  return ctx;
}

ParsedBatch Parse(std::string_view document, const ParseContext& ctx = Ctx()) {
  const SourceParser* parser = FindParser("wiz");
  EXPECT_NE(parser, nullptr);
  ParsedBatch out;
  if (parser != nullptr) parser->Parse(document, ctx, out);
  return out;
}

// The bytes of a sample; .gz samples are unwrapped as the gateway and CLI do.
std::string Sample(const std::string& name) {
  const std::string path = std::string(CTEM_SAMPLES_DIR) + "/wiz/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  auto doc = pipeline::MaybeGunzip(bytes.str());
  EXPECT_TRUE(doc.has_value()) << (doc ? "" : doc.error().message);
  return doc ? *doc : std::string();
}

std::string Errors(const ParsedBatch& out) {
  std::string s;
  for (const auto& e : out.errors) {
    s += "[" + std::to_string(e.record_index) + "] " + e.field + ": " + e.reason + "\n";
  }
  return s;
}

std::vector<std::string> Keys(const ParsedBatch& out) {
  std::vector<std::string> keys;
  for (const auto& e : out.exposures) keys.push_back(e.exposure_key);
  return keys;
}

std::vector<std::string> Strings(std::initializer_list<std::string> l) {
  return l;
}

// ---------------------------------------------------------------------------------------------
// Every sample: counts, and parsing twice gives the same keys.

TEST(WizNative, EverySampleParsesCleanlyAndStably) {
  struct Case {
    std::string file;
    size_t exposures;
  };
  const std::vector<Case> cases = {
      {"one_finding.csv", 1},           {"resolved_findings.csv", 3},    {"sca_format.csv", 5},
      {"multiple_findings.csv.gz", 98}, {"wizcli_img_many_vul.json", 9},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    const std::string doc = Sample(c.file);
    const ParsedBatch first = Parse(doc);
    EXPECT_TRUE(first.errors.empty()) << Errors(first);
    EXPECT_EQ(first.received, c.exposures);
    EXPECT_EQ(first.exposures.size(), c.exposures);
    const ParsedBatch second = Parse(doc);
    EXPECT_EQ(Keys(first), Keys(second));
    // No two findings of one sample share a key: re-ingesting changes no row count.
    const std::vector<std::string> keys = Keys(first);
    EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), keys.size());
    for (const Exposure& e : first.exposures) {
      EXPECT_EQ(e.source_tool, "Wiz");
      EXPECT_EQ(e.tenant_id, "acme");
      EXPECT_EQ(e.ts, Now());
      EXPECT_EQ(e.exposure_key, GenerateExposureKey("Wiz", e.title, e.asset_id));
      EXPECT_FALSE(e.title.empty());
      EXPECT_FALSE(e.asset_id.empty());
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Issues CSV export.

TEST(WizNative, IssuesCsvOneFinding) {
  const ParsedBatch out = Parse(Sample("one_finding.csv"));
  ASSERT_EQ(out.exposures.size(), 1u) << Errors(out);
  const Exposure& e = out.exposures[0];
  // The Title cell ends in a space; cells are taken verbatim, as RFC 4180 says.
  EXPECT_EQ(e.title, "AKS role/cluster role assigned permissions that contain wildcards ");
  EXPECT_EQ(e.asset_id,
            "k8s/user/42cfa6ccd681025c90a26bea65c39fa80ca8837a0bd3b5c7889165217fa4931e/aks-support");
  EXPECT_EQ(e.asset_type, "User");
  EXPECT_EQ(e.exposure_key, "cd60eb77fa81da93");
  EXPECT_EQ(e.original_severity, "INFORMATIONAL");
  // "aks-support" -> Zone3_Enterprise -> data_loss; INFORMATIONAL -> low -> LOW, 0.3*0.3*10.
  EXPECT_EQ(e.asset_zone, "Zone3_Enterprise");
  EXPECT_EQ(e.physical_consequence, Consequence::kDataLoss);
  EXPECT_EQ(e.severity, Severity::kLow);
  EXPECT_DOUBLE_EQ(e.exploitability_score, 0.3);
  EXPECT_EQ(e.ctem_score, 0.9);
  ASSERT_TRUE(e.tool_status.has_value());
  EXPECT_EQ(*e.tool_status, ExposureStatus::kOpen);
  // A multi-line quoted cell with doubled quotes.
  EXPECT_TRUE(e.description.starts_with(
      "#### Description\nThis role is assigned an over-permissive policy that contains wildcards "
      "(\"*\").\n\n#### Potential impact\n"))
      << e.description;
  EXPECT_TRUE(e.description.ends_with("perform any action on any resource in the environment.  "));
  EXPECT_TRUE(e.remediation_guidance.starts_with(
      "### Protect highly privileged principals\n* Use the \u201cleast privilege\u201d principle"));
  EXPECT_TRUE(
      e.remediation_guidance.ends_with("Enable MFA for users with sensitive permissions if possible."));
  EXPECT_EQ(e.evidence_url, "https://demo.wiz.io/issues#~(issue~'0029ee49-c676-432f-8690-12f2862ec708)");
  EXPECT_TRUE(e.reference_urls.empty());  // no Ticket URLs, no Cloud Provider URL
  EXPECT_TRUE(e.cve_ids.empty());
  ASSERT_TRUE(e.sla_deadline.has_value());
  EXPECT_EQ(*e.sla_deadline, Now() + std::chrono::hours(24 * 30));
}

TEST(WizNative, IssuesCsvResolvedFindingsAreClosed) {
  const ParsedBatch out = Parse(Sample("resolved_findings.csv"));
  ASSERT_EQ(out.exposures.size(), 3u) << Errors(out);
  const std::vector<std::string> titles = {
      "AKS role/cluster role assigned permissions that contain wildcards ISO_DATE",
      "AKS cluster contains a pod running containers with added capabilities SPECIAL_DATE",
      "AKS cluster contains a pod running containers with added capabilities UNKNOWN_DATE_FORMAT"};
  const std::vector<std::string> keys = {"95fa7e7a5187f950", "2bfb5b1d3c1dcab3", "e20670ce55fbd21d"};
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(out.exposures[i].title, titles[i]);
    EXPECT_EQ(out.exposures[i].exposure_key, keys[i]);
    ASSERT_TRUE(out.exposures[i].tool_status.has_value());
    EXPECT_EQ(*out.exposures[i].tool_status, ExposureStatus::kClosed);  // RESOLVED
    EXPECT_EQ(out.exposures[i].original_severity, "INFORMATIONAL");
  }
  const Exposure& aks = out.exposures[1];
  EXPECT_EQ(aks.asset_id, "468dceda25c2c19179e02e4dd70809ddd5ef4e79c8e2e15666901dd903cca077");
  EXPECT_EQ(aks.asset_type, "Microsoft.ContainerService/ManagedClusters");
  EXPECT_TRUE(
      aks.remediation_guidance.starts_with("### Prevent container escape\n* Patch kernel vulnerabilities"));
  EXPECT_EQ(aks.reference_urls,
            Strings({"https://portal.azure.com/#@wizsectest.onmicrosoft.com/resource//subscriptions/"
                     "fee3535b-9616-486f-a476-6a500a08a02b/resourcegroups/laliv_rg/providers/"
                     "microsoft.containerservice/managedclusters/lalivaks"}));
  EXPECT_EQ(aks.evidence_url, "https://demo.wiz.io/issues#~(issue~'02fd8a0d-16fa-4da0-aa49-a99694365d41)");
  // Rows 1 and 2 share the resource but not the title, so not the key.
  EXPECT_EQ(out.exposures[2].asset_id, aks.asset_id);
}

TEST(WizNative, IssuesCsvMultipleFindingsGzipped) {
  const ParsedBatch out = Parse(Sample("multiple_findings.csv.gz"));
  ASSERT_EQ(out.exposures.size(), 98u) << Errors(out);
  EXPECT_EQ(out.received, 98u);

  std::map<std::string, int> original;
  std::map<std::string, int> status;
  std::map<Severity, int> ctem;
  for (const Exposure& e : out.exposures) {
    ++original[e.original_severity];
    ASSERT_TRUE(e.tool_status.has_value()) << e.title;
    ++status[std::string(ExposureStatusName(*e.tool_status))];
    ++ctem[e.severity];
  }
  EXPECT_EQ(original, (std::map<std::string, int>{
                          {"CRITICAL", 6}, {"HIGH", 6}, {"MEDIUM", 13}, {"LOW", 43}, {"INFORMATIONAL", 30}}));
  // OPEN 94; IN_PROGRESS 1; RESOLVED 1 + IGNORED 2 -> Closed.
  EXPECT_EQ(status, (std::map<std::string, int>{{"Open", 94}, {"InProgress", 1}, {"Closed", 3}}));
  // Every resource name falls to Zone3_Enterprise (data_loss): CRITICAL/HIGH -> MEDIUM, rest LOW.
  EXPECT_EQ(ctem, (std::map<Severity, int>{{Severity::kMedium, 12}, {Severity::kLow, 86}}));

  // Row 0 is the issue of one_finding.csv: same title and resource, same key.
  EXPECT_EQ(out.exposures[0].exposure_key, "cd60eb77fa81da93");

  const Exposure& anomaly = out.exposures[1];
  EXPECT_EQ(anomaly.title, "Unusual activity by a principal from previously unseen country");
  EXPECT_EQ(anomaly.asset_id, "a2ce256b-d175-4881-8b21-ffe22b22fde0");
  EXPECT_EQ(anomaly.asset_type, "CloudResource");  // empty Resource Type -> the seed's default
  EXPECT_EQ(anomaly.original_severity, "HIGH");
  EXPECT_EQ(anomaly.severity, Severity::kMedium);  // high x data_loss
  EXPECT_EQ(anomaly.ctem_score, 2.7);
  EXPECT_EQ(anomaly.exposure_key, "49998df893fa5b9a");
  EXPECT_TRUE(anomaly.description.starts_with("This is an anomaly detection that is being triggered"));

  const Exposure& pods = out.exposures[7];
  EXPECT_EQ(pods.title, "AKS user/service accounts with the privileges to create pods");
  EXPECT_EQ(pods.asset_type, "ServiceAccount");
  EXPECT_EQ(pods.asset_id,
            "k8s/serviceaccount/42cfa6ccd681025c90a26bea65c39fa80ca8837a0bd3b5c7889165217fa4931e/"
            "kube-system/daemon-set-controller");
  EXPECT_EQ(pods.tool_status, ExposureStatus::kInProgress);
  EXPECT_EQ(pods.exposure_key, "9710791a1d4c4134");

  const Exposure& resolved = out.exposures[9];
  EXPECT_EQ(resolved.title, "AKS cluster contains a pod running containers with added capabilities");
  EXPECT_EQ(resolved.tool_status, ExposureStatus::kClosed);
  EXPECT_EQ(resolved.exposure_key, "57d094172b162f6b");

  const Exposure& ignored = out.exposures[10];
  EXPECT_EQ(
      ignored.title,
      "Container using an image with high/critical severity network vulnerabilities with a known exploit");
  EXPECT_EQ(ignored.asset_type, "Deployment");
  EXPECT_EQ(ignored.tool_status, ExposureStatus::kClosed);  // IGNORED
  EXPECT_EQ(ignored.exposure_key, "184d78cacb7b0b73");

  const Exposure& last = out.exposures[97];
  EXPECT_EQ(last.title, "Publicly exposed resource with cleartext SaaS API keys");
  EXPECT_EQ(last.original_severity, "MEDIUM");
  EXPECT_EQ(last.severity, Severity::kLow);  // medium x data_loss
  EXPECT_EQ(last.ctem_score, 1.8);
  EXPECT_EQ(last.asset_id,
            "/subscriptions/fee3535b-9616-486f-a476-6a500a08a02b/resourcegroups/us2eastrg/providers/"
            "microsoft.compute/virtualmachines/magentogen1dev");
  EXPECT_EQ(last.exposure_key, "cc70774cd295155c");
  EXPECT_TRUE(last.remediation_guidance.starts_with("### Ensure secure use of SaaS API keys"));
}

TEST(WizNative, IssuesCsvResolverPlacementWins) {
  FakeZoneResolver resolver;
  resolver.Place("a2ce256b-d175-4881-8b21-ffe22b22fde0", "Zone1_EdgeInference", Consequence::kEquipment);
  const ParsedBatch out = Parse(Sample("multiple_findings.csv.gz"), Ctx(&resolver));
  ASSERT_EQ(out.exposures.size(), 98u);
  const Exposure& e = out.exposures[1];
  EXPECT_EQ(e.asset_zone, "Zone1_EdgeInference");
  EXPECT_EQ(e.zone_source, ZoneSource::kGraph);
  EXPECT_EQ(e.severity, Severity::kCritical);  // high x equipment
  EXPECT_EQ(e.ctem_score, 7.2);
  EXPECT_EQ(e.exposure_key, "49998df893fa5b9a");  // the zone never changes the key
  EXPECT_EQ(out.exposures[0].asset_zone, "Zone3_Enterprise");
}

TEST(WizNative, IssuesCsvWithCrlfOrByteOrderMarkGivesTheSameKeys) {
  const std::string doc = Sample("resolved_findings.csv");
  std::string crlf;
  for (char c : doc) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  const ParsedBatch base = Parse(doc);
  const ParsedBatch with_crlf = Parse(crlf);
  const ParsedBatch with_bom = Parse("\xEF\xBB\xBF" + doc);
  EXPECT_TRUE(with_crlf.errors.empty()) << Errors(with_crlf);
  EXPECT_TRUE(with_bom.errors.empty()) << Errors(with_bom);
  EXPECT_EQ(Keys(with_crlf), Keys(base));
  EXPECT_EQ(Keys(with_bom), Keys(base));
}

// ---------------------------------------------------------------------------------------------
// Vulnerability-findings CSV export.

TEST(WizNative, VulnerabilityCsvScaFormat) {
  const ParsedBatch out = Parse(Sample("sca_format.csv"));
  ASSERT_EQ(out.exposures.size(), 5u) << Errors(out);
  const Exposure& e = out.exposures[0];
  EXPECT_EQ(e.title, "CVE-2024-39474 in github.com/containerd/containerd");
  EXPECT_EQ(e.asset_id,
            "https://www.googleapis.com/compute/v1/projects/big-corp/zones/us-central1-f/instances/"
            "k8s-bigcorp-default-zone-0dd0efbc-46n6");
  EXPECT_EQ(e.asset_type, "CloudResource");
  EXPECT_EQ(e.exposure_key, "046745b7f3c511be");
  EXPECT_EQ(e.original_severity, "Low");  // VendorSeverity
  EXPECT_EQ(e.severity, Severity::kLow);
  EXPECT_EQ(e.ctem_score, 0.9);
  EXPECT_EQ(e.cve_ids, Strings({"CVE-2024-39474"}));
  EXPECT_EQ(e.reference_urls, Strings({"https://github.com/advisories/GHSA-c9cp-9c75-9v8c"}));
  EXPECT_EQ(e.remediation_guidance, "go get -u github.com/containerd/containerd");
  EXPECT_EQ(e.description,
            "CVE-2024-39474 in github.com/containerd/containerd 1.4.0 (Library, "
            "/home/kubernetes/bin/containerd-gcfs-grpc). Fixed in 1.5.11.");
  EXPECT_EQ(e.evidence_url,
            "https://app.wiz.io/explorer/vulnerability-findings#~(entity~(~'3ea99668-721f-11ef-94e9-"
            "bb8aaa280b32*2cSECURITY_TOOL_FINDING))");
  EXPECT_EQ(e.tool_status, ExposureStatus::kOpen);  // FindingStatus Open
  EXPECT_EQ(e.asset_zone, "Zone3_Enterprise");

  const Exposure& apimachinery = out.exposures[1];
  EXPECT_EQ(apimachinery.title, "CVE-2024-36891 in k8s.io/apimachinery");
  EXPECT_EQ(apimachinery.original_severity, "Medium");
  EXPECT_EQ(apimachinery.severity, Severity::kLow);  // medium x data_loss
  EXPECT_EQ(apimachinery.ctem_score, 1.8);
  EXPECT_EQ(apimachinery.exposure_key, "1339aa9f9a0c5c10");

  const Exposure& ghsa = out.exposures[2];
  EXPECT_EQ(ghsa.title, "GHSA-c9cp-9c75-9v8c in kernel");
  EXPECT_TRUE(ghsa.cve_ids.empty());  // not a CVE identifier
  EXPECT_EQ(ghsa.remediation_guidance, "Upgrade kernel to 109.17800.218.88 or later.");  // empty Remediation
  EXPECT_EQ(ghsa.exposure_key, "a3c84873afd43471");
  // Same asset as row 0 (a different vulnerability).
  EXPECT_EQ(ghsa.asset_id, e.asset_id);

  EXPECT_EQ(out.exposures[3].title, "CVE-2020-8559 in kernel");
  EXPECT_EQ(out.exposures[3].exposure_key, "32add95fed9a8596");
  // Row 4: the CVE of row 1 in another package on another asset.
  EXPECT_EQ(out.exposures[4].title, "CVE-2024-36891 in kernel");
  EXPECT_EQ(out.exposures[4].asset_id,
            "https://www.googleapis.com/compute/v1/projects/big-corp/zones/us-central1-b/instances/"
            "k8s-bigcorp-default-zone-2a743c24-8wcy");
  EXPECT_EQ(out.exposures[4].exposure_key, "81b6792d7f86fffd");
}

// ---------------------------------------------------------------------------------------------
// wizcli image scan.

TEST(WizNative, WizCliImageScan) {
  const ParsedBatch out = Parse(Sample("wizcli_img_many_vul.json"));
  ASSERT_EQ(out.exposures.size(), 9u) << Errors(out);  // 2 OS-package + 6 library vulns, 1 secret
  const std::vector<std::string> titles = {
      "CVE-2024-5535 in libcrypto3",
      "CVE-2024-5535 in libssl3",
      "CVE-2023-44487 in golang.org/x/net",
      "CVE-2023-45288 in golang.org/x/net",
      "CVE-2023-39325 in golang.org/x/net",
      "CVE-2023-44487 in google.golang.org/grpc",
      "GHSA-m425-mq94-257g in google.golang.org/grpc",
      "CVE-2024-24786 in google.golang.org/protobuf",
      "Password in URL (postgresql://postgres:---REDACTED---@localhost:5432/postgres?) in /app/testing.go"};
  const std::vector<std::string> severities = {"LOW",    "LOW",  "MEDIUM", "MEDIUM", "HIGH",
                                               "MEDIUM", "HIGH", "MEDIUM", "MEDIUM"};
  for (size_t i = 0; i < titles.size(); ++i) {
    SCOPED_TRACE(i);
    const Exposure& e = out.exposures[i];
    EXPECT_EQ(e.title, titles[i]);
    EXPECT_EQ(e.original_severity, severities[i]);
    EXPECT_EQ(e.asset_id, "wizcli-imagescan");  // scanOriginResource.name
    EXPECT_EQ(e.asset_type, "ContainerImage");  // CICDScanOriginContainerImage
    EXPECT_EQ(e.evidence_url, "https://app.wiz.io/findings/cicd-scans#");
    EXPECT_FALSE(e.tool_status.has_value());  // a scan has no workflow status
    EXPECT_EQ(e.asset_zone, "Zone3_Enterprise");
  }
  EXPECT_EQ(out.exposures[0].exposure_key, "30ef337294253070");
  EXPECT_EQ(out.exposures[1].exposure_key, "324736a6c45ffd1f");
  EXPECT_EQ(out.exposures[0].description,
            "CVE-2024-5535 in libcrypto3 3.3.1-r0 (PACKAGE). Fixed in 3.3.1-r1.");
  EXPECT_EQ(out.exposures[0].remediation_guidance, "Upgrade libcrypto3 to 3.3.1-r1 or later.");
  EXPECT_EQ(out.exposures[0].reference_urls,
            Strings({"https://security.alpinelinux.org/vuln/CVE-2024-5535"}));
  EXPECT_EQ(out.exposures[0].cve_ids, Strings({"CVE-2024-5535"}));

  const Exposure& rapid_reset = out.exposures[2];
  EXPECT_EQ(rapid_reset.exposure_key, "cd47ce750e596fe4");
  EXPECT_EQ(
      rapid_reset.description,
      "CVE-2023-44487 in golang.org/x/net 0.14.0 (LIBRARY, /app/grpc/proto/go.mod). Fixed in 0.17.0. "
      "CVSS score 7.5. A public exploit exists. Listed in CISA's Known Exploited Vulnerabilities catalog.");
  EXPECT_EQ(rapid_reset.reference_urls, Strings({"https://github.com/advisories/GHSA-qppj-fm5r-hxr3"}));
  EXPECT_EQ(rapid_reset.severity, Severity::kLow);  // medium x data_loss
  EXPECT_EQ(rapid_reset.ctem_score, 1.8);

  const Exposure& ghsa = out.exposures[6];
  EXPECT_EQ(ghsa.exposure_key, "d70369ba821d4e2c");
  EXPECT_TRUE(ghsa.cve_ids.empty());
  EXPECT_EQ(ghsa.severity, Severity::kMedium);  // high x data_loss
  EXPECT_EQ(ghsa.ctem_score, 2.7);
  EXPECT_EQ(ghsa.remediation_guidance, "Upgrade google.golang.org/grpc to 1.56.3 or later.");

  const Exposure& secret = out.exposures[8];
  EXPECT_EQ(secret.exposure_key, "9dc0b4a6384120be");
  EXPECT_EQ(secret.description,
            "PASSWORD secret found in /app/testing.go line 35. Contains: Password.\n\n"
            "Password in URL (postgresql://postgres:---REDACTED---@localhost:5432/postgres?)");
  EXPECT_TRUE(secret.cve_ids.empty());
}

TEST(WizNative, WizCliImageNameDrivesZone) {
  json doc = json::parse(Sample("wizcli_img_many_vul.json"));
  doc["scanOriginResource"]["name"] = "registry.local/orbital-edge-infer:1.4";
  ParsedBatch out = Parse(doc.dump());
  ASSERT_EQ(out.exposures.size(), 9u) << Errors(out);
  EXPECT_EQ(out.exposures[0].asset_id, "registry.local/orbital-edge-infer:1.4");
  EXPECT_EQ(out.exposures[0].asset_zone, "Zone1_EdgeInference");
  EXPECT_EQ(out.exposures[0].severity, Severity::kMedium);  // low x equipment
  // A zone tag on the scan wins over the name.
  doc["tags"] = json::array({json{{"key", "zone"}, {"value", "Zone0_PhysicalProcess"}}});
  out = Parse(doc.dump());
  ASSERT_EQ(out.exposures.size(), 9u) << Errors(out);
  EXPECT_EQ(out.exposures[0].asset_zone, "Zone0_PhysicalProcess");
  EXPECT_EQ(out.exposures[0].severity, Severity::kHigh);  // low x safety_life
}

// ---------------------------------------------------------------------------------------------
// Automation-rule webhook body (Wiz's default template: trigger / issue / resource / control).

json Webhook(std::string_view status = "OPEN", std::string_view severity = "HIGH") {
  return json{
      {"trigger",
       {{"source", "ISSUES"}, {"type", "Created"}, {"ruleId", "710a481b"}, {"ruleName", "to-ctem"}}},
      {"issue",
       {{"id", "e3188a71-794c-5ee8-b97c-eb794aa5b752"},
        {"status", status},
        {"severity", severity},
        {"created", "2025-07-25T13:09:25Z"},
        {"projectId", "p1"},
        {"url", "https://app.wiz.io/issues#~(issue~'e3188a71-794c-5ee8-b97c-eb794aa5b752)"}}},
      {"resource",
       {{"id", "arn:aws:ec2:us-east-2:111111111111:instance/i-0abc"},
        {"providerId", "i-0abc"},
        {"name", "jenkins-aws"},
        {"type", "virtualMachine"},
        {"cloudPlatform", "AWS"},
        {"subscriptionId", "111111111111"},
        {"cloudProviderURL", "https://console.aws.amazon.com/ec2/home#InstanceDetails:instanceId=i-0abc"},
        {"tags", json::object()}}},
      {"control",
       {{"id", "wc-id-1"},
        {"name", "Recon:EC2/PortProbeUnprotectedPort"},
        {"description", "An EC2 instance has an unprotected port that is being probed."},
        {"resolutionRecommendation", "Close the port or restrict its security group."}}}};
}

TEST(WizNative, WebhookBody) {
  const ParsedBatch out = Parse(Webhook().dump());
  ASSERT_EQ(out.exposures.size(), 1u) << Errors(out);
  EXPECT_EQ(out.received, 1u);
  const Exposure& e = out.exposures[0];
  EXPECT_EQ(e.title, "Recon:EC2/PortProbeUnprotectedPort");
  EXPECT_EQ(e.asset_id, "arn:aws:ec2:us-east-2:111111111111:instance/i-0abc");
  EXPECT_EQ(e.asset_type, "virtualMachine");
  EXPECT_EQ(e.description, "An EC2 instance has an unprotected port that is being probed.");
  EXPECT_EQ(e.remediation_guidance, "Close the port or restrict its security group.");
  EXPECT_EQ(e.evidence_url, "https://app.wiz.io/issues#~(issue~'e3188a71-794c-5ee8-b97c-eb794aa5b752)");
  EXPECT_EQ(e.reference_urls,
            Strings({"https://console.aws.amazon.com/ec2/home#InstanceDetails:instanceId=i-0abc"}));
  EXPECT_EQ(e.original_severity, "HIGH");
  EXPECT_EQ(e.severity, Severity::kMedium);
  EXPECT_EQ(e.tool_status, ExposureStatus::kOpen);
  EXPECT_EQ(e.exposure_key, GenerateExposureKey("Wiz", "Recon:EC2/PortProbeUnprotectedPort",
                                                "arn:aws:ec2:us-east-2:111111111111:instance/i-0abc"));
  // The status and severity change on an update; the key does not.
  const ParsedBatch resolved = Parse(Webhook("RESOLVED", "LOW").dump());
  ASSERT_EQ(resolved.exposures.size(), 1u);
  EXPECT_EQ(resolved.exposures[0].exposure_key, e.exposure_key);
  EXPECT_EQ(resolved.exposures[0].tool_status, ExposureStatus::kClosed);
}

TEST(WizNative, WebhookStatusesMapToOurs) {
  const std::vector<std::pair<std::string, std::optional<ExposureStatus>>> cases = {
      {"OPEN", ExposureStatus::kOpen},
      {"IN_PROGRESS", ExposureStatus::kInProgress},
      {"RESOLVED", ExposureStatus::kClosed},
      {"REJECTED", ExposureStatus::kClosed},
      {"IGNORED", ExposureStatus::kClosed},
      {"Resolved", ExposureStatus::kClosed},
      {"In Progress", ExposureStatus::kInProgress},
      {"", std::nullopt},
      {"SNOOZED", std::nullopt}};
  for (const auto& [status, expected] : cases) {
    SCOPED_TRACE(status);
    EXPECT_EQ(wiz::MapStatus(status), expected);
    const ParsedBatch out = Parse(Webhook(status).dump());
    ASSERT_EQ(out.exposures.size(), 1u) << Errors(out);
    EXPECT_EQ(out.exposures[0].tool_status, expected);
  }
}

TEST(WizNative, WebhookAssetFallsBackAndTagsNameTheZone) {
  json body = Webhook();
  body["resource"]["id"] = "";  // Wiz leaves it empty for some resources
  ParsedBatch out = Parse(body.dump());
  ASSERT_EQ(out.exposures.size(), 1u) << Errors(out);
  EXPECT_EQ(out.exposures[0].asset_id, "i-0abc");  // providerId
  body["resource"].erase("providerId");
  out = Parse(body.dump());
  ASSERT_EQ(out.exposures.size(), 1u) << Errors(out);
  EXPECT_EQ(out.exposures[0].asset_id, "jenkins-aws");  // name, the last resort

  for (const json& tags :
       {json{{"zone", "Zone2_Operations"}},
        json::array({json{{"key", "ctem_zone"}, {"value", "Zone2_Operations"}}}),
        json::array({"owner=ot", "zone=Zone2_Operations"}), json(R"({"zone": "Zone2_Operations"})")}) {
    SCOPED_TRACE(tags.dump());
    json tagged = Webhook();
    tagged["resource"]["tags"] = tags;
    out = Parse(tagged.dump());
    ASSERT_EQ(out.exposures.size(), 1u) << Errors(out);
    EXPECT_EQ(out.exposures[0].asset_zone, "Zone2_Operations");
    EXPECT_EQ(out.exposures[0].severity, Severity::kHigh);  // high x downtime
  }
}

TEST(WizNative, WebhooksAndSeedFindingsShareOnePayload) {
  const json payload = {
      {"source_tool", "wiz"},
      {"findings", json::array({Webhook(), json{{"title", "Public S3 bucket"},
                                                {"entityExternalId", "arn:aws:s3:::orbital-demo"},
                                                {"entityName", "orbital-demo"},
                                                {"severity", "HIGH"}}})}};
  const ParsedBatch out = Parse(payload.dump());
  ASSERT_EQ(out.exposures.size(), 2u) << Errors(out);
  EXPECT_EQ(out.exposures[0].title, "Recon:EC2/PortProbeUnprotectedPort");
  EXPECT_EQ(out.exposures[1].exposure_key, "6f225cb1cbcc157e");  // the seed's shape, as in wiz_test
  // JSON Lines of webhook bodies, as a webhook receiver would log them.
  const ParsedBatch lines = Parse(Webhook().dump() + "\n" + Webhook("IGNORED").dump() + "\n");
  ASSERT_EQ(lines.exposures.size(), 2u) << Errors(lines);
  EXPECT_EQ(lines.exposures[1].tool_status, ExposureStatus::kClosed);
}

// ---------------------------------------------------------------------------------------------
// Bad input: CSV.

// One CSV line, every cell quoted (quotes doubled).
std::string CsvLine(const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) line += ',';
    line += '"';
    for (char c : cells[i]) {
      if (c == '"') line += '"';
      line += c;
    }
    line += '"';
  }
  return line + "\n";
}

TEST(WizNative, CsvColumnsAreFoundByNameInAnyOrder) {
  const std::vector<std::string> a = {"Title",         "Severity",      "Status",  "Resource external ID",
                                      "Resource Name", "Resource Tags", "Wiz URL", "Extra Column"};
  const std::vector<std::string> row_a = {"Open bucket",
                                          "CRITICAL",
                                          "OPEN",
                                          "arn:aws:s3:::b",
                                          "orbital-edge-cache",
                                          "{\"Owner\": \"JD\"}",
                                          "https://app.wiz.io/issues#x",
                                          "ignored"};
  const std::vector<std::string> b = {"wiz url", "RESOURCE_TAGS", "resource name", "Resource External Id",
                                      "status",  "severity",      "title"};
  const std::vector<std::string> row_b = {"https://app.wiz.io/issues#x",
                                          "{\"Owner\": \"JD\"}",
                                          "orbital-edge-cache",
                                          "arn:aws:s3:::b",
                                          "OPEN",
                                          "CRITICAL",
                                          "Open bucket"};
  const ParsedBatch first = Parse(CsvLine(a) + CsvLine(row_a));
  const ParsedBatch second = Parse(CsvLine(b) + CsvLine(row_b));
  ASSERT_EQ(first.exposures.size(), 1u) << Errors(first);
  ASSERT_EQ(second.exposures.size(), 1u) << Errors(second);
  for (const Exposure* e : {&first.exposures[0], &second.exposures[0]}) {
    EXPECT_EQ(e->title, "Open bucket");
    EXPECT_EQ(e->asset_id, "arn:aws:s3:::b");
    EXPECT_EQ(e->asset_zone, "Zone1_EdgeInference");  // from the resource name
    EXPECT_EQ(e->severity, Severity::kCritical);      // high x equipment
    EXPECT_EQ(e->evidence_url, "https://app.wiz.io/issues#x");
  }
  EXPECT_EQ(first.exposures[0].exposure_key, second.exposures[0].exposure_key);
}

TEST(WizNative, CsvBadRowsAreNamedAndGoodRowsKept) {
  const std::string doc =
      "Title,Severity,Status,Resource external ID,Resource Name,Resource Tags\n"      // line 1
      "A,HIGH,OPEN,asset-a,edge-gw-1,{}\n"                                            // 2: row 1
      "B,HIGH,OPEN,asset-b,\"multi\nline\",\n"                                        // 3-4: row 2
      "C,HI\"GH,OPEN,asset-c,x,{}\n"                                                  // 5: row 3 stray quote
      "D,LOW,RESOLVED,asset-d,x,\"{\"\"zone\"\": \"\"Zone0_PhysicalProcess\"\"}\"\n"  // 6: row 4
      "E,LOW,OPEN,asset-e\n"                                                          // 7: row 5 short
      "F,LOW,OPEN,asset-f,x,\"{\"\"zone\"\": \"\"Zone9\"\"}\"\n"                      // 8: row 6 bad zone
      ",LOW,OPEN,asset-g,x,{}\n"                                                      // 9: row 7 no title
      "H,LOW,OPEN,,x,{}\n"                                                            // 10: row 8 no asset
      "I,LOW,OPEN,asset-i,x,not json\n"                                               // 11: row 9 bad tags
      "J,LOW,OPEN,asset-j,\"x\"y,{}\n"             // 12: row 10 text after quote
      "L,LOW,IN_PROGRESS,asset-l,x,{}\n"           // 13: row 11
      "K,MEDIUM,OPEN,asset-k,x,\"unterminated\n";  // 14: row 12 truncated
  const ParsedBatch out = Parse(doc);
  EXPECT_EQ(out.received, 12u);
  ASSERT_EQ(out.exposures.size(), 4u) << Errors(out);
  EXPECT_EQ(out.exposures[0].title, "A");
  EXPECT_EQ(out.exposures[0].asset_zone, "Zone1_EdgeInference");
  EXPECT_EQ(out.exposures[1].title, "B");
  EXPECT_EQ(out.exposures[2].title, "D");
  EXPECT_EQ(out.exposures[2].asset_zone, "Zone0_PhysicalProcess");
  EXPECT_EQ(out.exposures[2].tool_status, ExposureStatus::kClosed);
  EXPECT_EQ(out.exposures[3].title, "L");  // the row after a malformed one is read
  EXPECT_EQ(out.exposures[3].tool_status, ExposureStatus::kInProgress);

  struct Expected {
    long index;
    std::string field;
    std::vector<std::string> in_reason;
  };
  const std::vector<Expected> expected = {
      {2, "", {"line 5 (data row 3)", "column 5", "quote inside an unquoted cell"}},
      {4, "", {"line 7 (data row 5)", "expected 6 cells", "got 4"}},
      {5, "Resource Tags.zone", {"line 8 (data row 6)", "Zone0_PhysicalProcess"}},
      {6, "Title", {"line 9 (data row 7)", "empty"}},
      {7, "Resource external ID", {"line 10 (data row 8)", "empty"}},
      {8, "Resource Tags", {"line 11 (data row 9)", "JSON object"}},
      {9, "", {"line 12 (data row 10)", "column 23", "after the closing quote"}},
      {11, "", {"line 14 (data row 12)", "closing quote is missing"}},
  };
  ASSERT_EQ(out.errors.size(), expected.size()) << Errors(out);
  for (size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(out.errors[i].record_index, expected[i].index);
    EXPECT_EQ(out.errors[i].field, expected[i].field);
    for (const std::string& part : expected[i].in_reason) {
      EXPECT_NE(out.errors[i].reason.find(part), std::string::npos) << out.errors[i].reason;
    }
  }
}

TEST(WizNative, CsvMalformedRecordSpanningLinesIsSkippedToTheNextRecord) {
  const std::string doc =
      "Title,Severity,Resource external ID,Resource Tags\n"  // 1
      "A,HI\"GH,asset-a,\"{\"\"x\"\":\n"                     // 2: stray quote; its quoted cell runs on
      "1}\"\n"                                               // 3: rest of that record
      "B,LOW,asset-b,{}\n";                                  // 4
  const ParsedBatch out = Parse(doc);
  ASSERT_EQ(out.exposures.size(), 1u) << Errors(out);
  EXPECT_EQ(out.exposures[0].title, "B");
  ASSERT_EQ(out.errors.size(), 1u) << Errors(out);
  EXPECT_EQ(out.errors[0].record_index, 0);
  EXPECT_NE(out.errors[0].reason.find("line 2 (data row 1)"), std::string::npos) << out.errors[0].reason;
  EXPECT_NE(out.errors[0].reason.find("lines 3-3 did not form a well-formed record"), std::string::npos)
      << out.errors[0].reason;
  EXPECT_EQ(out.received, 2u);
}

TEST(WizNative, CsvInvalidUtf8NamesTheColumn) {
  const std::string doc = "Title,Severity,Resource external ID\nGood,LOW,a\nBad \xff\xfe,LOW,b\n";
  const ParsedBatch out = Parse(doc);
  ASSERT_EQ(out.exposures.size(), 1u);
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].record_index, 1);
  EXPECT_EQ(out.errors[0].field, "Title");
  EXPECT_NE(out.errors[0].reason.find("UTF-8"), std::string::npos);
}

TEST(WizNative, VulnerabilityCsvMissingIdOrAssetIsRejected) {
  const std::string doc =
      "ID,Name,VendorSeverity,FindingStatus,DetailedName,ProviderUniqueId,AssetID,AssetName\n"
      "1,,High,Open,openssl,vm-1,a1,vm\n"
      "2,CVE-2024-1,High,Open,openssl,,,vm\n"
      "3,CVE-2024-2,High,Resolved,openssl,,a3,vm\n";
  const ParsedBatch out = Parse(doc);
  ASSERT_EQ(out.exposures.size(), 1u) << Errors(out);
  EXPECT_EQ(out.exposures[0].asset_id, "a3");  // AssetID when ProviderUniqueId is empty
  EXPECT_EQ(out.exposures[0].tool_status, ExposureStatus::kClosed);
  ASSERT_EQ(out.errors.size(), 2u);
  EXPECT_EQ(out.errors[0].record_index, 0);
  EXPECT_EQ(out.errors[0].field, "Name");
  EXPECT_EQ(out.errors[1].record_index, 1);
  EXPECT_EQ(out.errors[1].field, "ProviderUniqueId");
}

TEST(WizNative, HeaderOnlyAndUnknownDocuments) {
  const ParsedBatch header_only = Parse("Title,Severity,Resource external ID\n");
  EXPECT_TRUE(header_only.errors.empty()) << Errors(header_only);
  EXPECT_TRUE(header_only.exposures.empty());
  EXPECT_EQ(header_only.received, 0u);

  for (std::string_view doc : {"", "   \n", "id,name\n1,2\n", "hello", "\x01\x02\x03"}) {
    SCOPED_TRACE(std::string(doc));
    const ParsedBatch out = Parse(doc);
    EXPECT_TRUE(out.exposures.empty());
    ASSERT_EQ(out.errors.size(), 1u);
    EXPECT_EQ(out.errors[0].record_index, -1);
    EXPECT_NE(out.errors[0].reason.find("malformed JSON"), std::string::npos) << out.errors[0].reason;
    EXPECT_NE(out.errors[0].reason.find("nor is it a Wiz CSV export"), std::string::npos);
  }
}

TEST(WizNative, TruncatedIssuesExportKeepsTheRowsBeforeTheCut) {
  const std::string doc = Sample("multiple_findings.csv.gz");
  const ParsedBatch full = Parse(doc);
  ASSERT_EQ(full.exposures.size(), 98u);
  for (size_t cut = 1000; cut < doc.size(); cut += doc.size() / 37) {
    SCOPED_TRACE("cut at byte " + std::to_string(cut));
    const ParsedBatch out = Parse(std::string_view(doc).substr(0, cut));
    EXPECT_LE(out.exposures.size(), 98u);
    // Rows before the cut come out with the keys of the full parse; the cut row, at most,
    // is reported.
    for (size_t i = 0; i < out.exposures.size(); ++i) {
      EXPECT_EQ(out.exposures[i].exposure_key, full.exposures[i].exposure_key);
    }
    EXPECT_LE(out.errors.size(), 1u) << Errors(out);
    EXPECT_EQ(out.received, out.exposures.size() + out.errors.size());
  }
}

// ---------------------------------------------------------------------------------------------
// Bad input: wizcli and webhook.

TEST(WizNative, WizCliBadRecordsAreNamed) {
  json doc = json::parse(Sample("wizcli_img_many_vul.json"));
  doc["result"]["osPackages"][0]["vulnerabilities"][0].erase("name");
  doc["result"]["osPackages"][1]["vulnerabilities"][0]["severity"] = 3;
  doc["result"]["libraries"][2] = "not a package";
  doc["result"]["secrets"][0]["lineNumber"] = "35";
  const ParsedBatch out = Parse(doc.dump());
  // 8 vulnerabilities + 1 secret, less the 4 bad records (the bad package held 1 vulnerability).
  EXPECT_EQ(out.received, 9u);
  ASSERT_EQ(out.exposures.size(), 5u) << Errors(out);
  ASSERT_EQ(out.errors.size(), 4u) << Errors(out);
  EXPECT_EQ(out.errors[0].record_index, 0);
  EXPECT_EQ(out.errors[0].field, "result.osPackages[0].vulnerabilities[0].name");
  EXPECT_EQ(out.errors[1].record_index, 1);
  EXPECT_EQ(out.errors[1].field, "result.osPackages[1].vulnerabilities[0].severity");
  EXPECT_NE(out.errors[1].reason.find("expected a string, got number"), std::string::npos);
  EXPECT_EQ(out.errors[2].record_index, 7);
  EXPECT_EQ(out.errors[2].field, "result.libraries[2]");
  EXPECT_EQ(out.errors[3].record_index, 8);
  EXPECT_EQ(out.errors[3].field, "result.secrets[0].lineNumber");
  EXPECT_EQ(out.exposures[0].title, "CVE-2023-44487 in golang.org/x/net");
}

TEST(WizNative, WizCliDocumentLevelErrors) {
  json doc = json::parse(Sample("wizcli_img_many_vul.json"));
  doc["result"]["libraries"] = json{{"name", "x"}};
  ParsedBatch out = Parse(doc.dump());
  EXPECT_EQ(out.exposures.size(), 3u);  // the OS packages and the secret still come out
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].record_index, -1);
  EXPECT_EQ(out.errors[0].field, "result.libraries");

  doc = json::parse(Sample("wizcli_img_many_vul.json"));
  doc.erase("scanOriginResource");
  out = Parse(doc.dump());
  EXPECT_TRUE(out.exposures.empty());
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].record_index, -1);
  EXPECT_EQ(out.errors[0].field, "scanOriginResource.name");

  doc = json::parse(Sample("wizcli_img_many_vul.json"));
  doc["tags"] = json{{"zone", "Moon"}};
  out = Parse(doc.dump());
  EXPECT_TRUE(out.exposures.empty());
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].field, "tags.zone");

  const std::string text = Sample("wizcli_img_many_vul.json");
  out = Parse(std::string_view(text).substr(0, text.size() / 2));
  EXPECT_TRUE(out.exposures.empty());
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_NE(out.errors[0].reason.find("malformed JSON"), std::string::npos);
}

TEST(WizNative, WebhookBadBodiesAreNamed) {
  struct Case {
    std::string name;
    json body;
    std::string field;
  };
  std::vector<Case> cases;
  json b = Webhook();
  b.erase("control");
  cases.push_back({"no control", b, "control"});
  b = Webhook();
  b["control"]["name"] = 5;
  cases.push_back({"numeric name", b, "control.name"});
  b = Webhook();
  b["control"]["name"] = "";
  cases.push_back({"empty name", b, "control.name"});
  b = Webhook();
  b["issue"] = "OPEN";
  cases.push_back({"issue not an object", b, "issue"});
  b = Webhook();
  b["resource"] = json{{"id", ""}, {"type", "vm"}};
  cases.push_back({"no asset", b, "resource.id"});
  b = Webhook();
  b["resource"]["tags"] = json{{"Zone", "DMZ"}};
  cases.push_back({"unknown zone", b, "resource.tags.Zone"});
  b = Webhook();
  b["resource"]["tags"] = 7;
  cases.push_back({"tags a number", b, "resource.tags"});
  b = Webhook();
  b["issue"]["status"] = json::array();
  cases.push_back({"status an array", b, "issue.status"});
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const ParsedBatch out = Parse(json::array({c.body, Webhook()}).dump());
    EXPECT_EQ(out.received, 2u);
    ASSERT_EQ(out.exposures.size(), 1u) << Errors(out);
    ASSERT_EQ(out.errors.size(), 1u) << Errors(out);
    EXPECT_EQ(out.errors[0].record_index, 0);
    EXPECT_EQ(out.errors[0].field, c.field);
  }
}

// Mangled copies of every sample: nothing throws or crashes (run under ASan/UBSan), and every
// record seen is either an exposure or an error.
TEST(WizNative, MangledSamplesNeverCrash) {
  for (std::string_view file :
       {"one_finding.csv", "resolved_findings.csv", "sca_format.csv", "wizcli_img_many_vul.json"}) {
    SCOPED_TRACE(file);
    const std::string doc = Sample(std::string(file));
    uint32_t state = 12345;
    auto next = [&state] {
      state = state * 1103515245u + 12345u;
      return state >> 8;
    };
    for (int round = 0; round < 150; ++round) {
      std::string mangled = doc;
      const int edits = 1 + static_cast<int>(next() % 8);
      for (int k = 0; k < edits; ++k) {
        const size_t at = next() % mangled.size();
        static constexpr char kNasty[] = {'"', ',', '\n', '\r', '{', '}', '[', ']', ':', '\0', '\\', 'x'};
        mangled[at] = kNasty[next() % sizeof kNasty];
      }
      if (next() % 4 == 0) mangled.resize(next() % mangled.size());
      ParsedBatch out;
      EXPECT_NO_THROW(out = Parse(mangled));
      EXPECT_GE(out.received + (out.errors.empty() ? 0 : 1), out.exposures.size());
    }
  }
}

}  // namespace
}  // namespace ctem::parsers
