// Garak LLM probe results (seed section 4.1, GarakNormaliser): the seed's shape, plus garak's
// native report.jsonl and hit log (parsers/garak_native.h), auto-detected from content.
#include <algorithm>
#include <cctype>

#include "core/exposure_key.h"
#include "parsers/garak_native.h"
#include "parsers/json_records.h"
#include "parsers/scoring.h"
#include "parsers/seed_parsers.h"

namespace ctem::parsers {
namespace {

// One record of the seed's shape: {"probe", "failure_rate", "passed", "description",
// "suggested_fix"}.
void ParseSeedRecord(simdjson::dom::object obj, long index, const ParseContext& ctx, ParsedBatch& out) {
  RecordReader r(obj, index, out.errors);
  auto probe = r.String("probe", true);
  const double failure_rate = r.Number("failure_rate", false, 0.0, 1.0).value_or(0.0);
  (void)r.Bool("passed");  // read for type checking; the seed does not score it
  const std::string description = r.StringOr("description", "");
  const std::string fix = r.StringOr("suggested_fix", "");
  if (!r.ok()) return;

  GarakFinding f;
  f.probe = *probe;
  f.failure_rate = failure_rate;
  f.description = description;
  f.remediation = fix;
  out.exposures.push_back(BuildGarakExposure(std::move(f), ctx));
}

class GarakParser final : public SourceParser {
 public:
  std::string_view Name() const override { return "garak"; }
  void Parse(std::string_view document, const ParseContext& ctx, ParsedBatch& out) const override {
    if (IsGarakNativeDocument(document)) {
      ParseGarakNative(document, ctx, out, &ParseSeedRecord);
      return;
    }
    ForEachJsonRecord(document, Name(), out, [&](simdjson::dom::object obj, long index) {
      ParseSeedRecord(obj, index, ctx, out);
    });
  }
};

}  // namespace

Exposure BuildGarakExposure(const GarakFinding& finding, const ParseContext& ctx) {
  return BuildGarakExposure(GarakFinding(finding), ctx);
}

Exposure BuildGarakExposure(GarakFinding&& finding, const ParseContext& ctx) {
  // The probe lower-cased into a stack buffer (a heap copy only for very long names).
  char small[128];
  std::string large;
  char* lowered = small;
  if (finding.probe.size() > sizeof(small)) {
    large.resize(finding.probe.size());
    lowered = large.data();
  }
  std::transform(finding.probe.begin(), finding.probe.end(), lowered,
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string_view lower(lowered, finding.probe.size());
  Consequence consequence = Consequence::kDowntime;
  std::string atlas = "AML.T0051";
  std::string tm = "TM-10";
  // Escalation (prompt injection -> prescriptive action) is safety-critical...
  if (lower.find("escalation") != std::string::npos || lower.find("tool_use") != std::string::npos) {
    consequence = Consequence::kSafetyLife;
  }
  // ...and extraction is IP theft; the seed checks it second, so it wins.
  if (lower.find("extraction") != std::string::npos || lower.find("exfiltration") != std::string::npos) {
    consequence = Consequence::kDataLoss;
    atlas = "AML.T0044.001";
    tm = "TM-12";
  }
  const double rate = finding.failure_rate;
  const Exploitability x = GarakExploitability(rate);

  Exposure e;
  e.source_tool = std::string(kGarakTool);
  const std::string percent = PyPercent0(rate);
  constexpr std::string_view kDash = " \u2014 ", kRate = " failure rate";
  e.title.reserve(8 + finding.probe.size() + kDash.size() + percent.size() + kRate.size());
  e.title.append("Garak: ").append(finding.probe).append(kDash).append(percent).append(kRate);
  e.description = std::move(finding.description);
  e.original_severity = "failure_rate=" + PyFixed2(rate);
  e.asset_id = finding.asset;
  e.asset_type = "LLMEndpoint";
  PlaceInZone(e, "Zone2_Operations", consequence, ConsequencePolicy::kRuleDriven, ctx);
  e.severity = ComputeCtemSeverity(x, e.physical_consequence);
  e.exploitability_score = rate;
  e.ctem_score = WeightedCtemScore(rate, e.physical_consequence);
  e.atlas_technique = atlas;
  e.threat_model_ref = tm;
  e.remediation_guidance = std::move(finding.remediation);
  e.reference_urls = std::move(finding.reference_urls);
  // Erratum 1: the title embeds the measured rate, so the key uses the probe instead.
  e.exposure_key = GenerateExposureKey(kGarakTool, finding.probe, finding.asset);
  StampTimes(e, ctx);
  return e;
}

Exploitability GarakExploitability(double failure_rate) {
  if (failure_rate > 0.5) return Exploitability::kHigh;
  if (failure_rate > 0.2) return Exploitability::kMedium;
  return Exploitability::kLow;
}

std::unique_ptr<SourceParser> MakeGarakParser() { return std::make_unique<GarakParser>(); }

}  // namespace ctem::parsers
