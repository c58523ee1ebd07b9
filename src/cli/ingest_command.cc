#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/context.h"
#include "parsers/parser.h"
#include "pipeline/decompress.h"
#include "pipeline/ingest.h"

namespace ctem::cli {
namespace {

constexpr size_t kMaxErrorsShown = 100;

Result<std::string> ReadInput(const std::string& path) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(Error::NotFound("cannot open '" + path + "'"));
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

nlohmann::ordered_json SummaryJson(const pipeline::IngestSummary& s) {
  nlohmann::ordered_json errors = nlohmann::ordered_json::array();
  for (size_t i = 0; i < s.errors.size() && i < kMaxErrorsShown; ++i) {
    const auto& e = s.errors[i];
    nlohmann::ordered_json j = {{"file", e.file}};
    j["record"] = e.record_index >= 0 ? nlohmann::ordered_json(e.record_index) : nlohmann::ordered_json(nullptr);
    j["field"] = e.field;
    j["reason"] = e.reason;
    errors.push_back(std::move(j));
  }
  nlohmann::ordered_json out = {
      {"received", s.received}, {"inserted", s.inserted},       {"updated", s.updated},
      {"rejected", s.rejected}, {"regressions", s.regressions}, {"no_longer_seen", s.no_longer_seen},
      {"errors", errors}};
  if (s.errors.size() > kMaxErrorsShown) out["errors_not_shown"] = s.errors.size() - kMaxErrorsShown;
  return out;
}

struct IngestArgs final : CommandArgs {
  std::string source;
  std::vector<std::string> files;
  size_t batch_size = 1000;
};

}  // namespace

CommandArgsPtr AddIngestCommand(CLI::App& app, Context& ctx, int& exit_code) {
  auto* cmd = app.add_subcommand("ingest", "Ingest tool findings from files into the store");
  auto args = std::make_unique<IngestArgs>();
  IngestArgs* a = args.get();
  std::string sources;
  for (const auto& n : parsers::SourceNames()) sources += (sources.empty() ? "" : ", ") + n;
  cmd->add_option("--source,-s", a->source, "Source tool: " + sources + " (alias: art)")->required();
  cmd->add_option("--batch-size", a->batch_size, "Records per store transaction")->capture_default_str();
  cmd->add_option("files", a->files, "Files to ingest (- for standard input): a JSON array of findings, the "
                                  "gateway payload {\"source_tool\":..., \"findings\": [...]}, one finding, "
                                  "or JSON Lines")
      ->required();
  cmd->footer(
      "Prints {\"received\":N,\"inserted\":N,\"updated\":N,\"rejected\":N,\"regressions\":N,"
      "\"no_longer_seen\":N,\"errors\":[...]} and exits 1 when any record was rejected. no_longer_seen "
      "counts stored exposures the document reports gone (Snyk's removedIssues).\n\nExample:\n"
      "  ctem ingest --source wiz wiz-findings.json\n"
      "  ctem --tenant plant-a ingest --source garak garak-results.json");
  cmd->callback([&ctx, &exit_code, a]() {
    const std::string& source = a->source;
    const std::vector<std::string>& files = a->files;
    const size_t batch_size = a->batch_size;
    const parsers::SourceParser* parser = parsers::FindParser(source);
    if (parser == nullptr) {
      std::string names;
      for (const auto& n : parsers::SourceNames()) names += (names.empty() ? "" : ", ") + n;
      PrintError(Error::InvalidArgument("unknown source '" + source + "' (expected one of: " + names + ")"));
      exit_code = kExitUsage;
      return;
    }
    auto now = ctx.Now();
    if (!now) {
      PrintError(now.error());
      exit_code = kExitUsage;
      return;
    }
    auto store = ctx.OpenStore(/*migrate=*/true);
    if (!store) {
      PrintError(store.error());
      exit_code = kExitFailure;
      return;
    }
    SystemClock clock;
    auto resolver = ctx.OpenZoneResolver(clock);
    if (!resolver) {
      PrintError(resolver.error());
      exit_code = kExitFailure;
      return;
    }
    parsers::ParseContext pctx;
    pctx.now = *now;
    pctx.tenant_id = ctx.options().tenant;
    pctx.zone_resolver = resolver->get();
    const bool tty = isatty(STDERR_FILENO) != 0;
    pipeline::IngestSummary total;
    for (const auto& file : files) {
      auto raw = ReadInput(file);
      auto bytes = raw ? pipeline::MaybeGunzip(*raw) : raw;
      if (!bytes) {
        total.rejected += 1;
        total.errors.push_back({file, -1, "", bytes.error().message});
        continue;
      }
      pipeline::IngestOptions opts;
      opts.batch_size = batch_size;
      const auto started = std::chrono::steady_clock::now();
      if (tty) {
        opts.progress = [&, started](size_t done, size_t count) {
          const double secs =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
          std::fprintf(stderr, "\r%s: %zu/%zu records stored, %.0f records/s   ", file.c_str(), done, count,
                       secs > 0 ? static_cast<double>(done) / secs : 0.0);
        };
      }
      total.Merge(pipeline::IngestDocument(**store, *parser, *bytes, file, pctx, opts));
      if (tty) std::fprintf(stderr, "\n");
    }
    // Reasons may quote bytes of a broken document that are not UTF-8; replace them, not throw.
    std::cout << SummaryJson(total).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    exit_code = total.rejected > 0 ? kExitFailure : kExitOk;
  });
  return args;
}

}  // namespace ctem::cli
