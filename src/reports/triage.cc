// CTEM-PRIORITIZE-001: the weekly triage report (seed section 5.1).
//
// Open and in-progress exposures seen in the last 90 days, boosted x1.5 when ALUSKORT saw the
// same ATLAS technique at runtime in the last 7 days, with SLA status and the seed's triage
// priority 1-7. Fixed errata: days open count from first seen (2), every time uses `now` (4),
// severity ordered by rank (3).
#include <algorithm>
#include <map>

#include "core/model.h"
#include "reports/report.h"
#include "reports/report_util.h"

namespace ctem::reports {
using namespace internal;
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
  auto runtime = store.CountAlertsByTechnique(request.tenant_id, request.now - days(7), request.now);
  if (!runtime) return Fail(runtime.error());
  store::ExposureFilter filter;
  filter.tenant_id = request.tenant_id;
  filter.statuses = {ExposureStatus::kOpen, ExposureStatus::kInProgress};
  filter.seen_after = request.now - days(90);
  filter.seen_before = request.now;

  // What ranking needs of an exposure; the full row is attached for the rows shown.
  struct Row {
    std::string key;
    Severity severity = Severity::kLow;
    double score = 0;
    std::string technique;
    std::optional<Timestamp> deadline;
    const store::StoredExposure* stored = nullptr;
    const std::pair<const std::string, long long>* runtime_hit = nullptr;
    int priority = 0;
    double adjusted = 0;
  };
  std::vector<Row> rows;
  std::vector<store::StoredExposure> full;
  if (request.limit == 0) {
    auto exposures = store.ListExposures(filter);
    if (!exposures) return Fail(exposures.error());
    full = std::move(*exposures);
    rows.reserve(full.size());
    for (const auto& s : full) {
      const Exposure& e = s.exposure;
      rows.push_back({e.exposure_key, e.severity, e.ctem_score, e.atlas_technique, e.sla_deadline, &s});
    }
  } else {
    // A page: rank on five columns of every candidate, then read whole rows for the page only.
    // At 1M exposures (126k candidates) reading every whole row was ~1 s of the report.
    auto light =
        Rows(store,
             std::string("SELECT exposure_key, severity, ctem_score, atlas_technique, sla_deadline FROM "
                         "ctem_exposures WHERE tenant_id = ? AND status IN ") +
                 kOpenStatuses + " AND ts > ? AND ts <= ?",
             {request.tenant_id, P(*filter.seen_after), P(*filter.seen_before)});
    if (!light) return Fail(light.error());
    rows.reserve(light->size());
    for (const auto& r : *light) {
      rows.push_back({store::AsText(r[0]), ParseSeverity(store::AsText(r[1])).value_or(Severity::kLow),
                      store::AsDouble(r[2]), store::AsText(r[3]), store::AsTimestamp(r[4])});
    }
  }
  for (Row& r : rows) {
    const auto hit = r.technique.empty() ? runtime->end() : runtime->find(r.technique);
    const bool correlated = hit != runtime->end();
    r.runtime_hit = correlated ? &*hit : nullptr;
    r.adjusted = PyRound(correlated ? r.score * 1.5 : r.score, 2);
    r.priority = TriagePriority(r.severity, SlaStatus(r.deadline, request.now), correlated);
  }
  const auto before = [](const Row& a, const Row& b) {
    if (a.priority != b.priority) return a.priority < b.priority;
    if (a.adjusted != b.adjusted) return a.adjusted > b.adjusted;
    if (a.deadline != b.deadline) {
      // Ascending, exposures without a deadline last (PostgreSQL's NULLS LAST).
      if (!a.deadline || !b.deadline) return a.deadline.has_value();
      return *a.deadline < *b.deadline;
    }
    return a.key < b.key;
  };
  // Keys are unique per tenant, so the order is total and a partial sort gives the same page.
  const size_t shown = request.limit > 0 ? std::min(request.limit, rows.size()) : rows.size();
  std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(shown), rows.end(), before);
  rows.resize(shown);

  std::map<std::string, const store::StoredExposure*> by_key;
  if (request.limit > 0 && !rows.empty()) {
    filter.exposure_keys.reserve(rows.size());
    for (const Row& r : rows) filter.exposure_keys.push_back(r.key);
    auto page = store.ListExposures(filter);
    if (!page) return Fail(page.error());
    full = std::move(*page);
    for (const auto& s : full) by_key[s.exposure.exposure_key] = &s;
  }
  Json out = Json::array();
  for (const Row& r : rows) {
    const store::StoredExposure* stored = r.stored;
    if (stored == nullptr) {
      // Read in a second statement: an exposure closed in between is left out of the page.
      auto it = by_key.find(r.key);
      if (it == by_key.end()) continue;
      stored = it->second;
    }
    Json j = ExposureToJson(*stored);
    j["runtime_alerts"] = r.runtime_hit != nullptr ? Json(r.runtime_hit->second) : Json(nullptr);
    j["adjusted_score"] = r.adjusted;
    j["sla_status"] = SlaStatus(r.deadline, request.now);
    j["days_open"] = std::chrono::duration_cast<days>(request.now - stored->created_at).count();
    j["triage_priority"] = r.priority;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace ctem::reports
