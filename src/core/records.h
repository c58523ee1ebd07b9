// The three normalised records of the CTEM tables (seed section 2.1): an exposure, a
// validation (red-team / adversarial test result) and a remediation.
//
// Field names are the seed's column names so that JSON, CSV and SQL agree without a mapping
// table. Timestamps are UTC (core/time.h).
//
// Thread-safety: plain values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/time.h"

namespace ctem {

inline constexpr std::string_view kDefaultTenant = "default";

// Where an exposure's zone (and so its consequence) came from. The dashboard explains a score
// with it; "graph" once the Neo4j resolver answered, "fallback" when it could not.
enum class ZoneSource { kRule, kStatic, kFile, kGraph, kFallback };
std::string_view ZoneSourceName(ZoneSource s);
ZoneSource ParseZoneSource(std::string_view s);  // unknown -> kRule

struct Exposure {
  std::string exposure_key;
  Timestamp ts{};  // last seen (erratum 2)
  std::string source_tool;
  std::string title;
  std::string description;
  Severity severity = Severity::kMedium;  // from the consequence-weighted matrix
  std::string original_severity;          // the tool's own severity, as the tool said it
  std::string asset_id;
  std::string asset_type;
  std::string asset_zone;
  double exploitability_score = 0;  // 0.0 - 1.0
  Consequence physical_consequence = Consequence::kDataLoss;
  double ctem_score = 0;  // 0.0 - 10.0
  std::string atlas_technique;
  std::string attack_technique;
  std::string threat_model_ref;
  ExposureStatus status = ExposureStatus::kOpen;
  std::string assigned_to;
  std::optional<Timestamp> sla_deadline;
  std::string remediation_guidance;
  std::string evidence_url;
  std::string tenant_id = std::string(kDefaultTenant);
  ZoneSource zone_source = ZoneSource::kRule;

  // What a triage meeting needs beyond the seed's columns (native formats fill them).
  std::vector<std::string> cve_ids;         // e.g. "CVE-2024-3094"
  std::vector<std::string> cwe_ids;         // e.g. "CWE-79"
  std::vector<std::string> reference_urls;  // advisories, docs
  // The MITRE ATLAS technique that `atlas_technique` (the seed's ID, kept exactly) corresponds
  // to in ATLAS itself, and its official name; empty when the seed's ID has no ATLAS
  // counterpart (a non-standard ID, flagged in reports).
  std::string atlas_official_id;
  std::string atlas_official_name;
  // The tool's own workflow state when it reports one (e.g. Wiz RESOLVED), already mapped
  // to ours; nullopt when the tool says nothing.
  std::optional<ExposureStatus> tool_status;
};

struct Validation {
  std::string validation_id;
  std::string exposure_id;  // an exposure_key
  std::string campaign_id;
  Timestamp ts{};
  std::string validation_type;  // automated | manual_red_team | adversarial_ml | full_campaign
  bool exploitable = false;
  std::string exploit_complexity = "unknown";  // low | medium | high | unknown
  std::string attack_path;
  bool physical_consequence_demonstrated = false;
  bool detection_evaded = false;
  std::vector<std::string> detection_rules_tested;
  std::vector<std::string> detection_gaps;
  std::string tester;
  std::string evidence_url;
  std::string tenant_id = std::string(kDefaultTenant);
};

struct Remediation {
  std::string remediation_id;
  std::string exposure_id;  // an exposure_key
  Timestamp ts{};
  ExposureStatus status = ExposureStatus::kOpen;  // "Assigned" is stored for kOpen
  std::string assigned_to;
  Timestamp assigned_date{};
  std::optional<Timestamp> sla_deadline;
  std::optional<Timestamp> fix_deployed_date;
  std::optional<Timestamp> verified_date;
  std::string verified_by;
  bool sla_breached = false;
  std::string escalation_level;
  std::string fix_description;
  std::string pull_request_url;
  std::string tenant_id = std::string(kDefaultTenant);
};

// Remediation status names use "Assigned" for the first state (seed section 2.1).
std::string_view RemediationStatusName(ExposureStatus s);

}  // namespace ctem
