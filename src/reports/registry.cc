#include "reports/report.h"

namespace ctem::reports {

const std::vector<ReportSpec>& AllReports() {
  static const std::vector<ReportSpec> reports = {
      {"triage", "CTEM-PRIORITIZE-001: the prioritised remediation backlog for the weekly triage", {},
       &TriageReport,
       {"triage_priority", "severity", "sla_status", "adjusted_score", "days_open", "source_tool", "asset_id",
        "asset_zone", "title", "exposure_key"}},
  };
  return reports;
}

const ReportSpec* FindReport(std::string_view name) {
  for (const auto& r : AllReports()) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

std::vector<std::string> ReportNames() {
  std::vector<std::string> names;
  for (const auto& r : AllReports()) names.push_back(r.name);
  return names;
}

}  // namespace ctem::reports
