#include "graph/zone_graph.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <sstream>

namespace ctem::graph {
namespace {

std::string Where(std::string_view name, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  std::string out(name);
  if (mark.line >= 0) out += ": line " + std::to_string(mark.line + 1);
  return out + ": ";
}

// A required non-empty scalar field of a mapping.
Result<std::string> Text(std::string_view name, const YAML::Node& item, const char* key) {
  const YAML::Node v = item[key];
  if (!v || !v.IsScalar() || v.Scalar().empty()) {
    return Fail(Error::InvalidArgument(Where(name, item) + "'" + key + "' is missing or not a text value"));
  }
  return v.Scalar();
}

}  // namespace

Result<ZoneGraph> ParseZoneGraph(std::string_view text, std::string_view name) {
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Fail(Error::InvalidArgument(std::string(name) + ": line " + std::to_string(e.mark.line + 1) +
                                       ": not valid YAML: " + e.msg));
  }
  if (!doc.IsMap()) {
    return Fail(Error::InvalidArgument(
        std::string(name) + ": expected a mapping with 'zones' and 'assets' lists (see docs/graph.md)"));
  }
  for (const char* key : {"zones", "assets"}) {
    if (doc[key] && !doc[key].IsSequence() && !doc[key].IsNull()) {
      return Fail(Error::InvalidArgument(Where(name, doc[key]) + "'" + key + "' must be a list"));
    }
  }

  ZoneGraph graph;
  std::map<std::string, size_t> zone_index;
  if (doc["zones"] && doc["zones"].IsSequence()) {
    for (const YAML::Node& z : doc["zones"]) {
      if (!z.IsMap()) return Fail(Error::InvalidArgument(Where(name, z) + "a zone must be a mapping"));
      auto zone = Text(name, z, "name");
      if (!zone) return Fail(zone.error());
      auto cls = Text(name, z, "consequence_class");
      if (!cls) return Fail(cls.error());
      auto consequence = ParseConsequence(*cls);
      if (!consequence) {
        return Fail(
            Error::InvalidArgument(Where(name, z) + "zone " + *zone + ": " + consequence.error().message));
      }
      if (zone_index.count(*zone)) {
        return Fail(Error::InvalidArgument(Where(name, z) + "zone " + *zone + " is listed twice"));
      }
      zone_index[*zone] = graph.zones.size();
      graph.zones.push_back({*zone, *consequence});
    }
  }

  std::map<std::string, int> asset_line;
  if (doc["assets"] && doc["assets"].IsSequence()) {
    for (const YAML::Node& a : doc["assets"]) {
      if (!a.IsMap()) return Fail(Error::InvalidArgument(Where(name, a) + "an asset must be a mapping"));
      auto id = Text(name, a, "id");
      if (!id) return Fail(id.error());
      auto zone = Text(name, a, "zone");
      if (!zone) return Fail(zone.error());
      std::string type;
      if (a["type"] && a["type"].IsScalar()) type = a["type"].Scalar();
      if (auto [it, fresh] = asset_line.try_emplace(*id, a.Mark().line + 1); !fresh) {
        return Fail(Error::InvalidArgument(Where(name, a) + "asset " + *id +
                                           " is listed twice (first on line " + std::to_string(it->second) +
                                           ")"));
      }
      if (!zone_index.count(*zone)) {
        if (!IsKnownZone(*zone)) {
          return Fail(Error::InvalidArgument(Where(name, a) + "asset " + *id + " resides in zone " + *zone +
                                             ", which is neither listed under 'zones' nor a standard zone "
                                             "(Zone0_PhysicalProcess .. Zone4_External)"));
        }
        zone_index[*zone] = graph.zones.size();
        graph.zones.push_back({*zone, StaticZoneConsequence(*zone)});
      }
      graph.assets.push_back({*id, *zone, type});
    }
  }
  return graph;
}

Result<ZoneGraph> LoadZoneGraphFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(Error::NotFound("cannot read the graph file " + path));
  std::ostringstream text;
  text << in.rdbuf();
  return ParseZoneGraph(text.str(), path);
}

}  // namespace ctem::graph
