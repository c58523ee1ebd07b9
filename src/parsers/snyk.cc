// Snyk SCA findings in the seed's shape (seed section 4.1, SnykNormaliser), and the entry point
// that routes Snyk's native outputs (snyk_native.cc) before falling back to the seed's shape.
#include <algorithm>
#include <array>
#include <cctype>

#include "core/exposure_key.h"
#include "parsers/json_records.h"
#include "parsers/scoring.h"
#include "parsers/seed_parsers.h"
#include "parsers/snyk_native.h"

namespace ctem::parsers {
namespace {

constexpr std::string_view kTool = "Snyk";

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out.append(sep);
    out.append(items[i]);
  }
  return out;
}

class SnykParser final : public SourceParser {
 public:
  std::string_view Name() const override { return "snyk"; }
  void Parse(std::string_view document, const ParseContext& ctx, ParsedBatch& out) const override {
    if (ParseSnykNative(document, ctx, out)) return;
    ForEachJsonRecord(document, Name(), out, [&](simdjson::dom::object obj, long index) {
      NormaliseSeedSnykFinding(obj, index, ctx, out);
    });
  }
};

}  // namespace

Exploitability SnykExploitability(std::string_view upper_severity) {
  if (upper_severity == "CRITICAL" || upper_severity == "HIGH") return Exploitability::kHigh;
  if (upper_severity == "LOW") return Exploitability::kLow;
  return Exploitability::kMedium;
}

void NormaliseSeedSnykFinding(simdjson::dom::object obj, long index, const ParseContext& ctx,
                              ParsedBatch& out) {
  RecordReader r(obj, index, out.errors);
  auto vuln_id = r.String("id", true);
  auto package = r.String("packageName", true);
  const std::string version = r.StringOr("version", "");
  std::string severity = r.StringOr("severity", "medium");
  const std::string description = r.StringOr("description", "");
  auto fixed_in = r.StringList("fixedIn");  // a string or a list of versions
  if (!r.ok()) return;

  std::transform(severity.begin(), severity.end(), severity.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  const bool ml = IsMlPackage(*package);
  const Consequence rule_consequence = ml ? Consequence::kSafetyLife : Consequence::kDataLoss;
  const Exploitability x = SnykExploitability(severity);

  Exposure e;
  e.source_tool = std::string(kTool);
  e.title = "Snyk: " + *vuln_id + " in " + *package + "@" + version;
  e.description = description;
  e.original_severity = severity;
  e.asset_id = *package + "@" + version;
  e.asset_type = "Dependency";
  PlaceInZone(e, "Zone3_Enterprise", rule_consequence, ConsequencePolicy::kRuleDriven, ctx);
  e.severity = ComputeCtemSeverity(x, e.physical_consequence);
  e.exploitability_score = ExploitabilityScore(x);
  e.ctem_score = WeightedCtemScore(ExploitabilityScore(x), e.physical_consequence);
  e.atlas_technique = ml ? "AML.T0010" : "";
  e.attack_technique = "T1195.002";
  e.threat_model_ref = ml ? "TM-05" : "";
  e.remediation_guidance =
      fixed_in && !fixed_in->empty() ? Join(*fixed_in, ", ") : "Upgrade " + *package;
  // The seed keys Snyk on the vulnerability id and the package *without* its version, so
  // an upgrade that still carries the vulnerability updates the same row.
  e.exposure_key = GenerateExposureKey(kTool, *vuln_id, *package);
  StampTimes(e, ctx);
  out.exposures.push_back(std::move(e));
}

bool IsMlPackage(std::string_view package) {
  static constexpr std::array<std::string_view, 8> kMlPackages = {
      "torch", "pytorch", "tensorflow", "onnx", "numpy", "scipy", "pandas", "scikit-learn"};
  const std::string p = Lower(package);
  return std::any_of(kMlPackages.begin(), kMlPackages.end(),
                     [&](std::string_view m) { return p.find(m) != std::string::npos; });
}

std::unique_ptr<SourceParser> MakeSnykParser() { return std::make_unique<SnykParser>(); }

}  // namespace ctem::parsers
