#include "pipeline/ingest.h"

#include <algorithm>

#include "pipeline/zone_batch.h"

namespace ctem::pipeline {
namespace {

template <typename T, typename Upsert>
void StoreInBatches(const std::vector<T>& records, size_t batch_size, std::string_view file, size_t& done,
                    size_t total, const IngestOptions& options, IngestSummary& summary, Upsert&& upsert) {
  for (size_t begin = 0; begin < records.size(); begin += batch_size) {
    const size_t end = std::min(records.size(), begin + batch_size);
    std::span<const T> batch(records.data() + begin, end - begin);
    auto result = upsert(batch);
    if (result) {
      summary.inserted += result->inserted;
      summary.updated += result->updated;
      summary.regressions += result->regressions;
    } else {
      // The batch was rolled back whole; report each of its records so none goes unaccounted.
      summary.rejected += batch.size();
      summary.errors.push_back({std::string(file), static_cast<long>(begin), "",
                                "store refused records " + std::to_string(begin) + ".." +
                                    std::to_string(end - 1) + " of the parsed set: " + result.error().message});
    }
    done += batch.size();
    if (options.progress) options.progress(done, total);
  }
}

}  // namespace

void IngestSummary::Merge(const IngestSummary& other) {
  received += other.received;
  inserted += other.inserted;
  updated += other.updated;
  rejected += other.rejected;
  regressions += other.regressions;
  no_longer_seen += other.no_longer_seen;
  errors.insert(errors.end(), other.errors.begin(), other.errors.end());
}

IngestSummary IngestDocument(store::Store& store, const parsers::SourceParser& parser,
                             std::string_view document, std::string_view file,
                             const parsers::ParseContext& ctx, const IngestOptions& options) {
  ParseJob job{&parser, document, ctx, {}};
  ParseWithZoneGraph(std::span<ParseJob>(&job, 1), ctx.zone_resolver);
  const parsers::ParsedBatch& parsed = job.out;
  IngestSummary summary;
  summary.received = std::max(parsed.received, parsed.exposures.size() + parsed.validations.size() +
                                                   parsed.remediations.size() + parsed.errors.size());
  for (const auto& e : parsed.errors) {
    summary.errors.push_back({std::string(file), e.record_index, e.field, e.reason});
  }
  // A document-level error (index -1) may stand for records we never saw; count it once.
  summary.rejected = parsed.errors.size();
  const size_t batch_size = std::max<size_t>(1, options.batch_size);
  const size_t total = parsed.exposures.size() + parsed.validations.size() + parsed.remediations.size();
  size_t done = 0;
  StoreInBatches(parsed.exposures, batch_size, file, done, total, options, summary,
                 [&](std::span<const Exposure> b) { return store.UpsertExposures(b, ctx.now); });
  StoreInBatches(parsed.validations, batch_size, file, done, total, options, summary,
                 [&](std::span<const Validation> b) { return store.UpsertValidations(b, ctx.now); });
  StoreInBatches(parsed.remediations, batch_size, file, done, total, options, summary,
                 [&](std::span<const Remediation> b) { return store.UpsertRemediations(b, ctx.now); });
  // After the upserts: the parser already dropped a key that is both new and gone in this
  // document, so the order only matters against earlier documents.
  if (!parsed.no_longer_seen.empty()) {
    auto marked = store.MarkNoLongerSeen(ctx.tenant_id, parsed.no_longer_seen, ctx.now);
    if (marked) {
      summary.no_longer_seen += *marked;
    } else {
      summary.rejected += parsed.no_longer_seen.size();
      summary.errors.push_back({std::string(file), -1, "",
                                "store refused to mark " + std::to_string(parsed.no_longer_seen.size()) +
                                    " exposures no longer seen: " + marked.error().message});
    }
  }
  return summary;
}

}  // namespace ctem::pipeline
