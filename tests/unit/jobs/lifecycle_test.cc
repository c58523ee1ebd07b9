// The remediation lifecycle (erratum 12, src/jobs/lifecycle.h) on both backends: every pair of
// (state, action) is tried against a transition table written out here independently of the
// code; legal moves keep ctem_remediations.status and ctem_exposures.status in step and write
// one audit row in the same transaction; illegal moves name the legal ones and change
// nothing; of two concurrent moves from the same state only one commits.
#include "jobs/lifecycle.h"

#include <gtest/gtest.h>

#include <barrier>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "core/exposure_key.h"
#include "jobs/lifecycle_json.h"
#include "store/store.h"
#include "support/backends.h"

namespace ctem::jobs {
namespace {

using S = LifecycleState;
using A = LifecycleAction;

Timestamp T(const char* iso) {
  return *ParseTimestamp(iso);
}

// The contract, restated: where each action leads from each state (absent: illegal).
const std::map<std::pair<S, A>, S>& ExpectedTransitions() {
  static const std::map<std::pair<S, A>, S> table = {
      {{S::kOpen, A::kAssign}, S::kAssigned},
      {{S::kAssigned, A::kAssign}, S::kAssigned},
      {{S::kAssigned, A::kStart}, S::kInProgress},
      {{S::kInProgress, A::kAssign}, S::kInProgress},
      {{S::kInProgress, A::kDeployFix}, S::kFixDeployed},
      {{S::kFixDeployed, A::kVerify}, S::kVerified},
      {{S::kFixDeployed, A::kRejectFix}, S::kInProgress},
      {{S::kVerified, A::kClose}, S::kClosed},
  };
  return table;
}

// The contract, restated: the exposure status and remediation status each state keeps.
std::pair<std::string, std::string> ExpectedStatuses(S s) {
  switch (s) {
    case S::kOpen: return {"Open", ""};
    case S::kAssigned: return {"Open", "Assigned"};
    case S::kInProgress: return {"InProgress", "InProgress"};
    case S::kFixDeployed: return {"FixDeployed", "FixDeployed"};
    case S::kVerified: return {"Verified", "Verified"};
    case S::kClosed: return {"Closed", "Closed"};
  }
  return {};
}

// The legal path from Open to each state.
std::vector<A> PathTo(S s) {
  switch (s) {
    case S::kOpen: return {};
    case S::kAssigned: return {A::kAssign};
    case S::kInProgress: return {A::kAssign, A::kStart};
    case S::kFixDeployed: return {A::kAssign, A::kStart, A::kDeployFix};
    case S::kVerified: return {A::kAssign, A::kStart, A::kDeployFix, A::kVerify};
    case S::kClosed: return {A::kAssign, A::kStart, A::kDeployFix, A::kVerify, A::kClose};
  }
  return {};
}

// A request for `a` with the fields it requires.
MoveRequest Req(A a, const std::string& actor = "tester") {
  MoveRequest r;
  r.action = a;
  r.actor = actor;
  switch (a) {
    case A::kAssign: r.to = "alice"; break;
    case A::kDeployFix: r.description = "upgraded the package"; break;
    case A::kVerify: r.by = "bob"; break;
    case A::kRejectFix:
      r.by = "bob";
      r.reason = "rescan still finds it";
      break;
    case A::kStart:
    case A::kClose: break;
  }
  return r;
}

TEST(LifecycleTable, EveryStateActionPairMatchesTheContract) {
  for (S s : kAllLifecycleStates) {
    for (A a : kAllLifecycleActions) {
      SCOPED_TRACE(std::string(LifecycleStateName(s)) + " " + std::string(LifecycleActionName(a)));
      const auto it = ExpectedTransitions().find({s, a});
      const std::optional<S> expected =
          it == ExpectedTransitions().end() ? std::nullopt : std::optional<S>(it->second);
      EXPECT_EQ(NextState(s, a), expected);
    }
  }
  EXPECT_TRUE(AllowedActions(S::kClosed).empty());
  EXPECT_NE(AllowedActionsText(S::kClosed).find("final"), std::string::npos);
  EXPECT_EQ(AllowedActionsText(S::kInProgress), "assign, deploy-fix");
  EXPECT_EQ(AllowedActionsText(S::kFixDeployed), "verify, reject-fix");
}

TEST(LifecycleTable, OneMappingBetweenStatesAndBothStatuses) {
  for (S s : kAllLifecycleStates) {
    SCOPED_TRACE(std::string(LifecycleStateName(s)));
    const auto [exposure, remediation] = ExpectedStatuses(s);
    EXPECT_EQ(ExposureStatusName(ExposureStatusOf(s)), exposure);
    EXPECT_EQ(std::string(RemediationStatusOf(s).value_or("")), remediation);
    if (!remediation.empty()) {
      EXPECT_EQ(StateOfRemediationStatus(remediation).value(), s);
      EXPECT_EQ(StateOfRemediationStatus(LifecycleStateName(s)).value(), s);
    }
    // Without a remediation an exposure's status names its state; Open stays Open.
    EXPECT_EQ(StateOfExposureStatus(ExposureStatusOf(s)), s == S::kAssigned ? S::kOpen : s);
    // Both status vocabularies are the seed's (core's ExposureStatus, core's RemediationStatusName).
    EXPECT_TRUE(ParseExposureStatus(exposure).has_value());
  }
  EXPECT_EQ(StateOfRemediationStatus("in_progress").value(), S::kInProgress);
  EXPECT_EQ(StateOfRemediationStatus("Open").value(), S::kAssigned);
  EXPECT_FALSE(StateOfRemediationStatus("Done").has_value());
  EXPECT_EQ(RemediationStatusName(ExposureStatus::kOpen), *RemediationStatusOf(S::kAssigned));
}

TEST(LifecycleTable, ActionNamesParseBackAndUnknownOnesListTheChoices) {
  for (A a : kAllLifecycleActions) EXPECT_EQ(ParseLifecycleAction(LifecycleActionName(a)).value(), a);
  EXPECT_EQ(ParseLifecycleAction("DEPLOY_FIX").value(), A::kDeployFix);
  auto bad = ParseLifecycleAction("approve");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message.find("deploy-fix"), std::string::npos) << bad.error().message;
}

TEST(LifecycleTable, RequestsAreCheckedPerAction) {
  EXPECT_TRUE(ValidateMoveRequest(Req(A::kAssign)).has_value());
  auto code = [](const MoveRequest& r) {
    auto st = ValidateMoveRequest(r);
    return st ? std::string("ok") : st.error().message;
  };
  MoveRequest r = Req(A::kAssign);
  r.to = "";
  EXPECT_NE(code(r).find("'to'"), std::string::npos);
  r = Req(A::kAssign);
  r.pull_request_url = "ftp://example.com/pr/1";
  EXPECT_NE(code(r).find("http(s)"), std::string::npos);
  r.pull_request_url = "https://git.example.com/plant/pull/7";
  EXPECT_EQ(code(r), "ok");
  r = Req(A::kVerify);
  r.by = "";
  EXPECT_NE(code(r).find("'by'"), std::string::npos);
  r = Req(A::kRejectFix);
  r.reason = "";
  EXPECT_NE(code(r).find("'reason'"), std::string::npos);
  r = Req(A::kStart);
  r.to = "carol";
  EXPECT_NE(code(r).find("start does not take 'to'"), std::string::npos);
  r = Req(A::kClose);
  r.description = std::string(5000, 'x');
  EXPECT_NE(code(r).find("does not take"), std::string::npos);
  r = Req(A::kDeployFix);
  r.description = std::string(5000, 'x');
  EXPECT_NE(code(r).find("longer than"), std::string::npos);
}

class LifecycleTest : public ::testing::TestWithParam<std::string> {
 protected:
  LifecycleTest() : db_(GetParam()) {}

  void SetUp() override {
    CTEM_REQUIRE_BACKEND(db_);
    store_ = Open();
    ASSERT_TRUE(store_->Migrate().has_value());
  }

  std::unique_ptr<store::Store> Open() {
    auto s = store::OpenStore(db_.url());
    EXPECT_TRUE(s.has_value()) << s.error().message;
    return std::move(*s);
  }

  // Stores an exposure named `title`; returns its key.
  std::string AddExposure(const std::string& title, const std::string& tenant = "default",
                          std::optional<ExposureStatus> tool_status = std::nullopt) {
    Exposure e;
    e.exposure_key = GenerateExposureKey("Wiz", title, "plc-gw-line3");
    e.ts = T("2026-11-20T00:00:00Z");
    e.source_tool = "Wiz";
    e.title = title;
    e.severity = Severity::kHigh;
    e.original_severity = "HIGH";
    e.asset_id = "plc-gw-line3";
    e.asset_type = "VirtualMachine";
    e.asset_zone = "Zone2_Operations";
    e.exploitability_score = 0.9;
    e.physical_consequence = Consequence::kDowntime;
    e.ctem_score = 4.5;
    e.sla_deadline = e.ts + SeveritySla(e.severity);
    e.tenant_id = tenant;
    e.tool_status = tool_status;
    EXPECT_TRUE(store_->UpsertExposures({&e, 1}, e.ts).has_value());
    return e.exposure_key;
  }

  void DriveTo(const std::string& key, S state, const std::string& tenant = "default") {
    RemediationLifecycle lifecycle(*store_, clock_);
    for (A a : PathTo(state)) {
      auto r = lifecycle.Move(tenant, key, Req(a));
      ASSERT_TRUE(r.has_value()) << LifecycleActionName(a) << ": " << r.error().message;
    }
  }

  store::StoredExposure StoredOf(const std::string& key, const std::string& tenant = "default") {
    auto e = store_->GetExposure(tenant, key);
    EXPECT_TRUE(e.has_value() && e->has_value());
    return **e;
  }

  std::vector<AuditEntry> Audit(const std::string& key, const std::string& tenant = "default") {
    RemediationLifecycle lifecycle(*store_, clock_);
    return lifecycle.Audit(tenant, key).value();
  }

  std::vector<StoredRemediation> Remediations(const std::string& key, const std::string& tenant = "default") {
    RemediationLifecycle lifecycle(*store_, clock_);
    return lifecycle.Remediations(tenant, key).value();
  }

  // Checks that the store holds `key` in state `s`, both statuses in step.
  void ExpectStored(const std::string& key, S s) {
    const auto [exposure_status, remediation_status] = ExpectedStatuses(s);
    EXPECT_EQ(ExposureStatusName(StoredOf(key).exposure.status), exposure_status);
    const auto rows = Remediations(key);
    if (remediation_status.empty()) {
      EXPECT_TRUE(rows.empty());
    } else {
      ASSERT_EQ(rows.size(), 1u);
      EXPECT_EQ(rows[0].status, remediation_status);
    }
    RemediationLifecycle lifecycle(*store_, clock_);
    EXPECT_EQ(lifecycle.Load("default", key).value().state, s);
  }

  testing::TestDatabase db_;
  std::unique_ptr<store::Store> store_;
  ManualClock clock_{T("2026-11-23T07:00:00Z")};
};

TEST_P(LifecycleTest, EveryLegalAndIllegalMoveFromEveryState) {
  for (S s : kAllLifecycleStates) {
    for (A a : kAllLifecycleActions) {
      const std::string name = std::string(LifecycleStateName(s)) + " " + std::string(LifecycleActionName(a));
      SCOPED_TRACE(name);
      const std::string key = AddExposure("pair " + name);
      DriveTo(key, s);
      const size_t audit_before = Audit(key).size();
      ASSERT_EQ(audit_before, PathTo(s).size());
      const Timestamp updated_before = StoredOf(key).updated_at;
      clock_.Advance(hours(1));

      RemediationLifecycle lifecycle(*store_, clock_);
      auto r = lifecycle.Move("default", key, Req(a, "mover"));
      const auto it = ExpectedTransitions().find({s, a});
      if (it != ExpectedTransitions().end()) {
        ASSERT_TRUE(r.has_value()) << r.error().message;
        EXPECT_EQ(r->from, s);
        EXPECT_EQ(r->to, it->second);
        EXPECT_EQ(r->after.state, it->second);
        ExpectStored(key, it->second);
        const auto audit = Audit(key);
        ASSERT_EQ(audit.size(), audit_before + 1);
        EXPECT_EQ(audit.back().action, LifecycleActionName(a));
        EXPECT_EQ(audit.back().from_status, LifecycleStateName(s));
        EXPECT_EQ(audit.back().to_status, LifecycleStateName(it->second));
        EXPECT_EQ(audit.back().actor, "mover");
        EXPECT_EQ(audit.back().at, clock_.Now());
        EXPECT_EQ(audit.back().remediation_id, LifecycleRemediationId(key));
        EXPECT_EQ(StoredOf(key).updated_at, clock_.Now());
      } else {
        ASSERT_FALSE(r.has_value()) << "an illegal move was accepted";
        EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
        EXPECT_NE(r.error().message.find("it is " + std::string(LifecycleStateName(s))), std::string::npos)
            << r.error().message;
        EXPECT_NE(r.error().message.find(AllowedActionsText(s)), std::string::npos) << r.error().message;
        ExpectStored(key, s);
        EXPECT_EQ(Audit(key).size(), audit_before);
        EXPECT_EQ(StoredOf(key).updated_at, updated_before);
      }
    }
  }
}

TEST_P(LifecycleTest, TheHappyPathSetsTheSeedsColumnsAtThePinnedTimes) {
  const std::string key = AddExposure("unauthenticated OPC UA endpoint");
  const store::StoredExposure exposure = StoredOf(key);
  RemediationLifecycle lifecycle(*store_, clock_);
  const Timestamp t0 = clock_.Now();

  MoveRequest assign = Req(A::kAssign, "lead");
  assign.to = "alice";
  assign.pull_request_url = "https://git.example.com/plant/pull/7";
  ASSERT_TRUE(lifecycle.Move("default", key, assign).has_value());
  clock_.Advance(hours(2));
  ASSERT_TRUE(lifecycle.Move("default", key, Req(A::kStart, "alice")).has_value());
  clock_.Advance(hours(3));
  MoveRequest fix = Req(A::kDeployFix, "alice");
  fix.description = "enabled Basic256Sha256 and disabled anonymous";
  ASSERT_TRUE(lifecycle.Move("default", key, fix).has_value());
  clock_.Advance(hours(30));
  MoveRequest verify = Req(A::kVerify, "");
  verify.by = "bob";
  ASSERT_TRUE(lifecycle.Move("default", key, verify).has_value());
  clock_.Advance(hours(1));
  auto closed = lifecycle.Move("default", key, Req(A::kClose, "lead"));
  ASSERT_TRUE(closed.has_value()) << closed.error().message;

  ASSERT_TRUE(closed->after.remediation.has_value());
  const StoredRemediation& m = *closed->after.remediation;
  EXPECT_EQ(m.remediation_id, "REM-" + key);
  EXPECT_EQ(m.exposure_id, key);
  EXPECT_EQ(m.status, "Closed");
  EXPECT_EQ(m.assigned_to, "alice");
  EXPECT_EQ(m.assigned_date, t0);
  EXPECT_EQ(m.sla_deadline, exposure.exposure.sla_deadline);
  EXPECT_EQ(m.fix_deployed_date, t0 + hours(5));
  EXPECT_EQ(m.fix_description, "enabled Basic256Sha256 and disabled anonymous");
  EXPECT_EQ(m.pull_request_url, "https://git.example.com/plant/pull/7");
  EXPECT_EQ(m.verified_date, t0 + hours(35));
  EXPECT_EQ(m.verified_by, "bob");
  EXPECT_EQ(m.tenant_id, "default");
  EXPECT_EQ(m.created_at, t0);
  EXPECT_EQ(m.updated_at, clock_.Now());
  EXPECT_EQ(m.lifecycle_version, 5);
  EXPECT_EQ(closed->after.exposure_status, ExposureStatus::kClosed);
  EXPECT_EQ(StoredOf(key).exposure.assigned_to, "alice");

  const auto audit = Audit(key);
  ASSERT_EQ(audit.size(), 5u);
  const std::vector<std::tuple<std::string, std::string, std::string, std::string, Timestamp>> expected = {
      {"assign", "Open", "Assigned", "lead", t0},
      {"start", "Assigned", "InProgress", "alice", t0 + hours(2)},
      {"deploy-fix", "InProgress", "FixDeployed", "alice", t0 + hours(5)},
      {"verify", "FixDeployed", "Verified", "bob", t0 + hours(35)},  // the verifier when no actor is named
      {"close", "Verified", "Closed", "lead", t0 + hours(36)}};
  for (size_t i = 0; i < audit.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(audit[i].action, std::get<0>(expected[i]));
    EXPECT_EQ(audit[i].from_status, std::get<1>(expected[i]));
    EXPECT_EQ(audit[i].to_status, std::get<2>(expected[i]));
    EXPECT_EQ(audit[i].actor, std::get<3>(expected[i]));
    EXPECT_EQ(audit[i].at, std::get<4>(expected[i]));
    EXPECT_EQ(audit[i].tenant_id, "default");
    EXPECT_EQ(audit[i].exposure_key, key);
  }
  const auto detail = nlohmann::json::parse(audit[0].detail);
  EXPECT_EQ(detail["assigned_to"], "alice");
  EXPECT_EQ(detail["pull_request_url"], "https://git.example.com/plant/pull/7");
  EXPECT_EQ(nlohmann::json::parse(audit[3].detail)["verified_by"], "bob");
}

TEST_P(LifecycleTest, ReassignKeepsTheStateAndRecordsThePreviousAssignee) {
  const std::string key = AddExposure("reassigned");
  RemediationLifecycle lifecycle(*store_, clock_);
  const Timestamp t0 = clock_.Now();
  MoveRequest assign = Req(A::kAssign);
  ASSERT_TRUE(lifecycle.Move("default", key, assign).has_value());
  clock_.Advance(hours(1));
  assign.to = "bob";
  auto again = lifecycle.Move("default", key, assign);
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->to, S::kAssigned);
  ASSERT_TRUE(lifecycle.Move("default", key, Req(A::kStart)).has_value());
  assign.to = "carol";
  assign.pull_request_url = "https://git.example.com/plant/pull/9";
  auto in_progress = lifecycle.Move("default", key, assign);
  ASSERT_TRUE(in_progress.has_value()) << in_progress.error().message;
  EXPECT_EQ(in_progress->to, S::kInProgress);

  ExpectStored(key, S::kInProgress);
  EXPECT_EQ(StoredOf(key).exposure.assigned_to, "carol");
  const auto rows = Remediations(key);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].assigned_to, "carol");
  EXPECT_EQ(rows[0].assigned_date, t0);  // first assignment; the audit keeps the handovers
  EXPECT_EQ(rows[0].pull_request_url, "https://git.example.com/plant/pull/9");
  const auto audit = Audit(key);
  ASSERT_EQ(audit.size(), 4u);
  EXPECT_EQ(nlohmann::json::parse(audit[1].detail)["previous_assigned_to"], "alice");
  EXPECT_EQ(nlohmann::json::parse(audit[3].detail)["previous_assigned_to"], "bob");
}

TEST_P(LifecycleTest, ARejectedFixGoesBackToInProgressWithItsReason) {
  const std::string key = AddExposure("fix did not hold");
  DriveTo(key, S::kFixDeployed);
  RemediationLifecycle lifecycle(*store_, clock_);
  clock_.Advance(hours(26));
  auto rejected = lifecycle.Move("default", key, Req(A::kRejectFix));
  ASSERT_TRUE(rejected.has_value()) << rejected.error().message;
  EXPECT_EQ(rejected->to, S::kInProgress);
  ExpectStored(key, S::kInProgress);
  EXPECT_FALSE(Remediations(key)[0].fix_deployed_date.has_value());  // no fix is deployed now
  const auto audit = Audit(key);
  EXPECT_EQ(audit.back().actor, "tester");
  EXPECT_EQ(nlohmann::json::parse(audit.back().detail)["reason"], "rescan still finds it");
  EXPECT_EQ(nlohmann::json::parse(audit.back().detail)["rejected_by"], "bob");

  clock_.Advance(hours(4));
  ASSERT_TRUE(lifecycle.Move("default", key, Req(A::kDeployFix)).has_value());
  EXPECT_EQ(Remediations(key)[0].fix_deployed_date, clock_.Now());
  ASSERT_TRUE(lifecycle.Move("default", key, Req(A::kVerify)).has_value());
  ExpectStored(key, S::kVerified);
}

TEST_P(LifecycleTest, BadRequestsAndUnknownExposuresChangeNothing) {
  const std::string key = AddExposure("bad requests");
  RemediationLifecycle lifecycle(*store_, clock_);
  MoveRequest assign = Req(A::kAssign);
  assign.to = "";
  auto r = lifecycle.Move("default", key, assign);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  auto unknown = lifecycle.Move("default", "0000000000000000", Req(A::kAssign));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  ExpectStored(key, S::kOpen);
  EXPECT_TRUE(Audit(key).empty());
}

TEST_P(LifecycleTest, TenantsNeverSeeEachOthersLifecycle) {
  const std::string key = AddExposure("same finding, two plants", "plant-b");
  RemediationLifecycle lifecycle(*store_, clock_);
  auto wrong = lifecycle.Move("default", key, Req(A::kAssign));
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(lifecycle.Move("plant-b", key, Req(A::kAssign)).has_value());
  AddExposure("same finding, two plants", "default");  // the same key in the default tenant
  EXPECT_EQ(lifecycle.Load("default", key).value().state, S::kOpen);
  EXPECT_EQ(lifecycle.Load("plant-b", key).value().state, S::kAssigned);
  EXPECT_TRUE(Audit(key).empty());
  EXPECT_EQ(Audit(key, "plant-b").size(), 1u);
  EXPECT_TRUE(Remediations(key).empty());
  EXPECT_EQ(StoredOf(key).exposure.assigned_to, "");
  EXPECT_EQ(StoredOf(key, "plant-b").exposure.assigned_to, "alice");
}

TEST_P(LifecycleTest, TwoMovesFromTheSameStateOnlyOneCommits) {
  const std::string key = AddExposure("raced");
  DriveTo(key, S::kInProgress);
  auto other_store = Open();
  RemediationLifecycle first(*store_, clock_);
  RemediationLifecycle second(*other_store, clock_);
  const LifecycleSnapshot seen_by_first = first.Load("default", key).value();
  const LifecycleSnapshot seen_by_second = second.Load("default", key).value();

  ASSERT_TRUE(first.Apply(seen_by_first, Req(A::kDeployFix)).has_value());
  auto late = second.Apply(seen_by_second, Req(A::kDeployFix));
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(late.error().message.find("another move"), std::string::npos) << late.error().message;
  // A different move from the same stale state is refused as well (re-assign is legal from
  // InProgress, but the state is no longer InProgress).
  MoveRequest reassign = Req(A::kAssign);
  reassign.to = "mallory";
  EXPECT_FALSE(second.Apply(seen_by_second, reassign).has_value());
  ExpectStored(key, S::kFixDeployed);
  EXPECT_EQ(Audit(key).size(), 3u);
  EXPECT_EQ(StoredOf(key).exposure.assigned_to, "alice");
}

TEST_P(LifecycleTest, TwoFirstAssignmentsOnlyOneCreatesTheRemediation) {
  const std::string key = AddExposure("raced first assignment");
  auto other_store = Open();
  RemediationLifecycle first(*store_, clock_);
  RemediationLifecycle second(*other_store, clock_);
  const LifecycleSnapshot a = first.Load("default", key).value();
  const LifecycleSnapshot b = second.Load("default", key).value();
  MoveRequest to_bob = Req(A::kAssign);
  to_bob.to = "bob";
  ASSERT_TRUE(second.Apply(b, to_bob).has_value());
  auto late = first.Apply(a, Req(A::kAssign));
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().code, ErrorCode::kFailedPrecondition);
  ExpectStored(key, S::kAssigned);
  EXPECT_EQ(StoredOf(key).exposure.assigned_to, "bob");
  EXPECT_EQ(Audit(key).size(), 1u);
}

TEST_P(LifecycleTest, ConcurrentMovesOnSeparateConnectionsOnlyOneCommits) {
  const std::string key = AddExposure("raced by threads");
  DriveTo(key, S::kFixDeployed);
  constexpr int kThreads = 4;
  std::vector<std::unique_ptr<store::Store>> stores;
  for (int i = 0; i < kThreads; ++i) stores.push_back(Open());
  std::barrier sync(kThreads);
  std::vector<std::optional<Error>> outcomes(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      RemediationLifecycle lifecycle(*stores[static_cast<size_t>(i)], clock_);
      const LifecycleSnapshot seen = lifecycle.Load("default", key).value();
      sync.arrive_and_wait();  // every thread has read FixDeployed
      // Half verify, half reject: all legal from FixDeployed, only one may win.
      auto r = lifecycle.Apply(seen, Req(i % 2 == 0 ? A::kVerify : A::kRejectFix, "t" + std::to_string(i)));
      if (!r) outcomes[static_cast<size_t>(i)] = r.error();
    });
  }
  for (auto& t : threads) t.join();
  int committed = 0;
  for (const auto& o : outcomes) {
    if (!o) {
      ++committed;
    } else {
      EXPECT_EQ(o->code, ErrorCode::kFailedPrecondition) << o->message;
    }
  }
  EXPECT_EQ(committed, 1);
  const auto audit = Audit(key);
  ASSERT_EQ(audit.size(), 4u);
  const S winner = StateOfRemediationStatus(audit.back().to_status).value();
  ExpectStored(key, winner);
}

TEST_P(LifecycleTest, TheMoveAndItsAuditRowAreOneTransaction) {
  const std::string key = AddExposure("no audit, no move");
  // On SQLite the unqualified name is the connection's tenant view (docs/tenancy.md).
  const std::string table = GetParam() == "sqlite" ? "main.ctem_remediation_audit" : "ctem_remediation_audit";
  ASSERT_TRUE(store_->Sql().ExecuteInTransaction({{"DROP TABLE " + table, {}}}).has_value());
  RemediationLifecycle lifecycle(*store_, clock_);
  auto r = lifecycle.Move("default", key, Req(A::kAssign));
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(Remediations(key).empty());
  EXPECT_EQ(StoredOf(key).exposure.status, ExposureStatus::kOpen);
  EXPECT_EQ(StoredOf(key).exposure.assigned_to, "");
}

TEST_P(LifecycleTest, AnIngestedRemediationIsMovedAndTheExposureBroughtInStep) {
  const std::string key = AddExposure("remediation log said in progress");
  Remediation m;
  m.remediation_id = "RM-2026-0042";
  m.exposure_id = key;
  m.ts = T("2026-11-21T00:00:00Z");
  m.status = ExposureStatus::kInProgress;
  m.assigned_to = "ot-team";
  m.assigned_date = m.ts;
  ASSERT_TRUE(store_->UpsertRemediations({&m, 1}, m.ts).has_value());
  RemediationLifecycle lifecycle(*store_, clock_);
  EXPECT_EQ(lifecycle.Load("default", key).value().state, S::kInProgress);
  auto r = lifecycle.Move("default", key, Req(A::kDeployFix));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ExpectStored(key, S::kFixDeployed);
  EXPECT_EQ(Remediations(key)[0].remediation_id, "RM-2026-0042");
  EXPECT_EQ(Audit(key).back().remediation_id, "RM-2026-0042");
}

TEST_P(LifecycleTest, AnExposureAToolResolvedStartsFromThatState) {
  const std::string key = AddExposure("the tool says resolved", "default", ExposureStatus::kVerified);
  RemediationLifecycle lifecycle(*store_, clock_);
  const LifecycleSnapshot seen = lifecycle.Load("default", key).value();
  EXPECT_EQ(seen.state, S::kVerified);
  EXPECT_FALSE(seen.remediation.has_value());
  EXPECT_FALSE(lifecycle.Move("default", key, Req(A::kAssign)).has_value());
  ASSERT_TRUE(lifecycle.Move("default", key, Req(A::kClose)).has_value());
  ExpectStored(key, S::kClosed);
}

TEST_P(LifecycleTest, TheTimelineHasTheExposuresValidationsRemediationsAndAudit) {
  const std::string key = AddExposure("timeline");
  for (const char* ts : {"2026-11-22T00:00:00Z", "2026-11-21T00:00:00Z"}) {
    Validation v;
    v.validation_id = std::string("VAL-") + ts;
    v.exposure_id = key;
    v.campaign_id = "RT-2026-Q4";
    v.ts = T(ts);
    v.validation_type = "manual_red_team";
    v.exploitable = true;
    v.detection_evaded = true;
    v.detection_gaps = {"no alert on OPC UA write"};
    ASSERT_TRUE(store_->UpsertValidations({&v, 1}, v.ts).has_value());
  }
  Validation elsewhere;
  elsewhere.validation_id = "VAL-other";
  elsewhere.exposure_id = "ffffffffffffffff";
  elsewhere.campaign_id = "RT-2026-Q4";
  elsewhere.ts = T("2026-11-22T00:00:00Z");
  elsewhere.validation_type = "automated";
  ASSERT_TRUE(store_->UpsertValidations({&elsewhere, 1}, elsewhere.ts).has_value());
  DriveTo(key, S::kFixDeployed);

  auto t = ExposureTimeline(*store_, "default", key);
  ASSERT_TRUE(t.has_value()) << t.error().message;
  std::vector<std::string> keys;
  for (const auto& [k, v] : t->items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"exposure_key", "validations", "remediations", "audit"}));
  EXPECT_EQ((*t)["exposure_key"], key);
  ASSERT_EQ((*t)["validations"].size(), 2u);
  EXPECT_EQ((*t)["validations"][0]["validation_id"], "VAL-2026-11-21T00:00:00Z");  // ts order
  EXPECT_EQ((*t)["validations"][0]["exploitable"], true);
  EXPECT_EQ((*t)["validations"][0]["detection_gaps"][0], "no alert on OPC UA write");
  EXPECT_EQ((*t)["validations"][0]["ts"], "2026-11-21T00:00:00.000Z");
  ASSERT_EQ((*t)["remediations"].size(), 1u);
  EXPECT_EQ((*t)["remediations"][0]["status"], "FixDeployed");
  EXPECT_EQ((*t)["remediations"][0]["fix_description"], "upgraded the package");
  EXPECT_EQ((*t)["remediations"][0]["verified_date"], nullptr);
  ASSERT_EQ((*t)["audit"].size(), 3u);
  EXPECT_EQ((*t)["audit"][0]["action"], "assign");
  EXPECT_EQ((*t)["audit"][2]["to_status"], "FixDeployed");
  EXPECT_EQ((*t)["audit"][0]["detail"]["assigned_to"], "alice");

  auto missing = ExposureTimeline(*store_, "plant-b", key);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, LifecycleTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace ctem::jobs
