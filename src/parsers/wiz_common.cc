// Helpers shared by the Wiz native formats: status mapping, zone tags, vulnerability text.
#include <cctype>
#include <cstdio>

#include "parsers/json_records.h"
#include "parsers/wiz_native.h"

namespace ctem::parsers::wiz {
namespace {

std::string Normalised(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == ' ' || c == '-') {
      out.push_back('_');
    } else {
      out.push_back(static_cast<char>(std::toupper(u)));
    }
  }
  const size_t b = out.find_first_not_of('_');
  if (b == std::string::npos) return {};
  return out.substr(b, out.find_last_not_of('_') - b + 1);
}

std::string TrimmedLower(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  s = s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsZoneKey(std::string_view key) {
  const std::string k = TrimmedLower(key);
  return k == "zone" || k == "ctem_zone" || k == "asset_zone";
}

constexpr std::string_view kZoneChoices =
    "not a known zone (expected one of Zone0_PhysicalProcess, Zone1_EdgeInference, "
    "Zone2_Operations, Zone3_Enterprise, Zone4_External)";

// One tag: a zone key must carry a known zone, exactly spelled.
void ZoneTag(std::string_view key, std::optional<std::string_view> value, std::string_view prefix,
             std::string& zone, FieldError& err) {
  if (!IsZoneKey(key)) return;
  if (!value || !IsKnownZone(*value)) {
    err.Set(std::string(prefix) + "." + std::string(key), std::string(kZoneChoices));
    return;
  }
  zone = std::string(*value);
}

std::optional<std::string_view> StringValue(simdjson::dom::element el) {
  std::string_view sv;
  if (el.get_string().get(sv) != simdjson::SUCCESS) return std::nullopt;
  return sv;
}

}  // namespace

std::optional<ExposureStatus> MapStatus(std::string_view wiz_status) {
  const std::string s = Normalised(wiz_status);
  if (s == "OPEN") return ExposureStatus::kOpen;
  if (s == "IN_PROGRESS" || s == "INPROGRESS") return ExposureStatus::kInProgress;
  if (s == "RESOLVED" || s == "REJECTED" || s == "IGNORED") return ExposureStatus::kClosed;
  return std::nullopt;
}

void ZoneFromTags(simdjson::dom::element tags, std::string_view prefix, std::string& zone, FieldError& err) {
  if (tags.is_null()) return;
  if (auto text = StringValue(tags)) {
    // A string holding the tags as JSON (a webhook template rendering them as text).
    ZoneFromTagsText(*text, prefix, zone, err);
    return;
  }
  simdjson::dom::object obj;
  if (tags.get_object().get(obj) == simdjson::SUCCESS) {
    for (auto [key, value] : obj) {
      if (!IsZoneKey(key)) continue;
      ZoneTag(key, StringValue(value), prefix, zone, err);
      if (err.set) return;
    }
    return;
  }
  simdjson::dom::array arr;
  if (tags.get_array().get(arr) != simdjson::SUCCESS) {
    err.Set(std::string(prefix), std::string("expected an object or a list of tags, got ") +
                                     std::string(JsonTypeName(tags.type())));
    return;
  }
  for (simdjson::dom::element item : arr) {
    if (auto kv = StringValue(item)) {  // "key=value" or "key:value"
      const size_t sep = kv->find_first_of("=:");
      if (sep == std::string_view::npos) continue;
      ZoneTag(kv->substr(0, sep), kv->substr(sep + 1), prefix, zone, err);
    } else if (simdjson::dom::object pair; item.get_object().get(pair) == simdjson::SUCCESS) {
      simdjson::dom::element k;
      simdjson::dom::element v;
      std::optional<std::string_view> key;
      if (pair["key"].get(k) == simdjson::SUCCESS) key = StringValue(k);
      if (!key) continue;
      std::optional<std::string_view> value;
      if (pair["value"].get(v) == simdjson::SUCCESS) value = StringValue(v);
      ZoneTag(*key, value, prefix, zone, err);
    } else {
      err.Set(std::string(prefix), std::string("expected every tag to be a {\"key\", \"value\"} object or "
                                               "a \"key=value\" string, got ") +
                                       std::string(JsonTypeName(item.type())));
    }
    if (err.set) return;
  }
}

void ZoneFromTagsText(std::string_view text, std::string_view prefix, std::string& zone, FieldError& err) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return;
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(text);
  simdjson::dom::element tags;
  if (parser.parse(padded).get(tags) != simdjson::SUCCESS || (!tags.is_object() && !tags.is_array())) {
    err.Set(std::string(prefix),
            "expected the resource tags as a JSON object (e.g. {\"zone\": "
            "\"Zone1_EdgeInference\"}) or a list of {\"key\", \"value\"} pairs");
    return;
  }
  ZoneFromTags(tags, prefix, zone, err);
}

std::string VulnTitle(std::string_view id, std::string_view package) {
  if (package.empty()) return std::string(id);
  return std::string(id) + " in " + std::string(package);
}

std::string DescribeVuln(const VulnFacts& v) {
  std::string out = v.id;
  if (!v.package.empty()) {
    out += " in " + v.package;
    if (!v.version.empty()) out += " " + v.version;
  }
  std::string where;
  if (!v.detection.empty()) where = v.detection;
  if (!v.location.empty()) where += (where.empty() ? "" : ", ") + v.location;
  if (!where.empty()) out += " (" + where + ")";
  out += ".";
  if (!v.fixed_version.empty()) out += " Fixed in " + v.fixed_version + ".";
  if (v.cvss) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", *v.cvss);
    out += std::string(" CVSS score ") + buf + ".";
  }
  if (v.has_exploit) out += " A public exploit exists.";
  if (v.cisa_kev) out += " Listed in CISA's Known Exploited Vulnerabilities catalog.";
  if (!v.vendor_text.empty()) out += "\n\n" + v.vendor_text;
  return out;
}

std::string UpgradeAdvice(const VulnFacts& v) {
  if (v.fixed_version.empty()) return {};
  return "Upgrade " + (v.package.empty() ? std::string("the package") : v.package) + " to " +
         v.fixed_version + " or later.";
}

bool IsCveId(std::string_view id) {
  if (id.size() < 13 || !id.starts_with("CVE-") || id[8] != '-') return false;
  for (size_t i = 4; i < id.size(); ++i) {
    if (i == 8) continue;
    if (!std::isdigit(static_cast<unsigned char>(id[i]))) return false;
  }
  return true;
}

}  // namespace ctem::parsers::wiz
