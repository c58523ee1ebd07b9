#include "jobs/scope_discovery.h"

#include <map>

#include "bus/bus.h"
#include "reports/report.h"

namespace ctem::jobs {
namespace {

std::string Text(const Json& row, const char* field) {
  return row.contains(field) && row[field].is_string() ? row[field].get<std::string>() : std::string();
}

}  // namespace

Result<JobReport> ScopeDiscovery::RunOnce() {
  JobReport report;
  report.job = std::string(Name());
  report.now = clock_.Now();
  const Timestamp now = report.now;
  const std::string now_text = FormatTimestamp(now);
  // Every tenant with telemetry (or an inventory) up to now.
  std::string tenants_sql = "SELECT tenant_id FROM ctem_assets";
  for (const char* table : {"edge_node_telemetry", "orbital_api_logs", "partner_api_logs", "opcua_telemetry",
                            "cicd_audit", "model_registry"}) {
    tenants_sql += std::string(" UNION SELECT tenant_id FROM ") + table;
  }
  auto tenants =
      Tenants(store_, "SELECT DISTINCT tenant_id FROM (" + tenants_sql + ") t ORDER BY tenant_id", {});
  if (!tenants) return Fail(tenants.error());
  size_t seen = 0, added = 0, new_assets = 0;
  std::vector<SqlStatement> statements;
  std::vector<size_t> units;
  for (const std::string& tenant : *tenants) {
    store::TenantScope scope(store_, tenant);
    if (!scope.status()) return Fail(scope.status().error());
    reports::ReportRequest req;
    req.tenant_id = tenant;
    req.now = now;
    req.zone_resolver = resolver_;
    auto assets = reports::AssetsReport(store_, req);
    if (!assets) return Fail(assets.error());
    auto fresh = reports::NewAssetsReport(store_, req);
    if (!fresh) return Fail(fresh.error());
    auto first = reports::AssetFirstSightings(store_, tenant, now);
    if (!first) return Fail(first.error());
    auto rows = store_.Sql().Query(
        "SELECT asset_type, asset_id, new_alert_first_seen FROM ctem_assets WHERE tenant_id = ?", {tenant});
    if (!rows) return Fail(rows.error());
    std::map<reports::AssetKey, std::optional<Timestamp>> inventory;
    for (const auto& r : *rows)
      inventory[{store::AsText(r[0]), store::AsText(r[1])}] = store::AsTimestamp(r[2]);

    std::map<reports::AssetKey, const Json*> by_key;
    for (const Json& a : *assets) {
      ++seen;
      const reports::AssetKey key{Text(a, "asset_type"), Text(a, "asset_id")};
      by_key[key] = &a;
      if (!inventory.contains(key)) ++added;
      const std::string last_seen = Text(a, "last_seen");
      const auto f = first->find(key);
      const std::string first_seen = f != first->end() ? FormatTimestamp(f->second) : last_seen;
      // first_seen only moves back and last_seen only forward, whatever order runs come in.
      statements.push_back(
          {"INSERT INTO ctem_assets (tenant_id, asset_id, asset_type, asset_zone, risk_category, ctem_scope, "
           "zone_source, first_seen, last_seen, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
           "?, ?) "
           "ON CONFLICT (tenant_id, asset_type, asset_id) DO UPDATE SET asset_zone = excluded.asset_zone, "
           "risk_category = excluded.risk_category, ctem_scope = excluded.ctem_scope, "
           "zone_source = excluded.zone_source, first_seen = CASE WHEN excluded.first_seen < "
           "ctem_assets.first_seen "
           "THEN excluded.first_seen ELSE ctem_assets.first_seen END, last_seen = CASE WHEN "
           "excluded.last_seen > "
           "ctem_assets.last_seen THEN excluded.last_seen ELSE ctem_assets.last_seen END, "
           "updated_at = excluded.updated_at",
           {tenant, key.second, key.first, Text(a, "asset_zone"), Text(a, "risk_category"),
            Text(a, "ctem_scope"), Text(a, "zone_source"), first_seen, last_seen, now_text, now_text}});
      units.push_back(1);
    }
    for (const Json& row : *fresh) {
      const reports::AssetKey key{Text(row, "asset_type"), Text(row, "asset_id")};
      const std::string first_seen = Text(row, "first_seen");
      const auto known = inventory.find(key);
      const auto parsed = ParseTimestamp(first_seen);
      if (known != inventory.end() && known->second && parsed && *known->second == *parsed)
        continue;  // alerted
      ++new_assets;
      OutboxEntry e;
      e.ts = now;
      e.tenant_id = tenant;
      e.alert_type = std::string(kNewAsset);
      e.title = Text(row, "alert_title");
      e.payload = row;
      if (const auto a = by_key.find(key); a != by_key.end()) {
        for (const char* field : {"asset_zone", "risk_category", "ctem_scope", "zone_source"}) {
          e.payload[field] = (*a->second)[field];
        }
      }
      e.dedup_key =
          std::string(kNewAsset) + ":" + tenant + ":" + key.first + ":" + key.second + ":" + first_seen;
      e.topic = std::string(bus::kAlertsTopic);
      statements.push_back(
          {"UPDATE ctem_assets SET new_alert_first_seen = ? WHERE tenant_id = ? AND asset_type = ? "
           "AND asset_id = ?",
           {first_seen, tenant, key.first, key.second}});
      statements.push_back(QueueStatement(e));
      units.push_back(2);
      report.emitted.push_back(OutboundMessage(e));
    }
    // The inventory and the alerts commit together (one chunk), so an alert never stands
    // without its inventory row, nor a marked appearance without its alert.
    if (auto st = ExecuteUnits(store_, statements, units, 100000); !st) return Fail(st.error());
    statements.clear();
    units.clear();
  }
  report.summary = {{"tenants", tenants->size()},
                    {"assets_seen", seen},
                    {"assets_added", added},
                    {"new_assets", new_assets},
                    {"alerts", report.emitted.size()}};
  return report;
}

}  // namespace ctem::jobs
