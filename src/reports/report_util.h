// Small helpers shared by the report implementations. Internal to src/reports.
#pragma once

#include <string>
#include <vector>

#include "core/model.h"
#include "reports/report.h"
#include "store/sql.h"

namespace ctem::reports::internal {

using store::SqlRows;
using store::SqlValue;

// Runs a query, passing the error through.
inline Result<SqlRows> Rows(store::Store& s, std::string_view sql, const std::vector<SqlValue>& params) {
  return s.Sql().Query(sql, params);
}

inline SqlValue P(const std::string& v) { return v; }
inline SqlValue P(Timestamp t) { return FormatTimestamp(t); }

// Timestamp column as report JSON (null when NULL).
inline Json TsJson(const SqlValue& v) {
  auto t = store::AsTimestamp(v);
  return t ? Json(FormatTimestamp(*t)) : Json(nullptr);
}

// A rounded ratio in percent, or null when the denominator is 0.
inline Json PercentOrNull(long long num, long long den) {
  if (den == 0) return Json(nullptr);
  return PyRound(static_cast<double>(num) * 100.0 / static_cast<double>(den), 1);
}

// Hours from a to b (b - a), from exact milliseconds.
inline double HoursBetween(Timestamp a, Timestamp b) {
  return static_cast<double>((b - a).count()) / 3'600'000.0;
}

// Integer sum of a score column in millionths, exact on both backends (a double SUM would
// depend on the order the backend adds rows in).
inline std::string MicroUnits(const std::string& expr) { return "CAST(ROUND((" + expr + ") * 1000000) AS BIGINT)"; }

// Python's f"{x:.0f}".
std::string PyFixed0(double x);

// " LIMIT n" for a request with a row limit (a number, never text from the request).
inline std::string LimitClause(const ReportRequest& r) { return r.limit ? " LIMIT " + std::to_string(r.limit) : ""; }

inline const char* kOpenStatuses = "('Open', 'InProgress')";

}  // namespace ctem::reports::internal
