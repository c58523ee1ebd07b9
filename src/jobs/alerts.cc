#include "jobs/alerts.h"

#include <algorithm>
#include <cctype>

#include "bus/bus.h"

namespace ctem::jobs {

std::string_view RuleFor(std::string_view alert_type) {
  if (alert_type == kSlaBreach) return "CTEM-MOBILIZE-001";
  if (alert_type == kSlaAtRisk) return "CTEM-MOBILIZE-002";
  if (alert_type == kNewAsset) return "CTEM-SCOPE-002";
  if (alert_type == kDetectionGap) return "CTEM-FEEDBACK-001";
  return {};
}

SqlStatement QueueStatement(const OutboxEntry& e) {
  const std::string topic = e.topic.empty() ? std::string(bus::kAlertsTopic) : e.topic;
  return {
      "INSERT INTO ctem_alert_outbox (ts, tenant_id, alert_type, exposure_key, alert_title, payload, topic, "
      "dedup_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING",
      {FormatTimestamp(e.ts), e.tenant_id, e.alert_type, e.exposure_key, e.title, e.payload.dump(), topic,
       e.dedup_key.empty() ? store::SqlValue() : store::SqlValue(e.dedup_key)}};
}

namespace {

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// The alert's severity in the engine's vocabulary: the exposure's severity, the gap's, or the
// seed's alert_severity ("Medium" for new assets).
std::string SeverityOf(const Json& payload) {
  for (const char* field : {"severity", "gap_severity", "alert_severity"}) {
    if (payload.contains(field) && payload[field].is_string())
      return Upper(payload[field].get<std::string>());
  }
  return "MEDIUM";
}

}  // namespace

Json OutboundMessage(const OutboxEntry& e) {
  if (!e.topic.empty() && e.topic != bus::kAlertsTopic) return e.payload;
  const std::string_view rule = RuleFor(e.alert_type);
  Json alert = {
      {"alert_id", e.dedup_key.empty() ? "outbox-" + std::to_string(e.id) : e.dedup_key},
      {"alert_type", e.alert_type},
      {"rule", rule.empty() ? Json(nullptr) : Json(rule)},
      {"title", e.title},
      {"severity", SeverityOf(e.payload)},
      {"tenant", e.tenant_id},
      {"exposure_key", e.exposure_key.empty() ? Json(nullptr) : Json(e.exposure_key)},
      {"raised_at", FormatTimestamp(e.ts)},
  };
  // The seed's fields follow; the envelope's own names win (they carry the same values).
  if (e.payload.is_object()) {
    for (auto it = e.payload.begin(); it != e.payload.end(); ++it) {
      if (!alert.contains(it.key())) alert[it.key()] = it.value();
    }
  }
  return alert;
}

std::string OutboundKey(const OutboxEntry& e) {
  return e.tenant_id + "/" + (e.exposure_key.empty() ? e.dedup_key : e.exposure_key);
}

std::string SlackText(const Json& a) {
  auto text = [&](const char* field) {
    return a.contains(field) && a[field].is_string() ? a[field].get<std::string>() : std::string();
  };
  std::string out = "[" + text("severity") + "] " + text("title");
  if (const std::string level = text("escalation_level"); !level.empty()) out += " | escalate to " + level;
  if (const std::string action = text("action"); !action.empty()) out += " | " + action;
  out += " | tenant " + text("tenant");
  if (const std::string key = text("exposure_key"); !key.empty()) out += " | exposure " + key;
  if (const std::string rule = text("rule"); !rule.empty()) out += " (" + rule + ")";
  return out;
}

Json WebhookBody(const Json& alert) {
  Json body = {{"text", SlackText(alert)}};
  for (auto it = alert.begin(); it != alert.end(); ++it) {
    if (it.key() != "text") body[it.key()] = it.value();
  }
  return body;
}

}  // namespace ctem::jobs
