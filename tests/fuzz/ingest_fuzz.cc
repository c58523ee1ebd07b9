// libFuzzer harness for the HTTP ingest handler's body logic (pipeline/ingest_request.h): what
// the gateway runs on every POST /api/ctem/ingest between HTTP and the bus — gzip unwrapping,
// Content-Type checks, payload / array / native document detection, source naming and the
// split into raw-topic messages.
//
// Input layout: the last byte chooses the request's headers (so real tool outputs work as seeds
// as they are); the bytes before it are the body.
//   bits 0-2  Content-Type (one of kTypes, the last one unreadable)
//   bits 3-5  ?source= (one of kSources; "" means none, "nope" is unknown)
//   bit 6     Content-Encoding: gzip
//   bit 7     the harness gzips the body first (so valid compressed bodies reach the parser)
//
// Pass: no crash, hang, leak or sanitizer report; a refusal has status 400 or 415 and a reason;
// every message goes to the raw topic of a registered source and carries the tenant and source
// headers (a violation traps, so libFuzzer saves the input).
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bus/bus.h"
#include "parsers/parser.h"
#include "pipeline/ingest_request.h"
#include "pipeline/stages.h"

namespace {

constexpr const char* kTypes[] = {"application/json",       "application/x-ndjson",
                                  "application/xml",        "text/csv",
                                  "application/sarif+json", "text/plain",
                                  "application/json; charset=utf-8", "application/octet-stream"};
constexpr const char* kSources[] = {"", "wiz", "snyk", "custom", "burp", "garak", "ibm_art", "nope"};

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

std::string Gzip(std::string_view in) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&zs, static_cast<uLong>(in.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END ? out : std::string();
}

std::string HeaderValue(const ctem::bus::Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "<missing>";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[size - 1];
  std::string_view body(reinterpret_cast<const char*>(data), size - 1);
  std::string compressed;
  if ((selector & 0x80U) != 0) {
    compressed = Gzip(body);
    body = compressed;
  }
  ctem::pipeline::IngestRequest request;
  request.content_type = kTypes[selector & 0x07U];
  request.content_encoding = (selector & 0x40U) != 0 ? "gzip" : "";
  request.source = kSources[(selector >> 3) & 0x07U];
  request.tenant = "fuzz";
  request.body = body;
  request.max_decompressed_bytes = size_t{8} << 20;  // the gateway's 8 x its body limit, scaled down

  const auto split = ctem::pipeline::SplitIngestBody(request);
  if (!split) {
    Check(split.error().http_status == 400 || split.error().http_status == 415);
    Check(!split.error().reason.empty());
    return 0;
  }
  const ctem::parsers::SourceParser* parser = ctem::parsers::FindParser(split->source);
  Check(parser != nullptr && parser->Name() == split->source);
  const std::string topic = ctem::bus::RawTopic(split->source);
  for (const ctem::bus::OutgoingMessage& m : split->messages) {
    Check(m.topic == topic);
    Check(HeaderValue(m.headers, ctem::pipeline::kTenantHeader) == "fuzz");
    Check(HeaderValue(m.headers, ctem::pipeline::kSourceHeader) == split->source);
  }
  return 0;
}
