// Tenant isolation in the store (issue 9): a store bound to tenant A never reads, lists,
// counts or changes tenant B's rows, on both backends — on PostgreSQL connected as a login
// role that is a member of ctem_service (neither owner nor BYPASSRLS), so that row-level
// security, not the queries' own filters, is what is tested.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/exposure_key.h"
#include "jobs/lifecycle.h"
#include "jobs/sla_enforcer.h"
#include "reports/report.h"
#include "store/sqlite_store.h"
#include "store/store.h"
#include "store/tables.h"
#include "support/backends.h"

namespace ctem::store {
namespace {

using ctem::testing::TestDatabase;

Timestamp T(const char* iso) { return *ParseTimestamp(iso); }

const Timestamp kNow = T("2026-11-23T12:00:00Z");
constexpr const char* kServiceLogin = "ctem_tenancy_test";

// Runs SQL as the PostgreSQL superuser (creating roles needs it).
bool AdminPsql(const std::string& sql) {
  const char* admin = std::getenv("CTEM_TEST_POSTGRES_ADMIN_DSN");
  if (admin == nullptr) return false;
  const std::string cmd =
      "psql " + ctem::testing::ShellQuote(admin) + " -qAtc " + ctem::testing::ShellQuote(sql) + " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

// postgresql://user:pass@host... with another user and password.
std::string WithLogin(const std::string& url, const std::string& user, const std::string& password) {
  const size_t scheme = url.find("://") + 3;
  const size_t at = url.find('@', scheme);
  return url.substr(0, scheme) + user + ":" + password + url.substr(at);
}

Exposure Finding(const std::string& title, Severity severity, const std::string& tenant, Timestamp seen) {
  Exposure e;
  e.exposure_key = GenerateExposureKey("Wiz", title, "edge-node-01");
  e.ts = seen;
  e.source_tool = "Wiz";
  e.title = title;
  e.description = "identical in both tenants";
  e.severity = severity;
  e.original_severity = std::string(SeverityName(severity));
  e.asset_id = "edge-node-01";
  e.asset_type = "EdgeInferenceNode";
  e.asset_zone = "Zone1_EdgeInference";
  e.exploitability_score = 0.8;
  e.physical_consequence = Consequence::kEquipment;
  e.ctem_score = 7.5;
  e.atlas_technique = "AML.T0020";
  e.tenant_id = tenant;
  return e;
}

// One database, its owner migrating it, and stores connecting as the service role.
class Database {
 public:
  explicit Database(const std::string& backend) : db_(backend), backend_(backend) {}

  // Migrates as the owner; returns the URL services use ("" and a failure on error).
  std::string Prepare() {
    if (backend_ == "postgres") {
      // The roles are cluster-wide; concurrent tests may race to create them.
      const bool roles =
          AdminPsql("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ctem_service') THEN "
                    "CREATE ROLE ctem_service NOLOGIN; END IF; EXCEPTION WHEN duplicate_object OR "
                    "unique_violation THEN NULL; END $$") &&
          AdminPsql(std::string("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '") +
                    kServiceLogin + "') THEN CREATE ROLE " + kServiceLogin + " LOGIN PASSWORD '" + kServiceLogin +
                    "' IN ROLE ctem_service; END IF; EXCEPTION WHEN duplicate_object OR unique_violation THEN "
                    "NULL; END $$");
      EXPECT_TRUE(roles) << "could not create the roles ctem_service and " << kServiceLogin;
      if (!roles) return "";
    }
    auto owner = OpenStore(db_.url());
    EXPECT_TRUE(owner.has_value()) << owner.error().message;
    if (!owner) return "";
    auto v = (*owner)->Migrate();  // as the owner: creates the schema and grants ctem_service
    EXPECT_TRUE(v.has_value()) << v.error().message;
    return backend_ == "postgres" ? WithLogin(db_.url(), kServiceLogin, kServiceLogin) : db_.url();
  }

  TestDatabase& db() { return db_; }

 private:
  TestDatabase db_;
  std::string backend_;
};

class TenantIsolationTest : public ::testing::TestWithParam<std::string> {
 protected:
  TenantIsolationTest() : both_(GetParam()), only_a_(GetParam()) {}

  void SetUp() override {
    CTEM_REQUIRE_BACKEND(both_.db());
    CTEM_REQUIRE_BACKEND(only_a_.db());
    both_url_ = both_.Prepare();
    only_a_url_ = only_a_.Prepare();
    ASSERT_FALSE(both_url_.empty());
    ASSERT_FALSE(only_a_url_.empty());
    // A first in both databases, so that A's rows get the same ids in each.
    Seed(both_url_, "plant-a");
    Seed(both_url_, "plant-b");
    Seed(only_a_url_, "plant-a");
  }


  std::unique_ptr<Store> Open(const std::string& url) {
    auto s = OpenStore(url);
    EXPECT_TRUE(s.has_value()) << s.error().message;
    return s ? std::move(*s) : nullptr;
  }

  std::unique_ptr<Store> OpenBound(const std::string& url, const std::string& tenant) {
    auto s = Open(url);
    if (!s) return nullptr;
    auto st = s->BindTenant(tenant);
    EXPECT_TRUE(st.has_value()) << st.error().message;
    return s;
  }

  static std::vector<Exposure> Findings(const std::string& tenant) {
    return {Finding("Model weights readable", Severity::kCritical, tenant, kNow - days(10)),
            Finding("Prompt injection", Severity::kHigh, tenant, kNow - hours(30)),
            Finding("Old TLS", Severity::kLow, tenant, kNow - days(3))};
  }

  // The same findings, validations, remediations, runtime rows and lifecycle moves for
  // `tenant`, written as the service role: typed upserts unbound, the rest bound.
  void Seed(const std::string& url, const std::string& tenant) {
    auto service = Open(url);
    ASSERT_NE(service, nullptr);
    const std::vector<Exposure> findings = Findings(tenant);
    ASSERT_TRUE(service->UpsertExposures(findings, kNow - days(1)).has_value());
    Validation v;
    v.validation_id = "VAL-1";
    v.exposure_id = findings[0].exposure_key;
    v.campaign_id = "CAMP-1";
    v.ts = kNow - hours(2);
    v.validation_type = "manual_red_team";
    v.exploitable = true;
    v.detection_evaded = true;
    v.detection_gaps = {"no rule for weight exfiltration"};
    v.tenant_id = tenant;
    auto val = service->UpsertValidations(std::vector<Validation>{v}, kNow - hours(2));
    ASSERT_TRUE(val.has_value()) << val.error().message;
    Remediation r;
    r.remediation_id = "REM-1";
    r.exposure_id = findings[1].exposure_key;
    r.ts = kNow - days(2);
    r.status = ExposureStatus::kFixDeployed;
    r.assigned_to = "alice";
    r.assigned_date = kNow - days(3);
    r.fix_deployed_date = kNow - days(2);
    r.tenant_id = tenant;
    ASSERT_TRUE(service->UpsertRemediations(std::vector<Remediation>{r}, kNow - days(2)).has_value());

    TenantScope scope(*service, tenant);
    ASSERT_TRUE(scope.status().has_value());
    const std::string ts = FormatTimestamp(kNow - hours(5));
    const std::vector<std::pair<std::string, std::map<std::string, SqlValue>>> runtime = {
        {"alerts", {{"ts", ts}, {"alert_title", "weights read"}, {"severity", "HIGH"}, {"atlas_technique", "AML.T0020"}}},
        {"edge_node_telemetry", {{"ts", ts}, {"edge_node_id", "edge-node-01"}, {"cpu_utilisation", "40"}}},
        {"orbital_api_logs", {{"ts", ts}, {"endpoint", "/v1/predict"}, {"caller_identity", "svc"}}},
        {"partner_api_logs", {{"ts", ts}, {"partner_id", "acme"}, {"mtls_verified", "true"}}},
        {"opcua_telemetry", {{"ts", ts}, {"edge_node_id", "edge-node-01"}, {"sensor_count", "4"}}},
        {"cicd_audit", {{"ts", ts}, {"pipeline_id", "build-1"}}},
        {"model_registry", {{"ts", ts}, {"model_name", "m1"}, {"stage", "prod"}}},
    };
    for (const auto& [table, raw] : runtime) {
      const TableSpec* spec = FindLoadableTable(table);
      ASSERT_NE(spec, nullptr);
      auto row = NormaliseLoadRow(*spec, raw);
      ASSERT_TRUE(row.has_value()) << row.error().message;
      auto st = LoadRows(service->Sql(), *spec, tenant, {*row}, kNow);
      ASSERT_TRUE(st.has_value()) << table << ": " << st.error().message;
    }
    ManualClock clock(kNow - hours(1));
    jobs::RemediationLifecycle lifecycle(*service, clock);
    jobs::MoveRequest assign;
    assign.action = jobs::LifecycleAction::kAssign;
    assign.actor = "lead";
    assign.to = "bob";
    auto moved = lifecycle.Move(tenant, findings[2].exposure_key, assign);
    ASSERT_TRUE(moved.has_value()) << moved.error().message;
  }

  std::string both_url_;
  std::string only_a_url_;
  Database both_;
  Database only_a_;
};

// Roles and row-level security exist on PostgreSQL only: this suite is instantiated for it
// alone (below), rather than skipped on SQLite.
class PostgresTenantIsolationTest : public TenantIsolationTest {};

TEST_P(PostgresTenantIsolationTest, ServiceRoleIsNeitherOwnerNorBypassRlsAndEveryTenantTableForcesRls) {
  auto s = Open(both_url_);
  ASSERT_NE(s, nullptr);
  auto role = s->Sql().Query(
      "SELECT current_user, r.rolsuper, r.rolbypassrls, pg_has_role(current_user, 'ctem_service', 'MEMBER'), "
      "pg_has_role(current_user, c.relowner, 'MEMBER') FROM pg_roles r, pg_class c "
      "WHERE r.rolname = current_user AND c.oid = 'ctem_exposures'::regclass",
      {});
  ASSERT_TRUE(role.has_value()) << role.error().message;
  ASSERT_EQ(role->size(), 1u);
  EXPECT_EQ(AsText((*role)[0][0]), kServiceLogin);
  EXPECT_FALSE(AsBool((*role)[0][1])) << "superuser";
  EXPECT_FALSE(AsBool((*role)[0][2])) << "BYPASSRLS";
  EXPECT_TRUE(AsBool((*role)[0][3])) << "not a member of ctem_service";
  EXPECT_FALSE(AsBool((*role)[0][4])) << "owner of the tables";

  // Every table with a tenant_id column is either scoped (ENABLE + FORCE + the policy) or one
  // of the documented cross-tenant operational tables.
  auto tables = s->Sql().Query(
      "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
      "EXISTS (SELECT 1 FROM pg_policies p WHERE p.tablename = c.relname AND p.policyname = "
      "'ctem_tenant_isolation') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = 'public' AND c.relkind = 'r' AND EXISTS (SELECT 1 FROM pg_attribute a WHERE "
      "a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) ORDER BY c.relname",
      {});
  ASSERT_TRUE(tables.has_value()) << tables.error().message;
  const std::set<std::string> scoped(TenantTables().begin(), TenantTables().end());
  const std::set<std::string> cross_tenant = {"ctem_tenants", "ctem_api_tokens"};
  std::set<std::string> seen;
  for (const auto& r : *tables) {
    const std::string name = AsText(r[0]);
    seen.insert(name);
    if (cross_tenant.contains(name)) continue;
    EXPECT_TRUE(scoped.contains(name)) << name << " has tenant data but is not in TenantTables()";
    EXPECT_TRUE(AsBool(r[1])) << name << ": row-level security not enabled";
    EXPECT_TRUE(AsBool(r[2])) << name << ": row-level security not forced";
    EXPECT_TRUE(AsBool(r[3])) << name << ": no ctem_tenant_isolation policy";
  }
  for (const std::string& t : scoped) EXPECT_TRUE(seen.contains(t)) << t;
}

TEST_P(TenantIsolationTest, ScopedStoreNeverReadsListsOrCountsAnotherTenantsRows) {
  auto a = OpenBound(both_url_, "plant-a");
  ASSERT_NE(a, nullptr);
  const std::vector<Exposure> b_findings = Findings("plant-b");

  ExposureFilter mine;
  mine.tenant_id = "plant-a";
  auto listed = a->ListExposures(mine);
  ASSERT_TRUE(listed.has_value()) << listed.error().message;
  ASSERT_EQ(listed->size(), 3u);
  for (const auto& e : *listed) EXPECT_EQ(e.exposure.tenant_id, "plant-a");
  ExposureFilter theirs;
  theirs.tenant_id = "plant-b";
  EXPECT_TRUE(a->ListExposures(theirs)->empty());
  EXPECT_EQ(*a->CountExposures("plant-a"), 3u);
  EXPECT_EQ(*a->CountExposures("plant-b"), 0u);
  for (const Exposure& e : b_findings) {
    auto got = a->GetExposure("plant-b", e.exposure_key);
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_FALSE(got->has_value()) << e.exposure_key;
  }
  EXPECT_TRUE(a->CountAlertsByTechnique("plant-b", kNow - days(1), kNow)->empty());
  EXPECT_EQ(a->CountAlertsByTechnique("plant-a", kNow - days(1), kNow)->at("AML.T0020"), 1);

  // Raw SQL that forgot its tenant filter still sees A's rows only, in every tenant table.
  auto count = a->Sql().Query("SELECT count(*) FROM ctem_exposures", {});
  ASSERT_TRUE(count.has_value()) << count.error().message;
  EXPECT_EQ(AsInt((*count)[0][0]), 3);
  for (std::string_view table : TenantTables()) {
    auto rows = a->Sql().Query("SELECT count(*), count(*) FILTER (WHERE tenant_id = 'plant-a') FROM " +
                                   std::string(table),
                               {});
    ASSERT_TRUE(rows.has_value()) << table << ": " << rows.error().message;
    EXPECT_EQ(AsInt((*rows)[0][0]), AsInt((*rows)[0][1])) << table << " shows another tenant's rows";
    EXPECT_GT(AsInt((*rows)[0][0]), table == "ctem_assets" ? -1 : 0) << table << " was seeded";
  }
  auto joined = a->Sql().Query(
      "SELECT count(*) FROM ctem_exposures e JOIN ctem_validations v ON v.exposure_id = e.exposure_key", {});
  ASSERT_TRUE(joined.has_value());
  EXPECT_EQ(AsInt((*joined)[0][0]), 1);
  auto outbox = a->PendingOutboxAlerts(100);
  ASSERT_TRUE(outbox.has_value()) << outbox.error().message;
  ASSERT_EQ(outbox->size(), 1u);  // A's detection-gap alert, not B's
  EXPECT_EQ(outbox->front().tenant_id, "plant-a");
}

TEST_P(TenantIsolationTest, ScopedStoreNeverChangesAnotherTenantsRows) {
  auto a = OpenBound(both_url_, "plant-a");
  auto b = OpenBound(both_url_, "plant-b");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  const std::vector<Exposure> b_findings = Findings("plant-b");
  std::vector<std::string> b_keys;
  for (const Exposure& e : b_findings) b_keys.push_back(e.exposure_key);

  // MarkNoLongerSeen for B's keys through A's store marks A's own rows of those keys at most;
  // B's stay seen.
  auto marked = a->MarkNoLongerSeen("plant-b", b_keys, kNow);
  ASSERT_TRUE(marked.has_value()) << marked.error().message;
  EXPECT_EQ(*marked, 0u);
  for (const Exposure& e : b_findings) EXPECT_FALSE((*b->GetExposure("plant-b", e.exposure_key))->no_longer_seen_at);

  // Lifecycle actions on B's exposure fail as not found, and change nothing.
  ManualClock clock(kNow);
  jobs::RemediationLifecycle lifecycle(*a, clock);
  jobs::MoveRequest assign;
  assign.action = jobs::LifecycleAction::kAssign;
  assign.actor = "mallory";
  assign.to = "mallory";
  auto moved = lifecycle.Move("plant-b", b_findings[0].exposure_key, assign);
  ASSERT_FALSE(moved.has_value());
  EXPECT_EQ(moved.error().code, ErrorCode::kNotFound) << moved.error().message;
  EXPECT_EQ(lifecycle.Load("plant-b", b_findings[0].exposure_key).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(lifecycle.Audit("plant-b", b_findings[2].exposure_key).error().code, ErrorCode::kNotFound);
  EXPECT_EQ((*b->GetExposure("plant-b", b_findings[0].exposure_key))->exposure.assigned_to, "");

  // Raw UPDATE and DELETE without a tenant filter touch A's rows only.
  auto updated = a->Sql().ExecuteChecked({{"UPDATE ctem_exposures SET assigned_to = 'mallory'", {}, 3}});
  ASSERT_TRUE(updated.has_value()) << updated.error().message;
  EXPECT_TRUE(*updated) << "the UPDATE changed other than A's 3 rows";
  auto deleted = a->Sql().ExecuteChecked({{"DELETE FROM alerts", {}, 1}});
  ASSERT_TRUE(deleted.has_value()) << deleted.error().message;
  EXPECT_TRUE(*deleted);
  for (const Exposure& e : b_findings) {
    EXPECT_NE((*b->GetExposure("plant-b", e.exposure_key))->exposure.assigned_to, "mallory");
  }
  EXPECT_EQ(*b->CountAlertsByTechnique("plant-b", kNow - days(1), kNow), (std::map<std::string, long long>{{"AML.T0020", 1}}));

  // Writing B's rows under A's setting is rejected (WITH CHECK), and nothing is written.
  auto inserted = a->Sql().ExecuteInTransaction(
      {{"INSERT INTO alerts (ts, alert_title, tenant_id) VALUES (?, 'forged', 'plant-b')", {FormatTimestamp(kNow)}}});
  ASSERT_FALSE(inserted.has_value());
  EXPECT_NE(inserted.error().message.find("row-level security"), std::string::npos) << inserted.error().message;
  auto moved_over = a->Sql().ExecuteInTransaction(
      {{"UPDATE ctem_exposures SET tenant_id = 'plant-b' WHERE exposure_key = ?", {b_keys[0]}}});
  EXPECT_FALSE(moved_over.has_value());
  auto forged = a->UpsertExposures(b_findings, kNow);
  ASSERT_FALSE(forged.has_value());
  EXPECT_EQ(forged.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(*b->CountExposures("plant-b"), 3u);
  EXPECT_EQ(*b->CountAlertsByTechnique("plant-b", kNow - days(1), kNow + days(1)),
            (std::map<std::string, long long>{{"AML.T0020", 1}}));

  // A bound store stays bound.
  EXPECT_FALSE(a->BindTenant("plant-b").has_value());
  TenantScope other(*a, "plant-b");
  EXPECT_FALSE(other.status().has_value());
  EXPECT_EQ(a->BoundTenant(), std::optional<std::string>("plant-a"));
}

TEST_P(TenantIsolationTest, EveryReportOfATenantEqualsThatOfAStoreHoldingOnlyItsRows) {
  auto both = OpenBound(both_url_, "plant-a");
  auto only = OpenBound(only_a_url_, "plant-a");
  ASSERT_NE(both, nullptr);
  ASSERT_NE(only, nullptr);
  reports::ReportRequest req;
  req.tenant_id = "plant-a";
  req.now = kNow;
  req.params = {{"campaign", "CAMP-1"}, {"technique", "AML.T0020"}};
  size_t nonempty = 0;
  for (const reports::ReportSpec& spec : reports::AllReports()) {
    auto mixed = spec.run(*both, req);
    auto alone = spec.run(*only, req);
    ASSERT_TRUE(mixed.has_value()) << spec.name << ": " << mixed.error().message;
    ASSERT_TRUE(alone.has_value()) << spec.name << ": " << alone.error().message;
    EXPECT_EQ(mixed->dump(), alone->dump()) << spec.name;
    if (!(mixed->is_array() && mixed->empty())) ++nonempty;
  }
  EXPECT_GE(nonempty, 8u) << "the seed data should give most reports rows";

  // A report for another tenant through A's store is refused.
  req.tenant_id = "plant-b";
  auto refused = reports::AllReports().front().run(*both, req);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition);
}

TEST_P(TenantIsolationTest, IdenticalFindingsOfTwoTenantsAreTwoRowsWithTheSeedsKey) {
  auto service = Open(both_url_);  // unbound: typed calls run as their tenant
  ASSERT_NE(service, nullptr);
  for (const Exposure& e : Findings("plant-a")) {
    EXPECT_EQ(e.exposure_key, GenerateExposureKey("Wiz", e.title, "edge-node-01"));
    auto a = service->GetExposure("plant-a", e.exposure_key);
    auto b = service->GetExposure("plant-b", e.exposure_key);
    ASSERT_TRUE(a.has_value() && a->has_value());
    ASSERT_TRUE(b.has_value() && b->has_value());
    EXPECT_NE((*a)->id, (*b)->id);
    EXPECT_EQ((*a)->exposure.tenant_id, "plant-a");
    EXPECT_EQ((*b)->exposure.tenant_id, "plant-b");
  }
  auto tenants = service->ListTenants();
  ASSERT_TRUE(tenants.has_value()) << tenants.error().message;
  EXPECT_EQ(*tenants, (std::vector<std::string>{"plant-a", "plant-b"}));
  // Unbound raw SQL runs as the default tenant, which has nothing here.
  EXPECT_EQ(AsInt((*service->Sql().Query("SELECT count(*) FROM ctem_exposures", {}))[0][0]), 0);
}

TEST_P(TenantIsolationTest, UpsertBatchesMixingTenantsWriteEachTenantsRows) {
  auto service = Open(only_a_url_);
  ASSERT_NE(service, nullptr);
  std::vector<Exposure> batch;
  for (const char* tenant : {"plant-c", "plant-a", "plant-d"}) {
    for (Exposure& e : Findings(tenant)) batch.push_back(std::move(e));
  }
  auto r = service->UpsertExposures(batch, kNow);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->inserted, 6u);
  EXPECT_EQ(r->updated, 3u);
  for (const char* tenant : {"plant-a", "plant-c", "plant-d"}) EXPECT_EQ(*service->CountExposures(tenant), 3u);
  EXPECT_EQ(*service->ListTenants(), (std::vector<std::string>{"plant-a", "plant-c", "plant-d"}));
}

TEST_P(TenantIsolationTest, JobsCoverEveryTenantAsTheServiceRole) {
  auto service = Open(both_url_);
  ASSERT_NE(service, nullptr);
  ManualClock clock(kNow);
  jobs::SlaEnforcer enforcer(*service, clock);
  auto run = enforcer.RunOnce();
  ASSERT_TRUE(run.has_value()) << run.error().message;
  EXPECT_EQ(run->summary["tenants"], 2);
  std::multiset<std::string> tenants;
  for (const auto& m : run->emitted) tenants.insert(m["tenant"].get<std::string>());
  ASSERT_FALSE(tenants.empty());
  EXPECT_EQ(tenants.count("plant-a"), tenants.count("plant-b"));
  // The breach state landed in each tenant's rows.
  for (const char* tenant : {"plant-a", "plant-b"}) {
    auto bound = OpenBound(both_url_, tenant);
    auto breached = bound->Sql().Query("SELECT count(*) FROM ctem_exposures WHERE sla_breached", {});
    ASSERT_TRUE(breached.has_value()) << breached.error().message;
    EXPECT_EQ(AsInt((*breached)[0][0]), 1) << tenant;
  }
}

TEST(QualifySqliteWriteTarget, NamesTheTenantTableInMainAndLeavesEverythingElse) {
  EXPECT_EQ(QualifySqliteWriteTarget("INSERT INTO alerts (ts) VALUES (?)"), "INSERT INTO main.alerts (ts) VALUES (?)");
  EXPECT_EQ(QualifySqliteWriteTarget("  insert or ignore into ctem_assets VALUES (1)"),
            "  insert or ignore into main.ctem_assets VALUES (1)");
  EXPECT_EQ(QualifySqliteWriteTarget("UPDATE ctem_exposures SET x = 1"), "UPDATE main.ctem_exposures SET x = 1");
  EXPECT_EQ(QualifySqliteWriteTarget("DELETE FROM cicd_audit WHERE 1"), "DELETE FROM main.cicd_audit WHERE 1");
  EXPECT_EQ(QualifySqliteWriteTarget("UPDATE main.alerts SET x = 1"), "UPDATE main.alerts SET x = 1");
  EXPECT_EQ(QualifySqliteWriteTarget("UPDATE ctem_job_runs SET x = 1"), "UPDATE ctem_job_runs SET x = 1");
  EXPECT_EQ(QualifySqliteWriteTarget("SELECT * FROM alerts"), "SELECT * FROM alerts");
}

INSTANTIATE_TEST_SUITE_P(Backends, TenantIsolationTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });
INSTANTIATE_TEST_SUITE_P(Backends, PostgresTenantIsolationTest, ::testing::Values("postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace ctem::store
