// Opening the configured bus: "embedded" (the SQLite file `embedded_path`), "embedded:PATH",
// or "kafka://host:port[,host:port]".
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "bus/bus.h"

namespace ctem::bus {

// The namespace (env CTEM_BUS_NAMESPACE, e.g. "plant-a") prefixes every topic and consumer
// group ("plant-a.ctem.raw.wiz"), so deployments or test runs can share a Kafka cluster.
Result<std::unique_ptr<Bus>> OpenBus(std::string_view url, const std::string& embedded_path);

// Wraps `bus` so that every topic and group is prefixed with "<ns>." (no-op for "").
std::unique_ptr<Bus> WithNamespace(std::unique_ptr<Bus> bus, const std::string& ns);

}  // namespace ctem::bus
