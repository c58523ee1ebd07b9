// Unit tests of the Wiz parser (seed section 4.1, WizNormaliser).
//
// Expected values are worked out by hand from the seed: _classify_zone's name rules,
// WIZ_EXPLOITABILITY, ZONE_CONSEQUENCE_FALLBACK, CONSEQUENCE_MATRIX, _compute_score
// (round(exp * {1.0, 0.8, 0.5, 0.3} * 10, 1)), SEVERITY_SLAS and generate_exposure_id.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "core/zone_resolver.h"
#include "graph/static_zone_resolver.h"
#include "parsers/parser.h"
#include "parsers/seed_parsers.h"
#include "support/fake_zone_resolver.h"

namespace ctem::parsers {
namespace {

using ctem::testing::FakeZoneResolver;

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr std::string_view kNowText = "2026-11-27T08:00:00.000Z";

Timestamp Now() { return std::chrono::sys_days{2026y / std::chrono::November / 27} + 8h; }

ParseContext Ctx(const ZoneResolver* resolver = nullptr) {
  ParseContext ctx;
  ctx.now = Now();
  ctx.tenant_id = "acme";
  ctx.zone_resolver = resolver;
  return ctx;
}

ParsedBatch ParseText(std::string_view document, const ParseContext& ctx) {
  const SourceParser* parser = FindParser("wiz");
  EXPECT_NE(parser, nullptr);
  ParsedBatch out;
  if (parser != nullptr) parser->Parse(document, ctx, out);
  return out;
}

ParsedBatch Parse(const json& document, const ParseContext& ctx = Ctx()) {
  return ParseText(document.dump(), ctx);
}

json Finding(std::string_view entity_name, std::string_view severity = "HIGH") {
  return json{{"title", "Public S3 bucket"},
              {"entityExternalId", "arn:aws:s3:::orbital-demo"},
              {"entityName", entity_name},
              {"severity", severity}};
}

// Parses one finding and expects exactly one exposure.
Exposure ParseOne(const json& finding, const ParseContext& ctx = Ctx()) {
  ParsedBatch out = Parse(json::array({finding}), ctx);
  EXPECT_TRUE(out.errors.empty()) << (out.errors.empty() ? "" : out.errors[0].field + ": " +
                                                                    out.errors[0].reason);
  EXPECT_EQ(out.exposures.size(), 1u);
  if (out.exposures.empty()) return Exposure{};
  return out.exposures[0];
}

// ---------------------------------------------------------------------------------------------
// Zone from the entity name (_classify_zone), scored with severity HIGH (exploitability high).

struct NameCase {
  std::string_view entity_name;
  std::string_view zone;
  Consequence consequence;
  Severity severity;  // CONSEQUENCE_MATRIX[("high", consequence)]
  double score;       // round(0.9 * weight * 10, 1)
};

TEST(WizParser, ZoneFromEntityNameHeuristics) {
  const std::vector<NameCase> cases = {
      {"orbital-edge-gw-01", "Zone1_EdgeInference", Consequence::kEquipment, Severity::kCritical, 7.2},
      {"EDGE-Node-7", "Zone1_EdgeInference", Consequence::kEquipment, Severity::kCritical, 7.2},
      {"orbital-inference-svc", "Zone1_EdgeInference", Consequence::kEquipment, Severity::kCritical, 7.2},
      {"ot-historian", "Zone1_EdgeInference", Consequence::kEquipment, Severity::kCritical, 7.2},
      {"plant-OT-gateway", "Zone1_EdgeInference", Consequence::kEquipment, Severity::kCritical, 7.2},
      // The seed's rule is a plain substring test, so "robot-arm" contains "ot-".
      {"robot-arm-ctl", "Zone1_EdgeInference", Consequence::kEquipment, Severity::kCritical, 7.2},
      {"databricks-ws-prod", "Zone3_Enterprise", Consequence::kDataLoss, Severity::kMedium, 2.7},
      {"model-training-cluster", "Zone3_Enterprise", Consequence::kDataLoss, Severity::kMedium, 2.7},
      {"MLflow-tracking", "Zone3_Enterprise", Consequence::kDataLoss, Severity::kMedium, 2.7},
      {"orbital-demo-site", "Zone4_External", Consequence::kDataLoss, Severity::kMedium, 2.7},
      {"public-docs-bucket", "Zone4_External", Consequence::kDataLoss, Severity::kMedium, 2.7},
      {"hr-payroll-db", "Zone3_Enterprise", Consequence::kDataLoss, Severity::kMedium, 2.7},
      {"", "Zone3_Enterprise", Consequence::kDataLoss, Severity::kMedium, 2.7},
      // First matching rule wins: edge rules before enterprise before external.
      {"edge-demo", "Zone1_EdgeInference", Consequence::kEquipment, Severity::kCritical, 7.2},
      {"ot-training-rig", "Zone1_EdgeInference", Consequence::kEquipment, Severity::kCritical, 7.2},
      {"databricks-public", "Zone3_Enterprise", Consequence::kDataLoss, Severity::kMedium, 2.7},
  };
  for (const NameCase& c : cases) {
    SCOPED_TRACE(std::string("entityName='") + std::string(c.entity_name) + "'");
    EXPECT_EQ(ClassifyWizZone(c.entity_name), c.zone);
    const Exposure e = ParseOne(Finding(c.entity_name));
    EXPECT_EQ(e.asset_zone, c.zone);
    EXPECT_EQ(e.physical_consequence, c.consequence);
    EXPECT_EQ(e.severity, c.severity);
    EXPECT_EQ(e.ctem_score, c.score);
    EXPECT_EQ(e.zone_source, ZoneSource::kStatic);
  }
}

TEST(WizParser, MissingEntityNameIsEnterprise) {
  const Exposure e = ParseOne(json{{"title", "t"}, {"entityExternalId", "a"}, {"severity", "LOW"}});
  EXPECT_EQ(e.asset_zone, "Zone3_Enterprise");
  EXPECT_EQ(e.physical_consequence, Consequence::kDataLoss);
  EXPECT_EQ(e.severity, Severity::kLow);
  EXPECT_EQ(e.ctem_score, 0.9);
}

// ---------------------------------------------------------------------------------------------
// A zone tag names the zone outright and overrides the name heuristics.

TEST(WizParser, ZoneTagOverridesEntityName) {
  struct Case {
    json tags;
    std::string_view entity_name;
    std::string_view zone;
    Consequence consequence;
    Severity severity;
    double score;
  };
  const std::vector<Case> cases = {
      {json{{"zone", "Zone0_PhysicalProcess"}}, "orbital-demo", "Zone0_PhysicalProcess",
       Consequence::kSafetyLife, Severity::kCritical, 9.0},
      {json{{"zone", "Zone2_Operations"}}, "hr-payroll-db", "Zone2_Operations", Consequence::kDowntime,
       Severity::kHigh, 4.5},
      {json{{"zone", "Zone4_External"}}, "orbital-edge-gw", "Zone4_External", Consequence::kDataLoss,
       Severity::kMedium, 2.7},
      {json{{"ctem_zone", "Zone1_EdgeInference"}}, "databricks", "Zone1_EdgeInference",
       Consequence::kEquipment, Severity::kCritical, 7.2},
      {json{{"asset_zone", "Zone0_PhysicalProcess"}}, "", "Zone0_PhysicalProcess",
       Consequence::kSafetyLife, Severity::kCritical, 9.0},
      {json{{"Zone", "Zone2_Operations"}}, "public-site", "Zone2_Operations", Consequence::kDowntime,
       Severity::kHigh, 4.5},
      // Tags that do not name a zone are ignored.
      {json{{"env", "prod"}, {"owner", "ot-team"}}, "hr-payroll-db", "Zone3_Enterprise",
       Consequence::kDataLoss, Severity::kMedium, 2.7},
      {json::object(), "orbital-edge-gw", "Zone1_EdgeInference", Consequence::kEquipment,
       Severity::kCritical, 7.2},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("tags=" + c.tags.dump() + " entityName=" + std::string(c.entity_name));
    json finding = Finding(c.entity_name, "HIGH");
    finding["tags"] = c.tags;
    const Exposure e = ParseOne(finding);
    EXPECT_EQ(e.asset_zone, c.zone);
    EXPECT_EQ(e.physical_consequence, c.consequence);
    EXPECT_EQ(e.severity, c.severity);
    EXPECT_EQ(e.ctem_score, c.score);
  }
}

TEST(WizParser, UnknownTagZoneIsRejectedOtherRecordsKept) {
  struct Case {
    json tags;
    std::string_view field;
  };
  const std::vector<Case> cases = {
      {json{{"zone", "Zone9_Moon"}}, "tags.zone"},
      {json{{"zone", "zone0_physicalprocess"}}, "tags.zone"},
      {json{{"zone", ""}}, "tags.zone"},
      {json{{"zone", 0}}, "tags.zone"},
      {json{{"ctem_zone", "DMZ"}}, "tags.ctem_zone"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("tags=" + c.tags.dump());
    json bad = Finding("orbital-edge-gw");
    bad["tags"] = c.tags;
    json good = Finding("hr-db");
    good["entityExternalId"] = "other-asset";
    ParsedBatch out = Parse(json::array({bad, good}));
    EXPECT_EQ(out.received, 2u);
    ASSERT_EQ(out.errors.size(), 1u);
    EXPECT_EQ(out.errors[0].record_index, 0);
    EXPECT_EQ(out.errors[0].field, c.field);
    EXPECT_NE(out.errors[0].reason.find("Zone0_PhysicalProcess"), std::string::npos)
        << out.errors[0].reason;
    ASSERT_EQ(out.exposures.size(), 1u);
    EXPECT_EQ(out.exposures[0].asset_id, "other-asset");
  }
}

TEST(WizParser, TagsThatAreNotAnObjectAreRejected) {
  json finding = Finding("hr-db");
  finding["tags"] = "Zone0_PhysicalProcess";
  ParsedBatch out = Parse(json::array({finding}));
  EXPECT_TRUE(out.exposures.empty());
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].field, "tags");
}

// ---------------------------------------------------------------------------------------------
// Severity -> exploitability (WIZ_EXPLOITABILITY, default "medium") -> matrix and score.

TEST(WizParser, EverySeverityOnAnEdgeAndAnEnterpriseAsset) {
  struct Case {
    std::optional<std::string_view> severity;  // nullopt: field absent
    std::string_view entity_name;
    std::string_view original_severity;
    double exploitability_score;
    Severity severity_out;
    double score;
  };
  const std::vector<Case> cases = {
      // Zone1_EdgeInference -> equipment (weights 0.8)
      {"CRITICAL", "orbital-edge-1", "CRITICAL", 0.9, Severity::kCritical, 7.2},
      {"HIGH", "orbital-edge-1", "HIGH", 0.9, Severity::kCritical, 7.2},
      {"MEDIUM", "orbital-edge-1", "MEDIUM", 0.6, Severity::kHigh, 4.8},
      {"LOW", "orbital-edge-1", "LOW", 0.3, Severity::kMedium, 2.4},
      {"INFORMATIONAL", "orbital-edge-1", "INFORMATIONAL", 0.3, Severity::kMedium, 2.4},
      {std::nullopt, "orbital-edge-1", "MEDIUM", 0.6, Severity::kHigh, 4.8},  // default "MEDIUM"
      {"SEVERE", "orbital-edge-1", "SEVERE", 0.6, Severity::kHigh, 4.8},     // .get(.., "medium")
      // Zone3_Enterprise -> data_loss (weight 0.3)
      {"CRITICAL", "hr-db", "CRITICAL", 0.9, Severity::kMedium, 2.7},
      {"HIGH", "hr-db", "HIGH", 0.9, Severity::kMedium, 2.7},
      {"MEDIUM", "hr-db", "MEDIUM", 0.6, Severity::kLow, 1.8},
      {"LOW", "hr-db", "LOW", 0.3, Severity::kLow, 0.9},
      {"INFORMATIONAL", "hr-db", "INFORMATIONAL", 0.3, Severity::kLow, 0.9},
      {std::nullopt, "hr-db", "MEDIUM", 0.6, Severity::kLow, 1.8},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string("severity=") + std::string(c.severity.value_or("<absent>")) + " on " +
                 std::string(c.entity_name));
    json finding = {{"title", "t"}, {"entityExternalId", "a"}, {"entityName", c.entity_name}};
    if (c.severity) finding["severity"] = *c.severity;
    const Exposure e = ParseOne(finding);
    EXPECT_EQ(e.original_severity, c.original_severity);
    EXPECT_DOUBLE_EQ(e.exploitability_score, c.exploitability_score);
    EXPECT_EQ(e.severity, c.severity_out);
    EXPECT_EQ(e.ctem_score, c.score);
  }
}

TEST(WizParser, ExploitabilityTable) {
  EXPECT_EQ(WizExploitability("CRITICAL"), Exploitability::kHigh);
  EXPECT_EQ(WizExploitability("HIGH"), Exploitability::kHigh);
  EXPECT_EQ(WizExploitability("MEDIUM"), Exploitability::kMedium);
  EXPECT_EQ(WizExploitability("LOW"), Exploitability::kLow);
  EXPECT_EQ(WizExploitability("INFORMATIONAL"), Exploitability::kLow);
  EXPECT_EQ(WizExploitability(""), Exploitability::kMedium);
  EXPECT_EQ(WizExploitability("NONE"), Exploitability::kMedium);
}

// ---------------------------------------------------------------------------------------------
// Field mapping, key, timestamps.

TEST(WizParser, CopiesTheSeedsFields) {
  const json finding = {{"title", "Public S3 bucket"},
                        {"description", "Bucket allows anonymous reads"},
                        {"entityExternalId", "arn:aws:s3:::orbital-demo"},
                        {"entityType", "Bucket"},
                        {"entityName", "orbital-demo"},
                        {"severity", "HIGH"},
                        {"mitreTechnique", "T1530"},
                        {"remediation", "Block public access"},
                        {"detailsUrl", "https://app.wiz.io/issues/123"}};
  const Exposure e = ParseOne(finding);
  EXPECT_EQ(e.source_tool, "Wiz");
  EXPECT_EQ(e.title, "Public S3 bucket");
  EXPECT_EQ(e.description, "Bucket allows anonymous reads");
  EXPECT_EQ(e.asset_id, "arn:aws:s3:::orbital-demo");
  EXPECT_EQ(e.asset_type, "Bucket");
  EXPECT_EQ(e.asset_zone, "Zone4_External");
  EXPECT_EQ(e.original_severity, "HIGH");
  EXPECT_EQ(e.attack_technique, "T1530");
  EXPECT_EQ(e.remediation_guidance, "Block public access");
  EXPECT_EQ(e.evidence_url, "https://app.wiz.io/issues/123");
  EXPECT_EQ(e.atlas_technique, "");
  EXPECT_EQ(e.threat_model_ref, "");
  EXPECT_EQ(e.status, ExposureStatus::kOpen);
  EXPECT_EQ(e.assigned_to, "");
}

TEST(WizParser, OptionalFieldsDefaultAsInSeed) {
  const Exposure e = ParseOne(json{{"title", "t"}, {"entityExternalId", "a"}});
  EXPECT_EQ(e.asset_type, "CloudResource");
  EXPECT_EQ(e.description, "");
  EXPECT_EQ(e.attack_technique, "");
  EXPECT_EQ(e.remediation_guidance, "");
  EXPECT_EQ(e.evidence_url, "");
  EXPECT_EQ(e.original_severity, "MEDIUM");
}

TEST(WizParser, KeyIsSeedFormulaOfTitleAndAsset) {
  // sha256("Wiz:Public S3 bucket:arn:aws:s3:::orbital-demo")[:16]
  const Exposure e = ParseOne(Finding("orbital-demo", "HIGH"));
  EXPECT_EQ(e.exposure_key, "6f225cb1cbcc157e");
  // Same title and asset: same key whatever the severity or zone.
  json rescan = Finding("orbital-edge", "LOW");
  rescan["tags"] = {{"zone", "Zone0_PhysicalProcess"}};
  EXPECT_EQ(ParseOne(rescan).exposure_key, "6f225cb1cbcc157e");
  // sha256("Wiz:t:a")[:16]
  EXPECT_EQ(ParseOne(json{{"title", "t"}, {"entityExternalId", "a"}}).exposure_key, "e4645fbb28928dd7");
}

TEST(WizParser, TimestampTenantAndSlaDeadlineFromContext) {
  struct Case {
    std::string_view entity_name;
    std::string_view severity;
    Severity expected;
    std::string_view deadline;  // 2026-11-27T08:00Z + SEVERITY_SLAS[expected]
  };
  const std::vector<Case> cases = {
      {"orbital-edge-1", "HIGH", Severity::kCritical, "2026-11-28T08:00:00.000Z"},   // +24h
      {"orbital-edge-1", "MEDIUM", Severity::kHigh, "2026-11-30T08:00:00.000Z"},     // +72h
      {"orbital-edge-1", "LOW", Severity::kMedium, "2026-12-11T08:00:00.000Z"},      // +14d
      {"hr-db", "MEDIUM", Severity::kLow, "2026-12-27T08:00:00.000Z"},               // +30d
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.entity_name) + " " + std::string(c.severity));
    const Exposure e = ParseOne(Finding(c.entity_name, c.severity));
    EXPECT_EQ(e.severity, c.expected);
    EXPECT_EQ(FormatTimestamp(e.ts), kNowText);
    ASSERT_TRUE(e.sla_deadline.has_value());
    EXPECT_EQ(FormatTimestamp(*e.sla_deadline), c.deadline);
    EXPECT_EQ(e.tenant_id, "acme");
  }
}

// ---------------------------------------------------------------------------------------------
// Bad input.

TEST(WizParser, MissingOrEmptyRequiredFieldsAreRejected) {
  struct Case {
    json finding;
    std::vector<std::string> fields;
  };
  const std::vector<Case> cases = {
      {json{{"entityExternalId", "a"}}, {"title"}},
      {json{{"title", "t"}}, {"entityExternalId"}},
      {json{{"title", ""}, {"entityExternalId", "a"}}, {"title"}},
      {json{{"title", "t"}, {"entityExternalId", ""}}, {"entityExternalId"}},
      {json{{"title", nullptr}, {"entityExternalId", "a"}}, {"title"}},  // null counts as absent
      {json{{"severity", "HIGH"}}, {"title", "entityExternalId"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.finding.dump());
    ParsedBatch out = Parse(json::array({c.finding, Finding("hr-db")}));
    EXPECT_EQ(out.received, 2u);
    ASSERT_EQ(out.exposures.size(), 1u);  // the good record is kept
    ASSERT_EQ(out.errors.size(), c.fields.size());
    for (size_t i = 0; i < c.fields.size(); ++i) {
      EXPECT_EQ(out.errors[i].record_index, 0);
      EXPECT_EQ(out.errors[i].field, c.fields[i]);
      EXPECT_FALSE(out.errors[i].reason.empty());
    }
  }
}

TEST(WizParser, WrongFieldTypesAreRejected) {
  struct Case {
    std::string field;
    json value;
  };
  const std::vector<Case> cases = {
      {"severity", 5},          {"title", 42},          {"entityExternalId", json::array()},
      {"entityName", true},     {"description", 1.5},   {"entityType", json::object()},
      {"detailsUrl", 7},        {"remediation", false}, {"mitreTechnique", json::array({"T1"})},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.field + "=" + c.value.dump());
    json finding = Finding("hr-db");
    finding[c.field] = c.value;
    ParsedBatch out = Parse(json::array({finding}));
    EXPECT_TRUE(out.exposures.empty());
    ASSERT_EQ(out.errors.size(), 1u);
    EXPECT_EQ(out.errors[0].record_index, 0);
    EXPECT_EQ(out.errors[0].field, c.field);
    EXPECT_NE(out.errors[0].reason.find("expected a string"), std::string::npos)
        << out.errors[0].reason;
  }
}

// ---------------------------------------------------------------------------------------------
// Zone resolver: for Wiz the resolver's placement wins (kZoneDriven).

TEST(WizParser, ResolverPlacementWinsOverNameAndTag) {
  struct Case {
    std::string_view entity_name;
    std::optional<std::string_view> tag_zone;
    std::string placed_zone;
    Consequence placed_consequence;
    ZoneSource source;
    Severity severity;  // with Wiz severity HIGH
    double score;
  };
  const std::vector<Case> cases = {
      // More severe than the rule zone.
      {"orbital-demo", std::nullopt, "Zone0_PhysicalProcess", Consequence::kSafetyLife,
       ZoneSource::kGraph, Severity::kCritical, 9.0},
      // Less severe than the rule zone: still wins for a zone-driven source.
      {"orbital-edge-gw", std::nullopt, "Zone4_External", Consequence::kDataLoss, ZoneSource::kGraph,
       Severity::kMedium, 2.7},
      // Wins over an explicit tag too.
      {"hr-db", "Zone0_PhysicalProcess", "Zone2_Operations", Consequence::kDowntime,
       ZoneSource::kGraph, Severity::kHigh, 4.5},
      // Whatever source the resolver reports is recorded.
      {"hr-db", std::nullopt, "Zone1_EdgeInference", Consequence::kEquipment, ZoneSource::kFile,
       Severity::kCritical, 7.2},
      {"hr-db", std::nullopt, "Zone1_EdgeInference", Consequence::kEquipment, ZoneSource::kFallback,
       Severity::kCritical, 7.2},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.entity_name) + " -> " + c.placed_zone);
    FakeZoneResolver resolver;
    resolver.Place("arn:aws:s3:::orbital-demo", c.placed_zone, c.placed_consequence, c.source);
    json finding = Finding(c.entity_name, "HIGH");
    if (c.tag_zone) finding["tags"] = {{"zone", *c.tag_zone}};
    const Exposure e = ParseOne(finding, Ctx(&resolver));
    EXPECT_EQ(e.asset_zone, c.placed_zone);
    EXPECT_EQ(e.physical_consequence, c.placed_consequence);
    EXPECT_EQ(e.zone_source, c.source);
    EXPECT_EQ(e.severity, c.severity);
    EXPECT_EQ(e.ctem_score, c.score);
  }
}

TEST(WizParser, ResolverWithoutPlacementKeepsRuleZone) {
  FakeZoneResolver resolver;
  resolver.Place("some-other-asset", "Zone0_PhysicalProcess", Consequence::kSafetyLife,
                 ZoneSource::kGraph);
  const Exposure e = ParseOne(Finding("orbital-edge-gw", "HIGH"), Ctx(&resolver));
  EXPECT_EQ(e.asset_zone, "Zone1_EdgeInference");
  EXPECT_EQ(e.physical_consequence, Consequence::kEquipment);
  EXPECT_EQ(e.zone_source, ZoneSource::kStatic);
  EXPECT_EQ(e.severity, Severity::kCritical);

  const graph::StaticZoneResolver static_resolver;
  const Exposure s = ParseOne(Finding("orbital-edge-gw", "HIGH"), Ctx(&static_resolver));
  EXPECT_EQ(s.asset_zone, "Zone1_EdgeInference");
  EXPECT_EQ(s.zone_source, ZoneSource::kStatic);
}

TEST(WizParser, ResolverDoesNotChangeTheKey) {
  FakeZoneResolver resolver;
  resolver.Place("arn:aws:s3:::orbital-demo", "Zone0_PhysicalProcess", Consequence::kSafetyLife,
                 ZoneSource::kGraph);
  EXPECT_EQ(ParseOne(Finding("orbital-demo"), Ctx(&resolver)).exposure_key, "6f225cb1cbcc157e");
}

}  // namespace
}  // namespace ctem::parsers
