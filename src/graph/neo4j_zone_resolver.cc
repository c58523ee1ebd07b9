#include "graph/neo4j_zone_resolver.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace ctem::graph {
namespace {

constexpr const char* kZoneQuery =
    "UNWIND $ids AS id "
    "MATCH (a:Asset {id: id})-[:RESIDES_IN]->(z:Zone) "
    "RETURN a.id, z.name, z.consequence_class";

ZonePlacement FallbackPlacement() {
  return ZonePlacement{"", Consequence::kDataLoss, ZoneSource::kFallback};
}

}  // namespace

Neo4jZoneResolver::Neo4jZoneResolver(std::unique_ptr<Neo4jHttpClient> client, const Clock& clock,
                                     Neo4jResolverOptions options)
    : client_(std::move(client)), clock_(clock), options_(options) {}

const Neo4jZoneResolver::Entry* Neo4jZoneResolver::FreshEntry(std::string_view asset_id,
                                                              Timestamp now) const {
  auto it = cache_.find(std::string(asset_id));
  if (it == cache_.end() || it->second.expires <= now) return nullptr;
  return &it->second;
}

bool Neo4jZoneResolver::OutageActive(Timestamp now) const {
  return outage_ && now < retry_at_;
}

bool Neo4jZoneResolver::IsCached(std::string_view asset_id) const {
  const Timestamp now = clock_.Now();
  std::lock_guard<std::mutex> lock(mu_);
  return FreshEntry(asset_id, now) != nullptr || OutageActive(now);
}

std::optional<ZonePlacement> Neo4jZoneResolver::Lookup(std::string_view asset_id) const {
  {
    const Timestamp now = clock_.Now();
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.lookups;
    if (const Entry* e = FreshEntry(asset_id, now)) {
      ++stats_.cache_hits;
      return e->placement;
    }
    if (OutageActive(now)) {
      ++stats_.fallbacks;
      return FallbackPlacement();
    }
  }
  const bool fetched = Fetch({std::string(asset_id)});
  std::lock_guard<std::mutex> lock(mu_);
  if (!fetched) {
    ++stats_.fallbacks;
    return FallbackPlacement();
  }
  auto it = cache_.find(std::string(asset_id));
  return it == cache_.end() ? std::nullopt : it->second.placement;
}

void Neo4jZoneResolver::Prefetch(std::span<const std::string> asset_ids) const {
  std::vector<std::string> missing;
  {
    const Timestamp now = clock_.Now();
    std::lock_guard<std::mutex> lock(mu_);
    if (OutageActive(now)) return;
    std::set<std::string_view> seen;
    for (const auto& id : asset_ids) {
      if (id.empty() || !seen.insert(id).second) continue;
      if (FreshEntry(id, now) == nullptr) missing.push_back(id);
    }
  }
  const size_t chunk = std::max<size_t>(1, options_.max_batch);
  for (size_t begin = 0; begin < missing.size(); begin += chunk) {
    const size_t end = std::min(missing.size(), begin + chunk);
    if (!Fetch(std::vector<std::string>(missing.begin() + static_cast<long>(begin),
                                        missing.begin() + static_cast<long>(end)))) {
      return;  // the rest would fail the same way; Lookup answers from the fallback
    }
  }
}

bool Neo4jZoneResolver::Fetch(const std::vector<std::string>& ids) const {
  if (ids.empty()) return true;
  CypherStatement q{kZoneQuery, {{"ids", ids}}};
  auto result = client_->Run(q);
  const Timestamp now = clock_.Now();
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.round_trips;
  stats_.assets_fetched += ids.size();
  if (!result) {
    ++stats_.failed_queries;
    if (!outage_) {
      outage_ = true;
      ++stats_.outages;
      fallbacks_at_outage_start_ = stats_.fallbacks;
      spdlog::warn("zone graph: {}; scoring on the static fallback (retrying every {} ms)",
                   result.error().message, options_.retry_after.count());
    }
    retry_at_ = now + options_.retry_after;
    return false;
  }
  if (outage_) {
    outage_ = false;
    spdlog::info("zone graph: Neo4j at {} answers again; {} findings were scored on the static fallback",
                 client_->endpoint().Describe(), stats_.fallbacks - fallbacks_at_outage_start_);
  }
  std::unordered_map<std::string, ZonePlacement> found;
  for (const auto& row : result->rows) {
    if (row.size() < 3 || !row[0].is_string() || !row[1].is_string()) continue;
    const std::string asset = row[0].get<std::string>();
    const std::string zone = row[1].get<std::string>();
    const std::string cls = row[2].is_string() ? row[2].get<std::string>() : row[2].dump();
    ZonePlacement p{zone, Consequence::kDataLoss, ZoneSource::kGraph};
    if (auto c = ParseConsequence(cls)) {
      p.consequence = *c;
    } else {
      ++stats_.rejected_consequences;
      p.consequence = StaticZoneConsequence(zone);
      p.source = ZoneSource::kFallback;
      if (warned_classes_.insert(zone + '\x1f' + cls).second) {
        spdlog::warn(
            "zone graph: zone {} has consequence_class {}, which is not one of safety_life, equipment, "
            "downtime, data_loss; using the static map's {} for its assets",
            zone, cls, ConsequenceName(p.consequence));
      }
    }
    auto [it, fresh] = found.try_emplace(asset, p);
    if (!fresh && MoreSevere(p.consequence, it->second.consequence)) it->second = p;
  }
  const Timestamp expires = now + options_.cache_ttl;
  if (cache_.size() + ids.size() > options_.max_cache_entries) {
    std::erase_if(cache_, [now](const auto& kv) { return kv.second.expires <= now; });
    if (cache_.size() + ids.size() > options_.max_cache_entries) cache_.clear();
  }
  for (const auto& id : ids) {
    auto it = found.find(id);
    cache_[id] = Entry{it == found.end() ? std::nullopt : std::optional<ZonePlacement>(it->second), expires};
  }
  return true;
}

ZoneResolverStats Neo4jZoneResolver::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

bool Neo4jZoneResolver::InOutage() const {
  std::lock_guard<std::mutex> lock(mu_);
  return outage_;
}

}  // namespace ctem::graph
