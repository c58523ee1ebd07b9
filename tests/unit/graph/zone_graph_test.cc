// The graph file format, the file resolver, Neo4j address parsing, and the Neo4j resolver's
// behaviour when the server is unreachable or stalls (fault injection beside the real-server
// tests in tests/integration/graph).
#include "graph/zone_graph.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "core/time.h"
#include "graph/file_zone_resolver.h"
#include "graph/neo4j_zone_resolver.h"
#include "graph/open_zone_resolver.h"
#include "parsers/parser.h"
#include "pipeline/zone_batch.h"
#include "support/temp_dir.h"

namespace ctem::graph {
namespace {

using namespace std::chrono_literals;

constexpr const char* kPlant = R"(zones:
  - name: Zone0_PhysicalProcess
    consequence_class: safety_life
  - name: LabBench
    consequence_class: equipment
assets:
  - id: plc-line-3
    zone: Zone0_PhysicalProcess
    type: PLC
  - id: scope-01
    zone: LabBench
  - id: historian-01
    zone: Zone2_Operations
)";

TEST(ZoneGraphFile, ParsesZonesAndAssetsAndAddsStandardZonesAssetsName) {
  auto g = ParseZoneGraph(kPlant, "plant.yaml");
  ASSERT_TRUE(g) << g.error().message;
  ASSERT_EQ(g->assets.size(), 3u);
  EXPECT_EQ(g->assets[0].id, "plc-line-3");
  EXPECT_EQ(g->assets[0].type, "PLC");
  EXPECT_EQ(g->assets[1].zone, "LabBench");
  ASSERT_EQ(g->zones.size(), 3u);
  EXPECT_EQ(g->zones[2].name, "Zone2_Operations");
  EXPECT_EQ(g->zones[2].consequence, Consequence::kDowntime);  // the seed's static map
}

TEST(ZoneGraphFile, JsonIsAcceptedBecauseItIsYaml) {
  auto g = ParseZoneGraph(R"({"assets":[{"id":"a","zone":"Zone4_External"}]})", "g.json");
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ(g->zones.at(0).consequence, Consequence::kDataLoss);
}

TEST(ZoneGraphFile, UnknownConsequenceClassIsAnErrorNamingTheLine) {
  auto g = ParseZoneGraph("zones:\n  - name: Z\n    consequence_class: catastrophic\n", "bad.yaml");
  ASSERT_FALSE(g);
  EXPECT_NE(g.error().message.find("bad.yaml: line 2"), std::string::npos) << g.error().message;
  EXPECT_NE(g.error().message.find("catastrophic"), std::string::npos);
  EXPECT_NE(g.error().message.find("safety_life"), std::string::npos);
}

TEST(ZoneGraphFile, DuplicateAssetIsAnErrorNamingBothLines) {
  auto g = ParseZoneGraph(
      "assets:\n  - {id: a, zone: Zone0_PhysicalProcess}\n  - {id: a, zone: Zone3_Enterprise}\n", "dup.yaml");
  ASSERT_FALSE(g);
  EXPECT_NE(g.error().message.find("line 3"), std::string::npos) << g.error().message;
  EXPECT_NE(g.error().message.find("first on line 2"), std::string::npos) << g.error().message;
}

TEST(ZoneGraphFile, UnlistedNonStandardZoneIsAnError) {
  auto g = ParseZoneGraph("assets:\n  - {id: a, zone: Basement}\n", "z.yaml");
  ASSERT_FALSE(g);
  EXPECT_NE(g.error().message.find("Basement"), std::string::npos);
}

TEST(ZoneGraphFile, MissingFieldsAndBadYamlAreErrors) {
  EXPECT_FALSE(ParseZoneGraph("assets:\n  - {zone: Zone0_PhysicalProcess}\n", "f"));
  EXPECT_FALSE(ParseZoneGraph("assets: [ {id: a, zone: ", "f"));
  EXPECT_FALSE(ParseZoneGraph("- just a list", "f"));
  EXPECT_FALSE(LoadZoneGraphFile("/nonexistent/graph.yaml"));
}

TEST(FileZoneResolver, PlacesListedAssetsAndHasNoOpinionOnOthers) {
  auto g = ParseZoneGraph(kPlant, "plant.yaml");
  ASSERT_TRUE(g);
  FileZoneResolver r(*g);
  auto p = r.Lookup("scope-01");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->zone, "LabBench");
  EXPECT_EQ(p->consequence, Consequence::kEquipment);
  EXPECT_EQ(p->source, ZoneSource::kFile);
  EXPECT_FALSE(r.Lookup("not-listed"));
  EXPECT_EQ(r.Kind(), "file");
}

TEST(OpenZoneResolver, PicksByTheSpec) {
  ctem::testing::TempDir dir;
  { std::ofstream(dir.File("g.yaml")) << kPlant; }
  ManualClock clock(ParseTimestamp("2026-11-23T07:00:00Z").value());
  auto s = OpenZoneResolver("static", "", clock);
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)->Kind(), "static");
  auto f = OpenZoneResolver("file:" + dir.File("g.yaml"), "", clock);
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ((*f)->Kind(), "file");
  auto bare = OpenZoneResolver(dir.File("g.yaml"), "", clock);
  ASSERT_TRUE(bare);
  auto n = OpenZoneResolver("neo4j://127.0.0.1:7474", "neo4j/x", clock);
  ASSERT_TRUE(n);
  EXPECT_EQ((*n)->Kind(), "neo4j");
  auto bad = OpenZoneResolver("bolt://127.0.0.1:7687", "", clock);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("neo4j://HOST:7474"), std::string::npos);
}

TEST(Neo4jEndpoint, ParsesAddressDatabaseAndAuth) {
  auto e = ParseNeo4jEndpoint("neo4j://graph.plant:7475/db/assets", "neo4j/s3cret/with/slash");
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->host, "graph.plant");
  EXPECT_EQ(e->port, 7475);
  EXPECT_EQ(e->database, "assets");
  EXPECT_EQ(e->user, "neo4j");
  EXPECT_EQ(e->password, "s3cret/with/slash");
  EXPECT_EQ(e->Describe().find("s3cret"), std::string::npos);
  auto d = ParseNeo4jEndpoint("http://localhost", "none");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->port, 7474);
  EXPECT_EQ(d->database, "neo4j");
  EXPECT_TRUE(d->user.empty());
  EXPECT_FALSE(ParseNeo4jEndpoint("https://x:7473", ""));
  EXPECT_FALSE(ParseNeo4jEndpoint("http://x:notaport", ""));
  EXPECT_FALSE(ParseNeo4jEndpoint("http://user:pw@x:7474", ""));
  EXPECT_FALSE(ParseNeo4jEndpoint("http://x:7474/other", ""));
  EXPECT_FALSE(ParseNeo4jEndpoint("http://x:7474", "nopassword"));
}

// A port nothing listens on: bind, read the port, close.
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

// A server that accepts connections (the kernel completes the handshake) and never answers.
class StalledServer {
 public:
  StalledServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd_, 16);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~StalledServer() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

std::unique_ptr<Neo4jZoneResolver> ResolverAt(int port, const Clock& clock,
                                              std::chrono::milliseconds timeout) {
  auto ep = ParseNeo4jEndpoint("http://127.0.0.1:" + std::to_string(port), "neo4j/x");
  EXPECT_TRUE(ep);
  ep->timeout = timeout;
  Neo4jResolverOptions o;
  o.retry_after = 5s;
  return std::make_unique<Neo4jZoneResolver>(std::make_unique<Neo4jHttpClient>(*ep), clock, o);
}

TEST(Neo4jZoneResolverFaults, UnreachableGraphFallsBackAndIsNotAskedAgainUntilRetry) {
  ManualClock clock(ParseTimestamp("2026-11-23T07:00:00Z").value());
  auto r = ResolverAt(ClosedPort(), clock, 500ms);
  auto p = r->Lookup("plc-line-3");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->zone.empty());
  EXPECT_EQ(p->source, ZoneSource::kFallback);
  EXPECT_TRUE(r->InOutage());
  // During the outage every lookup is answered at once from the fallback, with no round trip.
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(r->Lookup("asset-" + std::to_string(i))->source, ZoneSource::kFallback);
  std::vector<std::string> batch = {"x", "y"};
  r->Prefetch(batch);
  EXPECT_TRUE(r->IsCached("x"));  // it would answer without a round trip
  auto s = r->Stats();
  EXPECT_EQ(s.round_trips, 1u);
  EXPECT_EQ(s.failed_queries, 1u);
  EXPECT_EQ(s.fallbacks, 51u);
  EXPECT_EQ(s.outages, 1u);
  // After retry_after it tries once more; still down, still one outage.
  clock.Advance(6s);
  EXPECT_FALSE(r->IsCached("x"));
  EXPECT_EQ(r->Lookup("x")->source, ZoneSource::kFallback);
  s = r->Stats();
  EXPECT_EQ(s.round_trips, 2u);
  EXPECT_EQ(s.outages, 1u);
  EXPECT_EQ(s.fallbacks, 52u);
}

TEST(Neo4jZoneResolverFaults, StalledGraphIsBoundedByTheTimeout) {
  StalledServer stalled;
  ManualClock clock(ParseTimestamp("2026-11-23T07:00:00Z").value());
  auto r = ResolverAt(stalled.port(), clock, 300ms);
  const auto started = std::chrono::steady_clock::now();
  auto p = r->Lookup("plc-line-3");
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(p);
  EXPECT_EQ(p->source, ZoneSource::kFallback);
  EXPECT_EQ(r->Stats().failed_queries, 1u);
  // Not a timing assertion on the engine's speed: a bound far above the 300 ms timeout that
  // only an unbounded call would cross.
  EXPECT_LT(took, 30s);
}

// A resolver that must fetch what it has not been given in a Prefetch, and counts.
class CountingRemoteResolver final : public ZoneResolver {
 public:
  std::optional<ZonePlacement> Lookup(std::string_view asset_id) const override {
    if (!fetched_.count(std::string(asset_id))) ++single_fetches;
    if (asset_id.starts_with("plc"))
      return ZonePlacement{"Zone0_PhysicalProcess", Consequence::kSafetyLife, ZoneSource::kGraph};
    return std::nullopt;
  }
  void Prefetch(std::span<const std::string> ids) const override {
    ++prefetches;
    for (const auto& id : ids) fetched_.insert(id);
  }
  bool IsCached(std::string_view asset_id) const override {
    return fetched_.count(std::string(asset_id)) != 0;
  }
  std::string_view Kind() const override { return "counting"; }

  mutable int prefetches = 0;
  mutable int single_fetches = 0;

 private:
  mutable std::set<std::string> fetched_;
};

TEST(ParseWithZoneGraph, AsksTheGraphOncePerBatchOfDocuments) {
  const parsers::SourceParser* wiz = parsers::FindParser("wiz");
  ASSERT_NE(wiz, nullptr);
  std::vector<std::string> docs;
  for (int d = 0; d < 3; ++d) {
    std::string doc = "[";
    for (int i = 0; i < 20; ++i) {
      doc += std::string(i ? "," : "") + R"({"title":"t)" + std::to_string(i) + R"(","entityExternalId":")" +
             (i % 2 ? "plc-" : "vm-") + std::to_string(d * 100 + i) +
             R"(","entityName":"corp","entityType":"VirtualMachine","severity":"MEDIUM"})";
    }
    docs.push_back(doc + "]");
  }
  CountingRemoteResolver remote;
  std::vector<pipeline::ParseJob> jobs;
  for (const auto& d : docs) jobs.push_back(pipeline::ParseJob{wiz, d, {}, {}});
  pipeline::ParseWithZoneGraph(jobs, &remote);
  EXPECT_EQ(remote.prefetches, 1);
  EXPECT_EQ(remote.single_fetches, 0);
  size_t critical = 0;
  for (const auto& j : jobs) {
    ASSERT_EQ(j.out.exposures.size(), 20u);
    for (const auto& e : j.out.exposures) {
      if (e.asset_id.starts_with("plc")) {
        EXPECT_EQ(e.asset_zone, "Zone0_PhysicalProcess");
        EXPECT_EQ(e.zone_source, ZoneSource::kGraph);
        critical += e.severity == Severity::kCritical;
      }
    }
  }
  EXPECT_EQ(critical, 30u);
  // Warm: the same batch again parses once and asks nothing.
  for (auto& j : jobs) j.out = {};
  pipeline::ParseWithZoneGraph(jobs, &remote);
  EXPECT_EQ(remote.prefetches, 1);
  EXPECT_EQ(remote.single_fetches, 0);
}

TEST(ParseWithZoneGraph, GraphDownScoresOnTheFallbackAndSaysSo) {
  ManualClock clock(ParseTimestamp("2026-11-23T07:00:00Z").value());
  auto r = ResolverAt(ClosedPort(), clock, 500ms);
  const parsers::SourceParser* wiz = parsers::FindParser("wiz");
  const std::string doc =
      R"([{"title":"t","entityExternalId":"plc-1","entityName":"corp","entityType":"VirtualMachine","severity":"MEDIUM"}])";
  std::vector<pipeline::ParseJob> jobs = {pipeline::ParseJob{wiz, doc, {}, {}}};
  pipeline::ParseWithZoneGraph(jobs, r.get());
  ASSERT_EQ(jobs[0].out.exposures.size(), 1u);
  const Exposure& e = jobs[0].out.exposures[0];
  EXPECT_EQ(e.zone_source, ZoneSource::kFallback);
  EXPECT_EQ(e.asset_zone, "Zone3_Enterprise");  // the seed's name rules
  EXPECT_EQ(e.physical_consequence, Consequence::kDataLoss);
  EXPECT_EQ(r->Stats().round_trips, 1u);
}

}  // namespace
}  // namespace ctem::graph
