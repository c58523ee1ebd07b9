#include "pipeline/zone_batch.h"

#include <string>
#include <vector>

namespace ctem::pipeline {
namespace {

// Answers what the real resolver holds and writes down what it would have to fetch.
class MissCollector final : public ZoneResolver {
 public:
  MissCollector(const ZoneResolver& inner, std::vector<std::string>& misses)
      : inner_(inner), misses_(misses) {}

  std::optional<ZonePlacement> Lookup(std::string_view asset_id) const override {
    if (inner_.IsCached(asset_id)) return inner_.Lookup(asset_id);
    misses_.emplace_back(asset_id);
    return std::nullopt;
  }
  void Prefetch(std::span<const std::string> asset_ids) const override {
    for (const auto& id : asset_ids) {
      if (!inner_.IsCached(id)) misses_.push_back(id);
    }
  }
  bool IsCached(std::string_view asset_id) const override { return inner_.IsCached(asset_id); }
  std::string_view Kind() const override { return inner_.Kind(); }

 private:
  const ZoneResolver& inner_;
  std::vector<std::string>& misses_;
};

}  // namespace

void ParseWithZoneGraph(std::span<ParseJob> jobs, const ZoneResolver* resolver) {
  if (resolver == nullptr) {
    for (ParseJob& job : jobs) {
      job.ctx.zone_resolver = nullptr;
      job.parser->Parse(job.document, job.ctx, job.out);
    }
    return;
  }
  std::vector<std::string> misses;
  MissCollector collector(*resolver, misses);
  std::vector<bool> again(jobs.size(), false);
  for (size_t i = 0; i < jobs.size(); ++i) {
    const size_t before = misses.size();
    jobs[i].ctx.zone_resolver = &collector;
    jobs[i].parser->Parse(jobs[i].document, jobs[i].ctx, jobs[i].out);
    again[i] = misses.size() != before;
  }
  for (ParseJob& job : jobs) job.ctx.zone_resolver = resolver;  // the collector dies here
  if (misses.empty()) return;
  resolver->Prefetch(misses);
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (!again[i]) continue;
    jobs[i].out = parsers::ParsedBatch{};
    jobs[i].parser->Parse(jobs[i].document, jobs[i].ctx, jobs[i].out);
  }
}

}  // namespace ctem::pipeline
