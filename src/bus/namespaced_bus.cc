// A Bus decorator that prefixes every topic and consumer group with a namespace, so that
// several deployments (or test runs) can share one Kafka cluster without reading each
// other's messages. Stages keep using the plain topic names.
#include <memory>

#include "bus/open_bus.h"

namespace ctem::bus {
namespace {

class NamespacedProducer final : public Producer {
 public:
  NamespacedProducer(std::unique_ptr<Producer> inner, std::string ns) : inner_(std::move(inner)), ns_(std::move(ns)) {}
  Status Publish(std::span<const OutgoingMessage> messages, std::chrono::milliseconds timeout) override {
    std::vector<OutgoingMessage> renamed(messages.begin(), messages.end());
    for (auto& m : renamed) m.topic = ns_ + m.topic;
    return inner_->Publish(renamed, timeout);
  }

 private:
  std::unique_ptr<Producer> inner_;
  std::string ns_;
};

class NamespacedConsumer final : public Consumer {
 public:
  NamespacedConsumer(std::unique_ptr<Consumer> inner, std::string ns) : inner_(std::move(inner)), ns_(std::move(ns)) {}
  Result<std::vector<Message>> Poll(size_t max, std::chrono::milliseconds wait) override {
    auto batch = inner_->Poll(max, wait);
    if (batch) {
      for (auto& m : *batch) {
        if (m.topic.starts_with(ns_)) m.topic = m.topic.substr(ns_.size());
      }
    }
    return batch;
  }
  Status Commit(std::span<const Message> processed) override {
    std::vector<Message> renamed(processed.begin(), processed.end());
    for (auto& m : renamed) m.topic = ns_ + m.topic;
    return inner_->Commit(renamed);
  }

 private:
  std::unique_ptr<Consumer> inner_;
  std::string ns_;
};

class NamespacedBus final : public Bus {
 public:
  NamespacedBus(std::unique_ptr<Bus> inner, std::string ns) : inner_(std::move(inner)), ns_(std::move(ns)) {}

  Result<std::unique_ptr<Producer>> CreateProducer() override {
    auto p = inner_->CreateProducer();
    if (!p) return p;
    return std::unique_ptr<Producer>(std::make_unique<NamespacedProducer>(std::move(*p), ns_));
  }
  Result<std::unique_ptr<Consumer>> CreateConsumer(const std::string& group,
                                                   const std::vector<std::string>& topics) override {
    auto c = inner_->CreateConsumer(ns_ + group, Prefixed(topics));
    if (!c) return c;
    return std::unique_ptr<Consumer>(std::make_unique<NamespacedConsumer>(std::move(*c), ns_));
  }
  Result<std::vector<std::string>> CreateTopics(const std::vector<TopicSpec>& topics) override {
    std::vector<TopicSpec> renamed = topics;
    for (auto& t : renamed) t.name = ns_ + t.name;
    return inner_->CreateTopics(renamed);
  }
  Result<std::vector<std::string>> ListTopics() override {
    auto all = inner_->ListTopics();
    if (!all) return all;
    std::vector<std::string> mine;
    for (const auto& t : *all) {
      if (t.starts_with(ns_)) mine.push_back(t.substr(ns_.size()));
    }
    return mine;
  }
  int ParallelAppends() const override { return inner_->ParallelAppends(); }
  Result<std::vector<PartitionLag>> GroupLag(const std::string& group, const std::vector<std::string>& topics) override {
    auto lag = inner_->GroupLag(ns_ + group, Prefixed(topics));
    if (lag) {
      for (auto& l : *lag) {
        if (l.topic.starts_with(ns_)) l.topic = l.topic.substr(ns_.size());
      }
    }
    return lag;
  }

 private:
  std::vector<std::string> Prefixed(const std::vector<std::string>& topics) const {
    std::vector<std::string> out;
    for (const auto& t : topics) out.push_back(ns_ + t);
    return out;
  }

  std::unique_ptr<Bus> inner_;
  std::string ns_;
};

}  // namespace

std::unique_ptr<Bus> WithNamespace(std::unique_ptr<Bus> bus, const std::string& ns) {
  if (ns.empty()) return bus;
  return std::make_unique<NamespacedBus>(std::move(bus), ns + ".");
}

}  // namespace ctem::bus
