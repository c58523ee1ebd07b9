// Store: the durable home of exposures, validations, remediations and the runtime tables the
// analytics read. Two backends implement it — SQLite (embedded default) and PostgreSQL
// (production) — and both must give identical answers.
//
// Contract of the upserts (seed section 2.2 with DESIGN.md errata 2, 9, 10):
//  * one transaction per call: either the whole batch is durable or none of it is;
//  * an exposure is identified by (tenant_id, exposure_key); a repeat updates every
//    tool-derived field and `ts` (last seen) but never `created_at` (first seen);
//  * workflow fields are kept: status (Verified/Closed are never reopened), assigned_to;
//    the SLA deadline only tightens: min(old, created_at + SLA(new severity));
//  * a Verified/Closed exposure seen again counts a re-detection and queues a regression
//    alert in the outbox, in the same transaction;
//  * a repeat clears `no_longer_seen_at`: an exposure the tool reports again is seen;
//  * a validation stored with detection_evaded and not alerted before queues a DETECTION_GAP
//    alert (CTEM-FEEDBACK-001) in the outbox, in the same transaction, and records
//    `gap_alerted_at`: once per validation, however often it is ingested again.
//
// Contract of MarkNoLongerSeen (a tool reporting exposures gone, e.g. Snyk's removedIssues):
//  * one transaction per call; only the given tenant's rows with those keys are touched;
//  * `no_longer_seen_at` is set to `now` unless already set (the first report of the
//    disappearance stands; re-applying the same call changes nothing), and `updated_at` moves
//    to `now` for a row newly marked;
//  * status, SLA and every other column stay: the engine does not close an exposure because
//    a tool stopped reporting it;
//  * the result is the number of the tenant's rows the keys name, all marked afterwards,
//    including rows already marked: a key without a row counts nothing, a key given twice
//    counts once.
//
// Thread-safety: a Store object is used by one thread at a time; open one per thread.
// Several processes may share one database (SQLite serialises writers with its WAL lock).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/records.h"
#include "core/time.h"
#include "store/sql.h"

namespace ctem::store {

struct UpsertSummary {
  size_t inserted = 0;
  size_t updated = 0;
  size_t regressions = 0;  // Verified/Closed exposures seen again
  size_t detection_gaps = 0;  // validations that evaded detection, alerted for the first time
};

// An exposure as stored, with the columns the engine maintains itself.
struct StoredExposure {
  long long id = 0;
  Exposure exposure;
  Timestamp created_at{};  // first seen
  Timestamp updated_at{};
  std::string escalation_level;
  bool sla_breached = false;
  int redetection_count = 0;
  std::optional<Timestamp> last_redetected_at;
  // When the tool reported the exposure gone; empty while it is still reported.
  std::optional<Timestamp> no_longer_seen_at;
};

struct ExposureFilter {
  std::string tenant_id = std::string(kDefaultTenant);
  std::vector<ExposureStatus> statuses;  // empty: any
  std::optional<Severity> severity;
  std::string asset_zone;   // empty: any
  std::string source_tool;  // empty: any
  std::string atlas_technique;  // empty: any
  std::optional<Timestamp> seen_after;   // ts > seen_after
  std::optional<Timestamp> seen_before;  // ts <= seen_before
  size_t limit = 0;  // 0: no limit
  size_t offset = 0;
};

struct OutboxAlert {
  long long id = 0;
  Timestamp ts{};
  std::string tenant_id;
  std::string alert_type;
  std::string exposure_key;
  std::string alert_title;
  std::string payload_json;
};

class Store {
 public:
  virtual ~Store() = default;

  // Creates or upgrades the schema; idempotent. Returns the schema version now in force.
  virtual Result<int> Migrate() = 0;
  virtual Result<int> SchemaVersion() = 0;

  virtual Result<UpsertSummary> UpsertExposures(std::span<const Exposure> batch, Timestamp now) = 0;
  virtual Result<UpsertSummary> UpsertValidations(std::span<const Validation> batch, Timestamp now) = 0;
  virtual Result<UpsertSummary> UpsertRemediations(std::span<const Remediation> batch, Timestamp now) = 0;

  // Marks the tenant's exposures with these keys as no longer seen (contract above); the
  // number of rows marked.
  virtual Result<size_t> MarkNoLongerSeen(std::string_view tenant_id,
                                          std::span<const std::string> exposure_keys, Timestamp now) = 0;

  // Exposures ordered by severity rank (highest first), then SLA deadline, then key.
  virtual Result<std::vector<StoredExposure>> ListExposures(const ExposureFilter& filter) = 0;
  virtual Result<std::optional<StoredExposure>> GetExposure(std::string_view tenant_id,
                                                            std::string_view exposure_key) = 0;
  virtual Result<size_t> CountExposures(std::string_view tenant_id) = 0;

  // Runtime alerts per ATLAS technique with since < ts <= until (seed's runtime_correlation).
  virtual Result<std::map<std::string, long long>> CountAlertsByTechnique(std::string_view tenant_id,
                                                                          Timestamp since, Timestamp until) = 0;

  virtual Result<std::vector<OutboxAlert>> PendingOutboxAlerts(size_t limit) = 0;

  // The SQL surface for analytics and raw table loads (store/sql.h).
  virtual SqlExecutor& Sql() = 0;
};

// Opens a store from a URL: "sqlite:PATH" (or a bare path ending in .db), or
// "postgresql://..." / "postgres://..." once that backend is built in.
Result<std::unique_ptr<Store>> OpenStore(std::string_view url);

}  // namespace ctem::store
