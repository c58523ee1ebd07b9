// IBM Adversarial Robustness Toolbox results (seed section 4.1, ARTNormaliser): the seed's
// shape, plus our ART run document (parsers/art_native.h), told apart per record by content.
#include "core/exposure_key.h"
#include "parsers/art_native.h"
#include "parsers/json_records.h"
#include "parsers/scoring.h"
#include "parsers/seed_parsers.h"

namespace ctem::parsers {
namespace {

struct AttackRule {
  std::string_view attack_type;
  std::string_view atlas;
  std::string_view threat_model;
};
// The seed's ART_ATLAS_MAP and ART_TM_MAP.
constexpr AttackRule kRules[] = {
    {"evasion", "AML.T0015", "TM-07"},
    {"poisoning", "AML.T0020", "TM-01"},
    {"extraction", "AML.T0044", "TM-12"},
    {"inference", "AML.T0024", "TM-13"},
};

class ArtParser final : public SourceParser {
 public:
  std::string_view Name() const override { return "ibm_art"; }
  void Parse(std::string_view document, const ParseContext& ctx, ParsedBatch& out) const override {
    ArtRunCollector runs;
    ForEachJsonRecord(document, Name(), out, [&](simdjson::dom::object obj, long index) {
      if (IsArtRunDocument(obj)) {
        runs.Add(obj, index, out);
        return;
      }
      RecordReader r(obj, index, out.errors);
      auto attack_type = r.String("attack_type", true);
      auto model = r.String("model_name", true);
      const double success_rate = r.Number("success_rate", false, 0.0, 1.0).value_or(0.0);
      const std::string description = r.StringOr("description", "");
      const std::string defense = r.StringOr("recommended_defense", "");
      if (!r.ok()) return;

      ArtFinding f;
      f.attack_type = *attack_type;
      f.model = *model;
      f.success_rate = success_rate;
      f.description = description;
      f.remediation = defense;
      out.exposures.push_back(BuildArtExposure(f, ctx));
    });
    runs.Emit(ctx, out);
  }
};

}  // namespace

Exposure BuildArtExposure(const ArtFinding& finding, const ParseContext& ctx) {
  return BuildArtExposure(ArtFinding(finding), ctx);
}

Exposure BuildArtExposure(ArtFinding&& finding, const ParseContext& ctx) {
  const std::string& attack_type = finding.attack_type;
  // ART findings against Orbital models: evasion threatens equipment, a poisoned model is
  // a safety risk, anything else is data loss (the seed's rule, unknown types included).
  Consequence consequence = attack_type == "evasion" ? Consequence::kEquipment : Consequence::kDataLoss;
  if (attack_type == "poisoning") consequence = Consequence::kSafetyLife;
  std::string_view atlas;
  std::string_view tm;
  for (const auto& rule : kRules) {
    if (rule.attack_type == attack_type) {
      atlas = rule.atlas;
      tm = rule.threat_model;
    }
  }
  const double rate = finding.success_rate;
  const Exploitability x = ArtExploitability(rate);

  Exposure e;
  e.source_tool = std::string(kArtTool);
  e.title = "ART: " + attack_type + " attack success rate " + PyPercent0(rate) + " on " + finding.model;
  e.description = std::move(finding.description);
  e.original_severity = "success_rate=" + PyFixed2(rate);
  e.asset_id = finding.model;
  e.asset_type = "MLModel";
  PlaceInZone(e, "Zone1_EdgeInference", consequence, ConsequencePolicy::kRuleDriven, ctx);
  e.severity = ComputeCtemSeverity(x, e.physical_consequence);
  e.exploitability_score = rate;
  e.ctem_score = WeightedCtemScore(rate, e.physical_consequence);
  e.atlas_technique = std::string(atlas);
  e.threat_model_ref = std::string(tm);
  e.remediation_guidance = std::move(finding.remediation);
  e.reference_urls = std::move(finding.reference_urls);
  // Erratum 1: keyed on the attack type, not the rate-bearing title.
  e.exposure_key = GenerateExposureKey(kArtTool, attack_type, finding.model);
  StampTimes(e, ctx);
  return e;
}

Exploitability ArtExploitability(double success_rate) {
  if (success_rate > 0.7) return Exploitability::kHigh;
  if (success_rate > 0.3) return Exploitability::kMedium;
  return Exploitability::kLow;
}

std::unique_ptr<SourceParser> MakeArtParser() { return std::make_unique<ArtParser>(); }

}  // namespace ctem::parsers
