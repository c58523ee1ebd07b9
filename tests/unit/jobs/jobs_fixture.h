// Shared fixture of the jobs tests: a migrated store on each backend (SQLite, and PostgreSQL
// when the test server is configured), a pinned clock, and helpers that write exposures,
// remediations and telemetry as of given times and read the outbox back.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/exposure_key.h"
#include "core/records.h"
#include "core/time.h"
#include "store/store.h"
#include "support/backends.h"

namespace ctem::jobs::testing {

using nlohmann::ordered_json;

inline Timestamp T(const char* iso) {
  return *ParseTimestamp(iso);
}

// Monday 2026-11-23 00:00 UTC: the start of the scripted week.
inline Timestamp WeekStart() {
  return T("2026-11-23T00:00:00Z");
}

inline Exposure MakeExposure(const std::string& title, Severity severity, Timestamp first_seen,
                             const std::string& tenant = "default") {
  Exposure e;
  e.exposure_key = GenerateExposureKey("Wiz", title, "asset-" + title);
  e.ts = first_seen;
  e.source_tool = "Wiz";
  e.title = title;
  e.description = "test exposure";
  e.severity = severity;
  e.original_severity = std::string(SeverityName(severity));
  e.asset_id = "asset-" + title;
  e.asset_type = "VirtualMachine";
  e.asset_zone = "Zone3_Enterprise";
  e.exploitability_score = 0.9;
  e.physical_consequence = Consequence::kDataLoss;
  e.ctem_score = 2.7;
  e.atlas_technique = "AML.T0020";
  e.assigned_to = "alice@example.com";
  e.tenant_id = tenant;
  return e;
}

class JobsTest : public ::testing::TestWithParam<std::string> {
 protected:
  JobsTest() : db_(GetParam()), clock_(WeekStart()) {}

  void SetUp() override {
    CTEM_REQUIRE_BACKEND(db_);
    auto s = store::OpenStore(db_.url());
    ASSERT_TRUE(s.has_value()) << s.error().message;
    store_ = std::move(*s);
    auto v = store_->Migrate();
    ASSERT_TRUE(v.has_value()) << v.error().message;
  }

  void Upsert(const std::vector<Exposure>& batch) {
    auto r = store_->UpsertExposures(batch, clock_.Now());
    ASSERT_TRUE(r.has_value()) << r.error().message;
  }
  void Upsert(const std::vector<Remediation>& batch) {
    auto r = store_->UpsertRemediations(batch, clock_.Now());
    ASSERT_TRUE(r.has_value()) << r.error().message;
  }
  store::UpsertSummary Upsert(const std::vector<Validation>& batch) {
    auto r = store_->UpsertValidations(batch, clock_.Now());
    EXPECT_TRUE(r.has_value()) << r.error().message;
    return r.value_or(store::UpsertSummary{});
  }

  void Exec(const std::string& sql, const std::vector<store::SqlValue>& params = {}) {
    auto st = store_->Sql().ExecuteInTransaction({{sql, params}});
    ASSERT_TRUE(st.has_value()) << st.error().message;
  }

  // Exec with the store bound to `tenant` (raw SQL otherwise runs as the default tenant).
  void ExecAs(const std::string& tenant, const std::string& sql, const std::vector<store::SqlValue>& params = {}) {
    store::TenantScope scope(*store_, tenant);
    ASSERT_TRUE(scope.status().has_value()) << scope.status().error().message;
    Exec(sql, params);
  }

  store::SqlRows Query(const std::string& sql, const std::vector<store::SqlValue>& params = {}) {
    auto rows = store_->Sql().Query(sql, params);
    EXPECT_TRUE(rows.has_value()) << rows.error().message;
    return rows.value_or(store::SqlRows{});
  }

  // The rows of `sql` run bound to each tenant in turn (in tenant order), concatenated.
  store::SqlRows QueryEveryTenant(const std::string& sql) {
    store::SqlRows out;
    auto tenants = store_->ListTenants();
    EXPECT_TRUE(tenants.has_value()) << tenants.error().message;
    for (const std::string& tenant : tenants.value_or(std::vector<std::string>{})) {
      store::TenantScope scope(*store_, tenant);
      EXPECT_TRUE(scope.status().has_value());
      for (auto& r : Query(sql)) out.push_back(std::move(r));
    }
    return out;
  }

  // Outbox rows of one type, in id order: {alert_type, exposure_key, alert_title, dedup_key, topic, payload}.
  std::vector<ordered_json> Outbox(const std::string& alert_type = "") {
    std::vector<ordered_json> out;
    // Every tenant's rows (the outbox is tenant data), in id order.
    store::SqlRows rows = QueryEveryTenant(std::string("SELECT alert_type, exposure_key, alert_title, dedup_key, topic, ") +
                                           (GetParam() == "postgres" ? "payload::text" : "payload") +
                                           ", ts, tenant_id, id FROM ctem_alert_outbox ORDER BY id");
    std::sort(rows.begin(), rows.end(),
              [](const store::SqlRow& a, const store::SqlRow& b) { return store::AsInt(a[8]) < store::AsInt(b[8]); });
    for (const auto& r : rows) {
      if (!alert_type.empty() && store::AsText(r[0]) != alert_type) continue;
      out.push_back({{"alert_type", store::AsText(r[0])},
                     {"exposure_key", store::AsText(r[1])},
                     {"alert_title", store::AsText(r[2])},
                     {"dedup_key", store::AsText(r[3])},
                     {"topic", store::AsText(r[4])},
                     {"payload", ordered_json::parse(store::AsText(r[5]))},
                     {"ts", FormatTimestamp(*store::AsTimestamp(r[6]))},
                     {"tenant", store::AsText(r[7])}});
    }
    return out;
  }

  ctem::testing::TestDatabase db_;
  ManualClock clock_;
  std::unique_ptr<store::Store> store_;
};

inline std::string BackendName(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace ctem::jobs::testing
