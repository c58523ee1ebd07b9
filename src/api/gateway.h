// The HTTP gateway: ingestion (POST /api/ctem/ingest, the seed's section 10.4 payload), the
// query API (reports and exposures, the same JSON as the CLI), /healthz, /metrics, and the
// dashboard at / (compiled in, or the directory given as web_root).
//
// Ingestion contract: a 202 {"accepted":N} is sent only after the bus acknowledged every
// record (so an accepted finding is never dropped); 400 names what is wrong with the body; 413
// above the size limit; 415 for a content type we cannot read; 503 when the bus cannot make
// the records durable (nothing was accepted — the sender retries).
//
// Thread-safety: the server handles requests on a thread pool; the Gateway's shared state
// (producer pool, store pool, counters) is guarded internally.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bus/bus.h"
#include "core/time.h"
#include "core/zone_resolver.h"
#include "pipeline/stages.h"
#include "store/store.h"

namespace httplib {
class Server;
}

namespace ctem::api {

struct GatewayOptions {
  std::string host = "0.0.0.0";
  int port = 8080;
  size_t max_body_bytes = 16 * 1024 * 1024;
  std::chrono::milliseconds publish_timeout{10000};
  int threads = 8;
  std::string web_root;  // a directory served before the embedded dashboard (to edit it live)
  // The zone graph: scope discovery reports place assets by it and /metrics shows its
  // counters (lookups, round trips, fallbacks). Null: the seed's rule zones.
  const ZoneResolver* zone_resolver = nullptr;
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
  SourceCounters& Counters(const std::string& source);
  std::string MetricsText();

  bus::Bus& bus_;
  const Clock& clock_;
  pipeline::PipelineMetrics& metrics_;
  GatewayOptions options_;
  std::unique_ptr<Pools> pools_;
  std::unique_ptr<httplib::Server> server_;
  std::mutex counters_mu_;
  std::map<std::string, std::unique_ptr<SourceCounters>> counters_;  // guarded by counters_mu_
  std::atomic<uint64_t> requests_{0};
};

}  // namespace ctem::api
