#include "pipeline/table_file.h"

#include <csv.h>
#include <nlohmann/json.hpp>

#include <memory>

namespace ctem::pipeline {
namespace {

store::SqlValue JsonToText(const nlohmann::json& v) {
  if (v.is_null()) return std::nullopt;
  if (v.is_string()) return v.get<std::string>();
  return v.dump();  // numbers, booleans ("true"/"false"), arrays and objects as JSON text
}

void AddJsonObject(const nlohmann::json& obj, long index, long line, std::vector<RawTableRow>& rows,
                   std::vector<RawTableError>& errors) {
  if (!obj.is_object()) {
    errors.push_back({index, line, "expected a JSON object"});
    return;
  }
  RawTableRow row{index, line, {}};
  for (auto it = obj.begin(); it != obj.end(); ++it) row.values[it.key()] = JsonToText(it.value());
  rows.push_back(std::move(row));
}

void ReadJson(std::string_view content, std::vector<RawTableRow>& rows, std::vector<RawTableError>& errors) {
  const size_t first = content.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && content[first] == '[') {
    auto doc = nlohmann::json::parse(content, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) {
      errors.push_back({-1, 0, "malformed JSON array"});
      return;
    }
    long index = 0;
    for (const auto& item : doc) {
      AddJsonObject(item, index, 0, rows, errors);
      ++index;
    }
    return;
  }
  long index = 0;
  long line_no = 0;
  size_t pos = 0;
  while (pos <= content.size()) {
    size_t end = content.find('\n', pos);
    if (end == std::string_view::npos) end = content.size();
    std::string_view line = content.substr(pos, end - pos);
    ++line_no;
    pos = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      if (end == content.size()) break;
      continue;
    }
    try {
      AddJsonObject(nlohmann::json::parse(line), index, line_no, rows, errors);
    } catch (const nlohmann::json::parse_error& e) {
      errors.push_back({index, line_no, std::string("malformed JSON: ") + e.what()});
    }
    ++index;
    if (end == content.size()) break;
  }
}

// libcsv delivers fields and record ends through callbacks; this collects them.
struct CsvState {
  std::vector<std::string> header;
  std::vector<store::SqlValue> fields;
  std::vector<RawTableRow>* rows = nullptr;
  std::vector<RawTableError>* errors = nullptr;
  long record = 0;  // records seen, header included
  size_t line = 1;  // approximate start line of the current record
};

void OnField(void* data, size_t len, void* state_ptr) {
  auto* st = static_cast<CsvState*>(state_ptr);
  st->fields.emplace_back(std::string(static_cast<const char*>(data), len));
}

void OnRecord(int /*terminator*/, void* state_ptr) {
  auto* st = static_cast<CsvState*>(state_ptr);
  if (st->record == 0) {
    for (auto& f : st->fields) st->header.push_back(f.value_or(""));
  } else {
    const long index = st->record - 1;
    if (st->fields.size() != st->header.size()) {
      st->errors->push_back({index, static_cast<long>(st->line),
                             "expected " + std::to_string(st->header.size()) + " fields, got " +
                                 std::to_string(st->fields.size())});
    } else {
      RawTableRow row{index, static_cast<long>(st->line), {}};
      for (size_t i = 0; i < st->header.size(); ++i) {
        // An empty CSV cell is NULL: CSV cannot tell them apart otherwise.
        store::SqlValue v = st->fields[i];
        if (v && v->empty()) v = std::nullopt;
        row.values[st->header[i]] = std::move(v);
      }
      st->rows->push_back(std::move(row));
    }
  }
  st->fields.clear();
  ++st->record;
}

void ReadCsv(std::string_view content, std::vector<RawTableRow>& rows, std::vector<RawTableError>& errors) {
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL) != 0) {
    errors.push_back({-1, 0, "cannot initialise the CSV parser"});
    return;
  }
  std::unique_ptr<csv_parser, void (*)(csv_parser*)> guard(&parser, csv_free);
  CsvState st;
  st.rows = &rows;
  st.errors = &errors;
  // Feed line by line so that errors can name a line.
  size_t pos = 0;
  size_t line_no = 0;
  while (pos < content.size()) {
    size_t end = content.find('\n', pos);
    end = end == std::string_view::npos ? content.size() : end + 1;
    ++line_no;
    if (parser.pstate == 0 || st.fields.empty()) st.line = line_no;
    if (csv_parse(&parser, content.data() + pos, end - pos, OnField, OnRecord, &st) != end - pos) {
      errors.push_back({st.record - 1, static_cast<long>(line_no),
                        std::string("malformed CSV: ") + csv_strerror(csv_error(&parser))});
      return;
    }
    pos = end;
  }
  if (csv_fini(&parser, OnField, OnRecord, &st) != 0) {
    errors.push_back({st.record - 1, static_cast<long>(line_no),
                      std::string("malformed CSV at end of file: ") + csv_strerror(csv_error(&parser))});
  }
}

}  // namespace

TableFileFormat DetectTableFileFormat(std::string_view file_name, std::string_view content) {
  if (file_name.ends_with(".csv")) return TableFileFormat::kCsv;
  if (file_name.ends_with(".json") || file_name.ends_with(".jsonl") || file_name.ends_with(".ndjson")) {
    return TableFileFormat::kJsonLines;
  }
  const size_t first = content.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (content[first] == '{' || content[first] == '[')
             ? TableFileFormat::kJsonLines
             : TableFileFormat::kCsv;
}

void ReadTableFile(std::string_view content, TableFileFormat format, std::vector<RawTableRow>& rows,
                   std::vector<RawTableError>& errors) {
  if (format == TableFileFormat::kCsv) {
    ReadCsv(content, rows, errors);
  } else {
    ReadJson(content, rows, errors);
  }
}

}  // namespace ctem::pipeline
