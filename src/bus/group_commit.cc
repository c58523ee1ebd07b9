#include "bus/group_commit.h"

#include <algorithm>
#include <semaphore>

namespace ctem::bus {

struct GroupCommitPublisher::Waiter {
  std::span<const OutgoingMessage> messages;
  std::chrono::milliseconds timeout{};
  bool done = false;          // guarded by mu_
  Status status;              // guarded by mu_
  bool wake_pending = false;  // guarded by mu_
  // Released when the waiter is done or may lead. A semaphore released after mu_ is unlocked,
  // rather than a condition variable notified under it: the woken threads do not then queue
  // on mu_ behind the leader (a lock convoy, seen with perf as futex waits).
  std::binary_semaphore wake{0};
};

namespace {

size_t PayloadBytes(std::span<const OutgoingMessage> messages) {
  size_t n = 0;
  for (const OutgoingMessage& m : messages) n += m.value.size() + m.key.size();
  return n;
}

}  // namespace

GroupCommitPublisher::GroupCommitPublisher(Bus& bus, GroupCommitOptions options)
    : bus_(bus),
      options_(options),
      max_in_flight_(std::max(1, options.max_in_flight > 0 ? options.max_in_flight : bus.ParallelAppends())) {
}

GroupCommitPublisher::~GroupCommitPublisher() = default;

void GroupCommitPublisher::WakeLater(Waiter* w, std::vector<Waiter*>& wakes) {
  if (w->wake_pending) return;
  w->wake_pending = true;
  wakes.push_back(w);
}

Status GroupCommitPublisher::Publish(std::span<const OutgoingMessage> messages,
                                     std::chrono::milliseconds timeout) {
  if (messages.empty()) return {};
  Waiter self;
  self.messages = messages;
  self.timeout = timeout;

  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(&self);
  while (queue_.front() != &self || in_flight_ >= max_in_flight_) {
    lock.unlock();
    self.wake.acquire();
    lock.lock();
    self.wake_pending = false;
    if (self.done) return self.status;
  }

  // This caller leads: it takes itself and the callers queued behind it, up to the limits.
  std::vector<Waiter*> group;
  size_t count = 0;
  size_t bytes = 0;
  while (!queue_.empty()) {
    Waiter* w = queue_.front();
    const size_t more = PayloadBytes(w->messages);
    if (!group.empty() && (count + w->messages.size() > options_.max_group_messages ||
                           bytes + more > options_.max_group_bytes)) {
      break;
    }
    group.push_back(w);
    queue_.pop_front();
    count += w->messages.size();
    bytes += more;
  }
  ++in_flight_;
  std::unique_ptr<Producer> producer;
  if (!idle_producers_.empty()) {
    producer = std::move(idle_producers_.back());
    idle_producers_.pop_back();
  }
  std::vector<Waiter*> wakes;
  if (!queue_.empty() && in_flight_ < max_in_flight_) WakeLater(queue_.front(), wakes);
  lock.unlock();
  for (Waiter* w : wakes) w->wake.release();

  std::chrono::milliseconds group_timeout = timeout;
  for (const Waiter* w : group) group_timeout = std::min(group_timeout, w->timeout);
  Status status;
  if (!producer) {
    auto created = bus_.CreateProducer();
    if (created) {
      producer = std::move(*created);
    } else {
      status = Fail(created.error());
    }
  }
  if (producer) {
    if (group.size() == 1) {
      status = producer->Publish(messages, group_timeout);
    } else {
      // Copied because Producer::Publish takes one span; grouped callers are small (a large
      // one goes alone, above).
      std::vector<OutgoingMessage> batch;
      batch.reserve(count);
      for (const Waiter* w : group) batch.insert(batch.end(), w->messages.begin(), w->messages.end());
      status = producer->Publish(batch, group_timeout);
    }
  }
  groups_ += 1;
  callers_ += group.size();

  lock.lock();
  --in_flight_;
  // A producer that failed may be in any state (Kafka: a purged queue, a fatal idempotence
  // error): it is dropped and a later group starts a fresh one.
  if (producer && status) idle_producers_.push_back(std::move(producer));
  wakes.clear();
  for (Waiter* w : group) {
    if (w == &self) continue;
    w->status = status;
    w->done = true;
    WakeLater(w, wakes);
  }
  if (!queue_.empty() && in_flight_ < max_in_flight_) WakeLater(queue_.front(), wakes);
  lock.unlock();
  // Each waiter is touched for the last time here: once released it may return and be gone.
  for (Waiter* w : wakes) w->wake.release();
  return status;
}

}  // namespace ctem::bus
