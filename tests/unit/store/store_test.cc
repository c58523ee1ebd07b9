// The store's upsert contract (seed section 2.2 with errata 2, 9, 10) and its transactions,
// on both backends: SQLite and a real PostgreSQL server.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "core/exposure_key.h"
#include "store/store.h"
#include "support/backends.h"

namespace ctem::store {
namespace {

Timestamp T(const char* iso) { return *ParseTimestamp(iso); }

Exposure MakeExposure(const std::string& title, Severity severity, Timestamp seen,
                      const std::string& tenant = "default") {
  Exposure e;
  e.exposure_key = GenerateExposureKey("Wiz", title, "asset-1");
  e.ts = seen;
  e.source_tool = "Wiz";
  e.title = title;
  e.description = "first description";
  e.severity = severity;
  e.original_severity = "MEDIUM";
  e.asset_id = "asset-1";
  e.asset_type = "VirtualMachine";
  e.asset_zone = "Zone3_Enterprise";
  e.exploitability_score = 0.6;
  e.physical_consequence = Consequence::kDataLoss;
  e.ctem_score = 1.8;
  e.sla_deadline = seen + SeveritySla(severity);
  e.tenant_id = tenant;
  return e;
}

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  StoreTest() : db_(GetParam()) {}

  void SetUp() override {
    CTEM_REQUIRE_BACKEND(db_);
    auto s = OpenStore(db_.url());
    ASSERT_TRUE(s.has_value()) << s.error().message;
    store_ = std::move(*s);
    auto v = store_->Migrate();
    ASSERT_TRUE(v.has_value()) << v.error().message;
  }

  bool Postgres() const { return GetParam() == "postgres"; }

  StoredExposure Get(const Exposure& e) {
    auto got = store_->GetExposure(e.tenant_id, e.exposure_key);
    EXPECT_TRUE(got.has_value());
    EXPECT_TRUE(got->has_value());
    return **got;
  }

  void Exec(const std::string& sql) {
    auto st = store_->Sql().ExecuteInTransaction({{sql, {}}});
    ASSERT_TRUE(st.has_value()) << st.error().message;
  }

  testing::TestDatabase db_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, MigrateIsIdempotentAndVersioned) {
  auto v1 = store_->Migrate();
  auto v2 = store_->Migrate();
  ASSERT_TRUE(v1.has_value());
  ASSERT_TRUE(v2.has_value());
  EXPECT_EQ(*v1, *v2);
  EXPECT_GE(*v1, 1);
  EXPECT_EQ(*store_->SchemaVersion(), *v1);
}

TEST_P(StoreTest, SecondUpsertUpdatesAndKeepsFirstSeen) {
  const Exposure first = MakeExposure("open port", Severity::kMedium, T("2026-11-01T00:00:00Z"));
  auto r1 = store_->UpsertExposures({&first, 1}, first.ts);
  ASSERT_TRUE(r1.has_value());
  EXPECT_EQ(r1->inserted, 1u);

  Exposure again = first;
  again.ts = T("2026-11-05T00:00:00Z");
  auto r2 = store_->UpsertExposures({&again, 1}, again.ts);
  ASSERT_TRUE(r2.has_value());
  EXPECT_EQ(r2->inserted, 0u);
  EXPECT_EQ(r2->updated, 1u);
  EXPECT_EQ(*store_->CountExposures("default"), 1u);

  const StoredExposure s = Get(first);
  EXPECT_EQ(s.created_at, T("2026-11-01T00:00:00Z"));  // first seen never changes
  EXPECT_EQ(s.exposure.ts, T("2026-11-05T00:00:00Z"));  // last seen moves
}

TEST_P(StoreTest, LastSeenNeverMovesBackwards) {
  const Exposure e = MakeExposure("late report", Severity::kLow, T("2026-11-05T00:00:00Z"));
  ASSERT_TRUE(store_->UpsertExposures({&e, 1}, e.ts));
  Exposure old = e;
  old.ts = T("2026-11-02T00:00:00Z");
  ASSERT_TRUE(store_->UpsertExposures({&old, 1}, old.ts));
  EXPECT_EQ(Get(e).exposure.ts, T("2026-11-05T00:00:00Z"));
}

TEST_P(StoreTest, DeadlineAnchoredAtFirstSeenAndOnlyTightens) {
  const Timestamp t0 = T("2026-11-01T00:00:00Z");
  const Exposure low = MakeExposure("drifting", Severity::kLow, t0);
  ASSERT_TRUE(store_->UpsertExposures({&low, 1}, t0));
  EXPECT_EQ(Get(low).exposure.sla_deadline, t0 + days(30));

  // Five days later a rescan raises the severity: the deadline is first seen + 24 h, not
  // rescan time + 24 h.
  Exposure critical = MakeExposure("drifting", Severity::kCritical, t0 + days(5));
  ASSERT_TRUE(store_->UpsertExposures({&critical, 1}, t0 + days(5)));
  EXPECT_EQ(Get(low).exposure.sla_deadline, t0 + hours(24));
  EXPECT_EQ(Get(low).exposure.severity, Severity::kCritical);

  // Severity falls back: the deadline does not loosen.
  Exposure low_again = MakeExposure("drifting", Severity::kLow, t0 + days(6));
  ASSERT_TRUE(store_->UpsertExposures({&low_again, 1}, t0 + days(6)));
  EXPECT_EQ(Get(low).exposure.sla_deadline, t0 + hours(24));
  EXPECT_EQ(Get(low).exposure.severity, Severity::kLow);
}

TEST_P(StoreTest, RescanRefreshesEveryToolDerivedField) {
  const Exposure e = MakeExposure("moved asset", Severity::kMedium, T("2026-11-01T00:00:00Z"));
  ASSERT_TRUE(store_->UpsertExposures({&e, 1}, e.ts));
  Exposure moved = e;
  moved.ts = T("2026-11-02T00:00:00Z");
  moved.asset_zone = "Zone0_PhysicalProcess";
  moved.physical_consequence = Consequence::kSafetyLife;
  moved.description = "new description";
  moved.ctem_score = 6.0;
  moved.remediation_guidance = "patch it";
  moved.evidence_url = "https://evidence/2";
  moved.zone_source = ZoneSource::kGraph;
  ASSERT_TRUE(store_->UpsertExposures({&moved, 1}, moved.ts));
  const StoredExposure s = Get(e);
  EXPECT_EQ(s.exposure.asset_zone, "Zone0_PhysicalProcess");
  EXPECT_EQ(s.exposure.physical_consequence, Consequence::kSafetyLife);
  EXPECT_EQ(s.exposure.description, "new description");
  EXPECT_DOUBLE_EQ(s.exposure.ctem_score, 6.0);
  EXPECT_EQ(s.exposure.remediation_guidance, "patch it");
  EXPECT_EQ(s.exposure.evidence_url, "https://evidence/2");
  EXPECT_EQ(s.exposure.zone_source, ZoneSource::kGraph);
}

TEST_P(StoreTest, WorkflowFieldsSurviveRescan) {
  const Exposure e = MakeExposure("assigned", Severity::kHigh, T("2026-11-01T00:00:00Z"));
  ASSERT_TRUE(store_->UpsertExposures({&e, 1}, e.ts));
  Exec("UPDATE ctem_exposures SET status = 'InProgress', assigned_to = 'ot-team'");
  Exposure again = e;
  again.ts = T("2026-11-02T00:00:00Z");
  ASSERT_TRUE(store_->UpsertExposures({&again, 1}, again.ts));
  const StoredExposure s = Get(e);
  EXPECT_EQ(s.exposure.status, ExposureStatus::kInProgress);
  EXPECT_EQ(s.exposure.assigned_to, "ot-team");
}

TEST_P(StoreTest, VerifiedIsNeverReopenedButRegressionIsRecorded) {
  for (const char* terminal : {"Verified", "Closed"}) {
    const Exposure e = MakeExposure(std::string("fixed ") + terminal, Severity::kHigh, T("2026-11-01T00:00:00Z"));
    ASSERT_TRUE(store_->UpsertExposures({&e, 1}, e.ts));
    Exec("UPDATE ctem_exposures SET status = '" + std::string(terminal) + "' WHERE exposure_key = '" +
         e.exposure_key + "'");
    Exposure again = e;
    again.ts = T("2026-11-03T00:00:00Z");
    auto r = store_->UpsertExposures({&again, 1}, again.ts);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->regressions, 1u);
    const StoredExposure s = Get(e);
    EXPECT_EQ(ExposureStatusName(s.exposure.status), terminal);
    EXPECT_EQ(s.redetection_count, 1);
    EXPECT_EQ(s.last_redetected_at, T("2026-11-03T00:00:00Z"));
  }
  auto outbox = store_->PendingOutboxAlerts(10);
  ASSERT_TRUE(outbox.has_value());
  ASSERT_EQ(outbox->size(), 2u);
  EXPECT_EQ((*outbox)[0].alert_type, "REGRESSION");
}

TEST_P(StoreTest, FailedBatchLeavesStoreAsItWas) {
  if (Postgres()) {
    Exec("CREATE FUNCTION fail_on_boom() RETURNS trigger AS $$ BEGIN IF NEW.title = 'boom' THEN "
         "RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
    Exec("CREATE TRIGGER fail_on_boom BEFORE INSERT ON ctem_exposures FOR EACH ROW EXECUTE FUNCTION fail_on_boom()");
  } else {
    Exec("CREATE TRIGGER main.fail_on_boom BEFORE INSERT ON ctem_exposures WHEN NEW.title = 'boom' "
         "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  }
  const std::vector<Exposure> batch = {MakeExposure("fine", Severity::kLow, T("2026-11-01T00:00:00Z")),
                                       MakeExposure("boom", Severity::kLow, T("2026-11-01T00:00:00Z"))};
  auto r = store_->UpsertExposures(batch, T("2026-11-01T00:00:00Z"));
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("injected failure"), std::string::npos);
  EXPECT_EQ(*store_->CountExposures("default"), 0u);
}

TEST_P(StoreTest, SameFindingInTwoTenantsIsTwoRows) {
  const Exposure a = MakeExposure("shared", Severity::kLow, T("2026-11-01T00:00:00Z"), "plant-a");
  const Exposure b = MakeExposure("shared", Severity::kLow, T("2026-11-01T00:00:00Z"), "plant-b");
  ASSERT_EQ(a.exposure_key, b.exposure_key);
  ASSERT_TRUE(store_->UpsertExposures({&a, 1}, a.ts));
  ASSERT_TRUE(store_->UpsertExposures({&b, 1}, b.ts));
  EXPECT_EQ(*store_->CountExposures("plant-a"), 1u);
  EXPECT_EQ(*store_->CountExposures("plant-b"), 1u);
  EXPECT_EQ(*store_->CountExposures("default"), 0u);
}

TEST_P(StoreTest, ListOrdersBySeverityRankNotText) {
  std::vector<Exposure> batch;
  for (Severity s : {Severity::kLow, Severity::kMedium, Severity::kCritical, Severity::kHigh}) {
    batch.push_back(MakeExposure(std::string(SeverityName(s)), s, T("2026-11-01T00:00:00Z")));
  }
  ASSERT_TRUE(store_->UpsertExposures(batch, T("2026-11-01T00:00:00Z")));
  auto rows = store_->ListExposures(ExposureFilter{});
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[0].exposure.severity, Severity::kCritical);
  EXPECT_EQ((*rows)[1].exposure.severity, Severity::kHigh);
  EXPECT_EQ((*rows)[2].exposure.severity, Severity::kMedium);
  EXPECT_EQ((*rows)[3].exposure.severity, Severity::kLow);
}

TEST_P(StoreTest, ExecuteCheckedCommitsOnlyWhenEveryRowCountIsAsExpected) {
  const Exposure e = MakeExposure("guarded", Severity::kHigh, T("2026-11-01T00:00:00Z"));
  ASSERT_TRUE(store_->UpsertExposures({&e, 1}, e.ts));
  const std::string move =
      "UPDATE ctem_exposures SET status = 'InProgress', assigned_to = 'alice' WHERE tenant_id = ? AND "
      "exposure_key = ? AND status = ?";
  // The guard holds: both statements commit.
  auto first = store_->Sql().ExecuteChecked(
      {{move, {"default", e.exposure_key, "Open"}, 1},
       {"UPDATE ctem_exposures SET escalation_level = 'SECURITY_MANAGER' WHERE tenant_id = ?",
        {"default"},
        std::nullopt}});
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_TRUE(*first);
  EXPECT_EQ(Get(e).exposure.status, ExposureStatus::kInProgress);
  EXPECT_EQ(Get(e).escalation_level, "SECURITY_MANAGER");
  // The same move again finds no Open row: false, and the statement before it is rolled back.
  auto second = store_->Sql().ExecuteChecked(
      {{"UPDATE ctem_exposures SET assigned_to = 'mallory' WHERE tenant_id = ?", {"default"}, std::nullopt},
       {move, {"default", e.exposure_key, "Open"}, 1}});
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_FALSE(*second);
  EXPECT_EQ(Get(e).exposure.assigned_to, "alice");
  // INSERT ... ON CONFLICT DO NOTHING changing no row is caught the same way.
  const std::string insert =
      "INSERT INTO ctem_alert_outbox (ts, tenant_id, alert_type, exposure_key, alert_title) "
      "VALUES (?, 'default', 'TEST', ?, 'x')";
  auto third = store_->Sql().ExecuteChecked({{insert, {"2026-11-01T00:00:00.000Z", e.exposure_key}, 2}});
  ASSERT_TRUE(third.has_value());
  EXPECT_FALSE(*third);
  auto rows = store_->Sql().Query("SELECT COUNT(*) FROM ctem_alert_outbox WHERE alert_type = 'TEST'", {});
  ASSERT_TRUE(rows.has_value());
  EXPECT_EQ(AsInt((*rows)[0][0]), 0);
  // A database error is an error, not a false.
  EXPECT_FALSE(store_->Sql().ExecuteChecked({{"UPDATE no_such_table SET x = 1", {}, 1}}).has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) { return param_info.param; });

TEST_P(StoreTest, BatchWithTheSameKeyTwiceStoresOneRow) {
  const Exposure a = MakeExposure("twice", Severity::kLow, T("2026-11-01T00:00:00Z"));
  Exposure b = a;
  b.ts = T("2026-11-01T01:00:00Z");
  b.description = "second sighting";
  const std::vector<Exposure> batch = {a, b};
  auto r = store_->UpsertExposures(batch, b.ts);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->inserted + r->updated, 2u);
  EXPECT_EQ(*store_->CountExposures("default"), 1u);
  EXPECT_EQ(Get(a).exposure.description, "second sighting");
}

// A batch larger than the upsert's statements (SQLite writes 256 records per statement, one
// tenant and distinct keys each), with two tenants interleaved and keys repeated across
// statement boundaries, counts as if applied one record at a time; the one Verified exposure
// in it raises one regression alert.
TEST_P(StoreTest, LargeMixedBatchCountsAsOneRecordAtATime) {
  const Timestamp t0 = T("2026-11-01T00:00:00Z");
  Exposure fixed = MakeExposure("fixed before", Severity::kHigh, t0);
  Exposure open = MakeExposure("open before", Severity::kLow, t0);
  ASSERT_TRUE(store_->UpsertExposures(std::vector<Exposure>{fixed, open}, t0));
  Exec("UPDATE ctem_exposures SET status = 'Verified' WHERE exposure_key = '" + fixed.exposure_key + "'");

  std::vector<Exposure> batch;
  std::set<std::pair<std::string, std::string>> fresh;
  for (int i = 0; i < 700; ++i) {
    // Runs of 40 records per tenant; 450 distinct titles, so 250 records repeat a key.
    const std::string tenant = (i / 40) % 2 ? "plant-b" : "default";
    Exposure e = MakeExposure("finding " + std::to_string(i % 450), Severity::kMedium, t0 + hours(i), tenant);
    fresh.insert({e.tenant_id, e.exposure_key});
    batch.push_back(e);
    if (i == 300) batch.push_back(fixed);
    if (i == 500) batch.push_back(open);
  }
  auto r = store_->UpsertExposures(batch, t0 + hours(800));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->inserted, fresh.size());
  EXPECT_EQ(r->updated, batch.size() - fresh.size());
  EXPECT_EQ(r->regressions, 1u);
  EXPECT_EQ(*store_->CountExposures("default") + *store_->CountExposures("plant-b"), fresh.size() + 2);
  const StoredExposure verified = Get(fixed);
  EXPECT_EQ(verified.exposure.status, ExposureStatus::kVerified);
  EXPECT_EQ(verified.redetection_count, 1);
  // A key repeated in its tenant takes the last sighting's ts.
  size_t repeats = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    for (size_t j = batch.size(); j-- > i + 1;) {
      if (batch[j].tenant_id != batch[i].tenant_id || batch[j].exposure_key != batch[i].exposure_key)
        continue;
      if (batch[i].title.starts_with("finding")) {
        const StoredExposure s = Get(batch[i]);
        // PostgreSQL writes only the last sighting of a key in a batch (ON CONFLICT cannot touch
        // a row twice in one statement), so there first seen is that sighting's ts.
        EXPECT_EQ(s.created_at, Postgres() ? batch[j].ts : batch[i].ts) << batch[i].title;
        EXPECT_EQ(s.exposure.ts, batch[j].ts) << batch[i].title;
        ++repeats;
      }
      break;
    }
    if (repeats == 20) break;
  }
  EXPECT_EQ(repeats, 20u);
  auto outbox = store_->PendingOutboxAlerts(10);
  ASSERT_TRUE(outbox.has_value());
  ASSERT_EQ(outbox->size(), 1u);
  EXPECT_EQ((*outbox)[0].alert_type, "REGRESSION");
  EXPECT_EQ((*outbox)[0].exposure_key, fixed.exposure_key);
}

// Snyk's removedIssues (issue 5): a tool reporting exposures gone marks them, per tenant.
TEST_P(StoreTest, MarkNoLongerSeenMarksTheTenantsRowsAndKeepsTheFirstReport) {
  const Timestamp t0 = T("2026-11-01T00:00:00Z");
  const Exposure gone = MakeExposure("gone", Severity::kHigh, t0);
  const Exposure stays = MakeExposure("stays", Severity::kHigh, t0);
  const Exposure other_tenant = MakeExposure("gone", Severity::kHigh, t0, "plant-b");
  ASSERT_EQ(gone.exposure_key, other_tenant.exposure_key);
  ASSERT_TRUE(store_->UpsertExposures(std::vector<Exposure>{gone, stays, other_tenant}, t0));
  EXPECT_FALSE(Get(gone).no_longer_seen_at.has_value());  // a new row is seen

  // A key given twice is one row; a key without a row is not counted.
  const std::vector<std::string> keys = {gone.exposure_key, gone.exposure_key, "0000000000000000"};
  auto marked = store_->MarkNoLongerSeen("default", keys, t0 + days(2));
  ASSERT_TRUE(marked.has_value()) << marked.error().message;
  EXPECT_EQ(*marked, 1u);
  StoredExposure s = Get(gone);
  EXPECT_EQ(s.no_longer_seen_at, t0 + days(2));
  EXPECT_EQ(s.updated_at, t0 + days(2));
  EXPECT_EQ(s.exposure.status, ExposureStatus::kOpen);  // workflow untouched
  EXPECT_EQ(s.exposure.ts, t0);                         // last seen untouched
  EXPECT_EQ(s.exposure.sla_deadline, gone.sla_deadline);
  EXPECT_FALSE(Get(stays).no_longer_seen_at.has_value());
  EXPECT_FALSE(Get(other_tenant).no_longer_seen_at.has_value());  // tenants never touch each other
  EXPECT_EQ(*store_->CountExposures("default"), 2u);

  // Reported gone again: still marked (counted), the first report's time stands.
  marked = store_->MarkNoLongerSeen("default", std::vector<std::string>{gone.exposure_key}, t0 + days(5));
  ASSERT_TRUE(marked.has_value());
  EXPECT_EQ(*marked, 1u);
  s = Get(gone);
  EXPECT_EQ(s.no_longer_seen_at, t0 + days(2));
  EXPECT_EQ(s.updated_at, t0 + days(2));

  // ListExposures reads the column as GetExposure does.
  ExposureFilter filter;
  auto rows = store_->ListExposures(filter);
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 2u);
  for (const StoredExposure& row : *rows) {
    EXPECT_EQ(row.no_longer_seen_at.has_value(), row.exposure.exposure_key == gone.exposure_key);
  }
  EXPECT_EQ(*store_->MarkNoLongerSeen("default", std::vector<std::string>{}, t0), 0u);
  EXPECT_EQ(*store_->MarkNoLongerSeen("plant-c", keys, t0), 0u);
}

TEST_P(StoreTest, SeenAgainClearsNoLongerSeen) {
  const Timestamp t0 = T("2026-11-01T00:00:00Z");
  const Exposure e = MakeExposure("comes back", Severity::kMedium, t0);
  ASSERT_TRUE(store_->UpsertExposures({&e, 1}, t0));
  ASSERT_TRUE(store_->MarkNoLongerSeen("default", std::vector<std::string>{e.exposure_key}, t0 + days(1)));
  ASSERT_TRUE(Get(e).no_longer_seen_at.has_value());
  Exposure again = e;
  again.ts = t0 + days(3);
  auto r = store_->UpsertExposures({&again, 1}, again.ts);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->updated, 1u);
  EXPECT_FALSE(Get(e).no_longer_seen_at.has_value());
  // And it can be reported gone again, at the new time.
  ASSERT_TRUE(store_->MarkNoLongerSeen("default", std::vector<std::string>{e.exposure_key}, t0 + days(4)));
  EXPECT_EQ(Get(e).no_longer_seen_at, t0 + days(4));
}

TEST_P(StoreTest, MarkNoLongerSeenTakesManyKeysInOneCall) {
  const Timestamp t0 = T("2026-11-01T00:00:00Z");
  std::vector<Exposure> batch;
  std::vector<std::string> keys;
  for (int i = 0; i < 1500; ++i) {
    Exposure e = MakeExposure("finding " + std::to_string(i), Severity::kLow, t0);
    keys.push_back(e.exposure_key);
    if (i % 2 == 0) batch.push_back(std::move(e));  // every other key has a row
  }
  ASSERT_TRUE(store_->UpsertExposures(batch, t0));
  auto marked = store_->MarkNoLongerSeen("default", keys, t0 + hours(1));
  ASSERT_TRUE(marked.has_value()) << marked.error().message;
  EXPECT_EQ(*marked, 750u);
  EXPECT_EQ(Get(batch.front()).no_longer_seen_at, t0 + hours(1));
  EXPECT_EQ(Get(batch.back()).no_longer_seen_at, t0 + hours(1));
}

TEST_P(StoreTest, FailedMarkLeavesStoreAsItWas) {
  const Timestamp t0 = T("2026-11-01T00:00:00Z");
  std::vector<Exposure> batch;
  std::vector<std::string> keys;
  for (int i = 0; i < 1200; ++i) {
    batch.push_back(MakeExposure("row " + std::to_string(i), Severity::kLow, t0));
    keys.push_back(batch.back().exposure_key);
  }
  ASSERT_TRUE(store_->UpsertExposures(batch, t0));
  // The greatest key fails: on SQLite that is the last chunk of the keys, after the others
  // were updated inside the transaction.
  const std::string boom = *std::max_element(keys.begin(), keys.end());
  if (Postgres()) {
    Exec("CREATE FUNCTION fail_on_boom() RETURNS trigger AS $$ BEGIN IF NEW.exposure_key = '" + boom +
         "' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
    Exec(
        "CREATE TRIGGER fail_on_boom BEFORE UPDATE ON ctem_exposures FOR EACH ROW EXECUTE FUNCTION "
        "fail_on_boom()");
  } else {
    Exec("CREATE TRIGGER main.fail_on_boom BEFORE UPDATE ON ctem_exposures WHEN NEW.exposure_key = '" + boom +
         "' BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  }
  auto marked = store_->MarkNoLongerSeen("default", keys, t0 + hours(1));
  ASSERT_FALSE(marked.has_value());
  EXPECT_NE(marked.error().message.find("injected failure"), std::string::npos) << marked.error().message;
  auto rows = store_->ListExposures(ExposureFilter{});
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 1200u);
  for (const StoredExposure& row : *rows) {
    EXPECT_FALSE(row.no_longer_seen_at.has_value()) << row.exposure.title;
  }
}

TEST_P(StoreTest, MigrationThreeAddsTheNoLongerSeenColumn) {
  auto version = store_->SchemaVersion();
  ASSERT_TRUE(version.has_value());
  EXPECT_GE(*version, 3);
  auto rows = store_->Sql().Query("SELECT COUNT(no_longer_seen_at) FROM ctem_exposures", {});
  ASSERT_TRUE(rows.has_value()) << rows.error().message;
}

TEST(OpenStore, RejectsUnknownUrlWithTheValidForms) {
  auto s = OpenStore("mysql://nope");
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("sqlite:PATH"), std::string::npos);
}

TEST(OpenStore, UnreachablePostgresFailsWithinSecondsNamingTheHost) {
  // Port 9 (discard) on loopback: nothing listens, so the connection is refused at once.
  auto s = OpenStore("postgresql://ctem@127.0.0.1:9/ctem");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(s.error().message.find("127.0.0.1:9"), std::string::npos) << s.error().message;
}

TEST(OpenStore, SilentPostgresTimesOutWithinFiveSeconds) {
  // A socket that completes the TCP handshake (the kernel does it from the listen backlog)
  // but never speaks: the client must give up by itself.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 8), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string url = "postgresql://ctem@127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/ctem";
  const auto started = std::chrono::steady_clock::now();
  auto s = OpenStore(url);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  close(fd);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(s.error().message.find("127.0.0.1"), std::string::npos) << s.error().message;
  EXPECT_LT(elapsed, std::chrono::seconds(8)) << "the issue requires failing within 5 s";
}

TEST(OpenStore, MissingDirectoryIsUnavailableNotACrash) {
  auto s = OpenStore("sqlite:/nonexistent-dir-ctem/x.db");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace ctem::store
