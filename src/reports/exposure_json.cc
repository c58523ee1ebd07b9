#include <map>
#include <utility>

#include "parsers/atlas.h"
#include "reports/report.h"

namespace ctem::reports {
namespace {

Json OptTs(const std::optional<Timestamp>& t) { return t ? Json(FormatTimestamp(*t)) : Json(nullptr); }

// The ATLAS mapping of a (seed technique, source tool): few distinct pairs, many rows, so
// each is looked up once per thread.
const parsers::AtlasMapping& AtlasOf(const std::string& technique, const std::string& source_tool) {
  thread_local std::map<std::pair<std::string, std::string>, parsers::AtlasMapping> cache;
  auto [it, inserted] = cache.try_emplace({technique, source_tool});
  if (inserted) it->second = parsers::MapSeedTechnique(technique, source_tool);
  return it->second;
}

}  // namespace

Json ExposureToJson(const store::StoredExposure& s) {
  const Exposure& e = s.exposure;
  // The parsers stamp the official technique at ingest; rows loaded with `ctem load` or
  // stored before schema v2 have none, so it is looked up here. The kind of match is always
  // looked up: it is a property of the catalog, not of the finding.
  std::string official_id = e.atlas_official_id;
  std::string official_name = e.atlas_official_name;
  Json match = nullptr;
  bool nonstandard = false;
  if (!e.atlas_technique.empty()) {
    const parsers::AtlasMapping& atlas = AtlasOf(e.atlas_technique, e.source_tool);
    if (official_id.empty()) {
      official_id = atlas.official_id;
      official_name = atlas.official_name;
    }
    match = parsers::AtlasMatchName(atlas.match);
    nonstandard = atlas.match == parsers::AtlasMatch::kNonStandard;
  }
  return Json{
      {"id", s.id},
      {"exposure_key", e.exposure_key},
      {"ts", FormatTimestamp(e.ts)},
      {"source_tool", e.source_tool},
      {"title", e.title},
      {"description", e.description},
      {"severity", SeverityName(e.severity)},
      {"original_severity", e.original_severity},
      {"asset_id", e.asset_id},
      {"asset_type", e.asset_type},
      {"asset_zone", e.asset_zone},
      {"exploitability_score", e.exploitability_score},
      {"physical_consequence", ConsequenceName(e.physical_consequence)},
      {"ctem_score", e.ctem_score},
      {"atlas_technique", e.atlas_technique},
      {"attack_technique", e.attack_technique},
      {"threat_model_ref", e.threat_model_ref},
      {"status", ExposureStatusName(e.status)},
      {"assigned_to", e.assigned_to},
      {"sla_deadline", OptTs(e.sla_deadline)},
      {"remediation_guidance", e.remediation_guidance},
      {"evidence_url", e.evidence_url},
      {"tenant_id", e.tenant_id},
      {"created_at", FormatTimestamp(s.created_at)},
      {"updated_at", FormatTimestamp(s.updated_at)},
      {"zone_source", ZoneSourceName(e.zone_source)},
      {"escalation_level", s.escalation_level},
      {"sla_breached", s.sla_breached},
      {"redetection_count", s.redetection_count},
      {"last_redetected_at", OptTs(s.last_redetected_at)},
      {"cve_ids", e.cve_ids},
      {"cwe_ids", e.cwe_ids},
      {"reference_urls", e.reference_urls},
      {"atlas_official_id", official_id},
      {"atlas_official_name", official_name},
      {"atlas_match", match},
      {"atlas_nonstandard", nonstandard},
      {"tool_status", e.tool_status ? Json(ExposureStatusName(*e.tool_status)) : Json(nullptr)},
      {"no_longer_seen_at", OptTs(s.no_longer_seen_at)},
  };
}

}  // namespace ctem::reports
