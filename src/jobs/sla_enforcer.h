// SlaEnforcer: CTEM-MOBILIZE-001 and -002 as a job (seed sections 7.1, 7.2; `ctem
// sla-enforcer`, every SLA_CHECK_INTERVAL_HOURS, default 4).
//
//  * Breaches: the sla-breaches report's rows (Open/InProgress past their deadline) with the
//    seed's escalation ladder. The exposure's `sla_breached`, `escalation_level` and
//    `escalated_at` are persisted, and an SLA_BREACH alert is raised only when the breach is
//    new or its level climbs (erratum 8): a CRITICAL exposure alerts SECURITY_DIRECTOR once
//    when breached and CISO_EXECUTIVE once when more than 24 h overdue; a HIGH one
//    SECURITY_MANAGER, then SECURITY_DIRECTOR past 48 h; MEDIUM and LOW SECURITY_TEAM_LEAD
//    once. The ladder never descends (a severity lowered later keeps the level reached). The
//    open remediations of the exposure get the same `sla_breached` / `escalation_level`.
//  * At risk: the sla-at-risk report's rows (CRITICAL/HIGH within 24 h of the deadline). An
//    SLA_AT_RISK warning is raised once per exposure per deadline: `sla_warned_deadline`
//    records the deadline warned for, so a deadline that tightens (severity raised) warns
//    again, and nothing else does.
//
// The state change and its alert are one transaction (jobs/alerts.h).
//
// Thread-safety: see jobs/job.h.
#pragma once

#include <string_view>

#include "jobs/job.h"

namespace ctem::jobs {

// The ladder's rank: SECURITY_TEAM_LEAD 1, SECURITY_MANAGER 2, SECURITY_DIRECTOR 3,
// CISO_EXECUTIVE 4; 0 for none.
int EscalationRank(std::string_view level);

class SlaEnforcer final : public Job {
 public:
  SlaEnforcer(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}
  std::string_view Name() const override { return kSlaEnforcerJob; }
  Result<JobReport> RunOnce() override;

 private:
  store::Store& store_;
  const Clock& clock_;
};

}  // namespace ctem::jobs
