// Snyk native formats (docs/formats/snyk.md) on the real files in shared/samples/snyk,
// snyk_code and snyk_issue_api, plus the project_snapshot webhook, zone placement and bad
// input.
//
// Expected values are literals read from the sample files by hand. Keys are the seed's
// sha256("Snyk:<vuln id>:<package name>")[:16] for dependencies, and
// sha256("Snyk:<rule id or issue key>:<file>[:<fingerprint>]:<project>")[:16] for Snyk Code.
// Scores follow the seed's Snyk rules: severity -> exploitability {CRITICAL, HIGH: high,
// MEDIUM: medium, LOW: low}, consequence safety_life for ML packages else data_loss,
// CONSEQUENCE_MATRIX, and round({0.9, 0.6, 0.3} * {10, 8, 5, 3}, 1).
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

Timestamp Now() { return std::chrono::sys_days{2026y / std::chrono::November / 27} + 8h; }

ParseContext Ctx(const ZoneResolver* resolver = nullptr) {
  ParseContext ctx;
  ctx.now = Now();
  ctx.tenant_id = "acme";
  ctx.zone_resolver = resolver;
  return ctx;
}

ParsedBatch Parse(std::string_view document, const ParseContext& ctx = Ctx()) {
  const SourceParser* parser = FindParser("snyk");
  EXPECT_NE(parser, nullptr);
  ParsedBatch out;
  if (parser != nullptr) parser->Parse(document, ctx, out);
  return out;
}

// The bytes of a sample; .gz samples are unwrapped as the gateway and CLI do.
std::string Sample(const std::string& name) {
  const std::string path = std::string(CTEM_SAMPLES_DIR) + "/" + name;
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

const Exposure* ByKey(const ParsedBatch& out, std::string_view key) {
  for (const auto& e : out.exposures) {
    if (e.exposure_key == key) return &e;
  }
  return nullptr;
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

size_t CountSeverity(const ParsedBatch& out, std::string_view original) {
  return static_cast<size_t>(std::count_if(out.exposures.begin(), out.exposures.end(),
                                           [&](const Exposure& e) { return e.original_severity == original; }));
}

// Every sample parses to the same keys, in the same order, twice; and keys are unique.
void ExpectStableKeys(const std::string& sample) {
  SCOPED_TRACE(sample);
  const std::string doc = Sample(sample);
  const auto first = Keys(Parse(doc));
  const auto second = Keys(Parse(doc));
  EXPECT_EQ(first, second);
  EXPECT_EQ(std::set<std::string>(first.begin(), first.end()).size(), first.size());
  // A different clock and tenant change nothing in the keys.
  ParseContext later = Ctx();
  later.now = Now() + 24h * 40;
  later.tenant_id = "other";
  EXPECT_EQ(Keys(Parse(doc, later)), first);
}

// =============================================================================================
// snyk test --json

TEST(SnykNative, SingleProjectOneVuln) {
  const ParsedBatch out = Parse(Sample("snyk/single_project_one_vuln.json"));
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_EQ(out.received, 1u);
  ASSERT_EQ(out.exposures.size(), 1u);
  const Exposure& e = out.exposures[0];
  // sha256("Snyk:SNYK-JAVA-ORGAPACHESANTUARIO-460281:org.apache.santuario:xmlsec")[:16]
  EXPECT_EQ(e.exposure_key, "21a0c1adc21b1b3c");
  EXPECT_EQ(e.exposure_key,
            GenerateExposureKey("Snyk", "SNYK-JAVA-ORGAPACHESANTUARIO-460281", "org.apache.santuario:xmlsec"));
  EXPECT_EQ(e.source_tool, "Snyk");
  EXPECT_EQ(e.title,
            "Snyk: XML External Entity (XXE) Injection in org.apache.santuario:xmlsec@2.1.1 "
            "(SNYK-JAVA-ORGAPACHESANTUARIO-460281)");
  EXPECT_EQ(e.asset_id, "org.apache.santuario:xmlsec@2.1.1");
  EXPECT_EQ(e.asset_type, "Dependency");
  EXPECT_EQ(e.asset_zone, "Zone3_Enterprise");
  EXPECT_EQ(e.zone_source, ZoneSource::kRule);
  EXPECT_EQ(e.original_severity, "MEDIUM");
  EXPECT_EQ(e.physical_consequence, Consequence::kDataLoss);
  EXPECT_EQ(e.severity, Severity::kLow);  // (medium, data_loss)
  EXPECT_DOUBLE_EQ(e.exploitability_score, 0.6);
  EXPECT_EQ(e.ctem_score, 1.8);  // round(0.6 * 3, 1)
  EXPECT_EQ(e.attack_technique, "T1195.002");
  EXPECT_EQ(e.atlas_technique, "");
  EXPECT_EQ(e.threat_model_ref, "");
  EXPECT_EQ(e.cve_ids, std::vector<std::string>{"CVE-2019-12400"});
  EXPECT_EQ(e.cwe_ids, std::vector<std::string>{"CWE-611"});
  ASSERT_EQ(e.reference_urls.size(), 4u);
  EXPECT_EQ(e.reference_urls[0],
            "https://github.com/apache/santuario-java/commit/52ae824cf5f5c873a0e37bb33fedcc3b387cdba6");
  EXPECT_EQ(e.reference_urls[2],
            "https://issues.apache.org/jira/browse/SANTUARIO-504?jql=project%20%3D%20SANTUARIO");
  EXPECT_EQ(e.remediation_guidance,
            "Upgrade org.apache.santuario:xmlsec@2.1.1 to org.apache.santuario:xmlsec@2.1.4 "
            "(fixed in org.apache.santuario:xmlsec 2.1.4)");
  EXPECT_EQ(e.evidence_url, "https://security.snyk.io/vuln/SNYK-JAVA-ORGAPACHESANTUARIO-460281");
  EXPECT_TRUE(e.description.starts_with(
      "## Overview\n[org.apache.santuario:xmlsec](https://mvnrepository.com/artifact/org.apache.santuario/xmlsec)"));
  EXPECT_TRUE(Contains(e.description,
                       "Found in: org.apache.santuario:xmlsec@2.1.1 in project com.test:myframework (pom.xml)"));
  EXPECT_TRUE(Contains(e.description,
                       "Introduced through: com.test:myframework@1.0.0-SNAPSHOT > org.apache.santuario:xmlsec@2.1.1"));
  EXPECT_TRUE(Contains(e.description, "CVSS score: 6.5"));
  EXPECT_TRUE(Contains(e.description, "Exploit maturity: Not Defined"));
  EXPECT_FALSE(e.tool_status.has_value());
  EXPECT_EQ(e.status, ExposureStatus::kOpen);
  EXPECT_EQ(e.tenant_id, "acme");
  EXPECT_EQ(FormatTimestamp(e.ts), "2026-11-27T08:00:00.000Z");
  ASSERT_TRUE(e.sla_deadline.has_value());
  EXPECT_EQ(FormatTimestamp(*e.sla_deadline), "2026-12-27T08:00:00.000Z");  // LOW: 30 days
  ExpectStableKeys("snyk/single_project_one_vuln.json");
}

TEST(SnykNative, SingleProjectNoVulns) {
  const ParsedBatch out = Parse(Sample("snyk/single_project_no_vulns.json"));
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_EQ(out.received, 0u);
  EXPECT_TRUE(out.exposures.empty());
  EXPECT_TRUE(out.no_longer_seen.empty());
  ExpectStableKeys("snyk/single_project_no_vulns.json");
}

TEST(SnykNative, AllProjectsOneVuln) {
  // Three projects (custom-rule, custom-rule\pom.xml, maven-enforcer); one vulnerability.
  const ParsedBatch out = Parse(Sample("snyk/all-projects_one_vuln.json"));
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_EQ(out.received, 1u);
  ASSERT_EQ(out.exposures.size(), 1u);
  const Exposure& e = out.exposures[0];
  // The same vulnerability in the same package as single_project_one_vuln: the same row.
  EXPECT_EQ(e.exposure_key, "21a0c1adc21b1b3c");
  EXPECT_EQ(e.asset_id, "org.apache.santuario:xmlsec@2.1.1");
  EXPECT_EQ(e.original_severity, "MEDIUM");
  EXPECT_EQ(e.severity, Severity::kLow);
  EXPECT_EQ(e.cve_ids, std::vector<std::string>{"CVE-2019-12400"});
  EXPECT_TRUE(Contains(e.description,
                       "Found in: org.apache.santuario:xmlsec@2.1.1 in project com.test:custom-rule (pom.xml)"));
  EXPECT_TRUE(Contains(e.description,
                       "Introduced through: com.test:custom-rule@1.0.0-SNAPSHOT > org.apache.santuario:xmlsec@2.1.1"));
  EXPECT_EQ(e.remediation_guidance,
            "Upgrade org.apache.santuario:xmlsec@2.1.1 to org.apache.santuario:xmlsec@2.1.4 "
            "(fixed in org.apache.santuario:xmlsec 2.1.4)");
  ExpectStableKeys("snyk/all-projects_one_vuln.json");
}

TEST(SnykNative, AllProjectsManyVulnsDeduplicatesAcrossProjects) {
  // 4 vulnerability records in 3 projects: SNYK-JAVA-COMGOOGLEGUAVA-1015415 in guava is
  // reported by com.test:version-collision (29.0-jre), com.test:project-a (22.0) and
  // com.test:project-b (29.0-jre); SNYK-JAVA-COMGOOGLEGUAVA-32236 by project-a only.
  const ParsedBatch out = Parse(Sample("snyk/all-projects_many_vulns.json"));
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_EQ(out.received, 4u);
  ASSERT_EQ(out.exposures.size(), 2u);

  const Exposure* info = ByKey(out, "cf43316dfb0ebcb6");  // SNYK-JAVA-COMGOOGLEGUAVA-1015415:guava
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->title, "Snyk: Information Disclosure in com.google.guava:guava@29.0-jre "
                         "(SNYK-JAVA-COMGOOGLEGUAVA-1015415)");
  EXPECT_EQ(info->asset_id, "com.google.guava:guava@29.0-jre");  // first report
  EXPECT_EQ(info->cve_ids, std::vector<std::string>{"CVE-2020-8908"});
  EXPECT_EQ(info->cwe_ids, std::vector<std::string>{"CWE-200"});
  EXPECT_EQ(info->original_severity, "MEDIUM");
  EXPECT_EQ(info->ctem_score, 1.8);
  EXPECT_TRUE(Contains(info->description,
                       "Found in: com.google.guava:guava@29.0-jre in project com.test:version-collision (pom.xml)"));
  EXPECT_TRUE(Contains(info->description,
                       "Found in: com.google.guava:guava@22.0 in project com.test:project-a (project-a\\pom.xml)"));
  EXPECT_TRUE(Contains(info->description,
                       "Found in: com.google.guava:guava@29.0-jre in project com.test:project-b (project-b\\pom.xml)"));
  EXPECT_TRUE(Contains(info->description,
                       "Introduced through: com.test:version-collision@0.0.1-SNAPSHOT > "
                       "com.test:project-collision@0.0.1-SNAPSHOT > com.test:project-a@0.0.1-SNAPSHOT > "
                       "com.google.guava:guava@29.0-jre"));
  EXPECT_EQ(info->remediation_guidance,
            "Upgrade com.google.guava:guava to a fixed version: 30.0-android, 30.0-jre; "
            "Upgrade com.google.guava:guava@22.0 to com.google.guava:guava@30.0-android "
            "(fixed in com.google.guava:guava 30.0-android, 30.0-jre); "
            "Upgrade com.google.guava:guava@29.0-jre to com.google.guava:guava@30.0-jre "
            "(fixed in com.google.guava:guava 30.0-android, 30.0-jre)");
  ASSERT_EQ(info->reference_urls.size(), 2u);
  EXPECT_EQ(info->reference_urls[1], "https://github.com/google/guava/issues/4011");

  const Exposure* deser = ByKey(out, "5126a61e3384daab");  // SNYK-JAVA-COMGOOGLEGUAVA-32236:guava
  ASSERT_NE(deser, nullptr);
  EXPECT_EQ(deser->title, "Snyk: Deserialization of Untrusted Data in com.google.guava:guava@22.0 "
                          "(SNYK-JAVA-COMGOOGLEGUAVA-32236)");
  EXPECT_EQ(deser->cve_ids, std::vector<std::string>{"CVE-2018-10237"});
  EXPECT_EQ(deser->cwe_ids, std::vector<std::string>{"CWE-119"});
  EXPECT_TRUE(Contains(deser->description, "CVSS score: 5.9"));
  EXPECT_EQ(deser->reference_urls.size(), 3u);
  ExpectStableKeys("snyk/all-projects_many_vulns.json");
}

TEST(SnykNative, SingleProjectManyVulnsGzipped) {
  const ParsedBatch out = Parse(Sample("snyk/single_project_many_vulns.json.gz"));
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_EQ(out.received, 41u);
  ASSERT_EQ(out.exposures.size(), 41u);  // uniqueCount 41: no two records share id and package
  EXPECT_EQ(CountSeverity(out, "HIGH"), 12u);
  EXPECT_EQ(CountSeverity(out, "MEDIUM"), 29u);
  EXPECT_EQ(static_cast<size_t>(std::count_if(out.exposures.begin(), out.exposures.end(),
                                              [](const Exposure& e) { return e.severity == Severity::kMedium; })),
            12u);  // every HIGH is (high, data_loss) = MEDIUM; every MEDIUM is LOW

  const Exposure* jcommander = ByKey(out, "e1cc4290bdeed4fc");  // SNYK-JAVA-COMBEUST-174815
  ASSERT_NE(jcommander, nullptr);
  EXPECT_EQ(jcommander->title,
            "Snyk: Unsafe Dependency Resolution in com.beust:jcommander@1.72 (SNYK-JAVA-COMBEUST-174815)");
  EXPECT_TRUE(jcommander->cve_ids.empty());
  EXPECT_EQ(jcommander->cwe_ids, (std::vector<std::string>{"CWE-494", "CWE-829"}));
  EXPECT_EQ(jcommander->remediation_guidance,
            "Upgrade org.testng:testng@6.13.1 to org.testng:testng@7.3.0 (fixed in com.beust:jcommander 1.75)");

  const Exposure* jackson = ByKey(out, "a0e74f8944c83a34");  // SNYK-JAVA-COMFASTERXMLJACKSONCORE-1048302
  ASSERT_NE(jackson, nullptr);
  EXPECT_EQ(jackson->asset_id, "com.fasterxml.jackson.core:jackson-databind@2.10.5");
  EXPECT_EQ(jackson->original_severity, "HIGH");
  EXPECT_EQ(jackson->severity, Severity::kMedium);  // (high, data_loss)
  EXPECT_EQ(jackson->ctem_score, 2.7);
  EXPECT_EQ(jackson->cve_ids, std::vector<std::string>{"CVE-2020-25649"});
  EXPECT_EQ(jackson->remediation_guidance,
            "Upgrade com.fasterxml.jackson.core:jackson-databind to a fixed version: 2.6.7.4, 2.9.10.7, 2.10.5.1");
  ASSERT_TRUE(jackson->sla_deadline.has_value());
  EXPECT_EQ(FormatTimestamp(*jackson->sla_deadline), "2026-12-11T08:00:00.000Z");  // MEDIUM: 14 days

  const Exposure* httpclient = ByKey(out, "fafdd2699e50ee38");  // SNYK-JAVA-COMMONSHTTPCLIENT-30083
  ASSERT_NE(httpclient, nullptr);
  EXPECT_EQ(httpclient->remediation_guidance,
            "No fixed version of commons-httpclient:commons-httpclient is available yet");
  EXPECT_TRUE(Contains(httpclient->description,
                       "Introduced through: com.test:myframework@1.0.0-SNAPSHOT > org.owasp.esapi:esapi@2.1.0 > "
                       "org.owasp.antisamy:antisamy@1.4.3 > commons-httpclient:commons-httpclient@3.1"));

  const Exposure* bootstrap = ByKey(out, "ab0e7df535f80c60");  // SNYK-JAVA-ORGWEBJARS-451162
  ASSERT_NE(bootstrap, nullptr);
  EXPECT_EQ(bootstrap->cve_ids, (std::vector<std::string>{"CVE-2018-14040", "CVE-2018-14042"}));
  EXPECT_EQ(bootstrap->cwe_ids, std::vector<std::string>{"CWE-79"});

  const Exposure* xalan = ByKey(out, "b7668fbbac08bc06");  // SNYK-JAVA-XALAN-31385
  ASSERT_NE(xalan, nullptr);
  EXPECT_EQ(xalan->asset_id, "xalan:xalan@2.7.0");
  // upgradePath [false, "org.owasp.esapi:esapi@2.2.0.0"]: upgrade the direct dependency.
  EXPECT_EQ(xalan->remediation_guidance,
            "Upgrade org.owasp.esapi:esapi@2.1.0 to org.owasp.esapi:esapi@2.2.0.0 (fixed in xalan:xalan 2.7.2)");
  ExpectStableKeys("snyk/single_project_many_vulns.json.gz");
}

// =============================================================================================
// snyk container test --json

TEST(SnykNative, ContainerWithApplications) {
  // 1 OS package vulnerability in the image and 12 in the juice-shop application.
  const ParsedBatch out = Parse(Sample("snyk/snykcontainer_issue_epss.json"));
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_EQ(out.received, 13u);
  ASSERT_EQ(out.exposures.size(), 13u);

  const Exposure* gcc = ByKey(out, "8f93844fdc915c2e");  // SNYK-DEBIAN11-GCC10-5901313:gcc-10
  ASSERT_NE(gcc, nullptr);
  EXPECT_EQ(gcc->title, "Snyk: CVE-2023-4039 in gcc-10@10.2.1-6 (SNYK-DEBIAN11-GCC10-5901313)");
  EXPECT_EQ(gcc->asset_id, "gcc-10@10.2.1-6");
  EXPECT_EQ(gcc->original_severity, "LOW");
  EXPECT_EQ(gcc->severity, Severity::kLow);  // (low, data_loss)
  EXPECT_EQ(gcc->ctem_score, 0.9);
  EXPECT_EQ(gcc->cve_ids, std::vector<std::string>{"CVE-2023-4039"});
  EXPECT_TRUE(gcc->cwe_ids.empty());
  ASSERT_EQ(gcc->reference_urls.size(), 3u);
  EXPECT_EQ(gcc->reference_urls[0], "https://security-tracker.debian.org/tracker/CVE-2023-4039");
  EXPECT_EQ(gcc->remediation_guidance, "No fixed version of gcc-10 is available yet");
  EXPECT_TRUE(Contains(gcc->description, "Found in: gcc-10@10.2.1-6 in image docker-image|sarim04/juiceshop"));
  EXPECT_TRUE(Contains(gcc->description, "EPSS probability: 0.00046 (percentile 0.14414)"));
  EXPECT_TRUE(Contains(gcc->description,
                       "Introduced through: docker-image|sarim04/juiceshop@latest > gcc-10/libgcc-s1@10.2.1-6"));

  const Exposure* sanitize = ByKey(out, "912b1c6af08f6594");  // SNYK-JS-SANITIZEHTML-585892
  ASSERT_NE(sanitize, nullptr);
  EXPECT_EQ(sanitize->title, "Snyk: Arbitrary Code Execution in sanitize-html@1.4.2 (SNYK-JS-SANITIZEHTML-585892)");
  EXPECT_EQ(sanitize->original_severity, "CRITICAL");
  EXPECT_EQ(sanitize->severity, Severity::kMedium);  // (high, data_loss)
  EXPECT_EQ(sanitize->ctem_score, 2.7);
  EXPECT_TRUE(sanitize->cve_ids.empty());
  EXPECT_EQ(sanitize->cwe_ids, std::vector<std::string>{"CWE-94"});
  EXPECT_EQ(sanitize->remediation_guidance,
            "Upgrade sanitize-html@1.4.2 to sanitize-html@2.0.0 (fixed in sanitize-html 2.0.0-beta)");
  EXPECT_TRUE(Contains(sanitize->description,
                       "Found in: sanitize-html@1.4.2 in project juice-shop (/juice-shop/package.json) "
                       "of image docker-image|sarim04/juiceshop"));
  EXPECT_TRUE(Contains(sanitize->description, "CVSS score: 9.4"));

  const Exposure* jwt = ByKey(out, "ce5a8a1ba962efb0");  // npm:jsonwebtoken:20150331
  ASSERT_NE(jwt, nullptr);
  EXPECT_EQ(jwt->evidence_url, "https://security.snyk.io/vuln/npm:jsonwebtoken:20150331");
  EXPECT_EQ(jwt->cve_ids, std::vector<std::string>{"CVE-2015-9235"});
  EXPECT_EQ(jwt->cwe_ids, std::vector<std::string>{"CWE-592"});
  EXPECT_TRUE(Contains(jwt->description, "Exploit maturity: Proof of Concept"));
  EXPECT_EQ(jwt->remediation_guidance,
            "Upgrade jsonwebtoken@0.4.0 to jsonwebtoken@5.0.0 (fixed in jsonwebtoken 4.2.2)");
  EXPECT_EQ(CountSeverity(out, "CRITICAL"), 1u);
  EXPECT_EQ(CountSeverity(out, "HIGH"), 2u);
  EXPECT_EQ(CountSeverity(out, "MEDIUM"), 9u);
  EXPECT_EQ(CountSeverity(out, "LOW"), 1u);
  ExpectStableKeys("snyk/snykcontainer_issue_epss.json");
}

// =============================================================================================
// Snyk Code SARIF (snyk code test --sarif)

TEST(SnykNative, SnykCodeSarif) {
  // 39 results; results 22 and 26 are two hardcoded passwords on line 85 of
  // oauth.component.spec.ts with the same rule and identity fingerprint: one exposure.
  const ParsedBatch out = Parse(Sample("snyk_code/snykcode_issue_9270.json.gz"));
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_EQ(out.received, 39u);
  ASSERT_EQ(out.exposures.size(), 38u);
  EXPECT_EQ(CountSeverity(out, "HIGH"), 12u);    // level error
  EXPECT_EQ(CountSeverity(out, "MEDIUM"), 23u);  // level warning (24 results, 2 merged)
  EXPECT_EQ(CountSeverity(out, "LOW"), 3u);      // level note

  const Exposure& xss = out.exposures[0];
  // sha256("Snyk:javascript/XSS:frontend/src/app/score-board/score-board.component.ts:"
  //        "041274fc0869f892f98d45c0bd6903f2cfad48bc93a806c69ccfdb2c86f32781:unknown")[:16]
  EXPECT_EQ(xss.exposure_key, "57ed755600a780a2");
  EXPECT_EQ(xss.title, "Snyk Code: Cross-site Scripting (XSS) in frontend/src/app/score-board/score-board.component.ts");
  EXPECT_TRUE(xss.description.starts_with(
      "Unsanitized input from data from a remote resource flows into bypassSecurityTrustHtml"));
  EXPECT_TRUE(Contains(xss.description, "Rule: javascript/XSS"));
  EXPECT_TRUE(Contains(xss.description, "Found at: frontend/src/app/score-board/score-board.component.ts:216:44"));
  EXPECT_TRUE(Contains(xss.description, "Snyk priority score: 504"));
  EXPECT_EQ(xss.asset_id, "unknown");
  EXPECT_EQ(xss.asset_type, "Project");
  EXPECT_EQ(xss.original_severity, "MEDIUM");
  EXPECT_EQ(xss.physical_consequence, Consequence::kDataLoss);
  EXPECT_EQ(xss.severity, Severity::kLow);  // (medium, data_loss)
  EXPECT_EQ(xss.ctem_score, 1.8);
  EXPECT_EQ(xss.cwe_ids, std::vector<std::string>{"CWE-79"});
  EXPECT_TRUE(xss.cve_ids.empty());
  EXPECT_EQ(xss.attack_technique, "");
  EXPECT_EQ(xss.atlas_technique, "");
  EXPECT_EQ(xss.remediation_guidance,
            "Fix the flagged code at frontend/src/app/score-board/score-board.component.ts:216:44");

  const Exposure* ssrf = ByKey(out, "91ccc2ed008caefc");  // result 21, javascript/Ssrf
  ASSERT_NE(ssrf, nullptr);
  EXPECT_EQ(ssrf->title, "Snyk Code: Server-Side Request Forgery (SSRF) in routes/profileImageUrlUpload.ts");
  EXPECT_EQ(ssrf->original_severity, "HIGH");
  EXPECT_EQ(ssrf->severity, Severity::kMedium);  // (high, data_loss)
  EXPECT_EQ(ssrf->ctem_score, 2.7);
  EXPECT_EQ(ssrf->cwe_ids, std::vector<std::string>{"CWE-918"});
  EXPECT_TRUE(Contains(ssrf->description, "Snyk priority score: 801"));

  const Exposure* passwords = ByKey(out, "09c27e223278965e");  // results 22 and 26
  ASSERT_NE(passwords, nullptr);
  EXPECT_TRUE(passwords->description.starts_with(
      "Do not hardcode passwords in code. Found hardcoded password used in password."));
  EXPECT_TRUE(Contains(passwords->description, "Found at: frontend/src/app/oauth/oauth.component.spec.ts:85:77"));
  EXPECT_TRUE(Contains(passwords->description, "Found at: frontend/src/app/oauth/oauth.component.spec.ts:85:111"));
  EXPECT_TRUE(Contains(passwords->description,
                       "Also reported: Do not hardcode passwords in code. Found hardcoded password used in passwordRepeat."));

  // Result 32: level note -> LOW.
  const auto note = std::find_if(out.exposures.begin(), out.exposures.end(), [](const Exposure& e) {
    return e.title == "Snyk Code: Hardcoded Secret in test/api/2faSpec.ts";
  });
  ASSERT_NE(note, out.exposures.end());
  EXPECT_EQ(note->original_severity, "LOW");
  EXPECT_EQ(note->cwe_ids, std::vector<std::string>{"CWE-547"});
  ExpectStableKeys("snyk_code/snykcode_issue_9270.json.gz");
}

// =============================================================================================
// REST Issues API

TEST(SnykNative, IssuesApiCode) {
  const ParsedBatch out = Parse(Sample("snyk_issue_api/snyk_code_scan_api_many_vuln.json"));
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_EQ(out.received, 3u);
  ASSERT_EQ(out.exposures.size(), 3u);

  const Exposure& csrf = out.exposures[0];
  // sha256("Snyk:9a29d87f-aa94-47eb-b46f-375b293a8631:path/path/file.abc:"
  //        "25502d3a-2799-4e20-97d6-2cb552058894")[:16]
  EXPECT_EQ(csrf.exposure_key, "c869297f6fdeaaa8");
  EXPECT_EQ(csrf.title, "Snyk Code: Cross-Site Request Forgery (CSRF) in path/path/file.abc");
  EXPECT_EQ(csrf.asset_id, "25502d3a-2799-4e20-97d6-2cb552058894");
  EXPECT_EQ(csrf.asset_type, "Project");
  EXPECT_EQ(csrf.original_severity, "HIGH");
  EXPECT_EQ(csrf.severity, Severity::kMedium);
  EXPECT_EQ(csrf.ctem_score, 2.7);
  EXPECT_EQ(csrf.cwe_ids, std::vector<std::string>{"CWE-352"});
  EXPECT_TRUE(csrf.description.starts_with("Cross-Site Request Forgery (CSRF)\n\n"));
  EXPECT_TRUE(Contains(csrf.description, "Found at: path/path/file.abc:65:9"));
  EXPECT_TRUE(Contains(csrf.description, "Commit: 5ab48c7da75182753420725182db92b679c1e4f0"));
  EXPECT_TRUE(Contains(csrf.description, "Snyk risk score: 829"));
  EXPECT_EQ(csrf.remediation_guidance, "Fix the flagged code at path/path/file.abc:65:9");
  EXPECT_FALSE(csrf.tool_status.has_value());

  const Exposure& xss = out.exposures[1];  // "ignored": true
  EXPECT_EQ(xss.title, "Snyk Code: Cross-site Scripting (XSS) in path/path/file.abc");
  EXPECT_EQ(xss.original_severity, "MEDIUM");
  EXPECT_EQ(xss.cwe_ids, std::vector<std::string>{"CWE-79"});
  ASSERT_TRUE(xss.tool_status.has_value());
  EXPECT_EQ(*xss.tool_status, ExposureStatus::kClosed);
  EXPECT_TRUE(Contains(xss.description, "Ignored in Snyk"));

  const Exposure& passwords = out.exposures[2];
  EXPECT_EQ(passwords.exposure_key, "05fd6530bd7251d0");
  EXPECT_EQ(passwords.title, "Snyk Code: Use of Hardcoded Passwords in path/path/file.abc");
  EXPECT_EQ(passwords.original_severity, "LOW");
  EXPECT_EQ(passwords.severity, Severity::kLow);
  EXPECT_EQ(passwords.ctem_score, 0.9);
  EXPECT_EQ(passwords.cwe_ids, (std::vector<std::string>{"CWE-259", "CWE-798"}));
  ExpectStableKeys("snyk_issue_api/snyk_code_scan_api_many_vuln.json");
}

TEST(SnykNative, IssuesApiSca) {
  const ParsedBatch out = Parse(Sample("snyk_issue_api/snyk_sca_scan_api_many_vuln.json"));
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_EQ(out.received, 5u);
  ASSERT_EQ(out.exposures.size(), 5u);

  const Exposure& dos = out.exposures[0];
  EXPECT_EQ(dos.exposure_key, "551087fa1522dd8a");  // SNYK-PYTHON-PILLOW-6219984:pillow
  EXPECT_EQ(dos.title, "Snyk: Denial of Service (DoS) in pillow@9.5.0 (SNYK-PYTHON-PILLOW-6219984)");
  EXPECT_EQ(dos.asset_id, "pillow@9.5.0");
  EXPECT_EQ(dos.asset_type, "Dependency");
  EXPECT_EQ(dos.original_severity, "HIGH");
  EXPECT_EQ(dos.severity, Severity::kMedium);
  EXPECT_EQ(dos.cwe_ids, std::vector<std::string>{"CWE-400"});
  EXPECT_TRUE(dos.cve_ids.empty());
  EXPECT_EQ(dos.evidence_url, "https://security.snyk.io/vuln/SNYK-PYTHON-PILLOW-6219984");
  EXPECT_EQ(dos.remediation_guidance, "Pin pillow to a fixed version");
  EXPECT_TRUE(Contains(dos.description, "Found in: pillow@9.5.0 in project 1111111-1111-1111-1111-11111"));
  EXPECT_TRUE(Contains(dos.description, "CVSS score: 7.5"));
  EXPECT_TRUE(Contains(dos.description, "Exploit maturity: Not Defined"));
  EXPECT_TRUE(Contains(dos.description, "Snyk risk score: 115"));
  EXPECT_EQ(dos.attack_technique, "T1195.002");
  EXPECT_FALSE(dos.tool_status.has_value());

  const Exposure& overflow = out.exposures[1];  // critical, ignored
  EXPECT_EQ(overflow.exposure_key, "7c0d22e2f1838115");  // SNYK-PYTHON-PILLOW-5918878:pillow
  EXPECT_EQ(overflow.original_severity, "CRITICAL");
  EXPECT_EQ(overflow.cve_ids, std::vector<std::string>{"CVE-2023-4863"});
  EXPECT_EQ(overflow.cwe_ids, std::vector<std::string>{"CWE-122"});
  ASSERT_TRUE(overflow.tool_status.has_value());
  EXPECT_EQ(*overflow.tool_status, ExposureStatus::kClosed);

  const Exposure& setuptools = out.exposures[3];
  EXPECT_EQ(setuptools.exposure_key, "c5c2bad2cd7e29a6");  // SNYK-PYTHON-SETUPTOOLS-7448482:setuptools
  EXPECT_EQ(setuptools.title,
            "Snyk: Improper Control of Generation of Code ('Code Injection') in setuptools@40.5.0 "
            "(SNYK-PYTHON-SETUPTOOLS-7448482)");
  EXPECT_EQ(setuptools.cve_ids, std::vector<std::string>{"CVE-2024-6345"});

  const Exposure& h11 = out.exposures[4];  // status resolved; the NVD problem is listed first
  EXPECT_EQ(h11.exposure_key, "d55b2d9512f7b83e");  // SNYK-PYTHON-H11-10293728:h11
  EXPECT_EQ(h11.asset_id, "h11@0.14.0");
  EXPECT_EQ(h11.cve_ids, std::vector<std::string>{"CVE-2025-43859"});
  EXPECT_EQ(h11.cwe_ids, std::vector<std::string>{"CWE-444"});
  ASSERT_TRUE(h11.tool_status.has_value());
  EXPECT_EQ(*h11.tool_status, ExposureStatus::kVerified);
  EXPECT_TRUE(Contains(h11.description, "Resolved in Snyk"));
  ExpectStableKeys("snyk_issue_api/snyk_sca_scan_api_many_vuln.json");
}

TEST(SnykNative, SameVulnerabilityFromCliAndApiIsOneRow) {
  // The seed's key does not depend on the format: a vulnerability reported by `snyk test`
  // and by the Issues API (or the webhook) updates the same row.
  const json cli = {{"projectName", "svc"},
                    {"ok", false},
                    {"vulnerabilities",
                     {{{"id", "SNYK-PYTHON-PILLOW-6219984"}, {"packageName", "pillow"}, {"version", "9.5.0"},
                       {"severity", "high"}}}}};
  const ParsedBatch from_cli = Parse(cli.dump());
  ASSERT_EQ(from_cli.exposures.size(), 1u);
  EXPECT_EQ(from_cli.exposures[0].exposure_key, "551087fa1522dd8a");
}

// =============================================================================================
// project_snapshot webhook (modelled on the payload in Snyk's webhook documentation)

json WebhookIssue(std::string_view id, std::string_view package, std::vector<std::string> versions,
                  std::string_view severity) {
  return json{{"id", id},
              {"issueType", "vuln"},
              {"pkgName", package},
              {"pkgVersions", versions},
              {"issueData",
               {{"id", id},
                {"title", "Regular Expression Denial of Service (ReDoS)"},
                {"severity", severity},
                {"url", "https://snyk.io/vuln/" + std::string(id)},
                {"description", "Lorem ipsum"},
                {"identifiers", {{"CVE", json::array()}, {"CWE", {"CWE-400"}}, {"ALTERNATIVE", {"SNYK-JS-MS-10509"}}}},
                {"exploitMaturity", "no-known-exploit"},
                {"cvssScore", 3.7},
                {"nearestFixedInVersion", "2.0.0"}}},
              {"isPatched", false},
              {"isIgnored", false},
              {"fixInfo", {{"isUpgradable", false}, {"isPinnable", false}, {"isPatchable", true},
                           {"nearestFixedInVersion", "2.0.0"}}},
              {"priority", {{"score", 399}}}};
}

json WebhookBody() {
  return json{{"project",
               {{"name", "snyk/goof"},
                {"id", "af137b96-6966-46c1-826b-2e79ac49bbd9"},
                {"type", "npm"},
                {"browseUrl",
                 "https://app.snyk.io/org/4a18d42f-0706-4ad0-b127-24078731fbed/project/"
                 "af137b96-6966-46c1-826b-2e79ac49bbd9"}}},
              {"org", {{"name", "My Org"}, {"id", "a04d9cbd-ae6e-44af-b573-0556b0ad4bd2"}}},
              {"group", {{"name", "ACME Inc."}, {"id", "a060a49f-636e-480f-9e14-38e773b2a97f"}}},
              {"newIssues",
               {WebhookIssue("npm:ms:20170412", "ms", {"1.0.0"}, "low"),
                WebhookIssue("SNYK-PYTHON-TORCH-6649934", "torch", {"2.1.0", "2.1.1"}, "high")}},
              {"removedIssues", {WebhookIssue("SNYK-JS-LODASH-567746", "lodash", {"4.17.15"}, "high")}}};
}

TEST(SnykNative, WebhookNewIssuesBecomeExposuresRemovedIssuesNoLongerSeen) {
  const ParsedBatch out = Parse(WebhookBody().dump());
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_EQ(out.received, 2u);  // removed issues are not exposures to store
  ASSERT_EQ(out.exposures.size(), 2u);

  const Exposure& ms = out.exposures[0];
  EXPECT_EQ(ms.exposure_key, "1a316feef0fe39cd");  // sha256("Snyk:npm:ms:20170412:ms")[:16]
  EXPECT_EQ(ms.title, "Snyk: Regular Expression Denial of Service (ReDoS) in ms@1.0.0 (npm:ms:20170412)");
  EXPECT_EQ(ms.asset_id, "ms@1.0.0");
  EXPECT_EQ(ms.original_severity, "LOW");
  EXPECT_EQ(ms.severity, Severity::kLow);
  EXPECT_EQ(ms.ctem_score, 0.9);
  EXPECT_EQ(ms.evidence_url, "https://snyk.io/vuln/npm:ms:20170412");
  EXPECT_EQ(ms.cwe_ids, std::vector<std::string>{"CWE-400"});
  EXPECT_EQ(ms.remediation_guidance, "Upgrade ms to 2.0.0 or later; Apply the Snyk patch for npm:ms:20170412");
  EXPECT_TRUE(ms.description.starts_with("Lorem ipsum\n\n"));
  EXPECT_TRUE(Contains(ms.description, "Found in: ms@1.0.0 in project snyk/goof"));
  EXPECT_TRUE(Contains(ms.description, "Snyk priority score: 399"));
  ASSERT_EQ(ms.reference_urls.size(), 1u);
  EXPECT_TRUE(ms.reference_urls[0].starts_with("https://app.snyk.io/org/"));

  // The seed's ML rule applies to the webhook too.
  const Exposure& torch = out.exposures[1];
  EXPECT_EQ(torch.exposure_key, "de57ce57248c7bae");  // the seed's key for torch
  EXPECT_EQ(torch.asset_id, "torch@2.1.0");
  EXPECT_EQ(torch.physical_consequence, Consequence::kSafetyLife);
  EXPECT_EQ(torch.severity, Severity::kCritical);
  EXPECT_EQ(torch.ctem_score, 9.0);
  EXPECT_EQ(torch.atlas_technique, "AML.T0010");
  EXPECT_EQ(torch.threat_model_ref, "TM-05");
  EXPECT_TRUE(Contains(torch.description, "Found in: torch@2.1.1 in project snyk/goof"));

  // removedIssues: the key the exposure had (sha256("Snyk:SNYK-JS-LODASH-567746:lodash")[:16]).
  EXPECT_EQ(out.no_longer_seen, std::vector<std::string>{"dc3b2509addc1b87"});
}

TEST(SnykNative, WebhookIgnoredAndPatchedIssuesCarryToolStatus) {
  json body = WebhookBody();
  body["newIssues"][0]["isIgnored"] = true;
  body["newIssues"][1]["isPatched"] = true;
  body["removedIssues"] = json::array();
  const ParsedBatch out = Parse(body.dump());
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  ASSERT_EQ(out.exposures.size(), 2u);
  EXPECT_EQ(out.exposures[0].tool_status, ExposureStatus::kClosed);
  EXPECT_EQ(out.exposures[1].tool_status, ExposureStatus::kFixDeployed);
  EXPECT_TRUE(out.no_longer_seen.empty());
}

TEST(SnykNative, WebhookPingIsAnEmptyDocument) {
  const ParsedBatch out = Parse(R"({"webhookId": "d3cf26b3-2d77-497b-bce2-23b33cc15362"})");
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_EQ(out.received, 0u);
  EXPECT_TRUE(out.exposures.empty());
}

TEST(SnykNative, WebhookWithOnlyRemovedIssues) {
  json body = WebhookBody();
  body.erase("newIssues");
  const ParsedBatch out = Parse(body.dump());
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_TRUE(out.exposures.empty());
  EXPECT_EQ(out.no_longer_seen, std::vector<std::string>{"dc3b2509addc1b87"});
}

// =============================================================================================
// Rules shared by every SCA format

json Project(std::string name, json vulns) {
  return json{{"ok", false}, {"projectName", std::move(name)}, {"displayTargetFile", "requirements.txt"},
              {"packageManager", "pip"}, {"vulnerabilities", std::move(vulns)}};
}

json Vuln(std::string_view id, std::string_view package, std::string_view version, std::string_view severity,
          std::vector<std::string> from) {
  return json{{"id", id},       {"packageName", package}, {"version", version},
              {"severity", severity}, {"title", "Arbitrary Code Execution"}, {"from", from},
              {"fixedIn", {"2.2.0"}}, {"upgradePath", json::array()}};
}

TEST(SnykNative, SameVulnerabilityThroughSeveralPathsIsOneExposure) {
  const json doc = Project("ml-service", {Vuln("SNYK-PYTHON-TORCH-6649934", "torch", "2.1.0", "high",
                                               {"ml-service@0.1.0", "torch@2.1.0"}),
                                          Vuln("SNYK-PYTHON-TORCH-6649934", "torch", "2.1.0", "high",
                                               {"ml-service@0.1.0", "torchvision@0.16.0", "torch@2.1.0"})});
  const ParsedBatch out = Parse(doc.dump());
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  EXPECT_EQ(out.received, 2u);
  ASSERT_EQ(out.exposures.size(), 1u);
  const Exposure& e = out.exposures[0];
  EXPECT_EQ(e.exposure_key, "de57ce57248c7bae");
  EXPECT_TRUE(Contains(e.description, "Introduced through: ml-service@0.1.0 > torch@2.1.0\n"));
  EXPECT_TRUE(Contains(e.description, "Introduced through: ml-service@0.1.0 > torchvision@0.16.0 > torch@2.1.0"));
  // ML dependency: safety_life, the seed's ATLAS technique and threat model.
  EXPECT_EQ(e.physical_consequence, Consequence::kSafetyLife);
  EXPECT_EQ(e.severity, Severity::kCritical);
  EXPECT_EQ(e.ctem_score, 9.0);
  EXPECT_EQ(e.atlas_technique, "AML.T0010");
  EXPECT_EQ(e.atlas_official_id, "AML.T0010");  // an ATLAS technique as it is
  EXPECT_EQ(e.atlas_official_name, "AI Supply Chain Compromise");
  EXPECT_EQ(e.threat_model_ref, "TM-05");
  EXPECT_EQ(e.remediation_guidance, "Upgrade torch to a fixed version: 2.2.0");
}

TEST(SnykNative, MergedReportsKeepTheHighestSeverity) {
  const json doc = json::array({Project("a", {Vuln("SNYK-1", "lodash", "4.17.15", "medium", {})}),
                                Project("b", {Vuln("SNYK-1", "lodash", "4.17.20", "critical", {})})});
  const ParsedBatch out = Parse(doc.dump());
  ASSERT_EQ(out.exposures.size(), 1u);
  EXPECT_EQ(out.exposures[0].original_severity, "CRITICAL");
  EXPECT_EQ(out.exposures[0].asset_id, "lodash@4.17.15");
  EXPECT_TRUE(Contains(out.exposures[0].description, "Found in: lodash@4.17.20 in project b (requirements.txt)"));
}

TEST(SnykNative, ManyPathsAreSummarised) {
  json vulns = json::array();
  for (int i = 0; i < 8; ++i) {
    vulns.push_back(Vuln("SNYK-1", "lodash", "4.17.15", "low", {"app@1", "dep" + std::to_string(i) + "@1", "lodash@4.17.15"}));
  }
  const ParsedBatch out = Parse(Project("app", vulns).dump());
  ASSERT_EQ(out.exposures.size(), 1u);
  EXPECT_TRUE(Contains(out.exposures[0].description, "Introduced through: app@1 > dep4@1 > lodash@4.17.15"));
  EXPECT_FALSE(Contains(out.exposures[0].description, "dep5@1"));
  EXPECT_TRUE(Contains(out.exposures[0].description, "... and 3 more dependency paths"));
}

TEST(SnykNative, ZoneResolverPlacesThePackageOrItsProject) {
  // Rule-driven (seed): the resolver raises the consequence only when more severe.
  const json doc = Project("plc-gateway", {Vuln("SNYK-1", "lodash", "4.17.15", "high", {})});
  {
    FakeZoneResolver resolver;
    resolver.Place("plc-gateway", "Zone1_EdgeInference", Consequence::kEquipment);
    const ParsedBatch out = Parse(doc.dump(), Ctx(&resolver));
    ASSERT_EQ(out.exposures.size(), 1u);
    const Exposure& e = out.exposures[0];
    EXPECT_EQ(e.asset_id, "lodash@4.17.15");
    EXPECT_EQ(e.asset_zone, "Zone1_EdgeInference");
    EXPECT_EQ(e.physical_consequence, Consequence::kEquipment);
    EXPECT_EQ(e.zone_source, ZoneSource::kGraph);
    EXPECT_EQ(e.severity, Severity::kCritical);  // (high, equipment)
    EXPECT_EQ(e.ctem_score, 7.2);                // round(0.9 * 8, 1)
  }
  {
    FakeZoneResolver resolver;
    resolver.Place("lodash@4.17.15", "Zone2_Operations", Consequence::kDowntime);
    resolver.Place("plc-gateway", "Zone4_External", Consequence::kDataLoss);
    const ParsedBatch out = Parse(doc.dump(), Ctx(&resolver));
    ASSERT_EQ(out.exposures.size(), 1u);
    EXPECT_EQ(out.exposures[0].asset_zone, "Zone2_Operations");
    EXPECT_EQ(out.exposures[0].physical_consequence, Consequence::kDowntime);
    EXPECT_EQ(out.exposures[0].ctem_score, 4.5);
  }
  {
    FakeZoneResolver resolver;  // no opinion: the seed's rule zone
    const ParsedBatch out = Parse(doc.dump(), Ctx(&resolver));
    ASSERT_EQ(out.exposures.size(), 1u);
    EXPECT_EQ(out.exposures[0].asset_zone, "Zone3_Enterprise");
    EXPECT_EQ(out.exposures[0].zone_source, ZoneSource::kRule);
  }
}

// =============================================================================================
// Detection: the seed's shape is untouched.

TEST(SnykNative, SeedShapeStillGoesToTheSeedParser) {
  const json seed = json::array({{{"id", "SNYK-PYTHON-TORCH-6649934"}, {"packageName", "torch"},
                                  {"version", "2.1.0"}, {"severity", "HIGH"}}});
  const ParsedBatch out = Parse(seed.dump());
  EXPECT_TRUE(out.errors.empty()) << Errors(out);
  ASSERT_EQ(out.exposures.size(), 1u);
  EXPECT_EQ(out.exposures[0].title, "Snyk: SNYK-PYTHON-TORCH-6649934 in torch@2.1.0");  // the seed's
  EXPECT_EQ(out.exposures[0].remediation_guidance, "Upgrade torch");
  const json payload = {{"source_tool", "snyk"}, {"findings", seed}};
  EXPECT_EQ(Keys(Parse(payload.dump())), std::vector<std::string>{"de57ce57248c7bae"});
  const ParsedBatch single = Parse(seed[0].dump());
  ASSERT_EQ(single.exposures.size(), 1u);
  EXPECT_EQ(single.exposures[0].exposure_key, "de57ce57248c7bae");
}

// =============================================================================================
// Bad input

TEST(SnykNative, TruncatedProjectKeepsTheCompleteVulnerabilities) {
  const std::string doc = Sample("snyk/single_project_many_vulns.json.gz");
  // Cut inside vulnerabilities[10] (SNYK-JAVA-COMTHOUGHTWORKSXSTREAM-1051967).
  const size_t cut = doc.find("SNYK-JAVA-COMTHOUGHTWORKSXSTREAM-1051967");
  ASSERT_NE(cut, std::string::npos);
  const ParsedBatch out = Parse(std::string_view(doc).substr(0, cut));
  EXPECT_EQ(out.exposures.size(), 10u);
  EXPECT_NE(ByKey(out, "e1cc4290bdeed4fc"), nullptr);  // vulnerabilities[0]
  ASSERT_EQ(out.errors.size(), 2u) << Errors(out);
  EXPECT_EQ(out.errors[0].record_index, -1);
  EXPECT_TRUE(Contains(out.errors[0].reason, "malformed JSON")) << out.errors[0].reason;
  EXPECT_TRUE(Contains(out.errors[0].reason, "line")) << out.errors[0].reason;
  EXPECT_EQ(out.errors[1].record_index, 10);
  EXPECT_EQ(out.errors[1].field, "vulnerabilities[10]");
  EXPECT_TRUE(Contains(out.errors[1].reason, "incomplete"));
  EXPECT_EQ(out.received, 11u);
}

TEST(SnykNative, TruncatedSarifAndApiKeepTheCompleteRecords) {
  {
    const std::string doc = Sample("snyk_code/snykcode_issue_9270.json.gz");
    const size_t cut = doc.find("aac46065ef2da0fd582140907a91ceb700478885678eb2514bd6be88f423f1a6");  // result 21
    ASSERT_NE(cut, std::string::npos);
    const ParsedBatch out = Parse(std::string_view(doc).substr(0, cut));
    EXPECT_EQ(out.exposures.size(), 21u);
    ASSERT_EQ(out.errors.size(), 2u) << Errors(out);
    EXPECT_EQ(out.errors[1].record_index, 21);
    EXPECT_EQ(out.errors[1].field, "runs[0].results[21]");
  }
  {
    const std::string doc = Sample("snyk_issue_api/snyk_sca_scan_api_many_vuln.json");
    const size_t cut = doc.find("SNYK-PYTHON-SETUPTOOLS-7448482");  // data[3]
    ASSERT_NE(cut, std::string::npos);
    const ParsedBatch out = Parse(std::string_view(doc).substr(0, cut));
    // data[0..2]: pillow 6219984, 5918878 and 6182918.
    EXPECT_EQ(Keys(out), (std::vector<std::string>{"551087fa1522dd8a", "7c0d22e2f1838115", "6c4cb79e422f168c"}));
    ASSERT_EQ(out.errors.size(), 2u) << Errors(out);
    EXPECT_EQ(out.errors[1].record_index, 3);
    EXPECT_EQ(out.errors[1].field, "data[3]");
  }
  {
    // Every prefix of a sample parses without crashing and never yields an exposure that the
    // whole document does not have.
    const std::string doc = Sample("snyk/snykcontainer_issue_epss.json");
    const auto all = Keys(Parse(doc));
    const std::set<std::string> known(all.begin(), all.end());
    for (size_t cut = 0; cut < doc.size(); cut += 997) {
      const ParsedBatch out = Parse(std::string_view(doc).substr(0, cut));
      for (const auto& e : out.exposures) EXPECT_TRUE(known.count(e.exposure_key)) << cut;
      EXPECT_FALSE(out.errors.empty()) << cut;
    }
  }
}

TEST(SnykNative, WrongTypesRejectTheRecordAndNameTheField) {
  struct Case {
    std::string field;
    json value;
    std::string error_field;
  };
  const std::vector<Case> cases = {
      {"packageName", 5, "vulnerabilities[0].packageName"},
      {"id", json::array({"x"}), "vulnerabilities[0].id"},
      {"id", "", "vulnerabilities[0].id"},
      {"severity", 5, "vulnerabilities[0].severity"},
      {"identifiers", "CVE-1", "vulnerabilities[0].identifiers"},
      {"references", json::array({5}), "vulnerabilities[0].references[0]"},
      {"fixedIn", json::object(), "vulnerabilities[0].fixedIn"},
      {"fixedIn", json::array({"1.0", 2}), "vulnerabilities[0].fixedIn[1]"},
      {"upgradePath", json::array({false, 3}), "vulnerabilities[0].upgradePath[1]"},
      {"cvssScore", "high", "vulnerabilities[0].cvssScore"},
      {"cvssScore", 11, "vulnerabilities[0].cvssScore"},
      {"from", 7, "vulnerabilities[0].from"},
      {"isPatchable", "yes", "vulnerabilities[0].isPatchable"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.field + "=" + c.value.dump());
    json doc = json::parse(Sample("snyk/single_project_one_vuln.json"));
    json good = doc["vulnerabilities"][0];
    good["id"] = "SNYK-GOOD-1";
    doc["vulnerabilities"][0][c.field] = c.value;
    doc["vulnerabilities"].push_back(good);
    const ParsedBatch out = Parse(doc.dump());
    EXPECT_EQ(out.received, 2u);
    ASSERT_EQ(out.exposures.size(), 1u);
    EXPECT_EQ(out.exposures[0].title,
              "Snyk: XML External Entity (XXE) Injection in org.apache.santuario:xmlsec@2.1.1 (SNYK-GOOD-1)");
    ASSERT_EQ(out.errors.size(), 1u) << Errors(out);
    EXPECT_EQ(out.errors[0].record_index, 0);
    EXPECT_EQ(out.errors[0].field, c.error_field);
  }
}

TEST(SnykNative, WrongTypesInOtherFormats) {
  {
    json doc = json::parse(Sample("snyk_issue_api/snyk_sca_scan_api_many_vuln.json"));
    doc["data"][0].erase("attributes");
    doc["data"][1]["type"] = "project";
    doc["data"][2]["attributes"]["coordinates"][0]["representations"][0]["dependency"]["package_name"] = 7;
    doc["data"][3] = "issue";
    const ParsedBatch out = Parse(doc.dump());
    EXPECT_EQ(out.received, 5u);
    ASSERT_EQ(out.exposures.size(), 1u);
    EXPECT_EQ(out.exposures[0].exposure_key, "d55b2d9512f7b83e");  // data[4] survives
    ASSERT_EQ(out.errors.size(), 4u) << Errors(out);
    EXPECT_EQ(out.errors[0].field, "data[0].attributes");
    EXPECT_EQ(out.errors[1].field, "data[1].type");
    EXPECT_EQ(out.errors[2].field,
              "data[2].attributes.coordinates[0].representations[0].dependency.package_name");
    EXPECT_EQ(out.errors[3].record_index, 3);
    EXPECT_EQ(out.errors[3].field, "data[3]");
  }
  {
    json doc = json::parse(Sample("snyk_code/snykcode_issue_9270.json.gz"));
    auto& results = doc["runs"][0]["results"];
    results[0]["level"] = "severe";
    results[1]["ruleId"] = 5;
    results[1].erase("ruleIndex");
    results[2]["locations"] = "here";
    results[3] = nullptr;
    const ParsedBatch out = Parse(doc.dump());
    EXPECT_EQ(out.received, 39u);
    EXPECT_EQ(out.exposures.size(), 34u);
    ASSERT_EQ(out.errors.size(), 4u) << Errors(out);
    EXPECT_EQ(out.errors[0].field, "runs[0].results[0].level");
    EXPECT_EQ(out.errors[1].field, "runs[0].results[1].ruleId");
    EXPECT_EQ(out.errors[2].field, "runs[0].results[2].locations");
    EXPECT_EQ(out.errors[3].record_index, 3);
  }
  {
    json body = WebhookBody();
    body["newIssues"][0]["pkgName"] = json::array();
    body["newIssues"][1]["issueData"]["severity"] = 3;
    body["removedIssues"][0].erase("pkgName");
    const ParsedBatch out = Parse(body.dump());
    EXPECT_TRUE(out.exposures.empty());
    EXPECT_TRUE(out.no_longer_seen.empty());
    ASSERT_EQ(out.errors.size(), 3u) << Errors(out);
    EXPECT_EQ(out.errors[0].field, "newIssues[0].pkgName");
    EXPECT_EQ(out.errors[1].field, "newIssues[1].issueData.severity");
    EXPECT_EQ(out.errors[2].field, "removedIssues[0].pkgName");
    EXPECT_EQ(out.errors[2].record_index, 2);
  }
}

TEST(SnykNative, DocumentLevelProblems) {
  struct Case {
    std::string document;
    std::string field;
  };
  const std::vector<Case> cases = {
      // `snyk test` failing, as the CLI prints it.
      {R"({"ok": false, "error": "Could not detect supported target files in /src", "path": "/src"})", "error"},
      {R"({"ok": false, "projectName": "x", "vulnerabilities": "none"})", "vulnerabilities"},
      {R"({"ok": false, "projectName": "x", "vulnerabilities": [], "applications": 5})", "applications"},
      {R"([{"ok": true, "projectName": "x", "vulnerabilities": []}, 5])", "[1]"},
      {R"({"jsonapi": {"version": "1.0"}, "data": 5})", "data"},
      {R"({"runs": 5, "version": "2.1.0"})", "runs"},
      {R"({"runs": [{"tool": {"driver": {"name": "Grype"}}, "results": [{"ruleId": "x"}]}]})",
       "runs[0].tool.driver.name"},
      {R"({"newIssues": {}, "project": {"name": "x"}})", "newIssues"},
      {R"({"infrastructureAsCodeIssues": [], "ok": true})", "infrastructureAsCodeIssues"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.document);
    const ParsedBatch out = Parse(c.document);
    EXPECT_TRUE(out.exposures.empty());
    ASSERT_FALSE(out.errors.empty());
    EXPECT_EQ(out.errors[0].record_index, -1);
    EXPECT_EQ(out.errors[0].field, c.field) << Errors(out);
  }
}

TEST(SnykNative, OtherToolsSarifIsRefused) {
  const ParsedBatch out = Parse(Sample("sarif/grype-cxf-3.4.6.sarif"));
  EXPECT_TRUE(out.exposures.empty());
  ASSERT_EQ(out.errors.size(), 1u) << Errors(out);
  EXPECT_EQ(out.errors[0].field, "runs[0].tool.driver.name");
  EXPECT_TRUE(Contains(out.errors[0].reason, "Grype"));
  EXPECT_TRUE(Contains(out.errors[0].reason, "custom"));
  EXPECT_GT(out.received, 0u);
}

TEST(SnykNative, HostileDocumentsNeverCrash) {
  std::vector<std::string> docs = {
      "",
      "   ",
      "null",
      "42",
      "\"vulnerabilities\"",
      "{",
      "[",
      "{\"vulnerabilities\": [",
      "{\"vulnerabilities\": [{\"id\": \"SNYK-1\", \"packageName\": \"x\"},",
      "{\"vulnerabilities\": [{\"id\": \"SNYK-1\", \"packageName\": \"x\"}] garbage",
      "{\"data\": [{\"type\": \"issue\", \"attributes\": {\"coordinates\": [{\"representations\": [{}]}]}}]}",
      "{\"runs\": [{\"tool\": {\"driver\": {\"name\": \"SnykCode\", \"rules\": [5, {\"id\": 3}]}}, "
      "\"results\": [{\"ruleIndex\": 0}, {\"ruleIndex\": 1e300}, {\"ruleIndex\": -1}, {\"ruleId\": \"a\", "
      "\"fingerprints\": {\"0\": 5}}]}]}",
      "{\"newIssues\": [null, 5, {}], \"removedIssues\": [[], {\"id\": 5}]}",
      std::string("{\"vulnerabilities\": [{\"id\": \"\xff\xfe\", \"packageName\": \"x\"}]}"),
      std::string("{\"vulnerabilities\": [{\"id\": \"a\0b\", \"packageName\": \"x\"}]}", 52),
      std::string("{\"ctem-cut-off\": true, \"vulnerabilities\": []}"),
  };
  docs.push_back(std::string(100000, '['));
  docs.push_back("{\"vulnerabilities\": " + std::string(5000, '[') + std::string(5000, ']') + "}");
  std::string deep_objects;
  for (int i = 0; i < 3000; ++i) deep_objects += "{\"a\":";
  docs.push_back(deep_objects);
  for (const auto& d : docs) {
    SCOPED_TRACE(d.substr(0, 80));
    const ParsedBatch out = Parse(d);
    EXPECT_FALSE(out.errors.empty() && out.exposures.empty() && out.received > 0);
  }
}

}  // namespace
}  // namespace ctem::parsers
