// Bus: the message log between the pipeline's stages (DESIGN.md data flow). Two
// implementations share Kafka's semantics — an append-only log per topic partition, messages
// keyed so that one key stays in one partition (and so in order), and offsets committed per
// consumer group — so every stage is written once against this interface:
//   * embedded: durable log tables in the engine's SQLite file (no server);
//   * kafka: Apache Kafka through librdkafka.
//
// Delivery contract (erratum 15): a producer's Publish returns success only when every
// message is durable on the bus; a consumer commits an offset only after the stage's own
// output is durable. Together with idempotent upserts this gives exactly-once effect.
//
// Thread-safety: a Bus may be shared by threads; each Producer and Consumer is used by one
// thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/time.h"

namespace ctem::bus {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct OutgoingMessage {
  std::string topic;
  std::string key;  // partitioning key: source asset for raw topics, exposure_key for normalized
  std::string value;
  Headers headers;
};

struct Message {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
  Headers headers;
  Timestamp ts{};
};

struct TopicSpec {
  std::string name;
  int partitions = 1;
  int replication_factor = 1;
  int64_t retention_ms = -1;
  std::string cleanup_policy = "delete";
};

struct PartitionLag {
  std::string topic;
  int32_t partition = 0;
  int64_t committed = -1;  // next offset the group will read; -1 when nothing committed
  int64_t end = 0;         // next offset to be written
  int64_t lag() const { return committed < 0 ? end : end - committed; }
};

class Producer {
 public:
  virtual ~Producer() = default;
  // Appends every message and waits until all are durable on the bus (Kafka: acks=all
  // delivery reports) or `timeout` passes. On error, some messages may have been written;
  // the caller must treat the whole call as failed (and may retry: consumers are idempotent).
  virtual Status Publish(std::span<const OutgoingMessage> messages, std::chrono::milliseconds timeout) = 0;
};

class Consumer {
 public:
  virtual ~Consumer() = default;
  // Up to `max` messages from the subscribed topics, waiting at most `wait` for the first.
  // Within a partition, messages arrive in offset order, starting after the group's
  // committed offset.
  virtual Result<std::vector<Message>> Poll(size_t max, std::chrono::milliseconds wait) = 0;
  // Records that `processed` (and everything before them in their partitions) is done; the
  // group resumes after them after a restart.
  virtual Status Commit(std::span<const Message> processed) = 0;
};

class Bus {
 public:
  virtual ~Bus() = default;
  virtual Result<std::unique_ptr<Producer>> CreateProducer() = 0;
  // A member of consumer group `group` reading `topics`. Several members of one group share
  // the partitions.
  virtual Result<std::unique_ptr<Consumer>> CreateConsumer(const std::string& group,
                                                           const std::vector<std::string>& topics) = 0;
  // Creates the topics that do not exist yet; existing ones are left as they are. Returns a
  // human-readable line per topic (created / exists / clamped replication factor).
  virtual Result<std::vector<std::string>> CreateTopics(const std::vector<TopicSpec>& topics) = 0;
  // The names of every topic on the bus, sorted (internal topics such as Kafka's
  // __consumer_offsets excluded).
  virtual Result<std::vector<std::string>> ListTopics() = 0;
  // Lag of `group` on `topics`, per partition.
  virtual Result<std::vector<PartitionLag>> GroupLag(const std::string& group,
                                                     const std::vector<std::string>& topics) = 0;
  // How many Publish calls, each on its own producer, usefully run at once: Kafka pipelines
  // them over one connection; the embedded bus serialises them on its one write lock anyway.
  virtual int ParallelAppends() const { return 1; }
};

// Topic names of the pipeline.
inline constexpr std::string_view kNormalizedTopic = "ctem.normalized";
inline constexpr std::string_view kDeadLetterTopic = "ctem.dlq";
inline constexpr std::string_view kAlertsTopic = "ctem.alerts";
inline constexpr std::string_view kRescanTopic = "ctem.rescan";
// "ctem.raw.<source>"; ibm_art keeps the seed's topic name "ctem.raw.art".
std::string RawTopic(std::string_view source);

// The seed's nine topics (section 2.3) plus ctem.dlq, ctem.alerts and ctem.rescan.
std::vector<TopicSpec> DefaultTopics();
// Parses a topics.yaml in the seed's format ({topics: {name: {partitions, replication_factor,
// retention_ms, cleanup_policy}}}).
Result<std::vector<TopicSpec>> ParseTopicsYaml(std::string_view yaml_text);

}  // namespace ctem::bus
