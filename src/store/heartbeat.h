// Service heartbeats: each running service (gateway, normaliser, persister, the scheduled
// jobs) records that it is alive in ctem_service_heartbeats, and `ctem verify` reads them to
// say which services run — whether they run under Docker, systemd, Kubernetes or inside one
// `ctem serve` (seed section 10.5 asks `docker ps`, which only sees containers).
//
// Thread-safety: functions over a Store, which is used by one thread at a time.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/time.h"
#include "store/store.h"

namespace ctem::store {

struct ServiceHeartbeat {
  std::string service;   // "gateway", "normaliser", "sla-enforcer", ...
  std::string instance;  // "host:pid"
  Timestamp started_at{};
  Timestamp last_beat_at{};
  std::string detail;
};

// "host:pid" of this process.
std::string ThisInstance();

// Records that `service` (this instance) is alive at `now`; the first beat sets started_at.
Status RecordHeartbeat(Store& store, std::string_view service, std::string_view instance,
                       Timestamp started_at, Timestamp now, std::string_view detail = "");
// Every heartbeat, newest first.
Result<std::vector<ServiceHeartbeat>> ListHeartbeats(Store& store);
// Forgets an instance that stopped cleanly, so `ctem verify` does not wait for it to go stale.
Status RemoveHeartbeat(Store& store, std::string_view service, std::string_view instance);

}  // namespace ctem::store
