// What the jobs raise, and how it travels: every alert (and every re-scan request) is first a
// row of ctem_alert_outbox, written in the same transaction as the state change that caused
// it (the escalation level, the at-risk mark, the re-scan mark, the inventory, or — in the
// store itself — the regression and the detection gap). The outbox relay then publishes the
// row to its topic, so a crash between the two loses nothing (transactional outbox).
//
// The message on `ctem.alerts` (docs/operations.md, "Alert format"):
//   {"alert_id", "alert_type", "rule", "title", "severity", "tenant", "exposure_key",
//    "raised_at", <the seed's alert fields: alert_title, escalation_level, hours_overdue, ...>}
// `alert_id` is stable across redeliveries (the row's dedup key, or "outbox-<id>"), so a
// receiver can drop duplicates of at-least-once delivery. Re-scan requests on `ctem.rescan`
// are published as the checker built them.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.h"
#include "store/sql.h"

namespace ctem::jobs {

using Json = nlohmann::ordered_json;

// Alert types (the outbox's alert_type) and the seed rule each implements.
inline constexpr std::string_view kSlaBreach = "SLA_BREACH";        // CTEM-MOBILIZE-001
inline constexpr std::string_view kSlaAtRisk = "SLA_AT_RISK";       // CTEM-MOBILIZE-002
inline constexpr std::string_view kNewAsset = "NEW_ASSET";          // CTEM-SCOPE-002
inline constexpr std::string_view kDetectionGap = "DETECTION_GAP";  // CTEM-FEEDBACK-001 (raised by the store)
inline constexpr std::string_view kRegression = "REGRESSION";       // erratum 10 (raised by the store)
inline constexpr std::string_view kRescanRequest = "RESCAN_REQUEST";  // seed 7.3, on ctem.rescan

// The seed's rule id for an alert type ("" for the engine's own, e.g. REGRESSION).
std::string_view RuleFor(std::string_view alert_type);

// One outbox row.
struct OutboxEntry {
  long long id = 0;  // 0 until stored
  Timestamp ts{};    // when it was raised
  std::string tenant_id;
  std::string alert_type;
  std::string exposure_key;  // "" when the alert is not about an exposure (new asset)
  std::string title;
  Json payload = Json::object();  // the seed's fields (alerts) or the whole request (re-scans)
  std::string dedup_key;          // "" for rows that may repeat
  std::string topic;              // ctem.alerts or ctem.rescan
};

using SqlStatement = std::pair<std::string, std::vector<store::SqlValue>>;

// The statement that queues `entry` (ignored when a row with its dedup key exists), to run in
// one ExecuteInTransaction with the state change it belongs to.
SqlStatement QueueStatement(const OutboxEntry& entry);

// The message published for `entry`: the alert envelope on ctem.alerts, the payload itself on
// any other topic.
Json OutboundMessage(const OutboxEntry& entry);
// The bus key: one exposure's (or asset's) messages stay in order in one partition.
std::string OutboundKey(const OutboxEntry& entry);

// The webhook body: the alert with a Slack-compatible "text" first.
Json WebhookBody(const Json& alert);
// One line a chat channel shows: "[CRITICAL] CTEM SLA BREACH: ... | escalate to CISO_EXECUTIVE |
// tenant default | exposure 1a2b...".
std::string SlackText(const Json& alert);

}  // namespace ctem::jobs
