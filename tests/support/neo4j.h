// The Neo4j server of the integration tests: scripts/servers/neo4j.sh starts it and
// `scripts/servers/neo4j.sh env` exports CTEM_TEST_NEO4J_URI (its HTTP address) and
// CTEM_TEST_NEO4J_AUTH ("user/password"). Without it the Neo4j cases skip — unless
// CTEM_REQUIRE_SERVERS=1 (as in scripts/test and CI), where they fail.
// The graph outlives a test run: name assets with UniqueNeo4jName.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>

namespace ctem::testing {

inline std::string Neo4jUri() {
  const char* v = std::getenv("CTEM_TEST_NEO4J_URI");
  return v == nullptr ? std::string() : std::string(v);
}

inline std::string Neo4jAuth() {
  const char* v = std::getenv("CTEM_TEST_NEO4J_AUTH");
  return v == nullptr ? std::string() : std::string(v);
}

inline bool Neo4jRequired() {
  const char* v = std::getenv("CTEM_REQUIRE_SERVERS");
  return v != nullptr && std::string(v) == "1";
}

// "<prefix>-<pid>-<ms since epoch>-<counter>": unique across tests and runs.
inline std::string UniqueNeo4jName(const std::string& prefix) {
  static std::atomic<int> counter{0};
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  return prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(ms) + "-" + std::to_string(counter++);
}

}  // namespace ctem::testing

// In a test body: skips (or, with CTEM_REQUIRE_SERVERS=1, fails) when no Neo4j is configured.
#define CTEM_REQUIRE_NEO4J()                                              \
  do {                                                                    \
    if (::ctem::testing::Neo4jUri().empty()) {                            \
      const char* reason_ =                                               \
          "CTEM_TEST_NEO4J_URI not set (scripts/servers/neo4j.sh start; " \
          "eval \"$(scripts/servers/neo4j.sh env)\")";                    \
      if (::ctem::testing::Neo4jRequired()) FAIL() << reason_;            \
      GTEST_SKIP() << reason_;                                            \
    }                                                                     \
  } while (0)
