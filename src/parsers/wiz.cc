// Wiz CSPM findings in the seed's shape (seed section 4.1, WizNormaliser).
#include <algorithm>
#include <cctype>

#include "core/exposure_key.h"
#include "parsers/json_records.h"
#include "parsers/scoring.h"
#include "parsers/seed_parsers.h"

namespace ctem::parsers {
namespace {

constexpr std::string_view kTool = "Wiz";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool ContainsAny(const std::string& haystack, std::initializer_list<std::string_view> needles) {
  return std::any_of(needles.begin(), needles.end(),
                     [&](std::string_view n) { return haystack.find(n) != std::string::npos; });
}

}  // namespace

std::string ClassifyWizZone(std::string_view entity_name) {
  const std::string name = Lower(std::string(entity_name));
  if (ContainsAny(name, {"edge", "orbital-inference", "ot-"})) return "Zone1_EdgeInference";
  if (ContainsAny(name, {"databricks", "training", "mlflow"})) return "Zone3_Enterprise";
  if (ContainsAny(name, {"demo", "public"})) return "Zone4_External";
  return "Zone3_Enterprise";
}

Exploitability WizExploitability(std::string_view severity) {
  const std::string s = Lower(std::string(severity));
  if (s == "critical" || s == "high") return Exploitability::kHigh;
  if (s == "low" || s == "informational") return Exploitability::kLow;
  return Exploitability::kMedium;  // MEDIUM, and the seed's default for anything else
}

bool NormaliseWizFinding(RecordReader& r, const ParseContext& ctx, Exposure& e) {
  auto title = r.String("title", true);
  auto asset = r.String("entityExternalId", true);
  e.asset_type = r.StringOr("entityType", "CloudResource");
  const std::string entity_name = r.StringOr("entityName", "");
  e.original_severity = r.StringOr("severity", "MEDIUM");
  e.description = r.StringOr("description", "");
  e.attack_technique = r.StringOr("mitreTechnique", "");
  e.remediation_guidance = r.StringOr("remediation", "");
  e.evidence_url = r.StringOr("detailsUrl", "");

  // A tag may name the zone outright; it wins over the name heuristics.
  std::string zone = ClassifyWizZone(entity_name);
  if (auto tags = r.Object("tags")) {
    for (auto [key, value] : *tags) {
      const std::string k = Lower(std::string(key));
      if (k != "zone" && k != "ctem_zone" && k != "asset_zone") continue;
      std::string_view tagged;
      if (value.get_string().get(tagged) != simdjson::SUCCESS || !IsKnownZone(tagged)) {
        r.AddError("tags." + std::string(key),
                   "not a known zone (expected one of Zone0_PhysicalProcess, Zone1_EdgeInference, "
                   "Zone2_Operations, Zone3_Enterprise, Zone4_External)");
        break;
      }
      zone = std::string(tagged);
    }
  }
  if (!r.ok()) return false;

  e.source_tool = std::string(kTool);
  e.title = *title;
  e.asset_id = *asset;
  PlaceInZone(e, zone, StaticZoneConsequence(zone), ConsequencePolicy::kZoneDriven, ctx);
  const Exploitability x = WizExploitability(e.original_severity);
  e.severity = ComputeCtemSeverity(x, e.physical_consequence);
  e.exploitability_score = ExploitabilityScore(x);
  e.ctem_score = WizCtemScore(x, e.physical_consequence);
  e.exposure_key = GenerateExposureKey(kTool, e.title, e.asset_id);
  StampTimes(e, ctx);
  return true;
}

namespace {

class WizParser final : public SourceParser {
 public:
  std::string_view Name() const override { return "wiz"; }
  void Parse(std::string_view document, const ParseContext& ctx, ParsedBatch& out) const override {
    ForEachJsonRecord(document, Name(), out, [&](simdjson::dom::object obj, long index) {
      RecordReader r(obj, index, out.errors);
      Exposure e;
      if (NormaliseWizFinding(r, ctx, e)) out.exposures.push_back(std::move(e));
    });
  }
};

}  // namespace

std::unique_ptr<SourceParser> MakeWizParser() { return std::make_unique<WizParser>(); }

}  // namespace ctem::parsers
