// The wire form of ctem.normalized: every record kind survives encode -> decode field for
// field, text that JSON must escape (and invalid UTF-8) included; records written by the
// earlier encoder (nlohmann::json, keys in sorted order) still decode; a bad record is a value
// naming its first bad field.
#include "pipeline/record_codec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace ctem::pipeline {
namespace {

Timestamp At(const char* text) {
  return ParseTimestamp(text).value();
}

const std::string kAwkward = "quote \" backslash \\ newline \n tab \t bell \x07 nul-free \x1f Zürich ☢ 日本";

Exposure FullExposure() {
  Exposure e;
  e.exposure_key = "0123456789abcdef";
  e.ts = At("2026-11-27T10:11:12.345Z");
  e.source_tool = "snyk";
  e.title = kAwkward;
  e.description = "line one\r\nline two";
  e.severity = Severity::kHigh;
  e.original_severity = "high";
  e.asset_id = "plc-7";
  e.asset_type = "plc";
  e.asset_zone = "ot_control";
  e.exploitability_score = 0.1 + 0.2;  // not representable exactly: must round-trip bit for bit
  e.physical_consequence = Consequence::kEquipment;
  e.ctem_score = 7.123456789012345;
  e.atlas_technique = "AML.T0051";
  e.attack_technique = "T1190";
  e.threat_model_ref = "TM-12";
  e.status = ExposureStatus::kInProgress;
  e.assigned_to = "ot-team";
  e.sla_deadline = At("2026-12-01T00:00:00Z");
  e.remediation_guidance = "upgrade";
  e.evidence_url = "https://example.test/e?a=1&b=2";
  e.tenant_id = "acme";
  e.zone_source = ZoneSource::kGraph;
  e.cve_ids = {"CVE-2024-3094", "CVE-2021-44228"};
  e.cwe_ids = {"CWE-79"};
  e.reference_urls = {"https://nvd.nist.gov/vuln/detail/CVE-2024-3094"};
  e.atlas_official_id = "AML.T0051.000";
  e.atlas_official_name = "LLM Prompt Injection: Direct";
  e.tool_status = ExposureStatus::kOpen;
  return e;
}

void ExpectSame(const Exposure& a, const Exposure& b) {
  EXPECT_EQ(a.exposure_key, b.exposure_key);
  EXPECT_EQ(a.ts, b.ts);
  EXPECT_EQ(a.source_tool, b.source_tool);
  EXPECT_EQ(a.title, b.title);
  EXPECT_EQ(a.description, b.description);
  EXPECT_EQ(a.severity, b.severity);
  EXPECT_EQ(a.original_severity, b.original_severity);
  EXPECT_EQ(a.asset_id, b.asset_id);
  EXPECT_EQ(a.asset_type, b.asset_type);
  EXPECT_EQ(a.asset_zone, b.asset_zone);
  EXPECT_EQ(a.exploitability_score, b.exploitability_score);
  EXPECT_EQ(a.physical_consequence, b.physical_consequence);
  EXPECT_EQ(a.ctem_score, b.ctem_score);
  EXPECT_EQ(a.atlas_technique, b.atlas_technique);
  EXPECT_EQ(a.attack_technique, b.attack_technique);
  EXPECT_EQ(a.threat_model_ref, b.threat_model_ref);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.assigned_to, b.assigned_to);
  EXPECT_EQ(a.sla_deadline, b.sla_deadline);
  EXPECT_EQ(a.remediation_guidance, b.remediation_guidance);
  EXPECT_EQ(a.evidence_url, b.evidence_url);
  EXPECT_EQ(a.tenant_id, b.tenant_id);
  EXPECT_EQ(a.zone_source, b.zone_source);
  EXPECT_EQ(a.cve_ids, b.cve_ids);
  EXPECT_EQ(a.cwe_ids, b.cwe_ids);
  EXPECT_EQ(a.reference_urls, b.reference_urls);
  EXPECT_EQ(a.atlas_official_id, b.atlas_official_id);
  EXPECT_EQ(a.atlas_official_name, b.atlas_official_name);
  EXPECT_EQ(a.tool_status, b.tool_status);
}

TEST(RecordCodecTest, AnExposureSurvivesTheWireFieldForField) {
  const Exposure e = FullExposure();
  const std::string wire = EncodeRecord(e);
  EXPECT_TRUE(nlohmann::json::accept(wire)) << wire;
  auto back = DecodeRecord(wire);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  ASSERT_TRUE(std::holds_alternative<Exposure>(*back));
  ExpectSame(std::get<Exposure>(*back), e);

  Exposure bare = e;  // the optional fields absent
  bare.sla_deadline.reset();
  bare.tool_status.reset();
  bare.cve_ids.clear();
  auto bare_back = DecodeRecord(EncodeRecord(bare));
  ASSERT_TRUE(bare_back.has_value()) << bare_back.error().message;
  ExpectSame(std::get<Exposure>(*bare_back), bare);
}

TEST(RecordCodecTest, ValidationRemediationAndNoLongerSeenSurviveTheWire) {
  Validation v;
  v.validation_id = "val-1";
  v.exposure_id = "0123";
  v.campaign_id = "RT-2026-Q4";
  v.ts = At("2026-11-20T08:00:00Z");
  v.validation_type = "red_team";
  v.exploitable = true;
  v.exploit_complexity = "low";
  v.attack_path = kAwkward;
  v.physical_consequence_demonstrated = true;
  v.detection_evaded = true;
  v.detection_rules_tested = {"SIGMA-1", "SIGMA-2"};
  v.detection_gaps = {"no rule for \"prompt\" injection"};
  v.tester = "alice";
  v.evidence_url = "https://example.test/v";
  v.tenant_id = "acme";
  auto vb = DecodeRecord(EncodeRecord(v));
  ASSERT_TRUE(vb.has_value()) << vb.error().message;
  const auto& v2 = std::get<Validation>(*vb);
  EXPECT_EQ(v2.validation_id, v.validation_id);
  EXPECT_EQ(v2.campaign_id, v.campaign_id);
  EXPECT_EQ(v2.ts, v.ts);
  EXPECT_TRUE(v2.exploitable);
  EXPECT_EQ(v2.attack_path, v.attack_path);
  EXPECT_TRUE(v2.physical_consequence_demonstrated);
  EXPECT_TRUE(v2.detection_evaded);
  EXPECT_EQ(v2.detection_rules_tested, v.detection_rules_tested);
  EXPECT_EQ(v2.detection_gaps, v.detection_gaps);
  EXPECT_EQ(v2.tenant_id, "acme");

  Remediation r;
  r.remediation_id = "rem-1";
  r.exposure_id = "0123";
  r.ts = At("2026-11-21T09:00:00Z");
  r.status = ExposureStatus::kFixDeployed;
  r.assigned_to = "bob";
  r.assigned_date = At("2026-11-20T09:00:00Z");
  r.fix_deployed_date = At("2026-11-21T09:00:00Z");
  r.sla_breached = true;
  r.escalation_level = "L2";
  r.fix_description = kAwkward;
  r.pull_request_url = "https://example.test/pr/1";
  r.tenant_id = "acme";
  auto rb = DecodeRecord(EncodeRecord(r));
  ASSERT_TRUE(rb.has_value()) << rb.error().message;
  const auto& r2 = std::get<Remediation>(*rb);
  EXPECT_EQ(r2.status, ExposureStatus::kFixDeployed);
  EXPECT_EQ(r2.assigned_date, r.assigned_date);
  EXPECT_FALSE(r2.sla_deadline.has_value());
  EXPECT_EQ(r2.fix_deployed_date, r.fix_deployed_date);
  EXPECT_FALSE(r2.verified_date.has_value());
  EXPECT_TRUE(r2.sla_breached);
  EXPECT_EQ(r2.fix_description, r.fix_description);

  NoLongerSeen n{"acme", "snyk", "0123", At("2026-11-22T00:00:00Z")};
  auto nb = DecodeRecord(EncodeRecord(n));
  ASSERT_TRUE(nb.has_value()) << nb.error().message;
  EXPECT_EQ(std::get<NoLongerSeen>(*nb).exposure_key, "0123");
  EXPECT_EQ(std::get<NoLongerSeen>(*nb).ts, n.ts);
}

TEST(RecordCodecTest, InvalidUtf8IsReplacedNotLost) {
  Exposure e = FullExposure();
  e.title = std::string("bad \xff\xfe byte");
  const std::string wire = EncodeRecord(e);
  EXPECT_TRUE(nlohmann::json::accept(wire)) << wire;
  auto back = DecodeRecord(wire);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(std::get<Exposure>(*back).title, "bad \xEF\xBF\xBD\xEF\xBF\xBD byte");
}

// What the earlier encoder (nlohmann::json, keys sorted, integral scores as integers) left on
// the topic before an upgrade.
TEST(RecordCodecTest, RecordsOfTheEarlierEncoderStillDecode) {
  const std::string old =
      R"({"asset_id":"vm-1","asset_type":"","asset_zone":"it_corporate","atlas_official_id":"",)"
      R"("atlas_official_name":"","atlas_technique":"","attack_technique":"","assigned_to":"",)"
      R"("ctem_score":7,"cve_ids":["CVE-2024-1"],"cwe_ids":[],"description":"d","evidence_url":"",)"
      R"("exploitability_score":0.5,"exposure_key":"k1","original_severity":"HIGH",)"
      R"("physical_consequence":"data_loss","record":"exposure","reference_urls":[],)"
      R"("remediation_guidance":"","severity":"HIGH","sla_deadline":null,"source_tool":"wiz",)"
      R"("status":"Open","tenant_id":"default","threat_model_ref":"","title":"t",)"
      R"("tool_status":null,"ts":"2026-11-27T00:00:00.000Z","zone_source":"rule"})";
  auto back = DecodeRecord(old);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  const auto& e = std::get<Exposure>(*back);
  EXPECT_EQ(e.exposure_key, "k1");
  EXPECT_EQ(e.ctem_score, 7.0);
  EXPECT_EQ(e.exploitability_score, 0.5);
  EXPECT_EQ(e.cve_ids, std::vector<std::string>{"CVE-2024-1"});
  EXPECT_FALSE(e.sla_deadline.has_value());
  EXPECT_FALSE(e.tool_status.has_value());
}

TEST(RecordCodecTest, ABadRecordIsAValueNamingItsFirstBadField) {
  auto not_json = DecodeRecord("{\"record\":");
  ASSERT_FALSE(not_json.has_value());
  EXPECT_NE(not_json.error().message.find("undecodable normalized record"), std::string::npos);

  nlohmann::json j = nlohmann::json::parse(EncodeRecord(FullExposure()));
  j.erase("asset_id");
  auto missing = DecodeRecord(j.dump());
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("asset_id"), std::string::npos) << missing.error().message;

  j = nlohmann::json::parse(EncodeRecord(FullExposure()));
  j["ctem_score"] = "high";
  auto wrong_type = DecodeRecord(j.dump());
  ASSERT_FALSE(wrong_type.has_value());
  EXPECT_NE(wrong_type.error().message.find("ctem_score"), std::string::npos) << wrong_type.error().message;

  auto unknown = DecodeRecord(R"({"record":"mystery"})");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message.find("mystery"), std::string::npos);
}

}  // namespace
}  // namespace ctem::pipeline
