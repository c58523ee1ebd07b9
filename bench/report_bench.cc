// Report latency at scale: fills a store with a deterministic synthetic data set (by default
// 1,000,000 exposures, 200,000 remediations, 50,000 validations, 100,000 alerts and telemetry)
// and prints the median latency of every report against its goal, with PostgreSQL's EXPLAIN
// (ANALYZE) for any report over its goal.
//
//   bench/report_bench --store postgresql://... [--scale 1.0] [--runs 5] [--keep]
//
// The data is generated inside the database (generate_series) so that filling a million rows
// takes seconds; every value is a function of the row number, so runs are comparable.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <set>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "reports/report.h"
#include "store/store.h"

namespace {

using ctem::Timestamp;
using Clock = std::chrono::steady_clock;

constexpr const char* kNow = "2026-11-23T07:00:00.000Z";

struct Goal {
  const char* report;
  const char* param_name;
  const char* param_value;
  double goal_ms;
};

constexpr Goal kGoals[] = {
    {"assets", "", "", 500},          {"new-assets", "", "", 500},
    {"triage", "", "", 500},          {"correlation", "", "", 500},
    {"campaign-gaps", "campaign", "RT-0007", 500},
    {"sla-breaches", "", "", 50},     {"sla-at-risk", "", "", 50},
    {"pending-verifications", "", "", 500},
    {"weekly-metrics", "", "", 500},  {"score-trend", "", "", 500},
    {"red-team", "", "", 500},        {"atlas-coverage", "", "", 500},
    {"new-gaps", "", "", 500},        {"ctem-context", "technique", "AML.T0051", 50},
};

bool Exec(ctem::store::Store& s, const std::string& sql) {
  auto st = s.Sql().ExecuteInTransaction({{sql, {}}});
  if (!st) std::cerr << "bench: " << st.error().message << "\n";
  return st.has_value();
}

// Fills a PostgreSQL store. Severity, tool, zone and age cycle with the row number so that
// every combination occurs; the shape is a program in steady state: exposures up to 200 days
// old, 90% of those past 30 days remediated (Verified/Closed), about 1% carrying an ATLAS
// technique, and 1 runtime alert in 300 carrying one.
bool FillPostgres(ctem::store::Store& s, double scale) {
  auto n = [&](double base) { return std::to_string(static_cast<long long>(base * scale)); };
  const std::string now = std::string("'") + kNow + "'::timestamptz";
  const std::string exposures =
      "INSERT INTO ctem_exposures (exposure_key, ts, source_tool, title, description, severity, original_severity, "
      "asset_id, asset_type, asset_zone, exploitability_score, physical_consequence, ctem_score, atlas_technique, "
      "attack_technique, threat_model_ref, status, assigned_to, sla_deadline, remediation_guidance, evidence_url, "
      "tenant_id, created_at, updated_at, severity_rank, zone_source) "
      "SELECT substr(md5(i::text), 1, 16), c + ((i % 13) || ' days')::interval, "
      "(ARRAY['Wiz','Snyk','Garak','IBM_ART'])[1 + i % 4], 'Synthetic finding ' || i, 'generated', "
      "(ARRAY['CRITICAL','HIGH','MEDIUM','LOW'])[1 + i % 4], 'HIGH', 'asset-' || (i % 50000), 'VirtualMachine', "
      "(ARRAY['Zone0_PhysicalProcess','Zone1_EdgeInference','Zone2_Operations','Zone3_Enterprise','Zone4_External'])"
      "[1 + i % 5], 0.6, (ARRAY['safety_life','equipment','downtime','data_loss'])[1 + i % 4], "
      "round(((i % 97) / 10.0)::numeric, 1)::float8, "
      "CASE WHEN i % 97 = 0 THEN (ARRAY['AML.T0051','AML.T0015','AML.T0020','AML.T0010','AML.T0044'])[1 + i % 5] "
      "ELSE '' END, '', '', "
      "CASE WHEN i % 200 > 30 AND i % 10 <> 0 THEN (ARRAY['Verified','Closed'])[1 + i % 2] "
      "ELSE (ARRAY['Open','Open','InProgress','FixDeployed'])[1 + i % 4] END, '', "
      "c + (ARRAY[interval '24 hours', interval '72 hours', interval '14 days', interval '30 days'])[1 + i % 4], "
      "'', '', 'default', c, c, 4 - i % 4, 'rule' "
      "FROM (SELECT i, " + now + " - ((i % 200) || ' days')::interval - ((i % 24) || ' hours')::interval AS c "
      "FROM generate_series(1, " + n(1000000) + ") AS i) g";
  const std::string remediations =
      "INSERT INTO ctem_remediations (remediation_id, exposure_id, ts, status, assigned_to, assigned_date, "
      "sla_deadline, fix_deployed_date, verified_date, verified_by, sla_breached, escalation_level, "
      "fix_description, pull_request_url, tenant_id, created_at, updated_at) "
      "SELECT 'REM-' || i, substr(md5((i * 5)::text), 1, 16), a + interval '3 days', "
      "(ARRAY['Assigned','InProgress','FixDeployed','Verified','Closed'])[1 + i % 5], 'team-' || (i % 20), a, "
      "a + interval '72 hours', CASE WHEN i % 5 >= 2 THEN a + interval '40 hours' END, "
      "CASE WHEN i % 5 >= 3 THEN a + ((30 + i % 90) || ' hours')::interval END, '', false, '', '', '', "
      "'default', a, a FROM (SELECT i, " + now + " - ((i % 120) || ' days')::interval AS a "
      "FROM generate_series(1, " + n(200000) + ") AS i) g";
  const std::string validations =
      "INSERT INTO ctem_validations (validation_id, exposure_id, campaign_id, ts, validation_type, exploitable, "
      "exploit_complexity, attack_path, physical_consequence_demonstrated, detection_evaded, "
      "detection_rules_tested, detection_gaps, tester, evidence_url, tenant_id, created_at) "
      "SELECT 'VAL-' || i, substr(md5((i * 3)::text), 1, 16), 'RT-' || lpad((i % 40)::text, 4, '0'), "
      + now + " - ((i % 400) || ' days')::interval - ((i % 60) || ' minutes')::interval, "
      "(ARRAY['automated','manual_red_team','adversarial_ml','full_campaign'])[1 + i % 4], i % 3 <> 0, "
      "(ARRAY['low','medium','high'])[1 + i % 3], 'path', i % 11 = 0, i % 4 = 0, '[\"ATLAS-DETECT-003\"]', '[]', "
      "'tester', '', 'default', " + now + " FROM generate_series(1, " + n(50000) + ") AS i";
  const std::string alerts =
      "INSERT INTO alerts (ts, alert_title, severity, atlas_technique, tenant_id) "
      "SELECT " + now + " - ((i % 100) || ' days')::interval - ((i % 1440) || ' minutes')::interval, "
      "'Runtime alert ' || (i % 500), 'High', "
      "CASE WHEN i % 300 = 0 THEN (ARRAY['AML.T0051','AML.T0015','AML.T0020','AML.T0029'])[1 + (i / 300) % 4] "
      "ELSE '' END, 'default' "
      "FROM generate_series(1, " + n(100000) + ") AS i";
  const std::string telemetry =
      "INSERT INTO edge_node_telemetry (ts, edge_node_id, cpu_utilisation, model_weight_hash, tenant_id) "
      "SELECT " + now + " - ((i % 40) || ' days')::interval, 'edge-' || (i % 300), (i % 100) / 1.0, "
      "md5((i % 7)::text), 'default' FROM generate_series(1, " + n(100000) + ") AS i;"
      "INSERT INTO orbital_api_logs (ts, endpoint, caller_identity, tenant_id) "
      "SELECT " + now + " - ((i % 40) || ' days')::interval, "
      "(ARRAY['/v1/inference','/v1/nl-query','/demo/predict','/partner/feed','/v1/health'])[1 + i % 5] || '/' || "
      "(i % 60), 'caller-' || (i % 30), 'default' FROM generate_series(1, " + n(100000) + ") AS i";
  for (const std::string& sql : {exposures, remediations, validations, alerts}) {
    if (!Exec(s, sql)) return false;
  }
  auto st = s.Sql().Query(telemetry.substr(0, telemetry.find(';')), {});
  if (!st) return false;
  if (!Exec(s, telemetry.substr(telemetry.find(';') + 1))) return false;
  return Exec(s, "ANALYZE");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Report latency benchmark"};
  std::string url;
  double scale = 1.0;
  int runs = 5;
  bool keep = false;
  bool explain = true;
  bool tsv = false;
  bool fill_only = false;
  app.add_option("--store", url, "A postgresql:// URL of an empty database")->required();
  app.add_option("--scale", scale, "Fraction of the full data set (1.0 = 1M exposures)");
  app.add_option("--runs", runs, "Runs per report (the median is printed)");
  app.add_flag("--keep", keep, "Reuse the data already in the store");
  app.add_flag("--fill-only", fill_only,
               "Fill and exit (bench/run then runs VACUUM ANALYZE, as autovacuum would have, and --keep)");
  app.add_flag("!--no-explain", explain, "Do not print EXPLAIN ANALYZE for reports over their goal");
  app.add_flag("--tsv", tsv,
               "Tab-separated rows for bench/run: report <name> <median ms> <goal ms> <rows> <baseline ms>; "
               "the baseline is a full count(*) of ctem_exposures in the same run");
  CLI11_PARSE(app, argc, argv);

  auto store = ctem::store::OpenStore(url);
  if (!store) {
    std::cerr << "bench: " << store.error().message << "\n";
    return 1;
  }
  ctem::store::Store& s = **store;
  if (!s.Migrate()) return 1;
  if (!keep) {
    const auto t0 = Clock::now();
    if (!Exec(s, "TRUNCATE ctem_exposures, ctem_remediations, ctem_validations, alerts, edge_node_telemetry, "
                 "orbital_api_logs")) {
      return 1;
    }
    if (!FillPostgres(s, scale)) return 1;
    const double fill_s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (tsv) {
      std::printf("fill\t%.0f\t%.1f\n", 1e6 * scale, fill_s);
    } else {
      std::printf("filled in %.1f s (scale %.2f)\n", fill_s, scale);
    }
  }
  if (fill_only) return 0;
  // The baseline: the cheapest question about every exposure, a full count(*), timed alike.
  std::vector<double> base_ms;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = Clock::now();
    (void)s.Sql().Query("SELECT count(*) FROM ctem_exposures", {});
    base_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(base_ms.begin(), base_ms.end());
  const double baseline = base_ms[base_ms.size() / 2];
  if (!tsv) {
    std::printf("baseline: SELECT count(*) FROM ctem_exposures %.1f ms\n", baseline);
    std::printf("%-30s %10s %10s %8s %s\n", "report", "median_ms", "goal_ms", "rows", "verdict");
  }
  ctem::reports::ReportRequest req;
  req.now = *ctem::ParseTimestamp(kNow);
  int over = 0;
  // The reports that list rows run twice: every row (the seed's functions), then the first
  // page of kPage rows as the dashboard and an API client with ?limit= read them.
  constexpr size_t kPage = 1000;
  const std::set<std::string> listing = {"triage", "correlation", "sla-breaches", "sla-at-risk",
                                         "pending-verifications"};
  std::vector<std::pair<Goal, size_t>> plan;
  for (const Goal& g : kGoals) {
    plan.emplace_back(g, 0);
    if (listing.count(g.report)) plan.emplace_back(g, kPage);
  }
  for (const auto& [g, limit] : plan) {
    const ctem::reports::ReportSpec* spec = ctem::reports::FindReport(g.report);
    req.params.clear();
    req.limit = limit;
    if (*g.param_name) req.params[g.param_name] = g.param_value;
    const std::string label = limit ? std::string(g.report) + " --limit " + std::to_string(limit) : g.report;
    std::vector<double> ms;
    size_t rows = 0;
    for (int i = 0; i < runs; ++i) {
      const auto t0 = Clock::now();
      auto r = spec->run(s, req);
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      if (!r) {
        std::printf("%-24s failed: %s\n", label.c_str(), r.error().message.c_str());
        break;
      }
      rows = r->is_array() ? r->size() : 1;
    }
    std::sort(ms.begin(), ms.end());
    const double median = ms[ms.size() / 2];
    const bool ok = median <= g.goal_ms;
    over += ok ? 0 : 1;
    if (tsv) {
      std::printf("report\t%s\t%.1f\t%.0f\t%zu\t%.1f\n", label.c_str(), median, g.goal_ms, rows, baseline);
    } else {
      std::printf("%-30s %10.1f %10.0f %8zu %s\n", label.c_str(), median, g.goal_ms, rows, ok ? "ok" : "OVER GOAL");
    }
    std::fflush(stdout);
    if (!ok && explain && !tsv) {
      // Once more with every query's plan printed (PostgreSQL only).
      setenv("CTEM_SQL_EXPLAIN", "1", 1);
      auto traced = ctem::store::OpenStore(url);
      unsetenv("CTEM_SQL_EXPLAIN");
      if (traced) {
        std::fflush(stdout);
        (void)spec->run(**traced, req);
        std::fflush(stderr);
      }
    }
  }
  if (!tsv) std::printf("%d of %zu runs over their goal\n", over, plan.size());
  return 0;
}
