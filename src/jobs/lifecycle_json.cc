#include "jobs/lifecycle_json.h"

#include <string>

namespace ctem::jobs {
namespace {

using Json = LifecycleJson;
using store::AsBool;
using store::AsInt;
using store::AsText;
using store::AsTimestamp;
using store::SqlValue;

Json Ts(Timestamp t) {
  return FormatTimestamp(t);
}
Json OptTs(const std::optional<Timestamp>& t) {
  return t ? Json(FormatTimestamp(*t)) : Json(nullptr);
}
Json OptTs(const SqlValue& v) {
  return OptTs(AsTimestamp(v));
}

// A JSON text column (a JSONB column reads back as text too); the text itself when it is not
// JSON.
Json JsonColumn(const std::string& text, Json fallback) {
  if (text.empty()) return fallback;
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? Json(text) : j;
}

Json Allowed(LifecycleState s) {
  Json out = Json::array();
  for (LifecycleAction a : AllowedActions(s)) out.push_back(LifecycleActionName(a));
  return out;
}

}  // namespace

Json RemediationToJson(const StoredRemediation& r) {
  return Json{{"id", r.id},
              {"remediation_id", r.remediation_id},
              {"exposure_id", r.exposure_id},
              {"ts", Ts(r.ts)},
              {"status", r.status},
              {"assigned_to", r.assigned_to},
              {"assigned_date", Ts(r.assigned_date)},
              {"sla_deadline", OptTs(r.sla_deadline)},
              {"fix_deployed_date", OptTs(r.fix_deployed_date)},
              {"verified_date", OptTs(r.verified_date)},
              {"verified_by", r.verified_by},
              {"sla_breached", r.sla_breached},
              {"escalation_level", r.escalation_level},
              {"fix_description", r.fix_description},
              {"pull_request_url", r.pull_request_url},
              {"tenant_id", r.tenant_id},
              {"created_at", Ts(r.created_at)},
              {"updated_at", Ts(r.updated_at)},
              {"lifecycle_version", r.lifecycle_version}};
}

Json AuditEntryToJson(const AuditEntry& e) {
  return Json{{"id", e.id},
              {"tenant_id", e.tenant_id},
              {"exposure_key", e.exposure_key},
              {"remediation_id", e.remediation_id},
              {"actor", e.actor},
              {"at", Ts(e.at)},
              {"from_status", e.from_status},
              {"to_status", e.to_status},
              {"action", e.action},
              {"detail", JsonColumn(e.detail, Json::object())}};
}

Json MoveResultToJson(const MoveResult& m) {
  return Json{{"exposure_key", m.after.exposure_key},
              {"action", LifecycleActionName(m.action)},
              {"from", LifecycleStateName(m.from)},
              {"to", LifecycleStateName(m.to)},
              {"exposure_status", ExposureStatusName(m.after.exposure_status)},
              {"allowed", Allowed(m.after.state)},
              {"remediation", m.after.remediation ? RemediationToJson(*m.after.remediation) : Json(nullptr)}};
}

Json SnapshotToJson(const LifecycleSnapshot& s, const std::vector<AuditEntry>& audit) {
  Json trail = Json::array();
  for (const AuditEntry& e : audit) trail.push_back(AuditEntryToJson(e));
  return Json{{"exposure_key", s.exposure_key},
              {"tenant_id", s.tenant_id},
              {"state", LifecycleStateName(s.state)},
              {"exposure_status", ExposureStatusName(s.exposure_status)},
              {"allowed", Allowed(s.state)},
              {"remediation", s.remediation ? RemediationToJson(*s.remediation) : Json(nullptr)},
              {"audit", std::move(trail)}};
}

Result<Json> ExposureTimeline(store::Store& store, std::string_view tenant_id,
                              std::string_view exposure_key) {
  store::TenantScope bound(store, tenant_id);
  if (!bound.status()) {
    return Fail(Error::NotFound("no exposure with key '" + std::string(exposure_key) + "' in tenant '" +
                                std::string(tenant_id) + "'"));
  }
  auto exposure = store.GetExposure(tenant_id, exposure_key);
  if (!exposure) return Fail(exposure.error());
  if (!*exposure) {
    return Fail(Error::NotFound("no exposure with key '" + std::string(exposure_key) + "' in tenant '" +
                                std::string(tenant_id) + "'"));
  }
  const std::vector<SqlValue> scope = {std::string(tenant_id), std::string(exposure_key)};
  auto validations = store.Sql().Query(
      "SELECT id, validation_id, exposure_id, campaign_id, ts, validation_type, exploitable, "
      "exploit_complexity, "
      "attack_path, physical_consequence_demonstrated, detection_evaded, detection_rules_tested, "
      "detection_gaps, tester, evidence_url, tenant_id, created_at FROM ctem_validations "
      "WHERE tenant_id = ? AND exposure_id = ? ORDER BY ts, id",
      scope);
  if (!validations) return Fail(validations.error());
  Json v = Json::array();
  for (const auto& r : *validations) {
    v.push_back(Json{{"id", AsInt(r[0])},
                     {"validation_id", AsText(r[1])},
                     {"exposure_id", AsText(r[2])},
                     {"campaign_id", AsText(r[3])},
                     {"ts", OptTs(r[4])},
                     {"validation_type", AsText(r[5])},
                     {"exploitable", AsBool(r[6])},
                     {"exploit_complexity", AsText(r[7])},
                     {"attack_path", r[8] ? Json(*r[8]) : Json(nullptr)},
                     {"physical_consequence_demonstrated", AsBool(r[9])},
                     {"detection_evaded", AsBool(r[10])},
                     {"detection_rules_tested", JsonColumn(AsText(r[11]), Json::array())},
                     {"detection_gaps", JsonColumn(AsText(r[12]), Json::array())},
                     {"tester", AsText(r[13])},
                     {"evidence_url", AsText(r[14])},
                     {"tenant_id", AsText(r[15])},
                     {"created_at", OptTs(r[16])}});
  }
  const SystemClock clock;  // read-only: the clock is never asked
  RemediationLifecycle lifecycle(store, clock);
  auto remediations = lifecycle.Remediations(tenant_id, exposure_key);
  if (!remediations) return Fail(remediations.error());
  Json m = Json::array();
  for (const auto& r : *remediations) m.push_back(RemediationToJson(r));
  auto audit = lifecycle.Audit(tenant_id, exposure_key);
  if (!audit) return Fail(audit.error());
  Json a = Json::array();
  for (const auto& e : *audit) a.push_back(AuditEntryToJson(e));
  return Json{{"exposure_key", std::string(exposure_key)},
              {"validations", std::move(v)},
              {"remediations", std::move(m)},
              {"audit", std::move(a)}};
}

}  // namespace ctem::jobs
