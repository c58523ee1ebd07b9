// Wiz CSPM findings (seed section 4.1, WizNormaliser): the seed's shape, and the entry point
// that recognises Wiz's native formats from the content (docs/formats/wiz.md):
//  - JSON whose root object has a "result" object: a `wizcli` scan (wiz_json.cc);
//  - other JSON (object, array, gateway payload, JSON Lines): one finding per record, each
//    either an automation-rule webhook body (has an "issue" object beside "trigger",
//    "resource" or "control"; wiz_json.cc) or the seed's shape (below);
//  - anything else whose first CSV record is a Wiz export header: the Issues CSV or the
//    vulnerability-findings CSV (wiz_csv.cc).
#include <algorithm>
#include <cctype>

#include "core/exposure_key.h"
#include "parsers/json_records.h"
#include "parsers/scoring.h"
#include "parsers/seed_parsers.h"
#include "parsers/wiz_native.h"

namespace ctem::parsers {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

std::string_view WizZoneRule(std::string_view entity_name) {
  // The name lower-cased into a stack buffer (a heap copy only for very long names): this runs
  // for every Wiz and custom finding.
  char small[256];
  std::string large;
  char* lower = small;
  if (entity_name.size() > sizeof(small)) {
    large.resize(entity_name.size());
    lower = large.data();
  }
  std::transform(entity_name.begin(), entity_name.end(), lower,
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string_view name(lower, entity_name.size());
  const auto contains_any = [&](std::initializer_list<std::string_view> needles) {
    return std::any_of(needles.begin(), needles.end(),
                       [&](std::string_view n) { return name.find(n) != std::string_view::npos; });
  };
  if (contains_any({"edge", "orbital-inference", "ot-"})) return "Zone1_EdgeInference";
  if (contains_any({"databricks", "training", "mlflow"})) return "Zone3_Enterprise";
  if (contains_any({"demo", "public"})) return "Zone4_External";
  return "Zone3_Enterprise";
}

std::string ClassifyWizZone(std::string_view entity_name) { return std::string(WizZoneRule(entity_name)); }

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

  e.title = *title;
  e.asset_id = *asset;
  wiz::Score(e, zone, ctx);
  return true;
}

namespace wiz {

void Score(Exposure& e, std::string_view rule_zone, const ParseContext& ctx) {
  e.source_tool = std::string(kTool);
  PlaceInZone(e, rule_zone, StaticZoneConsequence(rule_zone), ConsequencePolicy::kZoneDriven, ctx);
  const Exploitability x = WizExploitability(e.original_severity);
  e.severity = ComputeCtemSeverity(x, e.physical_consequence);
  e.exploitability_score = ExploitabilityScore(x);
  e.ctem_score = WizCtemScore(x, e.physical_consequence);
  e.exposure_key = GenerateExposureKey(kTool, e.title, e.asset_id);
  StampTimes(e, ctx);
}

}  // namespace wiz

namespace {

class WizParser final : public SourceParser {
 public:
  std::string_view Name() const override { return "wiz"; }
  void Parse(std::string_view document, const ParseContext& ctx, ParsedBatch& out) const override {
    if (document.starts_with("\xEF\xBB\xBF")) document.remove_prefix(3);  // a UTF-8 byte-order mark
    const size_t first = document.find_first_not_of(" \t\r\n");
    const bool json = first != std::string_view::npos && (document[first] == '{' || document[first] == '[');
    if (!json) {
      if (wiz::ParseCsv(document, ctx, out)) return;
      const size_t before = out.errors.size();
      ParseRecords(document, ctx, out);  // not CSV either: report it as JSON would be
      for (size_t i = before; i < out.errors.size(); ++i) {
        if (out.errors[i].record_index != -1) continue;
        out.errors[i].reason +=
            "; nor is it a Wiz CSV export (its first line must be a header with the column "
            "'Title' (Issues export) or 'Name' with 'DetailedName', 'FindingStatus' or 'VendorSeverity' "
            "(vulnerability-findings export))";
      }
      return;
    }
    // Parsed once: the root tells a wizcli scan from records (JSON Lines fail here and are
    // split into lines by ForEachJsonRecord).
    PooledJsonParser parser;
    simdjson::dom::element root;
    const simdjson::error_code code = parser.Parse(document, root);
    simdjson::dom::object root_object;
    if (code == simdjson::SUCCESS && root.get_object().get(root_object) == simdjson::SUCCESS &&
        wiz::IsWizCliDocument(root_object)) {
      wiz::ParseWizCli(root_object, ctx, out);
      return;
    }
    ForEachJsonRecord(document, code, root, Name(), out, Each(ctx, out));
  }

 private:
  void ParseRecords(std::string_view document, const ParseContext& ctx, ParsedBatch& out) const {
    ForEachJsonRecord(document, Name(), out, Each(ctx, out));
  }

  // One finding per JSON record: a webhook body or the seed's shape.
  static std::function<void(simdjson::dom::object, long)> Each(const ParseContext& ctx, ParsedBatch& out) {
    return [&ctx, &out](simdjson::dom::object obj, long index) {
      Exposure e;
      if (wiz::IsWebhookBody(obj)) {
        wiz::FieldError err;
        if (wiz::NormaliseWebhook(obj, ctx, e, err)) {
          out.exposures.push_back(std::move(e));
        } else {
          out.errors.push_back({index, err.field, err.reason});
        }
        return;
      }
      RecordReader r(obj, index, out.errors);
      if (NormaliseWizFinding(r, ctx, e)) out.exposures.push_back(std::move(e));
    };
  }
};

}  // namespace

std::unique_ptr<SourceParser> MakeWizParser() {
  return std::make_unique<WizParser>();
}

}  // namespace ctem::parsers
