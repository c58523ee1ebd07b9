// CTEM-PRIORITIZE-001: the weekly triage report (seed section 5.1).
//
// Open and in-progress exposures seen in the last 90 days, boosted x1.5 when ALUSKORT saw the
// same ATLAS technique at runtime in the last 7 days, with SLA status and the seed's triage
// priority 1-7. Fixed errata: days open count from first seen (2), every time uses `now` (4),
// severity ordered by rank (3).
#include <algorithm>

#include "core/model.h"
#include "reports/report.h"

namespace ctem::reports {
namespace {

int TriagePriority(Severity s, std::string_view sla_status, bool runtime) {
  const bool breached = sla_status == "BREACHED";
  if (s == Severity::kCritical && breached) return 1;
  if (s == Severity::kCritical) return 2;
  if (s == Severity::kHigh && breached) return 3;
  if (s == Severity::kHigh && runtime) return 4;
  if (s == Severity::kHigh) return 5;
  if (s == Severity::kMedium) return 6;
  return 7;
}

}  // namespace

std::string_view SlaStatus(const std::optional<Timestamp>& deadline, Timestamp now) {
  if (!deadline) return "ON_TRACK";
  if (now > *deadline) return "BREACHED";
  if (*deadline - now < hours(24)) return "AT_RISK";
  return "ON_TRACK";
}

Result<Json> TriageReport(store::Store& store, const ReportRequest& request) {
  store::ExposureFilter filter;
  filter.tenant_id = request.tenant_id;
  filter.statuses = {ExposureStatus::kOpen, ExposureStatus::kInProgress};
  filter.seen_after = request.now - days(90);
  filter.seen_before = request.now;
  auto exposures = store.ListExposures(filter);
  if (!exposures) return Fail(exposures.error());
  auto runtime = store.CountAlertsByTechnique(request.tenant_id, request.now - days(7), request.now);
  if (!runtime) return Fail(runtime.error());

  struct Row {
    Json json;
    int priority;
    double adjusted;
    std::optional<Timestamp> deadline;
    std::string key;
  };
  std::vector<Row> rows;
  rows.reserve(exposures->size());
  for (const auto& s : *exposures) {
    const Exposure& e = s.exposure;
    Json j = ExposureToJson(s);
    const auto hit = e.atlas_technique.empty() ? runtime->end() : runtime->find(e.atlas_technique);
    const bool correlated = hit != runtime->end();
    const double adjusted = PyRound(correlated ? e.ctem_score * 1.5 : e.ctem_score, 2);
    const std::string_view sla = SlaStatus(e.sla_deadline, request.now);
    const int priority = TriagePriority(e.severity, sla, correlated);
    j["runtime_alerts"] = correlated ? Json(hit->second) : Json(nullptr);
    j["adjusted_score"] = adjusted;
    j["sla_status"] = sla;
    j["days_open"] = std::chrono::duration_cast<days>(request.now - s.created_at).count();
    j["triage_priority"] = priority;
    rows.push_back({std::move(j), priority, adjusted, e.sla_deadline, e.exposure_key});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (a.priority != b.priority) return a.priority < b.priority;
    if (a.adjusted != b.adjusted) return a.adjusted > b.adjusted;
    if (a.deadline != b.deadline) {
      // Ascending, exposures without a deadline last (PostgreSQL's NULLS LAST).
      if (!a.deadline || !b.deadline) return a.deadline.has_value();
      return *a.deadline < *b.deadline;
    }
    return a.key < b.key;
  });
  Json out = Json::array();
  for (auto& r : rows) out.push_back(std::move(r.json));
  return out;
}

}  // namespace ctem::reports
