#include "jobs/webhook.h"

#include <httplib.h>

#include <algorithm>

#include "jobs/outbox_relay.h"

namespace ctem::jobs {

Result<std::unique_ptr<WebhookClient>> WebhookClient::Create(WebhookOptions options) {
  const std::string url = options.url;
  const size_t scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    return Fail(Error::InvalidArgument("alert webhook '" + url +
                                       "': expected an http:// or https:// URL, e.g. "
                                       "https://hooks.slack.com/services/T000/B000/XXXX"));
  }
  const size_t path_start = url.find('/', scheme_end + 3);
  const std::string host = url.substr(
      scheme_end + 3, path_start == std::string::npos ? std::string::npos : path_start - scheme_end - 3);
  if (host.empty()) return Fail(Error::InvalidArgument("alert webhook '" + url + "': no host"));
  auto client = std::unique_ptr<WebhookClient>(new WebhookClient(std::move(options)));
  client->origin_ = scheme + "://" + host;
  client->path_ = path_start == std::string::npos ? "/" : url.substr(path_start);
  client->client_ = std::make_unique<httplib::Client>(client->origin_);
  const auto t = client->options_.timeout;
  const auto sec = std::chrono::duration_cast<std::chrono::seconds>(t);
  const auto usec = std::chrono::duration_cast<std::chrono::microseconds>(t - sec);
  client->client_->set_connection_timeout(sec.count(), usec.count());
  client->client_->set_read_timeout(sec.count(), usec.count());
  client->client_->set_write_timeout(sec.count(), usec.count());
  return client;
}

WebhookClient::WebhookClient(WebhookOptions options) : options_(std::move(options)) {}
WebhookClient::~WebhookClient() = default;

Delivery WebhookClient::Deliver(const std::string& json_body, const std::function<bool()>& stopping) {
  Delivery d;
  auto backoff = options_.initial_backoff;
  for (int attempt = 1; attempt <= std::max(1, options_.max_attempts) && !stopping(); ++attempt) {
    d.attempts = attempt;
    const httplib::Result res = client_->Post(path_, json_body, "application/json");
    if (res) {
      d.status = res->status;
      if (res->status >= 200 && res->status < 300) {
        d.outcome = DeliveryOutcome::kDelivered;
        d.detail.clear();
        return d;
      }
      const std::string body = res->body.substr(0, 200);
      d.detail = "HTTP " + std::to_string(res->status) + (body.empty() ? "" : ": " + body);
      if (res->status == 400 || res->status == 413 || res->status == 415 || res->status == 422) {
        d.outcome = DeliveryOutcome::kRejected;
        return d;
      }
    } else {
      d.status = 0;
      d.detail = "no answer: " + httplib::to_string(res.error());
    }
    if (attempt < options_.max_attempts) {
      SleepUnlessStopped(backoff, stopping);
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
  }
  d.outcome = DeliveryOutcome::kFailed;
  d.detail = "webhook " + origin_ + " (path not shown: it may hold a secret) failed after " +
             std::to_string(d.attempts) + " attempt(s): " + d.detail;
  return d;
}

}  // namespace ctem::jobs
