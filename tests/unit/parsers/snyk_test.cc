// Unit tests of the Snyk parser (seed section 4.1, SnykNormaliser).
//
// Expected values are worked out by hand from the seed: ml_packages (substring,
// case-insensitive), consequence safety_life for ML dependencies else data_loss, the
// severity->exploitability map (default "medium"), CONSEQUENCE_MATRIX, the score
// round({0.9, 0.6, 0.3} * {10, 8, 5, 3}, 1), fixedIn / "Upgrade <pkg>", and the key
// sha256("Snyk:<id>:<package>")[:16] (no version).
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

ParsedBatch Parse(const json& document, const ParseContext& ctx = Ctx()) {
  const SourceParser* parser = FindParser("snyk");
  EXPECT_NE(parser, nullptr);
  ParsedBatch out;
  if (parser != nullptr) parser->Parse(document.dump(), ctx, out);
  return out;
}

json Finding(std::string_view package, std::string_view severity = "HIGH",
             std::string_view version = "2.1.0", std::string_view id = "SNYK-PYTHON-TORCH-6649934") {
  return json{{"id", id}, {"packageName", package}, {"version", version}, {"severity", severity}};
}

Exposure ParseOne(const json& finding, const ParseContext& ctx = Ctx()) {
  ParsedBatch out = Parse(json::array({finding}), ctx);
  EXPECT_TRUE(out.errors.empty()) << (out.errors.empty() ? "" : out.errors[0].field + ": " +
                                                                    out.errors[0].reason);
  EXPECT_EQ(out.exposures.size(), 1u);
  if (out.exposures.empty()) return Exposure{};
  return out.exposures[0];
}

// ---------------------------------------------------------------------------------------------
// ML dependency rule.

TEST(SnykParser, MlPackagesAreSafetyLifeWithAtlasAndThreatModel) {
  // Each of the seed's eight names, other cases, and names that contain one of them.
  for (std::string_view package :
       {"torch", "pytorch", "tensorflow", "onnx", "numpy", "scipy", "pandas", "scikit-learn",
        "PyTorch", "TensorFlow", "NumPy", "SciPy", "PANDAS", "Scikit-Learn", "ONNX", "torchvision",
        "tensorflow-gpu", "onnxruntime", "pytorch-lightning", "geopandas", "scikit-learn-intelex",
        "numpy-financial"}) {
    SCOPED_TRACE(std::string(package));
    EXPECT_TRUE(IsMlPackage(package));
    const Exposure e = ParseOne(Finding(package, "HIGH"));
    EXPECT_EQ(e.physical_consequence, Consequence::kSafetyLife);
    EXPECT_EQ(e.atlas_technique, "AML.T0010");
    EXPECT_EQ(e.threat_model_ref, "TM-05");
    EXPECT_EQ(e.severity, Severity::kCritical);  // (high, safety_life)
    EXPECT_EQ(e.ctem_score, 9.0);                // round(0.9 * 10, 1)
  }
}

TEST(SnykParser, OtherPackagesAreDataLossWithoutAtlas) {
  for (std::string_view package :
       {"requests", "flask", "lodash", "django", "sklearn", "keras", "transformers", "jax",
        "openssl", "tens0rflow", "num-py"}) {
    SCOPED_TRACE(std::string(package));
    EXPECT_FALSE(IsMlPackage(package));
    const Exposure e = ParseOne(Finding(package, "HIGH"));
    EXPECT_EQ(e.physical_consequence, Consequence::kDataLoss);
    EXPECT_EQ(e.atlas_technique, "");
    EXPECT_EQ(e.threat_model_ref, "");
    EXPECT_EQ(e.severity, Severity::kMedium);  // (high, data_loss)
    EXPECT_EQ(e.ctem_score, 2.7);              // round(0.9 * 3, 1)
  }
}

// ---------------------------------------------------------------------------------------------
// Severity (upper-cased as in the seed) -> exploitability -> matrix and score.

TEST(SnykParser, EverySeverityForMlAndNonMlPackages) {
  struct Case {
    std::string_view package;
    std::optional<std::string_view> severity;  // nullopt: field absent
    std::string_view original_severity;
    double exploitability_score;
    Severity expected;
    double score;
  };
  const std::vector<Case> cases = {
      {"torch", "CRITICAL", "CRITICAL", 0.9, Severity::kCritical, 9.0},
      {"torch", "HIGH", "HIGH", 0.9, Severity::kCritical, 9.0},
      {"torch", "MEDIUM", "MEDIUM", 0.6, Severity::kCritical, 6.0},
      {"torch", "LOW", "LOW", 0.3, Severity::kHigh, 3.0},
      {"torch", "critical", "CRITICAL", 0.9, Severity::kCritical, 9.0},
      {"torch", "low", "LOW", 0.3, Severity::kHigh, 3.0},
      {"torch", std::nullopt, "MEDIUM", 0.6, Severity::kCritical, 6.0},  // default "medium"
      {"torch", "urgent", "URGENT", 0.6, Severity::kCritical, 6.0},      // .get(.., "medium")
      {"lodash", "CRITICAL", "CRITICAL", 0.9, Severity::kMedium, 2.7},
      {"lodash", "HIGH", "HIGH", 0.9, Severity::kMedium, 2.7},
      {"lodash", "MEDIUM", "MEDIUM", 0.6, Severity::kLow, 1.8},
      {"lodash", "LOW", "LOW", 0.3, Severity::kLow, 0.9},
      {"lodash", "high", "HIGH", 0.9, Severity::kMedium, 2.7},
      {"lodash", std::nullopt, "MEDIUM", 0.6, Severity::kLow, 1.8},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.package) + " severity=" + std::string(c.severity.value_or("<absent>")));
    json finding = {{"id", "SNYK-1"}, {"packageName", c.package}, {"version", "1.0.0"}};
    if (c.severity) finding["severity"] = *c.severity;
    const Exposure e = ParseOne(finding);
    EXPECT_EQ(e.original_severity, c.original_severity);
    EXPECT_DOUBLE_EQ(e.exploitability_score, c.exploitability_score);
    EXPECT_EQ(e.severity, c.expected);
    EXPECT_EQ(e.ctem_score, c.score);
  }
}

// ---------------------------------------------------------------------------------------------
// Field mapping.

TEST(SnykParser, CopiesTheSeedsFields) {
  json finding = Finding("torch", "HIGH", "2.1.0", "SNYK-PYTHON-TORCH-6649934");
  finding["description"] = "Deserialisation of untrusted data";
  const Exposure e = ParseOne(finding);
  EXPECT_EQ(e.source_tool, "Snyk");
  EXPECT_EQ(e.title, "Snyk: SNYK-PYTHON-TORCH-6649934 in torch@2.1.0");
  EXPECT_EQ(e.description, "Deserialisation of untrusted data");
  EXPECT_EQ(e.asset_id, "torch@2.1.0");
  EXPECT_EQ(e.asset_type, "Dependency");
  EXPECT_EQ(e.asset_zone, "Zone3_Enterprise");
  EXPECT_EQ(e.attack_technique, "T1195.002");
  EXPECT_EQ(e.zone_source, ZoneSource::kRule);
  EXPECT_EQ(e.status, ExposureStatus::kOpen);
  EXPECT_EQ(e.evidence_url, "");
}

TEST(SnykParser, MissingVersionLeavesEmptyVersionInTitleAndAsset) {
  const Exposure e = ParseOne(json{{"id", "SNYK-JS-LODASH-567746"}, {"packageName", "lodash"}});
  EXPECT_EQ(e.title, "Snyk: SNYK-JS-LODASH-567746 in lodash@");
  EXPECT_EQ(e.asset_id, "lodash@");
  EXPECT_EQ(e.description, "");
}

TEST(SnykParser, RemediationFromFixedIn) {
  struct Case {
    std::optional<json> fixed_in;  // nullopt: field absent
    std::string_view expected;
  };
  const std::vector<Case> cases = {
      {json("2.2.0"), "2.2.0"},
      {json::array({"2.2.0"}), "2.2.0"},
      {json::array({"2.2.0", "2.1.3"}), "2.2.0, 2.1.3"},
      {json::array({"1.0", "2.0", "3.0"}), "1.0, 2.0, 3.0"},
      {std::nullopt, "Upgrade torch"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.fixed_in ? c.fixed_in->dump() : "<absent>");
    json finding = Finding("torch");
    if (c.fixed_in) finding["fixedIn"] = *c.fixed_in;
    EXPECT_EQ(ParseOne(finding).remediation_guidance, c.expected);
  }
}

// ---------------------------------------------------------------------------------------------
// Key: sha256("Snyk:<id>:<package>")[:16], without the version.

TEST(SnykParser, KeyUsesVulnerabilityIdAndPackageWithoutVersion) {
  struct Case {
    std::string_view id;
    std::string_view package;
    std::string_view version;
    std::string_view expected;
  };
  const std::vector<Case> cases = {
      {"SNYK-PYTHON-TORCH-6649934", "torch", "2.1.0", "de57ce57248c7bae"},
      {"SNYK-PYTHON-TORCH-6649934", "torch", "2.2.0", "de57ce57248c7bae"},
      {"SNYK-PYTHON-TORCH-6649934", "torch", "", "de57ce57248c7bae"},
      {"SNYK-JS-LODASH-567746", "lodash", "4.17.15", "dc3b2509addc1b87"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.id) + " " + std::string(c.package) + "@" + std::string(c.version));
    EXPECT_EQ(ParseOne(Finding(c.package, "HIGH", c.version, c.id)).exposure_key, c.expected);
  }
  // Severity does not enter the key.
  EXPECT_EQ(ParseOne(Finding("torch", "LOW", "2.1.0")).exposure_key, "de57ce57248c7bae");
}

// ---------------------------------------------------------------------------------------------
// Timestamps, tenant, SLA.

TEST(SnykParser, TimestampTenantAndSlaDeadlineFromContext) {
  struct Case {
    std::string_view package;
    std::string_view severity;
    Severity expected;
    std::string_view deadline;
  };
  const std::vector<Case> cases = {
      {"torch", "HIGH", Severity::kCritical, "2026-11-28T08:00:00.000Z"},   // +24h
      {"torch", "LOW", Severity::kHigh, "2026-11-30T08:00:00.000Z"},        // +72h
      {"lodash", "HIGH", Severity::kMedium, "2026-12-11T08:00:00.000Z"},    // +14d
      {"lodash", "MEDIUM", Severity::kLow, "2026-12-27T08:00:00.000Z"},     // +30d
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.package) + " " + std::string(c.severity));
    const Exposure e = ParseOne(Finding(c.package, c.severity));
    EXPECT_EQ(e.severity, c.expected);
    EXPECT_EQ(FormatTimestamp(e.ts), kNowText);
    ASSERT_TRUE(e.sla_deadline.has_value());
    EXPECT_EQ(FormatTimestamp(*e.sla_deadline), c.deadline);
    EXPECT_EQ(e.tenant_id, "acme");
  }
}

// ---------------------------------------------------------------------------------------------
// Bad input.

TEST(SnykParser, MissingOrEmptyRequiredFieldsAreRejected) {
  struct Case {
    json finding;
    std::vector<std::string> fields;
  };
  const std::vector<Case> cases = {
      {json{{"packageName", "torch"}}, {"id"}},
      {json{{"id", "SNYK-1"}}, {"packageName"}},
      {json{{"id", ""}, {"packageName", "torch"}}, {"id"}},
      {json{{"id", "SNYK-1"}, {"packageName", ""}}, {"packageName"}},
      {json{{"id", nullptr}, {"packageName", "torch"}}, {"id"}},
      {json{{"severity", "HIGH"}}, {"id", "packageName"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.finding.dump());
    ParsedBatch out = Parse(json::array({c.finding, Finding("lodash")}));
    EXPECT_EQ(out.received, 2u);
    ASSERT_EQ(out.exposures.size(), 1u);
    EXPECT_EQ(out.exposures[0].asset_id, "lodash@2.1.0");
    ASSERT_EQ(out.errors.size(), c.fields.size());
    for (size_t i = 0; i < c.fields.size(); ++i) {
      EXPECT_EQ(out.errors[i].record_index, 0);
      EXPECT_EQ(out.errors[i].field, c.fields[i]);
    }
  }
}

TEST(SnykParser, WrongFieldTypesAreRejected) {
  struct Case {
    std::string field;
    json value;
  };
  const std::vector<Case> cases = {
      {"severity", 5},
      {"id", 123},
      {"packageName", json::array({"torch"})},
      {"version", 2.1},
      {"description", json::object()},
      {"fixedIn", 5},
      {"fixedIn", json::array({"2.2.0", 3})},
      {"fixedIn", json::object()},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.field + "=" + c.value.dump());
    json finding = Finding("torch");
    finding[c.field] = c.value;
    ParsedBatch out = Parse(json::array({finding}));
    EXPECT_TRUE(out.exposures.empty());
    ASSERT_EQ(out.errors.size(), 1u);
    EXPECT_EQ(out.errors[0].record_index, 0);
    EXPECT_EQ(out.errors[0].field, c.field);
  }
}

// ---------------------------------------------------------------------------------------------
// Zone resolver: the rule consequence stays unless the resolver's is more severe.

TEST(SnykParser, ResolverRaisesConsequenceOnlyWhenMoreSevere) {
  struct Case {
    std::string_view package;
    std::string placed_zone;
    Consequence placed_consequence;
    std::string_view zone;
    Consequence consequence;
    ZoneSource source;
    Severity severity;  // with severity HIGH (exploitability high)
    double score;       // round(0.9 * {10, 8, 5, 3}, 1)
  };
  const std::vector<Case> cases = {
      // Non-ML: rule data_loss.
      {"lodash", "Zone1_EdgeInference", Consequence::kEquipment, "Zone1_EdgeInference",
       Consequence::kEquipment, ZoneSource::kGraph, Severity::kCritical, 7.2},
      {"lodash", "Zone2_Operations", Consequence::kDowntime, "Zone2_Operations", Consequence::kDowntime,
       ZoneSource::kGraph, Severity::kHigh, 4.5},
      {"lodash", "Zone0_PhysicalProcess", Consequence::kSafetyLife, "Zone0_PhysicalProcess",
       Consequence::kSafetyLife, ZoneSource::kGraph, Severity::kCritical, 9.0},
      {"lodash", "Zone4_External", Consequence::kDataLoss, "Zone3_Enterprise", Consequence::kDataLoss,
       ZoneSource::kRule, Severity::kMedium, 2.7},  // equal: not more severe
      // ML: rule safety_life, nothing is more severe.
      {"torch", "Zone1_EdgeInference", Consequence::kEquipment, "Zone3_Enterprise",
       Consequence::kSafetyLife, ZoneSource::kRule, Severity::kCritical, 9.0},
      {"torch", "Zone4_External", Consequence::kDataLoss, "Zone3_Enterprise", Consequence::kSafetyLife,
       ZoneSource::kRule, Severity::kCritical, 9.0},
      {"torch", "Zone0_PhysicalProcess", Consequence::kSafetyLife, "Zone3_Enterprise",
       Consequence::kSafetyLife, ZoneSource::kRule, Severity::kCritical, 9.0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.package) + " placed in " + c.placed_zone);
    FakeZoneResolver resolver;
    resolver.Place(std::string(c.package) + "@2.1.0", c.placed_zone, c.placed_consequence,
                   ZoneSource::kGraph);
    const Exposure e = ParseOne(Finding(c.package, "HIGH", "2.1.0"), Ctx(&resolver));
    EXPECT_EQ(e.asset_zone, c.zone);
    EXPECT_EQ(e.physical_consequence, c.consequence);
    EXPECT_EQ(e.zone_source, c.source);
    EXPECT_EQ(e.severity, c.severity);
    EXPECT_EQ(e.ctem_score, c.score);
  }
}

TEST(SnykParser, ResolverWithoutPlacementKeepsRule) {
  FakeZoneResolver resolver;
  const Exposure e = ParseOne(Finding("lodash", "HIGH"), Ctx(&resolver));
  EXPECT_EQ(e.asset_zone, "Zone3_Enterprise");
  EXPECT_EQ(e.physical_consequence, Consequence::kDataLoss);
  EXPECT_EQ(e.zone_source, ZoneSource::kRule);
}

}  // namespace
}  // namespace ctem::parsers
