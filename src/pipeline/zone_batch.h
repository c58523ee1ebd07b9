// Parsing with a remote zone graph, one round trip per batch (erratum 14).
//
// A parser asks the zone resolver once per finding. With a remote graph that would be one
// round trip per finding, so the documents of a batch are parsed in two passes: the first
// answers from the resolver's cache and collects the assets it does not hold, one Prefetch
// asks the graph for all of them, and only the documents that missed are parsed again. With
// a warm cache (or a local resolver) there is one pass and no round trip.
//
// Thread-safety: a function; the jobs are the caller's, the resolver is safe for concurrent use.
#pragma once

#include <span>
#include <string_view>

#include "core/zone_resolver.h"
#include "parsers/parser.h"

namespace ctem::pipeline {

struct ParseJob {
  const parsers::SourceParser* parser = nullptr;
  std::string_view document;
  parsers::ParseContext ctx;  // its zone_resolver is ignored: the one given below is used
  parsers::ParsedBatch out;
};

// Parses every job; `resolver` may be null (the parsers' rule zones and the static map).
void ParseWithZoneGraph(std::span<ParseJob> jobs, const ZoneResolver* resolver);

}  // namespace ctem::pipeline
