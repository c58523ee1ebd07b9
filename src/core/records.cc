#include "core/records.h"

namespace ctem {

std::string_view ZoneSourceName(ZoneSource s) {
  switch (s) {
    case ZoneSource::kRule: return "rule";
    case ZoneSource::kStatic: return "static";
    case ZoneSource::kFile: return "file";
    case ZoneSource::kGraph: return "graph";
    case ZoneSource::kFallback: return "fallback";
  }
  return "rule";
}

ZoneSource ParseZoneSource(std::string_view s) {
  if (s == "static") return ZoneSource::kStatic;
  if (s == "file") return ZoneSource::kFile;
  if (s == "graph") return ZoneSource::kGraph;
  if (s == "fallback") return ZoneSource::kFallback;
  return ZoneSource::kRule;
}

std::string_view RemediationStatusName(ExposureStatus s) {
  return s == ExposureStatus::kOpen ? "Assigned" : ExposureStatusName(s);
}

}  // namespace ctem
