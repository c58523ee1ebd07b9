#include "cli/context.h"

#include "bus/open_bus.h"
#include "graph/open_zone_resolver.h"

#include <cstdlib>
#include <iostream>

namespace ctem::cli {

std::string Context::StoreUrl() const {
  if (!options_.store_url.empty()) return options_.store_url;
  if (const char* env = std::getenv("CTEM_STORE"); env && *env) return env;
  if (const char* env = std::getenv("POSTGRES_DSN"); env && *env) return env;
  return "sqlite:ctem.db";
}

Result<std::unique_ptr<store::Store>> Context::OpenStore(bool migrate) const {
  auto s = store::OpenStore(StoreUrl());
  if (!s) return s;
  if (migrate) {
    auto v = (*s)->Migrate();
    if (!v) return Fail(v.error());
  } else {
    auto v = (*s)->SchemaVersion();
    if (!v) return Fail(v.error());
    if (*v == 0) {
      return Fail(Error::FailedPrecondition("the store at " + StoreUrl() +
                                            " has no CTEM schema yet; run `ctem migrate` first"));
    }
  }
  return s;
}

Result<std::unique_ptr<store::Store>> Context::OpenTenantStore(bool migrate) const {
  auto s = OpenStore(migrate);
  if (!s) return s;
  if (auto st = (*s)->BindTenant(options_.tenant); !st) return Fail(st.error());
  return s;
}

Result<Timestamp> Context::Now() const {
  if (options_.now.empty()) return SystemClock().Now();
  return ParseTimestamp(options_.now);
}

std::string Context::BusUrl() const {
  if (!options_.bus_url.empty()) return options_.bus_url;
  if (const char* env = std::getenv("CTEM_BUS"); env && *env) return env;
  if (const char* env = std::getenv("KAFKA_BROKERS"); env && *env) return std::string("kafka://") + env;
  return "embedded";
}

Result<std::unique_ptr<bus::Bus>> Context::OpenBus() const {
  const std::string store = StoreUrl();
  std::string path = "ctem-bus.db";
  if (store.starts_with("sqlite:")) {
    path = store.substr(7);
    if (path.starts_with("//")) path = path.substr(2);
  } else if (store.ends_with(".db")) {
    path = store;
  }
  return bus::OpenBus(BusUrl(), path);
}

std::string Context::GraphSpec() const {
  if (!options_.graph_url.empty()) return options_.graph_url;
  if (const char* env = std::getenv("CTEM_GRAPH"); env && *env) return env;
  if (const char* env = std::getenv("NEO4J_URI"); env && *env) return env;
  return "static";
}

namespace {

long EnvNumber(const char* name, long fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  return (end != nullptr && *end == '\0' && n >= 0) ? n : fallback;
}

}  // namespace

Result<std::unique_ptr<ZoneResolver>> Context::OpenZoneResolver(const Clock& clock) const {
  const char* auth = std::getenv("NEO4J_AUTH");
  graph::Neo4jResolverOptions options;
  options.cache_ttl = std::chrono::seconds(EnvNumber("CTEM_GRAPH_CACHE_TTL_S", 300));
  options.retry_after = std::chrono::seconds(EnvNumber("CTEM_GRAPH_RETRY_S", 5));
  return graph::OpenZoneResolver(GraphSpec(), auth ? auth : "", clock, options,
                                 std::chrono::milliseconds(EnvNumber("CTEM_GRAPH_TIMEOUT_MS", 2000)));
}

void PrintError(const Error& error) { std::cerr << "ctem: " << error.message << "\n"; }

}  // namespace ctem::cli
