// The Kafka broker of the integration tests: scripts/servers/kafka.sh starts it and
// `scripts/servers/kafka.sh env` exports CTEM_TEST_KAFKA_BROKERS. Without it the Kafka cases
// skip — unless CTEM_REQUIRE_SERVERS=1 (as in scripts/test and CI), where they fail.
// The broker's data outlives a test run: name topics and groups with UniqueKafkaName.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>

namespace ctem::testing {

inline std::string KafkaBrokers() {
  const char* v = std::getenv("CTEM_TEST_KAFKA_BROKERS");
  return v == nullptr ? std::string() : std::string(v);
}

inline bool KafkaServersRequired() {
  const char* v = std::getenv("CTEM_REQUIRE_SERVERS");
  return v != nullptr && std::string(v) == "1";
}

// "<prefix>.<pid>.<ms since epoch>.<counter>": unique across tests and runs.
inline std::string UniqueKafkaName(const std::string& prefix) {
  static std::atomic<int> counter{0};
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  return prefix + "." + std::to_string(getpid()) + "." + std::to_string(ms) + "." + std::to_string(counter++);
}

}  // namespace ctem::testing

// In a test body: skips (or, with CTEM_REQUIRE_SERVERS=1, fails) when no broker is configured.
#define CTEM_REQUIRE_KAFKA()                                                  \
  do {                                                                        \
    if (::ctem::testing::KafkaBrokers().empty()) {                            \
      const char* reason_ =                                                   \
          "CTEM_TEST_KAFKA_BROKERS not set (scripts/servers/kafka.sh start; " \
          "eval \"$(scripts/servers/kafka.sh env)\")";                        \
      if (::ctem::testing::KafkaServersRequired()) FAIL() << reason_;         \
      GTEST_SKIP() << reason_;                                                \
    }                                                                         \
  } while (0)
