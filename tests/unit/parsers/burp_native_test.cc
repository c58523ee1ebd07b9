// Native-format tests of the burp source (issue 5): every Burp file in shared/samples
// (burp/, burp_api/, burp_graphql/, burp_dastardly/) with counts and field values read from
// the files by hand, the merge rule, stable keys across re-parses and re-ingestion, and the
// hostile-input rules of issue 9 (XXE, billion laughs, external DTD, truncation, wrong types).
//
// Expected scores are worked out by hand: exploitability from severity x confidence
// (High+Certain/Firm high 0.9, High+Tentative medium 0.6, Low/Information low 0.3), every
// sample host falls in Zone3_Enterprise by the Wiz name rules (data_loss), so
// CONSEQUENCE_MATRIX gives high -> MEDIUM, medium -> LOW, low -> LOW, and the Wiz-style score
// round(exp * 0.3 * 10, 1) gives 2.7 / 1.8 / 0.9.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/exposure_key.h"
#include "core/model.h"
#include "core/time.h"
#include "core/zone_resolver.h"
#include "parsers/burp.h"
#include "parsers/burp_issue.h"
#include "parsers/parser.h"
#include "pipeline/ingest.h"
#include "store/store.h"
#include "support/temp_dir.h"
#include "support/fake_zone_resolver.h"

namespace ctem::parsers {
namespace {

using ctem::testing::FakeZoneResolver;

using namespace std::chrono_literals;

Timestamp Now() { return std::chrono::sys_days{2026y / std::chrono::November / 27} + 8h; }

ParseContext Ctx(const ZoneResolver* resolver = nullptr) {
  ParseContext ctx;
  ctx.now = Now();
  ctx.tenant_id = "acme";
  ctx.zone_resolver = resolver;
  return ctx;
}

std::string ReadSample(const std::string& relative) {
  std::ifstream in(std::string(CTEM_SAMPLES_DIR) + "/" + relative, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read sample " << relative;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ParsedBatch Parse(std::string_view document, const ParseContext& ctx = Ctx()) {
  const SourceParser* parser = FindParser("burp");
  EXPECT_NE(parser, nullptr);
  ParsedBatch out;
  if (parser != nullptr) parser->Parse(document, ctx, out);
  return out;
}

std::string Errors(const ParsedBatch& b) {
  std::string s;
  for (const auto& e : b.errors) s += "[" + std::to_string(e.record_index) + " " + e.field + "] " + e.reason + "\n";
  return s;
}

// The exposure at `url` with `title`; fails the test when there is not exactly one.
const Exposure& At(const ParsedBatch& b, std::string_view url, std::string_view title) {
  const Exposure* found = nullptr;
  int n = 0;
  for (const auto& e : b.exposures) {
    if (e.evidence_url == url && e.title == title) {
      found = &e;
      ++n;
    }
  }
  EXPECT_EQ(n, 1) << "exposures titled '" << title << "' at " << url;
  static const Exposure kNone;
  return found ? *found : kNone;
}

size_t CountTitled(const ParsedBatch& b, std::string_view title) {
  return static_cast<size_t>(
      std::count_if(b.exposures.begin(), b.exposures.end(), [&](const Exposure& e) { return e.title == title; }));
}

bool Has(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

using Strings = std::vector<std::string>;

// Fields every Burp exposure carries, whatever the format.
void ExpectCommon(const ParsedBatch& b) {
  std::set<std::string> keys;
  for (const auto& e : b.exposures) {
    SCOPED_TRACE(e.title + " @ " + e.evidence_url);
    EXPECT_EQ(e.source_tool, "Burp");
    EXPECT_EQ(e.asset_type, "WebApplication");
    EXPECT_EQ(e.tenant_id, "acme");
    EXPECT_EQ(e.ts, Now());
    ASSERT_TRUE(e.sla_deadline.has_value());
    EXPECT_EQ(*e.sla_deadline, Now() + SeveritySla(e.severity));
    EXPECT_EQ(e.status, ExposureStatus::kOpen);
    EXPECT_EQ(e.zone_source, ZoneSource::kStatic);
    EXPECT_EQ(e.exposure_key.size(), 16u);
    EXPECT_TRUE(keys.insert(e.exposure_key).second) << "duplicate key in one batch: " << e.exposure_key;
    EXPECT_TRUE(e.evidence_url.starts_with(e.asset_id)) << e.evidence_url;
  }
}

std::string Key(std::string_view identity, std::string_view asset) { return GenerateExposureKey("Burp", identity, asset); }

// ---------------------------------------------------------------------------------------------
// Registry and the mapping tables.

TEST(BurpParser, IsRegisteredAsBurp) {
  const SourceParser* p = FindParser("Burp");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->Name(), "burp");
  const auto names = SourceNames();
  EXPECT_NE(std::find(names.begin(), names.end(), "burp"), names.end());
}

TEST(BurpParser, SeverityTimesConfidenceGivesExploitability) {
  struct Case {
    std::string_view severity, confidence;
    Exploitability x;
  };
  const std::vector<Case> cases = {
      {"High", "Certain", Exploitability::kHigh},        {"High", "Firm", Exploitability::kHigh},
      {"High", "Tentative", Exploitability::kMedium},    {"High", "", Exploitability::kHigh},
      {"Medium", "Certain", Exploitability::kMedium},    {"Medium", "Firm", Exploitability::kMedium},
      {"Medium", "Tentative", Exploitability::kLow},     {"Medium", "", Exploitability::kMedium},
      {"Low", "Certain", Exploitability::kLow},          {"Low", "Firm", Exploitability::kLow},
      {"Low", "Tentative", Exploitability::kLow},        {"Information", "Certain", Exploitability::kLow},
      {"Information", "Firm", Exploitability::kLow},     {"Information", "Tentative", Exploitability::kLow},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(BurpExploitability(c.severity, c.confidence), c.x) << c.severity << "/" << c.confidence;
  }
}

TEST(BurpParser, CanonicalSeverityAndConfidenceSpellings) {
  EXPECT_EQ(CanonicalBurpSeverity("high"), "High");
  EXPECT_EQ(CanonicalBurpSeverity(" MEDIUM "), "Medium");
  EXPECT_EQ(CanonicalBurpSeverity("low"), "Low");
  EXPECT_EQ(CanonicalBurpSeverity("info"), "Information");
  EXPECT_EQ(CanonicalBurpSeverity("Info"), "Information");
  EXPECT_EQ(CanonicalBurpSeverity("Information"), "Information");
  EXPECT_EQ(CanonicalBurpSeverity("critical"), "");
  EXPECT_EQ(CanonicalBurpSeverity(""), "");
  EXPECT_EQ(CanonicalBurpConfidence("certain"), "Certain");
  EXPECT_EQ(CanonicalBurpConfidence("FIRM"), "Firm");
  EXPECT_EQ(CanonicalBurpConfidence("Tentative"), "Tentative");
  EXPECT_EQ(CanonicalBurpConfidence("sure"), "");
}

TEST(BurpParser, HtmlToText) {
  EXPECT_EQ(BurpHtmlToText("<p>One &amp; two</p><ul>\n<li>a &lt;b&gt;</li><li>c</li></ul>"),
            "One & two\n\n- a <b>\n- c");
  EXPECT_EQ(BurpHtmlToText("x<br>y<br/>z &#65;&#x42; &bogus; 1 < 2"), "x\ny\nz AB &bogus; 1 < 2");
  EXPECT_EQ(BurpHtmlToText("<a href=\"https://x\">link</a>   text"), "link text");
  EXPECT_EQ(BurpHtmlToText(""), "");
}

TEST(BurpParser, OriginNormalisation) {
  EXPECT_EQ(burp::NormaliseOrigin("https://ginandjuice.shop:443/catalog?x=1"), "https://ginandjuice.shop");
  EXPECT_EQ(burp::NormaliseOrigin("HTTP://BWA:80/"), "http://bwa");
  EXPECT_EQ(burp::NormaliseOrigin("http://bwa:8080"), "http://bwa:8080");
  EXPECT_EQ(burp::NormaliseOrigin("https://user:secret@Edge-01.plant/x"), "https://edge-01.plant");
  EXPECT_EQ(burp::NormaliseOrigin("https://"), "");
  EXPECT_EQ(burp::NormaliseOrigin(""), "");
  EXPECT_EQ(burp::HostName("https://edge-01.plant:8443"), "edge-01.plant");
  EXPECT_EQ(burp::HostName("https://[::1]:8443"), "[::1]");
}

TEST(BurpParser, TextExtraction) {
  EXPECT_EQ(burp::ExtractCweIds("<li><a href=\"https://cwe.mitre.org/data/definitions/524.html\">CWE-524: x</a>"
                                "</li> CWE-525 cwe-524"),
            (Strings{"CWE-524", "CWE-525"}));
  EXPECT_EQ(burp::ExtractCveIds("CVE-2020-7676 (x) cve-2019-10768 CVE-2020-7676 CVE-20-1 XCVE-2021-0001"),
            (Strings{"CVE-2020-7676", "CVE-2019-10768"}));
  EXPECT_EQ(burp::ExtractUrls("<a href=\"https://a.example/x?a=1&amp;b=2\">a</a> <a href='http://b.example'>b</a>"),
            (Strings{"https://a.example/x?a=1&b=2", "http://b.example"}));
  EXPECT_EQ(burp::ExtractUrls("- Web Security Academy (https://portswigger.net/web-security/xss).\nhttp://c.example,"),
            (Strings{"https://portswigger.net/web-security/xss", "http://c.example"}));
}

TEST(BurpParser, CleanTextIsBoundedValidUtf8) {
  EXPECT_EQ(burp::CleanText("a\r\nb\rc\x01" "d\x7f"), "a\nb\nc.d.");
  EXPECT_EQ(burp::CleanText("caf\xC3\xA9 \xFF\xC3 \xE2\x82\xAC"), "caf\xC3\xA9 ?? \xE2\x82\xAC");
  EXPECT_EQ(burp::CleanText("\xED\xA0\x80"), "???");  // an encoded surrogate is not UTF-8
  EXPECT_EQ(burp::CleanText("0123456789", 10), "0123456789");
  EXPECT_EQ(burp::CleanText("0123456789A", 10), "0123456...");
  EXPECT_EQ(burp::CleanText("\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC", 8), "\xE2\x82\xAC...");
}

TEST(BurpParser, Base64PrefixDecoding) {
  EXPECT_EQ(burp::DecodeBase64Prefix("R0VUIC8gSFRUUC8xLjE=").value_or("?"), "GET / HTTP/1.1");
  EXPECT_EQ(burp::DecodeBase64Prefix("R0VU\nIC8g\r\nSFRU UC8xLjE=").value_or("?"), "GET / HTTP/1.1");
  EXPECT_EQ(burp::DecodeBase64Prefix("").value_or("?"), "");
  EXPECT_FALSE(burp::DecodeBase64Prefix("R0VU*C8g").has_value());
  const std::string huge(1 << 20, 'A');
  EXPECT_EQ(burp::DecodeBase64Prefix(huge).value_or("").size(), burp::kMaxBase64Input / 4 * 3);
}

// ---------------------------------------------------------------------------------------------
// burp/one_finding_with_cwe.xml: 1 <issue>, type 7340288 "Cacheable HTTPS response",
// host https://example.com, path /test/v4/public/users/fake, Information / Certain, two CWE
// links (524, 525), a base64 request with an Authorization header, an empty response.

TEST(BurpXmlExport, OneFindingWithCwe) {
  const ParsedBatch b = Parse(ReadSample("burp/one_finding_with_cwe.xml"));
  EXPECT_TRUE(b.errors.empty()) << Errors(b);
  EXPECT_EQ(b.received, 1u);
  ASSERT_EQ(b.exposures.size(), 1u);
  ExpectCommon(b);
  const Exposure& e = b.exposures[0];
  EXPECT_EQ(e.title, "Cacheable HTTPS response");
  EXPECT_EQ(e.asset_id, "https://example.com");
  EXPECT_EQ(e.evidence_url, "https://example.com/test/v4/public/users/fake");
  EXPECT_EQ(e.original_severity, "Information/Certain");
  EXPECT_EQ(e.exploitability_score, 0.3);
  EXPECT_EQ(e.asset_zone, "Zone3_Enterprise");
  EXPECT_EQ(e.physical_consequence, Consequence::kDataLoss);
  EXPECT_EQ(e.severity, Severity::kLow);
  EXPECT_EQ(e.ctem_score, 0.9);
  EXPECT_EQ(e.cwe_ids, (Strings{"CWE-524", "CWE-525"}));
  EXPECT_TRUE(e.cve_ids.empty());
  EXPECT_EQ(e.exposure_key, Key("7340288:/test/v4/public/users/fake", "https://example.com"));
  EXPECT_TRUE(Has(e.description, "Some browsers, including Internet Explorer, cache content accessed via HTTPS"));
  EXPECT_TRUE(Has(e.description, "Location: /test/v4/public/users/fake"));
  // The request, decoded from base64: first line and headers, credentials redacted.
  EXPECT_TRUE(Has(e.description, "Request:\nGET /test/v4/public/users/fake HTTP/1.1\nHost: exemple.com"));
  EXPECT_TRUE(Has(e.description, "Authorization: [redacted]"));
  EXPECT_FALSE(Has(e.description, "eyJhbGci"));
  EXPECT_FALSE(Has(e.description, "Response:"));  // <response base64="true"></response>
  EXPECT_TRUE(Has(e.remediation_guidance, "Ideally, the web server should return the following HTTP headers"));
  EXPECT_TRUE(Has(e.remediation_guidance, "- Cache-control: no-store\n- Pragma: no-cache"));
  EXPECT_FALSE(Has(e.remediation_guidance, "<p>"));
}

// burp/one_finding.xml: 3 <issue> of type 1049088 "SQL injection" on http://bwa:
//   #0 /bodgeit/basket.jsp [b_id cookie]          High / Firm       (has remediationDetail)
//   #1 /bodgeit/login.jsp  [password parameter]   High / Tentative
//   #2 /bodgeit/login.jsp  [username parameter]   High / Tentative
// Identity is type + path on the host, so #1 and #2 merge: 2 exposures (DefectDojo, merging
// by type alone, makes 1).
TEST(BurpXmlExport, OneFindingMergesParametersOfOnePath) {
  const ParsedBatch b = Parse(ReadSample("burp/one_finding.xml"));
  EXPECT_TRUE(b.errors.empty()) << Errors(b);
  EXPECT_EQ(b.received, 3u);
  ASSERT_EQ(b.exposures.size(), 2u);
  ExpectCommon(b);

  const Exposure& basket = At(b, "http://bwa/bodgeit/basket.jsp", "SQL injection");
  EXPECT_EQ(basket.original_severity, "High/Firm");
  EXPECT_EQ(basket.exploitability_score, 0.9);
  EXPECT_EQ(basket.severity, Severity::kMedium);
  EXPECT_EQ(basket.ctem_score, 2.7);
  EXPECT_EQ(basket.exposure_key, Key("1049088:/bodgeit/basket.jsp", "http://bwa"));
  EXPECT_TRUE(Has(basket.description, "The database appears to be Microsoft SQL Server."));
  EXPECT_TRUE(Has(basket.description, "Location: /bodgeit/basket.jsp [b_id cookie]"));
  EXPECT_TRUE(Has(basket.description, "Request:\nPOST /bodgeit/basket.jsp HTTP/1.1"));
  EXPECT_TRUE(Has(basket.description, "Response: HTTP/1.1 500 Internal Server Error"));
  EXPECT_TRUE(basket.remediation_guidance.starts_with(
      "The application should handle errors gracefully and prevent SQL error messages"));
  EXPECT_TRUE(Has(basket.remediation_guidance, "use parameterized queries"));

  const Exposure& login = At(b, "http://bwa/bodgeit/login.jsp", "SQL injection");
  EXPECT_EQ(login.original_severity, "High/Tentative");
  EXPECT_EQ(login.exploitability_score, 0.6);
  EXPECT_EQ(login.severity, Severity::kLow);  // (medium, data_loss)
  EXPECT_EQ(login.ctem_score, 1.8);
  EXPECT_EQ(login.exposure_key, Key("1049088:/bodgeit/login.jsp", "http://bwa"));
  EXPECT_TRUE(Has(login.description, "Locations (2):\n- /bodgeit/login.jsp [password parameter]\n"
                                     "- /bodgeit/login.jsp [username parameter]"));
}

// burp/seven_findings.xml: 16 <issue> on http://bwa. Grouped by type + path:
//   5245344 Frameable response (potential Clickjacking): /bodgeit/, search.jsp, product.jsp -> 3
//   8389120 HTML does not specify charset: login, contact, search, basket, product, /bodgeit/ -> 6
//   2097920 Cross-site scripting (reflected): search.jsp                                     -> 1
//   1049088 SQL injection: basket.jsp; login.jsp x2 (username, password parameters)          -> 2
//   3145984 Cleartext submission of password: login.jsp                                      -> 1
//   5244928 Password field with autocomplete enabled: login.jsp                              -> 1
//   5244416 Cookie without HttpOnly flag set: /bodgeit/                                      -> 1
// = 15 exposures (only the two SQL injection parameters of login.jsp share a type and path).
TEST(BurpXmlExport, SevenFindingsGivesFifteenExposures) {
  const ParsedBatch b = Parse(ReadSample("burp/seven_findings.xml"));
  EXPECT_TRUE(b.errors.empty()) << Errors(b);
  EXPECT_EQ(b.received, 16u);
  ASSERT_EQ(b.exposures.size(), 15u);
  ExpectCommon(b);
  EXPECT_EQ(CountTitled(b, "Frameable response (potential Clickjacking)"), 3u);
  EXPECT_EQ(CountTitled(b, "HTML does not specify charset"), 6u);
  EXPECT_EQ(CountTitled(b, "Cross-site scripting (reflected)"), 1u);
  EXPECT_EQ(CountTitled(b, "SQL injection"), 2u);
  EXPECT_EQ(CountTitled(b, "Cleartext submission of password"), 1u);
  EXPECT_EQ(CountTitled(b, "Password field with autocomplete enabled"), 1u);
  EXPECT_EQ(CountTitled(b, "Cookie without HttpOnly flag set"), 1u);
  // Document order of first appearance.
  EXPECT_EQ(b.exposures.front().title, "Frameable response (potential Clickjacking)");
  EXPECT_EQ(b.exposures.front().evidence_url, "http://bwa/bodgeit/");

  const Exposure& xss = At(b, "http://bwa/bodgeit/search.jsp", "Cross-site scripting (reflected)");
  EXPECT_EQ(xss.original_severity, "High/Certain");
  EXPECT_EQ(xss.severity, Severity::kMedium);
  EXPECT_EQ(xss.ctem_score, 2.7);
  EXPECT_EQ(xss.exposure_key, Key("2097920:/bodgeit/search.jsp", "http://bwa"));
  EXPECT_TRUE(Has(xss.description, "Location: /bodgeit/search.jsp [q parameter]"));

  const Exposure& cookie = At(b, "http://bwa/bodgeit/", "Cookie without HttpOnly flag set");
  EXPECT_EQ(cookie.original_severity, "Low/Firm");
  EXPECT_EQ(cookie.severity, Severity::kLow);
  EXPECT_EQ(cookie.ctem_score, 0.9);
  EXPECT_TRUE(Has(cookie.description, "- JSESSIONID=AD00240A932835EDD60B3F7487A9D15D; Path=/"));
  EXPECT_TRUE(Has(cookie.remediation_guidance, "There is usually no good reason not to set the HttpOnly flag"));

  const Exposure& autocomplete = At(b, "http://bwa/bodgeit/login.jsp", "Password field with autocomplete enabled");
  EXPECT_EQ(autocomplete.original_severity, "Low/Certain");

  // The SQL injection issues are the ones of one_finding.xml: same identity, same keys.
  const ParsedBatch one = Parse(ReadSample("burp/one_finding.xml"));
  for (const auto& e : one.exposures) {
    EXPECT_EQ(At(b, e.evidence_url, "SQL injection").exposure_key, e.exposure_key) << e.evidence_url;
  }
}

// ---------------------------------------------------------------------------------------------
// burp_api/example.json: 5 issue_found events on https://whitespots.io, all info/certain:
//   18 TLS cookie without secure flag set  5243392 /build-ssdlc
//   19 Cookie without HttpOnly flag set    5244416 /build-ssdlc
//   22 Input returned in response          4197376 /page13910250.html/  [name of an arbitrarily ...]
//   26 Input returned in response          4197376 /page13910250.html/  [URL path folder 1]
//   78 Input returned in response          4197376 /cookie-policy
// -> 4 exposures (events 22 and 26 share type and path).
TEST(BurpRestApi, ExampleMergesOneTypeOnOnePath) {
  const ParsedBatch b = Parse(ReadSample("burp_api/example.json"));
  EXPECT_TRUE(b.errors.empty()) << Errors(b);
  EXPECT_EQ(b.received, 5u);
  ASSERT_EQ(b.exposures.size(), 4u);
  ExpectCommon(b);

  const Exposure& tls = At(b, "https://whitespots.io/build-ssdlc", "TLS cookie without secure flag set");
  EXPECT_EQ(tls.asset_id, "https://whitespots.io");
  EXPECT_EQ(tls.original_severity, "Information/Certain");
  EXPECT_EQ(tls.severity, Severity::kLow);
  EXPECT_EQ(tls.ctem_score, 0.9);
  EXPECT_EQ(tls.exposure_key, Key("5243392:/build-ssdlc", "https://whitespots.io"));
  EXPECT_TRUE(Has(tls.description, "does not have the secure flag set:\n\n- ipp_uid_tst"));
  EXPECT_TRUE(Has(tls.description, "Request:\nGET /build-ssdlc HTTP/1.1\nHost: whitespots.io"));
  EXPECT_TRUE(Has(tls.description, "Response: HTTP/1.1 307 Temporary Redirect"));

  const Exposure& reflected = At(b, "https://whitespots.io/page13910250.html/", "Input returned in response (reflected)");
  EXPECT_EQ(reflected.exposure_key, Key("4197376:/page13910250.html/", "https://whitespots.io"));
  EXPECT_TRUE(Has(reflected.description, "Locations (2):\n"
                                         "- /page13910250.html/ [name of an arbitrarily supplied URL parameter]\n"
                                         "- /page13910250.html/ [URL path folder 1]"));
  EXPECT_TRUE(Has(reflected.description, "GET /page13910250.html/?vs562htdgp=1 HTTP/1.1"));

  const Exposure& policy = At(b, "https://whitespots.io/cookie-policy", "Input returned in response (reflected)");
  EXPECT_TRUE(Has(policy.description, "The value of the URL path filename is copied into the application's response."));
  EXPECT_TRUE(Has(policy.description, "Location: /cookie-policy [URL path filename]"));
}

// burp_api/many_vulns.json: 25 issue_found events on https://juice-shop.herokuapp.com; no two
// share type and path (the CORS pairs are types 2098688 and 2098689 on nine paths) -> 25.
TEST(BurpRestApi, ManyVulnsKeepsEveryTypeAndPath) {
  const ParsedBatch b = Parse(ReadSample("burp_api/many_vulns.json"));
  EXPECT_TRUE(b.errors.empty()) << Errors(b);
  EXPECT_EQ(b.received, 25u);
  ASSERT_EQ(b.exposures.size(), 25u);
  ExpectCommon(b);
  EXPECT_EQ(CountTitled(b, "Cross-origin resource sharing"), 9u);
  EXPECT_EQ(CountTitled(b, "Cross-origin resource sharing: arbitrary origin trusted"), 9u);
  EXPECT_EQ(CountTitled(b, "Backup file"), 2u);

  const Exposure& hsts = At(b, "https://juice-shop.herokuapp.com/", "Strict transport security not enforced");
  EXPECT_EQ(hsts.original_severity, "Low/Certain");
  EXPECT_EQ(hsts.severity, Severity::kLow);
  EXPECT_EQ(hsts.exposure_key, Key("16777984:/", "https://juice-shop.herokuapp.com"));
  EXPECT_TRUE(Has(hsts.description, "This issue was found in multiple locations under the reported path."));

  // Evidence segments (Data + Highlight + Data) are concatenated before the first line is taken.
  const Exposure& backup = At(b, "https://juice-shop.herokuapp.com/ftp/coupons_2013.md.bak", "Backup file");
  EXPECT_EQ(backup.original_severity, "Information/Certain");
  EXPECT_TRUE(Has(backup.description, "Request:\nGET /ftp/coupons_2013.md.bak HTTP/1.1\n"));
  EXPECT_TRUE(Has(backup.description, "Cookie: [redacted]"));
  EXPECT_FALSE(Has(backup.description, "nSSmAqKTBh0g4hD8AAaT"));
  EXPECT_TRUE(Has(backup.description, "Response: HTTP/1.1 403 Forbidden"));

  const Exposure& cert = At(b, "https://juice-shop.herokuapp.com/", "TLS certificate");
  EXPECT_FALSE(Has(cert.description, "Request:"));  // no evidence in the event
  EXPECT_EQ(cert.exposure_key, Key("16777472:/", "https://juice-shop.herokuapp.com"));
}

// ---------------------------------------------------------------------------------------------
// burp_graphql/two_findings.json: 3 Issues on https://www.test.com, all severity high with no
// confidence (counts as Firm: high exploitability):
//   "Finding 1" /path, "Finding 2" /path2, "Finding 2" /path3.
// No type_index, so the name stands for the type; identity name + path keeps /path2 and
// /path3 apart -> 3 exposures (DefectDojo merges by name alone into 2).
TEST(BurpGraphQl, TwoFindingsSample) {
  const ParsedBatch b = Parse(ReadSample("burp_graphql/two_findings.json"));
  EXPECT_TRUE(b.errors.empty()) << Errors(b);
  EXPECT_EQ(b.received, 3u);
  ASSERT_EQ(b.exposures.size(), 3u);
  ExpectCommon(b);

  const Exposure& f1 = At(b, "https://www.test.com/path", "Finding 1");
  EXPECT_EQ(f1.original_severity, "High");
  EXPECT_EQ(f1.exploitability_score, 0.9);
  EXPECT_EQ(f1.severity, Severity::kMedium);
  EXPECT_EQ(f1.ctem_score, 2.7);
  EXPECT_EQ(f1.cwe_ids, (Strings{"CWE-79"}));
  EXPECT_EQ(f1.exposure_key, Key("Finding 1:/path", "https://www.test.com"));
  EXPECT_TRUE(f1.description.starts_with("description 1\n\nissue description 1\n\nLocation: /path"));
  EXPECT_TRUE(Has(f1.description, "Request:\nrequest data 1/request data 2/request data 3/"));
  EXPECT_TRUE(Has(f1.description, "Response: response data 1/response data 3/response data 4/"));
  EXPECT_EQ(f1.remediation_guidance, "remediation 1\n\nissue remediation 1");

  const Exposure& f2 = At(b, "https://www.test.com/path2", "Finding 2");
  const Exposure& f3 = At(b, "https://www.test.com/path3", "Finding 2");
  EXPECT_NE(f2.exposure_key, f3.exposure_key);
  EXPECT_TRUE(f3.description.starts_with("description 3\n\nissue description 2"));
  EXPECT_TRUE(Has(f3.description, "Request:\nnew request data 1/new request data 2/new request data 3/"));
  EXPECT_EQ(f2.remediation_guidance, "remediation 2\n\nremediation description 2");
}

// ---------------------------------------------------------------------------------------------
// burp_dastardly/many_findings.xml: 62 testcases, 4 with a <failure>:
//   Cross-site scripting (reflected)  /catalog            High / Certain
//   Cross-site scripting (reflected)  /catalog/subscribe  Info / Certain
//   Cross-site scripting (reflected)  /login              High / Certain
//   Vulnerable JavaScript dependency  /resources/js/angular_1-7-7.js  Low / Tentative
// all on Host https://ginandjuice.shop -> 4 exposures.
TEST(BurpDastardly, ManyFindingsSample) {
  const ParsedBatch b = Parse(ReadSample("burp_dastardly/many_findings.xml"));
  EXPECT_TRUE(b.errors.empty()) << Errors(b);
  EXPECT_EQ(b.received, 4u);
  ASSERT_EQ(b.exposures.size(), 4u);
  ExpectCommon(b);

  const Exposure& catalog = At(b, "https://ginandjuice.shop/catalog", "Cross-site scripting (reflected)");
  EXPECT_EQ(catalog.asset_id, "https://ginandjuice.shop");
  EXPECT_EQ(catalog.original_severity, "High/Certain");
  EXPECT_EQ(catalog.severity, Severity::kMedium);
  EXPECT_EQ(catalog.ctem_score, 2.7);
  EXPECT_EQ(catalog.exposure_key, Key("Cross-site scripting (reflected):/catalog", "https://ginandjuice.shop"));
  EXPECT_EQ(catalog.cwe_ids, (Strings{"CWE-79", "CWE-80", "CWE-116", "CWE-159"}));
  EXPECT_EQ(catalog.reference_urls,
            (Strings{"https://portswigger.net/web-security/cross-site-scripting",
                     "https://portswigger.net/web-security/cross-site-scripting/reflected",
                     "https://support.portswigger.net/customer/portal/articles/1965737-Methodology_XSS.html"}));
  EXPECT_TRUE(catalog.description.starts_with(
      "The value of the searchTerm request parameter is copied into a JavaScript string"));
  EXPECT_TRUE(Has(catalog.description, "Reflected cross-site scripting vulnerabilities arise when data is copied"));
  EXPECT_TRUE(Has(catalog.description,
                  "Request:\nGET /catalog?searchTerm=QvfSPO99978%5c'%3balert(1)%2f%2f115 HTTP/2\nHost: ginandjuice.shop"));
  EXPECT_TRUE(Has(catalog.description, "Cookie: [redacted]"));
  EXPECT_FALSE(Has(catalog.description, "m01R2FJYZ5xZhsAgCecobW9jKERpfDf5"));
  EXPECT_TRUE(Has(catalog.description, "Response: HTTP/2 200 OK"));
  EXPECT_FALSE(Has(catalog.description, "Reported by Dastardly"));
  EXPECT_TRUE(catalog.remediation_guidance.starts_with(
      "Echoing user-controllable data within a script context is inherently dangerous"));
  EXPECT_TRUE(Has(catalog.remediation_guidance, "two layers of defenses"));

  const Exposure& subscribe = At(b, "https://ginandjuice.shop/catalog/subscribe", "Cross-site scripting (reflected)");
  EXPECT_EQ(subscribe.original_severity, "Information/Certain");
  EXPECT_EQ(subscribe.severity, Severity::kLow);
  EXPECT_EQ(subscribe.ctem_score, 0.9);
  EXPECT_TRUE(Has(subscribe.description, "Request:\nPOST /catalog/subscribe HTTP/2"));

  const Exposure& login = At(b, "https://ginandjuice.shop/login", "Cross-site scripting (reflected)");
  EXPECT_EQ(login.original_severity, "High/Certain");

  const Exposure& angular =
      At(b, "https://ginandjuice.shop/resources/js/angular_1-7-7.js", "Vulnerable JavaScript dependency");
  EXPECT_EQ(angular.original_severity, "Low/Tentative");
  EXPECT_EQ(angular.severity, Severity::kLow);
  EXPECT_EQ(angular.ctem_score, 0.9);
  EXPECT_EQ(angular.cwe_ids, (Strings{"CWE-1104"}));
  EXPECT_EQ(angular.cve_ids, (Strings{"CVE-2020-7676", "CVE-2019-10768", "CVE-2023-26118", "CVE-2022-25869",
                                      "CVE-2022-25844", "CVE-2023-26116", "CVE-2023-26117"}));
  EXPECT_TRUE(Has(angular.remediation_guidance, "Develop a patch-management strategy"));
}

// ---------------------------------------------------------------------------------------------
// Every sample: the same keys on every parse, and re-ingesting a file changes no row count.

const std::vector<std::pair<std::string, size_t>>& AllSamples() {
  static const std::vector<std::pair<std::string, size_t>> samples = {
      {"burp/one_finding.xml", 2},        {"burp/one_finding_with_cwe.xml", 1}, {"burp/seven_findings.xml", 15},
      {"burp_api/example.json", 4},       {"burp_api/many_vulns.json", 25},     {"burp_graphql/two_findings.json", 3},
      {"burp_dastardly/many_findings.xml", 4}};
  return samples;
}

// burp_suite_dast/many_vulns.html: the DAST "Scan Remediation Report", presentation HTML that
// is not well-formed XML. Refused with one error that says what to export instead.
TEST(BurpSamples, HtmlReportIsRefusedWithWhatToExportInstead) {
  const ParsedBatch b = Parse(ReadSample("burp_suite_dast/many_vulns.html"));
  EXPECT_TRUE(b.exposures.empty());
  ASSERT_EQ(b.errors.size(), 1u);
  EXPECT_EQ(b.errors[0].record_index, -1);
  EXPECT_NE(b.errors[0].reason.find("Burp HTML report"), std::string::npos) << b.errors[0].reason;
  EXPECT_NE(b.errors[0].reason.find("XML"), std::string::npos);
}

TEST(BurpSamples, KeysAreStableAcrossParses) {
  for (const auto& [file, count] : AllSamples()) {
    SCOPED_TRACE(file);
    const std::string doc = ReadSample(file);
    const ParsedBatch first = Parse(doc);
    ParseContext later = Ctx();
    later.now = Now() + 24h * 7;  // a rescan a week later
    const ParsedBatch second = Parse(doc, later);
    ASSERT_EQ(first.exposures.size(), count);
    ASSERT_EQ(second.exposures.size(), count);
    for (size_t i = 0; i < count; ++i) {
      EXPECT_EQ(first.exposures[i].exposure_key, second.exposures[i].exposure_key);
      EXPECT_EQ(first.exposures[i].description, second.exposures[i].description);
    }
  }
}

TEST(BurpSamples, ReingestingChangesNoRowCount) {
  ctem::testing::TempDir dir;
  auto opened = store::OpenStore("sqlite:" + dir.File("burp.db"));
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  store::Store& st = **opened;
  ASSERT_TRUE(st.Migrate().has_value());
  const SourceParser* parser = FindParser("burp");
  ASSERT_NE(parser, nullptr);
  size_t total = 0;
  for (const auto& [file, count] : AllSamples()) {
    SCOPED_TRACE(file);
    const std::string doc = ReadSample(file);
    const auto s1 = pipeline::IngestDocument(st, *parser, doc, file, Ctx());
    EXPECT_EQ(s1.rejected, 0u);
    // seven_findings repeats the two SQL injection exposures of one_finding (same keys).
    const size_t fresh = file == "burp/seven_findings.xml" ? count - 2 : count;
    EXPECT_EQ(s1.inserted, fresh);
    EXPECT_EQ(s1.inserted + s1.updated, count);
    total += fresh;
    ParseContext later = Ctx();
    later.now = Now() + 1h;
    const auto s2 = pipeline::IngestDocument(st, *parser, doc, file, later);
    EXPECT_EQ(s2.inserted, 0u);
    EXPECT_EQ(s2.updated, count);
    auto rows = st.CountExposures("acme");
    ASSERT_TRUE(rows.has_value());
    EXPECT_EQ(*rows, total);
  }
  // What a triage meeting reads survives the store.
  auto stored = st.GetExposure("acme", Key("7340288:/test/v4/public/users/fake", "https://example.com"));
  ASSERT_TRUE(stored.has_value());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->exposure.cwe_ids, (Strings{"CWE-524", "CWE-525"}));
  EXPECT_EQ((*stored)->exposure.original_severity, "Information/Certain");
}

// ---------------------------------------------------------------------------------------------
// Zones: the host name rules, and the resolver's placement wins (zone-driven source).

std::string ExportXml(std::string_view host, std::string_view severity = "High",
                      std::string_view confidence = "Certain") {
  return "<?xml version=\"1.0\"?>\n<issues burpVersion=\"2024.1\"><issue><serialNumber>1</serialNumber>"
         "<type>1049088</type><name>SQL injection</name><host ip=\"10.0.0.1\">" +
         std::string(host) +
         "</host><path>/api</path><location>/api [id parameter]</location><severity>" + std::string(severity) +
         "</severity><confidence>" + std::string(confidence) + "</confidence></issue></issues>";
}

TEST(BurpParser, ZoneFromHostName) {
  struct Case {
    std::string_view host, zone;
    Consequence consequence;
    Severity severity;
    double score;
  };
  const std::vector<Case> cases = {
      {"https://orbital-edge-gw-01.plant", "Zone1_EdgeInference", Consequence::kEquipment, Severity::kCritical, 7.2},
      {"https://orbital-inference.local:8443", "Zone1_EdgeInference", Consequence::kEquipment, Severity::kCritical, 7.2},
      {"http://ot-historian", "Zone1_EdgeInference", Consequence::kEquipment, Severity::kCritical, 7.2},
      {"https://public-demo.example.com", "Zone4_External", Consequence::kDataLoss, Severity::kMedium, 2.7},
      {"https://mlflow.corp", "Zone3_Enterprise", Consequence::kDataLoss, Severity::kMedium, 2.7},
      {"https://intranet.corp", "Zone3_Enterprise", Consequence::kDataLoss, Severity::kMedium, 2.7},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.host));
    const ParsedBatch b = Parse(ExportXml(c.host));
    ASSERT_EQ(b.exposures.size(), 1u) << Errors(b);
    const Exposure& e = b.exposures[0];
    EXPECT_EQ(e.asset_zone, c.zone);
    EXPECT_EQ(e.physical_consequence, c.consequence);
    EXPECT_EQ(e.severity, c.severity);
    EXPECT_EQ(e.ctem_score, c.score);
  }
  // The path of a URL plays no part in the zone: only the host name does.
  const ParsedBatch b = Parse(ExportXml("https://intranet.corp/edge/"));
  ASSERT_EQ(b.exposures.size(), 1u);
  EXPECT_EQ(b.exposures[0].asset_zone, "Zone3_Enterprise");
  EXPECT_EQ(b.exposures[0].asset_id, "https://intranet.corp");
}

TEST(BurpParser, ResolverPlacementWins) {
  FakeZoneResolver resolver;
  resolver.Place("https://intranet.corp", "Zone0_PhysicalProcess", Consequence::kSafetyLife, ZoneSource::kFile);
  resolver.Place("https://orbital-edge-gw-01.plant", "Zone4_External", Consequence::kDataLoss, ZoneSource::kFile);
  ParsedBatch b = Parse(ExportXml("https://intranet.corp"), Ctx(&resolver));
  ASSERT_EQ(b.exposures.size(), 1u);
  EXPECT_EQ(b.exposures[0].asset_zone, "Zone0_PhysicalProcess");
  EXPECT_EQ(b.exposures[0].physical_consequence, Consequence::kSafetyLife);
  EXPECT_EQ(b.exposures[0].severity, Severity::kCritical);
  EXPECT_EQ(b.exposures[0].ctem_score, 9.0);
  EXPECT_EQ(b.exposures[0].zone_source, ZoneSource::kFile);
  // Zone-driven: a less severe placement also wins over the name rule.
  b = Parse(ExportXml("https://orbital-edge-gw-01.plant", "Medium", "Tentative"), Ctx(&resolver));
  ASSERT_EQ(b.exposures.size(), 1u);
  EXPECT_EQ(b.exposures[0].asset_zone, "Zone4_External");
  EXPECT_EQ(b.exposures[0].severity, Severity::kLow);
  EXPECT_EQ(b.exposures[0].ctem_score, 0.9);
}

TEST(BurpParser, MergedGroupTakesItsMostExploitableIssue) {
  const std::string doc =
      "<issues>"
      "<issue><type>5</type><name>Open redirect</name><host>https://app.corp</host><path>/go</path>"
      "<location>/go [a]</location><severity>Low</severity><confidence>Certain</confidence></issue>"
      "<issue><type>5</type><name>Open redirect</name><host>https://APP.corp:443</host><path>/go</path>"
      "<location>/go [b]</location><severity>High</severity><confidence>Firm</confidence>"
      "<references><![CDATA[<a href=\"https://ref.example/1\">r</a>]]></references>"
      "<vulnerabilityClassifications><![CDATA[CWE-601]]></vulnerabilityClassifications></issue>"
      "<issue><type>5</type><name>Open redirect</name><host>https://app.corp</host><path>/other</path>"
      "<severity>Medium</severity><confidence>Firm</confidence></issue>"
      "</issues>";
  const ParsedBatch b = Parse(doc);
  EXPECT_TRUE(b.errors.empty()) << Errors(b);
  EXPECT_EQ(b.received, 3u);
  ASSERT_EQ(b.exposures.size(), 2u);
  const Exposure& go = b.exposures[0];
  EXPECT_EQ(go.original_severity, "High/Firm");
  EXPECT_EQ(go.severity, Severity::kMedium);
  EXPECT_EQ(go.asset_id, "https://app.corp");
  EXPECT_EQ(go.cwe_ids, (Strings{"CWE-601"}));
  EXPECT_EQ(go.reference_urls, (Strings{"https://ref.example/1"}));
  EXPECT_TRUE(Has(go.description, "Locations (2):\n- /go [a]\n- /go [b]"));
  EXPECT_EQ(b.exposures[1].evidence_url, "https://app.corp/other");
  EXPECT_TRUE(Has(b.exposures[1].description, "Location: /other"));
}

// ---------------------------------------------------------------------------------------------
// Hostile XML (issue 9): XXE and entity expansion are refused whole, nothing is fetched.

void ExpectRefused(const ParsedBatch& b, std::string_view why) {
  EXPECT_TRUE(b.exposures.empty());
  ASSERT_EQ(b.errors.size(), 1u) << Errors(b);
  EXPECT_EQ(b.errors[0].record_index, -1);
  EXPECT_TRUE(Has(b.errors[0].reason, "refused")) << b.errors[0].reason;
  EXPECT_TRUE(Has(b.errors[0].reason, why)) << b.errors[0].reason;
}

TEST(BurpHostileXml, ExternalEntityIsRefused) {
  const std::string xxe =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE issues [\n  <!ELEMENT issues (issue*)>\n"
      "  <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n"
      "<issues burpVersion=\"2023.1\"><issue><serialNumber>1</serialNumber><type>1049088</type>"
      "<name>&xxe;</name><host ip=\"10.0.0.1\">https://app.example</host><path>/a</path><location>/a</location>"
      "<severity>High</severity><confidence>Certain</confidence></issue></issues>";
  const ParsedBatch b = Parse(xxe);
  ExpectRefused(b, "<!ENTITY");
  EXPECT_FALSE(Has(Errors(b), "root:"));
}

TEST(BurpHostileXml, BillionLaughsIsRefused) {
  std::string doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n";
  std::string prev = "lol";
  for (int i = 1; i <= 9; ++i) {
    const std::string name = "lol" + std::to_string(i);
    doc += " <!ENTITY " + name + " \"";
    for (int k = 0; k < 10; ++k) doc += "&" + prev + ";";
    doc += "\">\n";
    prev = name;
  }
  doc += "]>\n<issues><issue><type>1</type><name>&lol9;</name><host>https://x.example</host><path>/</path>"
         "<severity>High</severity><confidence>Certain</confidence></issue></issues>";
  ExpectRefused(Parse(doc), "entity-expansion");
}

TEST(BurpHostileXml, ParameterEntityAndExternalDtdAreRefused) {
  ExpectRefused(Parse("<?xml version=\"1.0\"?><!DOCTYPE issues [<!ENTITY % remote SYSTEM "
                      "\"http://127.0.0.1:1/evil.dtd\"> %remote;]><issues/>"),
                "<!ENTITY");
  ExpectRefused(Parse("<?xml version=\"1.0\"?><!DOCTYPE issues SYSTEM \"http://127.0.0.1:1/evil.dtd\"><issues/>"),
                "external DTD");
  ExpectRefused(Parse("<!DOCTYPE issues PUBLIC \"-//X//Y\" \"http://127.0.0.1:1/x.dtd\"><issues/>"), "external DTD");
}

// Everything a parse produced, as one string: nothing of a hostile document's targets may
// surface in any field or error.
std::string EverythingIn(const ParsedBatch& b) {
  std::string all = Errors(b);
  for (const auto& e : b.exposures) {
    for (const std::string* f : {&e.title, &e.description, &e.asset_id, &e.evidence_url, &e.remediation_guidance}) {
      all += *f + "\n";
    }
  }
  return all;
}

// The issue's own payload, in an issue field of both XML formats: refused before any issue is
// read, and nothing of /etc/passwd appears anywhere.
TEST(BurpHostileXml, XxeInAnIssueFieldIsRefusedAndNothingIsRead) {
  const std::string dtd = "<!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>";
  const std::string export_xml =
      "<?xml version=\"1.0\"?>" + dtd +
      "<issues><issue><type>1</type><name>SQL &xxe; injection</name><host>https://app.example</host>"
      "<path>/a</path><issueDetail>&xxe;</issueDetail><severity>High</severity><confidence>Certain</confidence>"
      "</issue></issues>";
  const std::string dastardly_xml =
      dtd + "<testsuites><testsuite name=\"s\"><testcase name=\"t\"><failure message=\"m\">&xxe;</failure>"
            "</testcase></testsuite></testsuites>";
  std::string passwd_first_line;
  std::getline(std::ifstream("/etc/passwd"), passwd_first_line);
  for (const std::string& doc : {export_xml, dastardly_xml}) {
    const ParsedBatch b = Parse(doc);
    ExpectRefused(b, "<!ENTITY");
    const std::string all = EverythingIn(b);
    EXPECT_FALSE(Has(all, "root:")) << all;
    if (!passwd_first_line.empty()) {
      EXPECT_FALSE(Has(all, passwd_first_line)) << all;
    }
  }
}

// Twenty levels of ten: 10^20 "lol"s if anything expanded them. Refused at once, with a short
// error and no exposure, in well under a second even on a sanitizer build.
TEST(BurpHostileXml, BillionLaughsIsRefusedFastAndBounded) {
  std::string doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE issues [\n <!ENTITY lol0 \"lol\">\n";
  for (int i = 1; i <= 20; ++i) {
    doc += " <!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) doc += "&lol" + std::to_string(i - 1) + ";";
    doc += "\">\n";
  }
  doc += "]>\n<issues><issue><type>1</type><name>&lol20;</name><host>https://x.example</host><path>/</path>"
         "<severity>High</severity><confidence>Certain</confidence></issue></issues>";
  const auto start = std::chrono::steady_clock::now();
  const ParsedBatch b = Parse(doc);
  const auto took = std::chrono::steady_clock::now() - start;
  ExpectRefused(b, "entity-expansion");
  EXPECT_LT(EverythingIn(b).size(), 1000u);
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(took).count(), 1000);
}

TEST(BurpHostileXml, UndeclaredEntityStaysLiteralText) {
  std::string doc = ExportXml("https://app.example");
  doc.replace(doc.find("SQL injection"), 13, "SQL &foo; injection");
  const ParsedBatch b = Parse(doc);
  ASSERT_EQ(b.exposures.size(), 1u) << Errors(b);
  EXPECT_EQ(b.exposures[0].title, "SQL &foo; injection");
}

// ---------------------------------------------------------------------------------------------
// Truncated and malformed documents.

// seven_findings.xml cut at byte 60000 stops inside the 8th <issue> (#7, the SQL injection
// username parameter): one document-level error with pugixml's offset; the 7 complete issues
// before it (#0-#6: 7 distinct type+path groups) are still returned.
TEST(BurpMalformed, TruncatedXmlKeepsCompleteIssues) {
  const std::string doc = ReadSample("burp/seven_findings.xml").substr(0, 60000);
  const ParsedBatch b = Parse(doc);
  ASSERT_EQ(b.errors.size(), 1u) << Errors(b);
  EXPECT_EQ(b.errors[0].record_index, -1);
  EXPECT_TRUE(Has(b.errors[0].reason, "malformed XML at byte offset ")) << b.errors[0].reason;
  EXPECT_TRUE(Has(b.errors[0].reason, "(line ")) << b.errors[0].reason;
  EXPECT_TRUE(Has(b.errors[0].reason, "7 complete issue(s) before that point were read")) << b.errors[0].reason;
  EXPECT_EQ(b.received, 8u);
  ASSERT_EQ(b.exposures.size(), 7u);
  EXPECT_EQ(b.exposures[6].title, "Cleartext submission of password");
  EXPECT_EQ(CountTitled(b, "SQL injection"), 1u);  // basket.jsp only
}

// Cut just before "</issues>": the last <issue> cannot be told complete from the partial tree,
// so it is conservatively left out (and reported through the document error).
TEST(BurpMalformed, TruncationAfterLastIssueDropsOnlyThatIssue) {
  std::string doc = ReadSample("burp/seven_findings.xml");
  doc.resize(doc.rfind("</issues>"));
  const ParsedBatch b = Parse(doc);
  ASSERT_EQ(b.errors.size(), 1u) << Errors(b);
  EXPECT_TRUE(Has(b.errors[0].reason, "15 complete issue(s)")) << b.errors[0].reason;
  EXPECT_EQ(b.received, 16u);
  EXPECT_EQ(b.exposures.size(), 14u);  // #15 (Frameable response on product.jsp) was its own group
}

TEST(BurpMalformed, MismatchedTagReportsOffset) {
  const ParsedBatch b = Parse("<issues>\n<issue><name>x</nam></issue>\n</issues>");
  ASSERT_EQ(b.errors.size(), 1u) << Errors(b);
  EXPECT_TRUE(Has(b.errors[0].reason, "(line 2, column")) << b.errors[0].reason;
  EXPECT_TRUE(b.exposures.empty());
}

TEST(BurpMalformed, UnknownDocuments) {
  for (std::string_view doc : {"", "   \n", "<html><body>report</body></html>", "<?xml version=\"1.0\"?>",
                               "{\"scan_metrics\": {}}", "42", "[1, \"x\"]", "not a report"}) {
    SCOPED_TRACE(std::string(doc));
    const ParsedBatch b = Parse(doc);
    EXPECT_TRUE(b.exposures.empty());
    EXPECT_FALSE(b.errors.empty());
  }
  EXPECT_TRUE(Has(Parse("<html/>").errors.at(0).reason, "Burp HTML report, which is not accepted"));
  EXPECT_TRUE(Has(Parse("<report/>").errors.at(0).reason, "not a Burp XML document: root element <report>"));
  EXPECT_TRUE(Has(Parse("{\"issue_events\": [{\"x\": ").errors.at(0).reason, "malformed JSON"));
  // A number out of double range is malformed for simdjson; it must not escape as an exception.
  const ParsedBatch overflow = Parse("{\"issue_events\": [], \"n\": 1e999}");
  ASSERT_EQ(overflow.errors.size(), 1u);
  EXPECT_TRUE(Has(overflow.errors[0].reason, "malformed JSON"));
}

// Record-level problems reject only their record, with its index and field.
TEST(BurpMalformed, BadXmlIssuesNameIndexAndField) {
  const std::string doc =
      "<issues>"
      "<issue><serialNumber>11</serialNumber><type>1</type><name>A</name><host>https://a.example</host>"
      "<path>/a</path><severity>Critical</severity><confidence>Certain</confidence></issue>"
      "<issue><serialNumber>12</serialNumber><type>2</type><name>B</name><path>/b</path>"
      "<severity>High</severity><confidence>Certain</confidence></issue>"
      "<issue><serialNumber>13</serialNumber><type>abc</type><name>C</name><host>https://a.example</host>"
      "<path>/c</path><severity>High</severity><confidence>Certain</confidence></issue>"
      "<issue><serialNumber>14</serialNumber><type>4</type><name>D</name><host>https://a.example</host>"
      "<path>/d</path><severity>High</severity><confidence>Sure</confidence></issue>"
      "<issue><serialNumber>15</serialNumber><type>5</type><name>E</name><host>https://a.example</host>"
      "<path>/e</path><severity>Medium</severity><confidence>Firm</confidence>"
      "<requestresponse><request base64=\"true\">!!not base64!!</request></requestresponse></issue>"
      "</issues>";
  const ParsedBatch b = Parse(doc);
  EXPECT_EQ(b.received, 5u);
  ASSERT_EQ(b.errors.size(), 4u) << Errors(b);
  EXPECT_EQ(b.errors[0].record_index, 0);
  EXPECT_EQ(b.errors[0].field, "severity");
  EXPECT_TRUE(Has(b.errors[0].reason, "unknown severity 'Critical'"));
  EXPECT_TRUE(Has(b.errors[0].reason, "serialNumber 11"));
  EXPECT_EQ(b.errors[1].record_index, 1);
  EXPECT_EQ(b.errors[1].field, "host");
  EXPECT_EQ(b.errors[2].record_index, 2);
  EXPECT_EQ(b.errors[2].field, "type");
  EXPECT_EQ(b.errors[3].record_index, 3);
  EXPECT_EQ(b.errors[3].field, "confidence");
  // Undecodable evidence does not cost the finding.
  ASSERT_EQ(b.exposures.size(), 1u);
  EXPECT_EQ(b.exposures[0].title, "E");
  EXPECT_TRUE(Has(b.exposures[0].description, "Evidence: request evidence is not valid base64"));
}

TEST(BurpMalformed, HugeEvidenceIsBounded) {
  const std::string request = "GET /big HTTP/1.1\r\nHost: a.example\r\nCookie: session=SECRET\r\n\r\n" +
                              std::string(2 << 20, 'x');
  static constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string b64;
  for (size_t i = 0; i < request.size(); i += 3) {
    const size_t n = std::min<size_t>(3, request.size() - i);
    uint32_t v = 0;
    for (size_t k = 0; k < 3; ++k) v = (v << 8) | (k < n ? static_cast<unsigned char>(request[i + k]) : 0u);
    for (size_t k = 0; k < 4; ++k) b64 += k <= n ? kB64[(v >> (18 - 6 * k)) & 63] : '=';
  }
  std::string doc = ExportXml("https://a.example");
  doc.insert(doc.find("</issue>"), "<requestresponse><request base64=\"true\">" + b64 +
                                       "</request><response base64=\"false\">HTTP/1.1 200 OK\n" +
                                       std::string(1 << 20, 'y') + "</response></requestresponse>");
  const ParsedBatch b = Parse(doc);
  ASSERT_EQ(b.exposures.size(), 1u) << Errors(b);
  const Exposure& e = b.exposures[0];
  EXPECT_TRUE(Has(e.description, "Request:\nGET /big HTTP/1.1\nHost: a.example\nCookie: [redacted]"));
  EXPECT_FALSE(Has(e.description, "SECRET"));
  EXPECT_TRUE(Has(e.description, "Response: HTTP/1.1 200 OK"));
  EXPECT_LT(e.description.size(), burp::kMaxRequestExcerpt + 1024);
}

// Inputs built to make naive scanning quadratic, and lists with no end: all bounded.
TEST(BurpMalformed, PathologicalTextIsBounded) {
  std::string tags, amps, urls, cwes;
  for (int i = 0; i < 100000; ++i) tags += "<a";
  amps.assign(200000, '&');
  for (int i = 0; i < 20000; ++i) urls += "https://r.example/" + std::to_string(i) + " http ";
  for (int i = 0; i < 20000; ++i) cwes += "CWE-" + std::to_string(i) + " CVE-2024-" + std::to_string(10000 + i) + " ";
  std::string doc = ExportXml("https://a.example");
  doc.insert(doc.find("</issue>"), "<issueBackground><![CDATA[" + tags + "]]></issueBackground><issueDetail><![CDATA[" +
                                       cwes + "]]></issueDetail><remediationBackground><![CDATA[" + amps +
                                       "]]></remediationBackground><references><![CDATA[" + urls +
                                       "]]></references><vulnerabilityClassifications>" + cwes +
                                       "</vulnerabilityClassifications>");
  const ParsedBatch b = Parse(doc);
  ASSERT_EQ(b.exposures.size(), 1u) << Errors(b);
  const Exposure& e = b.exposures[0];
  EXPECT_EQ(e.cwe_ids.size(), burp::kMaxIds);
  EXPECT_EQ(e.cve_ids.size(), burp::kMaxIds);
  EXPECT_EQ(e.reference_urls.size(), burp::kMaxIds);
  EXPECT_EQ(e.reference_urls.front(), "https://r.example/0");
  EXPECT_LE(e.description.size(), burp::kMaxDescription);
}

TEST(BurpMalformed, ControlCharactersAndBadUtf8AreCleaned) {
  std::string doc = ExportXml("https://a.example");
  doc.replace(doc.find("SQL injection"), 13, "SQL\x01inj\xFF" "ection");
  const ParsedBatch b = Parse(doc);
  ASSERT_EQ(b.exposures.size(), 1u) << Errors(b);
  EXPECT_EQ(b.exposures[0].title, "SQL.inj?ection");
  // An error message quoting the document's bytes stays valid UTF-8.
  const ParsedBatch bad_json = Parse("{\"issue_events\": [\"\xFF\x01");
  ASSERT_EQ(bad_json.errors.size(), 1u);
  EXPECT_EQ(bad_json.errors[0].reason.find('\xFF'), std::string::npos) << bad_json.errors[0].reason;
  EXPECT_EQ(bad_json.errors[0].reason.find('\x01'), std::string::npos) << bad_json.errors[0].reason;
}

TEST(BurpMalformed, DastardlyBadFailureNamesField) {
  const std::string doc =
      "<testsuites><testsuite name=\"https://a.example:443/x\">"
      "<testcase name=\"XSS\"><failure type=\"High\">Severity: Critical\nConfidence: Certain\n"
      "Host: https://a.example\nPath: /x\n</failure></testcase>"
      "<testcase name=\"No issues were identified\"/>"
      "<testcase name=\"Open redirect\"><failure type=\"Medium\">Confidence: Tentative\n</failure></testcase>"
      "</testsuite></testsuites>";
  const ParsedBatch b = Parse(doc);
  EXPECT_EQ(b.received, 2u);
  ASSERT_EQ(b.errors.size(), 1u) << Errors(b);
  EXPECT_EQ(b.errors[0].record_index, 0);
  EXPECT_EQ(b.errors[0].field, "failure.Severity");
  // No Host:/Path: lines and no Severity: line: the suite URL and the failure type stand in.
  ASSERT_EQ(b.exposures.size(), 1u);
  EXPECT_EQ(b.exposures[0].asset_id, "https://a.example");
  EXPECT_EQ(b.exposures[0].evidence_url, "https://a.example/x");
  EXPECT_EQ(b.exposures[0].original_severity, "Medium/Tentative");
  EXPECT_EQ(b.exposures[0].severity, Severity::kLow);
}

TEST(BurpMalformed, TruncatedDastardlyKeepsCompleteFailures) {
  const std::string full = ReadSample("burp_dastardly/many_findings.xml");
  const size_t cut = full.find("Vulnerable JavaScript dependency found at");
  ASSERT_NE(cut, std::string::npos);
  const ParsedBatch b = Parse(full.substr(0, cut));
  ASSERT_EQ(b.errors.size(), 1u) << Errors(b);
  EXPECT_EQ(b.errors[0].record_index, -1);
  EXPECT_TRUE(Has(b.errors[0].reason, "3 complete failure(s)")) << b.errors[0].reason;
  EXPECT_EQ(b.exposures.size(), 3u);
}

// ---------------------------------------------------------------------------------------------
// Wrong JSON types: each bad record is one error naming its index and field; the rest stay.

TEST(BurpMalformed, RestApiWrongTypes) {
  const std::string doc = R"({"issue_events": [
    {"id": "1", "type": "issue_found", "issue": {"name": 5, "origin": "https://a", "path": "/", "severity": "high"}},
    {"type": "issue_found", "issue": {"name": "ok", "type_index": "12", "origin": "https://a.example", "path": "/x",
                                      "severity": "High", "confidence": "Certain"}},
    {"type": "issue_found", "issue": {"name": "t", "type_index": [1], "origin": "https://a", "path": "/", "severity": "high"}},
    {"type": "issue_found", "issue": {"name": "t", "origin": "https://a", "path": "/", "severity": "critical"}},
    {"type": "issue_found", "issue": "x"},
    7,
    {"type": "issue_found", "issue": {"name": "t", "origin": "https://a", "path": ["/"], "severity": "low"}},
    {"type": "issue_found", "issue": {"name": "t", "origin": "https://a", "path": "/", "severity": "low",
                                      "confidence": "firm", "evidence": "not a list"}},
    {"type": "scan_progress"}
  ]})";
  const ParsedBatch b = Parse(doc);
  EXPECT_EQ(b.received, 8u);  // the scan_progress event is not an issue
  ASSERT_EQ(b.errors.size(), 6u) << Errors(b);
  const std::vector<std::pair<long, std::string>> expected = {
      {0, "issue.name"}, {2, "issue.type_index"}, {3, "issue.severity"}, {4, "issue"}, {5, ""}, {6, "issue.path"}};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(b.errors[i].record_index, expected[i].first) << i;
    EXPECT_EQ(b.errors[i].field, expected[i].second) << i;
  }
  EXPECT_TRUE(Has(b.errors[0].reason, "expected a string, got number"));
  ASSERT_EQ(b.exposures.size(), 2u);
  EXPECT_EQ(b.exposures[0].exposure_key, Key("12:/x", "https://a.example"));
  EXPECT_EQ(b.exposures[1].original_severity, "Low/Firm");

  const ParsedBatch not_array = Parse(R"({"issue_events": {"a": 1}})");
  ASSERT_EQ(not_array.errors.size(), 1u);
  EXPECT_EQ(not_array.errors[0].field, "issue_events");
  EXPECT_EQ(not_array.errors[0].record_index, -1);
}

TEST(BurpMalformed, GraphQlWrongTypes) {
  const std::string doc = R"({"Issues": [
    {"issue_type": "XSS", "origin": "https://a.example", "path": "/", "severity": "high"},
    {"origin": "https://a.example", "path": "/", "severity": "high"},
    {"issue_type": {"name": null}, "origin": "https://a.example", "path": "/", "severity": "high"},
    {"issue_type": {"name": "XSS", "description_html": 3}, "origin": "https://a.example", "path": "/", "severity": "high"},
    {"issue_type": {"name": "XSS", "type_index": 2097920}, "origin": 1, "path": "/", "severity": "high"},
    {"issue_type": {"name": "XSS", "type_index": 2097920}, "origin": "https://a.example", "path": "/q",
     "severity": "medium", "confidence": "tentative"},
    "x"
  ]})";
  const ParsedBatch b = Parse(doc);
  EXPECT_EQ(b.received, 7u);
  ASSERT_EQ(b.errors.size(), 6u) << Errors(b);
  const std::vector<std::pair<long, std::string>> expected = {{0, "issue_type"},
                                                              {1, "issue_type"},
                                                              {2, "issue_type.name"},
                                                              {3, "issue_type.description_html"},
                                                              {4, "origin"},
                                                              {6, ""}};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(b.errors[i].record_index, expected[i].first) << i;
    EXPECT_EQ(b.errors[i].field, expected[i].second) << i;
  }
  ASSERT_EQ(b.exposures.size(), 1u);
  EXPECT_EQ(b.exposures[0].original_severity, "Medium/Tentative");
  EXPECT_EQ(b.exposures[0].exposure_key, Key("2097920:/q", "https://a.example"));

  const ParsedBatch not_array = Parse(R"({"Issues": "none"})");
  ASSERT_EQ(not_array.errors.size(), 1u);
  EXPECT_EQ(not_array.errors[0].field, "Issues");
}

// ---------------------------------------------------------------------------------------------
// The gateway payload and bare arrays: issues in REST API or GraphQL shape.

TEST(BurpPayload, FindingsOfEitherJsonShape) {
  const std::string doc = R"({"source_tool": "burp", "findings": [
    {"name": "Robots.txt file", "type_index": 6292992, "origin": "https://juice-shop.herokuapp.com",
     "path": "/robots.txt", "severity": "info", "confidence": "certain"},
    {"type": "issue_found", "issue": {"name": "TLS certificate", "type_index": 16777472,
     "origin": "https://juice-shop.herokuapp.com", "path": "/", "severity": "info", "confidence": "certain"}},
    {"issue_type": {"name": "Finding 1"}, "origin": "https://www.test.com", "path": "/path", "severity": "high"},
    {"unrelated": true}
  ]})";
  const ParsedBatch b = Parse(doc);
  EXPECT_EQ(b.received, 4u);
  ASSERT_EQ(b.errors.size(), 1u) << Errors(b);
  EXPECT_EQ(b.errors[0].record_index, 3);
  EXPECT_TRUE(Has(b.errors[0].reason, "not a Burp issue"));
  ASSERT_EQ(b.exposures.size(), 3u);
  // The same issues as in the native documents give the same keys.
  const ParsedBatch api = Parse(ReadSample("burp_api/many_vulns.json"));
  EXPECT_EQ(b.exposures[0].exposure_key, At(api, "https://juice-shop.herokuapp.com/robots.txt", "Robots.txt file").exposure_key);
  EXPECT_EQ(b.exposures[1].exposure_key, At(api, "https://juice-shop.herokuapp.com/", "TLS certificate").exposure_key);
  const ParsedBatch gql = Parse(ReadSample("burp_graphql/two_findings.json"));
  EXPECT_EQ(b.exposures[2].exposure_key, At(gql, "https://www.test.com/path", "Finding 1").exposure_key);

  const ParsedBatch wrong = Parse(R"({"source_tool": "wiz", "findings": []})");
  ASSERT_EQ(wrong.errors.size(), 1u);
  EXPECT_EQ(wrong.errors[0].field, "source_tool");

  const ParsedBatch arr = Parse(R"([{"name": "X", "origin": "https://a.example", "path": "/", "severity": "medium"}])");
  ASSERT_EQ(arr.exposures.size(), 1u) << Errors(arr);
  EXPECT_EQ(arr.exposures[0].original_severity, "Medium");
}

TEST(BurpPayload, GraphQlResponseEnvelope) {
  const std::string doc = R"({"data": {"scan": {"issues": [
    {"issue_type": {"name": "SQL injection", "type_index": 1049088}, "origin": "https://a.example",
     "path": "/q", "severity": "high", "confidence": "firm"}]}}})";
  const ParsedBatch b = Parse(doc);
  ASSERT_EQ(b.exposures.size(), 1u) << Errors(b);
  EXPECT_EQ(b.exposures[0].exposure_key, Key("1049088:/q", "https://a.example"));
  EXPECT_EQ(b.exposures[0].original_severity, "High/Firm");
}

}  // namespace
}  // namespace ctem::parsers
