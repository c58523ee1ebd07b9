// CTEM-SCOPE-001 (asset inventory from telemetry) and CTEM-SCOPE-002 (new assets), seed
// section 3, with erratum 14: new-asset detection covers every asset type.
#include <algorithm>

#include "reports/report_util.h"

namespace ctem::reports {
namespace {

using namespace internal;

struct AssetSource {
  const char* table;
  const char* id_column;
  const char* asset_type;
  const char* id_prefix;  // OPC-UA feeds are named "opcua-<edge node>"
  int window_days;
};

constexpr AssetSource kSources[] = {
    {"edge_node_telemetry", "edge_node_id", "EdgeInferenceNode", "", 7},
    {"orbital_api_logs", "endpoint", "APIEndpoint", "", 7},
    {"partner_api_logs", "partner_id", "PartnerIntegration", "", 7},
    {"opcua_telemetry", "edge_node_id", "OPCUASensorFeed", "opcua-", 7},
    {"cicd_audit", "pipeline_id", "CICDPipeline", "", 7},
    {"model_registry", "model_name", "MLModel", "", 30},
};

bool Contains(const std::string& s, std::initializer_list<const char*> needles) {
  return std::any_of(needles.begin(), needles.end(), [&](const char* n) { return s.find(n) != std::string::npos; });
}

Json Asset(const std::string& id, const char* type, const std::string& zone, const char* risk, const char* scope,
           const SqlValue& last_seen, Json metadata) {
  return Json{{"asset_id", id},          {"asset_type", type},  {"asset_zone", zone},
              {"risk_category", risk},   {"ctem_scope", scope}, {"last_seen", TsJson(last_seen)},
              {"metadata", std::move(metadata)}, {"zone_source", "rule"}};
}

// The latest value of `column` for each asset in the window (seed's ARRAY_AGG(... ORDER BY ts
// DESC)[1]), as a correlated subquery both backends run.
std::string Latest(const char* table, const char* id_column, const char* column) {
  return std::string("(SELECT t2.") + column + " FROM " + table + " t2 WHERE t2.tenant_id = t.tenant_id AND t2." +
         id_column + " = t." + id_column + " AND t2.ts > ? AND t2.ts <= ? ORDER BY t2.ts DESC, t2.id DESC LIMIT 1)";
}

}  // namespace

Result<Json> AssetsReport(store::Store& store, const ReportRequest& req) {
  Json out = Json::array();
  const std::string tenant = req.tenant_id;
  const SqlValue now = P(req.now);
  const SqlValue week = P(req.now - days(7));
  const SqlValue month = P(req.now - days(30));

  // Edge nodes.
  auto edge = Rows(store,
                   "SELECT t.edge_node_id, MAX(t.ts), COUNT(t.cpu_utilisation), SUM(" +
                       MicroUnits("t.cpu_utilisation") + "), " +
                       Latest("edge_node_telemetry", "edge_node_id", "model_weight_hash") +
                       " FROM edge_node_telemetry t WHERE t.tenant_id = ? AND t.ts > ? AND t.ts <= ? "
                       "GROUP BY t.tenant_id, t.edge_node_id ORDER BY t.edge_node_id",
                   {week, now, tenant, week, now});
  if (!edge) return Fail(edge.error());
  for (const auto& r : *edge) {
    const long long n = store::AsInt(r[2]);
    Json meta = {{"avg_cpu", n ? Json(PyRound(static_cast<double>(store::AsInt(r[3])) / 1e6 / static_cast<double>(n), 2))
                               : Json(nullptr)},
                 {"model_hash", r[4] ? Json(*r[4]) : Json(nullptr)}};
    out.push_back(Asset(store::AsText(r[0]), "EdgeInferenceNode", "Zone1_EdgeInference", "Critical",
                        "AI/ML Assets + Infrastructure Assets", r[1], std::move(meta)));
  }

  // API endpoints: zone and risk from the endpoint's name, exactly the seed's rules.
  auto api = Rows(store,
                  "SELECT endpoint, MAX(ts), COUNT(*) FROM orbital_api_logs WHERE tenant_id = ? AND ts > ? AND "
                  "ts <= ? GROUP BY endpoint ORDER BY endpoint",
                  {tenant, week, now});
  if (!api) return Fail(api.error());
  for (const auto& r : *api) {
    const std::string ep = store::AsText(r[0]);
    const std::string zone = Contains(ep, {"demo", "partner"}) ? "Zone4_External"
                             : Contains(ep, {"nl-query"})      ? "Zone2_Operations"
                                                               : "Zone3_Enterprise";
    const char* risk = Contains(ep, {"inference", "predict"}) ? "Critical" : Contains(ep, {"nl-query"}) ? "High" : "Medium";
    out.push_back(Asset(ep, "APIEndpoint", zone, risk, "Integration Assets", r[1],
                        Json{{"total_requests", store::AsInt(r[2])}}));
  }

  // Partner integrations.
  auto partners = Rows(store,
                       "SELECT partner_id, MAX(partner_name), MAX(ts), COUNT(*), "
                       "COUNT(*) FILTER (WHERE mtls_verified) FROM partner_api_logs WHERE tenant_id = ? AND "
                       "ts > ? AND ts <= ? GROUP BY partner_id ORDER BY partner_id",
                       {tenant, week, now});
  if (!partners) return Fail(partners.error());
  for (const auto& r : *partners) {
    const long long total = store::AsInt(r[3]);
    const double rate = static_cast<double>(store::AsInt(r[4])) * 100.0 / static_cast<double>(std::max(total, 1LL));
    out.push_back(Asset(store::AsText(r[0]), "PartnerIntegration", "Zone4_External", "High", "Integration Assets",
                        r[2], Json{{"partner_name", store::AsText(r[1])}, {"mtls_rate", PyRound(rate, 1)}}));
  }

  // OPC-UA sensor feeds.
  auto opcua = Rows(store,
                    "SELECT edge_node_id, MAX(ts), COUNT(sensor_count), SUM(sensor_count) FROM opcua_telemetry WHERE tenant_id = ? AND ts > ? AND ts <= ? "
                    "GROUP BY edge_node_id ORDER BY edge_node_id",
                    {tenant, week, now});
  if (!opcua) return Fail(opcua.error());
  for (const auto& r : *opcua) {
    const long long n = store::AsInt(r[2]);
    Json meta = {{"avg_sensors", n ? Json(PyRound(static_cast<double>(store::AsInt(r[3])) / static_cast<double>(n), 1))
                                   : Json(nullptr)}};
    out.push_back(Asset("opcua-" + store::AsText(r[0]), "OPCUASensorFeed", "Zone0_PhysicalProcess", "Critical",
                        "Infrastructure Assets", r[1], std::move(meta)));
  }

  // CI/CD pipelines.
  auto cicd = Rows(store,
                   "SELECT pipeline_id, MAX(ts), COUNT(*) FROM cicd_audit WHERE tenant_id = ? AND ts > ? AND ts <= ? "
                   "GROUP BY pipeline_id ORDER BY pipeline_id",
                   {tenant, week, now});
  if (!cicd) return Fail(cicd.error());
  for (const auto& r : *cicd) {
    out.push_back(Asset(store::AsText(r[0]), "CICDPipeline", "Zone3_Enterprise", "High", "Infrastructure Assets", r[1],
                        Json{{"total_runs", store::AsInt(r[2])}}));
  }

  // Model registry entries (30-day window).
  auto models = Rows(store,
                     "SELECT t.model_name, MAX(t.ts), " + Latest("model_registry", "model_name", "model_hash") + ", " +
                         Latest("model_registry", "model_name", "stage") +
                         " FROM model_registry t WHERE t.tenant_id = ? AND t.ts > ? AND t.ts <= ? "
                         "GROUP BY t.tenant_id, t.model_name ORDER BY t.model_name",
                     {month, now, month, now, tenant, month, now});
  if (!models) return Fail(models.error());
  for (const auto& r : *models) {
    out.push_back(Asset(store::AsText(r[0]), "MLModel", "Zone3_Enterprise", "Critical", "AI/ML Assets", r[1],
                        Json{{"latest_hash", r[2] ? Json(*r[2]) : Json(nullptr)},
                             {"stage", r[3] ? Json(*r[3]) : Json(nullptr)}}));
  }

  // The graph knows better than the name rules where an asset lives: one batched lookup for
  // the whole inventory (erratum 14), then its zones override the rules'.
  if (req.zone_resolver != nullptr && !out.empty()) {
    std::vector<std::string> ids;
    ids.reserve(out.size());
    for (const auto& a : out) ids.push_back(a["asset_id"].get<std::string>());
    req.zone_resolver->Prefetch(ids);
    for (auto& a : out) {
      const auto placement = req.zone_resolver->Lookup(a["asset_id"].get<std::string>());
      if (!placement) continue;
      if (!placement->zone.empty()) a["asset_zone"] = placement->zone;
      a["zone_source"] = std::string(ZoneSourceName(placement->source));
    }
  }
  return out;
}

Result<std::map<AssetKey, Timestamp>> AssetFirstSightings(store::Store& store, const std::string& tenant_id,
                                                          Timestamp now) {
  std::map<AssetKey, Timestamp> out;
  for (const AssetSource& src : kSources) {
    const std::string id(src.id_column);
    auto rows = Rows(
        store,
        "SELECT " + id + ", MIN(ts) FROM " + src.table + " WHERE tenant_id = ? AND ts <= ? GROUP BY " + id,
        {tenant_id, P(now)});
    if (!rows) return Fail(rows.error());
    for (const auto& r : *rows) {
      const auto first = store::AsTimestamp(r[1]);
      if (first) out[{src.asset_type, src.id_prefix + store::AsText(r[0])}] = *first;
    }
  }
  return out;
}

Result<Json> NewAssetsReport(store::Store& store, const ReportRequest& req) {
  Json out = Json::array();
  const SqlValue now = P(req.now);
  const SqlValue recent = P(req.now - days(7));
  const SqlValue baseline_start = P(req.now - days(37));
  std::vector<std::pair<std::string, Json>> alerts;
  for (const AssetSource& src : kSources) {
    const std::string id(src.id_column);
    auto rows = Rows(store,
                     "SELECT " + id + ", MIN(ts) FROM " + src.table + " WHERE tenant_id = ? AND ts > ? AND ts <= ? AND " +
                         id + " NOT IN (SELECT " + id + " FROM " + src.table +
                         " WHERE tenant_id = ? AND ts >= ? AND ts <= ?) GROUP BY " + id,
                     {req.tenant_id, recent, now, req.tenant_id, baseline_start, recent});
    if (!rows) return Fail(rows.error());
    for (const auto& r : *rows) {
      const std::string asset_id = src.id_prefix + store::AsText(r[0]);
      Json a = {{"alert_title", "CTEM SCOPE: New " + std::string(src.asset_type) + " detected \u2014 " + asset_id},
                {"alert_severity", "Medium"},
                {"ctem_phase", "Scope"},
                {"action", "Add to asset inventory, schedule initial security assessment"},
                {"asset_id", asset_id},
                {"asset_type", src.asset_type},
                {"first_seen", TsJson(r[1])}};
      if (std::string(src.asset_type) == "EdgeInferenceNode") a["edge_node_id"] = store::AsText(r[0]);
      alerts.emplace_back(std::string(src.asset_type) + '\x1f' + asset_id, std::move(a));
    }
  }
  std::sort(alerts.begin(), alerts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [k, a] : alerts) out.push_back(std::move(a));
  return out;
}

}  // namespace ctem::reports
