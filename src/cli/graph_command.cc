// `ctem graph load FILE` and `ctem graph show ASSET...`: the asset/zone graph the normalisers
// score by (seed sections 3.1 and 4.1).
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/context.h"
#include "graph/neo4j_graph_loader.h"
#include "graph/open_zone_resolver.h"
#include "graph/zone_graph.h"

namespace ctem::cli {
namespace {

using Json = nlohmann::json;

struct GraphArgs final : CommandArgs {
  std::string file;
  std::vector<std::string> assets;
};

int RunLoad(Context& ctx, const GraphArgs& a) {
  auto graph = graph::LoadZoneGraphFile(a.file);
  if (!graph) {
    PrintError(graph.error());
    return kExitFailure;
  }
  const std::string spec = ctx.GraphSpec();
  if (!graph::IsNeo4jSpec(spec)) {
    PrintError(
        Error::InvalidArgument("`graph load` writes into Neo4j: pass --graph neo4j://HOST:7474 (or set "
                               "NEO4J_URI). Without Neo4j, use the file itself: --graph file:" +
                               a.file));
    return kExitUsage;
  }
  const char* auth = std::getenv("NEO4J_AUTH");
  auto endpoint = graph::ParseNeo4jEndpoint(spec, auth ? auth : "");
  if (!endpoint) {
    PrintError(endpoint.error());
    return kExitUsage;
  }
  endpoint->timeout = std::chrono::seconds(60);  // a large graph is one transaction
  graph::Neo4jHttpClient client(*endpoint);
  auto summary = graph::LoadGraphIntoNeo4j(client, *graph);
  if (!summary) {
    PrintError(summary.error());
    return kExitFailure;
  }
  std::cout << Json{{"graph", endpoint->Describe()},
                    {"zones", summary->zones},
                    {"assets", summary->assets},
                    {"moved", summary->moved}}
                   .dump()
            << "\n";
  return kExitOk;
}

int RunShow(Context& ctx, const GraphArgs& a) {
  SystemClock clock;
  auto resolver = ctx.OpenZoneResolver(clock);
  if (!resolver) {
    PrintError(resolver.error());
    return kExitFailure;
  }
  (*resolver)->Prefetch(a.assets);
  int rc = kExitOk;
  for (const auto& asset : a.assets) {
    const auto p = (*resolver)->Lookup(asset);
    Json row = {{"asset_id", asset}, {"graph", ctx.GraphSpec()}};
    if (!p) {
      row["zone"] = nullptr;
      row["consequence"] = nullptr;
      row["source"] = "none";
      row["note"] = "the graph does not place this asset: its findings keep the parser's rule zone";
    } else if (p->zone.empty()) {
      row["zone"] = nullptr;
      row["consequence"] = nullptr;
      row["source"] = ZoneSourceName(p->source);
      row["note"] = "the graph could not be asked: findings are scored on the static fallback";
      rc = kExitFailure;
    } else {
      row["zone"] = p->zone;
      row["consequence"] = ConsequenceName(p->consequence);
      row["source"] = ZoneSourceName(p->source);
    }
    std::cout << row.dump() << "\n";
  }
  return rc;
}

}  // namespace

CommandArgsPtr AddGraphCommand(CLI::App& app, Context& ctx, int& exit_code) {
  auto args = std::make_unique<GraphArgs>();
  GraphArgs* a = args.get();
  auto* graph =
      app.add_subcommand("graph", "The asset/zone graph that scores findings by physical consequence");
  graph->require_subcommand(1);
  graph->footer(
      "Example:\n  NEO4J_AUTH=neo4j/secret ctem --graph neo4j://127.0.0.1:7474 graph load "
      "data/demo/graph.yaml\n"
      "  ctem --graph file:data/demo/graph.yaml graph show plc-line-3");

  auto* load = graph->add_subcommand("load", "Load an asset/zone graph file into Neo4j (idempotent MERGE)");
  load->add_option("FILE", a->file, "Graph file (YAML: zones with consequence_class, assets with zone)")
      ->required()
      ->check(CLI::ExistingFile);
  load->footer(
      "Loading the same file again changes nothing; an asset whose zone changed moves.\n\nExample:\n"
      "  NEO4J_AUTH=neo4j/secret ctem --graph neo4j://127.0.0.1:7474 graph load data/demo/graph.yaml");
  load->callback([&ctx, &exit_code, a]() { exit_code = RunLoad(ctx, *a); });

  auto* show =
      graph->add_subcommand("show", "Print the zone and consequence an asset resolves to, and from where");
  show->add_option("ASSET", a->assets, "Asset ids")->required();
  show->footer(
      "One JSON line per asset; source is graph, file, fallback (graph unreachable) or none.\n\nExample:\n"
      "  ctem --graph neo4j://127.0.0.1:7474 graph show plc-line-3 historian-01");
  show->callback([&ctx, &exit_code, a]() { exit_code = RunShow(ctx, *a); });
  return args;
}

}  // namespace ctem::cli
