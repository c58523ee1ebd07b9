// The CTEM domain vocabulary: severity, exploitability, physical consequence, zones,
// statuses, and the consequence-weighted prioritisation matrix and SLA table of the seed's
// section 4.1.
//
// Why enums and not strings: the seed keys its tables by strings and crashes (KeyError) on an
// unknown one (DESIGN.md erratum 13). Here every string from outside is parsed once, at the
// edge, into an enum — an unknown value is an Error naming the valid choices — and the tables
// below are total over the enums.
//
// Thread-safety: constants and pure functions only.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ctem {

// CTEM severity, ordered by rank: Critical > High > Medium > Low (erratum 3: never sort the
// text).
enum class Severity { kLow = 1, kMedium = 2, kHigh = 3, kCritical = 4 };

inline constexpr std::array<Severity, 4> kAllSeverities = {Severity::kCritical, Severity::kHigh,
                                                           Severity::kMedium, Severity::kLow};
int SeverityRank(Severity s);  // 4 for Critical ... 1 for Low
std::string_view SeverityName(Severity s);  // "CRITICAL", "HIGH", "MEDIUM", "LOW"
Result<Severity> ParseSeverity(std::string_view text);  // case-insensitive

enum class Exploitability { kLow, kMedium, kHigh };
std::string_view ExploitabilityName(Exploitability e);  // "low", "medium", "high"
Result<Exploitability> ParseExploitability(std::string_view text);

// Physical consequence class, most severe first.
enum class Consequence { kSafetyLife, kEquipment, kDowntime, kDataLoss };
inline constexpr std::array<Consequence, 4> kAllConsequences = {
    Consequence::kSafetyLife, Consequence::kEquipment, Consequence::kDowntime, Consequence::kDataLoss};
std::string_view ConsequenceName(Consequence c);  // "safety_life", "equipment", ...
Result<Consequence> ParseConsequence(std::string_view text);
// True when a is more severe than b (safety_life > equipment > downtime > data_loss).
bool MoreSevere(Consequence a, Consequence b);

// The five zones of the Orbital reference architecture (Purdue-style).
inline constexpr std::array<std::string_view, 5> kKnownZones = {
    "Zone0_PhysicalProcess", "Zone1_EdgeInference", "Zone2_Operations", "Zone3_Enterprise",
    "Zone4_External"};
bool IsKnownZone(std::string_view zone);
// The seed's ZONE_CONSEQUENCE_FALLBACK; an unknown zone maps to data_loss as in the seed
// (`.get(asset_zone, "data_loss")`).
Consequence StaticZoneConsequence(std::string_view zone);

// Exposure and remediation workflow status (erratum 12: one state machine for both).
enum class ExposureStatus { kOpen, kInProgress, kFixDeployed, kVerified, kClosed };
std::string_view ExposureStatusName(ExposureStatus s);  // "Open", "InProgress", ...
Result<ExposureStatus> ParseExposureStatus(std::string_view text);
// Verified and Closed are never reopened by a rescan (seed section 2.2).
bool IsTerminal(ExposureStatus s);

// The consequence-weighted prioritisation matrix (seed section 4.1, CONSEQUENCE_MATRIX).
Severity ComputeCtemSeverity(Exploitability e, Consequence c);

// Remediation SLA per severity (seed SEVERITY_SLAS).
std::chrono::hours SeveritySla(Severity s);

// Exploitability as a 0-1 score: high 0.9, medium 0.6, low 0.3.
double ExploitabilityScore(Exploitability e);

// Wiz's composite: round(exp_score * {1.0, 0.8, 0.5, 0.3}[c] * 10, 1).
double WizCtemScore(Exploitability e, Consequence c);
// Every other seed normaliser: round(factor * {10, 8, 5, 3}[c], 1), factor being a rate or
// an exploitability score.
double WeightedCtemScore(double factor, Consequence c);

// Python's round(x, ndigits): the exact binary value rounded half-to-even, so that our
// scores equal the seed's to the last digit.
double PyRound(double x, int ndigits);
// Python's f"{x:.0%}" and f"{x:.2f}".
std::string PyPercent0(double x);
std::string PyFixed2(double x);

}  // namespace ctem
