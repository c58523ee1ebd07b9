#include "parsers/json_records.h"

#include <cctype>
#include <cstring>
#include <nlohmann/json.hpp>

namespace ctem::parsers {

struct PooledJsonParser::Slot {
  simdjson::dom::parser parser;
  std::unique_ptr<char[]> buffer;  // the input copy, SIMDJSON_PADDING bytes longer
  size_t buffer_capacity = 0;      // bytes of input it can hold
};

namespace {

// Past this input size, a slot's buffers are dropped when its lease ends rather than kept for
// reuse. A simdjson DOM parser holds ~14 bytes per input byte (structural indexes, tape, string
// buffer), so a kept slot costs at most ~15 MiB: memory the same thread needed anyway while it
// parsed, now kept instead of requested again (and page-faulted in) for the next document.
constexpr size_t kKeepBytes = size_t{1} << 20;

std::vector<std::unique_ptr<PooledJsonParser::Slot>>& FreeSlots() {
  thread_local std::vector<std::unique_ptr<PooledJsonParser::Slot>> slots;
  return slots;
}

// simdjson reports *that* a document is malformed but not *where*; on that slow path we ask
// nlohmann, whose parse_error carries the byte offset, so the user can find the fault.
std::string DescribeMalformed(std::string_view document, simdjson::error_code code) {
  try {
    const auto parsed = nlohmann::json::parse(document.begin(), document.end());
    (void)parsed;
  } catch (const nlohmann::json::exception& e) {
    // parse_error for syntax, out_of_range for numbers like 1e999: either way, a message.
    return std::string("malformed JSON: ") + e.what();
  }
  return std::string("malformed JSON: ") + simdjson::error_message(code);
}

void EachArrayRecord(simdjson::dom::array arr, ParsedBatch& out,
                     const std::function<void(simdjson::dom::object, long)>& each) {
  long index = 0;
  for (simdjson::dom::element el : arr) {
    ++out.received;
    simdjson::dom::object obj;
    if (el.get_object().get(obj) != simdjson::SUCCESS) {
      out.errors.push_back(
          {index, "", std::string("expected a JSON object, got ") + std::string(JsonTypeName(el.type()))});
    } else {
      each(obj, index);
    }
    ++index;
  }
}

}  // namespace

PooledJsonParser::PooledJsonParser() {
  auto& free = FreeSlots();
  if (free.empty()) {
    slot_ = std::make_unique<Slot>();
  } else {
    slot_ = std::move(free.back());
    free.pop_back();
  }
}

PooledJsonParser::~PooledJsonParser() {
  if (slot_->buffer_capacity > kKeepBytes || slot_->parser.capacity() > kKeepBytes) return;  // freed
  FreeSlots().push_back(std::move(slot_));
}

simdjson::error_code PooledJsonParser::Parse(std::string_view json, simdjson::dom::element& root) {
  Slot& s = *slot_;
  if (!s.buffer || s.buffer_capacity < json.size()) {  // a fresh slot has no buffer, even for ""
    // Rounded up to 64 KiB, so that a run of slightly larger documents does not reallocate each time.
    const size_t capacity = (json.size() + 0xFFFF) & ~size_t{0xFFFF};
    s.buffer = std::make_unique<char[]>(capacity + simdjson::SIMDJSON_PADDING);
    s.buffer_capacity = capacity;
  }
  if (!json.empty()) std::memcpy(s.buffer.get(), json.data(), json.size());
  std::memset(s.buffer.get() + json.size(), 0, simdjson::SIMDJSON_PADDING);
  return s.parser.parse(s.buffer.get(), json.size(), false).get(root);
}

bool LooksLikeJsonLines(std::string_view document) {
  // More than one non-empty line, each starting with '{'.
  size_t lines = 0;
  size_t pos = 0;
  while (pos < document.size()) {
    size_t end = document.find('\n', pos);
    if (end == std::string_view::npos) end = document.size();
    std::string_view line = document.substr(pos, end - pos);
    size_t b = 0;
    while (b < line.size() && std::isspace(static_cast<unsigned char>(line[b]))) ++b;
    if (b < line.size()) {
      if (line[b] != '{') return false;
      ++lines;
    }
    pos = end + 1;
  }
  return lines > 1;
}

std::string_view JsonTypeName(simdjson::dom::element_type t) {
  switch (t) {
    case simdjson::dom::element_type::ARRAY: return "array";
    case simdjson::dom::element_type::OBJECT: return "object";
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE: return "number";
    case simdjson::dom::element_type::STRING: return "string";
    case simdjson::dom::element_type::BOOL: return "boolean";
    case simdjson::dom::element_type::NULL_VALUE: return "null";
  }
  return "unknown";
}

void ForEachJsonRecord(std::string_view document, std::string_view source, ParsedBatch& out,
                       const std::function<void(simdjson::dom::object, long)>& each) {
  PooledJsonParser parser;
  simdjson::dom::element root;
  const auto code = parser.Parse(document, root);
  ForEachJsonRecord(document, code, root, source, out, each);
}

void ForEachJsonRecord(std::string_view document, simdjson::error_code code, simdjson::dom::element root,
                       std::string_view source, ParsedBatch& out,
                       const std::function<void(simdjson::dom::object, long)>& each) {
  if (code != simdjson::SUCCESS) {
    if (LooksLikeJsonLines(document)) {
      // JSON Lines: one finding per line; a bad line rejects only itself.
      long index = 0;
      size_t pos = 0;
      PooledJsonParser line_parser;
      while (pos < document.size()) {
        size_t end = document.find('\n', pos);
        if (end == std::string_view::npos) end = document.size();
        std::string_view line = document.substr(pos, end - pos);
        pos = end + 1;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        ++out.received;
        simdjson::dom::element el;
        simdjson::dom::object obj;
        const auto lc = line_parser.Parse(line, el);
        if (lc != simdjson::SUCCESS) {
          out.errors.push_back(
              {index, "", "line " + std::to_string(index + 1) + ": " + DescribeMalformed(line, lc)});
        } else if (el.get_object().get(obj) != simdjson::SUCCESS) {
          out.errors.push_back({index, "", "expected a JSON object"});
        } else {
          each(obj, index);
        }
        ++index;
      }
      return;
    }
    out.errors.push_back({-1, "", DescribeMalformed(document, code)});
    return;
  }
  simdjson::dom::array arr;
  if (root.get_array().get(arr) == simdjson::SUCCESS) {
    EachArrayRecord(arr, out, each);
    return;
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    out.errors.push_back(
        {-1, "",
         std::string("expected a JSON array or object, got ") + std::string(JsonTypeName(root.type()))});
    return;
  }
  simdjson::dom::element findings;
  if (obj["findings"].get(findings) == simdjson::SUCCESS) {
    std::string_view tool;
    simdjson::dom::element tool_el;
    const bool has_tool = obj["source_tool"].get(tool_el) == simdjson::SUCCESS && !tool_el.is_null();
    if (has_tool && tool_el.get_string().get(tool) != simdjson::SUCCESS) {
      out.errors.push_back(
          {-1, "source_tool",
           std::string("expected a string, got ") + std::string(JsonTypeName(tool_el.type()))});
      return;
    }
    if (has_tool && !source.empty()) {
      const SourceParser* named = FindParser(tool);
      if (named == nullptr || named->Name() != source) {
        out.errors.push_back({-1, "source_tool",
                              "payload names source_tool '" + std::string(tool) +
                                  "' but is being ingested as '" + std::string(source) + "'"});
        return;
      }
    }
    if (findings.get_array().get(arr) != simdjson::SUCCESS) {
      out.errors.push_back(
          {-1, "findings",
           std::string("expected an array, got ") + std::string(JsonTypeName(findings.type()))});
      return;
    }
    EachArrayRecord(arr, out, each);
    return;
  }
  ++out.received;
  each(obj, 0);
}

void RecordReader::AddError(std::string_view field, std::string reason) {
  ok_ = false;
  errors_.push_back({index_, std::string(field), std::move(reason)});
}

std::optional<simdjson::dom::element> RecordReader::Raw(std::string_view field) {
  simdjson::dom::element el;
  if (obj_[field].get(el) != simdjson::SUCCESS || el.is_null()) return std::nullopt;
  return el;
}

std::optional<std::string> RecordReader::String(std::string_view field, bool required) {
  auto el = Raw(field);
  if (!el) {
    if (required) AddError(field, "required field is missing");
    return std::nullopt;
  }
  std::string_view sv;
  if (el->get_string().get(sv) != simdjson::SUCCESS) {
    AddError(field, std::string("expected a string, got ") + std::string(JsonTypeName(el->type())));
    return std::nullopt;
  }
  if (required && sv.empty()) {
    AddError(field, "required field is empty");
    return std::nullopt;
  }
  return std::string(sv);
}

std::string RecordReader::StringOr(std::string_view field, std::string_view fallback) {
  auto v = String(field);
  return v ? *v : std::string(fallback);
}

std::optional<double> RecordReader::Number(std::string_view field, bool required, double lo, double hi) {
  auto el = Raw(field);
  if (!el) {
    if (required) AddError(field, "required field is missing");
    return std::nullopt;
  }
  double v = 0;
  if (el->get_double().get(v) != simdjson::SUCCESS) {
    AddError(field, std::string("expected a number, got ") + std::string(JsonTypeName(el->type())));
    return std::nullopt;
  }
  if (!(v >= lo && v <= hi)) {
    AddError(field, "value " + std::to_string(v) + " is outside [" + std::to_string(lo) + ", " +
                        std::to_string(hi) + "]");
    return std::nullopt;
  }
  return v;
}

std::optional<bool> RecordReader::Bool(std::string_view field, bool required) {
  auto el = Raw(field);
  if (!el) {
    if (required) AddError(field, "required field is missing");
    return std::nullopt;
  }
  bool v = false;
  if (el->get_bool().get(v) != simdjson::SUCCESS) {
    AddError(field, std::string("expected true or false, got ") + std::string(JsonTypeName(el->type())));
    return std::nullopt;
  }
  return v;
}

std::optional<std::vector<std::string>> RecordReader::StringList(std::string_view field) {
  auto el = Raw(field);
  if (!el) return std::nullopt;
  std::vector<std::string> out;
  std::string_view sv;
  if (el->get_string().get(sv) == simdjson::SUCCESS) {
    out.emplace_back(sv);
    return out;
  }
  simdjson::dom::array arr;
  if (el->get_array().get(arr) != simdjson::SUCCESS) {
    AddError(field, std::string("expected a list of strings, got ") + std::string(JsonTypeName(el->type())));
    return std::nullopt;
  }
  for (simdjson::dom::element item : arr) {
    if (item.get_string().get(sv) != simdjson::SUCCESS) {
      AddError(field, "expected every item to be a string");
      return std::nullopt;
    }
    out.emplace_back(sv);
  }
  return out;
}

std::optional<simdjson::dom::object> RecordReader::Object(std::string_view field) {
  auto el = Raw(field);
  if (!el) return std::nullopt;
  simdjson::dom::object obj;
  if (el->get_object().get(obj) != simdjson::SUCCESS) {
    AddError(field, std::string("expected an object, got ") + std::string(JsonTypeName(el->type())));
    return std::nullopt;
  }
  return obj;
}

}  // namespace ctem::parsers
