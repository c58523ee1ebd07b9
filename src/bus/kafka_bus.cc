#include "bus/kafka_bus.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string_view>
#include <thread>

namespace ctem::bus {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

struct Settings {
  std::string brokers;
  KafkaOptions options;
};

int ToMs(milliseconds d) {
  return static_cast<int>(std::clamp<milliseconds::rep>(d.count(), 0, INT_MAX));
}

int RemainingMs(Clock::time_point deadline) {
  return ToMs(duration_cast<milliseconds>(deadline - Clock::now()));
}

// now + d, with d clamped to [0, 24 h] so that no caller's "forever" overflows the clock.
Clock::time_point DeadlineAfter(milliseconds d) {
  return Clock::now() + std::clamp<milliseconds>(d, milliseconds(0), std::chrono::hours(24));
}

// ---- logging ---------------------------------------------------------------------------------

void LogLine(int severity, std::string_view who, std::string_view fac, std::string_view text) {
  // syslog levels, as librdkafka uses them.
  // Connection failures are logged at LOG_ERR; they are retried, so they are warnings here.
  // KafkaOptions::extra goes to every client: a consumer setting ignored by a producer is fine.
  if (fac == "CONFWARN" && text.find("will be ignored by this") != std::string_view::npos) severity = 7;
  if (severity <= 2) {
    spdlog::error("kafka {} [{}]: {}", who, fac, text);
  } else if (severity <= 4) {
    spdlog::warn("kafka {} [{}]: {}", who, fac, text);
  } else if (severity == 5) {
    spdlog::info("kafka {} [{}]: {}", who, fac, text);
  } else {
    spdlog::debug("kafka {} [{}]: {}", who, fac, text);
  }
}

// Receives a C++ client's logs and error events. Logs come from librdkafka's threads; errors
// from the thread that polls the client.
class EventBridge final : public RdKafka::EventCb {
 public:
  explicit EventBridge(std::string who) : who_(std::move(who)) {}

  void event_cb(RdKafka::Event& event) override {
    switch (event.type()) {
      case RdKafka::Event::EVENT_ERROR: {
        std::string text = RdKafka::err2str(event.err());
        if (!event.str().empty() && event.str() != text) text += " (" + event.str() + ")";
        {
          std::lock_guard lock(mu_);
          last_error_ = text;
        }
        if (event.fatal()) {
          fatal_.store(true);
          spdlog::error("kafka {}: fatal error: {}", who_, text);
        } else if (event.err() == RdKafka::ERR__ALL_BROKERS_DOWN) {
          spdlog::warn("kafka {}: {}", who_, text);
        } else {
          spdlog::debug("kafka {}: {}", who_, text);
        }
        break;
      }
      case RdKafka::Event::EVENT_LOG:
        LogLine(static_cast<int>(event.severity()), who_, event.fac(), event.str());
        break;
      default: break;
    }
  }

  bool Fatal() const { return fatal_.load(); }
  std::string LastError() const {
    std::lock_guard lock(mu_);
    return last_error_;
  }

 private:
  const std::string who_;
  std::atomic<bool> fatal_{false};
  mutable std::mutex mu_;
  std::string last_error_;
};

// ---- configuration ---------------------------------------------------------------------------

using Props = std::vector<std::pair<std::string, std::string>>;

Props CommonProps(const Settings& s, const std::string& client_id) {
  return {
      {"bootstrap.servers", s.brokers},
      {"client.id", client_id},
      {"log.connection.close", "false"},
      {"socket.keepalive.enable", "true"},
      // Reconnect promptly after a broker restart.
      {"reconnect.backoff.max.ms", "2000"},
  };
}

Status ApplyProps(RdKafka::Conf& conf, const Props& props, const Settings& s) {
  std::string err;
  auto set = [&](const std::string& k, const std::string& v) -> Status {
    if (conf.set(k, v, err) != RdKafka::Conf::CONF_OK) {
      return Fail(Error::InvalidArgument("Kafka setting " + k + "=" + v + ": " + err));
    }
    return {};
  };
  for (const auto& [k, v] : props) {
    if (auto st = set(k, v); !st) return st;
  }
  for (const auto& [k, v] : s.options.extra) {
    if (auto st = set(k, v); !st) return st;
  }
  return {};
}

std::string Unreachable(const Settings& s, const std::string& what, const std::string& cause,
                        const std::string& last_broker_error) {
  std::string msg = "Kafka at " + s.brokers + " unavailable: " + what + ": " + cause;
  if (!last_broker_error.empty() && last_broker_error != cause)
    msg += " (last broker error: " + last_broker_error + ")";
  return msg;
}

// ---- producer --------------------------------------------------------------------------------

class KafkaProducer final : public Producer, public RdKafka::DeliveryReportCb {
 public:
  explicit KafkaProducer(std::shared_ptr<const Settings> settings) : settings_(std::move(settings)) {}

  ~KafkaProducer() override { Destroy(); }

  KafkaProducer(const KafkaProducer&) = delete;
  KafkaProducer& operator=(const KafkaProducer&) = delete;

  Status Open() {
    Destroy();
    const KafkaOptions& o = settings_->options;
    // librdkafka requires message.timeout.ms > linger.ms.
    const auto linger = std::min(o.linger, o.message_timeout / 2);
    auto events = std::make_unique<EventBridge>("producer");
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    Props props = CommonProps(*settings_, o.client_id + "-producer");
    const Props producer_props = {
        {"enable.idempotence", "true"},
        {"acks", "all"},
        {"message.timeout.ms", std::to_string(std::max<int>(1, ToMs(o.message_timeout)))},
        {"linger.ms", std::to_string(ToMs(linger))},
        {"compression.type", o.compression.empty() ? "none" : o.compression},
        // Java's default partitioner: a key lands in the same partition whichever client
        // (Java, librdkafka) produced it.
        {"partitioner", "murmur2_random"},
    };
    props.insert(props.end(), producer_props.begin(), producer_props.end());
    if (auto st = ApplyProps(*conf, props, *settings_); !st) return st;
    std::string err;
    if (conf->set("event_cb", static_cast<RdKafka::EventCb*>(events.get()), err) != RdKafka::Conf::CONF_OK ||
        conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(this), err) != RdKafka::Conf::CONF_OK) {
      return Fail(Error::Internal("Kafka producer callbacks: " + err));
    }
    std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));
    if (!producer)
      return Fail(
          Error::InvalidArgument("cannot create a Kafka producer for " + settings_->brokers + ": " + err));
    events_ = std::move(events);
    producer_ = std::move(producer);
    return {};
  }

  Status Publish(std::span<const OutgoingMessage> messages, milliseconds timeout) override {
    if (messages.empty()) return {};
    for (const OutgoingMessage& m : messages) {
      if (m.topic.empty()) return Fail(Error::InvalidArgument("a message to publish has no topic"));
    }
    const auto deadline = DeadlineAfter(timeout);
    if (!producer_ || events_->Fatal()) {
      if (producer_) spdlog::warn("kafka producer: recreating the producer after a fatal error");
      if (auto st = Open(); !st) return st;
    }
    producer_->poll(0);  // late reports of an earlier, failed call (ignored: other generation)
    ++generation_;
    pending_ = 0;
    failed_ = 0;
    first_error_.clear();
    first_error_topic_.clear();
    first_error_code_ = RdKafka::ERR_NO_ERROR;
    // The opaque of each message carries the call's generation, not a pointer.
    void* opaque =
        reinterpret_cast<void*>(static_cast<uintptr_t>(generation_));  // NOLINT(performance-no-int-to-ptr)

    size_t produced = 0;
    for (const OutgoingMessage& m : messages) {
      RdKafka::Headers* headers = nullptr;
      if (!m.headers.empty()) {
        headers = RdKafka::Headers::create();
        for (const auto& [k, v] : m.headers) headers->add(k, v.data(), v.size());
      }
      for (;;) {
        const RdKafka::ErrorCode err =
            producer_->produce(m.topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                               const_cast<char*>(m.value.data()), m.value.size(),
                               m.key.empty() ? nullptr : m.key.data(), m.key.size(), 0, headers, opaque);
        if (err == RdKafka::ERR_NO_ERROR) break;  // headers now belong to librdkafka
        if (err == RdKafka::ERR__QUEUE_FULL && Clock::now() < deadline && !events_->Fatal()) {
          producer_->poll(5);  // serve delivery reports; frees queue space
          continue;
        }
        delete headers;
        return ProduceFailed(err, m, produced, messages.size(), timeout);
      }
      ++produced;
      ++pending_;
      if ((produced & 1023U) == 0) producer_->poll(0);
    }

    while (pending_ > 0 && !events_->Fatal()) {
      const int left = RemainingMs(deadline);
      if (left <= 0) break;
      producer_->poll(std::min(left, 50));
    }
    if (events_->Fatal()) return FatalError(messages.size());
    if (pending_ > 0) {
      // Drop what has not been sent yet; this call has failed and the caller may retry.
      producer_->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_NON_BLOCKING);
      return Fail(Error::Unavailable(Unreachable(
          *settings_, "publishing " + std::to_string(messages.size()) + " message(s)",
          std::to_string(pending_) + " not acknowledged within " + std::to_string(timeout.count()) + " ms",
          events_->LastError())));
    }
    if (failed_ > 0) {
      std::string cause = std::to_string(failed_) + " of " + std::to_string(messages.size()) +
                          " message(s) not delivered: " + first_error_;
      if (first_error_code_ == RdKafka::ERR__UNKNOWN_TOPIC ||
          first_error_code_ == RdKafka::ERR_UNKNOWN_TOPIC_OR_PART ||
          (first_error_code_ == RdKafka::ERR__MSG_TIMED_OUT && TopicMissing(first_error_topic_, deadline))) {
        cause += " (topic " + first_error_topic_ + " does not exist; create it with `ctem topics create`)";
      }
      return Fail(Error::Unavailable(Unreachable(*settings_, "publishing", cause, events_->LastError())));
    }
    return {};
  }

  void dr_cb(RdKafka::Message& message) override {
    if (reinterpret_cast<uintptr_t>(message.msg_opaque()) != generation_) return;
    if (pending_ > 0) --pending_;
    if (message.err() != RdKafka::ERR_NO_ERROR) {
      if (failed_++ == 0) {
        first_error_code_ = message.err();
        first_error_topic_ = message.topic_name();
        first_error_ = first_error_topic_ + ": " + message.errstr();
      }
    }
  }

 private:
  Status ProduceFailed(RdKafka::ErrorCode err, const OutgoingMessage& m, size_t produced, size_t total,
                       milliseconds timeout) {
    const std::string what = "publishing message " + std::to_string(produced + 1) + " of " +
                             std::to_string(total) + " to " + m.topic;
    if (err == RdKafka::ERR_MSG_SIZE_TOO_LARGE) {
      return Fail(Error::InvalidArgument(what + ": " + std::to_string(m.value.size()) +
                                         " bytes is above the producer's message.max.bytes"));
    }
    if (err == RdKafka::ERR__FATAL || events_->Fatal()) return FatalError(total);
    if (err == RdKafka::ERR__INVALID_ARG)
      return Fail(Error::InvalidArgument(what + ": " + RdKafka::err2str(err)));
    if (err == RdKafka::ERR__QUEUE_FULL) {
      return Fail(Error::Unavailable(Unreachable(
          *settings_, what, "the local queue stayed full for " + std::to_string(timeout.count()) + " ms",
          events_->LastError())));
    }
    if (err == RdKafka::ERR__UNKNOWN_TOPIC || err == RdKafka::ERR_UNKNOWN_TOPIC_OR_PART) {
      return Fail(Error::Unavailable(what + ": the topic does not exist on Kafka at " + settings_->brokers +
                                     " (create it with `ctem topics create`)"));
    }
    return Fail(
        Error::Unavailable(Unreachable(*settings_, what, RdKafka::err2str(err), events_->LastError())));
  }

  // The idempotent producer hit a fatal error (e.g. its sequence numbers can no longer be
  // trusted): this instance is unusable. The next Publish creates a new one.
  Status FatalError(size_t total) {
    std::string reason;
    const RdKafka::ErrorCode code = producer_->fatal_error(reason);
    Destroy();
    return Fail(Error::Unavailable(
        Unreachable(*settings_, "publishing " + std::to_string(total) + " message(s)",
                    "fatal producer error " + RdKafka::err2str(code) + (reason.empty() ? "" : ": " + reason) +
                        "; the producer is recreated on the next call",
                    "")));
  }

  // True when the brokers answer and do not know `topic` (messages to a topic that was never
  // created time out rather than fail: the broker never creates topics here).
  bool TopicMissing(const std::string& topic, Clock::time_point deadline) {
    const int timeout = std::min(RemainingMs(deadline), 1000);
    const rd_kafka_metadata_t* md = nullptr;
    if (timeout <= 0 ||
        rd_kafka_metadata(producer_->c_ptr(), 1, nullptr, &md, timeout) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return false;
    }
    bool found = false;
    for (int i = 0; i < md->topic_cnt && !found; ++i) {
      found = topic == md->topics[i].topic && md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR;
    }
    rd_kafka_metadata_destroy(md);
    return !found;
  }

  void Destroy() {
    if (producer_) {
      // Whatever is left belongs to calls that already failed: drop it, serve the reports.
      producer_->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
      producer_->poll(0);
      producer_.reset();
    }
    events_.reset();
  }

  std::shared_ptr<const Settings> settings_;
  // Declared before producer_: librdkafka calls them until the producer is destroyed.
  std::unique_ptr<EventBridge> events_;
  std::unique_ptr<RdKafka::Producer> producer_;
  uintptr_t generation_ = 0;
  size_t pending_ = 0;
  size_t failed_ = 0;
  RdKafka::ErrorCode first_error_code_ = RdKafka::ERR_NO_ERROR;
  std::string first_error_topic_;
  std::string first_error_;
};

// ---- consumer --------------------------------------------------------------------------------

Message ToMessage(RdKafka::Message& m) {
  Message out;
  out.topic = m.topic_name();
  out.partition = m.partition();
  out.offset = m.offset();
  if (m.key_pointer() != nullptr) out.key.assign(static_cast<const char*>(m.key_pointer()), m.key_len());
  if (m.payload() != nullptr) out.value.assign(static_cast<const char*>(m.payload()), m.len());
  if (RdKafka::Headers* headers = m.headers(); headers != nullptr) {
    for (const RdKafka::Headers::Header& h : headers->get_all()) {
      out.headers.emplace_back(
          h.key(), h.value() == nullptr ? std::string()
                                        : std::string(static_cast<const char*>(h.value()), h.value_size()));
    }
  }
  const RdKafka::MessageTimestamp ts = m.timestamp();
  if (ts.type != RdKafka::MessageTimestamp::MSG_TIMESTAMP_NOT_AVAILABLE)
    out.ts = Timestamp(milliseconds(ts.timestamp));
  return out;
}

class KafkaConsumerImpl final : public Consumer, public RdKafka::RebalanceCb {
 public:
  KafkaConsumerImpl(std::shared_ptr<const Settings> settings, std::string group)
      : settings_(std::move(settings)), group_(std::move(group)), events_("consumer " + group_) {}

  ~KafkaConsumerImpl() override {
    if (consumer_) {
      const RdKafka::ErrorCode err = consumer_->close();  // leaves the group; joins threads
      if (err != RdKafka::ERR_NO_ERROR)
        spdlog::debug("kafka consumer {}: close: {}", group_, RdKafka::err2str(err));
      consumer_.reset();
    }
  }

  KafkaConsumerImpl(const KafkaConsumerImpl&) = delete;
  KafkaConsumerImpl& operator=(const KafkaConsumerImpl&) = delete;

  Status Open(const std::vector<std::string>& topics) {
    const KafkaOptions& o = settings_->options;
    const int session_ms = std::max(ToMs(o.session_timeout), 1000);
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    Props props = CommonProps(*settings_, o.client_id + "-" + group_);
    const Props consumer_props = {
        {"group.id", group_},
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
        {"auto.offset.reset", "earliest"},
        {"enable.partition.eof", "false"},
        {"partition.assignment.strategy", "cooperative-sticky"},
        {"session.timeout.ms", std::to_string(session_ms)},
        {"heartbeat.interval.ms", std::to_string(std::max(session_ms / 4, 100))},
        {"queued.min.messages", std::to_string(std::max(o.queued_min_messages, 1))},
        {"queued.max.messages.kbytes", std::to_string(std::max(o.queued_max_kbytes, 1024))},
    };
    props.insert(props.end(), consumer_props.begin(), consumer_props.end());
    if (auto st = ApplyProps(*conf, props, *settings_); !st) return st;
    std::string err;
    if (conf->set("event_cb", static_cast<RdKafka::EventCb*>(&events_), err) != RdKafka::Conf::CONF_OK ||
        conf->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(this), err) != RdKafka::Conf::CONF_OK) {
      return Fail(Error::Internal("Kafka consumer callbacks: " + err));
    }
    consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
    if (!consumer_) {
      return Fail(
          Error::InvalidArgument("cannot create a Kafka consumer for " + settings_->brokers + ": " + err));
    }
    if (const RdKafka::ErrorCode e = consumer_->subscribe(topics); e != RdKafka::ERR_NO_ERROR) {
      return Fail(Error::InvalidArgument("Kafka consumer group " + group_ +
                                         ": cannot subscribe: " + RdKafka::err2str(e)));
    }
    return {};
  }

  Result<std::vector<Message>> Poll(size_t max, milliseconds wait) override {
    std::vector<Message> out;
    if (max == 0) return out;
    out.reserve(std::min<size_t>(max, 4096));
    const auto deadline = DeadlineAfter(wait);
    while (out.size() < max) {
      const int timeout = out.empty() ? RemainingMs(deadline) : 0;
      std::unique_ptr<RdKafka::Message> m(consumer_->consume(timeout));
      const RdKafka::ErrorCode err = m->err();
      if (err == RdKafka::ERR_NO_ERROR) {
        out.push_back(ToMessage(*m));
        continue;
      }
      if (err == RdKafka::ERR__TIMED_OUT) {
        if (!out.empty() || RemainingMs(deadline) <= 0) break;
        continue;
      }
      if (err == RdKafka::ERR__PARTITION_EOF) continue;
      if (err == RdKafka::ERR__FATAL || events_.Fatal()) {
        if (!out.empty()) break;  // hand out what arrived; the next call reports the error
        std::string reason;
        const RdKafka::ErrorCode code = consumer_->fatal_error(reason);
        return Fail(Error::Unavailable(
            Unreachable(*settings_, "consumer group " + group_,
                        "fatal consumer error " + RdKafka::err2str(code) + ": " + reason, "")));
      }
      // Transient (a broker restarting, a topic not created yet): librdkafka retries.
      const std::string text = m->topic_name().empty() ? m->errstr() : m->topic_name() + ": " + m->errstr();
      if (warned_.size() < 100 && warned_.insert(text).second) {
        spdlog::warn("kafka consumer {}: {}", group_, text);
      } else {
        spdlog::debug("kafka consumer {}: {}", group_, text);
      }
      if (!out.empty() || RemainingMs(deadline) <= 0) break;
    }
    return out;
  }

  Status Commit(std::span<const Message> processed) override {
    if (processed.empty()) return {};
    std::map<std::pair<std::string, int32_t>, int64_t> next;
    for (const Message& m : processed) {
      int64_t& n = next.try_emplace({m.topic, m.partition}, m.offset + 1).first->second;
      n = std::max(n, m.offset + 1);
    }
    std::vector<RdKafka::TopicPartition*> offsets;
    offsets.reserve(next.size());
    for (const auto& [tp, offset] : next)
      offsets.push_back(RdKafka::TopicPartition::create(tp.first, tp.second, offset));
    RdKafka::ErrorCode err = consumer_->commitSync(offsets);
    std::string detail;
    for (const RdKafka::TopicPartition* tp : offsets) {
      if (tp->err() != RdKafka::ERR_NO_ERROR && detail.empty()) {
        detail = tp->topic() + "[" + std::to_string(tp->partition()) + "]: " + RdKafka::err2str(tp->err());
        if (err == RdKafka::ERR_NO_ERROR) err = tp->err();
      }
    }
    RdKafka::TopicPartition::destroy(offsets);
    if (err == RdKafka::ERR_NO_ERROR) return {};
    if (detail.empty()) detail = RdKafka::err2str(err);
    std::string what = "committing offsets of consumer group " + group_;
    if (err == RdKafka::ERR_REBALANCE_IN_PROGRESS || err == RdKafka::ERR_ILLEGAL_GENERATION ||
        err == RdKafka::ERR_UNKNOWN_MEMBER_ID) {
      detail += " (the group is rebalancing; uncommitted messages will be delivered again)";
    }
    return Fail(Error::Unavailable(Unreachable(*settings_, what, detail, events_.LastError())));
  }

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    const bool cooperative = consumer->rebalance_protocol() == "COOPERATIVE";
    std::unique_ptr<RdKafka::Error> error;
    RdKafka::ErrorCode code = RdKafka::ERR_NO_ERROR;
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      if (cooperative) {
        error.reset(consumer->incremental_assign(partitions));
      } else {
        code = consumer->assign(partitions);
      }
    } else {
      if (cooperative) {
        error.reset(consumer->incremental_unassign(partitions));
      } else {
        code = consumer->unassign();
      }
    }
    spdlog::debug("kafka consumer {}: {} {} partition(s)", group_,
                  err == RdKafka::ERR__ASSIGN_PARTITIONS ? "assigned" : "revoked", partitions.size());
    if (error) spdlog::warn("kafka consumer {}: rebalance: {}", group_, error->str());
    if (code != RdKafka::ERR_NO_ERROR)
      spdlog::warn("kafka consumer {}: rebalance: {}", group_, RdKafka::err2str(code));
  }

 private:
  std::shared_ptr<const Settings> settings_;
  std::string group_;
  std::set<std::string> warned_;
  EventBridge events_;  // declared before consumer_: used until it is destroyed
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
};

// ---- bus (admin) -----------------------------------------------------------------------------

struct RdKafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
  void operator()(rd_kafka_AdminOptions_t* o) const { rd_kafka_AdminOptions_destroy(o); }
  void operator()(rd_kafka_topic_partition_list_t* l) const { rd_kafka_topic_partition_list_destroy(l); }
  void operator()(const rd_kafka_metadata_t* m) const { rd_kafka_metadata_destroy(m); }
};
template <typename T>
using RdPtr = std::unique_ptr<T, RdKafkaDeleter>;

struct Cluster {
  int brokers = 0;
  std::map<std::string, int> partitions;  // topic -> partition count
  std::set<std::string> ready;            // topics whose every partition has a leader
};

class KafkaBus final : public Bus {
 public:
  explicit KafkaBus(std::shared_ptr<const Settings> settings) : settings_(std::move(settings)) {}

  Status Open() {
    char err[512] = {};
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    Props props = CommonProps(*settings_, settings_->options.client_id + "-admin");
    for (const auto& [k, v] : settings_->options.extra) props.emplace_back(k, v);
    for (const auto& [k, v] : props) {
      if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf);
        return Fail(Error::InvalidArgument("Kafka setting " + k + "=" + v + ": " + err));
      }
    }
    rd_kafka_conf_set_opaque(conf, this);
    rd_kafka_conf_set_error_cb(conf, [](rd_kafka_t*, int code, const char* reason, void* opaque) {
      auto* self = static_cast<KafkaBus*>(opaque);
      std::string text = rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(code));
      if (reason != nullptr && text != reason) text += std::string(" (") + reason + ")";
      spdlog::debug("kafka admin: {}", text);
      std::lock_guard lock(self->mu_);
      self->last_error_ = text;
    });
    rd_kafka_conf_set_log_cb(conf, [](const rd_kafka_t*, int level, const char* fac, const char* buf) {
      LogLine(level, "admin", fac != nullptr ? fac : "", buf != nullptr ? buf : "");
    });
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (rk == nullptr) {
      rd_kafka_conf_destroy(conf);
      return Fail(
          Error::InvalidArgument("cannot create a Kafka client for " + settings_->brokers + ": " + err));
    }
    admin_.reset(rk);
    return {};
  }

  Result<std::unique_ptr<Producer>> CreateProducer() override {
    auto p = std::make_unique<KafkaProducer>(settings_);
    if (auto st = p->Open(); !st) return Fail(st.error());
    return std::unique_ptr<Producer>(std::move(p));
  }

  Result<std::unique_ptr<Consumer>> CreateConsumer(const std::string& group,
                                                   const std::vector<std::string>& topics) override {
    if (group.empty()) return Fail(Error::InvalidArgument("a Kafka consumer needs a group id"));
    if (topics.empty()) return Fail(Error::InvalidArgument("a Kafka consumer needs at least one topic"));
    // Fail early and clearly when the brokers are down or a topic was never created
    // (the broker never creates topics here). Regex subscriptions ("^...") are not checked.
    auto cluster = DescribeCluster("creating consumer group " + group);
    if (!cluster) return Fail(cluster.error());
    for (const std::string& t : topics) {
      if (!t.starts_with('^') && !cluster->partitions.contains(t)) {
        return Fail(Error::NotFound("topic " + t + " does not exist on Kafka at " + settings_->brokers +
                                    " (create it with `ctem topics create`)"));
      }
    }
    auto c = std::make_unique<KafkaConsumerImpl>(settings_, group);
    if (auto st = c->Open(topics); !st) return Fail(st.error());
    return std::unique_ptr<Consumer>(std::move(c));
  }

  Result<std::vector<std::string>> CreateTopics(const std::vector<TopicSpec>& topics) override {
    if (topics.empty()) return std::vector<std::string>{};
    for (const TopicSpec& t : topics) {
      if (t.name.empty()) return Fail(Error::InvalidArgument("a topic needs a name"));
      if (t.partitions < 1 || t.replication_factor < 1) {
        return Fail(
            Error::InvalidArgument("topic " + t.name + " needs partitions and replication_factor >= 1"));
      }
    }
    auto cluster = DescribeCluster("creating topics");
    if (!cluster) return Fail(cluster.error());
    const int brokers = std::max(cluster->brokers, 1);

    std::vector<std::string> lines(topics.size());
    std::map<std::string, size_t> index;  // topic to create -> position in `topics`
    std::vector<rd_kafka_NewTopic_t*> create;
    auto free_create = [&] { rd_kafka_NewTopic_destroy_array(create.data(), create.size()); };
    for (size_t i = 0; i < topics.size(); ++i) {
      const TopicSpec& t = topics[i];
      if (auto it = cluster->partitions.find(t.name); it != cluster->partitions.end()) {
        lines[i] = t.name + ": exists (" + std::to_string(it->second) + " partition(s)";
        if (it->second != t.partitions)
          lines[i] += "; the spec asks for " + std::to_string(t.partitions) + ", left as is";
        lines[i] += ")";
        continue;
      }
      if (index.contains(t.name)) continue;  // listed twice: the first spec wins
      int rf = t.replication_factor;
      std::string note;
      if (rf > brokers) {
        note = "replication_factor " + std::to_string(rf) + " > " + std::to_string(brokers) +
               " broker(s); clamped to " + std::to_string(brokers);
        spdlog::warn("{}: {}", t.name, note);
        rf = brokers;
      }
      char err[512] = {};
      rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(t.name.c_str(), t.partitions, rf, err, sizeof err);
      if (nt == nullptr) {
        free_create();
        return Fail(Error::InvalidArgument("topic " + t.name + ": " + err));
      }
      create.push_back(nt);
      std::string configs;
      auto set_config = [&](const char* name, const std::string& value) -> Status {
        if (rd_kafka_NewTopic_set_config(nt, name, value.c_str()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
          return Fail(Error::InvalidArgument("topic " + t.name + ": cannot set " + name + "=" + value));
        }
        configs += std::string(", ") + name + "=" + value;
        return {};
      };
      // A negative retention means "the broker's default" (TopicSpec's default of -1).
      if (t.retention_ms >= 0) {
        if (auto st = set_config("retention.ms", std::to_string(t.retention_ms)); !st) {
          free_create();
          return Fail(st.error());
        }
      }
      if (!t.cleanup_policy.empty()) {
        if (auto st = set_config("cleanup.policy", t.cleanup_policy); !st) {
          free_create();
          return Fail(st.error());
        }
      }
      lines[i] = t.name + ": created (" + std::to_string(t.partitions) +
                 " partition(s), replication factor " + std::to_string(rf) + configs + ")";
      if (!note.empty()) lines[i] += "; " + note;
      index.emplace(t.name, i);
    }
    if (!create.empty()) {
      auto results = RunCreateTopics(create, lines, index);
      free_create();
      if (!results) return Fail(results.error());
      // The controller has created them; wait until the brokers' metadata shows them with
      // leaders, so that a consumer or GroupLag right after this call finds them.
      const auto deadline = DeadlineAfter(settings_->options.request_timeout);
      for (;;) {
        auto now = DescribeCluster("creating topics");
        if (!now) return Fail(now.error());
        const bool all = std::all_of(index.begin(), index.end(),
                                     [&](const auto& e) { return now->ready.contains(e.first); });
        if (all) break;
        if (RemainingMs(deadline) <= 0) {
          return Fail(Error::Unavailable(Unreachable(*settings_, "creating topics",
                                                     "the new topics have no partition leaders yet", "")));
        }
        std::this_thread::sleep_for(milliseconds(50));
      }
    }
    // A name listed twice gets the line of its first spec.
    for (size_t i = 0; i < topics.size(); ++i) {
      if (lines[i].empty()) lines[i] = lines[index.at(topics[i].name)];
    }
    return lines;
  }

  // Measured with the gateway alone on loopback, 64 wrk connections: 1 -> 12.1k req/s, 4 ->
  // 12.7k; 16 connections: 2.8k -> 5.0k (the appends overlap instead of queueing).
  int ParallelAppends() const override { return 4; }

  Result<std::vector<std::string>> ListTopics() override {
    auto cluster = DescribeCluster("listing topics");
    if (!cluster) return Fail(cluster.error());
    std::vector<std::string> out;
    for (const auto& [name, partitions] : cluster->partitions) {
      if (!name.starts_with("__")) out.push_back(name);  // __consumer_offsets and friends
    }
    return out;  // std::map: already sorted
  }

  Result<std::vector<PartitionLag>> GroupLag(const std::string& group,
                                             const std::vector<std::string>& topics) override {
    if (group.empty()) return Fail(Error::InvalidArgument("GroupLag needs a group id"));
    auto cluster = DescribeCluster("reading the lag of consumer group " + group);
    if (!cluster) return Fail(cluster.error());
    std::vector<PartitionLag> out;
    for (const std::string& t : topics) {
      auto it = cluster->partitions.find(t);
      if (it == cluster->partitions.end()) {
        return Fail(Error::NotFound("topic " + t + " does not exist on Kafka at " + settings_->brokers));
      }
      for (int32_t p = 0; p < it->second; ++p) out.push_back({t, p, -1, 0});
    }
    if (out.empty()) return out;

    // End offsets: ListOffsets with timestamp -1 ("latest"), one request per leader. Right
    // after a topic was created its leaders may still be elected: retry those for a while.
    RdPtr<rd_kafka_topic_partition_list_t> ends;
    const auto deadline = DeadlineAfter(settings_->options.request_timeout);
    for (;;) {
      ends.reset(rd_kafka_topic_partition_list_new(static_cast<int>(out.size())));
      for (const PartitionLag& l : out) {
        rd_kafka_topic_partition_list_add(ends.get(), l.topic.c_str(), l.partition)->offset =
            RD_KAFKA_OFFSET_END;
      }
      rd_kafka_resp_err_t err =
          rd_kafka_offsets_for_times(admin_.get(), ends.get(), std::max(RemainingMs(deadline), 1));
      for (int i = 0; err == RD_KAFKA_RESP_ERR_NO_ERROR && i < ends->cnt; ++i) err = ends->elems[i].err;
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      const bool retriable =
          err == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION ||
          err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE || err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
          err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION || err == RD_KAFKA_RESP_ERR__TRANSPORT;
      if (!retriable || RemainingMs(deadline) <= 100) {
        return Fail(Error::Unavailable(
            Unreachable(*settings_, "reading end offsets", rd_kafka_err2str(err), LastError())));
      }
      std::this_thread::sleep_for(milliseconds(100));
    }

    // Committed offsets of the group, through a group-less consumer handle's committed():
    // librdkafka 2.0.2's Admin ListConsumerGroupOffsets cannot parse the "coordinator load in
    // progress" answer a freshly started broker gives (and has crashed on it), while
    // committed() retries that case by itself until the timeout.
    RdPtr<rd_kafka_topic_partition_list_t> committed_list(
        rd_kafka_topic_partition_list_new(static_cast<int>(out.size())));
    for (const PartitionLag& l : out)
      rd_kafka_topic_partition_list_add(committed_list.get(), l.topic.c_str(), l.partition);
    {
      char errstr[512];
      rd_kafka_conf_t* conf = rd_kafka_conf_new();
      if (rd_kafka_conf_set(conf, "bootstrap.servers", settings_->brokers.c_str(), errstr, sizeof(errstr)) !=
              RD_KAFKA_CONF_OK ||
          rd_kafka_conf_set(conf, "group.id", group.c_str(), errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK ||
          rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK ||
          rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf);
        return Fail(Error::InvalidArgument(std::string("Kafka consumer settings: ") + errstr));
      }
      rd_kafka_t* reader = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
      if (reader == nullptr) {
        rd_kafka_conf_destroy(conf);
        return Fail(Error::Unavailable(std::string("Kafka consumer: ") + errstr));
      }
      const rd_kafka_resp_err_t cerr = rd_kafka_committed(
          reader, committed_list.get(), std::max(RemainingMs(DeadlineAfter(settings_->options.request_timeout)), 1));
      rd_kafka_destroy(reader);
      if (cerr != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return Fail(Error::Unavailable(Unreachable(*settings_, "listing the offsets of consumer group " + group,
                                                   rd_kafka_err2str(cerr), "")));
      }
    }
    const rd_kafka_topic_partition_list_t* committed = committed_list.get();

    std::map<std::pair<std::string, int32_t>, PartitionLag*> by_tp;
    for (PartitionLag& l : out) by_tp[{l.topic, l.partition}] = &l;
    for (int i = 0; i < ends->cnt; ++i) {
      const rd_kafka_topic_partition_t& e = ends->elems[i];
      if (auto it = by_tp.find({e.topic, e.partition}); it != by_tp.end())
        it->second->end = std::max<int64_t>(e.offset, 0);
    }
    for (int i = 0; committed != nullptr && i < committed->cnt; ++i) {
      const rd_kafka_topic_partition_t& c = committed->elems[i];
      if (auto it = by_tp.find({c.topic, c.partition}); it != by_tp.end()) {
        it->second->committed = c.err == RD_KAFKA_RESP_ERR_NO_ERROR && c.offset >= 0 ? c.offset : -1;
      }
    }
    return out;
  }

 private:
  std::string LastError() {
    rd_kafka_poll(admin_.get(), 0);  // serves queued error events into last_error_
    std::lock_guard lock(mu_);
    return last_error_;
  }

  Result<Cluster> DescribeCluster(const std::string& what) {
    const rd_kafka_metadata_t* md = nullptr;
    const rd_kafka_resp_err_t err =
        rd_kafka_metadata(admin_.get(), 1, nullptr, &md, ToMs(settings_->options.request_timeout));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Fail(
          Error::Unavailable(Unreachable(*settings_, what,
                                         std::string("no broker answered within ") +
                                             std::to_string(settings_->options.request_timeout.count()) +
                                             " ms (" + rd_kafka_err2str(err) + ")",
                                         LastError())));
    }
    RdPtr<const rd_kafka_metadata_t> holder(md);
    Cluster c;
    c.brokers = md->broker_cnt;
    for (int i = 0; i < md->topic_cnt; ++i) {
      const rd_kafka_metadata_topic& t = md->topics[i];
      if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
      c.partitions[t.topic] = t.partition_cnt;
      bool ready = t.partition_cnt > 0;
      for (int p = 0; p < t.partition_cnt; ++p) {
        ready = ready && t.partitions[p].err == RD_KAFKA_RESP_ERR_NO_ERROR && t.partitions[p].leader >= 0;
      }
      if (ready) c.ready.insert(t.topic);
    }
    return c;
  }

  Result<RdPtr<rd_kafka_AdminOptions_t>> AdminOptions(rd_kafka_admin_op_t op, bool operation_timeout) {
    RdPtr<rd_kafka_AdminOptions_t> options(rd_kafka_AdminOptions_new(admin_.get(), op));
    char err[512] = {};
    const int timeout = ToMs(settings_->options.request_timeout);
    if (rd_kafka_AdminOptions_set_request_timeout(options.get(), timeout, err, sizeof err) !=
            RD_KAFKA_RESP_ERR_NO_ERROR ||
        (operation_timeout && rd_kafka_AdminOptions_set_operation_timeout(
                                  options.get(), timeout, err, sizeof err) != RD_KAFKA_RESP_ERR_NO_ERROR)) {
      return Fail(Error::Internal(std::string("Kafka admin options: ") + err));
    }
    return options;
  }

  Result<RdPtr<rd_kafka_event_t>> WaitAdmin(rd_kafka_queue_t* queue, const std::string& what) {
    // The request times out on its own after request_timeout; wait a little longer for that.
    const int timeout = ToMs(settings_->options.request_timeout * 2 + milliseconds(1000));
    RdPtr<rd_kafka_event_t> event(rd_kafka_queue_poll(queue, timeout));
    if (!event) {
      return Fail(Error::Unavailable(
          Unreachable(*settings_, what, "no answer within " + std::to_string(timeout) + " ms", LastError())));
    }
    if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* text = rd_kafka_event_error_string(event.get());
      return Fail(
          Error::Unavailable(Unreachable(*settings_, what, text != nullptr ? text : "error", LastError())));
    }
    return event;
  }

  Status RunCreateTopics(std::vector<rd_kafka_NewTopic_t*>& create, std::vector<std::string>& lines,
                         const std::map<std::string, size_t>& index) {
    auto options = AdminOptions(RD_KAFKA_ADMIN_OP_CREATETOPICS, true);
    if (!options) return Fail(options.error());
    RdPtr<rd_kafka_queue_t> queue(rd_kafka_queue_new(admin_.get()));
    rd_kafka_CreateTopics(admin_.get(), create.data(), create.size(), options->get(), queue.get());
    auto event = WaitAdmin(queue.get(), "creating topics");
    if (!event) return Fail(event.error());
    size_t n = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event->get()), &n);
    std::string errors;
    bool invalid = false;
    for (size_t i = 0; i < n; ++i) {
      const std::string name = rd_kafka_topic_result_name(results[i]);
      const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
      auto it = index.find(name);
      if (it == index.end()) continue;
      if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        lines[it->second] = name + ": exists";  // created meanwhile by someone else
      } else if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* text = rd_kafka_topic_result_error_string(results[i]);
        if (!errors.empty()) errors += "; ";
        errors += name + ": " + (text != nullptr ? text : rd_kafka_err2str(err));
        invalid = invalid || err == RD_KAFKA_RESP_ERR_INVALID_CONFIG ||
                  err == RD_KAFKA_RESP_ERR_INVALID_PARTITIONS ||
                  err == RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR ||
                  err == RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION || err == RD_KAFKA_RESP_ERR_POLICY_VIOLATION;
      }
    }
    if (!errors.empty()) {
      if (invalid)
        return Fail(
            Error::InvalidArgument("creating topics on Kafka at " + settings_->brokers + ": " + errors));
      return Fail(Error::Unavailable(Unreachable(*settings_, "creating topics", errors, "")));
    }
    return {};
  }

  std::shared_ptr<const Settings> settings_;
  std::mutex mu_;
  std::string last_error_;
  RdPtr<rd_kafka_t> admin_;  // declared last: destroyed first, while mu_ is still alive
};

}  // namespace

Result<std::unique_ptr<Bus>> OpenKafkaBus(const std::string& brokers) {
  return OpenKafkaBus(brokers, KafkaOptions{});
}

Result<std::unique_ptr<Bus>> OpenKafkaBus(const std::string& brokers, const KafkaOptions& options) {
  std::string list = brokers;
  if (list.starts_with("kafka://")) list.erase(0, 8);
  while (!list.empty() && list.back() == '/') list.pop_back();
  if (list.empty())
    return Fail(Error::InvalidArgument("the Kafka bus needs brokers (host:port[,host:port...])"));
  auto settings = std::make_shared<Settings>(Settings{list, options});
  auto bus = std::make_unique<KafkaBus>(std::move(settings));
  if (auto st = bus->Open(); !st) return Fail(st.error());
  return std::unique_ptr<Bus>(std::move(bus));
}

}  // namespace ctem::bus
