// RemediationChecker: the seed's remediation verification job (section 7.3; `ctem
// remediation-checker`, cron CHECK_SCHEDULE, default "0 8 * * *").
//
// The pending-verifications report's remediations (FixDeployed, not verified, fix deployed
// over 24 h ago) each get one re-scan request on `ctem.rescan`, per deployed fix: the
// remediation's `rescan_requested_for` records the fix_deployed_date asked about (and
// `rescan_requested_at` when), so later runs stay quiet until a new fix is deployed. The mark
// and the request are one transaction (jobs/alerts.h, topic ctem.rescan).
//
// A request carries what a scanner needs to re-test: the exposure key, the asset, the tool
// that found it, and the fix (description, pull request, when deployed, by whom assigned).
//
// Thread-safety: see jobs/job.h.
#pragma once

#include "jobs/job.h"

namespace ctem::jobs {

class RemediationChecker final : public Job {
 public:
  RemediationChecker(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}
  std::string_view Name() const override { return kRemediationCheckerJob; }
  Result<JobReport> RunOnce() override;

 private:
  store::Store& store_;
  const Clock& clock_;
};

}  // namespace ctem::jobs
