// ZoneResolver: where an asset lives and what physical consequence a compromise there has.
//
// The interface is owned by core because parsers (which score findings) and scope discovery
// both need it while its implementations (static map, asset file, Neo4j over HTTP) live in
// src/graph. Implementations never fail the caller: when their source is unavailable they
// answer from the static fallback and say so in `source`.
//
// Thread-safety: implementations must be safe for concurrent Resolve calls.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/model.h"
#include "core/records.h"

namespace ctem {

struct ZonePlacement {
  std::string zone;
  Consequence consequence = Consequence::kDataLoss;
  ZoneSource source = ZoneSource::kStatic;
};

class ZoneResolver {
 public:
  virtual ~ZoneResolver() = default;

  // The placement the resolver knows for `asset_id`, or nullopt when it has no opinion
  // (the caller then keeps its rule-based zone).
  virtual std::optional<ZonePlacement> Lookup(std::string_view asset_id) const = 0;

  // Warms the resolver for a batch of assets (one round trip for a remote graph). The
  // default does nothing.
  virtual void Prefetch(std::span<const std::string> asset_ids) const { (void)asset_ids; }
};

}  // namespace ctem
