// WebhookClient: POSTs an alert as JSON to CTEM_ALERT_WEBHOOK (a Slack incoming webhook, or
// any HTTP(S) endpoint taking JSON), with retries and exponential backoff.
//
// Retry policy (docs/operations.md): an attempt succeeds on any 2xx. A 400, 413, 415 or 422
// means the receiver refuses this content: retrying cannot help, so it is reported as
// rejected at once (the dispatcher dead-letters it with the reason). Anything else — no
// connection, a timeout, 5xx, 408, 429, or 401/403/404 (a misconfigured or rotated hook) — is
// retried up to `max_attempts` times, sleeping initial_backoff, then twice that, ... up to
// max_backoff between attempts; after that Deliver reports a failure and the caller keeps the
// alert to try again later.
//
// Thread-safety: one thread uses a client.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/error.h"

namespace httplib {
class Client;
}

namespace ctem::jobs {

struct WebhookOptions {
  std::string url;  // http(s)://host[:port]/path
  int max_attempts = 5;
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{30000};
  std::chrono::milliseconds timeout{10000};
};

enum class DeliveryOutcome { kDelivered, kRejected, kFailed };

struct Delivery {
  DeliveryOutcome outcome = DeliveryOutcome::kFailed;
  int status = 0;  // the last HTTP status (0: no answer)
  int attempts = 0;
  std::string detail;  // why it was rejected or failed
};

class WebhookClient {
 public:
  // An error when the URL is not http(s)://host[:port][/path].
  static Result<std::unique_ptr<WebhookClient>> Create(WebhookOptions options);
  ~WebhookClient();

  // Delivers `json_body`, retrying as above; returns early (kFailed) once `stopping()`.
  Delivery Deliver(const std::string& json_body, const std::function<bool()>& stopping);
  const WebhookOptions& options() const { return options_; }

 private:
  explicit WebhookClient(WebhookOptions options);

  WebhookOptions options_;
  std::string origin_;  // scheme://host:port
  std::string path_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace ctem::jobs
