// The "custom" source (see custom.h and docs/formats/custom.md).
#include "parsers/custom.h"

#include <csv.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/exposure_key.h"
#include "parsers/json_records.h"
#include "parsers/sarif.h"
#include "parsers/scoring.h"
#include "parsers/seed_parsers.h"

namespace ctem::parsers {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;
constexpr auto kOk = simdjson::SUCCESS;

constexpr std::string_view kDefaultTool = "Custom";
constexpr size_t kMaxTitle = 300;

// ---------------------------------------------------------------------------------------------
// Text helpers

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Field names compare case-insensitively, ignoring '_', '-' and spaces ("asset_id", "AssetId",
// "Asset ID" are one field).
std::string Canonical(std::string_view name) {
  std::string out;
  for (char ch : name) {
    if (ch == '_' || ch == '-' || ch == ' ') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return out;
}

// The first line of `text`, at most kMaxTitle bytes (cut on a UTF-8 character boundary).
std::string TitleLine(std::string_view text) {
  text = Trim(text);
  text = text.substr(0, text.find('\n'));
  text = Trim(text);
  if (text.size() <= kMaxTitle) return std::string(text);
  size_t cut = kMaxTitle;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

void AddUnique(std::vector<std::string>& list, std::string value) {
  if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end()) {
    list.push_back(std::move(value));
  }
}

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Every "CVE-YYYY-NNNN..." in `text`, upper-cased.
void ExtractCves(std::string_view text, std::vector<std::string>& out) {
  for (size_t i = 0; i + 13 <= text.size(); ++i) {
    if ((text[i] != 'C' && text[i] != 'c') || (text[i + 1] != 'V' && text[i + 1] != 'v') ||
        (text[i + 2] != 'E' && text[i + 2] != 'e') || text[i + 3] != '-') {
      continue;
    }
    if (i > 0 && std::isalnum(static_cast<unsigned char>(text[i - 1]))) continue;
    size_t j = i + 4;
    size_t year = 0;
    while (j < text.size() && IsDigit(text[j])) ++j, ++year;
    if (year != 4 || j >= text.size() || text[j] != '-') continue;
    size_t k = j + 1;
    while (k < text.size() && IsDigit(text[k]) && k - j <= 12) ++k;
    if (k - j - 1 < 4) continue;
    AddUnique(out, "CVE-" + std::string(text.substr(i + 4, k - i - 4)));
    i = k - 1;
  }
}

// "79", "CWE-79", "cwe:079" -> "CWE-79"; tokens separated by commas, semicolons or spaces.
void ExtractCwes(std::string_view text, std::vector<std::string>& out) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find_first_of(",; \t\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view token = text.substr(pos, end - pos);
    pos = end + 1;
    const std::string lower = Lower(token);
    size_t d = lower.starts_with("cwe") ? 3 : 0;
    while (d < lower.size() && (lower[d] == '-' || lower[d] == ':' || lower[d] == '_')) ++d;
    std::string digits = lower.substr(std::min(d, lower.size()));
    if (digits.empty() || digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), IsDigit)) continue;
    digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
    if (!digits.empty()) AddUnique(out, "CWE-" + digits);  // DefectDojo writes 0 for "none"
  }
}

// Every http(s) URL in `text` (split on white space; trailing punctuation dropped).
void ExtractUrls(std::string_view text, std::vector<std::string>& out) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find_first_of(" \t\r\n<>\"'", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view token = text.substr(pos, end - pos);
    pos = end + 1;
    const size_t start = token.find("http");
    if (start == std::string_view::npos) continue;
    token = token.substr(start);
    if (!token.starts_with("http://") && !token.starts_with("https://")) continue;
    while (!token.empty() && std::string_view(",;.)]}").find(token.back()) != std::string_view::npos) {
      token.remove_suffix(1);
    }
    if (token.size() > 8) AddUnique(out, std::string(token));
  }
}

// The host of a URL or "host[:port][/path]" text.
std::string HostOf(std::string_view url) {
  url = Trim(url);
  if (const size_t scheme = url.find("://"); scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  url = url.substr(0, url.find_first_of("/?#"));
  if (const size_t at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
  if (url.starts_with('[')) return std::string(url.substr(0, url.find(']') + 1));  // IPv6
  return Lower(url.substr(0, url.find(':')));
}

// ---------------------------------------------------------------------------------------------
// One finding record, from a JSON object or a CSV row, with typed, error-collecting access.

class FindingRecord {
 public:
  FindingRecord(long index, std::vector<ParseError>& errors) : index_(index), errors_(errors) {}

  void SetJson(object obj) {
    for (auto [key, value] : obj) {
      if (value.is_null()) continue;
      json_.emplace_back(Canonical(key), Entry{std::string(key), value});
    }
  }
  void SetCsv(const std::vector<std::string>& header, const std::vector<std::string>& cells) {
    for (size_t i = 0; i < header.size() && i < cells.size(); ++i) {
      if (Trim(cells[i]).empty()) continue;  // an empty CSV cell is an absent field
      csv_.emplace_back(Canonical(header[i]), CsvEntry{header[i], cells[i]});
    }
  }

  bool Has(std::initializer_list<std::string_view> names) const {
    return std::any_of(names.begin(), names.end(), [&](std::string_view n) { return Find(n) != nullptr || FindCsv(n) != nullptr; });
  }

  // A scalar as text (numbers and booleans as their JSON text). Absent -> nullopt; an
  // object or array -> an error naming `display`.
  std::optional<std::string> Text(std::initializer_list<std::string_view> names, std::string_view display,
                                  bool required = false) {
    for (std::string_view n : names) {
      if (const CsvEntry* c = FindCsv(n)) return std::string(Trim(c->value));
      const Entry* e = Find(n);
      if (e == nullptr) continue;
      if (auto text = ScalarText(e->value)) {
        if (required && Trim(*text).empty()) {
          AddError(e->name, "required field is empty");
          return std::nullopt;
        }
        return text;
      }
      AddError(e->name, std::string("expected a string, got ") + std::string(JsonTypeName(e->value.type())));
      return std::nullopt;
    }
    if (required) AddError(display, "required field is missing");
    return std::nullopt;
  }

  // Every text item of a field: a scalar, a list of scalars, or (JSON) a list of objects whose
  // "vulnerability_id", "id", "url" or "value" string is taken. CSV cells are one item.
  std::vector<std::string> Items(std::initializer_list<std::string_view> names) {
    std::vector<std::string> out;
    for (std::string_view n : names) {
      if (const CsvEntry* c = FindCsv(n)) out.emplace_back(c->value);
      const Entry* e = Find(n);
      if (e == nullptr) continue;
      array arr;
      if (e->value.get_array().get(arr) != kOk) {
        if (auto text = ScalarText(e->value)) {
          out.push_back(std::move(*text));
        } else {
          AddError(e->name, std::string("expected a string or a list, got ") +
                                std::string(JsonTypeName(e->value.type())));
        }
        continue;
      }
      for (element item : arr) {
        object obj;
        if (item.get_object().get(obj) == kOk) {
          for (std::string_view key : {"vulnerability_id", "id", "url", "value"}) {
            std::string_view sv;
            if (obj[key].get_string().get(sv) == kOk) {
              out.emplace_back(sv);
              break;
            }
          }
        } else if (auto text = ScalarText(item)) {
          out.push_back(std::move(*text));
        } else {
          AddError(e->name, "expected every item to be a string");
        }
      }
    }
    return out;
  }

  // DefectDojo endpoints: URL strings or {protocol, host, port, path} objects -> URLs.
  std::vector<std::string> Endpoints() {
    std::vector<std::string> out;
    const Entry* e = Find("endpoints");
    if (e == nullptr) return out;
    array arr;
    if (e->value.get_array().get(arr) != kOk) {
      AddError(e->name, std::string("expected a list, got ") + std::string(JsonTypeName(e->value.type())));
      return out;
    }
    for (element item : arr) {
      std::string_view sv;
      object obj;
      if (item.get_string().get(sv) == kOk) {
        if (!Trim(sv).empty()) out.emplace_back(Trim(sv));
      } else if (item.get_object().get(obj) == kOk) {
        std::string_view host;
        if (obj["host"].get_string().get(host) != kOk || host.empty()) {
          AddError(e->name, "an endpoint object needs a \"host\" string");
          continue;
        }
        std::string url;
        std::string_view proto;
        if (obj["protocol"].get_string().get(proto) == kOk && !proto.empty()) url = std::string(proto) + "://";
        url += host;
        int64_t port = 0;
        std::string_view port_text;
        if (obj["port"].get_int64().get(port) == kOk) {
          url += ":" + std::to_string(port);
        } else if (obj["port"].get_string().get(port_text) == kOk && !port_text.empty()) {
          url += ":" + std::string(port_text);
        }
        std::string_view path;
        if (obj["path"].get_string().get(path) == kOk && !path.empty()) {
          if (!path.starts_with('/')) url += '/';
          url += path;
        }
        out.push_back(std::move(url));
      } else {
        AddError(e->name, "expected every endpoint to be a URL string or an object");
      }
    }
    return out;
  }

  // A boolean: JSON true/false, or text true/false/yes/no/1/0.
  std::optional<bool> Flag(std::initializer_list<std::string_view> names) {
    for (std::string_view n : names) {
      std::string display;
      std::optional<std::string> text;
      if (const CsvEntry* c = FindCsv(n)) {
        display = c->name;
        text = std::string(Trim(c->value));
      } else if (const Entry* e = Find(n)) {
        display = e->name;
        bool b = false;
        if (e->value.get_bool().get(b) == kOk) return b;
        text = ScalarText(e->value);
      } else {
        continue;
      }
      const std::string t = text ? Lower(*text) : std::string();
      if (t == "true" || t == "yes" || t == "1") return true;
      if (t == "false" || t == "no" || t == "0") return false;
      AddError(display, "expected true or false");
      return std::nullopt;
    }
    return std::nullopt;
  }

  void AddError(std::string_view field, std::string reason) {
    ok_ = false;
    errors_.push_back({index_, std::string(field), std::move(reason)});
  }
  bool ok() const { return ok_; }
  long index() const { return index_; }

 private:
  struct Entry {
    std::string name;  // as written
    element value;
  };
  struct CsvEntry {
    std::string name;
    std::string value;
  };

  const Entry* Find(std::string_view canonical) const {
    for (const auto& [key, entry] : json_) {
      if (key == canonical) return &entry;
    }
    return nullptr;
  }
  const CsvEntry* FindCsv(std::string_view canonical) const {
    for (const auto& [key, entry] : csv_) {
      if (key == canonical) return &entry;
    }
    return nullptr;
  }

  static std::optional<std::string> ScalarText(element el) {
    std::string_view sv;
    int64_t i = 0;
    uint64_t u = 0;
    double d = 0;
    bool b = false;
    if (el.get_string().get(sv) == kOk) return std::string(sv);
    if (el.get_int64().get(i) == kOk) return std::to_string(i);
    if (el.get_uint64().get(u) == kOk) return std::to_string(u);
    if (el.get_double().get(d) == kOk) {
      char buf[64];
      auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), d);
      if (ec == std::errc()) return std::string(buf, ptr);
      return std::nullopt;
    }
    if (el.get_bool().get(b) == kOk) return std::string(b ? "true" : "false");
    return std::nullopt;
  }

  long index_;
  std::vector<ParseError>& errors_;
  bool ok_ = true;
  std::vector<std::pair<std::string, Entry>> json_;
  std::vector<std::pair<std::string, CsvEntry>> csv_;
};

// ---------------------------------------------------------------------------------------------
// Scoring shared by every format

// critical/high -> high, medium -> medium, low/info -> low (the seed's Wiz map, with "info").
Exploitability ExploitabilityOf(std::string_view severity) {
  if (severity == "critical" || severity == "high") return Exploitability::kHigh;
  if (severity == "medium") return Exploitability::kMedium;
  return Exploitability::kLow;
}

// A severity of the generic or DefectDojo format, lower-cased and checked.
std::optional<std::string> NormaliseSeverity(std::string_view text) {
  const std::string s = Lower(Trim(text));
  if (s == "critical" || s == "high" || s == "medium" || s == "low") return s;
  if (s == "moderate") return std::string("medium");
  if (s == "info" || s == "informational" || s == "information" || s == "none") return std::string("info");
  return std::nullopt;
}

// The canonical spelling of a zone named case-insensitively; empty when unknown.
std::string_view KnownZone(std::string_view text) {
  const std::string t = Lower(Trim(text));
  for (std::string_view z : kKnownZones) {
    if (Lower(z) == t) return z;
  }
  return {};
}

void Score(Exposure& e, std::string_view zone, std::string_view severity, const ParseContext& ctx) {
  PlaceInZone(e, zone, StaticZoneConsequence(zone), ConsequencePolicy::kZoneDriven, ctx);
  const Exploitability x = ExploitabilityOf(severity);
  e.severity = ComputeCtemSeverity(x, e.physical_consequence);
  e.exploitability_score = ExploitabilityScore(x);
  e.ctem_score = WizCtemScore(x, e.physical_consequence);
}

// Per-document state: identities seen so far, to number repeated fingerprints.
struct DocumentState {
  std::unordered_map<std::string, int> seen;
  std::string numbered;  // the last repeated identity with its "#n"
  // The identity numbered in document order; a view (of the map's key, or of `numbered`)
  // valid until the next call, so that the common first occurrence is not copied again.
  std::string_view Occurrence(std::string identity) {
    auto [it, inserted] = seen.try_emplace(std::move(identity), 0);
    const int n = ++it->second;
    if (n == 1) return it->first;
    numbered = it->first + "#" + std::to_string(n);
    return numbered;
  }
};

// ---------------------------------------------------------------------------------------------
// SARIF

// The words SarifResultSeverity honours in a `severity` property.
bool IsSeverityWord(std::string_view text) {
  const std::string t = Lower(text);
  return t == "critical" || t == "high" || t == "medium" || t == "moderate" || t == "low" || t == "info" ||
         t == "informational" || t == "note";
}

std::string FormatScore(double v) {
  char buf[32];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  return ec == std::errc() ? std::string(buf, ptr) : std::string();
}

std::string JoinFingerprints(const std::vector<std::pair<std::string_view, std::string_view>>& fps) {
  std::string out;
  for (const auto& [name, value] : fps) {
    if (!out.empty()) out += ',';
    out.append(name).append("=").append(value);
  }
  return out;
}

void SarifToExposure(const SarifResult& r, const ParseContext& ctx, DocumentState& state, ParsedBatch& out) {
  Exposure& e = out.exposures.emplace_back();  // built in place: every result becomes an exposure
  const std::string tool = r.tool_name.empty() ? std::string(kDefaultTool) : std::string(r.tool_name);
  e.source_tool = tool;

  // Title: the rule's one-line description, else its name or id, else the message.
  std::string_view title_src = r.rule_short_description;
  if (title_src.empty() && r.rule_full_description.size() <= kMaxTitle &&
      r.rule_full_description.find('\n') == std::string_view::npos) {
    title_src = r.rule_full_description;
  }
  if (title_src.empty()) title_src = r.rule_name;
  if (title_src.empty()) title_src = r.rule_id;
  if (title_src.empty()) title_src = r.message;
  e.title = TitleLine(title_src);
  if (e.title.empty()) e.title = "SARIF result";

  // The description is appended into one buffer sized for all its parts.
  e.description.reserve(r.message.size() + r.rule_full_description.size() + r.uri.size() +
                        r.logical_location.size() + 40);
  e.description = r.message;
  if (!r.rule_full_description.empty() && r.rule_full_description != r.message &&
      r.rule_full_description != e.title) {
    if (!e.description.empty()) e.description += "\n\n";
    e.description += r.rule_full_description;
  }

  // Where: the repository when the run names one, else the artifact.
  std::string location(r.uri);
  if (location.empty()) location = std::string(r.logical_location);
  if (!r.repository_uri.empty()) {
    e.asset_id = std::string(r.repository_uri);
    e.asset_type = "Repository";
  } else if (!location.empty()) {
    e.asset_id = location;
    e.asset_type = r.uri.empty() ? "LogicalLocation" : "Artifact";
  } else {
    e.asset_id = "unknown";
    e.asset_type = "Unknown";
  }
  if (!location.empty()) {
    if (!e.description.empty()) e.description += "\n\n";
    e.description.append("Location: ").append(location);
    if (r.start_line > 0) e.description.append(":").append(std::to_string(r.start_line));
  }

  // Fix guidance: the result's first fix, else the rule's help.
  array fixes;
  if (r.raw["fixes"].get_array().get(fixes) == kOk) {
    for (element fix : fixes) {
      std::string_view text;
      if (fix["description"]["text"].get_string().get(text) == kOk && !text.empty()) {
        e.remediation_guidance = std::string(text);
        break;
      }
    }
  }
  if (e.remediation_guidance.empty()) e.remediation_guidance = std::string(r.rule_help);
  std::string_view viewer;
  if (r.raw["hostedViewerUri"].get_string().get(viewer) == kOk) e.evidence_url = std::string(viewer);

  // Severity.
  const std::string_view severity = SarifResultSeverity(r);
  if (r.security_severity && *r.security_severity > 0.0) {
    e.original_severity = "security-severity=" + FormatScore(*r.security_severity);
  } else if (IsSeverityWord(r.property_severity)) {
    e.original_severity = "severity=" + std::string(r.property_severity);
  } else {
    e.original_severity = "level=" + std::string(r.level);
  }

  // CVE / CWE / references.
  ExtractCves(r.rule_id, e.cve_ids);
  ExtractCves(r.rule_name, e.cve_ids);
  ExtractCves(r.rule_short_description, e.cve_ids);
  for (std::string_view tag : r.tags) ExtractCves(tag, e.cve_ids);
  e.cwe_ids = r.cwe_ids;
  if (r.rule_help_uri.starts_with("http://") || r.rule_help_uri.starts_with("https://")) {
    e.reference_urls.emplace_back(r.rule_help_uri);
  }

  // Identity: tool + rule + (correlationGuid | fingerprints | location). Fingerprints leave
  // the line out (they survive code moving); two results of one document sharing a
  // fingerprint are numbered (#2, #3...) in document order, as GitHub does.
  std::string identity = r.rule_id.empty() ? e.title : std::string(r.rule_id);
  std::string_view numbered_identity;
  if (!r.correlation_guid.empty()) {
    identity.append("|guid=").append(r.correlation_guid);
  } else if (!r.fingerprints.empty() || !r.partial_fingerprints.empty()) {
    identity.append("|").append(location).append("|fp=");
    identity.append(JoinFingerprints(!r.fingerprints.empty() ? r.fingerprints : r.partial_fingerprints));
    numbered_identity = state.Occurrence(std::move(identity));
  } else {
    identity.append("|").append(location);
    if (r.start_line > 0) identity.append(":").append(std::to_string(r.start_line));
  }
  e.exposure_key =
      GenerateExposureKey(tool, numbered_identity.empty() ? identity : numbered_identity, e.asset_id);

  Score(e, WizZoneRule(e.asset_id), severity, ctx);
  StampTimes(e, ctx);
}

// The number of results in every run (an upper bound of the exposures), to size the batch once
// instead of growing it result by result.
size_t SarifResultCount(object log) {
  size_t n = 0;
  array runs;
  if (log["runs"].get_array().get(runs) != kOk) return 0;
  for (element run : runs) {
    array results;
    if (run["results"].get_array().get(results) == kOk) n += results.size();
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Generic and DefectDojo findings

// Fields that only DefectDojo's Generic Findings Import has: a record without asset_id that
// carries one of them is read as DefectDojo's format.
bool IsDefectDojoRecord(const FindingRecord& rec) {
  if (rec.Has({"assetid", "asset"})) return false;
  return rec.Has({"mitigation", "uniqueidfromtool", "vulnidfromtool", "filepath", "componentname",
                  "endpoints", "url", "cvssv3", "impact", "active", "verified", "falsep", "falsepositive",
                  "duplicate", "ismitigated", "mitigated", "date", "service", "stepstoreproduce",
                  "severityjustification", "vulnerabilityids", "line", "cweid"});
}

void FindingToExposure(FindingRecord& rec, std::string_view default_tool, const ParseContext& ctx,
                       ParsedBatch& out) {
  const bool dojo = IsDefectDojoRecord(rec);
  Exposure e;
  auto title = rec.Text({"title"}, "title", true);
  auto severity_text = rec.Text({"severity"}, "severity", true);
  std::optional<std::string> severity;
  if (severity_text) {
    severity = NormaliseSeverity(*severity_text);
    if (!severity) {
      rec.AddError("severity", "unknown severity '" + *severity_text +
                                   "' (expected critical, high, medium, low or info)");
    }
  }
  std::string tool(Trim(rec.Text({"tool", "sourcetool", "scanner"}, "tool").value_or("")));
  if (tool.empty() || Lower(tool) == "custom") tool = std::string(default_tool);
  e.description = rec.Text({"description"}, "description").value_or("");
  if (auto impact = rec.Text({"impact"}, "impact")) {
    e.description += (e.description.empty() ? "Impact: " : "\n\nImpact: ") + *impact;
  }
  e.remediation_guidance = rec.Text({"remediation", "mitigation"}, "remediation").value_or("");
  e.evidence_url = rec.Text({"evidenceurl"}, "evidence_url").value_or("");
  e.attack_technique = rec.Text({"attacktechnique"}, "attack_technique").value_or("");
  e.threat_model_ref = rec.Text({"threatmodelref"}, "threat_model_ref").value_or("");
  if (auto atlas = rec.Text({"atlastechnique"}, "atlas_technique")) {
    if (!Trim(*atlas).starts_with("AML.T")) {
      rec.AddError("atlas_technique", "'" + *atlas + "' is not a MITRE ATLAS technique ID (e.g. AML.T0051)");
    }
    e.atlas_technique = std::string(Trim(*atlas));
  }
  for (const auto& item : rec.Items({"cve", "cves", "vulnerabilityids", "vulnerabilityid"})) ExtractCves(item, e.cve_ids);
  for (const auto& item : rec.Items({"cwe", "cwes", "cweid"})) ExtractCwes(item, e.cwe_ids);
  for (const auto& item : rec.Items({"references", "reference", "referenceurls"})) ExtractUrls(item, e.reference_urls);

  // Status: ours by name, or DefectDojo's flags (mitigated, inactive or false positive ->
  // Closed).
  if (auto status = rec.Text({"status"}, "status")) {
    auto parsed = ParseExposureStatus(*status);
    if (parsed) {
      e.tool_status = *parsed;
    } else {
      rec.AddError("status", parsed.error().message);
    }
  }
  const auto mitigated = rec.Flag({"ismitigated"});
  const auto active = rec.Flag({"active"});
  const auto false_positive = rec.Flag({"falsep", "falsepositive"});
  if (mitigated.value_or(false) || !active.value_or(true) || false_positive.value_or(false)) {
    e.tool_status = ExposureStatus::kClosed;
  }

  // Asset and location.
  std::string location;
  std::string asset;
  std::string asset_type = rec.Text({"assettype"}, "asset_type").value_or("");
  if (!dojo) {
    asset = rec.Text({"assetid", "asset"}, "asset_id", true).value_or("");
    if (asset_type.empty()) asset_type = "Asset";
  } else {
    const auto file = rec.Text({"filepath"}, "file_path");
    const auto line = rec.Text({"line"}, "line");
    const auto component = rec.Text({"componentname"}, "component_name");
    const auto version = rec.Text({"componentversion"}, "component_version");
    std::vector<std::string> endpoints = rec.Endpoints();
    if (auto url = rec.Text({"url"}, "Url")) endpoints.insert(endpoints.begin(), *url);
    if (file) location = *file + (line && *line != "0" ? ":" + *line : "");
    if (!endpoints.empty() && !HostOf(endpoints.front()).empty()) {
      asset = HostOf(endpoints.front());
      if (asset_type.empty()) asset_type = "Host";
      if (location.empty() && endpoints.front() != asset) location = endpoints.front();
      std::string list;
      for (const auto& ep : endpoints) list += (list.empty() ? "" : ", ") + ep;
      e.description += (e.description.empty() ? "" : "\n\n") + std::string("Endpoints: ") + list;
    } else if (component) {
      asset = *component + (version ? "@" + *version : "");
      if (asset_type.empty()) asset_type = "Dependency";
    } else if (file) {
      asset = *file;
      location = line && *line != "0" ? *file + ":" + *line : "";
      if (asset_type.empty()) asset_type = "SourceFile";
    } else if (auto service = rec.Text({"service"}, "service")) {
      asset = *service;
      if (asset_type.empty()) asset_type = "Service";
    } else {
      asset = "unknown";
      if (asset_type.empty()) asset_type = "Unknown";
    }
    if (!location.empty() && location != asset) {
      e.description += (e.description.empty() ? "" : "\n\n") + std::string("Location: ") + location;
    }
  }

  // Zone: named outright, else the seed's name heuristics on the asset.
  std::string zone;
  if (auto named = rec.Text({"zone", "assetzone", "ctemzone"}, "zone")) {
    zone = std::string(KnownZone(*named));
    if (zone.empty()) {
      rec.AddError("zone", "'" + *named +
                               "' is not a known zone (expected one of Zone0_PhysicalProcess, "
                               "Zone1_EdgeInference, Zone2_Operations, Zone3_Enterprise, Zone4_External)");
    }
  }
  const auto id = rec.Text({"id", "uniqueidfromtool"}, "id");
  if (!rec.ok()) return;

  e.source_tool = tool;
  e.title = *title;
  e.original_severity = std::string(Trim(*severity_text));
  e.asset_id = asset;
  e.asset_type = asset_type;
  if (zone.empty()) zone = ClassifyWizZone(asset);
  // Identity: the record's stable id, else its title (and its location within the asset).
  std::string identity = id && !Trim(*id).empty() ? "id=" + std::string(Trim(*id)) : e.title;
  if (!(id && !Trim(*id).empty()) && !location.empty() && location != asset) identity += "|" + location;
  e.exposure_key = GenerateExposureKey(tool, identity, asset);
  Score(e, zone, *severity, ctx);
  StampTimes(e, ctx);
  out.exposures.push_back(std::move(e));
}

// ---------------------------------------------------------------------------------------------
// CSV (libcsv, RFC 4180 quoting)

struct CsvState {
  std::vector<std::string> header;
  std::vector<std::string> cells;
  std::vector<std::vector<std::string>> rows;
};

void OnCsvField(void* data, size_t len, void* state) {
  auto* st = static_cast<CsvState*>(state);
  st->cells.emplace_back(data == nullptr ? std::string() : std::string(static_cast<const char*>(data), len));
}

void OnCsvRecord(int /*terminator*/, void* state) {
  auto* st = static_cast<CsvState*>(state);
  if (st->header.empty()) {
    st->header = std::move(st->cells);
  } else {
    st->rows.push_back(std::move(st->cells));
  }
  st->cells.clear();
}

void ParseCsv(std::string_view document, std::string_view default_tool, const ParseContext& ctx,
              ParsedBatch& out) {
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    out.errors.push_back({-1, "", "cannot initialise the CSV parser"});
    return;
  }
  CsvState st;
  std::optional<std::string> failure;
  if (csv_parse(&parser, document.data(), document.size(), OnCsvField, OnCsvRecord, &st) != document.size()) {
    failure = std::string("malformed CSV: ") + csv_strerror(csv_error(&parser));
  } else if (csv_fini(&parser, OnCsvField, OnCsvRecord, &st) != 0) {
    failure = std::string("malformed CSV at end of file: ") + csv_strerror(csv_error(&parser));
  }
  csv_free(&parser);

  std::vector<std::string> canon;
  for (const auto& h : st.header) canon.push_back(Canonical(h));
  const auto has = [&](std::string_view c) { return std::find(canon.begin(), canon.end(), c) != canon.end(); };
  if (st.header.empty() || !has("title") || !has("severity")) {
    out.errors.push_back({-1, "", failure ? *failure
                                          : std::string("not a findings CSV: the header must name at least "
                                                        "the title and severity columns")});
    return;
  }
  long index = 0;
  for (const auto& row : st.rows) {
    const long this_index = index++;
    if (row.size() == 1 && Trim(row[0]).empty()) continue;  // a blank line
    ++out.received;
    if (row.size() != st.header.size()) {
      out.errors.push_back({this_index, "", "expected " + std::to_string(st.header.size()) +
                                                " fields, got " + std::to_string(row.size())});
      continue;
    }
    FindingRecord rec(this_index, out.errors);
    rec.SetCsv(st.header, row);
    FindingToExposure(rec, default_tool, ctx, out);
  }
  if (failure) {
    ++out.received;  // the record that could not be read
    out.errors.push_back({index, "", *failure});
  }
}

// ---------------------------------------------------------------------------------------------
// The parser

class CustomParser final : public SourceParser {
 public:
  std::string_view Name() const override { return "custom"; }

  void Parse(std::string_view document, const ParseContext& ctx, ParsedBatch& out) const override {
    if (document.starts_with("\xEF\xBB\xBF")) document.remove_prefix(3);  // UTF-8 BOM
    const std::string_view body = Trim(document);
    if (body.empty()) {
      out.errors.push_back({-1, "", "empty document"});
      return;
    }
    if (body.front() != '{' && body.front() != '[') {
      ParseCsv(document, kDefaultTool, ctx, out);
      return;
    }
    PooledJsonParser parser;
    element root;
    const simdjson::error_code code = parser.Parse(document, root);
    if (code != kOk) {
      // JSON Lines, or malformed JSON (ForEachJsonRecord says where).
      ForEachJsonRecord(document, code, root, "", out, [&](object obj, long index) {
        FindingRecord rec(index, out.errors);
        rec.SetJson(obj);
        FindingToExposure(rec, kDefaultTool, ctx, out);
      });
      return;
    }
    array arr;
    if (root.get_array().get(arr) == kOk) {
      EachRecord(arr, kDefaultTool, ctx, out);
      return;
    }
    object obj;
    if (root.get_object().get(obj) != kOk) return;  // unreachable: the text starts with { or [
    element runs;
    if (LooksLikeSarif(obj) || obj["runs"].get(runs) == kOk) {
      DocumentState state;
      out.exposures.reserve(out.exposures.size() + SarifResultCount(obj));
      ReadSarif(obj, [&](const SarifResult& r) { SarifToExposure(r, ctx, state, out); }, out);
      return;
    }
    element findings;
    if (obj["findings"].get(findings) == kOk) {
      std::string tool(kDefaultTool);
      element tool_el;
      if (obj["source_tool"].get(tool_el) == kOk && !tool_el.is_null()) {
        std::string_view named;
        if (tool_el.get_string().get(named) != kOk) {
          out.errors.push_back({-1, "source_tool", std::string("expected a string, got ") +
                                                       std::string(JsonTypeName(tool_el.type()))});
          return;
        }
        const SourceParser* other = FindParser(named);
        if (other != nullptr && other->Name() != Name()) {
          out.errors.push_back({-1, "source_tool", "payload names source_tool '" + std::string(named) +
                                                       "' but is being ingested as 'custom'"});
          return;
        }
        // Any tool the registry does not know is a custom scanner: its name is the default
        // tool of the records.
        if (other == nullptr && !Trim(named).empty()) tool = std::string(Trim(named));
      }
      if (findings.get_array().get(arr) != kOk) {
        out.errors.push_back({-1, "findings", std::string("expected an array, got ") +
                                                  std::string(JsonTypeName(findings.type()))});
        return;
      }
      EachRecord(arr, tool, ctx, out);
      return;
    }
    ++out.received;
    FindingRecord rec(0, out.errors);
    rec.SetJson(obj);
    FindingToExposure(rec, kDefaultTool, ctx, out);
  }

 private:
  static void EachRecord(array arr, std::string_view tool, const ParseContext& ctx, ParsedBatch& out) {
    long index = 0;
    for (element el : arr) {
      const long this_index = index++;
      ++out.received;
      object obj;
      if (el.get_object().get(obj) != kOk) {
        out.errors.push_back({this_index, "", std::string("expected a JSON object, got ") +
                                                  std::string(JsonTypeName(el.type()))});
        continue;
      }
      FindingRecord rec(this_index, out.errors);
      rec.SetJson(obj);
      FindingToExposure(rec, tool, ctx, out);
    }
  }
};

}  // namespace

std::unique_ptr<SourceParser> MakeCustomParser() { return std::make_unique<CustomParser>(); }

}  // namespace ctem::parsers
