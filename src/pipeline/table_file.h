// Reading raw table rows from JSON Lines (or a JSON array of objects) and CSV files with a
// header row, for `ctem load`. Values come back as text, keyed by column name; parsing of
// types is the table spec's job (store/tables.h).
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql.h"

namespace ctem::pipeline {

struct RawTableRow {
  long index = 0;  // 0-based record number (data rows only for CSV)
  long line = 0;   // 1-based line in the file where the record starts
  std::map<std::string, store::SqlValue> values;
};

struct RawTableError {
  long index = -1;
  long line = 0;
  std::string reason;
};

enum class TableFileFormat { kJsonLines, kCsv };

// Picks the format from the file name (.csv -> CSV; else JSON) and, when unclear, the content.
TableFileFormat DetectTableFileFormat(std::string_view file_name, std::string_view content);

// Parses the file; a malformed record is an error and the others are still returned.
void ReadTableFile(std::string_view content, TableFileFormat format, std::vector<RawTableRow>& rows,
                   std::vector<RawTableError>& errors);

}  // namespace ctem::pipeline
