// The jobs tests' bus: the embedded bus in a file of the test's temporary directory, with the
// default topics, a reader that drains a topic, and a bus whose producer can be made to fail.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "bus/bus.h"
#include "bus/open_bus.h"
#include "jobs/alerts.h"

namespace ctem::jobs::testing {

inline std::unique_ptr<bus::Bus> OpenTestBus(const std::string& path) {
  auto b = bus::OpenBus("embedded", path);
  EXPECT_TRUE(b.has_value()) << b.error().message;
  if (!b) return nullptr;
  auto created = (*b)->CreateTopics(bus::DefaultTopics());
  EXPECT_TRUE(created.has_value()) << created.error().message;
  return std::move(*b);
}

// Everything on `topic` from the start (a fresh group each call), as parsed JSON.
inline std::vector<Json> ReadTopic(bus::Bus& b, const std::string& topic) {
  static std::atomic<int> n{0};
  auto c = b.CreateConsumer("test-reader-" + std::to_string(n++), {topic});
  EXPECT_TRUE(c.has_value());
  std::vector<Json> out;
  while (c) {
    auto batch = (*c)->Poll(1000, std::chrono::milliseconds(200));
    EXPECT_TRUE(batch.has_value());
    if (!batch || batch->empty()) break;
    for (const auto& m : *batch) out.push_back(Json::parse(m.value));
  }
  return out;
}

// A bus whose producers fail while `failing` is set (the bus "down"), delegating otherwise.
class FlakyBus final : public bus::Bus {
 public:
  explicit FlakyBus(bus::Bus& inner) : inner_(inner) {}
  std::atomic<bool> failing{false};

  Result<std::unique_ptr<bus::Producer>> CreateProducer() override {
    if (failing.load()) return Fail(Error::Unavailable("bus down (test)"));
    auto p = inner_.CreateProducer();
    if (!p) return p;
    return std::unique_ptr<bus::Producer>(std::make_unique<FlakyProducer>(std::move(*p), failing));
  }
  Result<std::unique_ptr<bus::Consumer>> CreateConsumer(const std::string& group,
                                                        const std::vector<std::string>& topics) override {
    return inner_.CreateConsumer(group, topics);
  }
  Result<std::vector<std::string>> CreateTopics(const std::vector<bus::TopicSpec>& topics) override {
    return inner_.CreateTopics(topics);
  }
  Result<std::vector<bus::PartitionLag>> GroupLag(const std::string& group,
                                                  const std::vector<std::string>& topics) override {
    return inner_.GroupLag(group, topics);
  }
  Result<std::vector<std::string>> ListTopics() override { return inner_.ListTopics(); }

 private:
  class FlakyProducer final : public bus::Producer {
   public:
    FlakyProducer(std::unique_ptr<bus::Producer> inner, std::atomic<bool>& failing)
        : inner_(std::move(inner)), failing_(failing) {}
    Status Publish(std::span<const bus::OutgoingMessage> messages,
                   std::chrono::milliseconds timeout) override {
      if (failing_.load()) return Fail(Error::Unavailable("bus down (test)"));
      return inner_->Publish(messages, timeout);
    }

   private:
    std::unique_ptr<bus::Producer> inner_;
    std::atomic<bool>& failing_;
  };
  bus::Bus& inner_;
};

}  // namespace ctem::jobs::testing
