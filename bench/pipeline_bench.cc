// End-to-end throughput: findings POSTed to the gateway until they are rows in the store,
// through the embedded bus or Kafka, with the peak resident memory of every service process.
//
//   bench/pipeline_bench --ctem build/ctem --store URL [--bus kafka://host:port]
//                        [--findings 50000] [--per-request 100] [--connections 4]
//
// Embedded mode runs `ctem serve` (one process); Kafka mode runs gateway, normaliser and
// persister as three processes, as production would.
#include <CLI/CLI.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "store/store.h"
#include "support/process.h"
#include "support/run_ctem.h"
#include "support/temp_dir.h"

namespace {

using Clock = std::chrono::steady_clock;

long PeakRssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"End-to-end pipeline throughput"};
  std::string ctem_bin = "build/ctem";
  std::string store_url;
  std::string bus_url;
  size_t findings = 50000;
  size_t per_request = 100;
  int connections = 4;
  app.add_option("--ctem", ctem_bin, "The ctem binary");
  app.add_option("--store", store_url, "Store URL (a scratch database)")->required();
  app.add_option("--bus", bus_url, "kafka://host:port (default: the embedded bus)");
  app.add_option("--findings", findings, "Findings to send");
  app.add_option("--per-request", per_request, "Findings per POST");
  app.add_option("--connections", connections, "Concurrent HTTP connections");
  CLI11_PARSE(app, argc, argv);
  ctem_bin = std::filesystem::absolute(ctem_bin).string();  // the services run in a scratch directory

  ctem::testing::TempDir dir;
  auto store = ctem::store::OpenStore(store_url);
  if (!store || !(*store)->Migrate()) {
    std::fprintf(stderr, "cannot open %s\n", store_url.c_str());
    return 1;
  }
  const size_t before = (*store)->CountExposures("default").value_or(0);
  std::vector<std::string> global = {"--store", store_url};
  if (!bus_url.empty()) {
    global.push_back("--bus");
    global.push_back(bus_url);
    auto topics = global;
    topics.insert(topics.end(), {"topics", "create"});
    ctem::testing::ServiceProcess t;
    (void)t.Start(ctem_bin, topics, dir.path().string(), dir.File("topics.log"));
  }
  // An ingest token (docs/security.md), made as an operator would.
  std::string token;
  {
    const std::string cmd = ctem::testing::ShellQuote(ctem_bin) + " --store " + ctem::testing::ShellQuote(store_url) +
                            " token create --scope ingest 2>/dev/null";
    FILE* f = popen(cmd.c_str(), "r");
    char buf[256] = {0};
    if (f != nullptr && std::fgets(buf, sizeof(buf), f) != nullptr) token = buf;
    if (f != nullptr) pclose(f);
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    if (token.empty()) {
      std::fprintf(stderr, "ctem token create failed\n");
      return 1;
    }
  }
  std::vector<std::unique_ptr<ctem::testing::ServiceProcess>> services;
  std::vector<std::string> names;
  auto start = [&](std::vector<std::string> args, const std::string& name) {
    auto argv_all = global;
    argv_all.insert(argv_all.end(), args.begin(), args.end());
    services.push_back(std::make_unique<ctem::testing::ServiceProcess>());
    names.push_back(name);
    return services.back()->Start(ctem_bin, argv_all, dir.path().string(), dir.File(name + ".log"));
  };
  std::string line;
  if (bus_url.empty()) {
    // --rate-limit 0: the benchmark measures the pipeline, not the per-token limit.
    line = start({"serve", "--host", "127.0.0.1", "--port", "0", "--batch-size", "2000", "--rate-limit", "0"}, "serve");
  } else {
    line = start({"gateway", "--host", "127.0.0.1", "--port", "0", "--rate-limit", "0"}, "gateway");
    start({"normaliser", "--batch-size", "2000"}, "normaliser");
    start({"persister", "--batch-size", "2000"}, "persister");
  }
  const int port = ctem::testing::ListeningPort(line);
  if (port == 0) {
    std::fprintf(stderr, "the gateway did not start: %s\n", line.c_str());
    return 1;
  }
  // Payloads prepared up front so the client's JSON work is not measured.
  std::vector<std::string> bodies;
  const std::string run = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  for (size_t i = 0; i < findings; i += per_request) {
    nlohmann::json f = nlohmann::json::array();
    for (size_t j = i; j < std::min(findings, i + per_request); ++j) {
      const std::string id = run + "-" + std::to_string(j);
      f.push_back({{"title", "Bench finding " + id}, {"entityExternalId", "vm-" + std::to_string(j % 5000)},
                   {"entityName", "vm-" + std::to_string(j % 5000)}, {"severity", "HIGH"}});
    }
    bodies.push_back(nlohmann::json{{"source_tool", "wiz"}, {"findings", f}}.dump());
  }
  std::atomic<size_t> next{0};
  std::atomic<size_t> accepted{0};
  const auto t0 = Clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < connections; ++c) {
    clients.emplace_back([&] {
      httplib::Client client("127.0.0.1", port);
      client.set_read_timeout(60, 0);
      client.set_bearer_token_auth(token);
      for (size_t i = next++; i < bodies.size(); i = next++) {
        auto res = client.Post("/api/ctem/ingest", bodies[i], "application/json");
        if (res && res->status == 202) accepted += nlohmann::json::parse(res->body)["accepted"].get<size_t>();
      }
    });
  }
  for (auto& t : clients) t.join();
  const double accept_secs = std::chrono::duration<double>(Clock::now() - t0).count();
  size_t stored = 0;
  while (std::chrono::duration<double>(Clock::now() - t0).count() < 600) {
    stored = (*store)->CountExposures("default").value_or(0) - before;
    if (stored >= accepted) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const double total_secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("mode            %s\n", bus_url.empty() ? "embedded bus + store" : "kafka + store");
  std::printf("findings        sent %zu, accepted %zu, stored %zu\n", findings, accepted.load(), stored);
  std::printf("gateway         %.0f findings/s accepted (%.2f s)\n", static_cast<double>(accepted) / accept_secs, accept_secs);
  std::printf("end to end      %.0f findings/s POST-to-row (%.2f s)\n", static_cast<double>(stored) / total_secs, total_secs);
  for (size_t i = 0; i < services.size(); ++i) {
    std::printf("peak RSS        %-11s %6.1f MiB\n", names[i].c_str(), static_cast<double>(PeakRssKb(services[i]->pid())) / 1024.0);
  }
  for (auto& s : services) s->Stop();
  return stored == accepted ? 0 : 1;
}
