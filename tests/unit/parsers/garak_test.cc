// Unit tests of the Garak parser (seed section 4.1, GarakNormaliser).
//
// Expected values are worked out by hand from the seed: probe name rules (escalation /
// tool_use -> safety_life; extraction / exfiltration -> data_loss, AML.T0044.001, TM-12,
// checked second so it wins; otherwise downtime, AML.T0051, TM-10), thresholds
// rate > 0.5 high, > 0.2 medium, else low, CONSEQUENCE_MATRIX, the score
// round(rate * {10, 8, 5, 3}, 1), the title f"Garak: {probe} — {rate:.0%} failure rate" and
// f"failure_rate={rate:.2f}". The key follows DESIGN.md erratum 1 (stable across rates).
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

Timestamp Now() { return std::chrono::sys_days{2026y / std::chrono::November / 27} + 8h; }

ParseContext Ctx(const ZoneResolver* resolver = nullptr) {
  ParseContext ctx;
  ctx.now = Now();
  ctx.tenant_id = "acme";
  ctx.zone_resolver = resolver;
  return ctx;
}

ParsedBatch Parse(const json& document, const ParseContext& ctx = Ctx()) {
  const SourceParser* parser = FindParser("garak");
  EXPECT_NE(parser, nullptr);
  ParsedBatch out;
  if (parser != nullptr) parser->Parse(document.dump(), ctx, out);
  return out;
}

json Result(std::string_view probe, double failure_rate) {
  return json{{"probe", probe}, {"passed", false}, {"failure_rate", failure_rate}};
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
// Probe name -> consequence, ATLAS technique, threat model ref. Rate 0.62 (high).

TEST(GarakParser, ProbeNameDecidesConsequenceAtlasAndThreatModel) {
  struct Case {
    std::string_view probe;
    Consequence consequence;
    std::string_view atlas;
    std::string_view tm;
    Severity severity;  // CONSEQUENCE_MATRIX[("high", consequence)]
    double score;       // round(0.62 * weight, 1)
  };
  const std::vector<Case> cases = {
      // plain
      {"promptinject.HijackHateHumans", Consequence::kDowntime, "AML.T0051", "TM-10", Severity::kHigh, 3.1},
      {"dan.Dan_11_0", Consequence::kDowntime, "AML.T0051", "TM-10", Severity::kHigh, 3.1},
      {"tooluse.Shell", Consequence::kDowntime, "AML.T0051", "TM-10", Severity::kHigh, 3.1},  // no "_"
      // escalation / tool_use -> safety_life (ATLAS and TM unchanged)
      {"escalation.PrescriptiveAction", Consequence::kSafetyLife, "AML.T0051", "TM-10",
       Severity::kCritical, 6.2},
      {"orbital.PrivilegeESCALATION", Consequence::kSafetyLife, "AML.T0051", "TM-10",
       Severity::kCritical, 6.2},
      {"agent.tool_use_injection", Consequence::kSafetyLife, "AML.T0051", "TM-10", Severity::kCritical,
       6.2},
      {"Tool_Use.Exec", Consequence::kSafetyLife, "AML.T0051", "TM-10", Severity::kCritical, 6.2},
      // extraction / exfiltration -> data_loss
      {"leakreplay.ModelExtraction", Consequence::kDataLoss, "AML.T0044.001", "TM-12", Severity::kMedium,
       1.9},
      {"data.exfiltration", Consequence::kDataLoss, "AML.T0044.001", "TM-12", Severity::kMedium, 1.9},
      {"EXFILTRATION", Consequence::kDataLoss, "AML.T0044.001", "TM-12", Severity::kMedium, 1.9},
      // both: extraction is checked second in the seed, so it wins
      {"escalation_then_extraction", Consequence::kDataLoss, "AML.T0044.001", "TM-12", Severity::kMedium,
       1.9},
      {"tool_use.exfiltration", Consequence::kDataLoss, "AML.T0044.001", "TM-12", Severity::kMedium, 1.9},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.probe));
    const Exposure e = ParseOne(Result(c.probe, 0.62));
    EXPECT_EQ(e.physical_consequence, c.consequence);
    EXPECT_EQ(e.atlas_technique, c.atlas);
    EXPECT_EQ(e.threat_model_ref, c.tm);
    EXPECT_EQ(e.severity, c.severity);
    EXPECT_EQ(e.ctem_score, c.score);
    EXPECT_EQ(e.zone_source, ZoneSource::kRule);
  }
}

TEST(GarakParser, ExtractionProbeIsDataLossEvenWhenEscalation) {
  const Exposure e = ParseOne(Result("escalation.extraction", 0.9));
  EXPECT_EQ(e.physical_consequence, Consequence::kDataLoss);
  EXPECT_EQ(e.atlas_technique, "AML.T0044.001");
  EXPECT_EQ(e.threat_model_ref, "TM-12");
}

// ---------------------------------------------------------------------------------------------
// Thresholds: > 0.5 high, > 0.2 medium, else low (strict inequalities).

TEST(GarakParser, FailureRateThresholds) {
  struct Case {
    double rate;
    Exploitability exploitability;
    Severity downtime_severity;   // plain probe
    double downtime_score;        // round(rate * 5, 1)
    Severity safety_severity;     // escalation probe
    double safety_score;          // round(rate * 10, 1)
  };
  const std::vector<Case> cases = {
      {0.0, Exploitability::kLow, Severity::kLow, 0.0, Severity::kHigh, 0.0},
      {0.2, Exploitability::kLow, Severity::kLow, 1.0, Severity::kHigh, 2.0},
      {0.21, Exploitability::kMedium, Severity::kMedium, 1.1, Severity::kCritical, 2.1},
      {0.5, Exploitability::kMedium, Severity::kMedium, 2.5, Severity::kCritical, 5.0},
      {0.51, Exploitability::kHigh, Severity::kHigh, 2.5, Severity::kCritical, 5.1},  // 2.55 -> 2.5
      {1.0, Exploitability::kHigh, Severity::kHigh, 5.0, Severity::kCritical, 10.0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("failure_rate=" + std::to_string(c.rate));
    EXPECT_EQ(GarakExploitability(c.rate), c.exploitability);
    const Exposure plain = ParseOne(Result("promptinject", c.rate));
    EXPECT_EQ(plain.severity, c.downtime_severity);
    EXPECT_EQ(plain.ctem_score, c.downtime_score);
    EXPECT_DOUBLE_EQ(plain.exploitability_score, c.rate);
    const Exposure escalation = ParseOne(Result("escalation", c.rate));
    EXPECT_EQ(escalation.severity, c.safety_severity);
    EXPECT_EQ(escalation.ctem_score, c.safety_score);
  }
}

// ---------------------------------------------------------------------------------------------
// Title and original severity, with Python's formatting.

TEST(GarakParser, TitleAndOriginalSeverityUsePythonFormatting) {
  struct Case {
    double rate;
    std::string_view title;
    std::string_view original_severity;
  };
  const std::vector<Case> cases = {
      {0.62, "Garak: dan.Dan_11_0 \u2014 62% failure rate", "failure_rate=0.62"},
      {0.5, "Garak: dan.Dan_11_0 \u2014 50% failure rate", "failure_rate=0.50"},
      {0.125, "Garak: dan.Dan_11_0 \u2014 12% failure rate", "failure_rate=0.12"},
      {0.355, "Garak: dan.Dan_11_0 \u2014 36% failure rate", "failure_rate=0.35"},
      {0.0, "Garak: dan.Dan_11_0 \u2014 0% failure rate", "failure_rate=0.00"},
      {1.0, "Garak: dan.Dan_11_0 \u2014 100% failure rate", "failure_rate=1.00"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rate);
    const Exposure e = ParseOne(Result("dan.Dan_11_0", c.rate));
    EXPECT_EQ(e.title, c.title);
    EXPECT_EQ(e.original_severity, c.original_severity);
  }
}

TEST(GarakParser, TitleUsesEmDashU2014) {
  const Exposure e = ParseOne(Result("x", 0.62));
  EXPECT_EQ(e.title, "Garak: x \xE2\x80\x94 62% failure rate");  // UTF-8 of U+2014
}

TEST(GarakParser, AssetAndFieldsAreTheSeeds) {
  json result = Result("promptinject", 0.62);
  result["description"] = "Model followed injected instructions";
  result["suggested_fix"] = "Add an input guard";
  const Exposure e = ParseOne(result);
  EXPECT_EQ(e.source_tool, "Garak");
  EXPECT_EQ(e.asset_id, "orbital-domain-llm");
  EXPECT_EQ(e.asset_type, "LLMEndpoint");
  EXPECT_EQ(e.asset_zone, "Zone2_Operations");
  EXPECT_EQ(e.description, "Model followed injected instructions");
  EXPECT_EQ(e.remediation_guidance, "Add an input guard");
  EXPECT_DOUBLE_EQ(e.exploitability_score, 0.62);
  EXPECT_EQ(e.attack_technique, "");
  EXPECT_EQ(e.status, ExposureStatus::kOpen);
}

TEST(GarakParser, MissingFailureRateIsZeroAsInSeed) {
  const Exposure e = ParseOne(json{{"probe", "promptinject"}});
  EXPECT_DOUBLE_EQ(e.exploitability_score, 0.0);
  EXPECT_EQ(e.severity, Severity::kLow);
  EXPECT_EQ(e.ctem_score, 0.0);
  EXPECT_EQ(e.title, "Garak: promptinject \u2014 0% failure rate");
  EXPECT_EQ(e.original_severity, "failure_rate=0.00");
  EXPECT_EQ(e.description, "");
  EXPECT_EQ(e.remediation_guidance, "");
}

TEST(GarakParser, PassedFlagDoesNotChangeTheScore) {
  json passed = Result("promptinject", 0.62);
  passed["passed"] = true;
  const Exposure a = ParseOne(passed);
  const Exposure b = ParseOne(Result("promptinject", 0.62));
  EXPECT_EQ(a.severity, b.severity);
  EXPECT_EQ(a.ctem_score, b.ctem_score);
}

// ---------------------------------------------------------------------------------------------
// Key (erratum 1): stable across rescans with different rates.

TEST(GarakParser, KeyStableAcrossFailureRates) {
  const std::string key = ParseOne(Result("promptinject.HijackHateHumans", 0.62)).exposure_key;
  EXPECT_EQ(key.size(), 16u);
  for (double rate : {0.0, 0.1, 0.2, 0.5, 0.51, 0.99, 1.0}) {
    EXPECT_EQ(ParseOne(Result("promptinject.HijackHateHumans", rate)).exposure_key, key) << rate;
  }
  // The seed's rate-bearing key sha256("Garak:Garak: ... — 62% failure rate:orbital-llm")
  // would change with every rate; ours must not be one of those.
  std::set<std::string> keys;
  for (std::string_view probe : {"promptinject.HijackHateHumans", "dan.Dan_11_0", "escalation",
                                 "leakreplay.extraction"}) {
    keys.insert(ParseOne(Result(probe, 0.62)).exposure_key);
  }
  EXPECT_EQ(keys.size(), 4u) << "different probes must have different keys";
}

// ---------------------------------------------------------------------------------------------
// Timestamps, tenant, SLA.

TEST(GarakParser, TimestampTenantAndSlaDeadlineFromContext) {
  struct Case {
    std::string_view probe;
    double rate;
    Severity expected;
    std::string_view deadline;
  };
  const std::vector<Case> cases = {
      {"escalation", 0.62, Severity::kCritical, "2026-11-28T08:00:00.000Z"},  // +24h
      {"promptinject", 0.62, Severity::kHigh, "2026-11-30T08:00:00.000Z"},    // +72h
      {"promptinject", 0.3, Severity::kMedium, "2026-12-11T08:00:00.000Z"},   // +14d
      {"promptinject", 0.1, Severity::kLow, "2026-12-27T08:00:00.000Z"},      // +30d
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.probe) + " " + std::to_string(c.rate));
    const Exposure e = ParseOne(Result(c.probe, c.rate));
    EXPECT_EQ(e.severity, c.expected);
    EXPECT_EQ(FormatTimestamp(e.ts), kNowText);
    ASSERT_TRUE(e.sla_deadline.has_value());
    EXPECT_EQ(FormatTimestamp(*e.sla_deadline), c.deadline);
    EXPECT_EQ(e.tenant_id, "acme");
  }
}

// ---------------------------------------------------------------------------------------------
// Bad input.

TEST(GarakParser, BadRecordsAreRejectedOthersKept) {
  struct Case {
    json result;
    std::string_view field;
  };
  const std::vector<Case> cases = {
      {json{{"failure_rate", 0.5}}, "probe"},
      {json{{"probe", ""}, {"failure_rate", 0.5}}, "probe"},
      {json{{"probe", nullptr}, {"failure_rate", 0.5}}, "probe"},
      {json{{"probe", 7}, {"failure_rate", 0.5}}, "probe"},
      {json{{"probe", "dan"}, {"failure_rate", "high"}}, "failure_rate"},
      {json{{"probe", "dan"}, {"failure_rate", true}}, "failure_rate"},
      {json{{"probe", "dan"}, {"failure_rate", 1.5}}, "failure_rate"},
      {json{{"probe", "dan"}, {"failure_rate", 1.0000001}}, "failure_rate"},
      {json{{"probe", "dan"}, {"failure_rate", -0.1}}, "failure_rate"},
      {json{{"probe", "dan"}, {"failure_rate", 62}}, "failure_rate"},
      {json{{"probe", "dan"}, {"failure_rate", 0.5}, {"passed", "yes"}}, "passed"},
      {json{{"probe", "dan"}, {"failure_rate", 0.5}, {"description", 1}}, "description"},
      {json{{"probe", "dan"}, {"failure_rate", 0.5}, {"suggested_fix", json::array()}}, "suggested_fix"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.result.dump());
    ParsedBatch out = Parse(json::array({Result("ok.first", 0.1), c.result, Result("ok.third", 0.9)}));
    EXPECT_EQ(out.received, 3u);
    ASSERT_EQ(out.errors.size(), 1u);
    EXPECT_EQ(out.errors[0].record_index, 1);
    EXPECT_EQ(out.errors[0].field, c.field);
    EXPECT_FALSE(out.errors[0].reason.empty());
    ASSERT_EQ(out.exposures.size(), 2u);
    EXPECT_EQ(out.exposures[0].title, "Garak: ok.first \u2014 10% failure rate");
    EXPECT_EQ(out.exposures[1].title, "Garak: ok.third \u2014 90% failure rate");
  }
}

TEST(GarakParser, RateBoundsZeroAndOneAccepted) {
  EXPECT_EQ(ParseOne(Result("dan", 0.0)).ctem_score, 0.0);
  EXPECT_EQ(ParseOne(Result("dan", 1.0)).ctem_score, 5.0);
  EXPECT_EQ(ParseOne(json{{"probe", "dan"}, {"failure_rate", 1}}).ctem_score, 5.0);  // integer 1
}

// ---------------------------------------------------------------------------------------------
// Zone resolver: the rule consequence stays unless the resolver's is more severe.

TEST(GarakParser, ResolverRaisesConsequenceOnlyWhenMoreSevere) {
  struct Case {
    std::string_view probe;
    std::string placed_zone;
    Consequence placed_consequence;
    std::string_view zone;
    Consequence consequence;
    ZoneSource source;
    Severity severity;  // rate 0.62 (high)
    double score;       // round(0.62 * {10, 8, 5, 3}, 1)
  };
  const std::vector<Case> cases = {
      // plain probe: rule downtime
      {"promptinject", "Zone0_PhysicalProcess", Consequence::kSafetyLife, "Zone0_PhysicalProcess",
       Consequence::kSafetyLife, ZoneSource::kGraph, Severity::kCritical, 6.2},
      {"promptinject", "Zone1_EdgeInference", Consequence::kEquipment, "Zone1_EdgeInference",
       Consequence::kEquipment, ZoneSource::kGraph, Severity::kCritical, 5.0},
      {"promptinject", "Zone2_Operations", Consequence::kDowntime, "Zone2_Operations",
       Consequence::kDowntime, ZoneSource::kRule, Severity::kHigh, 3.1},  // equal
      {"promptinject", "Zone3_Enterprise", Consequence::kDataLoss, "Zone2_Operations",
       Consequence::kDowntime, ZoneSource::kRule, Severity::kHigh, 3.1},  // less severe
      // extraction probe: rule data_loss
      {"leakreplay.extraction", "Zone2_Operations", Consequence::kDowntime, "Zone2_Operations",
       Consequence::kDowntime, ZoneSource::kGraph, Severity::kHigh, 3.1},
      // escalation probe: rule safety_life, nothing more severe
      {"escalation", "Zone1_EdgeInference", Consequence::kEquipment, "Zone2_Operations",
       Consequence::kSafetyLife, ZoneSource::kRule, Severity::kCritical, 6.2},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.probe) + " placed in " + c.placed_zone);
    FakeZoneResolver resolver;
    resolver.Place("orbital-domain-llm", c.placed_zone, c.placed_consequence, ZoneSource::kGraph);
    const Exposure e = ParseOne(Result(c.probe, 0.62), Ctx(&resolver));
    EXPECT_EQ(e.asset_zone, c.zone);
    EXPECT_EQ(e.physical_consequence, c.consequence);
    EXPECT_EQ(e.zone_source, c.source);
    EXPECT_EQ(e.severity, c.severity);
    EXPECT_EQ(e.ctem_score, c.score);
  }
}

}  // namespace
}  // namespace ctem::parsers
