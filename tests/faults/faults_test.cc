// The fault-injection suite (issue 9, docs/reliability.md): the production deployment —
// PostgreSQL, a Kafka broker, and `ctem gateway`, `ctem normaliser`, `ctem persister` as
// separate processes — takes a steady stream of sequence-numbered findings from two tenants
// while the harness SIGKILLs and restarts, in turn, the normaliser, the persister, the gateway,
// the Kafka broker and PostgreSQL. The servers are this test's own (scripts/servers/*.sh with a
// private CTEM_VAR_DIR and free ports), never the shared ones.
//
// Pass, once the pipeline has drained:
//   - every finding answered 2xx is stored exactly once (lost = 0, duplicates = 0);
//   - nothing else is stored: no finding that was never sent (unknown = 0). A finding whose
//     POST failed or timed out MAY be stored — the gateway can have published it before it
//     died or before the answer reached the sender; it is counted as "maybe" and, if stored,
//     must be stored once too;
//   - the gateway refused (503, never 2xx) while the broker was down;
//   - nothing reached ctem.dlq (an outage is not bad input);
//   - every service is still running.
// It prints the counts: sent, accepted, refused, failed, stored, duplicates, lost, unknown.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bus/open_bus.h"
#include "support/process.h"
#include "support/run_ctem.h"
#include "support/tokens.h"
#include "support/temp_dir.h"

namespace ctem {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

const std::vector<std::string> kTenants = {"A", "B"};

// Each tenant's ingest token (`ctem token create`, made in SetUp): the tenant of every finding
// comes from it, never from the body.
std::map<std::string, std::string>& TenantTokens() {
  static std::map<std::string, std::string> tokens;
  return tokens;
}

// The HTTP headers a tenant's sender adds to every POST.
httplib::Headers HeadersFor(const std::string& tenant) {
  return {{"Authorization", "Bearer " + TenantTokens().at(tenant)}};
}

// A free TCP port on 127.0.0.1 (bound and released; the servers take it right after).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::string Tail(const std::string& path, size_t bytes = 3000) {
  const std::string all = testing::Slurp(path);
  return all.size() > bytes ? all.substr(all.size() - bytes) : all;
}

// One sent finding and what became of its POST.
enum class Outcome { kAccepted, kRefused, kFailed };

class FaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("CTEM_BUS_NAMESPACE");
    // The cluster's OS user (postgres, when run as root) must reach the var dir.
    chmod(dir_.path().c_str(), 0755);
    var_ = dir_.File("var");
    std::filesystem::create_directories(var_ + "/kafka");
    // The broker's jars: the repository's cached copy when there is one (scripts/test fetched
    // it), else kafka.sh downloads them.
    const std::string libs = std::string(CTEM_SOURCE_DIR) + "/var/kafka/libs";
    if (std::filesystem::exists(libs + "/.complete")) std::filesystem::create_directory_symlink(libs, var_ + "/kafka/libs");
    pg_port_ = FreePort();
    kafka_port_ = FreePort();
    controller_port_ = FreePort();
    auto pg = std::async(std::launch::async, [this] { return Server("postgres", "start"); });
    auto kafka = std::async(std::launch::async, [this] { return Server("kafka", "start"); });
    const bool pg_ok = pg.get() == 0;
    const bool kafka_ok = kafka.get() == 0;
    if (!pg_ok || !kafka_ok) {
      const std::string reason = "could not start this suite's own PostgreSQL/Kafka (scripts/servers; log " +
                                 dir_.File("servers.log") + "):\n" + Tail(dir_.File("servers.log"));
      const char* required = std::getenv("CTEM_REQUIRE_SERVERS");
      if (required != nullptr && std::string(required) == "1") FAIL() << reason;
      GTEST_SKIP() << reason;
    }
    servers_up_ = true;
    // synchronous_commit on for the engine's sessions: the test cluster runs with it off (fast
    // CI), and then a SIGKILLed server could forget commits the persister already relied on.
    store_url_ = "postgresql://ctem:ctem@127.0.0.1:" + std::to_string(pg_port_) +
                 "/ctem?options=-c%20synchronous_commit%3Don";
    admin_url_ = "postgresql://postgres:postgres@127.0.0.1:" + std::to_string(pg_port_) + "/ctem";
    bus_url_ = "kafka://127.0.0.1:" + std::to_string(kafka_port_);
    auto migrate = testing::RunCtem(dir_, {"--store", store_url_, "migrate"});
    ASSERT_EQ(migrate.exit_code, 0) << migrate.out << migrate.err;
    auto topics = testing::RunCtem(dir_, {"--bus", bus_url_, "topics", "create"});
    ASSERT_EQ(topics.exit_code, 0) << topics.out << topics.err;
    for (const auto& tenant : kTenants) {
      TenantTokens()[tenant] = testing::CreateToken(dir_, store_url_, tenant, "ingest");
      ASSERT_FALSE(TenantTokens()[tenant].empty());
    }
  }

  void TearDown() override {
    stop_senders_ = true;
    for (auto& t : senders_) t.join();
    gateway_.Kill();
    normaliser_.Kill();
    persister_.Kill();
    if (HasFailure()) {
      for (const char* log : {"gateway.log", "normaliser.log", "persister.log", "servers.log"}) {
        std::fprintf(stderr, "---- %s (tail) ----\n%s\n", log, Tail(dir_.File(log)).c_str());
      }
    }
    // `reset` stops the server and deletes its files (the cluster may live outside var_).
    Server("kafka", "reset");
    Server("postgres", "reset");
  }

  // Runs scripts/servers/<name>.sh <action> against this suite's own servers.
  int Server(const std::string& name, const std::string& action) {
    const std::string cmd = "env CTEM_VAR_DIR=" + testing::ShellQuote(var_) +
                            " CTEM_PG_PORT=" + std::to_string(pg_port_) +
                            " CTEM_KAFKA_PORT=" + std::to_string(kafka_port_) +
                            " CTEM_KAFKA_CONTROLLER_PORT=" + std::to_string(controller_port_) + " " +
                            testing::ShellQuote(std::string(CTEM_SOURCE_DIR) + "/scripts/servers/" + name + ".sh") +
                            " " + action + " >>" + testing::ShellQuote(dir_.File("servers.log")) + " 2>&1";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // The server's main pid, from `<name>.sh status` ("...: running (pid N, ...").
  pid_t ServerPid(const std::string& name) {
    const std::string cmd = "env CTEM_VAR_DIR=" + testing::ShellQuote(var_) +
                            " CTEM_PG_PORT=" + std::to_string(pg_port_) +
                            " CTEM_KAFKA_PORT=" + std::to_string(kafka_port_) + " " +
                            testing::ShellQuote(std::string(CTEM_SOURCE_DIR) + "/scripts/servers/" + name + ".sh") +
                            " status 2>/dev/null";
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    char buf[256];
    while (p != nullptr && fgets(buf, sizeof buf, p) != nullptr) out += buf;
    if (p != nullptr) pclose(p);
    std::smatch m;
    if (!std::regex_search(out, m, std::regex(R"(running \(pid ([0-9]+))"))) return -1;
    return static_cast<pid_t>(std::stoi(m[1]));
  }

  // SIGKILLs a server: a crash, nothing flushed or shut down cleanly.
  void KillServer(const std::string& name) {
    const pid_t pid = ServerPid(name);
    ASSERT_GT(pid, 0) << name << " is not running";
    kill(pid, SIGKILL);
    for (int i = 0; i < 100 && kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(milliseconds(50));
    // PostgreSQL's backends outlive a killed postmaster (and would keep serving their
    // sessions); `stop` finds no postmaster and SIGKILLs those orphans.
    if (name == "postgres") Server("postgres", "stop");
  }

  std::vector<std::string> Global() const { return {"--store", store_url_, "--bus", bus_url_}; }

  // Starts one service; the gateway's port is published to the senders.
  void StartService(const std::string& which) {
    auto args = Global();
    args.push_back(which);
    if (which == "gateway") {
      for (const char* a : {"--host", "127.0.0.1", "--port", "0"}) args.push_back(a);
    } else {
      for (const char* a : {"--linger-ms", "20"}) args.push_back(a);
    }
    testing::ServiceProcess& p = Process(which);
    const std::string line = p.Start(CTEM_BINARY, args, dir_.path().string(), dir_.File(which + ".log"),
                                     seconds(60));
    if (which == "gateway") {
      const int port = testing::ListeningPort(line);
      ASSERT_GT(port, 0) << "gateway did not start: " << line << "\n" << Tail(dir_.File("gateway.log"));
      gateway_port_ = port;
    } else {
      ASSERT_NE(line.find("\"running\""), std::string::npos)
          << which << " did not start: " << line << "\n" << Tail(dir_.File(which + ".log"));
    }
  }

  testing::ServiceProcess& Process(const std::string& which) {
    if (which == "gateway") return gateway_;
    if (which == "normaliser") return normaliser_;
    return persister_;
  }

  void KillAndRestart(const std::string& which) {
    std::this_thread::sleep_for(milliseconds(2500));
    Note("SIGKILL " + which);
    Process(which).Kill();
    std::this_thread::sleep_for(milliseconds(1000));
    StartService(which);
    Note("restarted " + which);
  }

  void Note(const std::string& what) {
    const double t = std::chrono::duration<double>(Clock::now() - t0_).count();
    std::printf("[faults %6.1fs] %s\n", t, what.c_str());
    std::fflush(stdout);
  }

  // One sender per tenant: one finding per POST, each sequence number sent once.
  void StartSenders() {
    for (const std::string& tenant : kTenants) {
      senders_.emplace_back([this, tenant] {
        for (long seq = 0; !stop_senders_; ++seq) {
          const json payload = {{"source_tool", "custom"},
                                {"findings",
                                 json::array({{{"title", "faults tenant " + tenant + " seq " + std::to_string(seq)},
                                               {"severity", "high"},
                                               {"asset_id", "faults-" + tenant + "-" + std::to_string(seq)}}})}};
          httplib::Client client("127.0.0.1", gateway_port_.load());
          client.set_connection_timeout(1, 0);
          client.set_read_timeout(20, 0);
          auto res = client.Post("/api/ctem/ingest", HeadersFor(tenant), payload.dump(), "application/json");
          Outcome outcome = Outcome::kFailed;
          if (res && res->status >= 200 && res->status < 300) outcome = Outcome::kAccepted;
          else if (res) outcome = Outcome::kRefused;
          {
            std::lock_guard<std::mutex> lock(mu_);
            sent_[{tenant, seq}] = outcome;
            if (res && res->status == 503 && broker_down_) ++refused_while_broker_down_;
            if (res && res->status >= 200 && res->status < 300 && broker_down_) ++accepted_while_broker_down_;
          }
          std::this_thread::sleep_for(milliseconds(outcome == Outcome::kAccepted ? 15 : 100));
        }
      });
    }
  }

  // (tenant, seq) -> how many stored exposures carry that title; plus titles that parse as
  // nothing this suite sent.
  std::map<std::pair<std::string, long>, int> Stored(size_t& unparsable) {
    const std::string cmd = "psql " + testing::ShellQuote(admin_url_) +
                            " -qAtF'|' -c \"SELECT tenant_id, title, count(*) FROM ctem_exposures GROUP BY tenant_id, title\" 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    std::map<std::pair<std::string, long>, int> out;
    unparsable = 0;
    char buf[512];
    // The row's tenant must be the one its title names: the token's, not the body's.
    const std::regex row(R"(^([A-Za-z]+)\|faults tenant ([A-Z]) seq ([0-9]+)\|([0-9]+)\s*$)");
    while (p != nullptr && fgets(buf, sizeof buf, p) != nullptr) {
      std::cmatch m;
      if (std::regex_match(buf, m, row) && m[1].str() == m[2].str()) {
        out[{m[2].str(), std::stol(m[3].str())}] += std::stoi(m[4].str());
      } else {
        ++unparsable;
        std::fprintf(stderr, "faults: unexpected row: %s", buf);
      }
    }
    if (p != nullptr) pclose(p);
    return out;
  }

  // Records ever written to ctem.dlq: the end offsets of its partitions.
  size_t DeadLetters() {
    auto bus = bus::OpenBus(bus_url_, dir_.File("unused.db"));
    if (!bus) return SIZE_MAX;
    auto lag = (*bus)->GroupLag("faults-dlq-reader", {"ctem.dlq"});
    if (!lag) return SIZE_MAX;
    size_t n = 0;
    for (const auto& p : *lag) n += static_cast<size_t>(p.end);
    return n;
  }

  testing::TempDir dir_;
  std::string var_;
  int pg_port_ = 0;
  int kafka_port_ = 0;
  int controller_port_ = 0;
  bool servers_up_ = false;
  std::string store_url_;
  std::string admin_url_;
  std::string bus_url_;
  testing::ServiceProcess gateway_;
  testing::ServiceProcess normaliser_;
  testing::ServiceProcess persister_;
  std::atomic<int> gateway_port_{0};
  std::atomic<bool> stop_senders_{false};
  std::atomic<bool> broker_down_{false};
  std::vector<std::thread> senders_;
  std::mutex mu_;
  std::map<std::pair<std::string, long>, Outcome> sent_;  // guarded by mu_
  size_t refused_while_broker_down_ = 0;                  // guarded by mu_
  size_t accepted_while_broker_down_ = 0;                 // guarded by mu_
  Clock::time_point t0_ = Clock::now();
};

TEST_F(FaultsTest, EveryAcceptedFindingIsStoredExactlyOnceThroughCrashesOfEveryProcessAndServer) {
  t0_ = Clock::now();
  for (const char* s : {"persister", "normaliser", "gateway"}) StartService(s);
  Note("pipeline up; sending");
  StartSenders();

  KillAndRestart("normaliser");
  KillAndRestart("persister");
  KillAndRestart("gateway");

  std::this_thread::sleep_for(milliseconds(2500));
  Note("SIGKILL kafka");
  broker_down_ = true;
  KillServer("kafka");
  std::this_thread::sleep_for(milliseconds(6000));  // the gateway must refuse meanwhile
  const int kafka_started = Server("kafka", "start");
  broker_down_ = false;
  ASSERT_EQ(kafka_started, 0) << Tail(dir_.File("servers.log"));
  Note("restarted kafka");

  std::this_thread::sleep_for(milliseconds(2500));
  Note("SIGKILL postgres");
  KillServer("postgres");
  std::this_thread::sleep_for(milliseconds(4000));  // the persister pauses; the gateway still accepts
  ASSERT_EQ(Server("postgres", "start"), 0) << Tail(dir_.File("servers.log"));
  Note("restarted postgres");

  std::this_thread::sleep_for(milliseconds(3000));
  stop_senders_ = true;
  for (auto& t : senders_) t.join();
  senders_.clear();
  Note("senders stopped");

  std::set<std::pair<std::string, long>> accepted;
  size_t refused = 0;
  size_t failed = 0;
  for (const auto& [id, outcome] : sent_) {
    if (outcome == Outcome::kAccepted) accepted.insert(id);
    if (outcome == Outcome::kRefused) ++refused;
    if (outcome == Outcome::kFailed) ++failed;
  }
  // Drain: until every accepted finding is stored, or the store stops changing for 15 s.
  size_t unparsable = 0;
  std::map<std::pair<std::string, long>, int> stored;
  size_t last = SIZE_MAX;
  auto changed = Clock::now();
  for (const auto deadline = Clock::now() + seconds(90); Clock::now() < deadline;) {
    stored = Stored(unparsable);
    size_t present = 0;
    for (const auto& id : accepted) present += stored.count(id);
    if (present == accepted.size()) break;
    if (stored.size() != last) {
      last = stored.size();
      changed = Clock::now();
    } else if (Clock::now() - changed > seconds(15)) {
      break;
    }
    std::this_thread::sleep_for(milliseconds(500));
  }
  std::this_thread::sleep_for(milliseconds(1500));  // late arrivals would be duplicates or unknowns
  stored = Stored(unparsable);
  Note("drained");

  size_t lost = 0;
  size_t duplicates = 0;
  size_t unknown = unparsable;
  size_t maybe_stored = 0;
  for (const auto& id : accepted) lost += stored.count(id) ? 0u : 1u;
  for (const auto& [id, copies] : stored) {
    if (copies > 1) duplicates += static_cast<size_t>(copies - 1);
    const auto s = sent_.find(id);
    if (s == sent_.end()) ++unknown;
    else if (s->second != Outcome::kAccepted) ++maybe_stored;
  }
  std::printf(
      "faults: sent %zu, accepted %zu, refused %zu, failed %zu, stored %zu (of them not acknowledged %zu), "
      "duplicates %zu, lost %zu, unknown %zu; during the broker outage: %zu refused with 503, %zu accepted\n",
      sent_.size(), accepted.size(), refused, failed, stored.size(), maybe_stored, duplicates, lost, unknown,
      refused_while_broker_down_, accepted_while_broker_down_);
  std::fflush(stdout);

  EXPECT_EQ(lost, 0u) << "findings answered 2xx that are not stored";
  EXPECT_EQ(duplicates, 0u) << "findings stored more than once";
  EXPECT_EQ(unknown, 0u) << "stored findings that were never sent";
  EXPECT_GT(accepted.size(), 200u) << "the stream was too thin to prove anything";
  EXPECT_GT(refused_while_broker_down_, 0u) << "the gateway never answered 503 while the broker was down";
  EXPECT_EQ(DeadLetters(), 0u) << "outages must not dead-letter anything";
  EXPECT_TRUE(gateway_.Running());
  EXPECT_TRUE(normaliser_.Running());
  EXPECT_TRUE(persister_.Running());
}

}  // namespace
}  // namespace ctem
