#include "jobs/remediation_checker.h"

#include <map>

#include "bus/bus.h"
#include "reports/report.h"

namespace ctem::jobs {
namespace {

struct FixState {
  std::string fix_description;
  std::string pull_request_url;
  std::optional<Timestamp> requested_for;
};

Json OrNull(const std::string& s) {
  return s.empty() ? Json(nullptr) : Json(s);
}

}  // namespace

Result<JobReport> RemediationChecker::RunOnce() {
  JobReport report;
  report.job = std::string(Name());
  report.now = clock_.Now();
  const Timestamp now = report.now;
  const std::string now_text = FormatTimestamp(now);
  auto tenants = Tenants(store_,
                         "SELECT DISTINCT tenant_id FROM ctem_remediations WHERE status = 'FixDeployed' AND "
                         "verified_date IS NULL ORDER BY tenant_id",
                         {});
  if (!tenants) return Fail(tenants.error());
  size_t pending = 0;
  std::vector<SqlStatement> statements;
  std::vector<size_t> units;
  for (const std::string& tenant : *tenants) {
    store::TenantScope scope(store_, tenant);
    if (!scope.status()) return Fail(scope.status().error());
    reports::ReportRequest req;
    req.tenant_id = tenant;
    req.now = now;
    auto rows = reports::PendingVerificationsReport(store_, req);
    if (!rows) return Fail(rows.error());
    auto fixes = store_.Sql().Query(
        "SELECT remediation_id, fix_description, pull_request_url, rescan_requested_for FROM "
        "ctem_remediations "
        "WHERE tenant_id = ? AND status = 'FixDeployed' AND verified_date IS NULL",
        {tenant});
    if (!fixes) return Fail(fixes.error());
    std::map<std::string, FixState> state;
    for (const auto& f : *fixes) {
      state[store::AsText(f[0])] = {store::AsText(f[1]), store::AsText(f[2]), store::AsTimestamp(f[3])};
    }
    for (const Json& row : *rows) {
      ++pending;
      const std::string remediation_id = row["remediation_id"].get<std::string>();
      const std::string exposure_key = row["exposure_id"].get<std::string>();
      const std::string deployed_text = row["fix_deployed_date"].get<std::string>();
      const Timestamp deployed = ParseTimestamp(deployed_text).value_or(Timestamp{});
      const FixState& s = state[remediation_id];
      if (s.requested_for && *s.requested_for == deployed) continue;  // asked for this fix already
      auto exposure = store_.GetExposure(tenant, exposure_key);
      if (!exposure) return Fail(exposure.error());
      const Exposure* e = *exposure ? &(*exposure)->exposure : nullptr;
      auto field = [&](const std::string Exposure::*m) { return e ? OrNull(e->*m) : Json(nullptr); };
      OutboxEntry entry;
      entry.ts = now;
      entry.tenant_id = tenant;
      entry.alert_type = std::string(kRescanRequest);
      entry.exposure_key = exposure_key;
      entry.title =
          "CTEM RE-SCAN: verify fix for " + (e ? e->title : exposure_key) + " (" + remediation_id + ")";
      entry.dedup_key =
          std::string(kRescanRequest) + ":" + tenant + ":" + remediation_id + ":" + deployed_text;
      entry.topic = std::string(bus::kRescanTopic);
      entry.payload = {
          {"request_id", entry.dedup_key},
          {"request_type", "REMEDIATION_VERIFICATION"},
          {"tenant", tenant},
          {"requested_at", now_text},
          {"remediation_id", remediation_id},
          {"exposure_key", exposure_key},
          {"asset_id", field(&Exposure::asset_id)},
          {"asset_type", field(&Exposure::asset_type)},
          {"asset_zone", field(&Exposure::asset_zone)},
          {"source_tool", field(&Exposure::source_tool)},
          {"title", field(&Exposure::title)},
          {"severity", e ? Json(SeverityName(e->severity)) : Json(nullptr)},
          {"atlas_technique", field(&Exposure::atlas_technique)},
          {"evidence_url", field(&Exposure::evidence_url)},
          {"assigned_to", row["assigned_to"]},
          {"fix_deployed_date", deployed_text},
          {"fix_description", OrNull(s.fix_description)},
          {"pull_request_url", OrNull(s.pull_request_url)},
          {"hours_since_fix", PyRound(static_cast<double>((now - deployed).count()) / 3'600'000.0, 1)},
          {"action", row["action"]},
      };
      if (!e) entry.payload["exposure_found"] = false;
      statements.push_back(
          {"UPDATE ctem_remediations SET rescan_requested_at = ?, rescan_requested_for = ? "
           "WHERE tenant_id = ? AND remediation_id = ?",
           {now_text, deployed_text, tenant, remediation_id}});
      statements.push_back(QueueStatement(entry));
      units.push_back(2);
      report.emitted.push_back(OutboundMessage(entry));
    }
    if (auto st = ExecuteUnits(store_, statements, units); !st) return Fail(st.error());
    statements.clear();
    units.clear();
  }
  report.summary = {{"tenants", tenants->size()},
                    {"pending_verifications", pending},
                    {"rescan_requests", report.emitted.size()}};
  return report;
}

}  // namespace ctem::jobs
