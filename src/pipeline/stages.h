// The streaming stages of the pipeline (DESIGN.md data flow):
//   Normaliser: ctem.raw.* -> parse + score -> ctem.normalized (bad records -> ctem.dlq)
//   Persister:  ctem.normalized -> batched idempotent upsert into the store, then the
//               batch's "no longer seen" marks (Store::MarkNoLongerSeen)
// Each stage commits its input offsets only after its output is durable (erratum 15): the
// normaliser after the bus acknowledged its output, the persister after the store committed.
// A failure leaves the input uncommitted, so it is read again: at-least-once delivery plus
// idempotent upserts is exactly-once effect.
//
// Thread-safety: a stage object is driven by one thread; Stop() may be called from another.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "bus/bus.h"
#include "core/time.h"
#include "core/zone_resolver.h"
#include "store/store.h"

namespace ctem::pipeline {

// Counters exported on /metrics. Shared by the stages of one process.
struct PipelineMetrics {
  std::atomic<uint64_t> normaliser_consumed{0};
  std::atomic<uint64_t> normaliser_produced{0};
  std::atomic<uint64_t> dead_letters{0};
  std::atomic<uint64_t> persister_consumed{0};
  std::atomic<uint64_t> upserts{0};
  std::atomic<uint64_t> no_longer_seen{0};  // stored exposures marked no longer seen
  std::atomic<uint64_t> stage_errors{0};
};

struct StageOptions {
  size_t batch_size = 1000;
  std::chrono::milliseconds linger{20};
  std::chrono::milliseconds publish_timeout{10000};
  std::string group;  // consumer group; defaults per stage
};

// The raw topics of every registered source.
std::vector<std::string> RawTopics();
// The source a raw topic carries ("ctem.raw.art" -> "ibm_art").
std::string SourceForRawTopic(std::string_view topic);

inline constexpr std::string_view kNormaliserGroup = "ctem-normaliser-group";
inline constexpr std::string_view kPersisterGroup = "ctem-persister-group";
// Headers on raw messages.
inline constexpr std::string_view kTenantHeader = "ctem-tenant";
inline constexpr std::string_view kSourceHeader = "ctem-source";

class Stage {
 public:
  virtual ~Stage() = default;
  // One poll-process-commit round; the number of input messages handled.
  virtual Result<size_t> RunOnce() = 0;
  // Loops RunOnce until Stop(), backing off while a server is down.
  void Run();
  void Stop() { stop_.store(true); }
  bool stopping() const { return stop_.load(); }

 protected:
  virtual std::string_view Name() const = 0;

 private:
  std::atomic<bool> stop_{false};
};

class Normaliser final : public Stage {
 public:
  Normaliser(bus::Bus& bus, const ZoneResolver* resolver, const Clock& clock, PipelineMetrics& metrics,
             StageOptions options = {});
  Result<size_t> RunOnce() override;

 protected:
  std::string_view Name() const override { return "normaliser"; }

 private:
  Status Connect();

  bus::Bus& bus_;
  const ZoneResolver* resolver_;
  const Clock& clock_;
  PipelineMetrics& metrics_;
  StageOptions options_;
  std::unique_ptr<bus::Consumer> consumer_;
  std::unique_ptr<bus::Producer> producer_;
};

class Persister final : public Stage {
 public:
  Persister(bus::Bus& bus, store::Store& store, const Clock& clock, PipelineMetrics& metrics,
            StageOptions options = {});
  Result<size_t> RunOnce() override;

 protected:
  std::string_view Name() const override { return "persister"; }

 private:
  Status Connect();

  bus::Bus& bus_;
  store::Store& store_;
  const Clock& clock_;
  PipelineMetrics& metrics_;
  StageOptions options_;
  std::unique_ptr<bus::Consumer> consumer_;
  std::unique_ptr<bus::Producer> producer_;  // dead letters only
};

// Polls until `max` messages or `linger` has passed since the first one.
Result<std::vector<bus::Message>> PollBatch(bus::Consumer& consumer, size_t max, std::chrono::milliseconds linger,
                                            std::chrono::milliseconds first_wait);

// A dead-letter message: the reason, where the input came from, and the input's bytes.
bus::OutgoingMessage DeadLetter(const bus::Message& input, std::string_view stage, std::string_view reason,
                                long record_index = -1, std::string_view field = "");

}  // namespace ctem::pipeline
