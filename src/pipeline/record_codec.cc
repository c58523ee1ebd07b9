#include "pipeline/record_codec.h"

#include <nlohmann/json.hpp>

namespace ctem::pipeline {
namespace {

using Json = nlohmann::json;

Json OptTs(const std::optional<Timestamp>& t) { return t ? Json(FormatTimestamp(*t)) : Json(nullptr); }

Timestamp ReqTs(const Json& j, const char* field) {
  auto t = ParseTimestamp(j.at(field).get<std::string>());
  if (!t) throw std::invalid_argument(std::string(field) + ": " + t.error().message);
  return *t;
}

std::optional<Timestamp> OptTsFrom(const Json& j, const char* field) {
  if (!j.contains(field) || j.at(field).is_null()) return std::nullopt;
  return ReqTs(j, field);
}

template <typename T>
T Expect(Result<T> r) {
  if (!r) throw std::invalid_argument(r.error().message);
  return *r;
}

}  // namespace

std::string EncodeRecord(const Exposure& e) {
  Json j = {{"record", "exposure"},
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
            {"zone_source", ZoneSourceName(e.zone_source)},
            {"cve_ids", e.cve_ids},
            {"cwe_ids", e.cwe_ids},
            {"reference_urls", e.reference_urls},
            {"atlas_official_id", e.atlas_official_id},
            {"atlas_official_name", e.atlas_official_name},
            {"tool_status", e.tool_status ? Json(ExposureStatusName(*e.tool_status)) : Json(nullptr)}};
  return j.dump();
}

std::string EncodeRecord(const Validation& v) {
  Json j = {{"record", "validation"},
            {"validation_id", v.validation_id},
            {"exposure_id", v.exposure_id},
            {"campaign_id", v.campaign_id},
            {"ts", FormatTimestamp(v.ts)},
            {"validation_type", v.validation_type},
            {"exploitable", v.exploitable},
            {"exploit_complexity", v.exploit_complexity},
            {"attack_path", v.attack_path},
            {"physical_consequence_demonstrated", v.physical_consequence_demonstrated},
            {"detection_evaded", v.detection_evaded},
            {"detection_rules_tested", v.detection_rules_tested},
            {"detection_gaps", v.detection_gaps},
            {"tester", v.tester},
            {"evidence_url", v.evidence_url},
            {"tenant_id", v.tenant_id}};
  return j.dump();
}

std::string EncodeRecord(const Remediation& r) {
  Json j = {{"record", "remediation"},
            {"remediation_id", r.remediation_id},
            {"exposure_id", r.exposure_id},
            {"ts", FormatTimestamp(r.ts)},
            {"status", RemediationStatusName(r.status)},
            {"assigned_to", r.assigned_to},
            {"assigned_date", FormatTimestamp(r.assigned_date)},
            {"sla_deadline", OptTs(r.sla_deadline)},
            {"fix_deployed_date", OptTs(r.fix_deployed_date)},
            {"verified_date", OptTs(r.verified_date)},
            {"verified_by", r.verified_by},
            {"sla_breached", r.sla_breached},
            {"escalation_level", r.escalation_level},
            {"fix_description", r.fix_description},
            {"pull_request_url", r.pull_request_url},
            {"tenant_id", r.tenant_id}};
  return j.dump();
}

std::string EncodeRecord(const NoLongerSeen& n) {
  Json j = {{"record", "no_longer_seen"},
            {"tenant_id", n.tenant_id},
            {"source_tool", n.source_tool},
            {"exposure_key", n.exposure_key},
            {"ts", FormatTimestamp(n.ts)}};
  return j.dump();
}

Result<NormalizedRecord> DecodeRecord(std::string_view text) {
  try {
    const Json j = Json::parse(text);
    const std::string kind = j.at("record").get<std::string>();
    if (kind == "exposure") {
      Exposure e;
      e.exposure_key = j.at("exposure_key").get<std::string>();
      e.ts = ReqTs(j, "ts");
      e.source_tool = j.at("source_tool").get<std::string>();
      e.title = j.at("title").get<std::string>();
      e.description = j.value("description", "");
      e.severity = Expect(ParseSeverity(j.at("severity").get<std::string>()));
      e.original_severity = j.value("original_severity", "");
      e.asset_id = j.at("asset_id").get<std::string>();
      e.asset_type = j.value("asset_type", "");
      e.asset_zone = j.at("asset_zone").get<std::string>();
      e.exploitability_score = j.value("exploitability_score", 0.0);
      e.physical_consequence = Expect(ParseConsequence(j.at("physical_consequence").get<std::string>()));
      e.ctem_score = j.at("ctem_score").get<double>();
      e.atlas_technique = j.value("atlas_technique", "");
      e.attack_technique = j.value("attack_technique", "");
      e.threat_model_ref = j.value("threat_model_ref", "");
      e.status = Expect(ParseExposureStatus(j.value("status", "Open")));
      e.assigned_to = j.value("assigned_to", "");
      e.sla_deadline = OptTsFrom(j, "sla_deadline");
      e.remediation_guidance = j.value("remediation_guidance", "");
      e.evidence_url = j.value("evidence_url", "");
      e.tenant_id = j.at("tenant_id").get<std::string>();
      e.zone_source = ParseZoneSource(j.value("zone_source", "rule"));
      e.cve_ids = j.value("cve_ids", std::vector<std::string>{});
      e.cwe_ids = j.value("cwe_ids", std::vector<std::string>{});
      e.reference_urls = j.value("reference_urls", std::vector<std::string>{});
      e.atlas_official_id = j.value("atlas_official_id", "");
      e.atlas_official_name = j.value("atlas_official_name", "");
      if (j.contains("tool_status") && j.at("tool_status").is_string()) {
        e.tool_status = Expect(ParseExposureStatus(j.at("tool_status").get<std::string>()));
      }
      return NormalizedRecord(std::move(e));
    }
    if (kind == "validation") {
      Validation v;
      v.validation_id = j.at("validation_id").get<std::string>();
      v.exposure_id = j.at("exposure_id").get<std::string>();
      v.campaign_id = j.at("campaign_id").get<std::string>();
      v.ts = ReqTs(j, "ts");
      v.validation_type = j.at("validation_type").get<std::string>();
      v.exploitable = j.value("exploitable", false);
      v.exploit_complexity = j.value("exploit_complexity", "unknown");
      v.attack_path = j.value("attack_path", "");
      v.physical_consequence_demonstrated = j.value("physical_consequence_demonstrated", false);
      v.detection_evaded = j.value("detection_evaded", false);
      v.detection_rules_tested = j.value("detection_rules_tested", std::vector<std::string>{});
      v.detection_gaps = j.value("detection_gaps", std::vector<std::string>{});
      v.tester = j.value("tester", "");
      v.evidence_url = j.value("evidence_url", "");
      v.tenant_id = j.at("tenant_id").get<std::string>();
      return NormalizedRecord(std::move(v));
    }
    if (kind == "remediation") {
      Remediation r;
      r.remediation_id = j.at("remediation_id").get<std::string>();
      r.exposure_id = j.at("exposure_id").get<std::string>();
      r.ts = ReqTs(j, "ts");
      r.status = Expect(ParseExposureStatus(j.at("status").get<std::string>()));
      r.assigned_to = j.at("assigned_to").get<std::string>();
      r.assigned_date = ReqTs(j, "assigned_date");
      r.sla_deadline = OptTsFrom(j, "sla_deadline");
      r.fix_deployed_date = OptTsFrom(j, "fix_deployed_date");
      r.verified_date = OptTsFrom(j, "verified_date");
      r.verified_by = j.value("verified_by", "");
      r.sla_breached = j.value("sla_breached", false);
      r.escalation_level = j.value("escalation_level", "");
      r.fix_description = j.value("fix_description", "");
      r.pull_request_url = j.value("pull_request_url", "");
      r.tenant_id = j.at("tenant_id").get<std::string>();
      return NormalizedRecord(std::move(r));
    }
    if (kind == "no_longer_seen") {
      NoLongerSeen n;
      n.tenant_id = j.at("tenant_id").get<std::string>();
      n.source_tool = j.value("source_tool", "");
      n.exposure_key = j.at("exposure_key").get<std::string>();
      n.ts = ReqTs(j, "ts");
      if (n.exposure_key.empty()) throw std::invalid_argument("exposure_key: empty");
      return NormalizedRecord(std::move(n));
    }
    return Fail(Error::InvalidArgument("unknown record kind '" + kind + "'"));
  } catch (const std::exception& e) {
    // nlohmann reports type and missing-key errors by exception; a bad message is a value.
    return Fail(Error::InvalidArgument(std::string("undecodable normalized record: ") + e.what()));
  }
}

}  // namespace ctem::pipeline
