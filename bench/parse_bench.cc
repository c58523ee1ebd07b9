// parse_bench: parse + normalise throughput per source on one core, beside the raw parse of
// the same bytes (simdjson DOM for JSON, pugixml for XML) measured in the same run: the
// baseline shows how much of the budget is the tokenizer and how much is our normalising.
//
//   build-bench/bench/parse_bench --data DIR [--sources wiz,snyk] [--min-seconds 1]
//
// DIR is what bench/gen wrote (DIR/<source>/*). Every document is read into memory first, so
// no I/O is timed. Each source is parsed repeatedly until --min-seconds have passed; the
// figure is records (findings as the tool wrote them, valid or not) per second and MB/s.
// Prints one tab-separated row per source for bench/run:
//   parse <source>  <records/s>  <MB/s>  <baseline records/s>  <ratio>  <exposures> <errors>
// Prints figures only; it asserts nothing about time.
#include <CLI/CLI.hpp>
#include <pugixml.hpp>
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "parsers/parser.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Corpus {
  std::vector<std::string> docs;
  size_t bytes = 0;
};

Corpus Load(const std::filesystem::path& dir) {
  Corpus c;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    c.docs.push_back(s.str());
    c.bytes += c.docs.back().size();
  }
  return c;
}

// Runs `pass` (one pass over the corpus) until min_seconds have passed; seconds per pass.
template <typename F>
double SecondsPerPass(double min_seconds, F&& pass) {
  size_t passes = 0;
  const auto t0 = Clock::now();
  double elapsed = 0;
  do {
    pass();
    ++passes;
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  } while (elapsed < min_seconds);
  return elapsed / static_cast<double>(passes);
}

bool JsonLines(std::string_view source) { return source == "wiz" || source == "garak"; }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Parse + normalise throughput per source, beside the raw tokenizer"};
  std::string data;
  std::string sources_flag;
  double min_seconds = 1.0;
  bool no_baseline = false;
  app.add_option("--data", data, "Directory bench/gen wrote")->required();
  app.add_option("--sources", sources_flag, "Comma-separated sources (default: every directory)");
  app.add_option("--min-seconds", min_seconds, "Time each measurement at least this long");
  app.add_flag("--no-baseline", no_baseline, "Skip the tokenizer baseline (for `perf record` of the parsers alone)");
  CLI11_PARSE(app, argc, argv);

  std::vector<std::string> sources;
  if (sources_flag.empty()) {
    sources = ctem::parsers::SourceNames();
  } else {
    std::stringstream ss(sources_flag);
    for (std::string s; std::getline(ss, s, ',');) sources.push_back(s);
  }
  ctem::parsers::ParseContext ctx;
  ctx.now = *ctem::ParseTimestamp("2026-11-23T07:00:00Z");
  for (const std::string& source : sources) {
    const std::filesystem::path dir = std::filesystem::path(data) / source;
    if (!std::filesystem::is_directory(dir)) continue;
    const ctem::parsers::SourceParser* parser = ctem::parsers::FindParser(source);
    if (parser == nullptr) continue;
    const Corpus corpus = Load(dir);
    // One untimed pass for the counts (and to warm caches).
    size_t records = 0, exposures = 0, errors = 0;
    for (const std::string& d : corpus.docs) {
      ctem::parsers::ParsedBatch out;
      parser->Parse(d, ctx, out);
      records += out.received;
      exposures += out.exposures.size() + out.validations.size() + out.remediations.size();
      errors += out.errors.size();
    }
    const double full = SecondsPerPass(min_seconds, [&] {
      for (const std::string& d : corpus.docs) {
        ctem::parsers::ParsedBatch out;
        parser->Parse(d, ctx, out);
      }
    });
    // The baseline: the tokenizer alone over the same bytes.
    simdjson::dom::parser json;
    size_t sink = 0;
    const double raw = SecondsPerPass(no_baseline ? 0.0 : min_seconds, [&] {
      for (const std::string& d : corpus.docs) {
        if (source == "burp") {
          pugi::xml_document doc;
          sink += doc.load_buffer(d.data(), d.size()) ? 1u : 0u;
        } else if (JsonLines(source)) {
          simdjson::dom::document_stream stream;
          if (json.parse_many(d).get(stream) == simdjson::SUCCESS) {
            for (auto el : stream) sink += el.error() == simdjson::SUCCESS ? 1u : 0u;
          }
        } else {
          simdjson::dom::element el;
          sink += json.parse(d).get(el) == simdjson::SUCCESS ? 1u : 0u;
        }
      }
    });
    const double rps = static_cast<double>(records) / full;
    const double mbps = static_cast<double>(corpus.bytes) / full / 1e6;
    const double raw_rps = static_cast<double>(records) / raw;
    std::printf("parse\t%s\t%.0f\t%.1f\t%.0f\t%.3f\t%zu\t%zu\t%zu\t%zu\t%s\n", source.c_str(), rps, mbps, raw_rps,
                rps / raw_rps, records, exposures, errors, corpus.docs.size(),
                source == "burp" ? "pugixml load" : "simdjson DOM");
    if (sink == static_cast<size_t>(-1)) std::puts("");  // keeps the baseline from being optimised away
  }
  return 0;
}
