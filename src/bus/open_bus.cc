#include "bus/embedded_bus.h"
#include "bus/kafka_bus.h"
#include "bus/open_bus.h"

#include <cstdlib>

namespace ctem::bus {

namespace {

Result<std::unique_ptr<Bus>> OpenPlain(std::string_view url, const std::string& embedded_path) {
  if (url.empty() || url == "embedded") return OpenEmbeddedBus(embedded_path);
  if (url.starts_with("embedded:")) return OpenEmbeddedBus(std::string(url.substr(9)));
  if (url.starts_with("kafka://")) return OpenKafkaBus(std::string(url.substr(8)));
  return Fail(Error::InvalidArgument("unknown bus URL '" + std::string(url) +
                                     "' (expected embedded, embedded:PATH or kafka://host:port[,host:port])"));
}

}  // namespace

Result<std::unique_ptr<Bus>> OpenBus(std::string_view url, const std::string& embedded_path) {
  auto bus = OpenPlain(url, embedded_path);
  if (!bus) return bus;
  const char* ns = std::getenv("CTEM_BUS_NAMESPACE");
  return WithNamespace(std::move(*bus), ns ? ns : "");
}

}  // namespace ctem::bus
