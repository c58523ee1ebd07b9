// Wiz native formats (docs/formats/wiz.md): the Issues CSV export, the vulnerability-findings
// CSV export, `wizcli` scan JSON and the automation-rule webhook body, beside the seed's shape
// (wiz.cc). Every format is scored by the seed's Wiz rules and keyed by the seed's formula
// sha256("Wiz:<title>:<asset id>")[:16]; these helpers are shared by wiz.cc, wiz_csv.cc and
// wiz_json.cc and are internal to the Wiz parser.
//
// Thread-safety: pure functions.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

#include "core/records.h"
#include "parsers/parser.h"

namespace ctem::parsers::wiz {

inline constexpr std::string_view kTool = "Wiz";

// Wiz's workflow status mapped to ours: OPEN -> Open, IN_PROGRESS -> InProgress, RESOLVED,
// REJECTED and IGNORED -> Closed. Case, spaces and hyphens do not matter ("In Progress",
// "Resolved"). Anything else -> nullopt (the tool's status is then not used).
std::optional<ExposureStatus> MapStatus(std::string_view wiz_status);

// Fills source_tool, zone and consequence (PlaceInZone, zone-driven: the resolver wins),
// CTEM severity, exploitability and score from e.original_severity (the seed's Wiz rules),
// the exposure key from e.title and e.asset_id, and the timestamps. `rule_zone` is the zone
// from a zone tag or ClassifyWizZone.
void Score(Exposure& e, std::string_view rule_zone, const ParseContext& ctx);

// The first problem found in one record (one ParseError per rejected record).
struct FieldError {
  bool set = false;
  std::string field;
  std::string reason;
  void Set(std::string f, std::string r) {
    if (set) return;
    set = true;
    field = std::move(f);
    reason = std::move(r);
  }
};

// Looks for a zone tag (key zone, ctem_zone or asset_zone, any case) in Wiz resource tags:
// an object {"zone": "Zone1_EdgeInference", ...}, a list of {"key": ..., "value": ...}
// pairs or of "key=value" strings, or a string holding such JSON. Sets `zone` when a tag
// names a known zone. A tag naming no known zone, or tags of another shape, set `err`
// (field `<prefix>` or `<prefix>.<key>`).
void ZoneFromTags(simdjson::dom::element tags, std::string_view prefix, std::string& zone, FieldError& err);
// The same for tags given as JSON text (a CSV cell); blank text has no tags.
void ZoneFromTagsText(std::string_view text, std::string_view prefix, std::string& zone, FieldError& err);

// Facts about one vulnerable package, for the description and remediation of CSV and
// wizcli vulnerability findings.
struct VulnFacts {
  std::string id;       // CVE-2024-5535, GHSA-...
  std::string package;  // libcrypto3
  std::string version;  // installed version
  std::string fixed_version;
  std::string location;   // file path, when known
  std::string detection;  // OS / Library / PACKAGE / LIBRARY
  std::optional<double> cvss;
  bool has_exploit = false;
  bool cisa_kev = false;
  std::string vendor_text;  // Wiz's own description, if any
};
// "<id> in <package>" (or the id alone): the title, and so the key's identity. The installed
// version is left out so that a rescan after a partial upgrade keeps the key.
std::string VulnTitle(std::string_view id, std::string_view package);
std::string DescribeVuln(const VulnFacts& v);
// "Upgrade <package> to <fixed> or later." or "" when no fix is known.
std::string UpgradeAdvice(const VulnFacts& v);
// Whether `id` is a CVE identifier (CVE-YYYY-NNNN...).
bool IsCveId(std::string_view id);

// Issues CSV or vulnerability CSV. Returns false, touching nothing, when the document's first
// record is not a Wiz CSV header (the caller then reports it as malformed JSON).
bool ParseCsv(std::string_view document, const ParseContext& ctx, ParsedBatch& out);

// `wizcli` scan result ({"result": {"osPackages": [...], "libraries": [...], "secrets": [...]}}).
bool IsWizCliDocument(simdjson::dom::object root);
void ParseWizCli(simdjson::dom::object root, const ParseContext& ctx, ParsedBatch& out);

// Automation-rule webhook body {"trigger", "issue", "resource", "control"}.
bool IsWebhookBody(simdjson::dom::object record);
bool NormaliseWebhook(simdjson::dom::object record, const ParseContext& ctx, Exposure& e, FieldError& err);

}  // namespace ctem::parsers::wiz
