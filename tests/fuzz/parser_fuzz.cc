// libFuzzer harness for one source parser (tests/fuzz/CMakeLists.txt builds one binary per
// source, naming it in CTEM_FUZZ_SOURCE). The parser gets the input bytes as a document with a
// fixed context, exactly as the gateway and `ctem ingest` hand it over after decompression.
//
// Pass: no crash, hang, leak or sanitizer report, and every exposure the parser returns keeps
// the record invariants checked below (a violation traps, so libFuzzer saves the input).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "core/model.h"
#include "core/records.h"
#include "core/time.h"
#include "core/zone_resolver.h"
#include "parsers/parser.h"

#ifndef CTEM_FUZZ_SOURCE
#error "CTEM_FUZZ_SOURCE must name the source to fuzz (e.g. \"wiz\")"
#endif

namespace {

// Places assets whose id mentions "plc" in Zone0, so the resolver path of every parser runs.
class FuzzZoneResolver final : public ctem::ZoneResolver {
 public:
  std::optional<ctem::ZonePlacement> Lookup(std::string_view asset_id) const override {
    if (asset_id.find("plc") == std::string_view::npos) return std::nullopt;
    return ctem::ZonePlacement{"Zone0_PhysicalProcess", ctem::Consequence::kSafetyLife, ctem::ZoneSource::kGraph};
  }
  std::string_view Kind() const override { return "fuzz"; }
};

const ctem::parsers::SourceParser& Parser() {
  static const ctem::parsers::SourceParser* parser = [] {
    const ctem::parsers::SourceParser* p = ctem::parsers::FindParser(CTEM_FUZZ_SOURCE);
    if (p == nullptr) {
      std::fprintf(stderr, "no parser is registered as '%s'\n", CTEM_FUZZ_SOURCE);
      std::abort();
    }
    return p;
  }();
  return *parser;
}

const ctem::parsers::ParseContext& Context() {
  static const FuzzZoneResolver resolver;
  static const ctem::parsers::ParseContext ctx = [] {
    ctem::parsers::ParseContext c;
    using namespace std::chrono;
    c.now = ctem::Timestamp{sys_days{year{2026} / November / 27} + hours{8}};
    c.tenant_id = "fuzz";
    c.zone_resolver = &resolver;
    return c;
  }();
  return ctx;
}

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

bool IsHexKey(const std::string& key) {
  if (key.size() != 16) return false;
  for (char ch : key) {
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view document(reinterpret_cast<const char*>(data), size);
  ctem::parsers::ParsedBatch out;
  Parser().Parse(document, Context(), out);
  for (const ctem::Exposure& e : out.exposures) {
    Check(IsHexKey(e.exposure_key));
    Check(e.ctem_score >= 0.0 && e.ctem_score <= 10.0);
    Check(e.exploitability_score >= 0.0 && e.exploitability_score <= 1.0);
    Check(e.tenant_id == "fuzz");
    Check(e.sla_deadline.has_value());
  }
  for (const ctem::parsers::ParseError& err : out.errors) Check(!err.reason.empty());
  return 0;
}
