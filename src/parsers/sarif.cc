// SARIF 2.1.0 reader (see sarif.h). References are to the OASIS SARIF 2.1.0 specification.
#include "parsers/sarif.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <unordered_map>

#include "parsers/json_records.h"

namespace ctem::parsers {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;
constexpr auto kOk = simdjson::SUCCESS;

std::optional<element> Get(object o, std::string_view key) {
  element el;
  if (o[key].get(el) != kOk || el.is_null()) return std::nullopt;
  return el;
}

std::string_view GetString(object o, std::string_view key) {
  std::string_view sv;
  if (auto el = Get(o, key); el && el->get_string().get(sv) == kOk) return sv;
  return {};
}

std::optional<object> GetObject(object o, std::string_view key) {
  object obj;
  if (auto el = Get(o, key); el && el->get_object().get(obj) == kOk) return obj;
  return std::nullopt;
}

std::optional<array> GetArray(object o, std::string_view key) {
  array arr;
  if (auto el = Get(o, key); el && el->get_array().get(arr) == kOk) return arr;
  return std::nullopt;
}

std::optional<object> FirstObject(std::optional<array> arr) {
  if (!arr) return std::nullopt;
  for (element el : *arr) {
    object obj;
    if (el.get_object().get(obj) == kOk) return obj;
    return std::nullopt;
  }
  return std::nullopt;
}

// A multiformatMessageString / message: its text, else its markdown.
std::string_view TextOf(object o, std::string_view key) {
  auto m = GetObject(o, key);
  if (!m) return {};
  std::string_view text = GetString(*m, "text");
  return text.empty() ? GetString(*m, "markdown") : text;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// The first problem found in one result; the result is rejected with it.
struct Checker {
  std::optional<ParseError> problem;
  long index = 0;
  void Fail(std::string field, std::string reason) {
    if (!problem) problem = ParseError{index, std::move(field), std::move(reason)};
  }
  bool ok() const { return !problem; }
};

// A present field of the wrong type is a problem; absent or null is fine.
std::string_view CheckedString(object o, std::string_view key, std::string_view path, Checker& c) {
  auto el = Get(o, key);
  if (!el) return {};
  std::string_view sv;
  if (el->get_string().get(sv) != kOk) {
    c.Fail(std::string(path), std::string("expected a string, got ") + std::string(JsonTypeName(el->type())));
    return {};
  }
  return sv;
}

std::optional<object> CheckedObject(object o, std::string_view key, std::string_view path, Checker& c) {
  auto el = Get(o, key);
  if (!el) return std::nullopt;
  object obj;
  if (el->get_object().get(obj) != kOk) {
    c.Fail(std::string(path), std::string("expected an object, got ") + std::string(JsonTypeName(el->type())));
    return std::nullopt;
  }
  return obj;
}

std::optional<array> CheckedArray(object o, std::string_view key, std::string_view path, Checker& c) {
  auto el = Get(o, key);
  if (!el) return std::nullopt;
  array arr;
  if (el->get_array().get(arr) != kOk) {
    c.Fail(std::string(path), std::string("expected an array, got ") + std::string(JsonTypeName(el->type())));
    return std::nullopt;
  }
  return arr;
}

// A non-negative integer (line, column, index); -1 when absent.
long CheckedCount(object o, std::string_view key, std::string_view path, Checker& c) {
  auto el = Get(o, key);
  if (!el) return -1;
  int64_t v = 0;
  if (el->get_int64().get(v) != kOk || v < 0) {
    c.Fail(std::string(path), std::string("expected a non-negative integer, got ") +
                                  std::string(JsonTypeName(el->type())));
    return -1;
  }
  return static_cast<long>(std::min<int64_t>(v, 1L << 40));
}

// security-severity: a number 0-10, as a number or a numeric string.
std::optional<double> ReadScore(std::optional<object> props) {
  if (!props) return std::nullopt;
  auto el = Get(*props, "security-severity");
  if (!el) return std::nullopt;
  double v = 0;
  std::string_view sv;
  if (el->get_double().get(v) != kOk) {
    if (el->get_string().get(sv) != kOk) return std::nullopt;
    while (!sv.empty() && std::isspace(static_cast<unsigned char>(sv.front()))) sv.remove_prefix(1);
    while (!sv.empty() && std::isspace(static_cast<unsigned char>(sv.back()))) sv.remove_suffix(1);
    const char* end = sv.data() + sv.size();
    auto [ptr, ec] = std::from_chars(sv.data(), end, v);
    if (ec != std::errc() || ptr != end) return std::nullopt;
  }
  if (!std::isfinite(v) || v < 0.0 || v > 10.0) return std::nullopt;
  return v;
}

// "CWE-79", "cwe-079", "external/cwe/cwe-79", "CWE:79" (and a bare "79" when allow_bare)
// -> "CWE-79"; nullopt when the text names no CWE (or CWE-0).
std::optional<std::string> NormaliseCwe(std::string_view text, bool allow_bare) {
  const std::string lower = Lower(text);
  auto digits_from = [&](size_t pos) -> std::optional<std::string> {
    while (pos < lower.size() && (lower[pos] == '-' || lower[pos] == ':' || lower[pos] == '_' ||
                                  lower[pos] == '/' || lower[pos] == ' ')) {
      ++pos;
    }
    size_t end = pos;
    while (end < lower.size() && std::isdigit(static_cast<unsigned char>(lower[end]))) ++end;
    if (end == pos || end - pos > 9) return std::nullopt;
    if (end < lower.size() && std::isalpha(static_cast<unsigned char>(lower[end]))) return std::nullopt;
    std::string n = lower.substr(pos, end - pos);
    n.erase(0, std::min(n.find_first_not_of('0'), n.size()));
    if (n.empty()) return std::nullopt;
    return "CWE-" + n;
  };
  for (size_t pos = lower.rfind("cwe"); pos != std::string::npos;
       pos = pos == 0 ? std::string::npos : lower.rfind("cwe", pos - 1)) {
    if (auto id = digits_from(pos + 3)) return id;
  }
  if (allow_bare) return digits_from(0);
  return std::nullopt;
}

void AddCwe(std::vector<std::string>& cwes, std::optional<std::string> id) {
  if (id && std::find(cwes.begin(), cwes.end(), *id) == cwes.end()) cwes.push_back(std::move(*id));
}

// Tags of a property bag (strings only).
void CollectTags(std::optional<object> props, std::vector<std::string_view>& tags) {
  if (!props) return;
  auto arr = GetArray(*props, "tags");
  if (!arr) return;
  for (element el : *arr) {
    std::string_view sv;
    if (el.get_string().get(sv) == kOk) tags.push_back(sv);
  }
}

// properties.cwe / properties.cwes: a string, a number, or a list of them.
void CollectPropertyCwes(std::optional<object> props, std::vector<std::string>& cwes) {
  if (!props) return;
  for (std::string_view key : {"cwe", "cwes", "CWE"}) {
    auto el = Get(*props, key);
    if (!el) continue;
    auto one = [&](element item) {
      std::string_view sv;
      int64_t n = 0;
      if (item.get_string().get(sv) == kOk) {
        AddCwe(cwes, NormaliseCwe(sv, true));
      } else if (item.get_int64().get(n) == kOk && n > 0) {
        AddCwe(cwes, "CWE-" + std::to_string(n));
      }
    };
    array arr;
    if (el->get_array().get(arr) == kOk) {
      for (element item : arr) one(item);
    } else {
      one(*el);
    }
  }
}

// reportingDescriptorRelationship[] / result.taxa[]: targets in the CWE taxonomy.
void CollectTaxonomyCwes(std::optional<array> refs, bool nested_target, std::vector<std::string>& cwes) {
  if (!refs) return;
  for (element el : *refs) {
    object ref;
    if (el.get_object().get(ref) != kOk) continue;
    if (nested_target) {
      auto target = GetObject(ref, "target");
      if (!target) continue;
      ref = *target;
    }
    const std::string_view id = GetString(ref, "id");
    std::string_view component;
    if (auto tc = GetObject(ref, "toolComponent")) component = GetString(*tc, "name");
    AddCwe(cwes, NormaliseCwe(id, IEquals(component, "cwe")));
  }
}

// message.text with {0}, {1}, ... replaced by message.arguments (SARIF 3.11.5); "{{" and "}}"
// stand for literal braces.
std::string FormatMessage(std::string_view tmpl, std::optional<array> args) {
  if (!args) return std::string(tmpl);
  std::vector<std::string_view> values;
  for (element el : *args) {
    std::string_view sv;
    values.push_back(el.get_string().get(sv) == kOk ? sv : std::string_view{});
  }
  std::string out;
  out.reserve(tmpl.size());
  for (size_t i = 0; i < tmpl.size(); ++i) {
    const char ch = tmpl[i];
    if ((ch == '{' || ch == '}') && i + 1 < tmpl.size() && tmpl[i + 1] == ch) {
      out += ch;
      ++i;
      continue;
    }
    if (ch == '{') {
      size_t j = i + 1;
      size_t n = 0;
      while (j < tmpl.size() && j - i <= 6 && std::isdigit(static_cast<unsigned char>(tmpl[j]))) {
        n = n * 10 + static_cast<size_t>(tmpl[j] - '0');
        ++j;
      }
      if (j > i + 1 && j < tmpl.size() && tmpl[j] == '}' && n < values.size()) {
        out += values[n];
        i = j;
        continue;
      }
    }
    out += ch;
  }
  return out;
}

// One tool component's rules (the driver or an extension), indexed by id.
struct Component {
  std::string_view name;
  std::vector<object> rules;
  std::unordered_map<std::string_view, size_t> by_id;

  void Load(object comp) {
    name = GetString(comp, "name");
    auto arr = GetArray(comp, "rules");
    if (!arr) return;
    for (element el : *arr) {
      object rule;
      if (el.get_object().get(rule) != kOk) {
        rules.emplace_back();  // keeps ruleIndex positions; an empty object matches nothing
        continue;
      }
      const std::string_view id = GetString(rule, "id");
      if (!id.empty()) by_id.emplace(id, rules.size());
      rules.push_back(rule);
    }
  }

  std::optional<object> ByIndex(long index) const {
    if (index < 0 || static_cast<size_t>(index) >= rules.size()) return std::nullopt;
    return rules[static_cast<size_t>(index)];
  }

  std::optional<object> ById(std::string_view id) const {
    if (id.empty()) return std::nullopt;
    if (auto it = by_id.find(id); it != by_id.end()) return rules[it->second];
    // A hierarchical ruleId ("CA2101/unsafe-call") names its base rule (SARIF 3.27.5).
    const size_t slash = id.find('/');
    if (slash != std::string_view::npos) {
      if (auto it = by_id.find(id.substr(0, slash)); it != by_id.end()) return rules[it->second];
    }
    return std::nullopt;
  }
};

constexpr std::array<std::string_view, 4> kLevels = {"error", "warning", "note", "none"};
constexpr std::array<std::string_view, 6> kKinds = {"fail", "open", "review", "pass", "notApplicable",
                                                    "informational"};

bool IsProblemKind(std::string_view kind) { return kind == "fail" || kind == "open" || kind == "review"; }

std::vector<std::pair<std::string_view, std::string_view>> SortedStrings(std::optional<object> obj) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  if (!obj) return out;
  for (auto [key, value] : *obj) {
    std::string_view sv;
    if (value.get_string().get(sv) == kOk) out.emplace_back(key, sv);
  }
  std::sort(out.begin(), out.end());
  return out;
}

class RunReader {
 public:
  RunReader(object run, long run_index) : run_index_(run_index) {
    if (auto tool = GetObject(run, "tool")) {
      if (auto driver = GetObject(*tool, "driver")) {
        driver_.Load(*driver);
        tool_name_ = driver_.name;
        tool_version_ = GetString(*driver, "version");
        if (tool_version_.empty()) tool_version_ = GetString(*driver, "semanticVersion");
      }
      if (auto exts = GetArray(*tool, "extensions")) {
        for (element el : *exts) {
          object ext;
          extensions_.emplace_back();
          if (el.get_object().get(ext) == kOk) extensions_.back().Load(ext);
        }
      }
    }
    if (auto vcp = FirstObject(GetArray(run, "versionControlProvenance"))) {
      repository_uri_ = GetString(*vcp, "repositoryUri");
      revision_id_ = GetString(*vcp, "revisionId");
      branch_ = GetString(*vcp, "branch");
    }
    artifacts_ = GetArray(run, "artifacts");
  }

  // Reads one result; false (with the problem in `c`) when it is rejected.
  bool Read(object res, SarifResult& r, Checker& c) const {
    r.raw = res;
    r.run_index = run_index_;
    r.tool_name = tool_name_;
    r.tool_version = tool_version_;
    r.repository_uri = repository_uri_;
    r.revision_id = revision_id_;
    r.branch = branch_;

    // The rule: result.rule (reportingDescriptorReference) may pick an extension.
    const Component* comp = &driver_;
    std::string_view ref_id;
    long ref_index = -1;
    if (auto ref = CheckedObject(res, "rule", "rule", c)) {
      ref_id = CheckedString(*ref, "id", "rule.id", c);
      ref_index = CheckedCount(*ref, "index", "rule.index", c);
      if (auto tc = GetObject(*ref, "toolComponent")) {
        const long ci = CheckedCount(*tc, "index", "rule.toolComponent.index", c);
        const std::string_view cname = GetString(*tc, "name");
        if (ci >= 0 && static_cast<size_t>(ci) < extensions_.size()) {
          comp = &extensions_[static_cast<size_t>(ci)];
        } else if (!cname.empty() && cname != driver_.name) {
          for (const auto& ext : extensions_) {
            if (ext.name == cname) comp = &ext;
          }
        }
      }
    }
    const std::string_view rule_id = CheckedString(res, "ruleId", "ruleId", c);
    long rule_index = CheckedCount(res, "ruleIndex", "ruleIndex", c);
    if (rule_index < 0) rule_index = ref_index;
    r.rule = comp->ByIndex(rule_index);
    if (!r.rule) r.rule = comp->ById(rule_id.empty() ? ref_id : rule_id);
    r.rule_id = !rule_id.empty() ? rule_id : ref_id;
    if (r.rule) {
      if (r.rule_id.empty()) r.rule_id = GetString(*r.rule, "id");
      r.rule_name = GetString(*r.rule, "name");
      r.rule_short_description = TextOf(*r.rule, "shortDescription");
      r.rule_full_description = TextOf(*r.rule, "fullDescription");
      r.rule_help = TextOf(*r.rule, "help");
      r.rule_help_uri = GetString(*r.rule, "helpUri");
      r.rule_properties = GetObject(*r.rule, "properties");
    }

    // Level and kind (SARIF 3.27.9, 3.27.10): the result's, else the rule's default.
    r.level = CheckedString(res, "level", "level", c);
    r.level_explicit = !r.level.empty();
    if (r.level.empty() && r.rule) {
      if (auto conf = GetObject(*r.rule, "defaultConfiguration")) {
        r.level = CheckedString(*conf, "level", "rule.defaultConfiguration.level", c);
        r.level_explicit = !r.level.empty();
      }
    }
    if (r.level.empty()) r.level = "warning";
    if (std::find(kLevels.begin(), kLevels.end(), r.level) == kLevels.end()) {
      c.Fail("level", "unknown level '" + std::string(r.level) + "' (expected error, warning, note or none)");
    }
    r.kind = CheckedString(res, "kind", "kind", c);
    if (r.kind.empty()) r.kind = "fail";
    if (std::find(kKinds.begin(), kKinds.end(), r.kind) == kKinds.end()) {
      c.Fail("kind", "unknown kind '" + std::string(r.kind) +
                         "' (expected fail, open, review, pass, notApplicable or informational)");
    }

    // Severity hints from the property bags: the result's first, then the rule's.
    r.properties = CheckedObject(res, "properties", "properties", c);
    r.security_severity = ReadScore(r.properties);
    if (!r.security_severity) r.security_severity = ReadScore(r.rule_properties);
    if (r.properties) r.property_severity = GetString(*r.properties, "severity");
    if (r.property_severity.empty() && r.rule_properties) r.property_severity = GetString(*r.rule_properties, "severity");

    // The message.
    if (auto msg = CheckedObject(res, "message", "message", c)) {
      std::string_view text = CheckedString(*msg, "text", "message.text", c);
      if (text.empty()) text = GetString(*msg, "markdown");
      const std::string_view msg_id = GetString(*msg, "id");
      if (text.empty() && !msg_id.empty() && r.rule) {
        if (auto strings = GetObject(*r.rule, "messageStrings")) text = TextOf(*strings, msg_id);
      }
      r.message = FormatMessage(text, GetArray(*msg, "arguments"));
    }

    // The first location.
    if (auto locs = CheckedArray(res, "locations", "locations", c)) {
      if (auto loc = FirstObject(locs)) {
        if (auto phys = CheckedObject(*loc, "physicalLocation", "locations[0].physicalLocation", c)) {
          if (auto art = CheckedObject(*phys, "artifactLocation", "locations[0].physicalLocation.artifactLocation", c)) {
            r.uri = CheckedString(*art, "uri", "locations[0].physicalLocation.artifactLocation.uri", c);
            r.uri_base_id = GetString(*art, "uriBaseId");
            const long ai = CheckedCount(*art, "index", "locations[0].physicalLocation.artifactLocation.index", c);
            if (r.uri.empty() && ai >= 0 && artifacts_) {
              element a;
              object a_obj;
              if (artifacts_->at(static_cast<size_t>(ai)).get(a) == kOk && a.get_object().get(a_obj) == kOk) {
                if (auto a_loc = GetObject(a_obj, "location")) {
                  r.uri = GetString(*a_loc, "uri");
                  if (r.uri_base_id.empty()) r.uri_base_id = GetString(*a_loc, "uriBaseId");
                }
              }
            }
          }
          if (auto region = CheckedObject(*phys, "region", "locations[0].physicalLocation.region", c)) {
            r.start_line = std::max(0L, CheckedCount(*region, "startLine", "locations[0].physicalLocation.region.startLine", c));
            r.start_column = std::max(0L, CheckedCount(*region, "startColumn", "locations[0].physicalLocation.region.startColumn", c));
          }
        }
        if (auto logical = FirstObject(GetArray(*loc, "logicalLocations"))) {
          r.logical_location = GetString(*logical, "fullyQualifiedName");
          if (r.logical_location.empty()) r.logical_location = GetString(*logical, "name");
        }
      }
    }

    // Identity hints.
    r.fingerprints = SortedStrings(CheckedObject(res, "fingerprints", "fingerprints", c));
    r.partial_fingerprints = SortedStrings(CheckedObject(res, "partialFingerprints", "partialFingerprints", c));
    r.guid = GetString(res, "guid");
    r.correlation_guid = GetString(res, "correlationGuid");

    // Tags and CWEs.
    CollectTags(r.rule_properties, r.tags);
    CollectTags(r.properties, r.tags);
    for (std::string_view tag : r.tags) AddCwe(r.cwe_ids, NormaliseCwe(tag, false));
    if (r.rule) CollectTaxonomyCwes(GetArray(*r.rule, "relationships"), true, r.cwe_ids);
    CollectTaxonomyCwes(GetArray(res, "taxa"), false, r.cwe_ids);
    CollectPropertyCwes(r.rule_properties, r.cwe_ids);
    CollectPropertyCwes(r.properties, r.cwe_ids);

    // Suppressions (SARIF 3.35): any accepted (or status-less) suppression suppresses.
    if (auto sups = CheckedArray(res, "suppressions", "suppressions", c)) {
      for (element el : *sups) {
        object sup;
        if (el.get_object().get(sup) != kOk) {
          c.Fail("suppressions", "expected every suppression to be an object");
          break;
        }
        const std::string_view status = GetString(sup, "status");
        if (status.empty() || status == "accepted") r.suppressed = true;
      }
    }
    return c.ok();
  }

 private:
  long run_index_;
  Component driver_;
  std::vector<Component> extensions_;
  std::string_view tool_name_;
  std::string_view tool_version_;
  std::string_view repository_uri_;
  std::string_view revision_id_;
  std::string_view branch_;
  std::optional<array> artifacts_;
};

}  // namespace

bool LooksLikeSarif(simdjson::dom::object root) {
  if (!GetArray(root, "runs")) return false;
  const std::string_view version = GetString(root, "version");
  if (version.starts_with("2.")) return true;
  return Lower(GetString(root, "$schema")).find("sarif") != std::string::npos;
}

void ReadSarif(simdjson::dom::object root, const std::function<void(const SarifResult&)>& each,
               ParsedBatch& out, const SarifOptions& options) {
  const std::string_view version = GetString(root, "version");
  if (!version.empty() && !version.starts_with("2.")) {
    out.errors.push_back({-1, "version", "SARIF version '" + std::string(version) +
                                             "' is not supported (expected 2.1.0)"});
    return;
  }
  auto runs_el = Get(root, "runs");
  array runs;
  if (!runs_el) {
    out.errors.push_back({-1, "runs", "not a SARIF log: the \"runs\" array is missing"});
    return;
  }
  if (runs_el->get_array().get(runs) != kOk) {
    out.errors.push_back({-1, "runs", std::string("expected an array, got ") +
                                          std::string(JsonTypeName(runs_el->type()))});
    return;
  }
  long index = 0;
  long run_index = 0;
  for (element run_el : runs) {
    const std::string run_path = "runs[" + std::to_string(run_index) + "]";
    object run;
    if (run_el.get_object().get(run) != kOk) {
      out.errors.push_back({-1, run_path, std::string("expected an object, got ") +
                                              std::string(JsonTypeName(run_el.type()))});
      ++run_index;
      continue;
    }
    auto results_el = Get(run, "results");  // absent or null: the run produced no results
    array results;
    if (results_el && results_el->get_array().get(results) != kOk) {
      out.errors.push_back({-1, run_path + ".results", std::string("expected an array, got ") +
                                                           std::string(JsonTypeName(results_el->type()))});
      ++run_index;
      continue;
    }
    if (!results_el) {
      ++run_index;
      continue;
    }
    const RunReader reader(run, run_index);
    for (element res_el : results) {
      ++out.received;
      const long this_index = index++;
      object res;
      if (res_el.get_object().get(res) != kOk) {
        out.errors.push_back({this_index, "", std::string("expected a SARIF result object, got ") +
                                                  std::string(JsonTypeName(res_el.type()))});
        continue;
      }
      SarifResult r;
      r.index = this_index;
      Checker c;
      c.index = this_index;
      if (!reader.Read(res, r, c)) {
        out.errors.push_back(std::move(*c.problem));
        continue;
      }
      if (r.suppressed && !options.include_suppressed) continue;
      if (!IsProblemKind(r.kind) && !options.include_non_problems) continue;
      each(r);
    }
    ++run_index;
  }
}

void ReadSarifDocument(std::string_view document, const std::function<void(const SarifResult&)>& each,
                       ParsedBatch& out, const SarifOptions& options) {
  PooledJsonParser parser;
  element root;
  const auto code = parser.Parse(document, root);
  if (code != kOk) {
    out.errors.push_back({-1, "", std::string("malformed JSON: ") + simdjson::error_message(code)});
    return;
  }
  object obj;
  if (root.get_object().get(obj) != kOk) {
    out.errors.push_back({-1, "", std::string("expected a SARIF log object, got ") +
                                      std::string(JsonTypeName(root.type()))});
    return;
  }
  ReadSarif(obj, each, out, options);
}

std::string_view SarifScoreSeverity(double security_severity) {
  if (security_severity >= 9.0) return "critical";
  if (security_severity >= 7.0) return "high";
  if (security_severity >= 4.0) return "medium";
  if (security_severity > 0.0) return "low";
  return "none";
}

std::string_view SarifLevelSeverity(std::string_view level) {
  if (level == "error") return "high";
  if (level == "warning") return "medium";
  return "low";
}

std::string_view SarifResultSeverity(const SarifResult& r) {
  if (r.security_severity && *r.security_severity > 0.0) return SarifScoreSeverity(*r.security_severity);
  const std::string prop = Lower(r.property_severity);
  if (prop == "critical") return "critical";
  if (prop == "high") return "high";
  if (prop == "medium" || prop == "moderate") return "medium";
  if (prop == "low" || prop == "info" || prop == "informational" || prop == "note") return "low";
  return SarifLevelSeverity(r.level);
}

}  // namespace ctem::parsers
