// Direct ingestion: a document from one source is parsed, scored and upserted into the
// store in batches, each batch one transaction. This is the synchronous path of
// `ctem ingest` and `ctem demo`; the streaming path (gateway -> bus -> normaliser ->
// persister) reuses the same parsers and upserts.
//
// Nothing is lost silently: every record is either stored (inserted/updated) or rejected
// with a reason; a batch the store refuses is rolled back whole and its records are reported
// as rejected.
//
// Thread-safety: functions; the Store passed in must not be used concurrently.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/parser.h"
#include "store/store.h"

namespace ctem::pipeline {

struct RejectedRecord {
  std::string file;
  long record_index = -1;
  std::string field;
  std::string reason;
};

struct IngestSummary {
  size_t received = 0;
  size_t inserted = 0;
  size_t updated = 0;
  size_t rejected = 0;
  size_t regressions = 0;
  size_t no_longer_seen = 0;  // stored exposures the tool reported gone (Store::MarkNoLongerSeen)
  std::vector<RejectedRecord> errors;

  void Merge(const IngestSummary& other);
};

struct IngestOptions {
  size_t batch_size = 1000;
  // Called after each stored batch with (records done, records total).
  std::function<void(size_t, size_t)> progress;
};

// Parses `document` with `parser` and stores what it yields; then marks the exposures the
// document reports gone (ParsedBatch::no_longer_seen, for ctx.tenant_id) as no longer seen.
// `file` names the document in error reports.
IngestSummary IngestDocument(store::Store& store, const parsers::SourceParser& parser,
                             std::string_view document, std::string_view file,
                             const parsers::ParseContext& ctx, const IngestOptions& options = {});

}  // namespace ctem::pipeline
