// Rendering report JSON for people and spreadsheets: json (pretty), csv (RFC 4180) and an
// aligned text table. An array of flat objects becomes rows; an object becomes key/value rows.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "reports/report.h"

namespace ctem::reports {

enum class OutputFormat { kJson, kCsv, kTable };
Result<OutputFormat> ParseOutputFormat(std::string_view text);
// `table_columns` narrows the table format to those columns (all when empty).
std::string Render(const Json& value, OutputFormat format, const std::vector<std::string>& table_columns = {});

}  // namespace ctem::reports
