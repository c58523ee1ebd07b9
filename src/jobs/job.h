// A scheduled job of the Mobilize/Scope phases (issue 7): the SLA enforcer, the remediation
// checker and scope discovery. A job reads the store as of its clock's now, decides what is
// new since its last run from state it keeps in the store (escalation level, at-risk mark,
// re-scan mark, asset inventory), and writes that state together with the alerts or requests
// it raises into the outbox in one transaction (jobs/alerts.h). Running a job twice at the
// same time, or again after a crash, raises nothing twice.
//
// Every job covers every tenant of the store (only the bound one when the store is bound),
// one tenant at a time with the store bound to it (store::TenantScope): row-level security
// (PostgreSQL) and the connection's tenant scope (SQLite) show a job one tenant's rows only.
//
// Thread-safety: a job object is driven by one thread, with a Store that thread owns.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/time.h"
#include "jobs/alerts.h"
#include "store/store.h"

namespace ctem::jobs {

// What one run did.
struct JobReport {
  std::string job;
  Timestamp now{};
  // The messages queued, exactly as the relay publishes them (alerts on ctem.alerts, requests
  // on ctem.rescan); what `--once` prints as JSON Lines.
  std::vector<Json> emitted;
  Json summary = Json::object();  // counts, e.g. {"tenants":1,"breaches":3,"alerts":2}
};

class Job {
 public:
  virtual ~Job() = default;
  virtual std::string_view Name() const = 0;
  virtual Result<JobReport> RunOnce() = 0;
};

// Job names, as the CLI commands and ctem_job_runs name them.
inline constexpr std::string_view kSlaEnforcerJob = "sla-enforcer";
inline constexpr std::string_view kRemediationCheckerJob = "remediation-checker";
inline constexpr std::string_view kScopeDiscoveryJob = "scope-discovery";

// The tenants to act for: those of store.ListTenants() (or the bound tenant) for which
// `sql_select` (a "SELECT DISTINCT tenant_id ..." with its params), run bound to the tenant,
// returns a row.
Result<std::vector<std::string>> Tenants(store::Store& store, const std::string& sql_select,
                                         const std::vector<store::SqlValue>& params);

// Runs `statements` in transactions of at most `chunk` statements, never splitting the
// statements of one unit (`units` holds the size of each unit, in order).
Status ExecuteUnits(store::Store& store, const std::vector<SqlStatement>& statements,
                    const std::vector<size_t>& units, size_t chunk = 1000);

}  // namespace ctem::jobs
