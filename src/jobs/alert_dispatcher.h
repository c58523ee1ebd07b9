// AlertDispatcher: delivers the alerts on `ctem.alerts` to the webhook (`ctem
// alert-dispatcher`, and a thread of `ctem serve` when CTEM_ALERT_WEBHOOK is set).
//
// It is a consumer group on the topic (ctem-alert-dispatcher-group) and commits an alert's
// offset only after the webhook accepted it (2xx), in topic order: while the webhook fails,
// the alert stays uncommitted on the topic and is retried (WebhookClient's backoff, then the
// stage's), so a webhook that is down for hours loses nothing and, once back, receives every
// alert in order. Delivery is at least once: a crash after the POST and before the commit
// sends that alert again, with the same alert_id. An alert the webhook refuses as content
// (400/413/415/422) goes to ctem.dlq with the status and reason, and the next one follows.
//
// Thread-safety: as pipeline::Stage — one thread drives it; Stop() from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string_view>

#include "bus/bus.h"
#include "jobs/webhook.h"
#include "pipeline/stages.h"

namespace ctem::jobs {

inline constexpr std::string_view kAlertDispatcherGroup = "ctem-alert-dispatcher-group";

struct DispatcherMetrics {
  std::atomic<uint64_t> delivered{0};
  std::atomic<uint64_t> rejected{0};       // dead-lettered
  std::atomic<uint64_t> failed_rounds{0};  // rounds that ended with the webhook failing
};

class AlertDispatcher final : public pipeline::Stage {
 public:
  AlertDispatcher(bus::Bus& bus, std::unique_ptr<WebhookClient> webhook, DispatcherMetrics& metrics,
                  pipeline::StageOptions options = {});
  // One round: poll, deliver in order, commit what was delivered. Fails (leaving the rest
  // uncommitted, to be read again) when the webhook fails after its retries.
  Result<size_t> RunOnce() override;
  // Called with every alert delivered (for `--once` to print them).
  void OnDelivered(std::function<void(const bus::Message&)> f) { on_delivered_ = std::move(f); }

 protected:
  std::string_view Name() const override { return "alert-dispatcher"; }

 private:
  Status Connect();

  bus::Bus& bus_;
  std::unique_ptr<WebhookClient> webhook_;
  DispatcherMetrics& metrics_;
  pipeline::StageOptions options_;
  std::unique_ptr<bus::Consumer> consumer_;
  std::unique_ptr<bus::Producer> producer_;  // dead letters
  std::function<void(const bus::Message&)> on_delivered_;
};

}  // namespace ctem::jobs
