// How reports show ATLAS techniques (issue 5): the exposure JSON (triage, /api/ctem/exposures)
// and the atlas-coverage matrix carry the official technique beside the seed's ID, and say
// whether the ID is exact, loose or non-standard; and the exposure JSON shows when a tool
// reported the exposure gone (no_longer_seen_at).
#include <gtest/gtest.h>

#include <map>

#include "core/exposure_key.h"
#include "reports/report.h"
#include "support/backends.h"

namespace ctem::reports {
namespace {

Timestamp T(const char* iso) { return *ParseTimestamp(iso); }

class AtlasFieldsTest : public ::testing::TestWithParam<std::string> {
 protected:
  AtlasFieldsTest() : db_(GetParam()) {}

  void SetUp() override {
    CTEM_REQUIRE_BACKEND(db_);
    auto s = store::OpenStore(db_.url());
    ASSERT_TRUE(s.has_value()) << s.error().message;
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate());
  }

  // An exposure as a raw load or an old row has it: no official technique stamped.
  Exposure Add(const std::string& title, const std::string& atlas, const std::string& tool = "Test") {
    Exposure e;
    e.exposure_key = GenerateExposureKey(tool, title, "asset");
    e.ts = kNow - days(1);
    e.source_tool = tool;
    e.title = title;
    e.severity = Severity::kHigh;
    e.original_severity = "HIGH";
    e.asset_id = "asset";
    e.asset_type = "t";
    e.asset_zone = "Zone3_Enterprise";
    e.ctem_score = 5.0;
    e.atlas_technique = atlas;
    EXPECT_TRUE(store_->UpsertExposures({&e, 1}, e.ts));
    return e;
  }

  // The triage rows by title.
  std::map<std::string, Json> Triage() {
    ReportRequest req;
    req.now = kNow;
    auto r = TriageReport(*store_, req);
    EXPECT_TRUE(r.has_value()) << r.error().message;
    std::map<std::string, Json> out;
    for (const auto& row : *r) out[row["title"].get<std::string>()] = row;
    return out;
  }

  const Timestamp kNow = T("2026-11-23T07:00:00Z");
  testing::TestDatabase db_;
  std::unique_ptr<store::Store> store_;
};

INSTANTIATE_TEST_SUITE_P(Backends, AtlasFieldsTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           return param_info.param;
                         });

TEST_P(AtlasFieldsTest, TriageRowsFlagOnlyNonStandardIds) {
  Add("exact", "AML.T0051");
  Add("loose", "AML.T0024");                     // membership inference is AML.T0024.000
  Add("loose for ART", "AML.T0044", "IBM_ART");  // ART extraction is AML.T0024.002
  Add("non-standard", "AML.T0035.001");
  Add("unknown", "AML.T9999");
  Add("none", "");
  const auto rows = Triage();
  ASSERT_EQ(rows.size(), 6u);

  EXPECT_EQ(rows.at("exact")["atlas_match"], "exact");
  EXPECT_EQ(rows.at("exact")["atlas_nonstandard"], false);
  EXPECT_EQ(rows.at("exact")["atlas_official_id"], "AML.T0051");
  EXPECT_EQ(rows.at("exact")["atlas_official_name"], "LLM Prompt Injection");

  EXPECT_EQ(rows.at("loose")["atlas_match"], "loose");
  EXPECT_EQ(rows.at("loose")["atlas_nonstandard"], false);
  EXPECT_EQ(rows.at("loose")["atlas_official_id"], "AML.T0024.000");
  EXPECT_EQ(rows.at("loose")["atlas_official_name"], "Infer Training Data Membership");
  EXPECT_EQ(rows.at("loose for ART")["atlas_match"], "loose");
  EXPECT_EQ(rows.at("loose for ART")["atlas_official_id"], "AML.T0024.002");

  EXPECT_EQ(rows.at("non-standard")["atlas_match"], "non_standard");
  EXPECT_EQ(rows.at("non-standard")["atlas_nonstandard"], true);
  EXPECT_EQ(rows.at("non-standard")["atlas_technique"], "AML.T0035.001");  // the seed's ID is kept
  EXPECT_EQ(rows.at("non-standard")["atlas_official_id"], "AML.T0044");

  EXPECT_EQ(rows.at("unknown")["atlas_match"], "non_standard");
  EXPECT_EQ(rows.at("unknown")["atlas_nonstandard"], true);
  EXPECT_EQ(rows.at("unknown")["atlas_official_id"], "");

  EXPECT_TRUE(rows.at("none")["atlas_match"].is_null());
  EXPECT_EQ(rows.at("none")["atlas_nonstandard"], false);
  EXPECT_EQ(rows.at("none")["atlas_official_id"], "");
}

TEST_P(AtlasFieldsTest, StampedOfficialTechniqueIsShownAsStored) {
  Exposure e;
  e.exposure_key = "stamped";
  e.ts = kNow - days(1);
  e.source_tool = "Garak";
  e.title = "stamped";
  e.severity = Severity::kMedium;
  e.asset_id = "llm";
  e.asset_zone = "Zone3_Enterprise";
  e.atlas_technique = "AML.T0044.001";
  e.atlas_official_id = "AML.T0024.002";
  e.atlas_official_name = "Extract AI Model";
  ASSERT_TRUE(store_->UpsertExposures({&e, 1}, e.ts));
  const auto rows = Triage();
  ASSERT_EQ(rows.count("stamped"), 1u);
  EXPECT_EQ(rows.at("stamped")["atlas_official_id"], "AML.T0024.002");
  EXPECT_EQ(rows.at("stamped")["atlas_official_name"], "Extract AI Model");
  EXPECT_EQ(rows.at("stamped")["atlas_match"], "non_standard");
  EXPECT_EQ(rows.at("stamped")["atlas_nonstandard"], true);
}

TEST_P(AtlasFieldsTest, ExposureJsonShowsNoLongerSeenAt) {
  const Exposure gone = Add("gone", "");
  Add("still here", "");
  ASSERT_TRUE(store_->MarkNoLongerSeen("default", std::vector<std::string>{gone.exposure_key},
                                       T("2026-11-22T10:30:00Z")));
  const auto rows = Triage();
  ASSERT_EQ(rows.size(), 2u);  // the engine does not close what a tool stopped reporting
  EXPECT_EQ(rows.at("gone")["no_longer_seen_at"], "2026-11-22T10:30:00.000Z");
  ASSERT_TRUE(rows.at("still here").contains("no_longer_seen_at"));
  EXPECT_TRUE(rows.at("still here")["no_longer_seen_at"].is_null());
}

TEST_P(AtlasFieldsTest, AtlasCoverageRowsCarryTheOfficialTechniqueAndTheMatch) {
  ReportRequest req;
  req.now = kNow;
  auto report = AtlasCoverageReport(*store_, req);
  ASSERT_TRUE(report.has_value()) << report.error().message;
  std::map<std::string, Json> rows;
  for (const auto& row : *report) rows[row["atlas_technique"].get<std::string>()] = row;
  ASSERT_EQ(rows.size(), 15u);
  struct Want {
    const char* seed;
    const char* official_id;
    const char* official_name;
    const char* match;
  };
  for (const Want& w : {Want{"AML.T0020", "AML.T0020", "Poison Training Data", "exact"},
                        Want{"AML.T0015", "AML.T0015", "Evade AI Model", "exact"},
                        // The coverage matrix's AML.T0044 is "Full ML Model Access" itself.
                        Want{"AML.T0044", "AML.T0044", "Full AI Model Access", "exact"},
                        Want{"AML.T0044.001", "AML.T0024.002", "Extract AI Model", "non_standard"},
                        Want{"AML.T0035.001", "AML.T0044", "Full AI Model Access", "non_standard"},
                        Want{"AML.T0035.002", "AML.T0044", "Full AI Model Access", "non_standard"},
                        Want{"AML.T0014", "AML.T0013", "Discover AI Model Ontology", "loose"},
                        Want{"AML.T0024", "AML.T0024.000", "Infer Training Data Membership", "loose"},
                        Want{"AML.T0048.003", "AML.T0049", "Exploit Public-Facing Application", "loose"}}) {
    ASSERT_EQ(rows.count(w.seed), 1u) << w.seed;
    const Json& row = rows.at(w.seed);
    EXPECT_EQ(row["atlas_official_id"], w.official_id) << w.seed;
    EXPECT_EQ(row["atlas_official_name"], w.official_name) << w.seed;
    EXPECT_EQ(row["atlas_match"], w.match) << w.seed;
  }
  // The seed's name stays beside the official one.
  EXPECT_EQ(rows.at("AML.T0015")["technique_name"], "Evade ML Model");
}

}  // namespace
}  // namespace ctem::reports
