// The store's upsert contract (seed section 2.2 with errata 2, 9, 10) and its transactions,
// on both backends: SQLite and a real PostgreSQL server.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

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
    Exec("CREATE TRIGGER fail_on_boom BEFORE INSERT ON ctem_exposures WHEN NEW.title = 'boom' "
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
