// Source parsers: tool-native bytes in, normalised CTEM records out. One parser per source,
// registered by name (wiz, snyk, garak, ibm_art, ...). A parser does no I/O: it is handed
// the whole document and a context (clock reading, tenant, zone resolver) and fills a
// ParsedBatch.
//
// Contract: a parser never throws on bad input and never stops at the first bad record.
// Each rejected record becomes a ParseError naming its index and field; the valid records
// of the same document are still returned.
//
// Thread-safety: parsers are immutable after registration; Parse may be called from many
// threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/records.h"
#include "core/time.h"
#include "core/zone_resolver.h"

namespace ctem::parsers {

struct ParseContext {
  Timestamp now{};  // stamps ts / first seen and anchors SLA deadlines
  std::string tenant_id = std::string(kDefaultTenant);
  const ZoneResolver* zone_resolver = nullptr;  // null means the static fallback only
};

struct ParseError {
  long record_index = -1;  // -1 when the whole document is unreadable
  std::string field;       // empty when not about one field
  std::string reason;
};

struct ParsedBatch {
  size_t received = 0;  // records seen in the document, valid or not
  std::vector<Exposure> exposures;
  std::vector<Validation> validations;
  std::vector<Remediation> remediations;
  std::vector<ParseError> errors;
  // Exposure keys the tool reports as no longer present (e.g. Snyk's removedIssues).
  std::vector<std::string> no_longer_seen;
};

class SourceParser {
 public:
  virtual ~SourceParser() = default;
  // The canonical source name ("wiz", "ibm_art", ...).
  virtual std::string_view Name() const = 0;
  virtual void Parse(std::string_view document, const ParseContext& ctx, ParsedBatch& out) const = 0;
};

// Looks a parser up by source name or alias (e.g. "art" for "ibm_art"); case-insensitive.
const SourceParser* FindParser(std::string_view source);
// The canonical names of every registered source, in registration order.
std::vector<std::string> SourceNames();

}  // namespace ctem::parsers
