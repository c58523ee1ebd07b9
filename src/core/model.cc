#include "core/model.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace ctem {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

}  // namespace

int SeverityRank(Severity s) {
  return static_cast<int>(s);
}

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kCritical: return "CRITICAL";
    case Severity::kHigh: return "HIGH";
    case Severity::kMedium: return "MEDIUM";
    case Severity::kLow: return "LOW";
  }
  return "LOW";
}

Result<Severity> ParseSeverity(std::string_view text) {
  const std::string t = Lower(Trim(text));
  if (t == "critical") return Severity::kCritical;
  if (t == "high") return Severity::kHigh;
  if (t == "medium") return Severity::kMedium;
  if (t == "low") return Severity::kLow;
  return Fail(Error::InvalidArgument("unknown severity '" + std::string(text) +
                                     "' (expected CRITICAL, HIGH, MEDIUM or LOW)"));
}

std::string_view ExploitabilityName(Exploitability e) {
  switch (e) {
    case Exploitability::kHigh: return "high";
    case Exploitability::kMedium: return "medium";
    case Exploitability::kLow: return "low";
  }
  return "low";
}

Result<Exploitability> ParseExploitability(std::string_view text) {
  const std::string t = Lower(Trim(text));
  if (t == "high") return Exploitability::kHigh;
  if (t == "medium") return Exploitability::kMedium;
  if (t == "low") return Exploitability::kLow;
  return Fail(Error::InvalidArgument("unknown exploitability '" + std::string(text) +
                                     "' (expected high, medium or low)"));
}

std::string_view ConsequenceName(Consequence c) {
  switch (c) {
    case Consequence::kSafetyLife: return "safety_life";
    case Consequence::kEquipment: return "equipment";
    case Consequence::kDowntime: return "downtime";
    case Consequence::kDataLoss: return "data_loss";
  }
  return "data_loss";
}

Result<Consequence> ParseConsequence(std::string_view text) {
  const std::string t = Lower(Trim(text));
  for (Consequence c : kAllConsequences) {
    if (t == ConsequenceName(c)) return c;
  }
  return Fail(Error::InvalidArgument("unknown consequence class '" + std::string(text) +
                                     "' (expected safety_life, equipment, downtime or data_loss)"));
}

bool MoreSevere(Consequence a, Consequence b) {
  return static_cast<int>(a) < static_cast<int>(b);
}

bool IsKnownZone(std::string_view zone) {
  return std::find(kKnownZones.begin(), kKnownZones.end(), zone) != kKnownZones.end();
}

Consequence StaticZoneConsequence(std::string_view zone) {
  if (zone == "Zone0_PhysicalProcess") return Consequence::kSafetyLife;
  if (zone == "Zone1_EdgeInference") return Consequence::kEquipment;
  if (zone == "Zone2_Operations") return Consequence::kDowntime;
  return Consequence::kDataLoss;  // Zone3_Enterprise, Zone4_External, and unknown zones
}

std::string_view ExposureStatusName(ExposureStatus s) {
  switch (s) {
    case ExposureStatus::kOpen: return "Open";
    case ExposureStatus::kInProgress: return "InProgress";
    case ExposureStatus::kFixDeployed: return "FixDeployed";
    case ExposureStatus::kVerified: return "Verified";
    case ExposureStatus::kClosed: return "Closed";
  }
  return "Open";
}

Result<ExposureStatus> ParseExposureStatus(std::string_view text) {
  const std::string t = Lower(Trim(text));
  if (t == "open" || t == "assigned") return ExposureStatus::kOpen;
  if (t == "inprogress" || t == "in_progress") return ExposureStatus::kInProgress;
  if (t == "fixdeployed" || t == "fix_deployed") return ExposureStatus::kFixDeployed;
  if (t == "verified") return ExposureStatus::kVerified;
  if (t == "closed") return ExposureStatus::kClosed;
  return Fail(Error::InvalidArgument("unknown status '" + std::string(text) +
                                     "' (expected Open, InProgress, FixDeployed, Verified or Closed)"));
}

bool IsTerminal(ExposureStatus s) {
  return s == ExposureStatus::kVerified || s == ExposureStatus::kClosed;
}

Severity ComputeCtemSeverity(Exploitability e, Consequence c) {
  // Rows: exploitability high, medium, low. Columns: safety_life, equipment, downtime,
  // data_loss. Exactly the seed's CONSEQUENCE_MATRIX.
  static constexpr Severity kMatrix[3][4] = {
      {Severity::kCritical, Severity::kCritical, Severity::kHigh, Severity::kMedium},
      {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow},
      {Severity::kHigh, Severity::kMedium, Severity::kLow, Severity::kLow},
  };
  const int row = e == Exploitability::kHigh ? 0 : e == Exploitability::kMedium ? 1 : 2;
  return kMatrix[row][static_cast<int>(c)];
}

std::chrono::hours SeveritySla(Severity s) {
  switch (s) {
    case Severity::kCritical: return std::chrono::hours(24);
    case Severity::kHigh: return std::chrono::hours(72);
    case Severity::kMedium: return std::chrono::hours(14 * 24);
    case Severity::kLow: return std::chrono::hours(30 * 24);
  }
  return std::chrono::hours(30 * 24);
}

double ExploitabilityScore(Exploitability e) {
  switch (e) {
    case Exploitability::kHigh: return 0.9;
    case Exploitability::kMedium: return 0.6;
    case Exploitability::kLow: return 0.3;
  }
  return 0.5;
}

double WizCtemScore(Exploitability e, Consequence c) {
  // Twelve possible scores, each rounded once (thread-safe static initialisation) rather than
  // formatted and parsed back for every finding.
  static const auto kScores = [] {
    static constexpr double kWeight[4] = {1.0, 0.8, 0.5, 0.3};
    std::array<std::array<double, 4>, 3> scores{};
    for (Exploitability x : {Exploitability::kLow, Exploitability::kMedium, Exploitability::kHigh}) {
      for (Consequence k : kAllConsequences) {
        scores[static_cast<size_t>(x)][static_cast<size_t>(k)] =
            PyRound(ExploitabilityScore(x) * kWeight[static_cast<int>(k)] * 10, 1);
      }
    }
    return scores;
  }();
  return kScores[static_cast<size_t>(e)][static_cast<size_t>(c)];
}

double WeightedCtemScore(double factor, Consequence c) {
  static constexpr double kMultiplier[4] = {10, 8, 5, 3};
  return PyRound(factor * kMultiplier[static_cast<int>(c)], 1);
}

// std::to_chars with a precision formats exactly as printf("%.*f") does in the C locale
// (the exact binary value, rounded half-to-even), without printf's format parsing and
// locale; scores and rates are formatted and rounded for every finding. Values too large
// for the 64-byte buffer keep the printf path, byte for byte what it always produced.
namespace {

constexpr size_t kFixedBuf = 64;

// printf("%.*f", ndigits, x) into buf (NUL-terminated); returns the length.
size_t FormatFixed(char (&buf)[kFixedBuf], double x, int ndigits) {
  const auto r = std::to_chars(buf, buf + kFixedBuf - 1, x, std::chars_format::fixed, ndigits);
  if (r.ec == std::errc()) {
    *r.ptr = '\0';
    return static_cast<size_t>(r.ptr - buf);
  }
  const int n = std::snprintf(buf, kFixedBuf, "%.*f", ndigits, x);
  return n < 0 ? 0 : std::min(static_cast<size_t>(n), kFixedBuf - 1);
}

}  // namespace

double PyRound(double x, int ndigits) {
  // printf's rounding (the exact binary value, half-to-even) is what CPython's
  // float.__round__ does; reading the digits back gives the nearest double, as Python does
  // (from_chars is correctly rounded like strtod, without its locale).
  char buf[kFixedBuf];
  const size_t n = FormatFixed(buf, x, ndigits);
  double y = 0;
  if (std::from_chars(buf, buf + n, y).ec == std::errc()) return y;
  return std::strtod(buf, nullptr);  // inf, nan, out of range: strtod's answer as before
}

std::string PyPercent0(double x) {
  char buf[kFixedBuf];
  const auto r = std::to_chars(buf, buf + kFixedBuf - 2, x * 100.0, std::chars_format::fixed, 0);
  if (r.ec != std::errc()) {
    std::snprintf(buf, sizeof(buf), "%.0f%%", x * 100.0);
    return buf;
  }
  *r.ptr = '%';
  return std::string(buf, r.ptr + 1);
}

std::string PyFixed2(double x) {
  char buf[kFixedBuf];
  return std::string(buf, FormatFixed(buf, x, 2));
}

}  // namespace ctem
