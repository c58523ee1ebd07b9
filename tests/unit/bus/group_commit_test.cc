// GroupCommitPublisher on the real embedded bus (every caller's messages durable, together and
// in order, fewer appends than callers) and, beside it, on a bus whose producer the test holds
// in the middle of an append (which callers share a group, what a failed group answers).
#include "bus/group_commit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "bus/open_bus.h"
#include "support/temp_dir.h"

namespace ctem::bus {
namespace {

using std::chrono::milliseconds;

std::vector<OutgoingMessage> CallerMessages(const std::string& topic, int caller, int count) {
  std::vector<OutgoingMessage> out;
  for (int i = 0; i < count; ++i) {
    out.push_back({topic,
                   "asset-" + std::to_string(caller % 3),
                   std::to_string(caller) + ":" + std::to_string(i),
                   {{"caller", std::to_string(caller)}}});
  }
  return out;
}

TEST(GroupCommitPublisherTest, ConcurrentCallersAreAllDurableTogetherAndInOrderInFewerAppends) {
  testing::TempDir dir;
  auto bus = OpenBus("embedded", dir.File("bus.db"));
  ASSERT_TRUE(bus.has_value()) << bus.error().message;
  ASSERT_TRUE((*bus)->CreateTopics({{"t", 1}}).has_value());
  GroupCommitPublisher publisher(**bus);

  constexpr int kCallers = 32;
  constexpr int kPerCaller = 5;
  constexpr int kRounds = 10;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int c = 0; c < kCallers; ++c) {
    threads.emplace_back([&, c] {
      for (int r = 0; r < kRounds; ++r) {
        const auto messages = CallerMessages("t", c * kRounds + r, kPerCaller);
        if (!publisher.Publish(messages, milliseconds(10000))) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);

  auto consumer = (*bus)->CreateConsumer("reader", {"t"});
  ASSERT_TRUE(consumer.has_value());
  std::vector<Message> got;
  for (;;) {
    auto batch = (*consumer)->Poll(10000, milliseconds(200));
    ASSERT_TRUE(batch.has_value());
    if (batch->empty()) break;
    got.insert(got.end(), batch->begin(), batch->end());
  }
  ASSERT_EQ(got.size(), static_cast<size_t>(kCallers * kRounds * kPerCaller));
  // One partition: the log order is the append order. Each caller's messages are adjacent and
  // in its order.
  for (size_t i = 0; i < got.size(); i += kPerCaller) {
    const std::string caller = got[i].value.substr(0, got[i].value.find(':'));
    for (size_t k = 0; k < static_cast<size_t>(kPerCaller); ++k) {
      EXPECT_EQ(got[i + k].value, caller + ":" + std::to_string(k)) << "at " << i + k;
      ASSERT_EQ(got[i + k].headers.size(), 1u);
      EXPECT_EQ(got[i + k].headers[0].second, caller);
    }
  }
  const auto stats = publisher.GetStats();
  EXPECT_EQ(stats.callers, static_cast<uint64_t>(kCallers * kRounds));
  EXPECT_LT(stats.groups, stats.callers) << "32 threads at once never shared an append";
}

// A bus whose producer blocks inside Publish until the test lets it go, and can be told to fail.
class HeldBus final : public Bus {
 public:
  std::mutex mu;
  std::condition_variable cv;
  bool held = true;               // guarded by mu
  int publishing = 0;             // guarded by mu: appends inside Publish now
  size_t fail_append = SIZE_MAX;  // guarded by mu: this append (0-based) fails
  std::vector<size_t> appends;    // guarded by mu: messages per Publish
  int producers_created = 0;      // guarded by mu

  class HeldProducer final : public Producer {
   public:
    explicit HeldProducer(HeldBus& bus) : bus_(bus) {}
    Status Publish(std::span<const OutgoingMessage> messages, milliseconds) override {
      std::unique_lock<std::mutex> lock(bus_.mu);
      ++bus_.publishing;
      bus_.cv.notify_all();
      bus_.cv.wait(lock, [&] { return !bus_.held; });
      --bus_.publishing;
      bus_.appends.push_back(messages.size());
      if (bus_.appends.size() - 1 == bus_.fail_append) return Fail(Error::Unavailable("broker down (test)"));
      return {};
    }

   private:
    HeldBus& bus_;
  };

  Result<std::unique_ptr<Producer>> CreateProducer() override {
    std::lock_guard<std::mutex> lock(mu);
    ++producers_created;
    return std::unique_ptr<Producer>(std::make_unique<HeldProducer>(*this));
  }
  Result<std::unique_ptr<Consumer>> CreateConsumer(const std::string&,
                                                   const std::vector<std::string>&) override {
    return Fail(Error::Internal("not used"));
  }
  Result<std::vector<std::string>> CreateTopics(const std::vector<TopicSpec>&) override { return {}; }
  Result<std::vector<std::string>> ListTopics() override { return {}; }
  Result<std::vector<PartitionLag>> GroupLag(const std::string&, const std::vector<std::string>&) override {
    return {};
  }

  void WaitInPublish(int at_once = 1) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return publishing >= at_once; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu);
    held = false;
    cv.notify_all();
  }
};

// Starts `n` callers of one message each after the leader is inside its append, and waits until
// they are all queued behind it (they cannot finish while the append is held).
std::vector<std::thread> QueueBehindLeader(GroupCommitPublisher& publisher, int n,
                                           std::vector<Status>& results) {
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&publisher, &results, i] {
      const auto m = CallerMessages("t", i, 1);
      results[static_cast<size_t>(i)] = publisher.Publish(m, milliseconds(5000));
    });
  }
  // Queued callers are blocked on their condition; give them time to get there.
  std::this_thread::sleep_for(milliseconds(200));
  return threads;
}

TEST(GroupCommitPublisherTest, CallersArrivingDuringAnAppendShareTheNextOne) {
  HeldBus bus;
  GroupCommitPublisher publisher(bus);
  Status leader_status;
  std::thread leader(
      [&] { leader_status = publisher.Publish(CallerMessages("t", 100, 2), milliseconds(5000)); });
  bus.WaitInPublish();
  std::vector<Status> results(10);
  auto followers = QueueBehindLeader(publisher, 10, results);
  bus.Release();
  leader.join();
  for (auto& t : followers) t.join();
  EXPECT_TRUE(leader_status.has_value());
  for (const auto& r : results) EXPECT_TRUE(r.has_value());
  std::lock_guard<std::mutex> lock(bus.mu);
  EXPECT_EQ(bus.appends, (std::vector<size_t>{2, 10})) << "the ten who waited went in one append";
  EXPECT_EQ(publisher.GetStats().groups, 2u);
  EXPECT_EQ(publisher.GetStats().callers, 11u);
}

TEST(GroupCommitPublisherTest, AFailedAppendFailsEveryCallerInItAndTheNextStartsAFreshProducer) {
  HeldBus bus;
  {
    std::lock_guard<std::mutex> lock(bus.mu);
    bus.fail_append = 1;  // the leader's append succeeds, the group queued behind it fails
  }
  GroupCommitPublisher publisher(bus);
  Status leader_status;
  std::thread leader(
      [&] { leader_status = publisher.Publish(CallerMessages("t", 100, 1), milliseconds(5000)); });
  bus.WaitInPublish();
  std::vector<Status> results(4);
  auto followers = QueueBehindLeader(publisher, 4, results);
  bus.Release();
  leader.join();
  for (auto& t : followers) t.join();
  EXPECT_TRUE(leader_status.has_value());
  for (const auto& r : results) {
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("broker down"), std::string::npos) << r.error().message;
  }
  EXPECT_TRUE(publisher.Publish(CallerMessages("t", 7, 1), milliseconds(5000)).has_value());
  std::lock_guard<std::mutex> lock(bus.mu);
  EXPECT_EQ(bus.appends, (std::vector<size_t>{1, 4, 1}));
  EXPECT_EQ(bus.producers_created, 2) << "a producer that failed is not reused";
}

TEST(GroupCommitPublisherTest, ACallerAboveTheByteLimitPublishesAloneAndUncopied) {
  HeldBus bus;
  GroupCommitPublisher publisher(bus, {.max_group_messages = 8192, .max_group_bytes = 64});
  Status leader_status;
  std::thread leader(
      [&] { leader_status = publisher.Publish(CallerMessages("t", 100, 1), milliseconds(5000)); });
  bus.WaitInPublish();
  std::vector<Status> results(3);
  // Three callers of 10 bytes (key "asset-N" and value "N:0") fit in 64 bytes together; the
  // big caller queued after them does not, and goes alone.
  auto followers = QueueBehindLeader(publisher, 3, results);
  std::vector<OutgoingMessage> big = {{"t", "k", std::string(1000, 'x'), {}}};
  Status big_status;
  std::thread big_caller([&] { big_status = publisher.Publish(big, milliseconds(5000)); });
  std::this_thread::sleep_for(milliseconds(200));
  bus.Release();
  leader.join();
  for (auto& t : followers) t.join();
  big_caller.join();
  EXPECT_TRUE(big_status.has_value());
  std::lock_guard<std::mutex> lock(bus.mu);
  EXPECT_EQ(bus.appends, (std::vector<size_t>{1, 3, 1}));
}

TEST(GroupCommitPublisherTest, WithTwoInFlightASecondGroupStartsWhileTheFirstIsHeld) {
  HeldBus bus;
  GroupCommitPublisher publisher(bus, {.max_in_flight = 2});
  std::vector<Status> first(1);
  auto a = QueueBehindLeader(publisher, 1, first);
  bus.WaitInPublish(1);
  std::vector<Status> second(1);
  auto b = QueueBehindLeader(publisher, 1, second);
  bus.WaitInPublish(2);  // both appends are inside Publish at once
  std::vector<Status> rest(5);
  auto c = QueueBehindLeader(publisher, 5, rest);  // no slot: they queue as one group
  bus.Release();
  for (auto* threads : {&a, &b, &c}) {
    for (auto& t : *threads) t.join();
  }
  for (const auto* results : {&first, &second, &rest}) {
    for (const auto& r : *results) EXPECT_TRUE(r.has_value());
  }
  std::lock_guard<std::mutex> lock(bus.mu);
  std::vector<size_t> sizes = bus.appends;  // the two released appends finish in either order
  std::sort(sizes.begin(), sizes.end());
  EXPECT_EQ(sizes, (std::vector<size_t>{1, 1, 5}));
  EXPECT_EQ(bus.producers_created, 2) << "one producer per append in flight, reused";
}

}  // namespace
}  // namespace ctem::bus
