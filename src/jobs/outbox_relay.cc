#include "jobs/outbox_relay.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

namespace ctem::jobs {

void SleepUnlessStopped(std::chrono::milliseconds d, const std::function<bool()>& stopping) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (!stopping()) {
    const auto left = until - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(50)));
  }
}

OutboxRelay::OutboxRelay(store::Store& store, bus::Bus& bus, const Clock& clock, RelayOptions options)
    : store_(store), bus_(bus), clock_(clock), options_(options) {}

Result<std::vector<OutboxEntry>> OutboxRelay::Claim() {
  const std::string now = FormatTimestamp(lease_clock_.Now());
  const std::string until = FormatTimestamp(lease_clock_.Now() + options_.lease);
  // The lease condition is repeated outside the subquery: a relay that waited for another's
  // row lock (PostgreSQL) re-checks it on the row as committed and skips rows just claimed.
  const std::string claimable = "published_at IS NULL AND (lease_until IS NULL OR lease_until < ?)";
  auto rows = store_.Sql().Query(
      "UPDATE ctem_alert_outbox SET lease_until = ? WHERE id IN (SELECT id FROM ctem_alert_outbox WHERE " +
          claimable + " ORDER BY id LIMIT " + std::to_string(options_.batch_size) + ") AND " + claimable +
          " RETURNING id, ts, tenant_id, alert_type, exposure_key, alert_title, payload, topic, dedup_key",
      {until, now, now});
  if (!rows) return Fail(rows.error());
  std::vector<OutboxEntry> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) {
    OutboxEntry e;
    e.id = store::AsInt(r[0]);
    e.ts = store::AsTimestamp(r[1]).value_or(Timestamp{});
    e.tenant_id = store::AsText(r[2]);
    e.alert_type = store::AsText(r[3]);
    e.exposure_key = store::AsText(r[4]);
    e.title = store::AsText(r[5]);
    e.payload = Json::parse(store::AsText(r[6]), nullptr, /*allow_exceptions=*/false);
    if (e.payload.is_discarded()) e.payload = Json::object();
    e.topic = store::AsText(r[7]);
    e.dedup_key = store::AsText(r[8]);
    out.push_back(std::move(e));
  }
  // RETURNING gives no order; the outbox's is the order things happened.
  std::sort(out.begin(), out.end(), [](const OutboxEntry& a, const OutboxEntry& b) { return a.id < b.id; });
  return out;
}

namespace {

std::string IdList(const std::vector<OutboxEntry>& rows) {
  std::string ids;
  for (const auto& r : rows) ids += (ids.empty() ? "" : ",") + std::to_string(r.id);
  return ids;
}

}  // namespace

void OutboxRelay::Release(const std::vector<OutboxEntry>& rows) {
  // Best effort: a lease left behind only delays the rows until it expires.
  (void)store_.Sql().ExecuteInTransaction(
      {{"UPDATE ctem_alert_outbox SET lease_until = NULL WHERE id IN (" + IdList(rows) + ")", {}}});
}

Result<std::vector<OutboxEntry>> OutboxRelay::RelayOnce() {
  std::vector<OutboxEntry> published;
  // The outbox is scoped by tenant like every tenant table: the relay drains one tenant at a
  // time with the store bound to it.
  std::vector<std::string> tenants;
  if (store_.BoundTenant()) {
    tenants.push_back(*store_.BoundTenant());
  } else {
    auto all = store_.ListTenants();
    if (!all) return Fail(all.error());
    tenants = std::move(*all);
  }
  for (const std::string& tenant : tenants) {
    store::TenantScope scope(store_, tenant);
    if (!scope.status()) return Fail(scope.status().error());
    if (auto st = RelayTenant(published); !st) return Fail(st.error());
  }
  return published;
}

Status OutboxRelay::RelayTenant(std::vector<OutboxEntry>& published) {
  while (!stop_.load()) {
    auto rows = Claim();
    if (!rows) return Fail(rows.error());
    if (rows->empty()) break;
    if (!producer_) {
      auto p = bus_.CreateProducer();
      if (!p) {
        Release(*rows);
        return Fail(p.error());
      }
      producer_ = std::move(*p);
    }
    std::vector<bus::OutgoingMessage> messages;
    messages.reserve(rows->size());
    for (const OutboxEntry& e : *rows) {
      bus::OutgoingMessage m;
      m.topic = e.topic.empty() ? std::string(bus::kAlertsTopic) : e.topic;
      m.key = OutboundKey(e);
      m.value = OutboundMessage(e).dump();
      m.headers = {{"ctem-tenant", e.tenant_id}, {"ctem-alert-type", e.alert_type}};
      messages.push_back(std::move(m));
    }
    if (auto st = producer_->Publish(messages, options_.publish_timeout); !st) {
      producer_.reset();
      Release(*rows);
      return Fail(st.error());
    }
    auto marked = store_.Sql().ExecuteInTransaction(
        {{"UPDATE ctem_alert_outbox SET published_at = ?, lease_until = NULL WHERE id IN (" + IdList(*rows) +
              ")",
          {FormatTimestamp(clock_.Now())}}});
    // Published but not marked: the lease expires and the rows go out again (at least once).
    if (!marked) return Fail(marked.error());
    for (auto& e : *rows) published.push_back(std::move(e));
  }
  return {};
}

void OutboxRelay::Run() {
  auto backoff = std::chrono::milliseconds(500);
  bool failing = false;
  while (!stop_.load()) {
    auto r = RelayOnce();
    if (r) {
      if (failing) spdlog::info("outbox-relay: recovered");
      failing = false;
      backoff = std::chrono::milliseconds(500);
      if (!r->empty()) spdlog::info("outbox-relay: published {} message(s)", r->size());
      SleepUnlessStopped(options_.poll_interval, stop_);
      continue;
    }
    if (!failing)
      spdlog::warn("outbox-relay: {} (retrying with backoff; rows stay in the outbox)", r.error().message);
    failing = true;
    SleepUnlessStopped(backoff, stop_);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(30000));
  }
}

}  // namespace ctem::jobs
