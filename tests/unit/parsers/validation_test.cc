// Unit tests of the validation (red-team / adversarial test results, seed section 6.1
// ValidationResult) and remediation (seed section 2.1 ctem_remediations) parsers.
// Defaults are the seed's column defaults.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "parsers/parser.h"

namespace ctem::parsers {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr std::string_view kNowText = "2026-11-27T08:00:00.000Z";

ParseContext Ctx() {
  ParseContext ctx;
  ctx.now = std::chrono::sys_days{2026y / std::chrono::November / 27} + 8h;
  ctx.tenant_id = "acme";
  return ctx;
}

ParsedBatch Parse(std::string_view source, const json& document) {
  const SourceParser* parser = FindParser(source);
  EXPECT_NE(parser, nullptr) << source;
  ParsedBatch out;
  if (parser != nullptr) parser->Parse(document.dump(), Ctx(), out);
  return out;
}

json MinimalValidation() {
  return json{{"validation_id", "VAL-001"},
              {"exposure_id", "6f225cb1cbcc157e"},
              {"campaign_id", "RT-2026-Q4"},
              {"validation_type", "manual_red_team"}};
}

json MinimalRemediation() {
  return json{{"remediation_id", "REM-001"},
              {"exposure_id", "6f225cb1cbcc157e"},
              {"assigned_to", "alice@orbital"}};
}

std::string FirstError(const ParsedBatch& out) {
  return out.errors.empty() ? "" : out.errors[0].field + ": " + out.errors[0].reason;
}

// ---------------------------------------------------------------------------------------------
// Validation.

TEST(ValidationParser, CopiesEveryField) {
  const json record = {{"validation_id", "VAL-001"},
                       {"exposure_id", "6f225cb1cbcc157e"},
                       {"campaign_id", "RT-2026-Q4"},
                       {"ts", "2026-11-20T10:30:00+02:00"},
                       {"validation_type", "adversarial_ml"},
                       {"exploitable", true},
                       {"exploit_complexity", "low"},
                       {"attack_path", "VPN -> jump host -> edge node"},
                       {"physical_consequence_demonstrated", true},
                       {"detection_evaded", true},
                       {"detection_rules_tested", json::array({"ATLAS-DETECT-001", "ATLAS-DETECT-004"})},
                       {"detection_gaps", json::array({"AML.T0015"})},
                       {"tester", "red-team-1"},
                       {"evidence_url", "https://evidence/val-001"}};
  const ParsedBatch out = Parse("validation", json::array({record}));
  ASSERT_TRUE(out.errors.empty()) << FirstError(out);
  EXPECT_EQ(out.received, 1u);
  EXPECT_TRUE(out.exposures.empty());
  ASSERT_EQ(out.validations.size(), 1u);
  const Validation& v = out.validations[0];
  EXPECT_EQ(v.validation_id, "VAL-001");
  EXPECT_EQ(v.exposure_id, "6f225cb1cbcc157e");
  EXPECT_EQ(v.campaign_id, "RT-2026-Q4");
  EXPECT_EQ(FormatTimestamp(v.ts), "2026-11-20T08:30:00.000Z");
  EXPECT_EQ(v.validation_type, "adversarial_ml");
  EXPECT_TRUE(v.exploitable);
  EXPECT_EQ(v.exploit_complexity, "low");
  EXPECT_EQ(v.attack_path, "VPN -> jump host -> edge node");
  EXPECT_TRUE(v.physical_consequence_demonstrated);
  EXPECT_TRUE(v.detection_evaded);
  EXPECT_EQ(v.detection_rules_tested, (std::vector<std::string>{"ATLAS-DETECT-001", "ATLAS-DETECT-004"}));
  EXPECT_EQ(v.detection_gaps, (std::vector<std::string>{"AML.T0015"}));
  EXPECT_EQ(v.tester, "red-team-1");
  EXPECT_EQ(v.evidence_url, "https://evidence/val-001");
  EXPECT_EQ(v.tenant_id, "acme");
}

TEST(ValidationParser, OptionalFieldsTakeTheSeedsDefaults) {
  const ParsedBatch out = Parse("validation", MinimalValidation());
  ASSERT_TRUE(out.errors.empty()) << FirstError(out);
  ASSERT_EQ(out.validations.size(), 1u);
  const Validation& v = out.validations[0];
  EXPECT_FALSE(v.exploitable);
  EXPECT_EQ(v.exploit_complexity, "unknown");
  EXPECT_EQ(v.attack_path, "");
  EXPECT_FALSE(v.physical_consequence_demonstrated);
  EXPECT_FALSE(v.detection_evaded);
  EXPECT_TRUE(v.detection_rules_tested.empty());
  EXPECT_TRUE(v.detection_gaps.empty());
  EXPECT_EQ(v.tester, "");
  EXPECT_EQ(v.evidence_url, "");
  EXPECT_EQ(FormatTimestamp(v.ts), kNowText);  // DEFAULT NOW(), i.e. the context's now
  EXPECT_EQ(v.tenant_id, "acme");
}

TEST(ValidationParser, SingleStringDetectionListIsOneElement) {
  json record = MinimalValidation();
  record["detection_gaps"] = "AML.T0051";
  const ParsedBatch out = Parse("validation", record);
  ASSERT_EQ(out.validations.size(), 1u) << FirstError(out);
  EXPECT_EQ(out.validations[0].detection_gaps, (std::vector<std::string>{"AML.T0051"}));
}

TEST(ValidationParser, EveryValidationTypeAndComplexityAccepted) {
  for (std::string_view type : {"automated", "manual_red_team", "adversarial_ml", "full_campaign"}) {
    for (std::string_view complexity : {"low", "medium", "high", "unknown"}) {
      SCOPED_TRACE(std::string(type) + " / " + std::string(complexity));
      json record = MinimalValidation();
      record["validation_type"] = type;
      record["exploit_complexity"] = complexity;
      const ParsedBatch out = Parse("validation", record);
      ASSERT_EQ(out.validations.size(), 1u) << FirstError(out);
      EXPECT_EQ(out.validations[0].validation_type, type);
      EXPECT_EQ(out.validations[0].exploit_complexity, complexity);
    }
  }
}

TEST(ValidationParser, BadRecordsAreRejectedOthersKept) {
  struct Case {
    std::string field;
    std::optional<json> value;  // nullopt: remove the field
  };
  const std::vector<Case> cases = {
      {"validation_id", std::nullopt},
      {"exposure_id", std::nullopt},
      {"campaign_id", std::nullopt},
      {"validation_type", std::nullopt},
      {"validation_id", json("")},
      {"validation_type", json("pentest")},
      {"validation_type", json("Automated")},
      {"exploit_complexity", json("trivial")},
      {"exploitable", json("yes")},
      {"detection_evaded", json(1)},
      {"physical_consequence_demonstrated", json("true")},
      {"detection_rules_tested", json::array({1, 2})},
      {"detection_gaps", json(5)},
      {"ts", json("yesterday")},
      {"ts", json("2026-02-30T00:00:00Z")},
      {"ts", json(1732694400)},
      {"tester", json(false)},
  };
  for (const Case& c : cases) {
    json bad = MinimalValidation();
    if (c.value) {
      bad[c.field] = *c.value;
    } else {
      bad.erase(c.field);
    }
    SCOPED_TRACE(bad.dump());
    json good = MinimalValidation();
    good["validation_id"] = "VAL-002";
    const ParsedBatch out = Parse("validation", json::array({bad, good}));
    EXPECT_EQ(out.received, 2u);
    ASSERT_EQ(out.errors.size(), 1u);
    EXPECT_EQ(out.errors[0].record_index, 0);
    EXPECT_EQ(out.errors[0].field, c.field);
    EXPECT_FALSE(out.errors[0].reason.empty());
    ASSERT_EQ(out.validations.size(), 1u);
    EXPECT_EQ(out.validations[0].validation_id, "VAL-002");
  }
}

TEST(ValidationParser, AcceptsGatewayPayloadAndRedTeamAlias) {
  const json payload = {{"source_tool", "red_team"}, {"findings", json::array({MinimalValidation()})}};
  for (std::string_view source : {"validation", "red_team"}) {
    const ParsedBatch out = Parse(source, payload);
    EXPECT_TRUE(out.errors.empty()) << FirstError(out);
    EXPECT_EQ(out.validations.size(), 1u);
  }
}

// ---------------------------------------------------------------------------------------------
// Remediation.

TEST(RemediationParser, CopiesEveryField) {
  const json record = {{"remediation_id", "REM-001"},
                       {"exposure_id", "6f225cb1cbcc157e"},
                       {"ts", "2026-11-26T12:00:00Z"},
                       {"status", "FixDeployed"},
                       {"assigned_to", "alice@orbital"},
                       {"assigned_date", "2026-11-20T09:00:00Z"},
                       {"sla_deadline", "2026-11-23T09:00:00Z"},
                       {"fix_deployed_date", "2026-11-25"},
                       {"verified_date", "2026-11-26T12:00:00.250Z"},
                       {"verified_by", "bob"},
                       {"sla_breached", true},
                       {"escalation_level", "L2"},
                       {"fix_description", "Blocked public access"},
                       {"pull_request_url", "https://git/pr/42"}};
  const ParsedBatch out = Parse("remediation", json::array({record}));
  ASSERT_TRUE(out.errors.empty()) << FirstError(out);
  ASSERT_EQ(out.remediations.size(), 1u);
  const Remediation& m = out.remediations[0];
  EXPECT_EQ(m.remediation_id, "REM-001");
  EXPECT_EQ(m.exposure_id, "6f225cb1cbcc157e");
  EXPECT_EQ(FormatTimestamp(m.ts), "2026-11-26T12:00:00.000Z");
  EXPECT_EQ(m.status, ExposureStatus::kFixDeployed);
  EXPECT_EQ(m.assigned_to, "alice@orbital");
  EXPECT_EQ(FormatTimestamp(m.assigned_date), "2026-11-20T09:00:00.000Z");
  ASSERT_TRUE(m.sla_deadline.has_value());
  EXPECT_EQ(FormatTimestamp(*m.sla_deadline), "2026-11-23T09:00:00.000Z");
  ASSERT_TRUE(m.fix_deployed_date.has_value());
  EXPECT_EQ(FormatTimestamp(*m.fix_deployed_date), "2026-11-25T00:00:00.000Z");
  ASSERT_TRUE(m.verified_date.has_value());
  EXPECT_EQ(FormatTimestamp(*m.verified_date), "2026-11-26T12:00:00.250Z");
  EXPECT_EQ(m.verified_by, "bob");
  EXPECT_TRUE(m.sla_breached);
  EXPECT_EQ(m.escalation_level, "L2");
  EXPECT_EQ(m.fix_description, "Blocked public access");
  EXPECT_EQ(m.pull_request_url, "https://git/pr/42");
  EXPECT_EQ(m.tenant_id, "acme");
}

TEST(RemediationParser, OptionalFieldsTakeTheSeedsDefaults) {
  const ParsedBatch out = Parse("remediation", MinimalRemediation());
  ASSERT_TRUE(out.errors.empty()) << FirstError(out);
  ASSERT_EQ(out.remediations.size(), 1u);
  const Remediation& m = out.remediations[0];
  EXPECT_EQ(m.status, ExposureStatus::kOpen);  // DEFAULT 'Assigned'
  EXPECT_EQ(FormatTimestamp(m.ts), kNowText);
  EXPECT_EQ(FormatTimestamp(m.assigned_date), kNowText);
  EXPECT_FALSE(m.sla_deadline.has_value());
  EXPECT_FALSE(m.fix_deployed_date.has_value());
  EXPECT_FALSE(m.verified_date.has_value());
  EXPECT_EQ(m.verified_by, "");
  EXPECT_FALSE(m.sla_breached);
  EXPECT_EQ(m.escalation_level, "");
  EXPECT_EQ(m.fix_description, "");
  EXPECT_EQ(m.pull_request_url, "");
  EXPECT_EQ(m.tenant_id, "acme");
}

TEST(RemediationParser, AssignedDateDefaultsToTs) {
  json record = MinimalRemediation();
  record["ts"] = "2026-11-01T00:00:00Z";
  const ParsedBatch out = Parse("remediation", record);
  ASSERT_EQ(out.remediations.size(), 1u) << FirstError(out);
  EXPECT_EQ(FormatTimestamp(out.remediations[0].assigned_date), "2026-11-01T00:00:00.000Z");
}

TEST(RemediationParser, EveryStatusName) {
  struct Case {
    std::string_view text;
    ExposureStatus expected;
  };
  const std::vector<Case> cases = {
      {"Assigned", ExposureStatus::kOpen},          {"Open", ExposureStatus::kOpen},
      {"InProgress", ExposureStatus::kInProgress},  {"FixDeployed", ExposureStatus::kFixDeployed},
      {"Verified", ExposureStatus::kVerified},      {"Closed", ExposureStatus::kClosed},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.text));
    json record = MinimalRemediation();
    record["status"] = c.text;
    const ParsedBatch out = Parse("remediation", record);
    ASSERT_EQ(out.remediations.size(), 1u) << FirstError(out);
    EXPECT_EQ(out.remediations[0].status, c.expected);
  }
}

TEST(RemediationParser, BadRecordsAreRejectedOthersKept) {
  struct Case {
    std::string field;
    std::optional<json> value;  // nullopt: remove the field
  };
  const std::vector<Case> cases = {
      {"remediation_id", std::nullopt},
      {"exposure_id", std::nullopt},
      {"assigned_to", std::nullopt},
      {"assigned_to", json("")},
      {"status", json("Reopened")},
      {"status", json(3)},
      {"ts", json("not a date")},
      {"assigned_date", json("2026-13-01")},
      {"sla_deadline", json("2026-01-01T25:00")},
      {"fix_deployed_date", json(20261125)},
      {"verified_date", json("tomorrow")},
      {"sla_breached", json("no")},
  };
  for (const Case& c : cases) {
    json bad = MinimalRemediation();
    if (c.value) {
      bad[c.field] = *c.value;
    } else {
      bad.erase(c.field);
    }
    SCOPED_TRACE(bad.dump());
    json good = MinimalRemediation();
    good["remediation_id"] = "REM-002";
    const ParsedBatch out = Parse("remediation", json::array({bad, good}));
    EXPECT_EQ(out.received, 2u);
    ASSERT_EQ(out.errors.size(), 1u);
    EXPECT_EQ(out.errors[0].record_index, 0);
    EXPECT_EQ(out.errors[0].field, c.field);
    ASSERT_EQ(out.remediations.size(), 1u);
    EXPECT_EQ(out.remediations[0].remediation_id, "REM-002");
  }
}

}  // namespace
}  // namespace ctem::parsers
