// KafkaBus: the Bus over Apache Kafka through librdkafka (C++ API for producers and consumers,
// the C Admin API for topics, metadata and group offsets).
//
// Producers are idempotent (enable.idempotence, acks=all); Publish waits for every delivery
// report. Consumers are members of a consumer group with auto-commit off: Commit stores
// exactly the offsets it is given (erratum 15). librdkafka's own logs go to spdlog.
//
// Opening the bus does not contact the brokers; the first call that needs them (CreateTopics,
// GroupLag, CreateConsumer, Publish) fails with kUnavailable naming the brokers when none
// answers within `request_timeout` (Publish: within `message_timeout`).
//
// Thread-safety: see bus.h.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "bus/bus.h"

namespace ctem::bus {

struct KafkaOptions {
  // Producer: how long librdkafka keeps retrying one message (message.timeout.ms). Callers
  // should pass Publish a timeout above it (the gateway uses 10 s), so that a failure comes
  // back as librdkafka's own delivery error rather than as a Publish timeout.
  std::chrono::milliseconds message_timeout{5000};
  // linger.ms. Our producers batch for themselves (the gateway by group commit, the stages by
  // batch), so librdkafka waiting for more only adds latency to every acknowledged publish.
  std::chrono::milliseconds linger{1};
  std::string compression = "lz4";      // compression.type: lz4, zstd, snappy, gzip or none
  // Admin and metadata requests (CreateTopics, GroupLag, the broker check of CreateConsumer).
  std::chrono::milliseconds request_timeout{5000};
  // Consumer: a member that stops heartbeating loses its partitions after this long.
  std::chrono::milliseconds session_timeout{10000};
  // Prefetch queue of a consumer. librdkafka 2.0.2 stops fetching while the queue holds
  // either limit and looks again only about once a second, so a consumer reads at most about
  // 1.5 x the queue per second: these limits trade memory for throughput. Measured here:
  // 24 MiB -> 39k msg/s of 1 KiB messages at 48 MiB peak RSS; 16 MiB -> 22k at 38 MiB;
  // 32 MiB -> 50k at 60 MiB. queued.min.messages is per partition in 2.0.2: at librdkafka's
  // default of 100,000, a normaliser starting behind a backlog of single-finding messages on
  // the 4 partitions of ctem.raw.wiz peaked at 122-145 MiB; at 10,000 (still 40k messages a
  // second over 4 partitions) it peaked at 72 MiB (5,000: the same; an 8 MiB byte limit or a
  // 4 MiB fetch.max.bytes: no change either, so they are left as they were).
  int queued_min_messages = 10000;
  int queued_max_kbytes = 24576;
  std::string client_id = "ctem";
  // Further librdkafka properties (security.protocol, sasl.*, ...), applied last to every
  // client the bus creates.
  std::map<std::string, std::string> extra;
};

// `brokers` is "host:port[,host:port...]"; a leading "kafka://" is accepted and dropped.
Result<std::unique_ptr<Bus>> OpenKafkaBus(const std::string& brokers);
Result<std::unique_ptr<Bus>> OpenKafkaBus(const std::string& brokers, const KafkaOptions& options);

}  // namespace ctem::bus
