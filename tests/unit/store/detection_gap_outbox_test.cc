// FEEDBACK-001 in real time: UpsertValidations queues a DETECTION_GAP alert in the outbox in
// the same transaction as the validation, once per validation, on both backends.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/exposure_key.h"
#include "store/store.h"
#include "support/backends.h"

namespace ctem::store {
namespace {

Timestamp T(const char* iso) {
  return *ParseTimestamp(iso);
}

class DetectionGapOutboxTest : public ::testing::TestWithParam<std::string> {
 protected:
  DetectionGapOutboxTest() : db_(GetParam()) {}

  void SetUp() override {
    CTEM_REQUIRE_BACKEND(db_);
    auto s = OpenStore(db_.url());
    ASSERT_TRUE(s.has_value()) << s.error().message;
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate().has_value());
  }

  static Validation MakeValidation(const std::string& id, bool evaded) {
    Validation v;
    v.validation_id = id;
    v.exposure_id = "exp-1";
    v.campaign_id = "RT-2026-Q4";
    v.ts = T("2026-11-23T07:00:00Z");
    v.validation_type = "adversarial_ml";
    v.exploitable = true;
    v.exploit_complexity = "low";
    v.attack_path = "edge -> model";
    v.detection_evaded = evaded;
    v.detection_rules_tested = {"ATLAS-DETECT-001"};
    v.detection_gaps = {"no alert on weight tampering"};
    v.tester = "red-team@example.com";
    return v;
  }

  UpsertSummary Upsert(const Validation& v) {
    auto r = store_->UpsertValidations(std::vector<Validation>{v}, T("2026-11-23T08:00:00Z"));
    EXPECT_TRUE(r.has_value()) << r.error().message;
    return r.value_or(UpsertSummary{});
  }

  std::vector<nlohmann::json> Rows() {
    auto rows = store_->Sql().Query(std::string("SELECT alert_type, exposure_key, alert_title, dedup_key, ") +
                                        (GetParam() == "postgres" ? "payload::text" : "payload") +
                                        " FROM ctem_alert_outbox ORDER BY id",
                                    {});
    EXPECT_TRUE(rows.has_value());
    std::vector<nlohmann::json> out;
    for (const auto& r : *rows) {
      out.push_back({{"alert_type", AsText(r[0])},
                     {"exposure_key", AsText(r[1])},
                     {"alert_title", AsText(r[2])},
                     {"dedup_key", AsText(r[3])},
                     {"payload", nlohmann::json::parse(AsText(r[4]))}});
    }
    return out;
  }

  testing::TestDatabase db_;
  std::unique_ptr<Store> store_;
};

TEST_P(DetectionGapOutboxTest, AnEvadedValidationAlertsOnceWithTheSeedTexts) {
  // The validation's exposure, whose ATLAS technique has an ALUSKORT rule.
  Exposure e;
  e.exposure_key = "exp-1";
  e.ts = T("2026-11-20T00:00:00Z");
  e.source_tool = "IBM_ART";
  e.title = "Model evasion";
  e.severity = Severity::kHigh;
  e.original_severity = "high";
  e.asset_id = "model-1";
  e.asset_type = "MLModel";
  e.asset_zone = "Zone1_EdgeInference";
  e.atlas_technique = "AML.T0020";
  ASSERT_TRUE(store_->UpsertExposures(std::vector<Exposure>{e}, e.ts).has_value());

  const Validation v = MakeValidation("VAL-1", true);
  EXPECT_EQ(Upsert(v).detection_gaps, 1u);
  EXPECT_EQ(Upsert(v).detection_gaps, 0u);  // re-ingest: no second alert
  const auto rows = Rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["alert_type"], "DETECTION_GAP");
  EXPECT_EQ(rows[0]["exposure_key"], "exp-1");
  EXPECT_EQ(rows[0]["dedup_key"], "DETECTION_GAP:default:VAL-1");
  EXPECT_EQ(rows[0]["alert_title"], "CTEM DETECTION GAP: adversarial_ml evaded detection (HIGH)");
  const auto& p = rows[0]["payload"];
  EXPECT_EQ(p["gap_severity"], "HIGH");
  EXPECT_EQ(
      p["action"],
      "Detection rules tested: [\"ATLAS-DETECT-001\"]. Gaps identified: [\"no alert on weight tampering\"]. "
      "Update ALUSKORT analytics rules to cover this attack path.");
  EXPECT_EQ(p["validation_id"], "VAL-1");
  EXPECT_EQ(p["campaign_id"], "RT-2026-Q4");
  EXPECT_EQ(p["detection_rules_tested"], nlohmann::json::array({"ATLAS-DETECT-001"}));
  EXPECT_EQ(p["atlas_technique"], "AML.T0020");
  EXPECT_EQ(p["expected_detection_rule"], "ATLAS-DETECT-001");
  EXPECT_EQ(
      p["gap_analysis"],
      nlohmann::json::array({"DETECTION GAP: ATLAS-DETECT-001 failed to detect AML.T0020 attack (campaign: "
                             "RT-2026-Q4)"}));
}

TEST_P(DetectionGapOutboxTest, OnlyEvasionsAlertAndACorrectionToEvadedAlertsOnce) {
  Validation v = MakeValidation("VAL-2", false);
  EXPECT_EQ(Upsert(v).detection_gaps, 0u);
  EXPECT_TRUE(Rows().empty());
  v.detection_evaded = true;  // the red team corrects its record
  v.physical_consequence_demonstrated = true;
  EXPECT_EQ(Upsert(v).detection_gaps, 1u);
  v.detection_evaded = false;
  Upsert(v);
  v.detection_evaded = true;
  EXPECT_EQ(Upsert(v).detection_gaps, 0u);
  const auto rows = Rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["payload"]["gap_severity"], "CRITICAL");
  // No stored exposure: the technique is unknown, which the seed's analyser calls a coverage gap.
  EXPECT_EQ(rows[0]["payload"]["gap_analysis"],
            nlohmann::json::array({"COVERAGE GAP: No ALUSKORT rule exists for ",
                                   "SAFETY GAP: Physical consequence demonstrated without detection \u2014 "
                                   "requires immediate rule update"}));
}

TEST_P(DetectionGapOutboxTest, ABatchWithTheSameValidationTwiceAlertsOnce) {
  const Validation v = MakeValidation("VAL-3", true);
  auto r = store_->UpsertValidations(std::vector<Validation>{v, v}, T("2026-11-23T08:00:00Z"));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->detection_gaps, 1u);
  EXPECT_EQ(Rows().size(), 1u);
  // Tenants are apart: the same id in another tenant is another validation.
  Validation other = v;
  other.tenant_id = "other";
  EXPECT_EQ(Upsert(other).detection_gaps, 1u);
  EXPECT_EQ(Rows().size(), 1u);  // the default tenant sees its own alert only
  TenantScope scope(*store_, "other");
  ASSERT_TRUE(scope.status().has_value());
  EXPECT_EQ(Rows().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, DetectionGapOutboxTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace ctem::store
