#include "store/heartbeat.h"

#include <unistd.h>

#include <array>

namespace ctem::store {

std::string ThisInstance() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return std::string(host.data()) + ":" + std::to_string(getpid());
}

Status RecordHeartbeat(Store& store, std::string_view service, std::string_view instance,
                       Timestamp started_at, Timestamp now, std::string_view detail) {
  auto r = store.Sql().Query(
      "INSERT INTO ctem_service_heartbeats (service, instance, started_at, last_beat_at, detail) VALUES (?, "
      "?, ?, ?, ?) "
      "ON CONFLICT (service, instance) DO UPDATE SET last_beat_at = excluded.last_beat_at, detail = "
      "excluded.detail",
      {std::string(service), std::string(instance), TsParam(started_at), TsParam(now), std::string(detail)});
  if (!r) return Fail(r.error());
  return {};
}

Result<std::vector<ServiceHeartbeat>> ListHeartbeats(Store& store) {
  auto rows = store.Sql().Query(
      "SELECT service, instance, started_at, last_beat_at, detail FROM ctem_service_heartbeats "
      "ORDER BY last_beat_at DESC, service, instance",
      {});
  if (!rows) return Fail(rows.error());
  std::vector<ServiceHeartbeat> out;
  for (const auto& r : *rows) {
    out.push_back({AsText(r[0]), AsText(r[1]), AsTimestamp(r[2]).value_or(Timestamp{}),
                   AsTimestamp(r[3]).value_or(Timestamp{}), AsText(r[4])});
  }
  return out;
}

Status RemoveHeartbeat(Store& store, std::string_view service, std::string_view instance) {
  auto r = store.Sql().Query("DELETE FROM ctem_service_heartbeats WHERE service = ? AND instance = ?",
                             {std::string(service), std::string(instance)});
  if (!r) return Fail(r.error());
  return {};
}

}  // namespace ctem::store
