// KafkaBus against a real broker (scripts/servers/kafka.sh): topics, idempotent publishing,
// consumer groups and their committed offsets, lag, and unreachable brokers.
#include "bus/kafka_bus.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bus/group_commit.h"
#include "support/kafka.h"

namespace ctem::bus {
namespace {

using namespace std::chrono_literals;
using ctem::testing::KafkaBrokers;
using ctem::testing::UniqueKafkaName;
using SteadyClock = std::chrono::steady_clock;

// prefix + n (spelled out: g++ 12 -O3 warns falsely (-Wrestrict) on "literal" + std::string).
std::string Numbered(std::string_view prefix, int n) {
  std::string s(prefix);
  s += std::to_string(n);
  return s;
}

// n messages over `keys` keys, each with two headers.
std::vector<OutgoingMessage> Messages(const std::string& topic, int n, int keys = 37) {
  std::vector<OutgoingMessage> out;
  out.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    out.push_back({topic,
                   Numbered("asset-", i % keys),
                   Numbered("v", i),
                   {{"seq", std::to_string(i)}, {"source", "test"}}});
  }
  return out;
}

class KafkaBusTest : public ::testing::Test {
 protected:
  void SetUp() override { CTEM_REQUIRE_KAFKA(); }

  void TearDown() override {
    // Every librdkafka handle (and its threads) is gone once the test's objects are.
    EXPECT_EQ(RdKafka::wait_destroyed(20000), 0) << "librdkafka handles still alive after the test";
  }

  static KafkaOptions TestOptions() {
    KafkaOptions o;
    o.session_timeout = 6000ms;  // the broker's minimum: rebalances settle quickly
    return o;
  }

  static std::unique_ptr<Bus> Open(const KafkaOptions& o = TestOptions()) {
    auto bus = OpenKafkaBus(KafkaBrokers(), o);
    if (!bus) {
      ADD_FAILURE() << bus.error().message;
      return nullptr;
    }
    return std::move(*bus);
  }

  // A fresh topic (the broker's data outlives test runs).
  static std::string NewTopic(Bus& bus, int partitions) {
    std::string name = UniqueKafkaName("ctem.test");
    auto lines = bus.CreateTopics({{name, partitions, 1, 3600000, "delete"}});
    EXPECT_TRUE(lines) << (lines ? "" : lines.error().message);
    return name;
  }

  static std::unique_ptr<Consumer> NewConsumer(Bus& bus, const std::string& group, const std::string& topic) {
    auto c = bus.CreateConsumer(group, {topic});
    if (!c) {
      ADD_FAILURE() << c.error().message;
      return nullptr;
    }
    return std::move(*c);
  }

  // Polls until `want` messages arrived or `limit` passed.
  static std::vector<Message> PollAll(Consumer& c, size_t want, std::chrono::milliseconds limit = 30s) {
    std::vector<Message> out;
    const auto deadline = SteadyClock::now() + limit;
    while (out.size() < want && SteadyClock::now() < deadline) {
      auto batch = c.Poll(500, 200ms);
      if (!batch) {
        ADD_FAILURE() << batch.error().message;
        break;
      }
      out.insert(out.end(), batch->begin(), batch->end());
    }
    return out;
  }

  // Polls for `quiet` and returns whatever arrives (expected: nothing).
  static std::vector<Message> PollQuiet(Consumer& c, std::chrono::milliseconds quiet) {
    std::vector<Message> out;
    const auto deadline = SteadyClock::now() + quiet;
    while (SteadyClock::now() < deadline) {
      auto batch = c.Poll(500, 100ms);
      if (!batch) {
        ADD_FAILURE() << batch.error().message;
        break;
      }
      out.insert(out.end(), batch->begin(), batch->end());
    }
    return out;
  }
};

TEST_F(KafkaBusTest, CreateTopicsCreatesThenReportsExists) {
  auto bus = Open();
  ASSERT_TRUE(bus);
  const std::string a = UniqueKafkaName("ctem.test.a");
  const std::string b = UniqueKafkaName("ctem.test.b");
  const std::vector<TopicSpec> specs = {{a, 3, 1, 86400000, "delete"}, {b, 1, 1, 3600000, "compact"}};
  auto first = bus->CreateTopics(specs);
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_EQ(first->size(), 2U);
  EXPECT_EQ((*first)[0].rfind(a + ": created", 0), 0U) << (*first)[0];
  EXPECT_NE((*first)[0].find("3 partition(s)"), std::string::npos) << (*first)[0];
  EXPECT_NE((*first)[0].find("retention.ms=86400000"), std::string::npos) << (*first)[0];
  EXPECT_EQ((*first)[1].rfind(b + ": created", 0), 0U) << (*first)[1];
  EXPECT_NE((*first)[1].find("cleanup.policy=compact"), std::string::npos) << (*first)[1];

  auto again = bus->CreateTopics(specs);
  ASSERT_TRUE(again) << again.error().message;
  ASSERT_EQ(again->size(), 2U);
  EXPECT_EQ((*again)[0], a + ": exists (3 partition(s))");
  EXPECT_EQ((*again)[1], b + ": exists (1 partition(s))");

  // A different spec for an existing topic leaves it alone and says so.
  auto changed = bus->CreateTopics({{a, 5, 1, 1000, "delete"}});
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_EQ((*changed)[0], a + ": exists (3 partition(s); the spec asks for 5, left as is)");

  // The partitions are there.
  auto lag = bus->GroupLag(UniqueKafkaName("g"), {a, b});
  ASSERT_TRUE(lag) << lag.error().message;
  EXPECT_EQ(lag->size(), 4U);

  // And the topics are listed, internal ones not.
  auto listed = bus->ListTopics();
  ASSERT_TRUE(listed) << listed.error().message;
  EXPECT_NE(std::find(listed->begin(), listed->end(), a), listed->end());
  EXPECT_NE(std::find(listed->begin(), listed->end(), b), listed->end());
  EXPECT_EQ(std::find(listed->begin(), listed->end(), "__consumer_offsets"), listed->end());
}

TEST_F(KafkaBusTest, ReplicationFactorAboveBrokerCountIsClamped) {
  auto bus = Open();
  ASSERT_TRUE(bus);
  const std::string t = UniqueKafkaName("ctem.test.rf");
  auto lines = bus->CreateTopics({{t, 2, 3, 86400000, "delete"}});
  ASSERT_TRUE(lines) << lines.error().message;
  ASSERT_EQ(lines->size(), 1U);
  EXPECT_EQ((*lines)[0].rfind(t + ": created", 0), 0U) << (*lines)[0];
  EXPECT_NE((*lines)[0].find("replication factor 1"), std::string::npos) << (*lines)[0];
  EXPECT_NE((*lines)[0].find("replication_factor 3 > 1 broker(s); clamped to 1"), std::string::npos)
      << (*lines)[0];
}

TEST_F(KafkaBusTest, InvalidTopicSpecIsRejected) {
  auto bus = Open();
  ASSERT_TRUE(bus);
  auto zero = bus->CreateTopics({{UniqueKafkaName("ctem.test"), 0, 1, -1, "delete"}});
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().code, ErrorCode::kInvalidArgument);
  auto policy = bus->CreateTopics({{UniqueKafkaName("ctem.test"), 1, 1, -1, "no-such-policy"}});
  ASSERT_FALSE(policy);
  EXPECT_EQ(policy.error().code, ErrorCode::kInvalidArgument) << policy.error().message;
}

TEST_F(KafkaBusTest, PublishedMessagesAreConsumedOnceInPartitionOrderWithKeys) {
  auto bus = Open();
  ASSERT_TRUE(bus);
  const std::string topic = NewTopic(*bus, 4);
  auto producer = bus->CreateProducer();
  ASSERT_TRUE(producer) << producer.error().message;
  const auto sent = Messages(topic, 1000);
  const auto before = std::chrono::system_clock::now() - 5s;
  auto st = (*producer)->Publish(sent, 10s);
  ASSERT_TRUE(st) << st.error().message;

  auto consumer = NewConsumer(*bus, UniqueKafkaName("g"), topic);
  ASSERT_TRUE(consumer);
  const auto got = PollAll(*consumer, sent.size());
  ASSERT_EQ(got.size(), sent.size());

  std::set<std::string> values;
  std::map<int32_t, int64_t> last_offset;
  std::map<std::string, int32_t> partition_of_key;
  std::map<std::string, int> last_seq_of_key;
  std::set<int32_t> partitions;
  for (const Message& m : got) {
    EXPECT_EQ(m.topic, topic);
    EXPECT_TRUE(values.insert(m.value).second) << "duplicate " << m.value;
    const int seq = std::stoi(m.value.substr(1));
    ASSERT_GE(seq, 0);
    ASSERT_LT(seq, 1000);
    EXPECT_EQ(m.key, sent[static_cast<size_t>(seq)].key);
    ASSERT_EQ(m.headers.size(), 2U);
    EXPECT_EQ(m.headers[0], (std::pair<std::string, std::string>("seq", std::to_string(seq))));
    EXPECT_EQ(m.headers[1], (std::pair<std::string, std::string>("source", "test")));
    EXPECT_GT(m.ts,
              Timestamp(std::chrono::duration_cast<std::chrono::milliseconds>(before.time_since_epoch())));
    // Offsets grow within a partition; a key stays in one partition, in publish order.
    if (auto it = last_offset.find(m.partition); it != last_offset.end()) {
      EXPECT_GT(m.offset, it->second);
    }
    last_offset[m.partition] = m.offset;
    auto [pk, fresh] = partition_of_key.try_emplace(m.key, m.partition);
    if (!fresh) {
      EXPECT_EQ(pk->second, m.partition) << m.key;
    }
    if (auto it = last_seq_of_key.find(m.key); it != last_seq_of_key.end()) {
      EXPECT_GT(seq, it->second) << m.key;
    }
    last_seq_of_key[m.key] = seq;
    partitions.insert(m.partition);
  }
  EXPECT_EQ(values.size(), 1000U);
  EXPECT_EQ(partitions.size(), 4U) << "37 keys should spread over all 4 partitions";
  EXPECT_TRUE(PollQuiet(*consumer, 1s).empty());
}

// The gateway's way of publishing: many request threads at once through one group-commit
// publisher. Every caller's messages arrive once, a key's messages in the caller's order, and
// the callers shared round trips.
TEST_F(KafkaBusTest, GroupCommitFromManyThreadsDeliversEveryMessageOnceInFewerRoundTrips) {
  auto bus = Open();
  ASSERT_TRUE(bus);
  const std::string topic = NewTopic(*bus, 4);
  GroupCommitPublisher publisher(*bus);
  constexpr int kThreads = 24;
  constexpr int kRounds = 20;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        // Two messages per call under the thread's own key: their order must survive.
        const std::string key = Numbered("caller-", t);
        const std::vector<OutgoingMessage> m = {{topic, key, Numbered(key + "/", 2 * r), {}},
                                                {topic, key, Numbered(key + "/", 2 * r + 1), {}}};
        if (auto st = publisher.Publish(m, 10s); !st) {
          ++failures;
          ADD_FAILURE() << st.error().message;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto consumer = NewConsumer(*bus, UniqueKafkaName("g"), topic);
  ASSERT_TRUE(consumer);
  const size_t want = static_cast<size_t>(kThreads * kRounds * 2);
  const auto got = PollAll(*consumer, want);
  ASSERT_EQ(got.size(), want);
  std::map<std::string, int> next_of_key;
  std::set<std::string> values;
  for (const Message& m : got) {
    EXPECT_TRUE(values.insert(m.value).second) << "duplicate " << m.value;
    const int seq = std::stoi(m.value.substr(m.value.find('/') + 1));
    EXPECT_EQ(seq, next_of_key[m.key]++) << m.key;
  }
  EXPECT_TRUE(PollQuiet(*consumer, 1s).empty());
  const auto stats = publisher.GetStats();
  EXPECT_EQ(stats.callers, static_cast<uint64_t>(kThreads * kRounds));
  EXPECT_LT(stats.groups, stats.callers);
}

TEST_F(KafkaBusTest, EmptyKeysAndEmptyBatches) {
  auto bus = Open();
  ASSERT_TRUE(bus);
  const std::string topic = NewTopic(*bus, 2);
  auto producer = bus->CreateProducer();
  ASSERT_TRUE(producer);
  ASSERT_TRUE((*producer)->Publish({}, 1s));
  std::vector<OutgoingMessage> msgs = {{topic, "", "no key", {}}, {topic, "k", "", {}}};
  auto st = (*producer)->Publish(msgs, 10s);
  ASSERT_TRUE(st) << st.error().message;
  auto consumer = NewConsumer(*bus, UniqueKafkaName("g"), topic);
  ASSERT_TRUE(consumer);
  auto got = PollAll(*consumer, 2);
  ASSERT_EQ(got.size(), 2U);
  std::sort(got.begin(), got.end(), [](const Message& x, const Message& y) { return x.key < y.key; });
  EXPECT_EQ(got[0].key, "");
  EXPECT_EQ(got[0].value, "no key");
  EXPECT_TRUE(got[0].headers.empty());
  EXPECT_EQ(got[1].key, "k");
  EXPECT_EQ(got[1].value, "");
  auto none = consumer->Poll(0, 100ms);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  ASSERT_TRUE(consumer->Commit({}));
}

TEST_F(KafkaBusTest, CommittedOffsetsAreResumedAndOtherGroupsStartAtTheBeginning) {
  auto bus = Open();
  ASSERT_TRUE(bus);
  const std::string topic = NewTopic(*bus, 1);
  auto producer = bus->CreateProducer();
  ASSERT_TRUE(producer);
  ASSERT_TRUE((*producer)->Publish(Messages(topic, 100), 10s));
  const std::string group = UniqueKafkaName("g");
  {
    auto first = NewConsumer(*bus, group, topic);
    ASSERT_TRUE(first);
    const auto got = PollAll(*first, 100);
    ASSERT_EQ(got.size(), 100U);
    // Only what was processed is committed: the first 60 of the 100 received.
    auto st = first->Commit(std::span<const Message>(got).first(60));
    ASSERT_TRUE(st) << st.error().message;
  }
  {
    auto second = NewConsumer(*bus, group, topic);
    ASSERT_TRUE(second);
    const auto got = PollAll(*second, 40);
    ASSERT_EQ(got.size(), 40U);
    EXPECT_EQ(got.front().offset, 60);
    EXPECT_EQ(got.front().value, "v60");
    EXPECT_EQ(got.back().value, "v99");
    EXPECT_TRUE(PollQuiet(*second, 1s).empty());
    // Committing in any order takes the highest offset per partition.
    std::vector<Message> reversed(got.rbegin(), got.rend());
    ASSERT_TRUE(second->Commit(reversed));
  }
  {
    auto third = NewConsumer(*bus, group, topic);
    ASSERT_TRUE(third);
    EXPECT_TRUE(PollQuiet(*third, 3s).empty()) << "nothing is redelivered after a full commit";
    ASSERT_TRUE((*producer)->Publish(Messages(topic, 5), 10s));
    const auto got = PollAll(*third, 5);
    ASSERT_EQ(got.size(), 5U);
    EXPECT_EQ(got.front().offset, 100);
  }
  {
    auto other = NewConsumer(*bus, UniqueKafkaName("g"), topic);
    ASSERT_TRUE(other);
    const auto got = PollAll(*other, 105);
    ASSERT_EQ(got.size(), 105U);
    EXPECT_EQ(got.front().offset, 0);
    EXPECT_EQ(got.front().value, "v0");
  }
}

TEST_F(KafkaBusTest, MembersOfOneGroupSharePartitions) {
  auto bus = Open();
  ASSERT_TRUE(bus);
  const std::string topic = NewTopic(*bus, 4);
  const std::string group = UniqueKafkaName("g");
  auto a = NewConsumer(*bus, group, topic);
  auto b = NewConsumer(*bus, group, topic);
  ASSERT_TRUE(a && b);
  // Both join and the group settles (cooperative rebalancing takes two rounds) before any
  // message exists, so no message is handed out and then revoked uncommitted.
  std::vector<Message> early = PollQuiet(*a, 500ms);
  for (int i = 0; i < 16; ++i) {
    auto x = PollQuiet(*a, 250ms);
    auto y = PollQuiet(*b, 250ms);
    early.insert(early.end(), x.begin(), x.end());
    early.insert(early.end(), y.begin(), y.end());
  }
  ASSERT_TRUE(early.empty());

  auto producer = bus->CreateProducer();
  ASSERT_TRUE(producer);
  ASSERT_TRUE((*producer)->Publish(Messages(topic, 1000, 101), 10s));
  std::map<std::string, int> seen;
  std::set<int32_t> parts_a, parts_b;
  size_t from_a = 0, from_b = 0;
  const auto deadline = SteadyClock::now() + 30s;
  while (seen.size() < 1000 && SteadyClock::now() < deadline) {
    for (Consumer* c : {a.get(), b.get()}) {
      auto batch = c->Poll(100, 100ms);
      ASSERT_TRUE(batch) << batch.error().message;
      for (const Message& m : *batch) {
        ++seen[m.value];
        (c == a.get() ? parts_a : parts_b).insert(m.partition);
      }
      (c == a.get() ? from_a : from_b) += batch->size();
      auto st = c->Commit(*batch);
      ASSERT_TRUE(st) << st.error().message;
    }
  }
  auto rest_a = PollQuiet(*a, 1s);
  auto rest_b = PollQuiet(*b, 1s);
  EXPECT_TRUE(rest_a.empty() && rest_b.empty());
  EXPECT_EQ(seen.size(), 1000U);
  for (const auto& [v, n] : seen) EXPECT_EQ(n, 1) << v << " delivered " << n << " times";
  EXPECT_GT(from_a, 0U);
  EXPECT_GT(from_b, 0U);
  for (int32_t p : parts_a) EXPECT_FALSE(parts_b.contains(p)) << "partition " << p << " read by both members";
  EXPECT_EQ(parts_a.size() + parts_b.size(), 4U);
}

TEST_F(KafkaBusTest, GroupLagIsPublishedMinusCommitted) {
  auto bus = Open();
  ASSERT_TRUE(bus);
  const std::string topic = NewTopic(*bus, 3);
  const std::string group = UniqueKafkaName("g");
  auto producer = bus->CreateProducer();
  ASSERT_TRUE(producer);
  ASSERT_TRUE((*producer)->Publish(Messages(topic, 90), 10s));

  auto total = [](const std::vector<PartitionLag>& lags) {
    int64_t sum = 0;
    for (const PartitionLag& l : lags) sum += l.lag();
    return sum;
  };
  auto before = bus->GroupLag(group, {topic});
  ASSERT_TRUE(before) << before.error().message;
  ASSERT_EQ(before->size(), 3U);
  int64_t end_sum = 0;
  for (const PartitionLag& l : *before) {
    EXPECT_EQ(l.topic, topic);
    EXPECT_EQ(l.committed, -1);
    end_sum += l.end;
  }
  EXPECT_EQ(end_sum, 90);
  EXPECT_EQ(total(*before), 90);

  auto consumer = NewConsumer(*bus, group, topic);
  ASSERT_TRUE(consumer);
  const auto got = PollAll(*consumer, 90);
  ASSERT_EQ(got.size(), 90U);
  // The first 40 received: a prefix of each partition.
  const auto processed = std::span<const Message>(got).first(40);
  ASSERT_TRUE(consumer->Commit(processed));
  std::map<int32_t, int64_t> next;
  for (const Message& m : processed) next[m.partition] = std::max(next[m.partition], m.offset + 1);

  auto after = bus->GroupLag(group, {topic});
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(total(*after), 50);
  for (const PartitionLag& l : *after) {
    auto it = next.find(l.partition);
    EXPECT_EQ(l.committed, it == next.end() ? -1 : it->second) << "partition " << l.partition;
  }

  auto missing = bus->GroupLag(group, {UniqueKafkaName("ctem.test.none")});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(KafkaBusTest, ConsumerOfAMissingTopicIsRefused) {
  auto bus = Open();
  ASSERT_TRUE(bus);
  auto c = bus->CreateConsumer(UniqueKafkaName("g"), {UniqueKafkaName("ctem.test.none")});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kNotFound);
  EXPECT_NE(c.error().message.find("ctem topics create"), std::string::npos) << c.error().message;
}

TEST_F(KafkaBusTest, PublishToAMissingTopicFails) {
  KafkaOptions o = TestOptions();
  o.message_timeout = 2000ms;
  auto bus = Open(o);
  ASSERT_TRUE(bus);
  auto producer = bus->CreateProducer();
  ASSERT_TRUE(producer);
  const auto t0 = SteadyClock::now();
  auto st = (*producer)->Publish(Messages(UniqueKafkaName("ctem.test.none"), 3), 10s);
  ASSERT_FALSE(st);
  EXPECT_LT(SteadyClock::now() - t0, 5s);
  std::cerr << "missing topic: " << st.error().message << "\n";
}

// Tests that need no broker: they run (and must pass) everywhere.
class KafkaOfflineTest : public ::testing::Test {
 protected:
  void TearDown() override {
    EXPECT_EQ(RdKafka::wait_destroyed(20000), 0) << "librdkafka handles still alive after the test";
  }
};

// Nothing listens on the discard port of the loopback interface.
constexpr const char* kDeadBroker = "127.0.0.1:9";

TEST_F(KafkaOfflineTest, PublishToAnUnreachableBrokerFailsWithinTheTimeout) {
  KafkaOptions o;
  o.message_timeout = 2000ms;
  o.request_timeout = 2000ms;
  auto bus = OpenKafkaBus(kDeadBroker, o);
  ASSERT_TRUE(bus) << bus.error().message;
  auto producer = (*bus)->CreateProducer();
  ASSERT_TRUE(producer) << producer.error().message;
  const auto msgs = Messages("ctem.test.unreachable", 10);

  auto t0 = SteadyClock::now();
  auto st = (*producer)->Publish(msgs, 5s);
  auto took = SteadyClock::now() - t0;
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(st.error().message.find(kDeadBroker), std::string::npos) << st.error().message;
  EXPECT_LT(took, 5s) << "message.timeout.ms (2 s) ends it before the 5 s timeout";
  std::cerr << "unreachable: " << st.error().message << "\n";

  // A timeout shorter than message.timeout.ms ends the call at the timeout.
  t0 = SteadyClock::now();
  st = (*producer)->Publish(msgs, 300ms);
  took = SteadyClock::now() - t0;
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kUnavailable);
  EXPECT_LT(took, 1500ms);

  t0 = SteadyClock::now();
  auto lines = (*bus)->CreateTopics({{"ctem.test.unreachable", 1, 1, -1, "delete"}});
  ASSERT_FALSE(lines);
  EXPECT_EQ(lines.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(lines.error().message.find(kDeadBroker), std::string::npos) << lines.error().message;
  auto consumer = (*bus)->CreateConsumer("g", {"ctem.test.unreachable"});
  ASSERT_FALSE(consumer);
  EXPECT_EQ(consumer.error().code, ErrorCode::kUnavailable);
  auto lag = (*bus)->GroupLag("g", {"ctem.test.unreachable"});
  ASSERT_FALSE(lag);
  EXPECT_EQ(lag.error().code, ErrorCode::kUnavailable);
  EXPECT_LT(SteadyClock::now() - t0, 10s);
}

TEST_F(KafkaOfflineTest, BadSettingsAreRejected) {
  EXPECT_FALSE(OpenKafkaBus(""));
  KafkaOptions o;
  o.extra["no.such.setting"] = "1";
  auto bus = OpenKafkaBus(kDeadBroker, o);
  ASSERT_FALSE(bus);
  EXPECT_EQ(bus.error().code, ErrorCode::kInvalidArgument);
}

// Throughput of one Publish of 100k small messages (CTEM_TEST_KAFKA_BENCH_N to change) and
// of Poll; printed, not checked. Poll is timed twice: from the consumer's creation (group join
// included) and from its first message (the prefetch queue may already hold many by then).
TEST_F(KafkaBusTest, Throughput) {
  auto bus = Open();
  ASSERT_TRUE(bus);
  const std::string topic = NewTopic(*bus, 4);
  const char* n_env = std::getenv("CTEM_TEST_KAFKA_BENCH_N");
  const int n = n_env != nullptr ? std::max(1, std::atoi(n_env)) : 100000;
  std::vector<OutgoingMessage> msgs;
  msgs.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    msgs.push_back({topic,
                    Numbered("asset-", i % 1000),
                    Numbered(R"({"finding":")", i) + R"(","severity":"HIGH","tool":"wiz"})",
                    {}});
  }
  auto producer = bus->CreateProducer();
  ASSERT_TRUE(producer);
  auto t0 = SteadyClock::now();
  auto st = (*producer)->Publish(msgs, 120s);
  const double publish_s = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  ASSERT_TRUE(st) << st.error().message;

  const auto created = SteadyClock::now();
  auto consumer = NewConsumer(*bus, UniqueKafkaName("g"), topic);
  ASSERT_TRUE(consumer);
  auto first = consumer->Poll(1, 15s);
  ASSERT_TRUE(first && first->size() == 1U);
  const auto first_at = SteadyClock::now();
  size_t received = 1;
  while (received < static_cast<size_t>(n)) {
    auto batch = consumer->Poll(10000, 5s);
    ASSERT_TRUE(batch) << batch.error().message;
    if (batch->empty()) break;
    received += batch->size();
  }
  const auto done = SteadyClock::now();
  EXPECT_EQ(received, static_cast<size_t>(n));
  const double all_s = std::chrono::duration<double>(done - created).count();
  const double after_first_s = std::chrono::duration<double>(done - first_at).count();
  const double join_s = std::chrono::duration<double>(first_at - created).count();
  std::cout << "Publish: " << n << " messages in one call: " << publish_s << " s = " << n / publish_s
            << " msg/s\n"
            << "Poll:    " << received << " messages in " << all_s
            << " s from consumer creation = " << static_cast<double>(received) / all_s
            << " msg/s (first message after " << join_s << " s); " << after_first_s
            << " s after the first = " << static_cast<double>(received - 1) / after_first_s << " msg/s\n";
  RecordProperty("publish_msgs_per_s", static_cast<int>(n / publish_s));
  RecordProperty("poll_msgs_per_s", static_cast<int>(static_cast<double>(received) / all_s));
}

// Fault injection with librdkafka's in-process mock cluster (on 127.0.0.1). It adds faults
// the real broker cannot produce on demand; it replaces none of the tests above.
class KafkaMockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char err[256] = {};
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    ASSERT_EQ(rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err), RD_KAFKA_CONF_OK) << err;
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    ASSERT_NE(rk_, nullptr) << err;
    cluster_ = rd_kafka_mock_cluster_new(rk_, 1);
    ASSERT_NE(cluster_, nullptr);
    brokers_ = rd_kafka_mock_cluster_bootstraps(cluster_);
  }
  void TearDown() override {
    if (cluster_ != nullptr) rd_kafka_mock_cluster_destroy(cluster_);
    if (rk_ != nullptr) rd_kafka_destroy(rk_);
    EXPECT_EQ(RdKafka::wait_destroyed(20000), 0) << "librdkafka handles still alive after the test";
  }

  rd_kafka_t* rk_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string brokers_;
};

TEST_F(KafkaMockTest, FatalProducerErrorFailsThePublishAndTheNextOneRecreatesTheProducer) {
  ASSERT_EQ(rd_kafka_mock_topic_create(cluster_, "ctem.mock", 2, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  // InitProducerId (API key 22) refused for authorization: fatal for an idempotent producer.
  rd_kafka_mock_push_request_errors(cluster_, 22, 1, RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED);
  auto bus = OpenKafkaBus(brokers_);
  ASSERT_TRUE(bus) << bus.error().message;
  auto producer = (*bus)->CreateProducer();
  ASSERT_TRUE(producer) << producer.error().message;
  const std::vector<OutgoingMessage> msgs = {{"ctem.mock", "a", "1", {}}, {"ctem.mock", "b", "2", {}}};
  auto st = (*producer)->Publish(msgs, 10s);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(st.error().message.find("fatal"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find(brokers_), std::string::npos) << st.error().message;
  std::cerr << "fatal: " << st.error().message << "\n";

  st = (*producer)->Publish(msgs, 10s);
  EXPECT_TRUE(st) << st.error().message;
  st = (*producer)->Publish(msgs, 10s);
  EXPECT_TRUE(st) << st.error().message;
}

TEST_F(KafkaMockTest, TransientProduceErrorsAreRetriedWithoutDuplicates) {
  ASSERT_EQ(rd_kafka_mock_topic_create(cluster_, "ctem.mock", 1, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  // Produce (API key 0) fails three times with retriable errors; librdkafka retries.
  rd_kafka_mock_push_request_errors(cluster_, 0, 3, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
                                    RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
                                    RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS);
  auto bus = OpenKafkaBus(brokers_);
  ASSERT_TRUE(bus) << bus.error().message;
  auto producer = (*bus)->CreateProducer();
  ASSERT_TRUE(producer);
  std::vector<OutgoingMessage> msgs;
  for (int i = 0; i < 50; ++i) msgs.push_back({"ctem.mock", "k", std::to_string(i), {}});
  auto st = (*producer)->Publish(msgs, 10s);
  ASSERT_TRUE(st) << st.error().message;
  auto consumer = (*bus)->CreateConsumer("g", {"ctem.mock"});
  ASSERT_TRUE(consumer) << consumer.error().message;
  std::vector<Message> got;
  const auto deadline = SteadyClock::now() + 20s;
  while (got.size() < 50 && SteadyClock::now() < deadline) {
    auto batch = (*consumer)->Poll(100, 200ms);
    ASSERT_TRUE(batch) << batch.error().message;
    got.insert(got.end(), batch->begin(), batch->end());
  }
  ASSERT_EQ(got.size(), 50U);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].value, std::to_string(i));
}

}  // namespace
}  // namespace ctem::bus
