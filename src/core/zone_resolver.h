// ZoneResolver: where an asset lives and what physical consequence a compromise there has.
//
// The interface is owned by core because parsers (which score findings) and scope discovery
// both need it while its implementations (static map, asset file, Neo4j over HTTP) live in
// src/graph. Implementations never fail the caller: when their source is unavailable they
// say so with a placement whose source is kFallback, and the caller scores from the static
// zone->consequence map (seed section 4.1, get_zone_consequence).
//
// Thread-safety: implementations must be safe for concurrent calls of every method.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/model.h"
#include "core/records.h"

namespace ctem {

struct ZonePlacement {
  // The zone the resolver places the asset in. Empty only with source kFallback: the
  // resolver could not be asked, so the caller keeps its rule zone.
  std::string zone;
  Consequence consequence = Consequence::kDataLoss;
  ZoneSource source = ZoneSource::kStatic;
};

// Counters a resolver exports on /metrics; all zero for local resolvers.
struct ZoneResolverStats {
  uint64_t lookups = 0;                // Lookup calls
  uint64_t cache_hits = 0;             // answered from the cache
  uint64_t round_trips = 0;            // queries sent to the graph
  uint64_t assets_fetched = 0;         // assets asked for in those queries
  uint64_t fallbacks = 0;              // answers from the static fallback because the graph failed
  uint64_t failed_queries = 0;         // round trips that failed or timed out
  uint64_t rejected_consequences = 0;  // graph answers with an unknown consequence class
  uint64_t outages = 0;                // times the graph went from reachable to unreachable
};

class ZoneResolver {
 public:
  virtual ~ZoneResolver() = default;

  // The placement the resolver knows for `asset_id`, or nullopt when it has no opinion
  // (the caller then keeps its rule-based zone). May block for one bounded round trip
  // when the resolver is remote and the asset is not cached.
  virtual std::optional<ZonePlacement> Lookup(std::string_view asset_id) const = 0;

  // Warms the resolver for a batch of assets (one round trip for a remote graph). The
  // default does nothing.
  virtual void Prefetch(std::span<const std::string> asset_ids) const { (void)asset_ids; }

  // Whether Lookup(asset_id) would answer now without a round trip. Callers that parse many
  // documents use it to collect the misses and Prefetch them together (erratum 14).
  virtual bool IsCached(std::string_view asset_id) const {
    (void)asset_id;
    return true;
  }

  // "static", "file", "neo4j": what the resolver is, for logs and `ctem graph show`.
  virtual std::string_view Kind() const = 0;

  virtual ZoneResolverStats Stats() const { return {}; }
};

}  // namespace ctem
