#include "jobs/sla_enforcer.h"

#include <map>

#include "bus/bus.h"
#include "reports/report.h"

namespace ctem::jobs {
namespace {

constexpr const char* kOpen = "('Open', 'InProgress')";
constexpr const char* kRankSql =
    "CASE escalation_level WHEN 'SECURITY_TEAM_LEAD' THEN 1 WHEN 'SECURITY_MANAGER' THEN 2 "
    "WHEN 'SECURITY_DIRECTOR' THEN 3 WHEN 'CISO_EXECUTIVE' THEN 4 ELSE 0 END";

struct SlaState {
  bool breached = false;
  std::string level;
  std::optional<Timestamp> warned_deadline;
};

std::string Text(const Json& row, const char* field) {
  return row.contains(field) && row[field].is_string() ? row[field].get<std::string>() : std::string();
}

}  // namespace

int EscalationRank(std::string_view level) {
  if (level == "SECURITY_TEAM_LEAD") return 1;
  if (level == "SECURITY_MANAGER") return 2;
  if (level == "SECURITY_DIRECTOR") return 3;
  if (level == "CISO_EXECUTIVE") return 4;
  return 0;
}

Result<JobReport> SlaEnforcer::RunOnce() {
  JobReport report;
  report.job = std::string(Name());
  report.now = clock_.Now();
  const Timestamp now = report.now;
  const std::string horizon = FormatTimestamp(now + hours(24));
  auto tenants = Tenants(store_,
                         std::string("SELECT DISTINCT tenant_id FROM ctem_exposures WHERE status IN ") +
                             kOpen + " AND sla_deadline IS NOT NULL AND sla_deadline < ? ORDER BY tenant_id",
                         {horizon});
  if (!tenants) return Fail(tenants.error());
  size_t breached = 0, new_breaches = 0, escalations = 0, at_risk = 0, warnings = 0;
  std::vector<SqlStatement> statements;
  std::vector<size_t> units;
  for (const std::string& tenant : *tenants) {
    store::TenantScope scope(store_, tenant);
    if (!scope.status()) return Fail(scope.status().error());
    reports::ReportRequest req;
    req.tenant_id = tenant;
    req.now = now;
    auto breaches = reports::SlaBreachesReport(store_, req);
    if (!breaches) return Fail(breaches.error());
    auto risks = reports::SlaAtRiskReport(store_, req);
    if (!risks) return Fail(risks.error());
    auto rows = store_.Sql().Query(
        std::string(
            "SELECT exposure_key, sla_breached, escalation_level, sla_warned_deadline FROM ctem_exposures "
            "WHERE tenant_id = ? AND status IN ") +
            kOpen + " AND sla_deadline IS NOT NULL AND sla_deadline < ?",
        {tenant, horizon});
    if (!rows) return Fail(rows.error());
    std::map<std::string, SlaState> state;
    for (const auto& r : *rows) {
      state[store::AsText(r[0])] = {store::AsBool(r[1]), store::AsText(r[2]), store::AsTimestamp(r[3])};
    }
    const std::string now_text = FormatTimestamp(now);
    for (const Json& row : *breaches) {
      ++breached;
      const std::string key = Text(row, "exposure_key");
      const std::string level = Text(row, "escalation_level");
      const SlaState& s = state[key];
      const std::string previous = s.breached ? s.level : std::string();
      if (s.breached && EscalationRank(level) <= EscalationRank(previous)) continue;  // told already
      ++(previous.empty() ? new_breaches : escalations);
      OutboxEntry e;
      e.ts = now;
      e.tenant_id = tenant;
      e.alert_type = std::string(kSlaBreach);
      e.exposure_key = key;
      e.title = Text(row, "alert_title");
      e.payload = row;
      e.payload["breach"] = previous.empty() ? "new" : "escalated";
      e.payload["previous_escalation_level"] = previous.empty() ? Json(nullptr) : Json(previous);
      e.dedup_key = std::string(kSlaBreach) + ":" + tenant + ":" + key + ":" + level;
      e.topic = std::string(bus::kAlertsTopic);
      // Monotonic even against a concurrent run: the level only ever climbs.
      statements.push_back(
          {std::string("UPDATE ctem_exposures SET sla_breached = TRUE, escalation_level = ?, "
                       "escalated_at = ?, updated_at = ? WHERE tenant_id = ? AND exposure_key = ? "
                       "AND (sla_breached = FALSE OR ") +
               kRankSql + " < ?)",
           {level, now_text, now_text, tenant, key, std::to_string(EscalationRank(level))}});
      statements.push_back(
          {"UPDATE ctem_remediations SET sla_breached = TRUE, escalation_level = ?, updated_at = ? "
           "WHERE tenant_id = ? AND exposure_id = ? AND status NOT IN ('Verified', 'Closed')",
           {level, now_text, tenant, key}});
      statements.push_back(QueueStatement(e));
      units.push_back(3);
      report.emitted.push_back(OutboundMessage(e));
    }
    for (const Json& row : *risks) {
      ++at_risk;
      const std::string key = Text(row, "exposure_key");
      const std::string deadline = Text(row, "sla_deadline");
      const SlaState& s = state[key];
      const auto parsed = ParseTimestamp(deadline);
      if (s.warned_deadline && parsed && *s.warned_deadline == *parsed) continue;  // warned for this deadline
      ++warnings;
      OutboxEntry e;
      e.ts = now;
      e.tenant_id = tenant;
      e.alert_type = std::string(kSlaAtRisk);
      e.exposure_key = key;
      e.title = Text(row, "alert_title");
      e.payload = row;
      e.dedup_key = std::string(kSlaAtRisk) + ":" + tenant + ":" + key + ":" + deadline;
      e.topic = std::string(bus::kAlertsTopic);
      statements.push_back(
          {"UPDATE ctem_exposures SET sla_warned_deadline = ? WHERE tenant_id = ? AND exposure_key = ?",
           {deadline, tenant, key}});
      statements.push_back(QueueStatement(e));
      units.push_back(2);
      report.emitted.push_back(OutboundMessage(e));
    }
    if (auto st = ExecuteUnits(store_, statements, units); !st) return Fail(st.error());
    statements.clear();
    units.clear();
  }
  report.summary = {{"tenants", tenants->size()},     {"breached", breached}, {"new_breaches", new_breaches},
                    {"escalations", escalations},     {"at_risk", at_risk},   {"at_risk_warnings", warnings},
                    {"alerts", report.emitted.size()}};
  return report;
}

}  // namespace ctem::jobs
