#include "reports/render.h"

#include <algorithm>
#include <sstream>
#include <vector>

namespace ctem::reports {
namespace {

std::string Cell(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string CsvEscape(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Rows and columns of a report: arrays of objects keep the first object's key order, with
// keys seen later appended; an object is shown as field/value pairs.
void Tabulate(const Json& value, std::vector<std::string>& columns, std::vector<std::vector<std::string>>& rows) {
  if (value.is_array()) {
    for (const auto& item : value) {
      if (!item.is_object()) continue;
      for (auto it = item.begin(); it != item.end(); ++it) {
        if (std::find(columns.begin(), columns.end(), it.key()) == columns.end()) columns.push_back(it.key());
      }
    }
    for (const auto& item : value) {
      std::vector<std::string> row;
      for (const auto& c : columns) row.push_back(item.is_object() && item.contains(c) ? Cell(item[c]) : "");
      rows.push_back(std::move(row));
    }
    return;
  }
  columns = {"field", "value"};
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) rows.push_back({it.key(), Cell(it.value())});
  } else {
    rows.push_back({"value", Cell(value)});
  }
}

// Terminal width of UTF-8 text: one column per code point (titles carry em dashes).
size_t DisplayWidth(const std::string& s) {
  size_t n = 0;
  for (char ch : s) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// The first `width` code points of `s`.
std::string PrefixColumns(const std::string& s, size_t width) {
  size_t cols = 0;
  size_t i = 0;
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) {
      if (cols == width) break;
      ++cols;
    }
  }
  return s.substr(0, i);
}

}  // namespace

Result<OutputFormat> ParseOutputFormat(std::string_view text) {
  if (text == "json") return OutputFormat::kJson;
  if (text == "csv") return OutputFormat::kCsv;
  if (text == "table") return OutputFormat::kTable;
  return Fail(Error::InvalidArgument("unknown format '" + std::string(text) + "' (expected json, csv or table)"));
}

std::string Render(const Json& value, OutputFormat format, const std::vector<std::string>& table_columns) {
  if (format == OutputFormat::kJson) return value.dump(2) + "\n";
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  Tabulate(value, columns, rows);
  if (format == OutputFormat::kTable && !table_columns.empty() && value.is_array()) {
    std::vector<size_t> keep;
    for (const auto& c : table_columns) {
      auto it = std::find(columns.begin(), columns.end(), c);
      if (it != columns.end()) keep.push_back(static_cast<size_t>(it - columns.begin()));
    }
    std::vector<std::string> narrowed_columns;
    for (size_t k : keep) narrowed_columns.push_back(columns[k]);
    for (auto& row : rows) {
      std::vector<std::string> narrowed;
      for (size_t k : keep) narrowed.push_back(row[k]);
      row = std::move(narrowed);
    }
    columns = std::move(narrowed_columns);
  }
  std::ostringstream out;
  if (format == OutputFormat::kCsv) {
    for (size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << CsvEscape(columns[i]);
    out << "\r\n";
    for (const auto& row : rows) {
      for (size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << CsvEscape(row[i]);
      out << "\r\n";
    }
    return out.str();
  }
  // Table: long cells are cut so a row fits a terminal line per column.
  constexpr size_t kMaxWidth = 48;
  std::vector<size_t> width(columns.size());
  auto clip = [&](const std::string& s) {
    std::string one_line = s;
    std::replace(one_line.begin(), one_line.end(), '\n', ' ');
    return DisplayWidth(one_line) > kMaxWidth ? PrefixColumns(one_line, kMaxWidth - 3) + "..." : one_line;
  };
  for (size_t i = 0; i < columns.size(); ++i) width[i] = DisplayWidth(clip(columns[i]));
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], DisplayWidth(clip(row[i])));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      const std::string c = clip(cells[i]);
      out << (i ? "  " : "") << c << std::string(width[i] - DisplayWidth(c), ' ');
    }
    out << "\n";
  };
  line(columns);
  std::vector<std::string> rule;
  for (size_t w : width) rule.push_back(std::string(w, '-'));
  line(rule);
  for (const auto& row : rows) line(row);
  out << "(" << rows.size() << " row" << (rows.size() == 1 ? "" : "s") << ")\n";
  return out.str();
}

}  // namespace ctem::reports
