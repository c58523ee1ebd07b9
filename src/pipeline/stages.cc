#include "pipeline/stages.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <map>
#include <thread>
#include <utility>
#include <variant>

#include "parsers/parser.h"
#include "pipeline/record_codec.h"
#include "pipeline/zone_batch.h"

namespace ctem::pipeline {
namespace {

std::string Header(const bus::Message& m, std::string_view name) {
  for (const auto& [k, v] : m.headers) {
    if (k == name) return v;
  }
  return {};
}

}  // namespace

std::vector<std::string> RawTopics() {
  std::vector<std::string> topics;
  for (const auto& s : parsers::SourceNames()) topics.push_back(bus::RawTopic(s));
  return topics;
}

std::string SourceForRawTopic(std::string_view topic) {
  constexpr std::string_view kPrefix = "ctem.raw.";
  if (!topic.starts_with(kPrefix)) return {};
  const std::string s(topic.substr(kPrefix.size()));
  return s == "art" ? "ibm_art" : s;
}

Result<std::vector<bus::Message>> PollBatch(bus::Consumer& consumer, size_t max, std::chrono::milliseconds linger,
                                            std::chrono::milliseconds first_wait) {
  auto first = consumer.Poll(max, first_wait);
  if (!first || first->empty() || first->size() >= max) return first;
  std::vector<bus::Message> batch = std::move(*first);
  const auto deadline = std::chrono::steady_clock::now() + linger;
  while (batch.size() < max) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    auto more = consumer.Poll(max - batch.size(), left);
    if (!more) return Fail(more.error());
    if (more->empty()) break;
    for (auto& m : *more) batch.push_back(std::move(m));
  }
  return batch;
}

bus::OutgoingMessage DeadLetter(const bus::Message& input, std::string_view stage, std::string_view reason,
                                long record_index, std::string_view field) {
  nlohmann::ordered_json j = {{"stage", stage},
                              {"reason", reason},
                              {"field", field},
                              {"record_index", record_index >= 0 ? nlohmann::ordered_json(record_index) : nullptr},
                              {"source_topic", input.topic},
                              {"partition", input.partition},
                              {"offset", input.offset},
                              {"tenant", Header(input, kTenantHeader)},
                              {"raw", input.value}};
  bus::OutgoingMessage out;
  out.topic = std::string(bus::kDeadLetterTopic);
  out.key = input.topic + ":" + std::to_string(input.partition) + ":" + std::to_string(input.offset);
  // Raw bytes that are not UTF-8 are kept with replacement characters rather than lost.
  out.value = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  out.headers = input.headers;
  return out;
}

void Stage::Run() {
  auto backoff = std::chrono::milliseconds(100);
  bool failing = false;
  while (!stopping()) {
    auto r = RunOnce();
    if (r) {
      if (failing) spdlog::info("{}: recovered", Name());
      failing = false;
      backoff = std::chrono::milliseconds(100);
      continue;
    }
    // Log an outage once, not once per retry.
    if (!failing) spdlog::warn("{}: {} (retrying with backoff; input stays uncommitted)", Name(), r.error().message);
    failing = true;
    for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stopping(); waited += std::chrono::milliseconds(50)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

Normaliser::Normaliser(bus::Bus& bus, const ZoneResolver* resolver, const Clock& clock, PipelineMetrics& metrics,
                       StageOptions options)
    : bus_(bus), resolver_(resolver), clock_(clock), metrics_(metrics), options_(std::move(options)) {
  if (options_.group.empty()) options_.group = std::string(kNormaliserGroup);
}

Status Normaliser::Connect() {
  if (!consumer_) {
    auto c = bus_.CreateConsumer(options_.group, RawTopics());
    if (!c) return Fail(c.error());
    consumer_ = std::move(*c);
  }
  if (!producer_) {
    auto p = bus_.CreateProducer();
    if (!p) return Fail(p.error());
    producer_ = std::move(*p);
  }
  return {};
}

Result<size_t> Normaliser::RunOnce() {
  if (auto st = Connect(); !st) return Fail(st.error());
  auto batch = PollBatch(*consumer_, options_.batch_size, options_.linger, std::chrono::milliseconds(200));
  if (!batch) {
    consumer_.reset();
    return Fail(batch.error());
  }
  if (batch->empty()) return size_t{0};
  std::vector<bus::OutgoingMessage> out;
  size_t produced = 0;
  size_t dead = 0;
  // Parse the whole poll batch first, so a remote zone graph is asked once for all of it.
  std::vector<ParseJob> jobs;
  jobs.reserve(batch->size());
  std::vector<const bus::Message*> job_input;
  for (const bus::Message& m : *batch) {
    std::string source = Header(m, kSourceHeader);
    if (source.empty()) source = SourceForRawTopic(m.topic);
    const parsers::SourceParser* parser = parsers::FindParser(source);
    if (parser == nullptr) {
      out.push_back(DeadLetter(m, "normaliser", "no parser for source '" + source + "'"));
      ++dead;
      continue;
    }
    ParseJob job;
    job.parser = parser;
    job.document = m.value;
    job.ctx.now = clock_.Now();
    const std::string tenant = Header(m, kTenantHeader);
    job.ctx.tenant_id = tenant.empty() ? std::string(kDefaultTenant) : tenant;
    jobs.push_back(std::move(job));
    job_input.push_back(&m);
  }
  ParseWithZoneGraph(jobs, resolver_);
  for (size_t j = 0; j < jobs.size(); ++j) {
    const bus::Message& m = *job_input[j];
    const parsers::SourceParser* parser = jobs[j].parser;
    const parsers::ParseContext& ctx = jobs[j].ctx;
    const parsers::ParsedBatch& parsed = jobs[j].out;
    for (const auto& e : parsed.exposures) {
      out.push_back({std::string(bus::kNormalizedTopic), e.tenant_id + "/" + e.exposure_key, EncodeRecord(e), {}});
    }
    for (const auto& v : parsed.validations) {
      out.push_back({std::string(bus::kNormalizedTopic), v.tenant_id + "/" + v.validation_id, EncodeRecord(v), {}});
    }
    for (const auto& r : parsed.remediations) {
      out.push_back({std::string(bus::kNormalizedTopic), r.tenant_id + "/" + r.remediation_id, EncodeRecord(r), {}});
    }
    // Keyed like the exposure, so on a partitioned bus the mark stays in order with the
    // exposure's own records.
    for (const auto& key : parsed.no_longer_seen) {
      const NoLongerSeen n{ctx.tenant_id, std::string(parser->Name()), key, ctx.now};
      out.push_back({std::string(bus::kNormalizedTopic), n.tenant_id + "/" + key, EncodeRecord(n), {}});
    }
    produced += parsed.exposures.size() + parsed.validations.size() + parsed.remediations.size() +
                parsed.no_longer_seen.size();
    for (const auto& err : parsed.errors) {
      out.push_back(DeadLetter(m, "normaliser", err.reason, err.record_index, err.field));
      ++dead;
    }
  }
  // Output first, durable; only then the input offsets (erratum 15).
  if (!out.empty()) {
    if (auto st = producer_->Publish(out, options_.publish_timeout); !st) {
      consumer_.reset();  // rewind to the committed offsets: the batch is read again
      producer_.reset();
      return Fail(st.error());
    }
  }
  if (auto st = consumer_->Commit(*batch); !st) {
    consumer_.reset();
    return Fail(st.error());
  }
  metrics_.normaliser_consumed += batch->size();
  metrics_.normaliser_produced += produced;
  metrics_.dead_letters += dead;
  return batch->size();
}

Persister::Persister(bus::Bus& bus, store::Store& store, const Clock& clock, PipelineMetrics& metrics,
                     StageOptions options)
    : bus_(bus), store_(store), clock_(clock), metrics_(metrics), options_(std::move(options)) {
  if (options_.group.empty()) options_.group = std::string(kPersisterGroup);
}

Status Persister::Connect() {
  if (!consumer_) {
    auto c = bus_.CreateConsumer(options_.group, {std::string(bus::kNormalizedTopic)});
    if (!c) return Fail(c.error());
    consumer_ = std::move(*c);
  }
  if (!producer_) {
    auto p = bus_.CreateProducer();
    if (!p) return Fail(p.error());
    producer_ = std::move(*p);
  }
  return {};
}

Result<size_t> Persister::RunOnce() {
  if (auto st = Connect(); !st) return Fail(st.error());
  auto batch = PollBatch(*consumer_, options_.batch_size, options_.linger, std::chrono::milliseconds(200));
  if (!batch) {
    consumer_.reset();
    return Fail(batch.error());
  }
  if (batch->empty()) return size_t{0};
  std::vector<Exposure> exposures;
  std::vector<Validation> validations;
  std::vector<Remediation> remediations;
  std::vector<NoLongerSeen> gone;
  // The batch position of the last exposure record per (tenant, key), and of each mark: a mark
  // is applied after the upserts, so it only counts when no sighting follows it in the batch.
  std::map<std::pair<std::string, std::string>, size_t> last_sighting;
  std::vector<size_t> gone_at;
  std::vector<bus::OutgoingMessage> dead;
  for (size_t i = 0; i < batch->size(); ++i) {
    const bus::Message& m = (*batch)[i];
    auto rec = DecodeRecord(m.value);
    if (!rec) {
      dead.push_back(DeadLetter(m, "persister", rec.error().message));
      continue;
    }
    std::visit(
        [&](auto&& r) {
          using T = std::decay_t<decltype(r)>;
          if constexpr (std::is_same_v<T, Exposure>) {
            last_sighting[{r.tenant_id, r.exposure_key}] = i;
            exposures.push_back(std::move(r));
          }
          if constexpr (std::is_same_v<T, Validation>) validations.push_back(std::move(r));
          if constexpr (std::is_same_v<T, Remediation>) remediations.push_back(std::move(r));
          if constexpr (std::is_same_v<T, NoLongerSeen>) {
            gone_at.push_back(i);
            gone.push_back(std::move(r));
          }
        },
        std::move(*rec));
  }
  // Marks that stand, grouped per (tenant, time) so that one report is one store call.
  std::map<std::pair<std::string, Timestamp>, std::vector<std::string>> marks;
  for (size_t g = 0; g < gone.size(); ++g) {
    const auto seen = last_sighting.find({gone[g].tenant_id, gone[g].exposure_key});
    if (seen != last_sighting.end() && seen->second > gone_at[g]) continue;  // seen again later
    marks[{gone[g].tenant_id, gone[g].ts}].push_back(gone[g].exposure_key);
  }
  const Timestamp now = clock_.Now();
  // A store that is down pauses the persister: nothing is committed or dead-lettered, and
  // the same batch is read again once the store answers (issue 9: no dead letters for that).
  auto fail = [&](const Error& e) -> Result<size_t> {
    consumer_.reset();
    return Fail(e);
  };
  if (!exposures.empty()) {
    if (auto r = store_.UpsertExposures(exposures, now); !r) return fail(r.error());
  }
  if (!validations.empty()) {
    if (auto r = store_.UpsertValidations(validations, now); !r) return fail(r.error());
  }
  if (!remediations.empty()) {
    if (auto r = store_.UpsertRemediations(remediations, now); !r) return fail(r.error());
  }
  // After the upserts that precede them. Each call is its own transaction; if one fails the
  // whole batch is read again, and re-applying the upserts and marks gives the same rows.
  size_t marked = 0;
  for (const auto& [where, keys] : marks) {
    auto r = store_.MarkNoLongerSeen(where.first, keys, where.second);
    if (!r) return fail(r.error());
    marked += *r;
  }
  if (!dead.empty()) {
    if (auto st = producer_->Publish(dead, options_.publish_timeout); !st) {
      producer_.reset();
      return fail(st.error());
    }
  }
  if (auto st = consumer_->Commit(*batch); !st) return fail(st.error());
  metrics_.persister_consumed += batch->size();
  metrics_.upserts += exposures.size() + validations.size() + remediations.size();
  metrics_.no_longer_seen += marked;
  metrics_.dead_letters += dead.size();
  return batch->size();
}

}  // namespace ctem::pipeline
