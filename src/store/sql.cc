#include "store/sql.h"

#include <cstdlib>

namespace ctem::store {

std::string SqlWeekStart(SqlBackend backend, std::string_view column) {
  const std::string c(column);
  if (backend == SqlBackend::kPostgres) {
    return "to_char(date_trunc('week', " + c + " AT TIME ZONE 'UTC'), 'YYYY-MM-DD')";
  }
  // 'weekday 0' moves forward to Sunday (or stays), '-6 days' lands on that week's Monday.
  return "date(substr(" + c + ", 1, 10), 'weekday 0', '-6 days')";
}

std::string SqlMillisBetween(SqlBackend backend, std::string_view from, std::string_view to) {
  const std::string f(from);
  const std::string t(to);
  if (backend == SqlBackend::kPostgres) {
    return "CAST(ROUND(EXTRACT(EPOCH FROM (" + t + " - " + f + ")) * 1000) AS BIGINT)";
  }
  return "CAST(ROUND((julianday(" + t + ") - julianday(" + f + ")) * 86400000.0) AS INTEGER)";
}

bool AsBool(const SqlValue& v) {
  if (!v) return false;
  return *v == "1" || *v == "t" || *v == "true" || *v == "TRUE";
}

long long AsInt(const SqlValue& v) { return v ? std::strtoll(v->c_str(), nullptr, 10) : 0; }

double AsDouble(const SqlValue& v) { return v ? std::strtod(v->c_str(), nullptr) : 0.0; }

std::string AsText(const SqlValue& v) { return v ? *v : std::string(); }

std::optional<Timestamp> AsTimestamp(const SqlValue& v) {
  if (!v) return std::nullopt;
  auto t = ParseTimestamp(*v);
  if (!t) return std::nullopt;
  return *t;
}

SqlValue TsParam(Timestamp t) { return FormatTimestamp(t); }

}  // namespace ctem::store
