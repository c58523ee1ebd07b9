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
// Tenant isolation (issue 9; docs/tenancy.md). Every tenant-data table (TenantTables()) is
// scoped in the database itself, not only by the queries' own `tenant_id = ?`:
//  * PostgreSQL: row-level security, ENABLEd and FORCEd, with the policy
//    `tenant_id = current_setting('ctem.tenant_id', true)` for reads and writes (WITH CHECK);
//    every transaction of a Store first sets that tenant with set_config(..., true), i.e.
//    SET LOCAL. Services connect as a member of the role `ctem_service` (neither owner nor
//    BYPASSRLS), so a query that forgot its tenant filter still sees one tenant only.
//  * SQLite: the same rule in one place per connection: TEMP VIEWs named like the tenant tables
//    shadow them for every unqualified read (filtered on the connection's tenant), and TEMP
//    triggers on the tables make other tenants' rows invisible to UPDATE/DELETE and reject
//    INSERTs (and UPDATEs) of rows of another tenant. Writes name the table as main.<table>;
//    the executor qualifies the target of INSERT/UPDATE/DELETE statements it is given.
//
// Which tenant a transaction runs as:
//  * A store is *bound* to a tenant by BindTenant (for good) or by a TenantScope (until the
//    scope ends): the gateway binds per request from the token, `ctem --tenant T` for the run,
//    jobs per tenant. A bound store runs everything — raw SQL, reports, and the typed methods
//    below — as its tenant only; a tenant argument naming another tenant reads and changes
//    nothing (GetExposure finds nothing, MarkNoLongerSeen marks 0) and an upsert of another
//    tenant's records fails with FailedPrecondition, writing nothing. A bound store cannot be
//    bound to another tenant (FailedPrecondition).
//  * An unbound store (as opened) is the service-wide one the persister and the jobs use: each
//    typed method runs as the tenant it is given (an upsert batch may mix tenants: the batch
//    is grouped by tenant inside its one transaction, the tenant set before each group), and
//    raw SQL runs as the default tenant ('default'), the tenant of a single-tenant deployment.
//    ListTenants enumerates the tenants, to act for each one bound in turn.
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
  std::vector<std::string> exposure_keys;  // non-empty: only these (e.g. a report's page)
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

// The tables holding tenant data, each with a tenant_id column, scoped as above.
// Cross-tenant operational tables (schema_migrations, ctem_job_runs, ctem_service_heartbeats,
// ctem_tenants, ctem_api_tokens) hold no tenant data and are not scoped.
const std::vector<std::string_view>& TenantTables();

class Store {
 public:
  virtual ~Store() = default;

  // The tenant the store is bound to; nullopt while unbound (contract above).
  const std::optional<std::string>& BoundTenant() const { return bound_tenant_; }
  // Binds the store to `tenant` for the rest of its life. Binding again to the same tenant is
  // a no-op; to another one fails with FailedPrecondition; an empty tenant is InvalidArgument.
  Status BindTenant(std::string_view tenant);

  // Every tenant the store has held data for (the ctem_tenants directory, filled by triggers
  // on the tenant tables; it holds tenant names only), in order. Works bound or unbound: it
  // is how the jobs and the outbox relay find the tenants to act for.
  virtual Result<std::vector<std::string>> ListTenants() = 0;

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

  // The bound tenant's unpublished outbox rows (the default tenant's while unbound).
  virtual Result<std::vector<OutboxAlert>> PendingOutboxAlerts(size_t limit) = 0;

  // The SQL surface for analytics and raw table loads (store/sql.h). Its statements run as the
  // bound tenant, or as the default tenant while the store is unbound.
  virtual SqlExecutor& Sql() = 0;

 protected:
  // The tenant raw SQL runs as.
  std::string SqlTenant() const { return bound_tenant_.value_or(std::string(kDefaultTenant)); }
  // The tenant a typed method given `tenant` runs as: the bound one if bound.
  std::string CallTenant(std::string_view tenant) const {
    return bound_tenant_.value_or(std::string(tenant));
  }
  // FailedPrecondition when the store is bound and a record to write belongs to another tenant.
  Status CheckRecordTenant(std::string_view record_tenant) const;

 private:
  friend class TenantScope;
  std::optional<std::string> bound_tenant_;
};

// Binds an unbound store to a tenant until the scope ends, then unbinds it: how a service
// acting for every tenant (jobs, outbox relay, a pooled gateway connection) works for one at
// a time. On a store already bound to that tenant it does nothing; on one bound to another
// tenant it fails (status()) and leaves the binding alone — callers must check status().
class TenantScope {
 public:
  TenantScope(Store& store, std::string_view tenant);
  ~TenantScope();
  TenantScope(const TenantScope&) = delete;
  TenantScope& operator=(const TenantScope&) = delete;

  const Status& status() const { return status_; }

 private:
  Store& store_;
  bool unbind_ = false;
  Status status_;
};

// Opens a store from a URL: "sqlite:PATH" (or a bare path ending in .db), or
// "postgresql://..." / "postgres://..." once that backend is built in.
Result<std::unique_ptr<Store>> OpenStore(std::string_view url);

}  // namespace ctem::store
