// Shared plumbing for JSON sources: splitting a document into finding records (a JSON array,
// the gateway payload {"source_tool": ..., "findings": [...]}, one object, or JSON Lines) and
// typed field access that records a ParseError instead of throwing.
//
// Thread-safety: a RecordReader is used by one thread; the functions are reentrant.
#pragma once

#include <simdjson.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/parser.h"

namespace ctem::parsers {

// A simdjson DOM parser and a padded copy buffer, leased from a per-thread pool and returned
// when the lease ends. Why: a dom::parser per document allocated (and the kernel zeroed)
// buffers the size of the document, plus a padded_string copy, on every call; for documents
// of 1,000 findings that was a tenth of the parse time. Leases nest (a record callback may
// parse a JSON string embedded in a field): each live lease has its own parser. A lease whose
// input was larger than 1 MiB frees its buffers when it ends, so one huge upload does not pin
// memory in every thread.
//
// Thread-safety: a lease belongs to the thread that made it; the DOM it returns lives until
// the lease's next Parse or its end.
class PooledJsonParser {
 public:
  PooledJsonParser();
  ~PooledJsonParser();
  PooledJsonParser(const PooledJsonParser&) = delete;
  PooledJsonParser& operator=(const PooledJsonParser&) = delete;

  // Parses a copy of `json` (padded as simdjson requires; `json` need not outlive the call).
  simdjson::error_code Parse(std::string_view json, simdjson::dom::element& root);

  struct Slot;

 private:
  std::unique_ptr<Slot> slot_;
};

// Calls `each(record, index)` for every finding object in `document`. Records that are not
// objects, and documents that are not JSON, become errors in `out`. `source` is the parser's
// name: a payload whose "source_tool" names another source is rejected whole.
void ForEachJsonRecord(std::string_view document, std::string_view source, ParsedBatch& out,
                       const std::function<void(simdjson::dom::object, long)>& each);
// The same over a document the caller has already parsed: `code` and `root` are what
// PooledJsonParser::Parse(document, root) returned (so a caller that looked at the root first,
// as Wiz does, does not parse the document twice).
void ForEachJsonRecord(std::string_view document, simdjson::error_code code, simdjson::dom::element root,
                       std::string_view source, ParsedBatch& out,
                       const std::function<void(simdjson::dom::object, long)>& each);

// Typed, error-collecting access to one record's fields. A JSON null counts as absent.
class RecordReader {
 public:
  RecordReader(simdjson::dom::object obj, long index, std::vector<ParseError>& errors)
      : obj_(obj), index_(index), errors_(errors) {}

  // A string field; absent -> nullopt (an error too when required).
  std::optional<std::string> String(std::string_view field, bool required = false);
  // String, or `fallback` when absent.
  std::string StringOr(std::string_view field, std::string_view fallback);
  // A number within [lo, hi]; absent -> nullopt (an error too when required).
  std::optional<double> Number(std::string_view field, bool required, double lo, double hi);
  std::optional<bool> Bool(std::string_view field, bool required = false);
  // An array of strings (a single string is accepted as a one-element list).
  std::optional<std::vector<std::string>> StringList(std::string_view field);
  // A nested object.
  std::optional<simdjson::dom::object> Object(std::string_view field);
  // The raw element, if present and not null.
  std::optional<simdjson::dom::element> Raw(std::string_view field);

  void AddError(std::string_view field, std::string reason);
  bool ok() const { return ok_; }
  long index() const { return index_; }

 private:
  simdjson::dom::object obj_;
  long index_;
  std::vector<ParseError>& errors_;
  bool ok_ = true;
};

// True when `document` is JSON Lines: more than one non-empty line, each starting with '{'.
bool LooksLikeJsonLines(std::string_view document);

// Name of a JSON element's type, for messages ("number", "string", ...).
std::string_view JsonTypeName(simdjson::dom::element_type t);

}  // namespace ctem::parsers
