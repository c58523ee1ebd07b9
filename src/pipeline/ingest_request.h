// The pure part of the gateway's POST /api/ctem/ingest: one request body (after HTTP, before
// the bus) becomes the raw-topic messages to publish, or a refusal with its HTTP status.
//
// What it does, in order: refuses a Content-Type it cannot read (415); unwraps a gzip body
// (Content-Encoding: gzip or the gzip magic), bounded by max_decompressed_bytes (400 when
// corrupt, 413 when too large); refuses JSON nested deeper than max_json_depth or holding a
// string longer than max_string_bytes (400) and more than max_findings findings (413); reads the seed's payload {"source_tool": ..., "findings": [...]} (one
// message per finding, keyed by its asset), a JSON array (one message per element), or a
// native document (JSON object, XML, CSV, JSON Lines, SARIF: one message holding it whole);
// names the source from source_tool, ?source= or X-CTEM-Source (400 when missing, unknown or
// contradictory). Every message carries the tenant and canonical source headers
// (pipeline/stages.h). It never publishes, touches a store or throws on any input: the fuzz
// target tests/fuzz/ingest_fuzz.cc holds it to that.
//
// Thread-safety: a pure function.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "bus/bus.h"
#include "pipeline/decompress.h"

namespace ctem::pipeline {

struct IngestRequest {
  std::string_view content_type;      // the Content-Type header, parameters allowed
  std::string_view content_encoding;  // the Content-Encoding header ("gzip" or empty)
  std::string source;                 // ?source= or X-CTEM-Source; empty when neither was given
  std::string tenant;                 // the caller's tenant (from the credentials, never the body)
  std::string_view body;
  size_t max_decompressed_bytes = kMaxDecompressedBytes;
  // Hostile-input limits (docs/security.md): deeper JSON and longer strings (values or keys)
  // are refused 400, more findings than max_findings 413.
  int max_json_depth = 64;
  size_t max_string_bytes = 1024 * 1024;
  size_t max_findings = 10000;
};

struct IngestMessages {
  std::string source;  // the canonical source name (parsers::FindParser(...)->Name())
  std::vector<bus::OutgoingMessage> messages;  // empty for an empty findings array
};

struct IngestRefusal {
  int http_status = 400;  // 400 (bad body or source), 413 (over a size limit), 415 (unreadable Content-Type)
  std::string reason;
  std::string source;  // the canonical source when it was known before the refusal
};

std::expected<IngestMessages, IngestRefusal> SplitIngestBody(const IngestRequest& request);

}  // namespace ctem::pipeline
