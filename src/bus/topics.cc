#include <yaml-cpp/yaml.h>

#include "bus/bus.h"

namespace ctem::bus {

std::string RawTopic(std::string_view source) {
  if (source == "ibm_art") return "ctem.raw.art";
  return "ctem.raw." + std::string(source);
}

std::vector<TopicSpec> DefaultTopics() {
  constexpr int64_t k30Days = 2592000000;
  constexpr int64_t k90Days = 7776000000;
  return {
      {"ctem.raw.wiz", 4, 3, k30Days, "delete"},        {"ctem.raw.snyk", 2, 3, k30Days, "delete"},
      {"ctem.raw.garak", 2, 3, k30Days, "delete"},      {"ctem.raw.art", 2, 3, k30Days, "delete"},
      {"ctem.raw.burp", 2, 3, k30Days, "delete"},       {"ctem.raw.custom", 2, 3, k30Days, "delete"},
      {"ctem.raw.validation", 2, 3, k90Days, "delete"}, {"ctem.raw.remediation", 2, 3, k90Days, "delete"},
      {"ctem.normalized", 4, 3, k30Days, "delete"},     {"ctem.dlq", 2, 3, k90Days, "delete"},
      {"ctem.alerts", 2, 3, k90Days, "delete"},         {"ctem.rescan", 2, 3, k30Days, "delete"},
  };
}

Result<std::vector<TopicSpec>> ParseTopicsYaml(std::string_view yaml_text) {
  try {
    const YAML::Node root = YAML::Load(std::string(yaml_text));
    const YAML::Node topics = root["topics"];
    if (!topics || !topics.IsMap()) {
      return Fail(Error::InvalidArgument("topics.yaml: expected a 'topics:' mapping of topic names"));
    }
    std::vector<TopicSpec> out;
    for (const auto& entry : topics) {
      TopicSpec t;
      t.name = entry.first.as<std::string>();
      const YAML::Node& v = entry.second;
      if (!v.IsMap()) return Fail(Error::InvalidArgument("topics.yaml: '" + t.name + "' must be a mapping"));
      if (v["partitions"]) t.partitions = v["partitions"].as<int>();
      if (v["replication_factor"]) t.replication_factor = v["replication_factor"].as<int>();
      if (v["retention_ms"]) t.retention_ms = v["retention_ms"].as<int64_t>();
      if (v["cleanup_policy"]) t.cleanup_policy = v["cleanup_policy"].as<std::string>();
      if (t.partitions < 1 || t.replication_factor < 1) {
        return Fail(Error::InvalidArgument("topics.yaml: '" + t.name + "' needs partitions and replication_factor >= 1"));
      }
      out.push_back(std::move(t));
    }
    return out;
  } catch (const YAML::Exception& e) {
    return Fail(Error::InvalidArgument(std::string("topics.yaml: ") + e.what()));
  }
}

}  // namespace ctem::bus
