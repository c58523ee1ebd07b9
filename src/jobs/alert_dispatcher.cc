#include "jobs/alert_dispatcher.h"

#include <spdlog/spdlog.h>

#include "jobs/alerts.h"

namespace ctem::jobs {

AlertDispatcher::AlertDispatcher(bus::Bus& bus, std::unique_ptr<WebhookClient> webhook,
                                 DispatcherMetrics& metrics, pipeline::StageOptions options)
    : bus_(bus), webhook_(std::move(webhook)), metrics_(metrics), options_(std::move(options)) {
  if (options_.group.empty()) options_.group = std::string(kAlertDispatcherGroup);
}

Status AlertDispatcher::Connect() {
  if (!consumer_) {
    auto c = bus_.CreateConsumer(options_.group, {std::string(bus::kAlertsTopic)});
    if (!c) return Fail(c.error());
    consumer_ = std::move(*c);
  }
  if (!producer_) {
    auto p = bus_.CreateProducer();
    if (!p) return Fail(p.error());
    producer_ = std::move(*p);
  }
  return {};
}

Result<size_t> AlertDispatcher::RunOnce() {
  if (auto st = Connect(); !st) return Fail(st.error());
  auto batch =
      pipeline::PollBatch(*consumer_, options_.batch_size, options_.linger, std::chrono::milliseconds(200));
  if (!batch) {
    consumer_.reset();
    return Fail(batch.error());
  }
  std::vector<bus::Message> done;
  std::optional<Error> failure;
  for (const bus::Message& m : *batch) {
    if (stopping()) {
      failure = Error::Unavailable("stopping");
      break;
    }
    Json alert = Json::parse(m.value, nullptr, /*allow_exceptions=*/false);
    if (alert.is_discarded() || !alert.is_object()) {
      if (auto st =
              producer_->Publish({{pipeline::DeadLetter(m, "alert-dispatcher", "not a JSON alert object")}},
                                 options_.publish_timeout);
          !st) {
        failure = st.error();
        break;
      }
      ++metrics_.rejected;
      done.push_back(m);
      continue;
    }
    const Delivery d = webhook_->Deliver(WebhookBody(alert).dump(), [this] { return stopping(); });
    if (d.outcome == DeliveryOutcome::kDelivered) {
      ++metrics_.delivered;
      done.push_back(m);
      if (on_delivered_) on_delivered_(m);
      continue;
    }
    if (d.outcome == DeliveryOutcome::kRejected) {
      spdlog::error("alert-dispatcher: webhook refused alert {} ({}); sent to {}",
                    alert.value("alert_id", std::string("?")), d.detail, bus::kDeadLetterTopic);
      if (auto st = producer_->Publish(
              {{pipeline::DeadLetter(m, "alert-dispatcher", "webhook refused the alert: " + d.detail)}},
              options_.publish_timeout);
          !st) {
        failure = st.error();
        break;
      }
      ++metrics_.rejected;
      done.push_back(m);
      continue;
    }
    ++metrics_.failed_rounds;
    failure = Error::Unavailable(d.detail);
    break;
  }
  // Everything before the first failure was delivered (or dead-lettered): commit it, then
  // rewind to the committed offsets so the failed alert is read again.
  if (!done.empty()) {
    if (auto st = consumer_->Commit(done); !st) {
      consumer_.reset();
      return Fail(st.error());
    }
  }
  if (failure) {
    consumer_.reset();
    return Fail(*failure);
  }
  return done.size();
}

}  // namespace ctem::jobs
