// CTEM-METRICS-001..004 (seed section 8): weekly operational metrics, the risk-posture trend
// (erratum 7), red-team effectiveness and the ATLAS coverage matrix (erratum 5).
#include <map>

#include "parsers/atlas.h"
#include "reports/report_util.h"

namespace ctem::reports {

using namespace internal;

namespace {

struct KnownTechnique {
  const char* atlas_technique;
  const char* threat_model_ref;
  const char* name;
};

// The seed's KNOWN_TECHNIQUES (section 8.4), in its order.
constexpr KnownTechnique kKnownTechniques[] = {
    {"AML.T0020", "TM-01", "Poison Training Data"},
    {"AML.T0043", "TM-03/06/08", "Craft Adversarial Data"},
    {"AML.T0015", "TM-07/17", "Evade ML Model"},
    {"AML.T0044", "TM-04/11", "Full ML Model Access"},
    {"AML.T0044.001", "TM-12", "Query-Based Model Extraction"},
    {"AML.T0051", "TM-10", "LLM Prompt Injection"},
    {"AML.T0054", "TM-10", "LLM Jailbreak"},
    {"AML.T0029", "TM-09/14", "Denial of ML Service"},
    {"AML.T0010", "TM-05/15", "ML Supply Chain Compromise"},
    {"AML.T0018", "TM-05", "Backdoor ML Model"},
    {"AML.T0035.001", "TM-04", "Physical Access to ML Model"},
    {"AML.T0035.002", "TM-11", "Insider Access to ML Model"},
    {"AML.T0014", "TM-20", "Discover ML Model Ontology"},
    {"AML.T0024", "TM-13", "Infer Training Data Membership"},
    {"AML.T0048.003", "TM-02", "Exploit via Model-Serving Interface"},
};

Result<std::map<std::string, long long>> CountBy(store::Store& store, const std::string& sql,
                                                 const std::vector<SqlValue>& params) {
  auto rows = Rows(store, sql, params);
  if (!rows) return Fail(rows.error());
  std::map<std::string, long long> out;
  for (const auto& r : *rows) out[store::AsText(r[0])] = store::AsInt(r[1]);
  return out;
}

}  // namespace

Result<Json> WeeklyMetricsReport(store::Store& store, const ReportRequest& req) {
  const SqlValue now = P(req.now);
  const SqlValue d30 = P(req.now - days(30));
  const SqlValue d60 = P(req.now - days(60));
  // MTTR and SLA compliance over remediations verified in the last 30 days; computed from
  // exact millisecond differences so both backends agree to the last digit.
  auto rem = Rows(store,
                  "SELECT r.assigned_date, r.verified_date, r.sla_deadline, COALESCE(e.severity, '') "
                  "FROM ctem_remediations r LEFT JOIN ctem_exposures e ON e.tenant_id = r.tenant_id AND "
                  "e.exposure_key = r.exposure_id WHERE r.tenant_id = ? AND r.status = 'Verified' AND "
                  "r.ts > ? AND r.ts <= ?",
                  {req.tenant_id, d30, now});
  if (!rem) return Fail(rem.error());
  long long total = 0, on_time = 0, n_all = 0, n_crit = 0;
  long long ms_all = 0, ms_crit = 0;
  for (const auto& r : *rem) {
    ++total;
    const auto assigned = store::AsTimestamp(r[0]);
    const auto verified = store::AsTimestamp(r[1]);
    const auto deadline = store::AsTimestamp(r[2]);
    if (verified && deadline && *verified <= *deadline) ++on_time;
    if (assigned && verified) {
      const long long ms = (*verified - *assigned).count();
      ms_all += ms;
      ++n_all;
      if (store::AsText(r[3]) == "CRITICAL") {
        ms_crit += ms;
        ++n_crit;
      }
    }
  }
  auto mean_hours = [](long long ms, long long n) {
    return n ? PyRound(static_cast<double>(ms) / 3'600'000.0 / static_cast<double>(n), 1) : 0.0;
  };
  const double compliance =
      PyRound(static_cast<double>(on_time) * 100.0 / static_cast<double>(std::max(total, 1LL)), 1);

  auto open = CountBy(store,
                      std::string("SELECT severity, COUNT(*) FROM ctem_exposures WHERE tenant_id = ? AND status IN ") +
                          kOpenStatuses + " GROUP BY severity",
                      {req.tenant_id});
  if (!open) return Fail(open.error());
  Json open_json = Json::object();
  for (Severity s : kAllSeverities) {
    auto it = open->find(std::string(SeverityName(s)));
    if (it != open->end()) open_json[std::string(SeverityName(s))] = it->second;
  }

  // The seed counts DISTINCT exposure_key; a key is unique per tenant (the table's unique
  // index), so COUNT(*) is the same number without hashing 75k keys at 1M exposures.
  auto paths = Rows(store,
                    "SELECT (SELECT COUNT(*) FROM ctem_exposures WHERE tenant_id = ? AND ts > ? "
                    "AND ts <= ? AND severity IN ('CRITICAL', 'HIGH')), "
                    "(SELECT COUNT(*) FROM ctem_exposures WHERE tenant_id = ? AND ts >= ? "
                    "AND ts <= ? AND severity IN ('CRITICAL', 'HIGH'))",
                    {req.tenant_id, d30, now, req.tenant_id, d60, d30});
  if (!paths) return Fail(paths.error());

  auto tools = CountBy(store,
                       "SELECT source_tool, COUNT(*) FROM ctem_exposures WHERE tenant_id = ? AND ts > ? AND ts <= ? "
                       "GROUP BY source_tool",
                       {req.tenant_id, d30, now});
  if (!tools) return Fail(tools.error());
  Json tool_json = Json::object();
  for (const auto& [tool, n] : *tools) tool_json[tool] = n;

  return Json{{"report", "CTEM Weekly Operational Metrics"},
              {"report_date", FormatTimestamp(req.now).substr(0, 10)},
              {"mttr_all_hours", mean_hours(ms_all, n_all)},
              {"mttr_critical_hours", mean_hours(ms_crit, n_crit)},
              {"sla_compliance_rate", compliance},
              {"open_exposures", open_json},
              {"attack_path_current_month", store::AsInt(paths->front()[0])},
              {"attack_path_prior_month", store::AsInt(paths->front()[1])},
              {"tool_coverage", tool_json}};
}

Result<Json> ScoreTrendReport(store::Store& store, const ReportRequest& req) {
  const std::string week = store::SqlWeekStart(store.Sql().Backend(), "ts");
  auto rows = Rows(store,
                   "SELECT " + week + " AS week, severity, COUNT(*), SUM(" + MicroUnits("ctem_score") +
                       "), MAX(ctem_score) FROM ctem_exposures WHERE tenant_id = ? AND ts > ? AND ts <= ? AND "
                       "status IN " + kOpenStatuses + " GROUP BY 1, 2 ORDER BY 1",
                   {req.tenant_id, P(req.now - days(180)), P(req.now)});
  if (!rows) return Fail(rows.error());
  struct Week {
    long long total = 0;
    long long by_severity[5] = {0, 0, 0, 0, 0};  // index = rank
    long long score_micro = 0;
    long long weighted_micro = 0;
    double max_score = 0;
    bool has_max = false;
  };
  std::map<std::string, Week> weeks;
  for (const auto& r : *rows) {
    Week& w = weeks[store::AsText(r[0])];
    const Severity sev = ParseSeverity(store::AsText(r[1])).value_or(Severity::kLow);
    const long long n = store::AsInt(r[2]);
    const long long micro = store::AsInt(r[3]);
    w.total += n;
    w.by_severity[SeverityRank(sev)] += n;
    w.score_micro += micro;
    w.weighted_micro += micro * SeverityRank(sev);  // CRITICAL*4 + HIGH*3 + MEDIUM*2 + LOW*1
    const double mx = store::AsDouble(r[4]);
    if (!w.has_max || mx > w.max_score) w.max_score = mx;
    w.has_max = true;
  }
  Json out = Json::array();
  std::optional<double> prev;
  for (const auto& [monday, w] : weeks) {
    const double count = static_cast<double>(w.total);
    const double score = PyRound(static_cast<double>(w.weighted_micro) / 1e6 / count, 1);
    std::string trend = "BASELINE";
    Json change = nullptr;
    if (prev) {
      change = PyRound(score - *prev, 1);
      trend = score < *prev ? "IMPROVING" : score > *prev ? "DEGRADING" : "STABLE";
    }
    out.push_back(Json{{"week", monday},
                       {"total_exposures", w.total},
                       {"critical_count", w.by_severity[4]},
                       {"high_count", w.by_severity[3]},
                       {"medium_count", w.by_severity[2]},
                       {"low_count", w.by_severity[1]},
                       {"avg_ctem_score", PyRound(static_cast<double>(w.score_micro) / 1e6 / count, 1)},
                       {"max_ctem_score", w.max_score},
                       {"risk_posture_score", score},
                       {"week_over_week_change", change},
                       {"trend", trend}});
    prev = score;
  }
  return out;
}

Result<Json> RedTeamReport(store::Store& store, const ReportRequest& req) {
  auto rows = Rows(store,
                   "SELECT campaign_id, COUNT(*), COUNT(*) FILTER (WHERE exploitable), "
                   "COUNT(*) FILTER (WHERE exploitable AND detection_evaded), "
                   "COUNT(*) FILTER (WHERE physical_consequence_demonstrated) FROM ctem_validations "
                   "WHERE tenant_id = ? AND ts > ? AND ts <= ? AND validation_type IN ('manual_red_team', "
                   "'adversarial_ml', 'full_campaign') GROUP BY campaign_id ORDER BY campaign_id",
                   {req.tenant_id, P(req.now - days(365)), P(req.now)});
  if (!rows) return Fail(rows.error());
  Json out = Json::array();
  for (const auto& r : *rows) {
    const long long total = store::AsInt(r[1]);
    const long long exploitable = store::AsInt(r[2]);
    const long long evaded = store::AsInt(r[3]);
    out.push_back(Json{{"campaign_id", store::AsText(r[0])},
                       {"total_tests", total},
                       {"exploitable_findings", exploitable},
                       {"exploit_rate", PercentOrNull(exploitable, total)},
                       {"evasion_rate", PercentOrNull(evaded, exploitable)},
                       {"detection_rate", PercentOrNull(exploitable - evaded, exploitable)},
                       {"physical_consequence_count", store::AsInt(r[4])}});
  }
  return out;
}

Result<Json> AtlasCoverageReport(store::Store& store, const ReportRequest& req) {
  const SqlValue now = P(req.now);
  const SqlValue d90 = P(req.now - days(90));
  auto ctem = CountBy(store,
                      "SELECT atlas_technique, COUNT(*) FROM ctem_exposures WHERE tenant_id = ? AND ts > ? AND "
                      "ts <= ? AND atlas_technique != '' GROUP BY atlas_technique",
                      {req.tenant_id, d90, now});
  if (!ctem) return Fail(ctem.error());
  auto runtime = CountBy(store,
                         "SELECT atlas_technique, COUNT(*) FROM alerts WHERE tenant_id = ? AND ts > ? AND ts <= ? "
                         "AND atlas_technique != '' GROUP BY atlas_technique",
                         {req.tenant_id, d90, now});
  if (!runtime) return Fail(runtime.error());
  // Erratum 5: red-team validation coverage comes from validations joined to the techniques
  // of the exposures they tested.
  auto validation = CountBy(store,
                            "SELECT e.atlas_technique, COUNT(*) FROM ctem_validations v JOIN ctem_exposures e ON "
                            "e.tenant_id = v.tenant_id AND e.exposure_key = v.exposure_id WHERE v.tenant_id = ? AND "
                            "v.ts > ? AND v.ts <= ? AND e.atlas_technique != '' GROUP BY e.atlas_technique",
                            {req.tenant_id, P(req.now - days(365)), now});
  if (!validation) return Fail(validation.error());
  std::vector<std::pair<std::pair<int, std::string>, Json>> rows;
  for (const KnownTechnique& k : kKnownTechniques) {
    const std::string t = k.atlas_technique;
    const long long c = ctem->count(t) ? ctem->at(t) : 0;
    const long long a = runtime->count(t) ? runtime->at(t) : 0;
    const long long v = validation->count(t) ? validation->at(t) : 0;
    const int score = (c > 0) + (a > 0) + (v > 0);
    const char* status = (c > 0 && a > 0 && v > 0) ? "FULL_COVERAGE"
                         : a > 0                   ? "DETECTION_ONLY"
                         : c > 0                   ? "DISCOVERY_ONLY"
                                                   : "NO_COVERAGE";
    // The seed's ID stays the row's key; the official technique it stands for is shown
    // beside it, and IDs that ATLAS does not have are flagged (docs/formats/atlas.md).
    const parsers::AtlasMapping atlas = parsers::MapSeedTechnique(t);
    rows.push_back({{score, t},
                    Json{{"atlas_technique", t},
                         {"technique_name", k.name},
                         {"atlas_official_id", atlas.official_id},
                         {"atlas_official_name", atlas.official_name},
                         {"atlas_match", parsers::AtlasMatchName(atlas.match)},
                         {"threat_model_ref", k.threat_model_ref},
                         {"has_ctem_discovery", c > 0},
                         {"ctem_findings", c},
                         {"has_runtime_detection", a > 0},
                         {"runtime_alerts", a},
                         {"has_red_team_validation", v > 0},
                         {"validation_tests", v},
                         {"coverage_score", score},
                         {"coverage_status", status}}});
  }
  std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  Json out = Json::array();
  for (auto& [key, row] : rows) out.push_back(std::move(row));
  return out;
}

}  // namespace ctem::reports
