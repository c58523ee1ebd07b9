// ScopeDiscovery: CTEM-SCOPE-001/002 as a job (seed section 3; `ctem scope-discovery`, weekly
// by default, cron SCOPE_DISCOVERY_SCHEDULE "0 6 * * 1").
//
//  * Inventory (erratum 14): every asset of the assets report — all six asset types, zones
//    placed by the zone graph when one is configured (one batched lookup per run) — is kept in
//    ctem_assets with tenant, asset_id, asset_type, asset_zone, risk_category, ctem_scope,
//    zone_source, first_seen (its earliest telemetry row) and last_seen (only moves forward).
//    Assets not seen in a run stay in the inventory with their last_seen.
//  * New assets: the new-assets report's rows (seen in the last 7 days, not in the 30 days
//    before) raise one NEW_ASSET alert per appearance: `new_alert_first_seen` records the
//    appearance alerted, so discovery may run as often as wanted; an asset that vanishes for
//    30 days and returns is new again, as in the seed.
//
// The inventory, the marks and the alerts of a tenant are one transaction (jobs/alerts.h).
//
// Thread-safety: see jobs/job.h; the zone resolver is safe for concurrent use.
#pragma once

#include "core/zone_resolver.h"
#include "jobs/job.h"

namespace ctem::jobs {

class ScopeDiscovery final : public Job {
 public:
  // `resolver` may be null: the seed's rule zones.
  ScopeDiscovery(store::Store& store, const Clock& clock, const ZoneResolver* resolver = nullptr)
      : store_(store), clock_(clock), resolver_(resolver) {}
  std::string_view Name() const override { return kScopeDiscoveryJob; }
  Result<JobReport> RunOnce() override;

 private:
  store::Store& store_;
  const Clock& clock_;
  const ZoneResolver* resolver_;
};

}  // namespace ctem::jobs
