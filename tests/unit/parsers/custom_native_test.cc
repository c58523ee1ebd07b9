// The "custom" source (docs/formats/custom.md) on the real files in shared/samples/sarif and
// shared/samples/generic, plus the generic finding format and bad input.
//
// Expected values are literals read from the sample files by hand. Scores follow the seed's
// Wiz rules (the custom source is zone-driven): exploitability high/medium/low from the
// severity, zone from _classify_zone's name heuristics on the asset (every sample asset lands
// in Zone3_Enterprise -> data_loss), CONSEQUENCE_MATRIX and round(exp * 0.3 * 10, 1), i.e.
// high 2.7 (MEDIUM), medium 1.8 (LOW), low 0.9 (LOW).
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
#include "parsers/sarif.h"
#include "pipeline/decompress.h"
#include "support/fake_zone_resolver.h"

namespace ctem::parsers {
namespace {

using ctem::testing::FakeZoneResolver;

using json = nlohmann::json;
using namespace std::chrono_literals;

Timestamp Now() { return std::chrono::sys_days{2026y / std::chrono::November / 27} + 8h; }

ParseContext Ctx(const ZoneResolver* resolver = nullptr) {
  ParseContext ctx;
  ctx.now = Now();
  ctx.tenant_id = "acme";
  ctx.zone_resolver = resolver;
  return ctx;
}

ParsedBatch Parse(std::string_view document, const ParseContext& ctx = Ctx()) {
  const SourceParser* parser = FindParser("custom");
  EXPECT_NE(parser, nullptr);
  ParsedBatch out;
  if (parser != nullptr) parser->Parse(document, ctx, out);
  return out;
}

std::string Sample(const std::string& relative) {
  const std::string path = std::string(CTEM_SAMPLES_DIR) + "/" + relative;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  auto doc = pipeline::MaybeGunzip(bytes.str());
  EXPECT_TRUE(doc.has_value()) << (doc ? "" : doc.error().message);
  return doc ? *doc : std::string();
}

std::string Errors(const ParsedBatch& out) {
  std::string text;
  for (const auto& e : out.errors) {
    text += "[" + std::to_string(e.record_index) + "] " + e.field + ": " + e.reason + "\n";
  }
  return text;
}

std::set<std::string> Keys(const ParsedBatch& out) {
  std::set<std::string> keys;
  for (const auto& e : out.exposures) keys.insert(e.exposure_key);
  return keys;
}

std::vector<std::string> KeyList(const ParsedBatch& out) {
  std::vector<std::string> keys;
  for (const auto& e : out.exposures) keys.push_back(e.exposure_key);
  return keys;
}

using Strings = std::vector<std::string>;

void ExpectScore(const Exposure& e, Severity severity, double exploitability, double score) {
  EXPECT_EQ(e.asset_zone, "Zone3_Enterprise");
  EXPECT_EQ(e.physical_consequence, Consequence::kDataLoss);
  EXPECT_EQ(e.severity, severity);
  EXPECT_DOUBLE_EQ(e.exploitability_score, exploitability);
  EXPECT_DOUBLE_EQ(e.ctem_score, score);
}

// ---------------------------------------------------------------------------------------------
// SARIF samples

TEST(CustomSarif, GrypeSecuritySeverityWithGitHubThresholds) {
  const ParsedBatch out = Parse(Sample("sarif/grype-cxf-3.4.6.sarif"));
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_EQ(out.received, 22u);
  ASSERT_EQ(out.exposures.size(), 22u);
  EXPECT_EQ(Keys(out).size(), 22u);

  // results[0]: rule security-severity "2.1" -> low.
  const Exposure& e0 = out.exposures[0];
  EXPECT_EQ(e0.source_tool, "Grype");
  EXPECT_EQ(e0.title, "CVE-2008-0732 low vulnerability for geronimo-j2ee-management_1.1_spec package");
  EXPECT_EQ(e0.asset_id, "lib/geronimo-j2ee-management_1.1_spec-1.0.1.jar");
  EXPECT_EQ(e0.asset_type, "Artifact");
  EXPECT_EQ(e0.original_severity, "security-severity=2.1");
  EXPECT_EQ(e0.cve_ids, Strings{"CVE-2008-0732"});
  EXPECT_EQ(e0.reference_urls, Strings{"https://github.com/anchore/grype"});
  EXPECT_EQ(e0.tenant_id, "acme");
  EXPECT_EQ(e0.ts, Now());
  ExpectScore(e0, Severity::kLow, 0.3, 0.9);
  EXPECT_EQ(e0.sla_deadline, Now() + std::chrono::days(30));
  EXPECT_EQ(e0.exposure_key,
            GenerateExposureKey("Grype",
                                "CVE-2008-0732-geronimo-j2ee-management_1.1_spec|"
                                "lib/geronimo-j2ee-management_1.1_spec-1.0.1.jar:1",
                                "lib/geronimo-j2ee-management_1.1_spec-1.0.1.jar"));
  EXPECT_NE(e0.description.find("The path lib/geronimo-j2ee-management_1.1_spec-1.0.1.jar reports"),
            std::string::npos);
  EXPECT_NE(e0.remediation_guidance.find("Vulnerability CVE-2008-0732"), std::string::npos);

  // results[6]: 7.8 -> high; results[13]: 9.8 -> critical; results[12]: 6.5 -> medium.
  EXPECT_EQ(out.exposures[6].original_severity, "security-severity=7.8");
  ExpectScore(out.exposures[6], Severity::kMedium, 0.9, 2.7);
  EXPECT_EQ(out.exposures[13].title, "CVE-2019-12419 critical vulnerability for cxf-xjc-runtime package");
  EXPECT_EQ(out.exposures[13].asset_id, "lib/cxf-xjc-runtime-3.3.1.jar");
  EXPECT_EQ(out.exposures[13].cve_ids, Strings{"CVE-2019-12419"});
  ExpectScore(out.exposures[13], Severity::kMedium, 0.9, 2.7);
  ExpectScore(out.exposures[12], Severity::kLow, 0.6, 1.8);
  // results[21] is a GHSA advisory: no CVE.
  EXPECT_TRUE(out.exposures[21].cve_ids.empty());
}

TEST(CustomSarif, FlawfinderLevelsRulesCwesAndFingerprints) {
  const ParsedBatch out = Parse(Sample("sarif/flawfinder.sarif"));
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_EQ(out.received, 54u);
  // results[52] has kind "pass": evaluated, not a problem, so not stored.
  ASSERT_EQ(out.exposures.size(), 53u);
  // Four pairs of results share a contextHash fingerprint in the same file (identical source
  // lines); the second of each is numbered, so all 53 stay distinct.
  EXPECT_EQ(Keys(out).size(), 53u);

  // results[0]: no level -> rule FF1048's defaultConfiguration "error" -> high.
  const Exposure& e0 = out.exposures[0];
  EXPECT_EQ(e0.source_tool, "Flawfinder");
  EXPECT_EQ(e0.title,
            "This function is not sufficiently random for security-related functions such as key and "
            "nonce creation (CWE-327).");
  EXPECT_EQ(e0.asset_id, "src/tree/param.cc");
  EXPECT_EQ(e0.original_severity, "level=error");
  EXPECT_EQ(e0.cwe_ids, Strings{"CWE-327"});
  EXPECT_EQ(e0.reference_urls, Strings{"https://cwe.mitre.org/data/definitions/327.html"});
  EXPECT_NE(e0.description.find("Location: src/tree/param.cc:29"), std::string::npos);
  ExpectScore(e0, Severity::kMedium, 0.9, 2.7);
  EXPECT_EQ(e0.exposure_key,
            GenerateExposureKey("Flawfinder",
                                "FF1048|src/tree/param.cc|fp=contextHash/v1="
                                "e6c1ad2b1d96ffc4035ed8df070600566ad240b8ded025dac30620f3fd4aa9fd",
                                "src/tree/param.cc"));
  // results[1]: same rule and fingerprint at line 75, level "warning" -> medium, numbered #2.
  const Exposure& e1 = out.exposures[1];
  EXPECT_EQ(e1.original_severity, "level=warning");
  ExpectScore(e1, Severity::kLow, 0.6, 1.8);
  EXPECT_EQ(e1.exposure_key,
            GenerateExposureKey("Flawfinder",
                                "FF1048|src/tree/param.cc|fp=contextHash/v1="
                                "e6c1ad2b1d96ffc4035ed8df070600566ad240b8ded025dac30620f3fd4aa9fd#2",
                                "src/tree/param.cc"));
  // results[53] (the last, exposure 52): FF1021 sscanf, level error, two CWEs.
  const Exposure& last = out.exposures[52];
  EXPECT_EQ(last.asset_id, "src/cli_main.cc");
  EXPECT_EQ(last.cwe_ids, (Strings{"CWE-120", "CWE-20"}));
  ExpectScore(last, Severity::kMedium, 0.9, 2.7);
}

TEST(CustomSarif, GitleaksWithoutRulesOrFingerprints) {
  const ParsedBatch out = Parse(Sample("sarif/gitleaks_7.5.0.sarif"));
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_EQ(out.received, 8u);
  ASSERT_EQ(out.exposures.size(), 8u);
  // Each secret is reported once per commit at the same file and line: 4 exposures.
  EXPECT_EQ(Keys(out).size(), 4u);
  const Exposure& e0 = out.exposures[0];
  EXPECT_EQ(e0.source_tool, "Gitleaks");
  EXPECT_EQ(e0.title, "AWS Access Key secret detected");
  EXPECT_EQ(e0.asset_id,
            "dojo/unittests/scans/gitlab_secret_detection_report/gitlab_secret_detection_report_1_vuln.json");
  EXPECT_EQ(e0.original_severity, "level=warning");  // no level anywhere: SARIF's default
  ExpectScore(e0, Severity::kLow, 0.6, 1.8);
  EXPECT_EQ(e0.exposure_key, out.exposures[1].exposure_key);
  EXPECT_EQ(out.exposures[2].title, "Asymmetric Private Key secret detected");
  EXPECT_EQ(e0.exposure_key,
            GenerateExposureKey("Gitleaks",
                                "AWS Access Key secret detected|dojo/unittests/scans/"
                                "gitlab_secret_detection_report/gitlab_secret_detection_report_1_vuln.json:13",
                                e0.asset_id));
}

TEST(CustomSarif, DependencyCheckPropertySeverityAndCves) {
  const ParsedBatch out = Parse(Sample("sarif/dependency_check.sarif"));
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_EQ(out.received, 13u);
  ASSERT_EQ(out.exposures.size(), 13u);
  EXPECT_EQ(Keys(out).size(), 13u);
  // results[0]: level "error" but properties.severity "low" (RetireJS) -> low.
  const Exposure& e0 = out.exposures[0];
  EXPECT_EQ(e0.source_tool, "dependency-check");
  EXPECT_EQ(e0.title, "Disallow calling helperMissing and blockHelperMissing directly");
  EXPECT_EQ(e0.original_severity, "severity=low");
  EXPECT_EQ(e0.asset_id,
            "file:////src/.venv/lib/python3.9/site-packages/tastypie_swagger/static/tastypie_swagger/js/lib/"
            "handlebars-1.0.0.js");
  ExpectScore(e0, Severity::kLow, 0.3, 0.9);
  // results[1]: "medium".
  EXPECT_EQ(out.exposures[1].title, "Prototype pollution");
  ExpectScore(out.exposures[1], Severity::kLow, 0.6, 1.8);
  // results[4]: CVE-2012-6708 on jquery-1.8.0.min.js, no severity property -> level error -> high.
  const Exposure& e4 = out.exposures[4];
  EXPECT_EQ(e4.title, "CVE-2012-6708");
  EXPECT_EQ(e4.cve_ids, Strings{"CVE-2012-6708"});
  EXPECT_EQ(e4.original_severity, "level=error");
  EXPECT_NE(e4.description.find("jQuery before 1.9.0 is vulnerable to Cross-site Scripting"), std::string::npos);
  ExpectScore(e4, Severity::kMedium, 0.9, 2.7);
}

TEST(CustomSarif, SuppressedResultsAreCountedButNotStored) {
  const ParsedBatch out = Parse(Sample("sarif/suppression_test.sarif"));
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_EQ(out.received, 5u);
  ASSERT_EQ(out.exposures.size(), 2u);  // TST0001-3 carry a suppression; TST0005's list is empty
  EXPECT_EQ(out.exposures[0].source_tool, "CodeScanner");
  EXPECT_EQ(out.exposures[0].title, "Rule 004");
  EXPECT_EQ(out.exposures[0].asset_id, "file:///C:/code/file4.c");
  EXPECT_EQ(out.exposures[0].original_severity, "level=warning");
  EXPECT_EQ(out.exposures[0].description, "Not suppressed\n\nLocation: file:///C:/code/file4.c");
  EXPECT_EQ(out.exposures[1].title, "Rule 005");
  EXPECT_EQ(out.exposures[1].asset_id, "file:///C:/code/file5.c");

  // The reader hands suppressed results over when asked.
  ParsedBatch all;
  std::vector<std::string> suppressed;
  SarifOptions options;
  options.include_suppressed = true;
  ReadSarifDocument(Sample("sarif/suppression_test.sarif"),
                    [&](const SarifResult& r) {
                      if (r.suppressed) suppressed.emplace_back(r.rule_id);
                    },
                    all, options);
  EXPECT_EQ(suppressed, (Strings{"TST0001", "TST0002", "TST0003"}));
}

TEST(CustomSarif, EverySampleReparsesToTheSameKeys) {
  for (const char* name : {"sarif/grype-cxf-3.4.6.sarif", "sarif/flawfinder.sarif", "sarif/gitleaks_7.5.0.sarif",
                                 "sarif/dependency_check.sarif", "sarif/suppression_test.sarif",
                                 "generic/generic_report1.json", "generic/generic_report3.json",
                                 "generic/generic_report1.csv"}) {
    SCOPED_TRACE(name);
    const std::string doc = Sample(name);
    ParseContext later = Ctx();
    later.now = Now() + 24h;
    const ParsedBatch a = Parse(doc);
    const ParsedBatch b = Parse(doc, later);
    EXPECT_FALSE(a.exposures.empty());
    EXPECT_EQ(KeyList(a), KeyList(b));
  }
}

// SARIF features the samples lack: repository provenance, correlationGuid, partial
// fingerprints, rule indexes, message arguments, CWE tags, suppression statuses.
TEST(CustomSarif, RepositoryProvenanceAndIdentityHints) {
  const json sarif = {
      {"version", "2.1.0"},
      {"runs",
       json::array({{{"tool",
                      {{"driver",
                        {{"name", "CodeQL"},
                         {"rules",
                          json::array({{{"id", "js/xss"},
                                        {"shortDescription", {{"text", "Reflected XSS"}}},
                                        {"messageStrings", {{"default", {{"text", "Input from {0} reaches {1}."}}}}},
                                        {"properties",
                                         {{"security-severity", 6.1},
                                          {"tags", json::array({"security", "external/cwe/cwe-079",
                                                                "external/cwe/cwe-116"})}}}}})}}}}},
                     {"versionControlProvenance",
                      json::array({{{"repositoryUri", "https://github.com/acme/orbital-edge-ui"},
                                    {"revisionId", "abc123"}}})},
                     {"results",
                      json::array({
                          {{"ruleIndex", 0},
                           {"message", {{"id", "default"}, {"arguments", json::array({"req.query", "res.send"})}}},
                           {"locations", json::array({{{"physicalLocation",
                                                        {{"artifactLocation", {{"uri", "src/app.js"}}},
                                                         {"region", {{"startLine", 12}}}}}}})},
                           {"partialFingerprints", {{"primaryLocationLineHash", "39fa2ee980eb94b0:1"}}}},
                          {{"ruleId", "js/xss"},
                           {"correlationGuid", "5b4c9e6a-0000-4000-8000-000000000001"},
                           {"level", "error"},
                           {"properties", {{"security-severity", "9.1"}}},
                           {"message", {{"text", "Second"}}}},
                          {{"ruleId", "js/xss"},
                           {"message", {{"text", "Under review"}}},
                           {"suppressions", json::array({{{"kind", "inSource"}, {"status", "underReview"}}})}},
                          {{"ruleId", "js/xss"},
                           {"message", {{"text", "Accepted"}}},
                           {"suppressions", json::array({{{"kind", "external"}, {"status", "accepted"}}})}},
                      })}}})}};
  const ParsedBatch out = Parse(sarif.dump());
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_EQ(out.received, 4u);
  ASSERT_EQ(out.exposures.size(), 3u);  // the accepted suppression is skipped; underReview is not

  const Exposure& e0 = out.exposures[0];
  EXPECT_EQ(e0.source_tool, "CodeQL");
  EXPECT_EQ(e0.title, "Reflected XSS");
  EXPECT_EQ(e0.asset_id, "https://github.com/acme/orbital-edge-ui");
  EXPECT_EQ(e0.asset_type, "Repository");
  EXPECT_EQ(e0.description, "Input from req.query reaches res.send.\n\nLocation: src/app.js:12");
  EXPECT_EQ(e0.cwe_ids, (Strings{"CWE-79", "CWE-116"}));
  EXPECT_EQ(e0.original_severity, "security-severity=6.1");
  // The repository name contains "edge": Zone1_EdgeInference -> equipment; medium x equipment.
  EXPECT_EQ(e0.asset_zone, "Zone1_EdgeInference");
  EXPECT_EQ(e0.physical_consequence, Consequence::kEquipment);
  EXPECT_EQ(e0.severity, Severity::kHigh);
  EXPECT_DOUBLE_EQ(e0.ctem_score, 4.8);
  EXPECT_EQ(e0.exposure_key, GenerateExposureKey("CodeQL", "js/xss|src/app.js|fp=primaryLocationLineHash=39fa2ee980eb94b0:1",
                                                 "https://github.com/acme/orbital-edge-ui"));
  // The result's own security-severity (a string) wins over the rule's: 9.1 -> critical.
  const Exposure& e1 = out.exposures[1];
  EXPECT_EQ(e1.original_severity, "security-severity=9.1");
  EXPECT_EQ(e1.severity, Severity::kCritical);
  EXPECT_EQ(e1.exposure_key, GenerateExposureKey("CodeQL", "js/xss|guid=5b4c9e6a-0000-4000-8000-000000000001",
                                                 "https://github.com/acme/orbital-edge-ui"));
  EXPECT_EQ(out.exposures[2].description, "Under review");
}

TEST(CustomSarif, ZoneResolverPlacementWins) {
  FakeZoneResolver resolver;
  resolver.Place("lib/jackson-databind-2.11.4.jar", "Zone0_PhysicalProcess", Consequence::kSafetyLife);
  const ParsedBatch out = Parse(Sample("sarif/grype-cxf-3.4.6.sarif"), Ctx(&resolver));
  ASSERT_EQ(out.exposures.size(), 22u);
  const Exposure& e18 = out.exposures[18];  // CVE-2020-36518 jackson-databind, 7.5 -> high
  EXPECT_EQ(e18.asset_zone, "Zone0_PhysicalProcess");
  EXPECT_EQ(e18.zone_source, ZoneSource::kGraph);
  EXPECT_EQ(e18.severity, Severity::kCritical);
  EXPECT_DOUBLE_EQ(e18.ctem_score, 9.0);
}

TEST(CustomSarif, SeverityHelpers) {
  EXPECT_EQ(SarifScoreSeverity(9.0), "critical");
  EXPECT_EQ(SarifScoreSeverity(8.9), "high");
  EXPECT_EQ(SarifScoreSeverity(7.0), "high");
  EXPECT_EQ(SarifScoreSeverity(6.9), "medium");
  EXPECT_EQ(SarifScoreSeverity(4.0), "medium");
  EXPECT_EQ(SarifScoreSeverity(3.9), "low");
  EXPECT_EQ(SarifScoreSeverity(0.1), "low");
  EXPECT_EQ(SarifScoreSeverity(0.0), "none");
  EXPECT_EQ(SarifLevelSeverity("error"), "high");
  EXPECT_EQ(SarifLevelSeverity("warning"), "medium");
  EXPECT_EQ(SarifLevelSeverity("note"), "low");
  EXPECT_EQ(SarifLevelSeverity("none"), "low");
}

TEST(CustomSarif, BadResultsAreRejectedOneByOne) {
  const json sarif = {
      {"version", "2.1.0"},
      {"runs",
       json::array({{{"tool", {{"driver", {{"name", "T"}}}}},
                     {"results", json::array({{{"ruleId", "A"}, {"level", "fatal"}, {"message", {{"text", "x"}}}},
                                              42,
                                              {{"ruleId", 7}, {"message", {{"text", "x"}}}},
                                              {{"ruleId", "B"},
                                               {"locations", json::array({{{"physicalLocation",
                                                                            {{"region", {{"startLine", "ten"}}}}}}})}},
                                              {{"ruleId", "C"}, {"message", {{"text", "fine"}}}}})}},
                    "not a run"})}};
  const ParsedBatch out = Parse(sarif.dump());
  EXPECT_EQ(out.received, 5u);
  ASSERT_EQ(out.exposures.size(), 1u);
  EXPECT_EQ(out.exposures[0].title, "C");
  ASSERT_EQ(out.errors.size(), 5u) << Errors(out);
  EXPECT_EQ(out.errors[0].record_index, 0);
  EXPECT_EQ(out.errors[0].field, "level");
  EXPECT_EQ(out.errors[1].record_index, 1);
  EXPECT_EQ(out.errors[2].record_index, 2);
  EXPECT_EQ(out.errors[2].field, "ruleId");
  EXPECT_EQ(out.errors[3].record_index, 3);
  EXPECT_EQ(out.errors[3].field, "locations[0].physicalLocation.region.startLine");
  EXPECT_EQ(out.errors[4].record_index, -1);
  EXPECT_EQ(out.errors[4].field, "runs[1]");

  const ParsedBatch v1 = Parse(R"({"version": "1.0.0", "runs": []})");
  ASSERT_EQ(v1.errors.size(), 1u);
  EXPECT_EQ(v1.errors[0].field, "version");
  const ParsedBatch runs = Parse(R"({"version": "2.1.0", "runs": {}})");
  ASSERT_EQ(runs.errors.size(), 1u);
  EXPECT_EQ(runs.errors[0].field, "runs");
}

// ---------------------------------------------------------------------------------------------
// DefectDojo Generic Findings Import samples

TEST(CustomGeneric, DefectDojoJsonWithUniqueIds) {
  const ParsedBatch out = Parse(Sample("generic/generic_report1.json"));
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_EQ(out.received, 2u);
  ASSERT_EQ(out.exposures.size(), 2u);
  const Exposure& e0 = out.exposures[0];
  EXPECT_EQ(e0.source_tool, "Custom");
  EXPECT_EQ(e0.title, "test title");
  EXPECT_EQ(e0.original_severity, "Medium");
  EXPECT_EQ(e0.asset_id, "unknown");
  EXPECT_EQ(e0.description,
            "Some very long description with\n\n some UTF-8 chars \xC3\xA0 qu'il est beau\n\nImpact: Some impact");
  EXPECT_EQ(e0.cve_ids, Strings{"CVE-2020-36234"});
  EXPECT_EQ(e0.cwe_ids, Strings{"CWE-261"});
  EXPECT_FALSE(e0.tool_status.has_value());
  ExpectScore(e0, Severity::kLow, 0.6, 1.8);
  EXPECT_EQ(e0.exposure_key, GenerateExposureKey("Custom", "id=3287f2d0-554f-491b-8516-3c349ead8ee5", "unknown"));
  EXPECT_EQ(out.exposures[1].title, "test title2");
  EXPECT_EQ(out.exposures[1].cwe_ids, Strings{"CWE-287"});
  EXPECT_EQ(out.exposures[1].cve_ids, Strings{"CVE-2020-36235"});
}

TEST(CustomGeneric, DefectDojoJsonWithEndpointsFilesAndMitigation) {
  const ParsedBatch out = Parse(Sample("generic/generic_report3.json"));
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_EQ(out.received, 4u);
  ASSERT_EQ(out.exposures.size(), 4u);
  EXPECT_EQ(Keys(out).size(), 4u);

  const Exposure& e0 = out.exposures[0];  // endpoints as a dict
  EXPECT_EQ(e0.title, "test title with endpoints as dict");
  EXPECT_EQ(e0.asset_id, "exemple.com");
  EXPECT_EQ(e0.asset_type, "Host");
  EXPECT_EQ(e0.remediation_guidance, "Some mitigation");
  EXPECT_NE(e0.description.find("Location: src/first.cpp:13"), std::string::npos);
  EXPECT_EQ(e0.exposure_key, GenerateExposureKey("Custom", "test title with endpoints as dict|src/first.cpp:13",
                                                 "exemple.com"));
  ExpectScore(e0, Severity::kLow, 0.6, 1.8);

  const Exposure& e1 = out.exposures[1];  // endpoints as strings; Critical
  EXPECT_EQ(e1.asset_id, "urlfiltering.paloaltonetworks.com");
  EXPECT_EQ(e1.original_severity, "Critical");
  EXPECT_NE(e1.description.find("https://urlfiltering.paloaltonetworks.com:2345/test-pest"), std::string::npos);
  ExpectScore(e1, Severity::kMedium, 0.9, 2.7);

  const Exposure& e2 = out.exposures[2];  // is_mitigated: the tool says it is fixed
  EXPECT_EQ(e2.title, "test title mitigated");
  EXPECT_EQ(e2.asset_id, "src/threeeeeeeeee.cpp");
  EXPECT_EQ(e2.asset_type, "SourceFile");
  ASSERT_TRUE(e2.tool_status.has_value());
  EXPECT_EQ(*e2.tool_status, ExposureStatus::kClosed);
  EXPECT_EQ(e2.cve_ids, Strings{"CVE-2020-36236"});
  EXPECT_EQ(e2.exposure_key,
            GenerateExposureKey("Custom", "test title mitigated|src/threeeeeeeeee.cpp:1353", "src/threeeeeeeeee.cpp"));
  EXPECT_EQ(out.exposures[3].title, "test title mitigated ISO");
}

TEST(CustomGeneric, DefectDojoCsv) {
  const ParsedBatch out = Parse(Sample("generic/generic_report1.csv"));
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_EQ(out.received, 5u);
  ASSERT_EQ(out.exposures.size(), 5u);
  EXPECT_EQ(Keys(out).size(), 5u);  // one title on five URLs
  for (size_t i = 0; i < out.exposures.size(); ++i) {
    const Exposure& e = out.exposures[i];
    EXPECT_EQ(e.title, "ASDF");
    EXPECT_EQ(e.asset_id, "vulnerable.endpoint.com");
    EXPECT_EQ(e.original_severity, "Low");
    EXPECT_EQ(e.cwe_ids, Strings{"CWE-" + std::to_string(i + 1)});
    EXPECT_EQ(e.remediation_guidance, "Some mitigation advice");
    EXPECT_FALSE(e.tool_status.has_value());  // Active TRUE, FalsePositive FALSE
    ExpectScore(e, Severity::kLow, 0.3, 0.9);
  }
  EXPECT_EQ(out.exposures[1].exposure_key,
            GenerateExposureKey("Custom", "ASDF|https://vulnerable.endpoint.com/resource2/qwerty",
                                "vulnerable.endpoint.com"));
  EXPECT_EQ(out.exposures[0].description,
            "Some description\n\nImpact: Some Impact\n\nEndpoints: https://vulnerable.endpoint.com/resource1/asdf\n\n"
            "Location: https://vulnerable.endpoint.com/resource1/asdf");
}

// ---------------------------------------------------------------------------------------------
// The generic finding format

json GenericFinding() {
  return {{"title", "Default SSH credentials on PLC gateway"},
          {"severity", "high"},
          {"asset_id", "ot-gw-07"},
          {"asset_type", "Host"},
          {"description", "admin/admin accepted"},
          {"remediation", "Rotate credentials"},
          {"cve", json::array({"CVE-2024-0001", "CVE-2024-0002"})},
          {"cwe", "CWE-798"},
          {"references", "https://example.org/advisory https://example.org/kb, see also"},
          {"tool", "OrbitalScanner"},
          {"evidence_url", "https://scanner.example/findings/7"},
          {"id", "f-7"}};
}

TEST(CustomGeneric, JsonArrayAllFields) {
  const ParsedBatch out = Parse(json::array({GenericFinding()}).dump());
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  ASSERT_EQ(out.exposures.size(), 1u);
  const Exposure& e = out.exposures[0];
  EXPECT_EQ(e.source_tool, "OrbitalScanner");
  EXPECT_EQ(e.title, "Default SSH credentials on PLC gateway");
  EXPECT_EQ(e.asset_id, "ot-gw-07");
  EXPECT_EQ(e.asset_type, "Host");
  EXPECT_EQ(e.description, "admin/admin accepted");
  EXPECT_EQ(e.remediation_guidance, "Rotate credentials");
  EXPECT_EQ(e.cve_ids, (Strings{"CVE-2024-0001", "CVE-2024-0002"}));
  EXPECT_EQ(e.cwe_ids, Strings{"CWE-798"});
  EXPECT_EQ(e.reference_urls, (Strings{"https://example.org/advisory", "https://example.org/kb"}));
  EXPECT_EQ(e.evidence_url, "https://scanner.example/findings/7");
  // "ot-" in the asset name: Zone1_EdgeInference -> equipment; high x equipment = CRITICAL.
  EXPECT_EQ(e.asset_zone, "Zone1_EdgeInference");
  EXPECT_EQ(e.physical_consequence, Consequence::kEquipment);
  EXPECT_EQ(e.severity, Severity::kCritical);
  EXPECT_DOUBLE_EQ(e.ctem_score, 7.2);
  EXPECT_EQ(e.sla_deadline, Now() + 24h);
  EXPECT_EQ(e.exposure_key, GenerateExposureKey("OrbitalScanner", "id=f-7", "ot-gw-07"));
}

TEST(CustomGeneric, SeedPayloadExplicitZoneAndAtlas) {
  json f = GenericFinding();
  f.erase("id");
  f.erase("tool");
  f["zone"] = "zone0_physicalprocess";
  f["severity"] = "Info";
  f["atlas_technique"] = "AML.T0044.001";
  const json payload = {{"source_tool", "custom"}, {"findings", json::array({f})}};
  const ParsedBatch out = Parse(payload.dump());
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  ASSERT_EQ(out.exposures.size(), 1u);
  const Exposure& e = out.exposures[0];
  EXPECT_EQ(e.source_tool, "Custom");
  EXPECT_EQ(e.asset_zone, "Zone0_PhysicalProcess");
  EXPECT_EQ(e.physical_consequence, Consequence::kSafetyLife);
  EXPECT_EQ(e.severity, Severity::kHigh);  // low x safety_life
  EXPECT_DOUBLE_EQ(e.ctem_score, 3.0);
  // The seed's ID stays; the official technique rides alongside.
  EXPECT_EQ(e.atlas_technique, "AML.T0044.001");
  EXPECT_EQ(e.atlas_official_id, "AML.T0024.002");
  EXPECT_EQ(e.atlas_official_name, "Extract AI Model");
  // Without an id the key is the seed's formula over title and asset.
  EXPECT_EQ(e.exposure_key, GenerateExposureKey("Custom", "Default SSH credentials on PLC gateway", "ot-gw-07"));

  // A payload naming an unregistered tool: that tool is the records' source_tool.
  json first = GenericFinding();
  first.erase("tool");
  const ParsedBatch named = Parse(json{{"source_tool", "PlantAudit"}, {"findings", json::array({first})}}.dump());
  ASSERT_EQ(named.exposures.size(), 1u);
  EXPECT_EQ(named.exposures[0].source_tool, "PlantAudit");

  // A payload naming another registered source is refused whole.
  const ParsedBatch wrong = Parse(json{{"source_tool", "wiz"}, {"findings", json::array({f})}}.dump());
  EXPECT_TRUE(wrong.exposures.empty());
  ASSERT_EQ(wrong.errors.size(), 1u);
  EXPECT_EQ(wrong.errors[0].field, "source_tool");
}

TEST(CustomGeneric, ZoneResolverPlacementWinsOverHeuristics) {
  FakeZoneResolver resolver;
  resolver.Place("ot-gw-07", "Zone2_Operations", Consequence::kDowntime);
  const ParsedBatch out = Parse(json::array({GenericFinding()}).dump(), Ctx(&resolver));
  ASSERT_EQ(out.exposures.size(), 1u);
  EXPECT_EQ(out.exposures[0].asset_zone, "Zone2_Operations");
  EXPECT_EQ(out.exposures[0].severity, Severity::kHigh);  // high x downtime
  EXPECT_DOUBLE_EQ(out.exposures[0].ctem_score, 4.5);
}

TEST(CustomGeneric, JsonLinesAndSingleObject) {
  json a = GenericFinding();
  json b = GenericFinding();
  b["id"] = "f-8";
  const ParsedBatch lines = Parse(a.dump() + "\n" + b.dump() + "\n");
  EXPECT_TRUE(lines.errors.empty()) << Errors(lines);
  EXPECT_EQ(lines.received, 2u);
  EXPECT_EQ(Keys(lines).size(), 2u);
  const ParsedBatch one = Parse(a.dump());
  EXPECT_TRUE(one.errors.empty()) << Errors(one);
  EXPECT_EQ(one.exposures.size(), 1u);
}

TEST(CustomGeneric, CsvWithTheSameColumns) {
  const std::string csv =
      "title,severity,asset_id,asset_type,description,remediation,cve,cwe,references,tool,zone,atlas_technique,"
      "evidence_url,id\n"
      "Model endpoint without auth,critical,orbital-inference-api,Service,\"Open, no token\",Add auth,"
      "CVE-2023-1111;CVE-2023-2222,\"79, CWE-352\",https://example.org/a,ModelScan,,AML.T0051,,m-1\n"
      "Weak TLS,medium,corp-portal,Host,,,,,,,Zone2_Operations,,,\n";
  const ParsedBatch out = Parse(csv);
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_EQ(out.received, 2u);
  ASSERT_EQ(out.exposures.size(), 2u);
  const Exposure& e0 = out.exposures[0];
  EXPECT_EQ(e0.source_tool, "ModelScan");
  EXPECT_EQ(e0.description, "Open, no token");
  EXPECT_EQ(e0.cve_ids, (Strings{"CVE-2023-1111", "CVE-2023-2222"}));
  EXPECT_EQ(e0.cwe_ids, (Strings{"CWE-79", "CWE-352"}));
  EXPECT_EQ(e0.asset_zone, "Zone1_EdgeInference");  // "orbital-inference"
  EXPECT_EQ(e0.atlas_technique, "AML.T0051");
  EXPECT_EQ(e0.atlas_official_id, "AML.T0051");
  EXPECT_EQ(e0.atlas_official_name, "LLM Prompt Injection");
  EXPECT_EQ(e0.exposure_key, GenerateExposureKey("ModelScan", "id=m-1", "orbital-inference-api"));
  const Exposure& e1 = out.exposures[1];
  EXPECT_EQ(e1.source_tool, "Custom");
  EXPECT_EQ(e1.asset_zone, "Zone2_Operations");
  EXPECT_EQ(e1.severity, Severity::kMedium);  // medium x downtime
  EXPECT_EQ(e1.exposure_key, GenerateExposureKey("Custom", "Weak TLS", "corp-portal"));
}

// ---------------------------------------------------------------------------------------------
// Bad input

TEST(CustomBadInput, BadRecordsAreRejectedAndTheRestKept) {
  json missing_asset = GenericFinding();
  missing_asset.erase("asset_id");
  json bad_severity = GenericFinding();
  bad_severity["severity"] = "urgent";
  json bad_zone = GenericFinding();
  bad_zone["zone"] = "Zone9_Moon";
  json bad_type = GenericFinding();
  bad_type["title"] = json::object();
  json bad_atlas = GenericFinding();
  bad_atlas["atlas_technique"] = "T1059";
  json bad_status = GenericFinding();
  bad_status["status"] = "Done";
  const json doc = json::array({missing_asset, bad_severity, GenericFinding(), bad_zone, 17, bad_type, bad_atlas,
                                bad_status});
  const ParsedBatch out = Parse(doc.dump());
  EXPECT_EQ(out.received, 8u);
  ASSERT_EQ(out.exposures.size(), 1u);
  ASSERT_EQ(out.errors.size(), 7u) << Errors(out);
  const std::vector<std::pair<long, std::string>> expected = {
      {0, "asset_id"}, {1, "severity"}, {3, "zone"}, {4, ""}, {5, "title"}, {6, "atlas_technique"}, {7, "status"}};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(out.errors[i].record_index, expected[i].first) << i;
    EXPECT_EQ(out.errors[i].field, expected[i].second) << i;
    EXPECT_FALSE(out.errors[i].reason.empty());
  }
}

TEST(CustomBadInput, MalformedDocuments) {
  for (const std::string& doc : {std::string(""), std::string("   \n"), std::string("{\"title\": "),
                                std::string("[1, 2"), std::string("\x01\x02\x03garbage"),
                                std::string("just some words\nand more"), std::string("null")}) {
    SCOPED_TRACE(doc);
    const ParsedBatch out = Parse(doc);
    EXPECT_TRUE(out.exposures.empty());
    EXPECT_FALSE(out.errors.empty());
  }
  // A CSV with an unterminated quote keeps the rows before it.
  const ParsedBatch csv = Parse("title,severity,asset_id\nA,low,h1\n\"B,low,h2\n");
  EXPECT_EQ(csv.exposures.size(), 1u);
  ASSERT_EQ(csv.errors.size(), 1u);
  EXPECT_NE(csv.errors[0].reason.find("CSV"), std::string::npos);
  // A row with the wrong number of cells is rejected alone.
  const ParsedBatch cells = Parse("title,severity,asset_id\nA,low\nB,low,h2\n");
  EXPECT_EQ(cells.exposures.size(), 1u);
  ASSERT_EQ(cells.errors.size(), 1u);
  EXPECT_EQ(cells.errors[0].record_index, 0);
  // One bad line of JSON Lines rejects only itself.
  const ParsedBatch lines = Parse(GenericFinding().dump() + "\n{\"title\": \n" + GenericFinding().dump() + "\n");
  EXPECT_EQ(lines.exposures.size(), 2u);
  EXPECT_EQ(lines.errors.size(), 1u);
}

}  // namespace
}  // namespace ctem::parsers
