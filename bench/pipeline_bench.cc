// End-to-end throughput: findings POSTed to the gateway until they are rows in the store,
// through the embedded bus or Kafka, with the freshness of sampled findings (the time from
// their 202 to their row being queryable) and the peak resident memory (VmHWM) of every
// service process.
//
//   bench/pipeline_bench --ctem build/ctem --store URL [--bus kafka://host:port]
//                        [--findings 50000] [--per-request 100] [--connections 4]
//                        [--token T] [--sample-every 50] [--tsv]
//
// Embedded mode runs `ctem serve` (one process); Kafka mode runs gateway, normaliser and
// persister as three processes, as production would. --token (or CTEM_BENCH_TOKEN) is sent as
// `Authorization: Bearer <token>` when the gateway asks for one. Freshness: every
// --sample-every'th finding's exposure key is polled for (every 10 ms, one query for all keys
// still pending) from the moment its POST returned 202. At full load that is mostly the
// backlog the clients build ahead of the pipeline, so a second phase (--paced-seconds) sends at
// half the end-to-end rate just measured, on a fixed schedule, and reports freshness there.
// --tsv prints tab-separated rows for bench/run:
//   e2e <mode> <findings/s accepted> <findings/s stored> <p50 ms> <p99 ms> <stored> <accepted>
//   paced <mode> <findings/s offered> <p50 ms> <p99 ms> <sampled>
//   rss <mode> <service> <peak MiB> <at-rest MiB>
#include <CLI/CLI.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/exposure_key.h"
#include "store/store.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace {

using Clock = std::chrono::steady_clock;

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())));
  return v[i];
}

// A /proc/PID/status figure in KiB: "VmHWM:" (peak resident) or "VmRSS:" (resident now).
long StatusKb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + field.size());
  }
  return -1;
}
long PeakRssKb(pid_t pid) { return StatusKb(pid, "VmHWM:"); }

}  // namespace

// POSIX single-quoting for the one command line run through popen.
static std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

int main(int argc, char** argv) {
  CLI::App app{"End-to-end pipeline throughput"};
  std::string ctem_bin = "build/ctem";
  std::string store_url;
  std::string bus_url;
  size_t findings = 50000;
  size_t per_request = 100;
  int connections = 4;
  std::string token = std::getenv("CTEM_BENCH_TOKEN") ? std::getenv("CTEM_BENCH_TOKEN") : "";
  size_t sample_every = 50;
  double paced_seconds = 10;
  bool tsv = false;
  app.add_option("--ctem", ctem_bin, "The ctem binary");
  app.add_option("--store", store_url, "Store URL (a scratch database)")->required();
  app.add_option("--bus", bus_url, "kafka://host:port (default: the embedded bus)");
  app.add_option("--findings", findings, "Findings to send");
  app.add_option("--per-request", per_request, "Findings per POST");
  app.add_option("--connections", connections, "Concurrent HTTP connections");
  app.add_option("--token", token, "Bearer token for the gateway (env CTEM_BENCH_TOKEN)");
  app.add_option("--sample-every", sample_every, "Track the freshness of every Nth finding");
  app.add_option("--paced-seconds", paced_seconds,
                 "Then send at half the measured end-to-end rate for this long and report that freshness (0: skip)");
  app.add_flag("--tsv", tsv, "Tab-separated rows for bench/run");
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
  // Without --token: an ingest token (docs/security.md), made as an operator would.
  if (token.empty()) {
    const std::string cmd = ShellQuote(ctem_bin) + " --store " + ShellQuote(store_url) +
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
  // Each service's resident memory at rest, before any load: the baseline of its peak.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::vector<long> idle_kb;
  for (auto& svc : services) idle_kb.push_back(StatusKb(svc->pid(), "VmRSS:"));
  // Freshness: keys waiting for their row, with the time their POST was accepted and the
  // phase (0: as fast as the clients can send, 1: paced) whose sample they belong to.
  std::mutex mu;
  std::map<std::string, std::pair<Clock::time_point, int>> pending;
  std::vector<double> freshness_ms[2];
  std::atomic<bool> sending{true};
  std::thread poller([&] {
    auto poll_store = ctem::store::OpenStore(store_url);
    if (!poll_store) return;
    while (true) {
      std::vector<std::string> keys;
      {
        std::lock_guard<std::mutex> lock(mu);
        for (const auto& [k, t] : pending) keys.push_back(k);
      }
      if (keys.empty() && !sending) break;
      if (!keys.empty()) {
        std::string sql = "SELECT exposure_key FROM ctem_exposures WHERE tenant_id = 'default' AND exposure_key IN (";
        std::vector<ctem::store::SqlValue> params;
        for (size_t i = 0; i < keys.size() && i < 2000; ++i) {
          sql += i ? ",?" : "?";
          params.emplace_back(keys[i]);
        }
        auto rows = (*poll_store)->Sql().Query(sql + ")", params);
        const auto seen_at = Clock::now();
        if (rows) {
          std::lock_guard<std::mutex> lock(mu);
          for (const auto& r : *rows) {
            auto it = pending.find(ctem::store::AsText(r[0]));
            if (it == pending.end()) continue;
            freshness_ms[it->second.second].push_back(
                std::chrono::duration<double, std::milli>(seen_at - it->second.first).count());
            pending.erase(it);
          }
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  std::atomic<size_t> accepted{0};
  std::atomic<size_t> failed{0};
  const std::string run = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  // Sends findings [first, first + count) on `connections` connections: as fast as they go
  // (rate 0) or each POST at its slot of a fixed schedule of `rate` findings/s (paced, so
  // freshness is measured below the pipeline's capacity instead of behind a growing backlog).
  auto send = [&](size_t first, size_t count, double rate, int phase) {
    // Payloads prepared up front so the client's JSON work is not measured.
    std::vector<std::string> bodies;
    std::vector<std::vector<std::string>> sampled_keys;  // per body, the keys whose freshness is tracked
    for (size_t i = first; i < first + count; i += per_request) {
      nlohmann::json f = nlohmann::json::array();
      sampled_keys.emplace_back();
      for (size_t j = i; j < std::min(first + count, i + per_request); ++j) {
        const std::string id = run + "-" + std::to_string(j);
        const std::string title = "Bench finding " + id;
        const std::string asset = "vm-" + std::to_string(j % 5000);
        f.push_back({{"title", title}, {"entityExternalId", asset}, {"entityName", asset}, {"severity", "HIGH"}});
        if (sample_every > 0 && j % sample_every == 0) {
          sampled_keys.back().push_back(ctem::GenerateExposureKey("Wiz", title, asset));
        }
      }
      bodies.push_back(nlohmann::json{{"source_tool", "wiz"}, {"findings", f}}.dump());
    }
    std::atomic<size_t> next{0};
    const auto schedule_start = Clock::now();
    const auto interval = std::chrono::duration<double>(rate > 0 ? static_cast<double>(per_request) / rate : 0.0);
    std::vector<std::thread> clients;
    for (int c = 0; c < connections; ++c) {
      clients.emplace_back([&] {
        httplib::Client client("127.0.0.1", port);
        client.set_read_timeout(60, 0);
        httplib::Headers headers;
        if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
        for (size_t i = next++; i < bodies.size(); i = next++) {
          if (rate > 0) {
            std::this_thread::sleep_until(schedule_start + std::chrono::duration_cast<Clock::duration>(
                                                      interval * static_cast<double>(i)));
          }
          auto res = client.Post("/api/ctem/ingest", headers, bodies[i], "application/json");
          if (res && res->status == 202) {
            const auto at = Clock::now();
            accepted += nlohmann::json::parse(res->body)["accepted"].get<size_t>();
            std::lock_guard<std::mutex> lock(mu);
            for (const auto& k : sampled_keys[i]) pending.emplace(k, std::make_pair(at, phase));
          } else {
            ++failed;
            if (failed == 1) {
              std::fprintf(stderr, "POST failed: %s\n",
                           res ? (std::to_string(res->status) + " " + res->body).c_str()
                               : httplib::to_string(res.error()).c_str());
            }
          }
        }
      });
    }
    for (auto& t : clients) t.join();
  };
  // Waits until every accepted finding is a row (at most 600 s from t0); the rows stored.
  auto wait_stored = [&](Clock::time_point t0) {
    size_t stored = 0;
    while (std::chrono::duration<double>(Clock::now() - t0).count() < 600) {
      stored = (*store)->CountExposures("default").value_or(0) - before;
      if (stored >= accepted) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return stored;
  };

  // Phase 0: throughput, the clients as fast as they go.
  const auto t0 = Clock::now();
  send(0, findings, 0, 0);
  const double accept_secs = std::chrono::duration<double>(Clock::now() - t0).count();
  size_t stored = wait_stored(t0);
  const double total_secs = std::chrono::duration<double>(Clock::now() - t0).count();
  const double accept_rate = static_cast<double>(accepted) / accept_secs;
  const double e2e_rate = static_cast<double>(stored) / total_secs;
  const size_t accepted_full_load = accepted;
  const size_t stored_full_load = stored;
  // Phase 1: freshness at half the end-to-end rate just measured, for --paced-seconds.
  const double paced_rate = 0.5 * e2e_rate;
  if (paced_seconds > 0 && stored == accepted && paced_rate > 0) {
    const auto count = static_cast<size_t>(paced_rate * paced_seconds);
    send(findings, std::max(count, per_request), paced_rate, 1);
    stored = wait_stored(t0);
  }
  sending = false;
  {
    // Whatever was never seen within the wait is dropped from the freshness sample (and shows
    // as stored < accepted).
    std::lock_guard<std::mutex> lock(mu);
    if (stored < accepted) pending.clear();
  }
  poller.join();
  const double p50 = Percentile(freshness_ms[0], 50);
  const double p99 = Percentile(freshness_ms[0], 99);
  const double paced_p50 = Percentile(freshness_ms[1], 50);
  const double paced_p99 = Percentile(freshness_ms[1], 99);
  const char* mode = bus_url.empty() ? "embedded" : "kafka";
  if (tsv) {
    std::printf("e2e\t%s\t%.0f\t%.0f\t%.1f\t%.1f\t%zu\t%zu\n", mode, accept_rate, e2e_rate, p50, p99,
                stored_full_load, accepted_full_load);
    if (!freshness_ms[1].empty()) {
      std::printf("paced\t%s\t%.0f\t%.1f\t%.1f\t%zu\n", mode, paced_rate, paced_p50, paced_p99, freshness_ms[1].size());
    }
    for (size_t i = 0; i < services.size(); ++i) {
      std::printf("rss\t%s\t%s\t%.1f\t%.1f\n", mode, names[i].c_str(),
                  static_cast<double>(PeakRssKb(services[i]->pid())) / 1024.0,
                  static_cast<double>(idle_kb[i]) / 1024.0);
    }
  } else {
    std::printf("mode            %s\n", bus_url.empty() ? "embedded bus + store" : "kafka + store");
    std::printf("findings        sent %zu, accepted %zu, stored %zu (then %zu paced; %zu of %zu stored in all)\n",
                findings, accepted_full_load, stored_full_load, accepted - accepted_full_load, stored, accepted.load());
    std::printf("gateway         %.0f findings/s accepted (%.2f s)\n", accept_rate, accept_secs);
    std::printf("end to end      %.0f findings/s POST-to-row (%.2f s)\n", e2e_rate, total_secs);
    std::printf("freshness       p50 %.1f ms, p99 %.1f ms (%zu sampled findings, at full load)\n", p50, p99,
                freshness_ms[0].size());
    if (!freshness_ms[1].empty()) {
      std::printf("paced           %.0f findings/s for %.0f s: freshness p50 %.1f ms, p99 %.1f ms (%zu sampled)\n",
                  paced_rate, paced_seconds, paced_p50, paced_p99, freshness_ms[1].size());
    }
    for (size_t i = 0; i < services.size(); ++i) {
      std::printf("peak RSS        %-11s %6.1f MiB (at rest %.1f MiB)\n", names[i].c_str(),
                  static_cast<double>(PeakRssKb(services[i]->pid())) / 1024.0, static_cast<double>(idle_kb[i]) / 1024.0);
    }
  }
  for (auto& s : services) s->Stop();
  return stored == accepted ? 0 : 1;
}
