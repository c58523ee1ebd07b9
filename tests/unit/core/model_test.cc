// Unit tests of the CTEM vocabulary and scoring tables (src/core/model.h).
//
// Every expected value below is written by hand from the seed's section 4.1
// (CONSEQUENCE_MATRIX, SEVERITY_SLAS, ZONE_CONSEQUENCE_FALLBACK and the normalisers' score
// formulas) or from what CPython prints; none is copied from the program's output.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"

namespace ctem {
namespace {

using std::chrono::hours;

// ---------------------------------------------------------------------------------------------
// CONSEQUENCE_MATRIX: all 12 cells.

struct MatrixCase {
  Exploitability exploitability;
  Consequence consequence;
  Severity expected;
};

class ConsequenceMatrix : public ::testing::TestWithParam<MatrixCase> {};

TEST_P(ConsequenceMatrix, CellMatchesSeed) {
  const MatrixCase& c = GetParam();
  EXPECT_EQ(ComputeCtemSeverity(c.exploitability, c.consequence), c.expected)
      << ExploitabilityName(c.exploitability) << " x " << ConsequenceName(c.consequence);
}

INSTANTIATE_TEST_SUITE_P(
    AllTwelveCells, ConsequenceMatrix,
    ::testing::Values(
        MatrixCase{Exploitability::kHigh, Consequence::kSafetyLife, Severity::kCritical},
        MatrixCase{Exploitability::kMedium, Consequence::kSafetyLife, Severity::kCritical},
        MatrixCase{Exploitability::kLow, Consequence::kSafetyLife, Severity::kHigh},
        MatrixCase{Exploitability::kHigh, Consequence::kEquipment, Severity::kCritical},
        MatrixCase{Exploitability::kMedium, Consequence::kEquipment, Severity::kHigh},
        MatrixCase{Exploitability::kLow, Consequence::kEquipment, Severity::kMedium},
        MatrixCase{Exploitability::kHigh, Consequence::kDowntime, Severity::kHigh},
        MatrixCase{Exploitability::kMedium, Consequence::kDowntime, Severity::kMedium},
        MatrixCase{Exploitability::kLow, Consequence::kDowntime, Severity::kLow},
        MatrixCase{Exploitability::kHigh, Consequence::kDataLoss, Severity::kMedium},
        MatrixCase{Exploitability::kMedium, Consequence::kDataLoss, Severity::kLow},
        MatrixCase{Exploitability::kLow, Consequence::kDataLoss, Severity::kLow}));

// ---------------------------------------------------------------------------------------------
// SEVERITY_SLAS.

TEST(SeveritySla, EverySeverityHasTheSeedsDeadline) {
  struct Case {
    Severity severity;
    hours expected;
  };
  const std::vector<Case> cases = {
      {Severity::kCritical, hours(24)},
      {Severity::kHigh, hours(72)},
      {Severity::kMedium, hours(14 * 24)},  // timedelta(days=14)
      {Severity::kLow, hours(30 * 24)},     // timedelta(days=30)
  };
  for (const Case& c : cases) {
    EXPECT_EQ(SeveritySla(c.severity), c.expected) << SeverityName(c.severity);
  }
}

TEST(SeveritySla, TighterForMoreSevereFindings) {
  EXPECT_LT(SeveritySla(Severity::kCritical), SeveritySla(Severity::kHigh));
  EXPECT_LT(SeveritySla(Severity::kHigh), SeveritySla(Severity::kMedium));
  EXPECT_LT(SeveritySla(Severity::kMedium), SeveritySla(Severity::kLow));
}

// ---------------------------------------------------------------------------------------------
// Severity names, parsing and rank (erratum 3: order by rank, never by text).

TEST(Severity, RankOrderIsCriticalHighMediumLow) {
  EXPECT_GT(SeverityRank(Severity::kCritical), SeverityRank(Severity::kHigh));
  EXPECT_GT(SeverityRank(Severity::kHigh), SeverityRank(Severity::kMedium));
  EXPECT_GT(SeverityRank(Severity::kMedium), SeverityRank(Severity::kLow));
  EXPECT_EQ(SeverityRank(Severity::kCritical), 4);
  EXPECT_EQ(SeverityRank(Severity::kLow), 1);
}

TEST(Severity, AllSeveritiesListedMostSevereFirst) {
  ASSERT_EQ(kAllSeverities.size(), 4u);
  EXPECT_EQ(kAllSeverities[0], Severity::kCritical);
  EXPECT_EQ(kAllSeverities[1], Severity::kHigh);
  EXPECT_EQ(kAllSeverities[2], Severity::kMedium);
  EXPECT_EQ(kAllSeverities[3], Severity::kLow);
}

TEST(Severity, NamesAreTheSeedsUpperCaseText) {
  EXPECT_EQ(SeverityName(Severity::kCritical), "CRITICAL");
  EXPECT_EQ(SeverityName(Severity::kHigh), "HIGH");
  EXPECT_EQ(SeverityName(Severity::kMedium), "MEDIUM");
  EXPECT_EQ(SeverityName(Severity::kLow), "LOW");
}

TEST(Severity, ParseAcceptsAnyCaseAndSurroundingSpace) {
  struct Case {
    std::string_view text;
    Severity expected;
  };
  const std::vector<Case> cases = {
      {"CRITICAL", Severity::kCritical}, {"critical", Severity::kCritical},
      {"High", Severity::kHigh},         {" medium ", Severity::kMedium},
      {"LOW", Severity::kLow},           {"low", Severity::kLow},
  };
  for (const Case& c : cases) {
    auto parsed = ParseSeverity(c.text);
    ASSERT_TRUE(parsed.has_value()) << "'" << c.text << "'";
    EXPECT_EQ(*parsed, c.expected) << "'" << c.text << "'";
  }
}

TEST(Severity, ParseRejectsUnknownTextWithInvalidArgument) {
  for (std::string_view text : {"", "URGENT", "INFORMATIONAL", "crit", "HIGHEST", "4"}) {
    auto parsed = ParseSeverity(text);
    ASSERT_FALSE(parsed.has_value()) << "'" << text << "'";
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(parsed.error().message.find("CRITICAL"), std::string::npos)
        << "the message should name the valid choices: " << parsed.error().message;
  }
}

TEST(Severity, NameParsesBackToItself) {
  for (Severity s : kAllSeverities) {
    auto parsed = ParseSeverity(SeverityName(s));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, s);
  }
}

// ---------------------------------------------------------------------------------------------
// Exploitability.

TEST(Exploitability, NamesAndParsing) {
  EXPECT_EQ(ExploitabilityName(Exploitability::kHigh), "high");
  EXPECT_EQ(ExploitabilityName(Exploitability::kMedium), "medium");
  EXPECT_EQ(ExploitabilityName(Exploitability::kLow), "low");
  EXPECT_EQ(ParseExploitability("HIGH").value(), Exploitability::kHigh);
  EXPECT_EQ(ParseExploitability("medium").value(), Exploitability::kMedium);
  EXPECT_EQ(ParseExploitability("Low").value(), Exploitability::kLow);
  auto bad = ParseExploitability("extreme");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

TEST(Exploitability, ScoreIsPointNineSixThree) {
  EXPECT_DOUBLE_EQ(ExploitabilityScore(Exploitability::kHigh), 0.9);
  EXPECT_DOUBLE_EQ(ExploitabilityScore(Exploitability::kMedium), 0.6);
  EXPECT_DOUBLE_EQ(ExploitabilityScore(Exploitability::kLow), 0.3);
}

// ---------------------------------------------------------------------------------------------
// Consequence (erratum 13: an unknown class is an error, not a crash).

TEST(Consequence, NamesAreTheSeedsClasses) {
  EXPECT_EQ(ConsequenceName(Consequence::kSafetyLife), "safety_life");
  EXPECT_EQ(ConsequenceName(Consequence::kEquipment), "equipment");
  EXPECT_EQ(ConsequenceName(Consequence::kDowntime), "downtime");
  EXPECT_EQ(ConsequenceName(Consequence::kDataLoss), "data_loss");
}

TEST(Consequence, ParseKnownClasses) {
  struct Case {
    std::string_view text;
    Consequence expected;
  };
  const std::vector<Case> cases = {
      {"safety_life", Consequence::kSafetyLife},
      {"equipment", Consequence::kEquipment},
      {"downtime", Consequence::kDowntime},
      {"data_loss", Consequence::kDataLoss},
      {"SAFETY_LIFE", Consequence::kSafetyLife},
  };
  for (const Case& c : cases) {
    auto parsed = ParseConsequence(c.text);
    ASSERT_TRUE(parsed.has_value()) << c.text;
    EXPECT_EQ(*parsed, c.expected) << c.text;
  }
}

TEST(Consequence, ParseUnknownClassIsInvalidArgumentNotACrash) {
  for (std::string_view text : {"", "reputation", "safety", "data-loss", "Zone0_PhysicalProcess"}) {
    auto parsed = ParseConsequence(text);
    ASSERT_FALSE(parsed.has_value()) << "'" << text << "'";
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(parsed.error().message.find("safety_life"), std::string::npos)
        << parsed.error().message;
  }
}

TEST(Consequence, MoreSevereOrdersSafetyEquipmentDowntimeDataLoss) {
  // kAllConsequences is most severe first; a is more severe than b exactly when it comes
  // earlier in that order.
  const std::vector<Consequence> order = {Consequence::kSafetyLife, Consequence::kEquipment,
                                          Consequence::kDowntime, Consequence::kDataLoss};
  for (size_t i = 0; i < order.size(); ++i) {
    EXPECT_EQ(kAllConsequences[i], order[i]);
    for (size_t j = 0; j < order.size(); ++j) {
      EXPECT_EQ(MoreSevere(order[i], order[j]), i < j)
          << ConsequenceName(order[i]) << " vs " << ConsequenceName(order[j]);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Zones: ZONE_CONSEQUENCE_FALLBACK.

TEST(StaticZoneConsequence, EveryZoneOfTheSeedAndUnknownIsDataLoss) {
  struct Case {
    std::string_view zone;
    Consequence expected;
  };
  const std::vector<Case> cases = {
      {"Zone0_PhysicalProcess", Consequence::kSafetyLife},
      {"Zone1_EdgeInference", Consequence::kEquipment},
      {"Zone2_Operations", Consequence::kDowntime},
      {"Zone3_Enterprise", Consequence::kDataLoss},
      {"Zone4_External", Consequence::kDataLoss},
      // .get(asset_zone, "data_loss")
      {"Zone9_Nowhere", Consequence::kDataLoss},
      {"", Consequence::kDataLoss},
      {"zone0_physicalprocess", Consequence::kDataLoss},  // the seed's dict lookup is exact
  };
  for (const Case& c : cases) {
    EXPECT_EQ(StaticZoneConsequence(c.zone), c.expected) << "'" << c.zone << "'";
  }
}

TEST(Zones, KnownZonesAreExactlyTheFive) {
  EXPECT_EQ(kKnownZones.size(), 5u);
  for (std::string_view z : {"Zone0_PhysicalProcess", "Zone1_EdgeInference", "Zone2_Operations",
                             "Zone3_Enterprise", "Zone4_External"}) {
    EXPECT_TRUE(IsKnownZone(z)) << z;
  }
  for (std::string_view z : {"", "Zone5_Cloud", "zone1_edgeinference", "Zone1"}) {
    EXPECT_FALSE(IsKnownZone(z)) << z;
  }
}

// ---------------------------------------------------------------------------------------------
// Exposure status.

TEST(ExposureStatus, NamesParseAndTerminality) {
  struct Case {
    ExposureStatus status;
    std::string_view name;
    bool terminal;
  };
  const std::vector<Case> cases = {
      {ExposureStatus::kOpen, "Open", false},
      {ExposureStatus::kInProgress, "InProgress", false},
      {ExposureStatus::kFixDeployed, "FixDeployed", false},
      {ExposureStatus::kVerified, "Verified", true},
      {ExposureStatus::kClosed, "Closed", true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ExposureStatusName(c.status), c.name);
    EXPECT_EQ(IsTerminal(c.status), c.terminal) << c.name;
    auto parsed = ParseExposureStatus(c.name);
    ASSERT_TRUE(parsed.has_value()) << c.name;
    EXPECT_EQ(*parsed, c.status);
  }
  EXPECT_EQ(ParseExposureStatus("Assigned").value(), ExposureStatus::kOpen);
  auto bad = ParseExposureStatus("Reopened");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------------------------
// Scores. Wiz: round(exp * {1.0, 0.8, 0.5, 0.3}[c] * 10, 1); every other normaliser:
// round(factor * {10, 8, 5, 3}[c], 1). Values computed by hand (and equal to CPython's).

struct ScoreCase {
  Exploitability exploitability;
  Consequence consequence;
  double expected;
};

const std::vector<ScoreCase>& ScoreTable() {
  static const std::vector<ScoreCase> table = {
      {Exploitability::kHigh, Consequence::kSafetyLife, 9.0},
      {Exploitability::kHigh, Consequence::kEquipment, 7.2},
      {Exploitability::kHigh, Consequence::kDowntime, 4.5},
      {Exploitability::kHigh, Consequence::kDataLoss, 2.7},
      {Exploitability::kMedium, Consequence::kSafetyLife, 6.0},
      {Exploitability::kMedium, Consequence::kEquipment, 4.8},
      {Exploitability::kMedium, Consequence::kDowntime, 3.0},
      {Exploitability::kMedium, Consequence::kDataLoss, 1.8},
      {Exploitability::kLow, Consequence::kSafetyLife, 3.0},
      {Exploitability::kLow, Consequence::kEquipment, 2.4},
      {Exploitability::kLow, Consequence::kDowntime, 1.5},
      {Exploitability::kLow, Consequence::kDataLoss, 0.9},  // 0.3*0.3*10 = 0.8999.. -> 0.9
  };
  return table;
}

TEST(WizCtemScore, EveryExploitabilityByConsequence) {
  for (const ScoreCase& c : ScoreTable()) {
    EXPECT_EQ(WizCtemScore(c.exploitability, c.consequence), c.expected)
        << ExploitabilityName(c.exploitability) << " x " << ConsequenceName(c.consequence);
  }
}

TEST(WeightedCtemScore, EveryExploitabilityScoreByConsequence) {
  for (const ScoreCase& c : ScoreTable()) {
    EXPECT_EQ(WeightedCtemScore(ExploitabilityScore(c.exploitability), c.consequence), c.expected)
        << ExploitabilityName(c.exploitability) << " x " << ConsequenceName(c.consequence);
  }
}

TEST(WeightedCtemScore, RatesAsFactors) {
  struct Case {
    double factor;
    Consequence consequence;
    double expected;
  };
  const std::vector<Case> cases = {
      {0.0, Consequence::kSafetyLife, 0.0},  {1.0, Consequence::kSafetyLife, 10.0},
      {1.0, Consequence::kDataLoss, 3.0},    {0.62, Consequence::kDowntime, 3.1},
      {0.62, Consequence::kDataLoss, 1.9},   {0.62, Consequence::kEquipment, 5.0},
      {0.71, Consequence::kEquipment, 5.7},  {0.31, Consequence::kEquipment, 2.5},
      {0.85, Consequence::kDataLoss, 2.5},   {0.85, Consequence::kDowntime, 4.2},
      {0.51, Consequence::kDowntime, 2.5},   {0.21, Consequence::kDataLoss, 0.6},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(WeightedCtemScore(c.factor, c.consequence), c.expected)
        << c.factor << " x " << ConsequenceName(c.consequence);
  }
}

// ---------------------------------------------------------------------------------------------
// PyRound / PyPercent0 / PyFixed2: what CPython's round(), f"{x:.0%}" and f"{x:.2f}" give.

TEST(PyRound, RoundsTheExactBinaryValueHalfToEven) {
  struct Case {
    double x;
    int ndigits;
    double expected;
  };
  const std::vector<Case> cases = {
      {0.25, 1, 0.2},    // exact tie -> even
      {0.35, 1, 0.3},    // binary 0.34999999999999997780
      {0.45, 1, 0.5},    // binary 0.45000000000000001110
      {0.15, 1, 0.1},    // binary 0.14999999999999999445
      {2.675, 2, 2.67},  // binary 2.67499999999999982236
      {1.5, 0, 2.0},     // tie -> even
      {2.5, 0, 2.0},     // tie -> even
      {-0.25, 1, -0.2},
      {5.68, 1, 5.7},
      {7.2, 1, 7.2},
      {0.8999999999999999, 1, 0.9},
      {0.0, 1, 0.0},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(PyRound(c.x, c.ndigits), c.expected) << "round(" << c.x << ", " << c.ndigits << ")";
  }
}

TEST(PyPercent0, MatchesPythonPercentFormat) {
  struct Case {
    double x;
    std::string_view expected;
  };
  const std::vector<Case> cases = {
      {0.62, "62%"},
      {0.125, "12%"},  // 12.5 -> half-even
      {0.355, "36%"},  // 0.355 * 100 == 35.5 exactly in binary -> half-even up to 36
      {0.135, "14%"},  // 13.5 -> 14
      {0.625, "62%"},  // 62.5 -> 62
      {0.875, "88%"},  // 87.5 -> 88
      {0.145, "14%"},  // 14.499999999999998
      {0.005, "0%"},   // 0.5 -> 0
      {0.0, "0%"},
      {0.5, "50%"},
      {1.0, "100%"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(PyPercent0(c.x), c.expected) << c.x;
  }
}

TEST(PyFixed2, MatchesPythonTwoDecimalFormat) {
  struct Case {
    double x;
    std::string_view expected;
  };
  const std::vector<Case> cases = {
      {0.62, "0.62"}, {0.5, "0.50"},  {0.0, "0.00"},   {1.0, "1.00"},  {0.125, "0.12"},
      {0.355, "0.35"}, {0.005, "0.01"}, {0.015, "0.01"}, {0.135, "0.14"}, {2.675, "2.67"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(PyFixed2(c.x), c.expected) << c.x;
  }
}

}  // namespace
}  // namespace ctem
