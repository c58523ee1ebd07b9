// The tables `ctem load` fills with raw rows: their columns, types and natural keys.
//
// Loading is for moving an existing deployment over and for feeding the runtime tables the
// analytics read (telemetry, alerts); it stores rows as they are, unlike ingestion, which
// normalises and scores tool output.
//
// Thread-safety: immutable data and functions taking the executor they use.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/time.h"
#include "store/sql.h"

namespace ctem::store {

enum class ColumnType { kText, kTimestamp, kReal, kInteger, kBool, kJsonList };

struct ColumnSpec {
  std::string_view name;
  ColumnType type;
  bool required = false;
};

struct TableSpec {
  std::string_view name;
  std::vector<ColumnSpec> columns;
  // Natural key within a tenant; a row with a key already stored replaces it. Empty: append.
  std::string_view key;
};

const std::vector<TableSpec>& LoadableTables();
const TableSpec* FindLoadableTable(std::string_view name);

// One row after validation: column -> normalised text (timestamps in FormatTimestamp form,
// booleans "1"/"0", JSON lists as JSON text) or NULL.
using LoadRow = std::map<std::string, SqlValue>;

// Validates and normalises one raw row (column -> text as read from JSON or CSV). Returns the
// first problem as (field, reason).
Result<LoadRow> NormaliseLoadRow(const TableSpec& table, const std::map<std::string, SqlValue>& raw);

// Writes `rows` for `tenant_id` in one transaction.
Status LoadRows(SqlExecutor& sql, const TableSpec& table, std::string_view tenant_id,
                const std::vector<LoadRow>& rows, Timestamp now);

}  // namespace ctem::store
