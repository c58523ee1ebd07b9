// OutboxRelay: publishes the rows of ctem_alert_outbox to their topics (ctem.alerts,
// ctem.rescan) and marks them published — the second half of the transactional outbox
// (jobs/alerts.h). Rows are published tenant by tenant (ListTenants, with the store bound to
// each in turn: the outbox is tenant data), in id order within a tenant, a batch at a time; a
// row is marked only
// after the bus acknowledged it, so delivery is at least once (a crash in between publishes
// it again, with the same alert_id).
//
// Several relays may run at once (`ctem serve`, a job service, `ctem outbox-relay`): a relay
// first claims its batch with a lease (`lease_until`, on the system clock, not the job clock,
// because it coordinates processes), so two relays do not publish the same rows; a relay that
// dies leaves its lease to expire and another takes the rows over.
//
// Thread-safety: one thread drives a relay; Stop() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "bus/bus.h"
#include "core/time.h"
#include "jobs/alerts.h"
#include "store/store.h"

namespace ctem::jobs {

struct RelayOptions {
  size_t batch_size = 500;
  std::chrono::milliseconds lease{60000};
  std::chrono::milliseconds publish_timeout{10000};
  std::chrono::milliseconds poll_interval{1000};  // Run(): how often an idle relay looks again
};

class OutboxRelay {
 public:
  OutboxRelay(store::Store& store, bus::Bus& bus, const Clock& clock, RelayOptions options = {});

  // Publishes every unpublished row there is now (of the bound tenant only when the store is
  // bound); returns them, in the order published.
  Result<std::vector<OutboxEntry>> RelayOnce();
  // Loops RelayOnce until Stop(), idling `poll_interval` when there is nothing to publish and
  // backing off (up to 30 s) while the store or the bus is down.
  void Run();
  void Stop() { stop_.store(true); }

 private:
  // Publishes the unpublished rows of the tenant the store is bound to, appending them.
  Status RelayTenant(std::vector<OutboxEntry>& published);
  Result<std::vector<OutboxEntry>> Claim();
  void Release(const std::vector<OutboxEntry>& rows);

  store::Store& store_;
  bus::Bus& bus_;
  const Clock& clock_;
  RelayOptions options_;
  SystemClock lease_clock_;
  std::unique_ptr<bus::Producer> producer_;
  std::atomic<bool> stop_{false};
};

// Sleeps up to `d`, waking early (within 50 ms) once `stopping()` is true.
void SleepUnlessStopped(std::chrono::milliseconds d, const std::function<bool()>& stopping);
inline void SleepUnlessStopped(std::chrono::milliseconds d, const std::atomic<bool>& stop) {
  SleepUnlessStopped(d, [&stop] { return stop.load(); });
}

}  // namespace ctem::jobs
