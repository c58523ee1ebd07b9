// zone_bench: findings/s through the normaliser stage (embedded bus) with the Neo4j zone
// resolver, cold and warm cache, against the static resolver in the same run.
//
//   build-bench/bench/zone_bench --findings 20000 --assets 2000 --neo4j http://127.0.0.1:57474
//
// Each mode gets a fresh embedded bus holding the same raw messages (one Wiz finding each, as
// the gateway publishes them); the normaliser drains it in poll batches of --batch. "cold" is
// a new resolver with an empty cache; "warm" runs again with the cache that run filled.
// Prints figures only; it asserts nothing about time.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "bus/open_bus.h"
#include "graph/neo4j_graph_loader.h"
#include "graph/neo4j_zone_resolver.h"
#include "graph/static_zone_resolver.h"
#include "pipeline/stages.h"

using namespace ctem;

namespace {

struct Run {
  double seconds = 0;
  ZoneResolverStats stats;
};

Run Normalise(const std::string& dir, const std::string& name, const std::vector<bus::OutgoingMessage>& raw,
              const ZoneResolver& resolver, size_t batch) {
  const std::string path = dir + "/" + name + ".db";
  std::filesystem::remove(path);
  auto b = bus::OpenBus("embedded", path).value();
  (void)b->CreateTopics(bus::DefaultTopics());
  auto producer = b->CreateProducer().value();
  for (size_t i = 0; i < raw.size(); i += 5000) {
    std::vector<bus::OutgoingMessage> chunk(raw.begin() + static_cast<long>(i),
                                            raw.begin() + static_cast<long>(std::min(raw.size(), i + 5000)));
    if (auto st = producer->Publish(chunk, std::chrono::seconds(60)); !st) {
      std::fprintf(stderr, "zone_bench: publish failed: %s\n", st.error().message.c_str());
      std::exit(1);
    }
  }
  SystemClock clock;
  pipeline::PipelineMetrics metrics;
  pipeline::StageOptions options;
  options.batch_size = batch;
  options.linger = std::chrono::milliseconds(0);
  pipeline::Normaliser normaliser(*b, &resolver, clock, metrics, options);
  const ZoneResolverStats before = resolver.Stats();
  const auto start = std::chrono::steady_clock::now();
  while (metrics.normaliser_consumed.load() < raw.size()) {
    auto n = normaliser.RunOnce();
    if (!n) {
      std::fprintf(stderr, "zone_bench: normaliser failed: %s\n", n.error().message.c_str());
      std::exit(1);
    }
  }
  Run r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.stats = resolver.Stats();
  r.stats.round_trips -= before.round_trips;
  r.stats.cache_hits -= before.cache_hits;
  r.stats.fallbacks -= before.fallbacks;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Normaliser throughput with the Neo4j zone resolver vs the static one"};
  size_t findings = 20000;
  size_t assets = 2000;
  size_t batch = 1000;
  std::string uri = std::getenv("CTEM_TEST_NEO4J_URI") ? std::getenv("CTEM_TEST_NEO4J_URI") : "";
  std::string auth = std::getenv("CTEM_TEST_NEO4J_AUTH") ? std::getenv("CTEM_TEST_NEO4J_AUTH") : "";
  app.add_option("--findings", findings)->capture_default_str();
  app.add_option("--assets", assets)->capture_default_str();
  app.add_option("--batch", batch, "Normaliser poll batch")->capture_default_str();
  app.add_option("--neo4j", uri, "Neo4j HTTP address (default $CTEM_TEST_NEO4J_URI)");
  app.add_option("--auth", auth, "user/password (default $CTEM_TEST_NEO4J_AUTH)");
  CLI11_PARSE(app, argc, argv);
  if (uri.empty()) {
    std::fprintf(stderr,
                 "zone_bench: no Neo4j (--neo4j or CTEM_TEST_NEO4J_URI; scripts/servers/neo4j.sh start)\n");
    return 2;
  }
  auto endpoint = graph::ParseNeo4jEndpoint(uri, auth);
  if (!endpoint) {
    std::fprintf(stderr, "zone_bench: %s\n", endpoint.error().message.c_str());
    return 2;
  }
  endpoint->timeout = std::chrono::seconds(60);

  // The graph: every asset in one of the five zones.
  const std::string prefix =
      "bench-" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  graph::ZoneGraph g;
  const char* zones[] = {"Zone0_PhysicalProcess", "Zone1_EdgeInference", "Zone2_Operations",
                         "Zone3_Enterprise", "Zone4_External"};
  for (const char* z : zones) g.zones.push_back({z, StaticZoneConsequence(z)});
  for (size_t i = 0; i < assets; ++i)
    g.assets.push_back({prefix + "-" + std::to_string(i), zones[i % 5], ""});
  graph::Neo4jHttpClient loader(*endpoint);
  const auto load_start = std::chrono::steady_clock::now();
  if (auto s = graph::LoadGraphIntoNeo4j(loader, g); !s) {
    std::fprintf(stderr, "zone_bench: %s\n", s.error().message.c_str());
    return 1;
  }
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();

  std::vector<bus::OutgoingMessage> raw;
  raw.reserve(findings);
  for (size_t i = 0; i < findings; ++i) {
    const std::string asset = prefix + "-" + std::to_string(i % assets);
    nlohmann::json f = {{"title", "Finding " + std::to_string(i)},
                        {"entityExternalId", asset},
                        {"entityName", "corp-" + std::to_string(i)},
                        {"entityType", "VirtualMachine"},
                        {"severity", "MEDIUM"}};
    raw.push_back({"ctem.raw.wiz", asset, f.dump(), {{"ctem-source", "wiz"}, {"ctem-tenant", "default"}}});
  }

  const std::string dir = std::filesystem::temp_directory_path() / ("zone-bench-" + prefix);
  std::filesystem::create_directories(dir);
  graph::StaticZoneResolver static_resolver;
  const Run base = Normalise(dir, "static", raw, static_resolver, batch);
  SystemClock clock;
  graph::Neo4jZoneResolver neo(std::make_unique<graph::Neo4jHttpClient>(*endpoint), clock);
  const Run cold = Normalise(dir, "cold", raw, neo, batch);
  const Run warm = Normalise(dir, "warm", raw, neo, batch);
  std::filesystem::remove_all(dir);

  std::printf("zone_bench: %zu findings over %zu assets, poll batch %zu; graph load %.2f s\n", findings,
              assets, batch, load_s);
  std::printf("%-14s %12s %10s %12s %11s %10s\n", "resolver", "findings/s", "vs static", "round trips",
              "cache hits", "fallbacks");
  auto row = [&](const char* name, const Run& r) {
    const double rate = static_cast<double>(findings) / r.seconds;
    std::printf("%-14s %12.0f %9.2fx %12llu %11llu %10llu\n", name, rate,
                rate / (static_cast<double>(findings) / base.seconds),
                static_cast<unsigned long long>(r.stats.round_trips),
                static_cast<unsigned long long>(r.stats.cache_hits),
                static_cast<unsigned long long>(r.stats.fallbacks));
  };
  row("static", base);
  row("neo4j cold", cold);
  row("neo4j warm", warm);
  return 0;
}
