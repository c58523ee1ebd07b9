// pipeline::SplitIngestBody: the gateway's ingest body logic without HTTP (issue 9 part 5
// extracted it so the fuzzer can drive it; tests/fuzz/ingest_fuzz.cc).
#include "pipeline/ingest_request.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "pipeline/stages.h"

namespace ctem::pipeline {
namespace {

IngestRequest Json(std::string_view body, std::string source = {}) {
  IngestRequest r;
  r.content_type = "application/json";
  r.body = body;
  r.source = std::move(source);
  r.tenant = "acme";
  return r;
}

std::string Header(const bus::OutgoingMessage& m, std::string_view name) {
  for (const auto& [k, v] : m.headers) {
    if (k == name) return v;
  }
  return "<missing>";
}

std::string Gzip(const std::string& in) {
  z_stream zs{};
  deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, static_cast<uLong>(in.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST(SplitIngestBody, SeedPayloadIsOneMessagePerFindingKeyedByAssetWithTenantAndSource) {
  const auto r = SplitIngestBody(Json(
      R"({"source_tool":"custom","findings":[{"title":"a","severity":"high","asset_id":"plc-1"},{"title":"b"}]})"));
  ASSERT_TRUE(r.has_value()) << r.error().reason;
  EXPECT_EQ(r->source, "custom");
  ASSERT_EQ(r->messages.size(), 2u);
  EXPECT_EQ(r->messages[0].topic, "ctem.raw.custom");
  EXPECT_EQ(r->messages[0].key, "plc-1");
  EXPECT_EQ(r->messages[0].value, R"({"title":"a","severity":"high","asset_id":"plc-1"})");
  EXPECT_EQ(r->messages[1].key, "");
  EXPECT_EQ(Header(r->messages[1], kTenantHeader), "acme");
  EXPECT_EQ(Header(r->messages[1], kSourceHeader), "custom");
}

TEST(SplitIngestBody, NativeDocumentTravelsWholeToTheSourceNamedByQuery) {
  IngestRequest req = Json("<issues></issues>", "burp");
  req.content_type = "application/xml";
  const auto r = SplitIngestBody(req);
  ASSERT_TRUE(r.has_value()) << r.error().reason;
  ASSERT_EQ(r->messages.size(), 1u);
  EXPECT_EQ(r->messages[0].value, "<issues></issues>");
  EXPECT_EQ(r->messages[0].topic, "ctem.raw.burp");
}

TEST(SplitIngestBody, GzipBodyIsUnwrapped) {
  const std::string body = R"({"source_tool":"garak","findings":[{"probe":"p","failure_rate":0.4}]})";
  const std::string gz = Gzip(body);
  const auto r = SplitIngestBody(Json(gz));
  ASSERT_TRUE(r.has_value()) << r.error().reason;
  EXPECT_EQ(r->source, "garak");
  EXPECT_EQ(r->messages.size(), 1u);
}

TEST(SplitIngestBody, CompressionBombIsRefusedAtTheBound) {
  const std::string gz = Gzip(std::string(4 << 20, ' '));
  IngestRequest req = Json(gz);
  req.max_decompressed_bytes = 1 << 20;
  const auto r = SplitIngestBody(req);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().http_status, 400);
}

TEST(SplitIngestBody, RefusalsCarryStatusAndReason) {
  IngestRequest octets = Json("{}");
  octets.content_type = "application/octet-stream";
  EXPECT_EQ(SplitIngestBody(octets).error().http_status, 415);
  EXPECT_NE(SplitIngestBody(Json("{\"findings\": [")).error().reason.find("malformed JSON body"), std::string::npos);
  EXPECT_NE(SplitIngestBody(Json(R"({"source_tool":"wiz","findings":[]})", "snyk")).error().reason.find("contradicts"),
            std::string::npos);
  EXPECT_NE(SplitIngestBody(Json("[{}]")).error().reason.find("no source"), std::string::npos);
  EXPECT_NE(SplitIngestBody(Json("[{}]", "nope")).error().reason.find("unknown source 'nope'"), std::string::npos);
  EXPECT_NE(SplitIngestBody(Json(R"({"title":"x"})")).error().reason.find("source_tool"), std::string::npos);
}

TEST(SplitIngestBody, EmptyFindingsArrayIsNoMessages) {
  const auto r = SplitIngestBody(Json(R"({"source_tool":"wiz","findings":[]})"));
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->messages.empty());
}

}  // namespace
}  // namespace ctem::pipeline
