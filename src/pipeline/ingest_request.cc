#include "pipeline/ingest_request.h"

#include <simdjson.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "parsers/parser.h"
#include "pipeline/stages.h"

namespace ctem::pipeline {
namespace {

std::unexpected<IngestRefusal> Refuse(int status, std::string reason, std::string source = {}) {
  return std::unexpected<IngestRefusal>(IngestRefusal{status, std::move(reason), std::move(source)});
}

// The partition key of a raw finding: the asset it is about, so one asset's findings stay in
// order (issue 4). Fields tried in order; empty when none is present.
std::string AssetKey(simdjson::dom::element finding) {
  static constexpr const char* kFields[] = {"entityExternalId", "asset_id", "packageName", "model_name",
                                            "probe", "exposure_id", "validation_id", "remediation_id"};
  simdjson::dom::object obj;
  if (finding.get_object().get(obj) != simdjson::SUCCESS) return {};
  for (const char* f : kFields) {
    std::string_view v;
    if (obj[f].get_string().get(v) == simdjson::SUCCESS) return std::string(v);
  }
  return {};
}

// The length of the first string (value or key) in `e` longer than `limit`; nullopt when none
// is. Recursion is bounded by the parser's max depth.
std::optional<size_t> LongestStringOver(simdjson::dom::element e, size_t limit) {
  switch (e.type()) {
    case simdjson::dom::element_type::STRING: {
      std::string_view v = e.get_string().value_unsafe();
      if (v.size() > limit) return v.size();
      return std::nullopt;
    }
    case simdjson::dom::element_type::ARRAY:
      for (simdjson::dom::element child : simdjson::dom::array(e)) {
        if (auto n = LongestStringOver(child, limit)) return n;
      }
      return std::nullopt;
    case simdjson::dom::element_type::OBJECT:
      for (simdjson::dom::key_value_pair field : simdjson::dom::object(e)) {
        if (field.key.size() > limit) return field.key.size();
        if (auto n = LongestStringOver(field.value, limit)) return n;
      }
      return std::nullopt;
    default: return std::nullopt;
  }
}

bool ReadableContentType(std::string_view type) {
  const std::string_view t = type.substr(0, type.find(';'));
  return t == "application/json" || t == "application/x-ndjson" || t == "application/jsonl" ||
         t == "application/xml" || t == "text/xml" || t == "text/csv" || t == "application/sarif+json" ||
         t == "text/plain";
}

}  // namespace

std::expected<IngestMessages, IngestRefusal> SplitIngestBody(const IngestRequest& request) {
  const std::string_view type = request.content_type;
  if (!ReadableContentType(type)) {
    return Refuse(415, "unsupported Content-Type '" + std::string(type) +
                           "' (send application/json, application/x-ndjson, application/xml or text/csv)");
  }
  std::string body_storage;
  std::string_view body = request.body;
  if (request.content_encoding == "gzip" || IsGzip(body)) {
    auto plain = MaybeGunzip(body, request.max_decompressed_bytes);
    if (!plain) {
      const bool bomb = plain.error().message.find("exceeds") != std::string::npos;
      return Refuse(bomb ? 413 : 400, plain.error().message);
    }
    body_storage = std::move(*plain);
    body = body_storage;
  }
  std::string source = request.source;

  simdjson::dom::parser parser;
  if (parser.allocate(std::max<size_t>(body.size(), 64), static_cast<size_t>(std::max(request.max_json_depth, 1))) !=
      simdjson::SUCCESS) {
    return Refuse(413, "the body is too large to parse");
  }
  simdjson::dom::element root;
  const simdjson::error_code parsed = parser.parse(body.data(), body.size()).get(root);
  if (parsed == simdjson::DEPTH_ERROR) {
    return Refuse(400, "JSON nested deeper than " + std::to_string(request.max_json_depth) + " levels");
  }
  const bool is_json = parsed == simdjson::SUCCESS;
  if (is_json) {
    if (auto too_long = LongestStringOver(root, request.max_string_bytes)) {
      return Refuse(400, "a JSON string of " + std::to_string(*too_long) + " bytes is longer than the limit of " +
                             std::to_string(request.max_string_bytes));
    }
  }
  if (!is_json && (type.starts_with("application/json") || type.starts_with("application/sarif"))) {
    // simdjson says *that* the body is malformed; nlohmann says *where*.
    std::string where;
    try {
      const auto ignored = nlohmann::json::parse(body.begin(), body.end());
      (void)ignored;
    } catch (const nlohmann::json::exception& e) {
      where = std::string(": ") + e.what();
    }
    return Refuse(400, "malformed JSON body" + where);
  }
  simdjson::dom::object obj;
  simdjson::dom::array findings;
  const bool is_payload = is_json && root.get_object().get(obj) == simdjson::SUCCESS &&
                          obj["findings"].get_array().get(findings) == simdjson::SUCCESS;
  const size_t first = body.find_first_not_of(" \t\r\n");
  if (is_payload) {
    std::string_view tool;
    if (obj["source_tool"].get_string().get(tool) == simdjson::SUCCESS) {
      if (!source.empty() && parsers::FindParser(source) != parsers::FindParser(tool)) {
        return Refuse(400, "source_tool '" + std::string(tool) + "' contradicts source '" + source + "'");
      }
      source = std::string(tool);
    }
  } else if (is_json && type.starts_with("application/json") && first != std::string_view::npos &&
             body[first] == '{' && source.empty()) {
    return Refuse(400, "a payload needs \"source_tool\" and a \"findings\" array (seed section 10.4), or ?source=");
  }
  if (source.empty()) {
    return Refuse(400, "no source: send {\"source_tool\": ..., \"findings\": [...]} or ?source=<tool>");
  }
  const parsers::SourceParser* p = parsers::FindParser(source);
  if (p == nullptr) {
    std::string names;
    for (const auto& n : parsers::SourceNames()) names += (names.empty() ? "" : ", ") + n;
    return Refuse(400, "unknown source '" + source + "' (expected one of: " + names + ")");
  }
  IngestMessages out;
  out.source = std::string(p->Name());
  if (is_payload || (is_json && root.is_array())) {
    const size_t n = is_payload ? findings.size() : simdjson::dom::array(root).size();
    if (n > request.max_findings) {
      return Refuse(413,
                    std::to_string(n) + " findings in one request; the limit is " +
                        std::to_string(request.max_findings) + " (split the batch)",
                    out.source);
    }
  }
  const bus::Headers headers = {{std::string(kTenantHeader), request.tenant},
                                {std::string(kSourceHeader), out.source}};
  const std::string topic = bus::RawTopic(out.source);
  if (is_payload || (is_json && root.is_array())) {
    simdjson::dom::array arr = is_payload ? findings : simdjson::dom::array(root);
    for (simdjson::dom::element f : arr) {
      out.messages.push_back({topic, AssetKey(f), simdjson::minify(f), headers});
    }
  } else if (is_json || type.starts_with("application/xml") || type.starts_with("text/") ||
             type.starts_with("application/x-ndjson") || type.starts_with("application/jsonl") ||
             type.starts_with("application/sarif")) {
    // A native document (or one finding): the normaliser parses it whole.
    out.messages.push_back({topic, is_json ? AssetKey(root) : std::string(), std::string(body), headers});
  } else {
    return Refuse(400, "malformed JSON body", out.source);
  }
  return out;
}

}  // namespace ctem::pipeline
