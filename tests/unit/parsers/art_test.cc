// Unit tests of the IBM ART parser (seed section 4.1, ARTNormaliser).
//
// Expected values are worked out by hand from the seed: evasion -> equipment, poisoning ->
// safety_life, anything else -> data_loss; ART_ATLAS_MAP / ART_TM_MAP (empty for unknown
// types); thresholds rate > 0.7 high, > 0.3 medium, else low; CONSEQUENCE_MATRIX; the score
// round(rate * {10, 8, 5, 3}, 1); the title
// f"ART: {attack_type} attack success rate {rate:.0%} on {model_name}" and
// f"success_rate={rate:.2f}". The key follows DESIGN.md erratum 1 (stable across rates).
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "core/zone_resolver.h"
#include "parsers/parser.h"
#include "parsers/seed_parsers.h"
#include "support/fake_zone_resolver.h"

namespace ctem::parsers {
namespace {

using ctem::testing::FakeZoneResolver;

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr std::string_view kNowText = "2026-11-27T08:00:00.000Z";
constexpr std::string_view kModel = "orbital-vision-v3";

Timestamp Now() { return std::chrono::sys_days{2026y / std::chrono::November / 27} + 8h; }

ParseContext Ctx(const ZoneResolver* resolver = nullptr) {
  ParseContext ctx;
  ctx.now = Now();
  ctx.tenant_id = "acme";
  ctx.zone_resolver = resolver;
  return ctx;
}

ParsedBatch Parse(const json& document, const ParseContext& ctx = Ctx()) {
  const SourceParser* parser = FindParser("ibm_art");
  EXPECT_NE(parser, nullptr);
  ParsedBatch out;
  if (parser != nullptr) parser->Parse(document.dump(), ctx, out);
  return out;
}

json Result(std::string_view attack_type, double success_rate, std::string_view model = kModel) {
  return json{{"attack_type", attack_type}, {"model_name", model}, {"success_rate", success_rate}};
}

Exposure ParseOne(const json& result, const ParseContext& ctx = Ctx()) {
  ParsedBatch out = Parse(json::array({result}), ctx);
  EXPECT_TRUE(out.errors.empty()) << (out.errors.empty() ? "" : out.errors[0].field + ": " +
                                                                    out.errors[0].reason);
  EXPECT_EQ(out.exposures.size(), 1u);
  if (out.exposures.empty()) return Exposure{};
  return out.exposures[0];
}

// ---------------------------------------------------------------------------------------------
// Attack type -> consequence, ATLAS, threat model. Rate 0.85 (high).

TEST(ArtParser, AttackTypeDecidesConsequenceAtlasAndThreatModel) {
  struct Case {
    std::string_view attack_type;
    Consequence consequence;
    std::string_view atlas;
    std::string_view tm;
    Severity severity;  // CONSEQUENCE_MATRIX[("high", consequence)]
    double score;       // round(0.85 * weight, 1)
  };
  const std::vector<Case> cases = {
      {"evasion", Consequence::kEquipment, "AML.T0015", "TM-07", Severity::kCritical, 6.8},
      {"poisoning", Consequence::kSafetyLife, "AML.T0020", "TM-01", Severity::kCritical, 8.5},
      {"extraction", Consequence::kDataLoss, "AML.T0044", "TM-12", Severity::kMedium, 2.5},
      {"inference", Consequence::kDataLoss, "AML.T0024", "TM-13", Severity::kMedium, 2.5},
      // Unknown types: data_loss, no ATLAS technique, no threat model ref.
      {"membership_inference", Consequence::kDataLoss, "", "", Severity::kMedium, 2.5},
      {"backdoor", Consequence::kDataLoss, "", "", Severity::kMedium, 2.5},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.attack_type));
    const Exposure e = ParseOne(Result(c.attack_type, 0.85));
    EXPECT_EQ(e.physical_consequence, c.consequence);
    EXPECT_EQ(e.atlas_technique, c.atlas);
    EXPECT_EQ(e.threat_model_ref, c.tm);
    EXPECT_EQ(e.severity, c.severity);
    EXPECT_EQ(e.ctem_score, c.score);
    EXPECT_EQ(e.zone_source, ZoneSource::kRule);
  }
}

// ---------------------------------------------------------------------------------------------
// Thresholds: > 0.7 high, > 0.3 medium, else low (strict inequalities).

TEST(ArtParser, SuccessRateThresholds) {
  struct Case {
    double rate;
    Exploitability exploitability;
    Severity evasion_severity;    // equipment
    double evasion_score;         // round(rate * 8, 1)
    Severity extraction_severity; // data_loss
    double extraction_score;      // round(rate * 3, 1)
  };
  const std::vector<Case> cases = {
      {0.0, Exploitability::kLow, Severity::kMedium, 0.0, Severity::kLow, 0.0},
      {0.3, Exploitability::kLow, Severity::kMedium, 2.4, Severity::kLow, 0.9},
      {0.31, Exploitability::kMedium, Severity::kHigh, 2.5, Severity::kLow, 0.9},
      {0.7, Exploitability::kMedium, Severity::kHigh, 5.6, Severity::kLow, 2.1},
      {0.71, Exploitability::kHigh, Severity::kCritical, 5.7, Severity::kMedium, 2.1},
      {1.0, Exploitability::kHigh, Severity::kCritical, 8.0, Severity::kMedium, 3.0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("success_rate=" + std::to_string(c.rate));
    EXPECT_EQ(ArtExploitability(c.rate), c.exploitability);
    const Exposure evasion = ParseOne(Result("evasion", c.rate));
    EXPECT_EQ(evasion.severity, c.evasion_severity);
    EXPECT_EQ(evasion.ctem_score, c.evasion_score);
    EXPECT_DOUBLE_EQ(evasion.exploitability_score, c.rate);
    const Exposure extraction = ParseOne(Result("extraction", c.rate));
    EXPECT_EQ(extraction.severity, c.extraction_severity);
    EXPECT_EQ(extraction.ctem_score, c.extraction_score);
  }
}

TEST(ArtParser, PoisoningScoresOnTheSafetyScale) {
  struct Case {
    double rate;
    Severity severity;
    double score;  // round(rate * 10, 1)
  };
  const std::vector<Case> cases = {
      {0.3, Severity::kHigh, 3.0},       // low
      {0.31, Severity::kCritical, 3.1},  // medium
      {0.7, Severity::kCritical, 7.0},   // medium
      {0.71, Severity::kCritical, 7.1},  // high
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rate);
    const Exposure e = ParseOne(Result("poisoning", c.rate));
    EXPECT_EQ(e.severity, c.severity);
    EXPECT_EQ(e.ctem_score, c.score);
  }
}

// ---------------------------------------------------------------------------------------------
// Title, original severity, fields.

TEST(ArtParser, TitleAndOriginalSeverityUsePythonFormatting) {
  struct Case {
    std::string_view attack_type;
    double rate;
    std::string_view title;
    std::string_view original_severity;
  };
  const std::vector<Case> cases = {
      {"evasion", 0.85, "ART: evasion attack success rate 85% on orbital-vision-v3", "success_rate=0.85"},
      {"poisoning", 0.7, "ART: poisoning attack success rate 70% on orbital-vision-v3",
       "success_rate=0.70"},
      {"extraction", 0.125, "ART: extraction attack success rate 12% on orbital-vision-v3",
       "success_rate=0.12"},
      {"inference", 0.355, "ART: inference attack success rate 36% on orbital-vision-v3",
       "success_rate=0.35"},
      {"evasion", 0.0, "ART: evasion attack success rate 0% on orbital-vision-v3", "success_rate=0.00"},
      {"evasion", 1.0, "ART: evasion attack success rate 100% on orbital-vision-v3",
       "success_rate=1.00"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.attack_type) + " " + std::to_string(c.rate));
    const Exposure e = ParseOne(Result(c.attack_type, c.rate));
    EXPECT_EQ(e.title, c.title);
    EXPECT_EQ(e.original_severity, c.original_severity);
  }
}

TEST(ArtParser, AssetAndFieldsAreTheSeeds) {
  json result = Result("evasion", 0.85);
  result["description"] = "PGD perturbations flip defect detection";
  result["recommended_defense"] = "Adversarial training";
  const Exposure e = ParseOne(result);
  EXPECT_EQ(e.source_tool, "IBM_ART");
  EXPECT_EQ(e.asset_id, "orbital-vision-v3");
  EXPECT_EQ(e.asset_type, "MLModel");
  EXPECT_EQ(e.asset_zone, "Zone1_EdgeInference");
  EXPECT_EQ(e.description, "PGD perturbations flip defect detection");
  EXPECT_EQ(e.remediation_guidance, "Adversarial training");
  EXPECT_DOUBLE_EQ(e.exploitability_score, 0.85);
  EXPECT_EQ(e.attack_technique, "");
  EXPECT_EQ(e.status, ExposureStatus::kOpen);
}

TEST(ArtParser, MissingSuccessRateIsZeroAsInSeed) {
  const Exposure e = ParseOne(json{{"attack_type", "evasion"}, {"model_name", "m"}});
  EXPECT_DOUBLE_EQ(e.exploitability_score, 0.0);
  EXPECT_EQ(e.severity, Severity::kMedium);  // (low, equipment)
  EXPECT_EQ(e.ctem_score, 0.0);
  EXPECT_EQ(e.title, "ART: evasion attack success rate 0% on m");
  EXPECT_EQ(e.original_severity, "success_rate=0.00");
  EXPECT_EQ(e.remediation_guidance, "");
}

// ---------------------------------------------------------------------------------------------
// Key (erratum 1): stable across rescans with different rates.

TEST(ArtParser, KeyStableAcrossSuccessRates) {
  const std::string key = ParseOne(Result("evasion", 0.85)).exposure_key;
  EXPECT_EQ(key.size(), 16u);
  for (double rate : {0.0, 0.3, 0.31, 0.7, 0.71, 1.0}) {
    EXPECT_EQ(ParseOne(Result("evasion", rate)).exposure_key, key) << rate;
  }
  std::set<std::string> keys;
  for (std::string_view type : {"evasion", "poisoning", "extraction", "inference"}) {
    keys.insert(ParseOne(Result(type, 0.85)).exposure_key);
  }
  keys.insert(ParseOne(Result("evasion", 0.85, "other-model")).exposure_key);
  EXPECT_EQ(keys.size(), 5u) << "attack type and model both identify the finding";
}

// ---------------------------------------------------------------------------------------------
// Timestamps, tenant, SLA.

TEST(ArtParser, TimestampTenantAndSlaDeadlineFromContext) {
  struct Case {
    std::string_view attack_type;
    double rate;
    Severity expected;
    std::string_view deadline;
  };
  const std::vector<Case> cases = {
      {"evasion", 0.85, Severity::kCritical, "2026-11-28T08:00:00.000Z"},   // +24h
      {"evasion", 0.5, Severity::kHigh, "2026-11-30T08:00:00.000Z"},        // +72h
      {"evasion", 0.1, Severity::kMedium, "2026-12-11T08:00:00.000Z"},      // +14d
      {"extraction", 0.5, Severity::kLow, "2026-12-27T08:00:00.000Z"},      // +30d
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.attack_type) + " " + std::to_string(c.rate));
    const Exposure e = ParseOne(Result(c.attack_type, c.rate));
    EXPECT_EQ(e.severity, c.expected);
    EXPECT_EQ(FormatTimestamp(e.ts), kNowText);
    ASSERT_TRUE(e.sla_deadline.has_value());
    EXPECT_EQ(FormatTimestamp(*e.sla_deadline), c.deadline);
    EXPECT_EQ(e.tenant_id, "acme");
  }
}

// ---------------------------------------------------------------------------------------------
// Bad input.

TEST(ArtParser, BadRecordsAreRejectedOthersKept) {
  struct Case {
    json result;
    std::vector<std::string> fields;
  };
  const std::vector<Case> cases = {
      {json{{"model_name", "m"}, {"success_rate", 0.5}}, {"attack_type"}},
      {json{{"attack_type", "evasion"}, {"success_rate", 0.5}}, {"model_name"}},
      {json{{"success_rate", 0.5}}, {"attack_type", "model_name"}},
      {json{{"attack_type", ""}, {"model_name", "m"}}, {"attack_type"}},
      {json{{"attack_type", "evasion"}, {"model_name", ""}}, {"model_name"}},
      {json{{"attack_type", 3}, {"model_name", "m"}}, {"attack_type"}},
      {json{{"attack_type", "evasion"}, {"model_name", json::object()}}, {"model_name"}},
      {json{{"attack_type", "evasion"}, {"model_name", "m"}, {"success_rate", "high"}}, {"success_rate"}},
      {json{{"attack_type", "evasion"}, {"model_name", "m"}, {"success_rate", 1.01}}, {"success_rate"}},
      {json{{"attack_type", "evasion"}, {"model_name", "m"}, {"success_rate", -0.5}}, {"success_rate"}},
      {json{{"attack_type", "evasion"}, {"model_name", "m"}, {"success_rate", 85}}, {"success_rate"}},
      {json{{"attack_type", "evasion"}, {"model_name", "m"}, {"recommended_defense", 1}},
       {"recommended_defense"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.result.dump());
    ParsedBatch out = Parse(json::array({c.result, Result("evasion", 0.9)}));
    EXPECT_EQ(out.received, 2u);
    ASSERT_EQ(out.errors.size(), c.fields.size());
    for (size_t i = 0; i < c.fields.size(); ++i) {
      EXPECT_EQ(out.errors[i].record_index, 0);
      EXPECT_EQ(out.errors[i].field, c.fields[i]);
    }
    ASSERT_EQ(out.exposures.size(), 1u);
    EXPECT_EQ(out.exposures[0].asset_id, "orbital-vision-v3");
  }
}

// ---------------------------------------------------------------------------------------------
// Zone resolver: the rule consequence stays unless the resolver's is more severe.

TEST(ArtParser, ResolverRaisesConsequenceOnlyWhenMoreSevere) {
  struct Case {
    std::string_view attack_type;
    std::string placed_zone;
    Consequence placed_consequence;
    std::string_view zone;
    Consequence consequence;
    ZoneSource source;
    Severity severity;  // rate 0.85 (high)
    double score;       // round(0.85 * {10, 8, 5, 3}, 1)
  };
  const std::vector<Case> cases = {
      // evasion: rule equipment
      {"evasion", "Zone0_PhysicalProcess", Consequence::kSafetyLife, "Zone0_PhysicalProcess",
       Consequence::kSafetyLife, ZoneSource::kGraph, Severity::kCritical, 8.5},
      {"evasion", "Zone1_EdgeInference", Consequence::kEquipment, "Zone1_EdgeInference",
       Consequence::kEquipment, ZoneSource::kRule, Severity::kCritical, 6.8},  // equal
      {"evasion", "Zone2_Operations", Consequence::kDowntime, "Zone1_EdgeInference",
       Consequence::kEquipment, ZoneSource::kRule, Severity::kCritical, 6.8},  // less severe
      // extraction: rule data_loss
      {"extraction", "Zone2_Operations", Consequence::kDowntime, "Zone2_Operations",
       Consequence::kDowntime, ZoneSource::kGraph, Severity::kHigh, 4.2},
      {"extraction", "Zone4_External", Consequence::kDataLoss, "Zone1_EdgeInference",
       Consequence::kDataLoss, ZoneSource::kRule, Severity::kMedium, 2.5},
      // poisoning: rule safety_life
      {"poisoning", "Zone0_PhysicalProcess", Consequence::kSafetyLife, "Zone1_EdgeInference",
       Consequence::kSafetyLife, ZoneSource::kRule, Severity::kCritical, 8.5},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.attack_type) + " placed in " + c.placed_zone);
    FakeZoneResolver resolver;
    resolver.Place(std::string(kModel), c.placed_zone, c.placed_consequence, ZoneSource::kGraph);
    const Exposure e = ParseOne(Result(c.attack_type, 0.85), Ctx(&resolver));
    EXPECT_EQ(e.asset_zone, c.zone);
    EXPECT_EQ(e.physical_consequence, c.consequence);
    EXPECT_EQ(e.zone_source, c.source);
    EXPECT_EQ(e.severity, c.severity);
    EXPECT_EQ(e.ctem_score, c.score);
  }
}

TEST(ArtParser, RegisteredUnderAliases) {
  for (std::string_view name : {"ibm_art", "art", "IBM_ART", "ibm-art"}) {
    const SourceParser* parser = FindParser(name);
    ASSERT_NE(parser, nullptr) << name;
    EXPECT_EQ(parser->Name(), "ibm_art");
  }
}

}  // namespace
}  // namespace ctem::parsers
