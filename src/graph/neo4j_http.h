// A Cypher client over Neo4j's HTTP transactional endpoint (POST /db/{db}/tx/commit). Debian
// has no Bolt driver for C++, and the HTTP API carries everything the zone graph needs: several
// statements per request, run in one transaction, parameters as JSON.
//
// Every call is bounded by the endpoint's timeout (connect, read and write). A failure comes
// back as an Error naming the server and what to do: Unavailable for a server that cannot be
// reached or timed out, FailedPrecondition for bad credentials or an unknown database,
// InvalidArgument for a statement Neo4j refused.
//
// Thread-safety: Run may be called from many threads; calls are serialised on one keep-alive
// connection (the graph is asked once per batch, so one connection suffices).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace httplib {
class Client;
}

namespace ctem::graph {

struct Neo4jEndpoint {
  std::string host = "127.0.0.1";
  int port = 7474;
  std::string database = "neo4j";
  std::string user;  // empty: no Authorization header
  std::string password;
  std::chrono::milliseconds timeout{2000};

  // "http://host:port (database neo4j)", for messages; never shows the password.
  std::string Describe() const;
};

// Parses "neo4j://host[:port][/db/NAME]" or "http://host[:port][/db/NAME]" (the HTTP port,
// default 7474; "neo4j://" is accepted because DESIGN.md names the graph that way, but the
// connection is HTTP, not Bolt) and NEO4J_AUTH's "user/password" (or "none").
Result<Neo4jEndpoint> ParseNeo4jEndpoint(std::string_view uri, std::string_view auth);

struct CypherStatement {
  std::string statement;
  nlohmann::json parameters = nlohmann::json::object();
};

struct CypherResult {
  std::vector<std::string> columns;
  std::vector<nlohmann::json> rows;  // each a JSON array, one value per column
};

class Neo4jHttpClient {
 public:
  explicit Neo4jHttpClient(Neo4jEndpoint endpoint);
  ~Neo4jHttpClient();
  Neo4jHttpClient(const Neo4jHttpClient&) = delete;
  Neo4jHttpClient& operator=(const Neo4jHttpClient&) = delete;

  // Runs the statements in one transaction; all of them or none take effect.
  Result<std::vector<CypherResult>> Run(std::span<const CypherStatement> statements);
  Result<CypherResult> Run(const CypherStatement& statement);

  const Neo4jEndpoint& endpoint() const { return endpoint_; }

 private:
  const Neo4jEndpoint endpoint_;
  std::mutex mu_;
  std::unique_ptr<httplib::Client> client_;  // guarded by mu_
};

}  // namespace ctem::graph
