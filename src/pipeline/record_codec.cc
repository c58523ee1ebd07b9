#include "pipeline/record_codec.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace ctem::pipeline {
namespace {

// ---- encoding ----------------------------------------------------------------------------
// Every normalised finding is encoded once by the normaliser and decoded once by the
// persister. Building an nlohmann::json tree (a std::map node per field) and dumping it was
// ~8% of `ctem serve`'s CPU end to end (perf, bench/pipeline_bench), so records are written
// straight into one string. No JSON library here writes without a tree; what is hand-written
// is only the string escaping, and invalid UTF-8 still goes through nlohmann's replacing
// dump, as before.

class Writer {
 public:
  explicit Writer(std::string_view kind) {
    out_.reserve(1024);
    out_ += "{\"record\":";
    String(kind);
  }

  Writer& Field(std::string_view key, std::string_view value) {
    Key(key);
    String(value);
    return *this;
  }
  Writer& Field(std::string_view key, const char* value) { return Field(key, std::string_view(value)); }
  Writer& Field(std::string_view key, const std::string& value) {
    return Field(key, std::string_view(value));
  }
  Writer& Field(std::string_view key, bool value) {
    Key(key);
    out_ += value ? "true" : "false";
    return *this;
  }
  Writer& Field(std::string_view key, double value) {
    Key(key);
    if (!std::isfinite(value)) {
      out_ += "null";  // as nlohmann::json::dump writes NaN and infinities
      return *this;
    }
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof(buf), value);  // shortest round trip
    out_.append(buf, r.ptr);
    return *this;
  }
  Writer& Field(std::string_view key, Timestamp t) { return Field(key, FormatTimestamp(t)); }
  Writer& Field(std::string_view key, const std::optional<Timestamp>& t) {
    if (t) return Field(key, *t);
    Key(key);
    out_ += "null";
    return *this;
  }
  Writer& Field(std::string_view key, const std::vector<std::string>& values) {
    Key(key);
    out_ += '[';
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out_ += ',';
      String(values[i]);
    }
    out_ += ']';
    return *this;
  }
  Writer& Null(std::string_view key) {
    Key(key);
    out_ += "null";
    return *this;
  }

  std::string Done() && {
    out_ += '}';
    return std::move(out_);
  }

 private:
  void Key(std::string_view key) {
    out_ += ',';
    String(key);
    out_ += ':';
  }

  void String(std::string_view s) {
    if (!simdjson::validate_utf8(s.data(), s.size())) {
      out_ += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return;
    }
    out_ += '"';
    size_t clean = 0;  // start of the run not yet copied
    for (size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out_.append(s.data() + clean, i - clean);
      clean = i + 1;
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default: {
          static constexpr char kHex[] = "0123456789abcdef";
          out_ += "\\u00";
          out_ += kHex[c >> 4];
          out_ += kHex[c & 0xF];
        }
      }
    }
    out_.append(s.data() + clean, s.size() - clean);
    out_ += '"';
  }

  std::string out_;
};

// ---- decoding ----------------------------------------------------------------------------
// A field that is missing, null or of the wrong type is reported by name (the message goes to
// the dead-letter topic with this reason).

class Reader {
 public:
  explicit Reader(simdjson::dom::object obj) : obj_(obj) {}

  std::string Str(std::string_view key) {
    std::string_view v;
    if (obj_[key].get(v) != simdjson::SUCCESS) throw std::invalid_argument(Missing(key, "a string"));
    return std::string(v);
  }
  std::string Str(std::string_view key, std::string_view fallback) {
    auto e = obj_[key];
    if (e.error() != simdjson::SUCCESS || e.is_null()) return std::string(fallback);
    std::string_view v;
    if (e.get(v) != simdjson::SUCCESS) throw std::invalid_argument(Missing(key, "a string"));
    return std::string(v);
  }
  double Num(std::string_view key) {
    double v = 0;
    if (obj_[key].get(v) != simdjson::SUCCESS) throw std::invalid_argument(Missing(key, "a number"));
    return v;
  }
  double Num(std::string_view key, double fallback) {
    auto e = obj_[key];
    if (e.error() != simdjson::SUCCESS || e.is_null()) return fallback;
    return Num(key);
  }
  bool Bool(std::string_view key, bool fallback) {
    auto e = obj_[key];
    if (e.error() != simdjson::SUCCESS || e.is_null()) return fallback;
    bool v = false;
    if (e.get(v) != simdjson::SUCCESS) throw std::invalid_argument(Missing(key, "true or false"));
    return v;
  }
  std::vector<std::string> Strings(std::string_view key) {
    std::vector<std::string> out;
    auto e = obj_[key];
    if (e.error() != simdjson::SUCCESS || e.is_null()) return out;
    simdjson::dom::array a;
    if (e.get(a) != simdjson::SUCCESS) throw std::invalid_argument(Missing(key, "an array of strings"));
    out.reserve(a.size());
    for (simdjson::dom::element item : a) {
      std::string_view v;
      if (item.get(v) != simdjson::SUCCESS) throw std::invalid_argument(Missing(key, "an array of strings"));
      out.emplace_back(v);
    }
    return out;
  }
  Timestamp Ts(std::string_view key) {
    auto t = ParseTimestamp(Str(key));
    if (!t) throw std::invalid_argument(std::string(key) + ": " + t.error().message);
    return *t;
  }
  std::optional<Timestamp> OptTs(std::string_view key) {
    auto e = obj_[key];
    if (e.error() != simdjson::SUCCESS || e.is_null()) return std::nullopt;
    return Ts(key);
  }
  bool IsString(std::string_view key) {
    auto e = obj_[key];
    return e.error() == simdjson::SUCCESS && e.is_string();
  }

 private:
  static std::string Missing(std::string_view key, std::string_view want) {
    return "field '" + std::string(key) + "' missing or not " + std::string(want);
  }
  simdjson::dom::object obj_;
};

template <typename T>
T Expect(Result<T> r) {
  if (!r) throw std::invalid_argument(r.error().message);
  return *r;
}

}  // namespace

std::string EncodeRecord(const Exposure& e) {
  Writer w("exposure");
  w.Field("exposure_key", e.exposure_key)
      .Field("ts", e.ts)
      .Field("source_tool", e.source_tool)
      .Field("title", e.title)
      .Field("description", e.description)
      .Field("severity", SeverityName(e.severity))
      .Field("original_severity", e.original_severity)
      .Field("asset_id", e.asset_id)
      .Field("asset_type", e.asset_type)
      .Field("asset_zone", e.asset_zone)
      .Field("exploitability_score", e.exploitability_score)
      .Field("physical_consequence", ConsequenceName(e.physical_consequence))
      .Field("ctem_score", e.ctem_score)
      .Field("atlas_technique", e.atlas_technique)
      .Field("attack_technique", e.attack_technique)
      .Field("threat_model_ref", e.threat_model_ref)
      .Field("status", ExposureStatusName(e.status))
      .Field("assigned_to", e.assigned_to)
      .Field("sla_deadline", e.sla_deadline)
      .Field("remediation_guidance", e.remediation_guidance)
      .Field("evidence_url", e.evidence_url)
      .Field("tenant_id", e.tenant_id)
      .Field("zone_source", ZoneSourceName(e.zone_source))
      .Field("cve_ids", e.cve_ids)
      .Field("cwe_ids", e.cwe_ids)
      .Field("reference_urls", e.reference_urls)
      .Field("atlas_official_id", e.atlas_official_id)
      .Field("atlas_official_name", e.atlas_official_name);
  if (e.tool_status) {
    w.Field("tool_status", ExposureStatusName(*e.tool_status));
  } else {
    w.Null("tool_status");
  }
  return std::move(w).Done();
}

std::string EncodeRecord(const Validation& v) {
  Writer w("validation");
  w.Field("validation_id", v.validation_id)
      .Field("exposure_id", v.exposure_id)
      .Field("campaign_id", v.campaign_id)
      .Field("ts", v.ts)
      .Field("validation_type", v.validation_type)
      .Field("exploitable", v.exploitable)
      .Field("exploit_complexity", v.exploit_complexity)
      .Field("attack_path", v.attack_path)
      .Field("physical_consequence_demonstrated", v.physical_consequence_demonstrated)
      .Field("detection_evaded", v.detection_evaded)
      .Field("detection_rules_tested", v.detection_rules_tested)
      .Field("detection_gaps", v.detection_gaps)
      .Field("tester", v.tester)
      .Field("evidence_url", v.evidence_url)
      .Field("tenant_id", v.tenant_id);
  return std::move(w).Done();
}

std::string EncodeRecord(const Remediation& r) {
  Writer w("remediation");
  w.Field("remediation_id", r.remediation_id)
      .Field("exposure_id", r.exposure_id)
      .Field("ts", r.ts)
      .Field("status", RemediationStatusName(r.status))
      .Field("assigned_to", r.assigned_to)
      .Field("assigned_date", r.assigned_date)
      .Field("sla_deadline", r.sla_deadline)
      .Field("fix_deployed_date", r.fix_deployed_date)
      .Field("verified_date", r.verified_date)
      .Field("verified_by", r.verified_by)
      .Field("sla_breached", r.sla_breached)
      .Field("escalation_level", r.escalation_level)
      .Field("fix_description", r.fix_description)
      .Field("pull_request_url", r.pull_request_url)
      .Field("tenant_id", r.tenant_id);
  return std::move(w).Done();
}

std::string EncodeRecord(const NoLongerSeen& n) {
  Writer w("no_longer_seen");
  w.Field("tenant_id", n.tenant_id)
      .Field("source_tool", n.source_tool)
      .Field("exposure_key", n.exposure_key)
      .Field("ts", n.ts);
  return std::move(w).Done();
}

Result<NormalizedRecord> DecodeRecord(std::string_view text) {
  // One parser per thread: its buffers grow to the largest record and are reused.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (auto err = parser.parse(text.data(), text.size()).get(obj); err != simdjson::SUCCESS) {
    return Fail(Error::InvalidArgument(std::string("undecodable normalized record: not a JSON object (") +
                                       simdjson::error_message(err) + ")"));
  }
  try {
    Reader j(obj);
    const std::string kind = j.Str("record");
    if (kind == "exposure") {
      Exposure e;
      e.exposure_key = j.Str("exposure_key");
      e.ts = j.Ts("ts");
      e.source_tool = j.Str("source_tool");
      e.title = j.Str("title");
      e.description = j.Str("description", "");
      e.severity = Expect(ParseSeverity(j.Str("severity")));
      e.original_severity = j.Str("original_severity", "");
      e.asset_id = j.Str("asset_id");
      e.asset_type = j.Str("asset_type", "");
      e.asset_zone = j.Str("asset_zone");
      e.exploitability_score = j.Num("exploitability_score", 0.0);
      e.physical_consequence = Expect(ParseConsequence(j.Str("physical_consequence")));
      e.ctem_score = j.Num("ctem_score");
      e.atlas_technique = j.Str("atlas_technique", "");
      e.attack_technique = j.Str("attack_technique", "");
      e.threat_model_ref = j.Str("threat_model_ref", "");
      e.status = Expect(ParseExposureStatus(j.Str("status", "Open")));
      e.assigned_to = j.Str("assigned_to", "");
      e.sla_deadline = j.OptTs("sla_deadline");
      e.remediation_guidance = j.Str("remediation_guidance", "");
      e.evidence_url = j.Str("evidence_url", "");
      e.tenant_id = j.Str("tenant_id");
      e.zone_source = ParseZoneSource(j.Str("zone_source", "rule"));
      e.cve_ids = j.Strings("cve_ids");
      e.cwe_ids = j.Strings("cwe_ids");
      e.reference_urls = j.Strings("reference_urls");
      e.atlas_official_id = j.Str("atlas_official_id", "");
      e.atlas_official_name = j.Str("atlas_official_name", "");
      if (j.IsString("tool_status")) e.tool_status = Expect(ParseExposureStatus(j.Str("tool_status")));
      return NormalizedRecord(std::move(e));
    }
    if (kind == "validation") {
      Validation v;
      v.validation_id = j.Str("validation_id");
      v.exposure_id = j.Str("exposure_id");
      v.campaign_id = j.Str("campaign_id");
      v.ts = j.Ts("ts");
      v.validation_type = j.Str("validation_type");
      v.exploitable = j.Bool("exploitable", false);
      v.exploit_complexity = j.Str("exploit_complexity", "unknown");
      v.attack_path = j.Str("attack_path", "");
      v.physical_consequence_demonstrated = j.Bool("physical_consequence_demonstrated", false);
      v.detection_evaded = j.Bool("detection_evaded", false);
      v.detection_rules_tested = j.Strings("detection_rules_tested");
      v.detection_gaps = j.Strings("detection_gaps");
      v.tester = j.Str("tester", "");
      v.evidence_url = j.Str("evidence_url", "");
      v.tenant_id = j.Str("tenant_id");
      return NormalizedRecord(std::move(v));
    }
    if (kind == "remediation") {
      Remediation r;
      r.remediation_id = j.Str("remediation_id");
      r.exposure_id = j.Str("exposure_id");
      r.ts = j.Ts("ts");
      r.status = Expect(ParseExposureStatus(j.Str("status")));
      r.assigned_to = j.Str("assigned_to");
      r.assigned_date = j.Ts("assigned_date");
      r.sla_deadline = j.OptTs("sla_deadline");
      r.fix_deployed_date = j.OptTs("fix_deployed_date");
      r.verified_date = j.OptTs("verified_date");
      r.verified_by = j.Str("verified_by", "");
      r.sla_breached = j.Bool("sla_breached", false);
      r.escalation_level = j.Str("escalation_level", "");
      r.fix_description = j.Str("fix_description", "");
      r.pull_request_url = j.Str("pull_request_url", "");
      r.tenant_id = j.Str("tenant_id");
      return NormalizedRecord(std::move(r));
    }
    if (kind == "no_longer_seen") {
      NoLongerSeen n;
      n.tenant_id = j.Str("tenant_id");
      n.source_tool = j.Str("source_tool", "");
      n.exposure_key = j.Str("exposure_key");
      n.ts = j.Ts("ts");
      if (n.exposure_key.empty()) throw std::invalid_argument("exposure_key: empty");
      return NormalizedRecord(std::move(n));
    }
    return Fail(Error::InvalidArgument("unknown record kind '" + kind + "'"));
  } catch (const std::invalid_argument& e) {
    // Thrown by the readers above to leave the record at its first bad field.
    return Fail(Error::InvalidArgument(std::string("undecodable normalized record: ") + e.what()));
  }
}

}  // namespace ctem::pipeline
