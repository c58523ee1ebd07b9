// GroupCommitPublisher: one durable append shared by every caller that is waiting at the
// same moment. The gateway answers each HTTP request only after its findings are durable on
// the bus (erratum 15); published one request at a time, every request pays a whole Kafka
// round trip (acks=all) or a whole SQLite commit (fsync), so throughput is capped at
// threads / latency however idle the CPU is. Here the request threads queue their messages,
// the first in the queue (the leader) publishes the whole queue in one Publish, and wakes the
// others with the shared outcome: LevelDB's group commit (DBImpl::Write) over a Producer.
//
// Up to Bus::ParallelAppends() groups are in flight at once, each on its own producer (Kafka
// pipelines them; the embedded bus has one write lock, so one).
//
// Contract: Publish returns success only when the caller's messages are durable, exactly as
// Producer::Publish. A failed group fails every caller in it (each may retry: consumers are
// idempotent). One caller's messages stay together and in order. Callers that overlap in time
// have no order between them (as concurrent HTTP requests have none). A caller may wait for
// the groups before its own, so the worst case is a few times its timeout.
//
// Thread-safety: Publish may be called from any number of threads at once. A producer is used
// by one leader at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "bus/bus.h"

namespace ctem::bus {

struct GroupCommitOptions {
  // A group stops growing at this many messages or value bytes; a caller whose own messages
  // exceed the bytes publishes alone rather than being copied into a group.
  size_t max_group_messages = 8192;
  size_t max_group_bytes = 4 * 1024 * 1024;
  // Groups in flight at once; 0: the bus's ParallelAppends().
  int max_in_flight = 0;
};

class GroupCommitPublisher {
 public:
  explicit GroupCommitPublisher(Bus& bus, GroupCommitOptions options = {});
  ~GroupCommitPublisher();
  GroupCommitPublisher(const GroupCommitPublisher&) = delete;
  GroupCommitPublisher& operator=(const GroupCommitPublisher&) = delete;

  Status Publish(std::span<const OutgoingMessage> messages, std::chrono::milliseconds timeout);

  struct Stats {
    uint64_t groups = 0;   // durable appends made
    uint64_t callers = 0;  // Publish calls they served
  };
  Stats GetStats() const { return {groups_.load(), callers_.load()}; }

 private:
  struct Waiter;
  // Marks `w` to be woken once mu_ is released; at most one wake is pending per waiter, so a
  // waiter cannot return (and vanish) while a wake for it is still to be sent.
  static void WakeLater(Waiter* w, std::vector<Waiter*>& wakes);

  Bus& bus_;
  const GroupCommitOptions options_;
  const int max_in_flight_;
  std::mutex mu_;
  std::deque<Waiter*> queue_;                              // guarded by mu_: callers not yet in a group
  int in_flight_ = 0;                                      // guarded by mu_: groups being appended
  std::vector<std::unique_ptr<Producer>> idle_producers_;  // guarded by mu_
  std::atomic<uint64_t> groups_{0};
  std::atomic<uint64_t> callers_{0};
};

}  // namespace ctem::bus
