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
//
// --dump FILE writes every record the parsers produced (every field, one per line) and every
// error, so that an optimisation of a parser can be checked to change no output on the whole
// benchmark corpus: dump before and after, then `cmp` the files.
#include <CLI/CLI.hpp>
#include <pugixml.hpp>
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
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

void DumpList(std::FILE* f, const char* name, const std::vector<std::string>& items) {
  std::fprintf(f, "  %s:", name);
  for (const auto& i : items) std::fprintf(f, " [%s]", i.c_str());
  std::fputc('\n', f);
}

std::string Time(const std::optional<ctem::Timestamp>& t) { return t ? ctem::FormatTimestamp(*t) : "-"; }

void Dump(std::FILE* f, const ctem::parsers::ParsedBatch& b) {
  std::fprintf(f, "batch received=%zu\n", b.received);
  for (const ctem::Exposure& e : b.exposures) {
    std::fprintf(f, "exposure %s\n", e.exposure_key.c_str());
    for (const auto& [name, value] :
         {std::pair<const char*, const std::string*>{"source_tool", &e.source_tool},
          {"title", &e.title},
          {"description", &e.description},
          {"original_severity", &e.original_severity},
          {"asset_id", &e.asset_id},
          {"asset_type", &e.asset_type},
          {"asset_zone", &e.asset_zone},
          {"atlas_technique", &e.atlas_technique},
          {"attack_technique", &e.attack_technique},
          {"threat_model_ref", &e.threat_model_ref},
          {"assigned_to", &e.assigned_to},
          {"remediation_guidance", &e.remediation_guidance},
          {"evidence_url", &e.evidence_url},
          {"tenant_id", &e.tenant_id},
          {"atlas_official_id", &e.atlas_official_id},
          {"atlas_official_name", &e.atlas_official_name}}) {
      std::fprintf(f, "  %s=%s\n", name, value->c_str());
    }
    std::fprintf(f, "  ts=%s severity=%s exploitability=%.17g consequence=%s ctem_score=%.17g status=%s\n",
                 ctem::FormatTimestamp(e.ts).c_str(), std::string(ctem::SeverityName(e.severity)).c_str(),
                 e.exploitability_score, std::string(ctem::ConsequenceName(e.physical_consequence)).c_str(),
                 e.ctem_score, std::string(ctem::ExposureStatusName(e.status)).c_str());
    std::fprintf(f, "  sla_deadline=%s zone_source=%s tool_status=%s\n", Time(e.sla_deadline).c_str(),
                 std::string(ctem::ZoneSourceName(e.zone_source)).c_str(),
                 e.tool_status ? std::string(ctem::ExposureStatusName(*e.tool_status)).c_str() : "-");
    DumpList(f, "cve_ids", e.cve_ids);
    DumpList(f, "cwe_ids", e.cwe_ids);
    DumpList(f, "reference_urls", e.reference_urls);
  }
  for (const ctem::Validation& v : b.validations) {
    std::fprintf(f, "validation %s exposure=%s campaign=%s ts=%s type=%s exploitable=%d complexity=%s\n",
                 v.validation_id.c_str(), v.exposure_id.c_str(), v.campaign_id.c_str(),
                 ctem::FormatTimestamp(v.ts).c_str(), v.validation_type.c_str(), v.exploitable ? 1 : 0,
                 v.exploit_complexity.c_str());
    std::fprintf(f, "  path=%s physical=%d evaded=%d tester=%s evidence=%s tenant=%s\n",
                 v.attack_path.c_str(), v.physical_consequence_demonstrated ? 1 : 0,
                 v.detection_evaded ? 1 : 0, v.tester.c_str(), v.evidence_url.c_str(), v.tenant_id.c_str());
    DumpList(f, "rules", v.detection_rules_tested);
    DumpList(f, "gaps", v.detection_gaps);
  }
  for (const ctem::Remediation& r : b.remediations) {
    std::fprintf(f,
                 "remediation %s exposure=%s ts=%s status=%s assigned=%s/%s sla=%s fixed=%s verified=%s/%s\n",
                 r.remediation_id.c_str(), r.exposure_id.c_str(), ctem::FormatTimestamp(r.ts).c_str(),
                 std::string(ctem::RemediationStatusName(r.status)).c_str(), r.assigned_to.c_str(),
                 ctem::FormatTimestamp(r.assigned_date).c_str(), Time(r.sla_deadline).c_str(),
                 Time(r.fix_deployed_date).c_str(), Time(r.verified_date).c_str(), r.verified_by.c_str());
    std::fprintf(f, "  breached=%d escalation=%s fix=%s pr=%s tenant=%s\n", r.sla_breached ? 1 : 0,
                 r.escalation_level.c_str(), r.fix_description.c_str(), r.pull_request_url.c_str(),
                 r.tenant_id.c_str());
  }
  for (const auto& err : b.errors) {
    std::fprintf(f, "error %ld [%s] %s\n", err.record_index, err.field.c_str(), err.reason.c_str());
  }
  for (const auto& k : b.no_longer_seen) std::fprintf(f, "no_longer_seen %s\n", k.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Parse + normalise throughput per source, beside the raw tokenizer"};
  std::string data;
  std::string sources_flag;
  double min_seconds = 1.0;
  bool no_baseline = false;
  std::string dump_path;
  app.add_option("--data", data, "Directory bench/gen wrote")->required();
  app.add_option("--sources", sources_flag, "Comma-separated sources (default: every directory)");
  app.add_option("--min-seconds", min_seconds, "Time each measurement at least this long");
  app.add_flag("--no-baseline", no_baseline, "Skip the tokenizer baseline (for `perf record` of the parsers alone)");
  app.add_option("--dump", dump_path,
                 "Write every parsed record and error to this file (to compare outputs)");
  CLI11_PARSE(app, argc, argv);
  std::FILE* dump = nullptr;
  if (!dump_path.empty() && (dump = std::fopen(dump_path.c_str(), "w")) == nullptr) {
    std::fprintf(stderr, "parse_bench: cannot write %s\n", dump_path.c_str());
    return 1;
  }

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
      if (dump != nullptr) Dump(dump, out);
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
  if (dump != nullptr) std::fclose(dump);
  return 0;
}
