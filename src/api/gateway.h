// The HTTP gateway: ingestion (POST /api/ctem/ingest, the seed's section 10.4 payload), the
// query API (reports and exposures, the same JSON as the CLI), /healthz, /metrics, and the
// dashboard at / (compiled in, or the directory given as web_root).
//
// Ingestion contract: a 202 {"accepted":N} is sent only after the bus acknowledged every
// record (so an accepted finding is never dropped); 400 names what is wrong with the body
// (malformed, nested deeper than max_json_depth, a string longer than max_string_bytes); 413
// above the size limits (body, decompressed body, max_findings per request); 415 for a content
// type we cannot read; 503 when the bus cannot make the records durable (nothing was accepted
// — the sender retries). A refused request publishes nothing: no request is half-accepted.
//
// Security (docs/security.md): every endpoint but /healthz and the dashboard's static shell
// needs `Authorization: Bearer <token>` (api/auth.h): 401 with `WWW-Authenticate: Bearer` when
// it is missing, unknown or revoked, 403 when the token's scope does not allow the endpoint,
// 429 with Retry-After when the token exceeds its rate. The tenant of every request is its
// token's. For a source with a webhook secret, ingest also needs a valid X-Hub-Signature-256
// (or X-Hub-Signature) over the body and a delivery id not seen within the replay window
// (401 unsigned or tampered, 409 replayed).
//
// Thread-safety: the server handles requests on a thread pool; the Gateway's shared state
// (group-commit publisher, store pool, counters) is guarded internally.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/auth.h"
#include "bus/bus.h"
#include "bus/group_commit.h"
#include "core/time.h"
#include "core/zone_resolver.h"
#include "pipeline/stages.h"
#include "store/store.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}

namespace ctem::api {

struct GatewayOptions {
  std::string host = "0.0.0.0";
  int port = 8080;
  size_t max_body_bytes = 16 * 1024 * 1024;
  std::chrono::milliseconds publish_timeout{10000};
  // Request threads. cpp-httplib holds a thread for each keep-alive connection while it is
  // open, so this bounds the connections served at once; the requests publishing at the same
  // moment share one durable append (bus/group_commit.h), so more threads is more throughput.
  int threads = 64;
  size_t keep_alive_max_requests = 10000;  // per connection (cpp-httplib's default is 5)
  std::string web_root;  // a directory served before the embedded dashboard (to edit it live)
  // The zone graph: scope discovery reports place assets by it and /metrics shows its
  // counters (lookups, round trips, fallbacks). Null: the seed's rule zones.
  const ZoneResolver* zone_resolver = nullptr;

  // Security limits (docs/security.md).
  std::chrono::milliseconds auth_cache_ttl{30000};  // a revoked token works at most this long
  double rate_limit_per_s = 1000;                   // per token; 0 disables
  double rate_limit_burst = 2000;
  size_t max_decompressed_bytes = 128 * 1024 * 1024;  // a gzip body, once inflated
  int max_json_depth = 64;
  size_t max_findings = 10000;              // per request
  size_t max_string_bytes = 1024 * 1024;    // per JSON string (value or key)
  std::map<std::string, std::string> webhook_secrets;  // canonical source name -> shared secret
  std::chrono::seconds replay_window{600};  // a delivery id is refused again within this
};

// Opens a store connection for a request thread.
using StoreFactory = std::function<Result<std::unique_ptr<store::Store>>()>;

class Gateway {
 public:
  Gateway(bus::Bus& bus, StoreFactory stores, const Clock& clock, pipeline::PipelineMetrics& metrics,
          GatewayOptions options);
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // Binds the port; returns the bound port (useful with port 0 in tests).
  Result<int> Bind();
  // Serves until Stop(); blocks.
  void Serve();
  void Stop();

 private:
  class Pools;
  struct SourceCounters {
    std::atomic<uint64_t> received{0};
    std::atomic<uint64_t> accepted{0};
    std::atomic<uint64_t> rejected{0};
  };

  void Routes();
  // Authenticates the request and checks its scope and rate; on failure answers it (401, 403,
  // 429, 503) and returns nullopt.
  std::optional<Principal> Authorize(const httplib::Request& req, httplib::Response& res, Access needed);
  void LogRefusal(const httplib::Request& req, const std::string& reason);
  void Ingest(const httplib::Request& req, httplib::Response& res, const Principal& who, const std::string& raw);
  SourceCounters& Counters(const std::string& source);
  std::string MetricsText();

  bus::Bus& bus_;
  const Clock& clock_;
  pipeline::PipelineMetrics& metrics_;
  GatewayOptions options_;
  std::unique_ptr<Pools> pools_;
  std::unique_ptr<bus::GroupCommitPublisher> publisher_;
  std::unique_ptr<httplib::Server> server_;
  int listen_socket_ = -1;  // set by the socket-options callback during Bind
  std::mutex counters_mu_;
  std::map<std::string, std::unique_ptr<SourceCounters>> counters_;  // guarded by counters_mu_
  std::atomic<uint64_t> requests_{0};
  std::unique_ptr<TokenAuthenticator> auth_;
  RateLimiter limiter_;
  std::atomic<uint64_t> auth_failures_{0};
  std::atomic<uint64_t> rate_limited_{0};
};

}  // namespace ctem::api
