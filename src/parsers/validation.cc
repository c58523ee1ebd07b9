// Red-team and adversarial-testing results: the seed's ValidationResult (section 6.1), one
// JSON object per test, landing in ctem_validations.
#include <algorithm>
#include <array>

#include "parsers/json_records.h"
#include "parsers/seed_parsers.h"

namespace ctem::parsers {
namespace {

std::optional<Timestamp> OptionalTime(RecordReader& r, std::string_view field) {
  auto text = r.String(field);
  if (!text) return std::nullopt;
  auto t = ParseTimestamp(*text);
  if (!t) {
    r.AddError(field, t.error().message);
    return std::nullopt;
  }
  return *t;
}

class ValidationParser final : public SourceParser {
 public:
  std::string_view Name() const override { return "validation"; }
  void Parse(std::string_view document, const ParseContext& ctx, ParsedBatch& out) const override {
    static constexpr std::array<std::string_view, 4> kTypes = {"automated", "manual_red_team",
                                                               "adversarial_ml", "full_campaign"};
    static constexpr std::array<std::string_view, 4> kComplexities = {"low", "medium", "high",
                                                                      "unknown"};
    ForEachJsonRecord(document, Name(), out, [&](simdjson::dom::object obj, long index) {
      RecordReader r(obj, index, out.errors);
      Validation v;
      auto id = r.String("validation_id", true);
      auto exposure = r.String("exposure_id", true);
      auto campaign = r.String("campaign_id", true);
      auto type = r.String("validation_type", true);
      v.exploitable = r.Bool("exploitable").value_or(false);
      v.exploit_complexity = r.StringOr("exploit_complexity", "unknown");
      v.attack_path = r.StringOr("attack_path", "");
      v.physical_consequence_demonstrated = r.Bool("physical_consequence_demonstrated").value_or(false);
      v.detection_evaded = r.Bool("detection_evaded").value_or(false);
      v.detection_rules_tested = r.StringList("detection_rules_tested").value_or(std::vector<std::string>{});
      v.detection_gaps = r.StringList("detection_gaps").value_or(std::vector<std::string>{});
      v.tester = r.StringOr("tester", "");
      v.evidence_url = r.StringOr("evidence_url", "");
      auto ts = OptionalTime(r, "ts");
      if (type && std::find(kTypes.begin(), kTypes.end(), *type) == kTypes.end()) {
        r.AddError("validation_type",
                   "unknown type '" + *type + "' (expected automated, manual_red_team, adversarial_ml or full_campaign)");
      }
      if (std::find(kComplexities.begin(), kComplexities.end(), v.exploit_complexity) == kComplexities.end()) {
        r.AddError("exploit_complexity", "unknown complexity '" + v.exploit_complexity +
                                             "' (expected low, medium, high or unknown)");
      }
      if (!r.ok()) return;
      v.validation_id = *id;
      v.exposure_id = *exposure;
      v.campaign_id = *campaign;
      v.validation_type = *type;
      v.ts = ts.value_or(ctx.now);
      v.tenant_id = ctx.tenant_id;
      out.validations.push_back(std::move(v));
    });
  }
};

class RemediationParser final : public SourceParser {
 public:
  std::string_view Name() const override { return "remediation"; }
  void Parse(std::string_view document, const ParseContext& ctx, ParsedBatch& out) const override {
    ForEachJsonRecord(document, Name(), out, [&](simdjson::dom::object obj, long index) {
      RecordReader r(obj, index, out.errors);
      Remediation m;
      auto id = r.String("remediation_id", true);
      auto exposure = r.String("exposure_id", true);
      auto assignee = r.String("assigned_to", true);
      const std::string status = r.StringOr("status", "Assigned");
      auto ts = OptionalTime(r, "ts");
      auto assigned = OptionalTime(r, "assigned_date");
      m.sla_deadline = OptionalTime(r, "sla_deadline");
      m.fix_deployed_date = OptionalTime(r, "fix_deployed_date");
      m.verified_date = OptionalTime(r, "verified_date");
      m.verified_by = r.StringOr("verified_by", "");
      m.sla_breached = r.Bool("sla_breached").value_or(false);
      m.escalation_level = r.StringOr("escalation_level", "");
      m.fix_description = r.StringOr("fix_description", "");
      m.pull_request_url = r.StringOr("pull_request_url", "");
      auto parsed_status = ParseExposureStatus(status);
      if (!parsed_status) r.AddError("status", parsed_status.error().message);
      if (!r.ok()) return;
      m.remediation_id = *id;
      m.exposure_id = *exposure;
      m.assigned_to = *assignee;
      m.status = *parsed_status;
      m.ts = ts.value_or(ctx.now);
      m.assigned_date = assigned.value_or(m.ts);
      m.tenant_id = ctx.tenant_id;
      out.remediations.push_back(std::move(m));
    });
  }
};

}  // namespace

std::unique_ptr<SourceParser> MakeValidationParser() { return std::make_unique<ValidationParser>(); }
std::unique_ptr<SourceParser> MakeRemediationParser() { return std::make_unique<RemediationParser>(); }

}  // namespace ctem::parsers
