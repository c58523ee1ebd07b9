// Neo4jZoneResolver: asset placements from the Neo4j asset graph (seed section 3.1,
// `MATCH (a:Asset {id: $asset_id})-[:RESIDES_IN]->(z:Zone) RETURN z.name, z.consequence_class`),
// asked over HTTP, batched, cached and never allowed to stall or fail ingestion.
//
//  * Batched (erratum 14): Prefetch asks for every uncached asset of a batch in one
//    `UNWIND $ids` query (chunks of max_batch); Lookup of a miss asks for that one asset.
//  * Cached: answers, including "not in the graph", are kept for cache_ttl by the injected
//    clock, so a steady stream of findings costs no round trips.
//  * Bounded: every round trip has the endpoint's timeout.
//  * Falls back: when a round trip fails or times out, the resolver answers
//    ZonePlacement{zone = "", source = kFallback} (the caller scores from the static map)
//    for retry_after without asking again, then tries once more. Each such answer counts in
//    Stats().fallbacks; the outage is logged once when it starts and once when it ends.
//  * An unknown consequence class in the graph is rejected with one warning per zone and
//    class (erratum 13); the asset keeps the graph's zone with the static map's consequence
//    for it, marked kFallback.
//  * An asset that resides in several zones takes the most severe one.
//
// Thread-safety: safe for concurrent use; the cache and state are guarded by mu_, and no
// lock is held during a round trip.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/time.h"
#include "core/zone_resolver.h"
#include "graph/neo4j_http.h"

namespace ctem::graph {

struct Neo4jResolverOptions {
  std::chrono::milliseconds cache_ttl{std::chrono::minutes(5)};
  std::chrono::milliseconds retry_after{std::chrono::seconds(5)};
  size_t max_batch = 1000;  // assets per UNWIND query
  // Bounds memory: past this many entries the expired ones are dropped, then all if need be.
  size_t max_cache_entries = 200000;
};

class Neo4jZoneResolver final : public ZoneResolver {
 public:
  Neo4jZoneResolver(std::unique_ptr<Neo4jHttpClient> client, const Clock& clock,
                    Neo4jResolverOptions options = {});

  std::optional<ZonePlacement> Lookup(std::string_view asset_id) const override;
  void Prefetch(std::span<const std::string> asset_ids) const override;
  bool IsCached(std::string_view asset_id) const override;
  std::string_view Kind() const override { return "neo4j"; }
  ZoneResolverStats Stats() const override;

  // Whether the last round trip failed (the resolver is answering from the fallback).
  bool InOutage() const;
  const Neo4jEndpoint& endpoint() const { return client_->endpoint(); }

 private:
  struct Entry {
    std::optional<ZonePlacement> placement;  // nullopt: the graph does not know the asset
    Timestamp expires{};
  };

  // Asks the graph for `ids` (all uncached) and caches the answers; false when it failed.
  bool Fetch(const std::vector<std::string>& ids) const;
  // Under mu_: the cached answer, if fresh.
  const Entry* FreshEntry(std::string_view asset_id, Timestamp now) const;
  bool OutageActive(Timestamp now) const;  // under mu_

  const std::unique_ptr<Neo4jHttpClient> client_;
  const Clock& clock_;
  const Neo4jResolverOptions options_;

  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, Entry> cache_;  // guarded by mu_
  mutable ZoneResolverStats stats_;                       // guarded by mu_
  mutable bool outage_ = false;                           // guarded by mu_
  mutable Timestamp retry_at_{};                          // guarded by mu_
  mutable uint64_t fallbacks_at_outage_start_ = 0;        // guarded by mu_
  mutable std::set<std::string> warned_classes_;          // guarded by mu_
};

}  // namespace ctem::graph
