// SqlExecutor: the narrow SQL surface both store backends expose to the analytics
// (src/reports) and to raw table loading, so that each report's query is written once and
// runs identically on SQLite and PostgreSQL.
//
// Conventions every query follows:
//  * placeholders are `?`, bound in order (the PostgreSQL backend rewrites them to $n);
//  * every parameter and every result value is text (or NULL); timestamps are bound in the
//    FormatTimestamp form and read back with ParseTimestamp, which accepts both backends'
//    output; booleans read back as "1"/"0" (SQLite) or "t"/"f" (PostgreSQL) — use AsBool;
//  * the few dialect-specific expressions come from SqlDialect.
//
// Thread-safety: an executor belongs to its Store and shares its thread rules.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/time.h"

namespace ctem::store {

using SqlValue = std::optional<std::string>;  // nullopt is SQL NULL
using SqlRow = std::vector<SqlValue>;
using SqlRows = std::vector<SqlRow>;

enum class SqlBackend { kSqlite, kPostgres };

// One statement of SqlExecutor::ExecuteChecked: the SQL, its parameters, and how many rows it
// must change (nullopt: any number).
struct CheckedStatement {
  std::string sql;
  std::vector<SqlValue> params;
  std::optional<long long> expected_changes;
};

class SqlExecutor {
 public:
  virtual ~SqlExecutor() = default;
  virtual SqlBackend Backend() const = 0;
  // Runs one statement and returns its rows (none for statements without results).
  virtual Result<SqlRows> Query(std::string_view sql, const std::vector<SqlValue>& params) = 0;
  // Runs `statements` (each with its parameters) in one transaction: all or nothing.
  virtual Status ExecuteInTransaction(
      const std::vector<std::pair<std::string, std::vector<SqlValue>>>& statements) = 0;
  // Runs `statements` in one transaction, as ExecuteInTransaction, and counts the rows each one
  // changes: true when every count is as expected and the transaction committed; false when a
  // count differed, and then nothing was committed. This is the guard of optimistic
  // concurrency: an `UPDATE ... WHERE status = <the status read>` that changes no row means
  // another writer moved first. Database failures are errors, as everywhere.
  virtual Result<bool> ExecuteChecked(const std::vector<CheckedStatement>& statements) = 0;
};

// Dialect-specific SQL expressions.
// The Monday (YYYY-MM-DD text) of the UTC week of a timestamp column.
std::string SqlWeekStart(SqlBackend backend, std::string_view column);
// Milliseconds from `from` to `to` as an integer expression.
std::string SqlMillisBetween(SqlBackend backend, std::string_view from, std::string_view to);

// Converting result values.
bool AsBool(const SqlValue& v);
long long AsInt(const SqlValue& v);
double AsDouble(const SqlValue& v);
std::string AsText(const SqlValue& v);
std::optional<Timestamp> AsTimestamp(const SqlValue& v);
SqlValue TsParam(Timestamp t);

}  // namespace ctem::store
