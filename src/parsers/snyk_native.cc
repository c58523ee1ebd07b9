// Snyk's native outputs: `snyk test --json` (one project or the --all-projects array),
// `snyk container test --json`, the REST Issues API, the project_snapshot webhook body and
// Snyk Code SARIF. See snyk_native.h for the contract and docs/formats/snyk.md for the field
// mapping.
//
// Shape of the code: the document is parsed once with simdjson; Detect() picks the format
// from the content; each format's reader turns its records into Findings (one per exposure
// key), which an Aggregator merges (the same vulnerability and package reported through
// several dependency paths or projects is one exposure, as its key is the same) and finally
// scores with the seed's Snyk rules.
//
// A malformed document (truncated upload, garbage in the middle) is re-read with a SAX parser
// that keeps every value it completed before the fault; containers still open at the fault
// are marked, so the records cut off by it are rejected and the complete ones are kept.
#include "parsers/snyk_native.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/exposure_key.h"
#include "parsers/json_records.h"
#include "parsers/scoring.h"
#include "parsers/seed_parsers.h"

namespace ctem::parsers {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

constexpr std::string_view kTool = "Snyk";
constexpr std::string_view kRuleZone = "Zone3_Enterprise";
constexpr std::string_view kVulnPage = "https://security.snyk.io/vuln/";
// Added by RecoverJson to every object still open where the JSON broke off.
constexpr std::string_view kCutOffMark = "\x01" "ctem-cut-off";
constexpr size_t kMaxRecoverDepth = 256;
constexpr size_t kMaxPathsShown = 5;

// ---------------------------------------------------------------------------------------------
// Small string helpers.

std::string Upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The pieces joined into one string allocated once (a chain of operator+ allocates and copies
// once per piece; titles and detail lines are built this way for every finding).
std::string Concat(std::initializer_list<std::string_view> parts) {
  size_t size = 0;
  for (std::string_view p : parts) size += p.size();
  std::string out;
  out.reserve(size);
  for (std::string_view p : parts) out.append(p);
  return out;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out.append(sep);
    out.append(items[i]);
  }
  return out;
}

void AppendUnique(std::vector<std::string>& to, const std::string& item) {
  if (item.empty()) return;
  if (std::find(to.begin(), to.end(), item) == to.end()) to.push_back(item);
}

void AppendUnique(std::vector<std::string>& to, std::string&& item) {
  if (item.empty()) return;
  if (std::find(to.begin(), to.end(), item) == to.end()) to.push_back(std::move(item));
}

void AppendUnique(std::vector<std::string>& to, const std::vector<std::string>& items) {
  for (const auto& i : items) AppendUnique(to, i);
}

// printf("%g"): to_chars with the general format and precision 6 is specified to produce
// exactly that, without printf's format parsing (a CVSS score is formatted per finding).
std::string FormatNumber(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6);
  if (r.ec != std::errc()) {
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
  }
  return std::string(buf, r.ptr);
}

std::string Item(const std::string& path, size_t i) {
  char digits[24];
  const auto r = std::to_chars(digits, digits + sizeof digits, i);
  return Concat({path, "[", std::string_view(digits, static_cast<size_t>(r.ptr - digits)), "]"});
}

int SeverityRankOf(std::string_view upper) {
  const auto severity = ParseSeverity(upper);
  return severity ? SeverityRank(*severity) : 0;
}


// ---------------------------------------------------------------------------------------------
// Recovering the complete part of a malformed JSON document.

class RecoveringSax final : public nlohmann::json_sax<nlohmann::json> {
 public:
  using json = nlohmann::json;

  bool null() override { return Add(json(nullptr)); }
  bool boolean(bool v) override { return Add(json(v)); }
  bool number_integer(number_integer_t v) override { return Add(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Add(json(v)); }
  bool number_float(number_float_t v, const string_t& /*text*/) override { return Add(json(v)); }
  bool string(string_t& v) override { return Add(json(std::move(v))); }
  bool binary(binary_t& /*v*/) override { return false; }  // never produced from JSON text
  bool start_object(std::size_t /*elements*/) override { return Open(json::object()); }
  bool key(string_t& k) override {
    key_ = std::move(k);
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t /*elements*/) override { return Open(json::array()); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) override {
    error_ = ex.what();
    return false;
  }

  // Marks every object still open (the fault is inside each of them).
  void MarkCutOff() {
    for (json* open : stack_) {
      if (open->is_object()) (*open)[std::string(kCutOffMark)] = true;
    }
  }

  bool has_root() const { return has_root_; }
  const json& root() const { return root_; }
  const std::string& error() const { return error_; }

 private:
  json* Place(json v) {
    if (stack_.empty()) {
      if (has_root_) return nullptr;
      root_ = std::move(v);
      has_root_ = true;
      return &root_;
    }
    json* top = stack_.back();
    if (top->is_object()) {
      json& slot = (*top)[key_];
      slot = std::move(v);
      return &slot;
    }
    top->push_back(std::move(v));
    return &top->back();
  }
  bool Add(json v) { return Place(std::move(v)) != nullptr; }
  bool Open(json v) {
    if (stack_.size() >= kMaxRecoverDepth) {
      error_ = "JSON nested deeper than " + std::to_string(kMaxRecoverDepth) + " levels";
      return false;
    }
    json* p = Place(std::move(v));
    if (p == nullptr) return false;
    stack_.push_back(p);
    return true;
  }
  bool Close() {
    if (!stack_.empty()) stack_.pop_back();
    return true;
  }

  json root_;
  bool has_root_ = false;
  // Pointers stay valid: a parent container only grows after its open child is closed.
  std::vector<json*> stack_;
  std::string key_;
  std::string error_;
};

// nlohmann's message without its exception prefix, and with the "last read" token (which can
// be a whole advisory text) shortened.
std::string ShortParseMessage(std::string msg) {
  if (msg.starts_with("[json.exception.")) {
    if (const size_t close = msg.find("] "); close != std::string::npos) msg.erase(0, close + 2);
  }
  constexpr std::string_view kLastRead = "; last read: '";
  constexpr size_t kKeep = 60;
  const size_t pos = msg.find(kLastRead);
  if (pos == std::string::npos) return msg;
  const size_t token_begin = pos + kLastRead.size();
  size_t token_end = msg.rfind("'; expected");
  if (token_end == std::string::npos || token_end < token_begin) token_end = msg.size() - 1;
  if (token_end <= token_begin || token_end - token_begin <= kKeep) return msg;
  return msg.substr(0, token_begin) + msg.substr(token_begin, kKeep) + "..." + msg.substr(token_end);
}

struct Recovered {
  bool has_root = false;
  std::string text;   // the recovered document, re-serialised
  std::string error;  // what broke the original; empty when nothing did
};

Recovered RecoverJson(std::string_view document) {
  Recovered r;
  RecoveringSax sax;
  try {
    const bool ok = nlohmann::json::sax_parse(document.begin(), document.end(), &sax);
    if (!ok && sax.error().empty()) r.error = "malformed JSON";
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  if (!sax.error().empty()) r.error = ShortParseMessage(sax.error());
  if (!r.error.empty()) sax.MarkCutOff();
  if (!sax.has_root()) return r;
  try {
    r.text = sax.root().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    r.has_root = true;
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Typed field access with the JSON path of every field in its error.

struct Problems {
  std::vector<std::pair<std::string, std::string>> items;  // field path, reason
  void Add(std::string field, std::string reason) {
    items.emplace_back(std::move(field), std::move(reason));
  }
  bool ok() const { return items.empty(); }
};

std::string Expected(std::string_view what, element el) {
  return "expected " + std::string(what) + ", got " + std::string(JsonTypeName(el.type()));
}

class Fields {
 public:
  Fields(object obj, std::string path, Problems& problems)
      : obj_(obj), path_(std::move(path)), problems_(&problems) {}

  std::string Path(std::string_view key) const {
    return path_.empty() ? std::string(key) : Concat({path_, ".", key});
  }
  const std::string& path() const { return path_; }
  Problems& problems() const { return *problems_; }

  bool Has(std::string_view key) const {
    element el;
    return obj_[key].get(el) == simdjson::SUCCESS;
  }
  bool CutOff() const { return Has(kCutOffMark); }

  // The element, if present and not null.
  std::optional<element> Raw(std::string_view key) const {
    element el;
    if (obj_[key].get(el) != simdjson::SUCCESS || el.is_null()) return std::nullopt;
    return el;
  }

  // Str(key) as a view into the document, for text that is only read or copied into a larger
  // string (saves a copy per field per record).
  std::optional<std::string_view> View(std::string_view key) const {
    auto el = Raw(key);
    if (!el) return std::nullopt;
    std::string_view sv;
    if (el->get_string().get(sv) != simdjson::SUCCESS) {
      problems_->Add(Path(key), Expected("a string", *el));
      return std::nullopt;
    }
    return sv;
  }

  std::optional<std::string> Str(std::string_view key, bool required = false) const {
    auto el = Raw(key);
    if (!el) {
      if (required) problems_->Add(Path(key), "required field is missing");
      return std::nullopt;
    }
    std::string_view sv;
    if (el->get_string().get(sv) != simdjson::SUCCESS) {
      problems_->Add(Path(key), Expected("a string", *el));
      return std::nullopt;
    }
    if (required && sv.empty()) {
      problems_->Add(Path(key), "required field is empty");
      return std::nullopt;
    }
    return std::string(sv);
  }

  std::optional<double> Num(std::string_view key, double lo = -std::numeric_limits<double>::max(),
                            double hi = std::numeric_limits<double>::max()) const {
    auto el = Raw(key);
    if (!el) return std::nullopt;
    double v = 0;
    if (el->get_double().get(v) != simdjson::SUCCESS) {
      problems_->Add(Path(key), Expected("a number", *el));
      return std::nullopt;
    }
    if (!(v >= lo && v <= hi)) {
      problems_->Add(Path(key), "value " + FormatNumber(v) + " is outside [" + FormatNumber(lo) +
                                    ", " + FormatNumber(hi) + "]");
      return std::nullopt;
    }
    return v;
  }

  // A number or a numeric string, as text (Snyk writes EPSS values as strings).
  std::optional<std::string> NumText(std::string_view key) const {
    auto el = Raw(key);
    if (!el) return std::nullopt;
    std::string_view sv;
    if (el->get_string().get(sv) == simdjson::SUCCESS) return std::string(sv);
    double v = 0;
    if (el->get_double().get(v) == simdjson::SUCCESS) return FormatNumber(v);
    problems_->Add(Path(key), Expected("a number or a string", *el));
    return std::nullopt;
  }

  std::optional<bool> Bool(std::string_view key) const {
    auto el = Raw(key);
    if (!el) return std::nullopt;
    bool v = false;
    if (el->get_bool().get(v) != simdjson::SUCCESS) {
      problems_->Add(Path(key), Expected("true or false", *el));
      return std::nullopt;
    }
    return v;
  }

  // A list of strings; a single string counts as a one-element list; absent -> empty.
  std::vector<std::string> StrList(std::string_view key) const {
    std::vector<std::string> out;
    auto el = Raw(key);
    if (!el) return out;
    std::string_view sv;
    if (el->get_string().get(sv) == simdjson::SUCCESS) {
      out.emplace_back(sv);
      return out;
    }
    array arr;
    if (el->get_array().get(arr) != simdjson::SUCCESS) {
      problems_->Add(Path(key), Expected("a list of strings", *el));
      return out;
    }
    size_t i = 0;
    for (element item : arr) {
      if (item.get_string().get(sv) != simdjson::SUCCESS) {
        problems_->Add(Item(Path(key), i), Expected("a string", item));
        return {};
      }
      out.emplace_back(sv);
      ++i;
    }
    return out;
  }

  std::optional<object> Obj(std::string_view key, bool required = false) const {
    auto el = Raw(key);
    if (!el) {
      if (required) problems_->Add(Path(key), "required field is missing");
      return std::nullopt;
    }
    object o;
    if (el->get_object().get(o) != simdjson::SUCCESS) {
      problems_->Add(Path(key), Expected("an object", *el));
      return std::nullopt;
    }
    return o;
  }

  std::optional<array> Arr(std::string_view key, bool required = false) const {
    auto el = Raw(key);
    if (!el) {
      if (required) problems_->Add(Path(key), "required field is missing");
      return std::nullopt;
    }
    array a;
    if (el->get_array().get(a) != simdjson::SUCCESS) {
      problems_->Add(Path(key), Expected("an array", *el));
      return std::nullopt;
    }
    return a;
  }

  // The nested object `key` as Fields (nullopt when absent, an error when not an object).
  std::optional<Fields> Sub(std::string_view key, bool required = false) const {
    auto o = Obj(key, required);
    if (!o) return std::nullopt;
    return Fields(*o, Path(key), *problems_);
  }

  // Calls f(Fields, i) for every object of the array `key`; other elements are errors.
  template <typename F>
  void EachObject(std::string_view key, F&& f) const {
    auto a = Arr(key);
    if (!a) return;
    size_t i = 0;
    for (element el : *a) {
      object o;
      if (el.get_object().get(o) != simdjson::SUCCESS) {
        problems_->Add(Item(Path(key), i), Expected("an object", el));
      } else {
        f(Fields(o, Item(Path(key), i), *problems_), i);
      }
      ++i;
    }
  }

 private:
  object obj_;
  std::string path_;
  Problems* problems_;
};

// ---------------------------------------------------------------------------------------------
// Findings and their aggregation by exposure key.

enum class ToolState { kOpen, kIgnored, kResolved, kPatched };

struct Finding {
  std::string key;
  bool sca = false;     // a dependency finding: the ML rule and T1195.002 apply
  std::string package;  // for the ML rule
  std::string title;
  std::string description;  // the tool's own text
  std::string severity;     // upper-case, as the tool said it
  std::string asset_id;
  std::string asset_type;
  std::string evidence_url;
  std::vector<std::string> cves, cwes, refs, remediation;
  std::vector<std::string> details;      // "Found in: ...", "CVSS score: ..." lines
  std::vector<std::string> paths;        // dependency paths ("a > b > c")
  std::vector<std::string> zone_assets;  // further assets the zone resolver is asked about
  int open = 0, ignored = 0, resolved = 0, patched = 0;

  void Count(ToolState s) {
    switch (s) {
      case ToolState::kOpen: ++open; break;
      case ToolState::kIgnored: ++ignored; break;
      case ToolState::kResolved: ++resolved; break;
      case ToolState::kPatched: ++patched; break;
    }
  }
};

void Merge(Finding& into, const Finding& f) {
  if (SeverityRankOf(f.severity) > SeverityRankOf(into.severity)) into.severity = f.severity;
  // Two code results with one identity (e.g. two hardcoded passwords on one line) keep both
  // messages; a dependency's advisory text is the same wherever it is found.
  if (!into.sca && !f.description.empty() && f.description != into.description &&
      !into.description.empty()) {
    AppendUnique(into.details, "Also reported: " + f.description);
  }
  if (into.title.empty()) into.title = f.title;
  if (into.description.empty()) into.description = f.description;
  if (into.evidence_url.empty()) into.evidence_url = f.evidence_url;
  AppendUnique(into.cves, f.cves);
  AppendUnique(into.cwes, f.cwes);
  AppendUnique(into.refs, f.refs);
  AppendUnique(into.remediation, f.remediation);
  AppendUnique(into.details, f.details);
  AppendUnique(into.paths, f.paths);
  AppendUnique(into.zone_assets, f.asset_id);
  AppendUnique(into.zone_assets, f.zone_assets);
  into.open += f.open;
  into.ignored += f.ignored;
  into.resolved += f.resolved;
  into.patched += f.patched;
}

std::optional<ExposureStatus> ToolStatus(const Finding& f) {
  if (f.open > 0) return std::nullopt;  // open: our own workflow status stands
  if (f.patched > 0) return ExposureStatus::kFixDeployed;
  if (f.resolved > 0) return ExposureStatus::kVerified;
  if (f.ignored > 0) return ExposureStatus::kClosed;
  return std::nullopt;
}

// The seed's rule consequence stays unless the resolver places the package, or the project or
// image it was found in, in a zone whose consequence is more severe.
void PlaceBest(Exposure& e, Consequence rule, const std::vector<std::string>& more_assets,
               const ParseContext& ctx) {
  PlaceInZone(e, kRuleZone, rule, ConsequencePolicy::kRuleDriven, ctx);
  if (ctx.zone_resolver == nullptr) return;
  for (const auto& asset : more_assets) {
    if (asset == e.asset_id) continue;
    Exposure probe;
    probe.asset_id = asset;
    PlaceInZone(probe, kRuleZone, rule, ConsequencePolicy::kRuleDriven, ctx);
    if (MoreSevere(probe.physical_consequence, e.physical_consequence)) {
      e.asset_zone = probe.asset_zone;
      e.physical_consequence = probe.physical_consequence;
      e.zone_source = probe.zone_source;
    }
  }
}

class Aggregator {
 public:
  // The index keys are views of the keys of findings_, a deque so that they never move; they
  // are valid until Emit moves the findings out.
  void Add(Finding f) {
    auto it = index_.find(f.key);
    if (it == index_.end()) {
      findings_.push_back(std::move(f));
      index_.emplace(findings_.back().key, findings_.size() - 1);
    } else {
      Merge(findings_[it->second], f);
    }
  }
  // Only before Emit.
  bool Contains(std::string_view key) const { return index_.count(key) != 0; }

  void Emit(const ParseContext& ctx, ParsedBatch& out) {
    if (ctx.zone_resolver != nullptr) {
      std::vector<std::string> assets;
      for (const auto& f : findings_) {
        AppendUnique(assets, f.asset_id);
        AppendUnique(assets, f.zone_assets);
      }
      if (!assets.empty()) ctx.zone_resolver->Prefetch(assets);
    }
    // The findings are not read again: their strings move into the exposures instead of being
    // copied.
    out.exposures.reserve(out.exposures.size() + findings_.size());
    for (auto& f : findings_) Build(std::move(f), ctx, out.exposures.emplace_back());
  }

 private:
  // Fills `e` (a fresh exposure, built in place in the batch).
  static void Build(Finding&& f, const ParseContext& ctx, Exposure& e) {
    const bool ml = f.sca && IsMlPackage(f.package);
    const Consequence rule = ml ? Consequence::kSafetyLife : Consequence::kDataLoss;
    const Exploitability x = SnykExploitability(f.severity);
    e.exposure_key = std::move(f.key);
    e.source_tool = std::string(kTool);
    e.title = std::move(f.title);
    e.original_severity = std::move(f.severity);
    e.asset_id = std::move(f.asset_id);
    e.asset_type = std::move(f.asset_type);
    PlaceBest(e, rule, f.zone_assets, ctx);
    e.severity = ComputeCtemSeverity(x, e.physical_consequence);
    e.exploitability_score = ExploitabilityScore(x);
    e.ctem_score = WeightedCtemScore(ExploitabilityScore(x), e.physical_consequence);
    e.atlas_technique = ml ? "AML.T0010" : "";
    e.attack_technique = f.sca ? "T1195.002" : "";
    e.threat_model_ref = ml ? "TM-05" : "";
    e.remediation_guidance =
        f.remediation.size() == 1 ? std::move(f.remediation[0]) : Join(f.remediation, "; ");
    e.evidence_url = std::move(f.evidence_url);
    e.cve_ids = std::move(f.cves);
    e.cwe_ids = std::move(f.cwes);
    e.reference_urls = std::move(f.refs);
    e.tool_status = ToolStatus(f);
    e.description = Describe(f);
    StampTimes(e, ctx);
  }

  // The tool's text, then one line per detail: where it was found first (merged reports add
  // theirs at the end), the rest, and the first dependency paths. Built in one buffer sized
  // up front; this text is the longest field of a Snyk exposure.
  static std::string Describe(Finding& f) {
    std::string_view text = f.description;
    const size_t shown = std::min(f.paths.size(), kMaxPathsShown);
    const bool more = f.paths.size() > kMaxPathsShown;
    if (f.details.empty() && shown == 0 && !more) return std::move(f.description);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);

    constexpr std::string_view kIntroduced = "Introduced through: ";
    size_t size = text.size() + 2;
    for (const auto& l : f.details) size += l.size() + 1;
    for (size_t i = 0; i < shown; ++i) size += kIntroduced.size() + f.paths[i].size() + 1;
    if (more) size += 64;

    std::string d;
    d.reserve(size);
    d.append(text);
    if (!d.empty()) d.append("\n\n");
    bool first = true;
    auto line = [&](std::string_view a, std::string_view b = {}) {
      if (!first) d.push_back('\n');
      first = false;
      d.append(a).append(b);
    };
    std::stable_partition(f.details.begin(), f.details.end(),
                          [](const std::string& l) { return StartsWith(l, "Found "); });
    for (const auto& l : f.details) line(l);
    for (size_t i = 0; i < shown; ++i) line(kIntroduced, f.paths[i]);
    if (more) {
      line("... and " + std::to_string(f.paths.size() - kMaxPathsShown) + " more dependency paths");
    }
    return d;
  }

  std::deque<Finding> findings_;
  std::unordered_map<std::string_view, size_t> index_;
};

std::string SnykVulnPage(std::string_view vuln_id) {
  // License issues ("snyk:lic:...") have no advisory page.
  if (vuln_id.empty() || StartsWith(vuln_id, "snyk:lic:")) return "";
  return Concat({kVulnPage, vuln_id});
}

std::string ScaTitle(std::string_view tool_title, std::string_view id, std::string_view pkg,
                     std::string_view version) {
  if (tool_title.empty()) return Concat({"Snyk: ", id, " in ", pkg, "@", version});  // the seed's
  return Concat({"Snyk: ", tool_title, " in ", pkg, "@", version, " (", id, ")"});
}

// ---------------------------------------------------------------------------------------------
// The document reader.

enum class Format { kSeed, kTestProjects, kApi, kWebhook, kWebhookPing, kSarif, kIac };

bool HasKey(object o, std::string_view key) {
  element el;
  return o[key].get(el) == simdjson::SUCCESS;
}

bool IsTestProject(object o) {
  return HasKey(o, "vulnerabilities") || HasKey(o, "applications") ||
         (HasKey(o, "ok") && (HasKey(o, "error") || HasKey(o, "projectName") ||
                              HasKey(o, "packageManager")));
}

bool LooksLikeApiDocument(object o) {
  if (!HasKey(o, "data")) return false;
  if (HasKey(o, "jsonapi")) return true;
  element data;
  if (o["data"].get(data) != simdjson::SUCCESS) return false;
  std::optional<object> first;
  object o2;
  array arr;
  if (data.get_array().get(arr) == simdjson::SUCCESS) {
    for (element el : arr) {
      if (el.get_object().get(o2) == simdjson::SUCCESS) {
        first = o2;
        break;
      }
    }
  } else if (data.get_object().get(o2) == simdjson::SUCCESS) {
    first = o2;
  }
  std::string_view type;
  element type_el;
  return first && (*first)["type"].get(type_el) == simdjson::SUCCESS &&
         type_el.get_string().get(type) == simdjson::SUCCESS && type == "issue";
}

Format Detect(element root) {
  array arr;
  if (root.get_array().get(arr) == simdjson::SUCCESS) {
    for (element el : arr) {
      object o;
      if (el.get_object().get(o) != simdjson::SUCCESS) continue;
      return IsTestProject(o) ? Format::kTestProjects : Format::kSeed;
    }
    return Format::kSeed;
  }
  object o;
  if (root.get_object().get(o) != simdjson::SUCCESS) return Format::kSeed;
  if (HasKey(o, "runs")) return Format::kSarif;
  if (HasKey(o, "newIssues") || HasKey(o, "removedIssues")) return Format::kWebhook;
  // The `ping` event Snyk sends when a webhook is created: nothing to ingest.
  if (HasKey(o, "webhookId") && o.size() == 1) return Format::kWebhookPing;
  if (LooksLikeApiDocument(o)) return Format::kApi;
  if (IsTestProject(o)) return Format::kTestProjects;
  if (HasKey(o, "infrastructureAsCodeIssues")) return Format::kIac;
  return Format::kSeed;
}

struct ProjectInfo {
  std::string name;    // projectName
  std::string target;  // displayTargetFile / targetFile
  std::string image;   // for container applications: the image's projectName
  bool container = false;

  std::string Where(const std::string& package_at_version) const {
    std::string s;
    s.reserve(80 + package_at_version.size() + name.size() + target.size() + image.size());
    s.append("Found in: ").append(package_at_version);
    if (container && image.empty()) {
      s.append(" in image ").append(name.empty() ? std::string_view("(unnamed)") : std::string_view(name));
      return s;
    }
    if (!name.empty()) s.append(" in project ").append(name);
    if (!target.empty()) s.append(" (").append(target).append(")");
    if (!image.empty()) s.append(" of image ").append(image);
    return s;
  }
};

class Reader {
 public:
  Reader(const ParseContext& ctx, ParsedBatch& out, bool recovered)
      : ctx_(ctx), out_(out), recovered_(recovered) {}

  void Read(Format format, element root) {
    object obj;
    const bool is_object = root.get_object().get(obj) == simdjson::SUCCESS;
    if (!is_object && format != Format::kTestProjects && format != Format::kSeed) return;
    switch (format) {
      case Format::kTestProjects: TestProjects(root); break;
      case Format::kApi: ApiDocument(obj); break;
      case Format::kWebhook: Webhook(obj); break;
      case Format::kSarif: Sarif(obj); break;
      case Format::kIac:
        out_.errors.push_back({-1, "infrastructureAsCodeIssues",
                               "this is `snyk iac test` output, which the snyk source does not "
                               "read; ingest the SARIF of `snyk iac test --sarif` as source custom"});
        break;
      case Format::kSeed: SeedRecords(root); break;
      case Format::kWebhookPing: break;
    }
  }

  void Finish() {
    std::vector<std::string> gone;
    for (const auto& k : removed_) {
      if (!aggregator_.Contains(k)) AppendUnique(gone, k);
    }
    aggregator_.Emit(ctx_, out_);
    for (auto& k : gone) out_.no_longer_seen.push_back(std::move(k));
  }

 private:
  long NextRecord(bool counts = true) {
    if (counts) ++out_.received;
    return next_index_++;
  }

  void Reject(long index, const Problems& p) {
    if (p.items.empty()) return;
    std::string reason = p.items[0].second;
    for (size_t i = 1; i < p.items.size(); ++i) {
      reason += "; also " + p.items[i].first + ": " + p.items[i].second;
    }
    out_.errors.push_back({index, p.items[0].first, std::move(reason)});
  }

  // Document-level problems (a project's or run's own fields): one error each, index -1.
  void ReportDocument(const Problems& p) {
    for (const auto& [field, reason] : p.items) out_.errors.push_back({-1, field, reason});
  }

  // The record as an object, or an error; and rejected when the JSON broke off inside it.
  std::optional<object> RecordObject(element el, const std::string& path, long index) {
    object o;
    if (el.get_object().get(o) != simdjson::SUCCESS) {
      out_.errors.push_back({index, path, Expected("an object", el)});
      return std::nullopt;
    }
    if (recovered_ && HasKey(o, kCutOffMark)) {
      out_.errors.push_back(
          {index, path, "record is incomplete: the document is malformed or cut off inside it"});
      return std::nullopt;
    }
    return o;
  }

  // ---- snyk test --json / snyk container test --json -------------------------------------

  void TestProjects(element root) {
    object o;
    if (root.get_object().get(o) == simdjson::SUCCESS) {
      TestProject(o, "", nullptr);
      return;
    }
    array arr;
    if (root.get_array().get(arr) != simdjson::SUCCESS) return;
    size_t i = 0;
    for (element el : arr) {
      if (el.get_object().get(o) != simdjson::SUCCESS || !IsTestProject(o)) {
        out_.errors.push_back({-1, Item("", i),
                               "expected a Snyk project result (an object with "
                               "\"vulnerabilities\"), got " +
                                   std::string(el.is_object() ? "another object"
                                                              : JsonTypeName(el.type()))});
      } else {
        TestProject(o, Item("", i), nullptr);
      }
      ++i;
    }
  }

  void TestProject(object obj, const std::string& path, const ProjectInfo* image) {
    Problems pp;
    Fields p(obj, path, pp);
    if (auto error = p.Str("error")) {
      out_.errors.push_back({-1, p.Path("error"), "Snyk reported an error: " + *error});
    }
    ProjectInfo info;
    info.name = p.Str("projectName").value_or("");
    info.target = p.Str("displayTargetFile").value_or(p.Str("targetFile").value_or(""));
    info.container = image != nullptr || p.Has("docker");
    if (image != nullptr) info.image = image->name;

    if (auto vulns = p.Arr("vulnerabilities")) {
      const std::string vulns_path = p.Path("vulnerabilities");
      size_t i = 0;
      for (element el : *vulns) TestVulnerability(el, Item(vulns_path, i++), info);
    } else if (!p.Has("vulnerabilities") && !p.Has("error") && !p.Has("applications") &&
               !p.Bool("ok").value_or(false)) {
      // `ok: false` without findings, applications or an error message: something is lost.
      pp.Add(p.Path("vulnerabilities"), "required field is missing");
    }
    if (image == nullptr) {
      // `snyk container test --app-vulns`: the applications found in the image.
      size_t i = 0;
      if (auto apps = p.Arr("applications")) {
        for (element el : *apps) {
          object app;
          const std::string app_path = Item(p.Path("applications"), i++);
          if (el.get_object().get(app) != simdjson::SUCCESS) {
            pp.Add(app_path, Expected("an object", el));
          } else {
            TestProject(app, app_path, &info);
          }
        }
      }
    }
    ReportDocument(pp);
  }

  void TestVulnerability(element el, std::string path, const ProjectInfo& project) {
    const long index = NextRecord();
    auto obj = RecordObject(el, path, index);
    if (!obj) return;
    Problems pr;
    Fields v(*obj, std::move(path), pr);
    auto id = v.Str("id", true);
    auto package = v.Str("packageName", true);
    const std::string_view version = v.View("version").value_or("");
    const std::string severity = Upper(v.View("severity").value_or("medium"));
    const std::string_view title = v.View("title").value_or("");
    std::string description = v.Str("description").value_or("");
    const std::string_view type = v.View("type").value_or("");
    std::vector<std::string> cves, cwes;
    if (auto ids = v.Sub("identifiers")) {
      cves = ids->StrList("CVE");
      cwes = ids->StrList("CWE");
    }
    std::vector<std::string> refs;
    if (auto list = v.Arr("references")) {
      const std::string refs_path = v.Path("references");
      size_t i = 0;
      for (element r : *list) {
        std::string rp = Item(refs_path, i++);
        std::string_view url;
        object ro;
        if (r.get_string().get(url) == simdjson::SUCCESS) {
          AppendUnique(refs, std::string(url));
        } else if (r.get_object().get(ro) == simdjson::SUCCESS) {
          if (auto u = Fields(ro, std::move(rp), pr).Str("url")) AppendUnique(refs, std::move(*u));
        } else {
          pr.Add(std::move(rp), Expected("an object with a url", r));
        }
      }
    }
    const std::vector<std::string> fixed_in = v.StrList("fixedIn");
    const std::vector<std::string> from = v.StrList("from");
    std::vector<std::optional<std::string>> upgrade;
    if (auto list = v.Arr("upgradePath")) {
      size_t i = 0;
      for (element u : *list) {
        std::string_view sv;
        bool b = false;
        if (u.get_string().get(sv) == simdjson::SUCCESS) {
          upgrade.emplace_back(std::string(sv));
        } else if (u.get_bool().get(b) == simdjson::SUCCESS || u.is_null()) {
          upgrade.emplace_back(std::nullopt);
        } else {
          pr.Add(Item(v.Path("upgradePath"), i), Expected("a string or false", u));
        }
        ++i;
      }
    }
    (void)v.Bool("isUpgradable");
    const bool patchable = v.Bool("isPatchable").value_or(false);
    const auto cvss = v.Num("cvssScore", 0, 10);
    const auto exploit = v.View("exploit");
    std::optional<std::string> epss, epss_percentile;
    if (auto e = v.Sub("epssDetails")) {
      epss = e->NumText("probability");
      epss_percentile = e->NumText("percentile");
    }
    if (!pr.ok()) {
      Reject(index, pr);
      return;
    }

    Finding f;
    f.key = GenerateExposureKey(kTool, *id, *package);
    f.sca = true;
    f.package = *package;
    f.title = ScaTitle(title, *id, *package, version);
    f.description = std::move(description);
    f.severity = severity;
    f.asset_id.reserve(package->size() + 1 + version.size());
    f.asset_id.append(*package).append("@").append(version);
    f.asset_type = "Dependency";
    f.evidence_url = type == "license" ? "" : SnykVulnPage(*id);
    f.cves = std::move(cves);
    f.cwes = std::move(cwes);
    f.refs = std::move(refs);
    // Remediation: the upgrade of the direct dependency Snyk computed (upgradePath[i] is the
    // version that from[i] must move to), else the fixed versions, else a patch.
    std::string upgrade_text;
    for (size_t i = 1; i < upgrade.size(); ++i) {
      if (!upgrade[i]) continue;
      const std::string& what = i < from.size() ? from[i] : *package;
      upgrade_text.reserve(64 + what.size() + upgrade[i]->size() + package->size());
      upgrade_text.append("Upgrade ").append(what).append(" to ").append(*upgrade[i]);
      break;
    }
    if (!upgrade_text.empty()) {
      if (!fixed_in.empty()) {
        upgrade_text.append(" (fixed in ").append(*package).append(" ");
        for (size_t i = 0; i < fixed_in.size(); ++i) upgrade_text.append(i ? ", " : "").append(fixed_in[i]);
        upgrade_text.append(")");
      }
      f.remediation.push_back(std::move(upgrade_text));
    } else if (!fixed_in.empty()) {
      f.remediation.push_back("Upgrade " + *package + " to a fixed version: " + Join(fixed_in, ", "));
    }
    if (patchable) f.remediation.push_back("Apply the Snyk patch for " + *id);
    if (f.remediation.empty()) f.remediation.push_back("No fixed version of " + *package + " is available yet");

    f.details.reserve(4);
    f.details.push_back(project.Where(f.asset_id));
    if (cvss) f.details.push_back(Concat({"CVSS score: ", FormatNumber(*cvss)}));
    if (exploit && !exploit->empty()) f.details.push_back(Concat({"Exploit maturity: ", *exploit}));
    if (epss) {
      f.details.push_back("EPSS probability: " + *epss +
                          (epss_percentile ? " (percentile " + *epss_percentile + ")" : ""));
    }
    if (!from.empty()) f.paths.push_back(Join(from, " > "));
    AppendUnique(f.zone_assets, project.name);
    AppendUnique(f.zone_assets, project.image);
    f.Count(ToolState::kOpen);
    aggregator_.Add(std::move(f));
  }

  // ---- REST Issues API (JSON:API) ---------------------------------------------------------

  void ApiDocument(object root) {
    element data;
    if (root["data"].get(data) != simdjson::SUCCESS || data.is_null()) {
      out_.errors.push_back({-1, "data", "required field is missing"});
      return;
    }
    array arr;
    object one;
    if (data.get_array().get(arr) == simdjson::SUCCESS) {
      size_t i = 0;
      for (element el : arr) ApiIssue(el, Item("data", i++));
    } else if (data.get_object().get(one) == simdjson::SUCCESS) {
      ApiIssue(data, "data");  // GET /orgs/{org}/issues/{id}: one issue
    } else {
      out_.errors.push_back({-1, "data", Expected("an array of issues", data)});
    }
  }

  struct ApiLocation {
    std::string file;
    std::string commit;
    long line = 0;
    long column = 0;
  };

  void ApiIssue(element el, const std::string& path) {
    const long index = NextRecord();
    auto obj = RecordObject(el, path, index);
    if (!obj) return;
    Problems pr;
    Fields it(*obj, path, pr);
    if (auto type = it.Str("type"); type && *type != "issue") {
      pr.Add(it.Path("type"), "expected \"issue\", got \"" + *type + "\"");
    }
    const std::string issue_id = it.Str("id").value_or("");
    std::string project;
    if (auto rel = it.Sub("relationships")) {
      if (auto item = rel->Sub("scan_item")) {
        if (auto d = item->Sub("data")) project = d->Str("id").value_or("");
      }
    }
    auto attrs = it.Sub("attributes", true);
    if (!attrs) {
      Reject(index, pr);
      return;
    }
    const Fields& a = *attrs;
    const std::string title = a.Str("title").value_or("");
    const std::string kind = a.Str("type").value_or("");
    const std::string severity = Upper(a.Str("effective_severity_level").value_or("medium"));
    const std::string status = Lower(a.Str("status").value_or("open"));
    const bool ignored = a.Bool("ignored").value_or(false);
    const std::string key = a.Str("key").value_or("");
    const std::string description = a.Str("description").value_or("");

    std::string snyk_id;
    std::vector<std::string> cves, cwes, refs;
    a.EachObject("problems", [&](const Fields& p, size_t) {
      const std::string id = p.Str("id").value_or("");
      const std::string source = Upper(p.Str("source").value_or(""));
      if (auto url = p.Str("url")) AppendUnique(refs, *url);
      if (StartsWith(id, "CVE-")) AppendUnique(cves, id);
      if (source == "SNYK" && snyk_id.empty()) snyk_id = id;
    });
    a.EachObject("classes", [&](const Fields& c, size_t) {
      const std::string id = c.Str("id").value_or("");
      if (Upper(c.Str("source").value_or("")) == "CWE" || StartsWith(id, "CWE-")) AppendUnique(cwes, id);
    });
    std::optional<double> cvss;
    a.EachObject("severities", [&](const Fields& s, size_t) {
      auto score = s.Num("score", 0, 10);
      if (!cvss) cvss = score;
    });
    std::optional<double> risk;
    if (auto r = a.Sub("risk")) {
      if (auto sc = r->Sub("score")) risk = sc->Num("value");
    }
    std::string exploit;
    if (auto ex = a.Sub("exploit_details")) {
      ex->EachObject("maturity_levels", [&](const Fields& m, size_t) {
        const std::string level = m.Str("level").value_or("");
        if (exploit.empty()) exploit = level;
      });
    }

    // Coordinates: where the issue is (packages or source locations) and how to fix it.
    std::vector<std::pair<std::string, std::vector<std::string>>> packages;  // name, versions
    std::vector<ApiLocation> locations;
    std::vector<std::string> remedies, resources;
    bool upgradeable = false, pinnable = false, patchable = false, fixable_snyk = false;
    a.EachObject("coordinates", [&](const Fields& c, size_t) {
      upgradeable = c.Bool("is_upgradeable").value_or(false) || upgradeable;
      pinnable = c.Bool("is_pinnable").value_or(false) || pinnable;
      patchable = c.Bool("is_patchable").value_or(false) || patchable;
      fixable_snyk = c.Bool("is_fixable_snyk").value_or(false) || fixable_snyk;
      c.EachObject("remedies", [&](const Fields& r, size_t) {
        AppendUnique(remedies, r.Str("description").value_or(""));
        if (auto d = r.Sub("details")) {
          if (auto up = d->Str("upgrade_package")) AppendUnique(remedies, "Upgrade to " + *up);
        }
      });
      c.EachObject("representations", [&](const Fields& r, size_t) {
        if (auto dep = r.Sub("dependency")) {
          auto name = dep->Str("package_name", true);
          const std::string version = dep->Str("package_version").value_or("");
          if (!name) return;
          auto pos = std::find_if(packages.begin(), packages.end(),
                                  [&](const auto& p) { return p.first == *name; });
          if (pos == packages.end()) {
            packages.push_back({*name, {}});
            pos = packages.end() - 1;
          }
          AppendUnique(pos->second, version);
        }
        if (auto src = r.Sub("sourceLocation")) {
          ApiLocation loc;
          loc.file = src->Str("file").value_or("");
          loc.commit = src->Str("commit_id").value_or("");
          if (auto region = src->Sub("region")) {
            if (auto start = region->Sub("start")) {
              loc.line = static_cast<long>(start->Num("line", 0, 1e12).value_or(0));
              loc.column = static_cast<long>(start->Num("column", 0, 1e12).value_or(0));
            }
          }
          locations.push_back(std::move(loc));
        }
        if (auto rp = r.Str("resourcePath")) AppendUnique(resources, *rp);
      });
    });
    const std::string vuln_id = !snyk_id.empty() ? snyk_id : !key.empty() ? key : issue_id;
    if (vuln_id.empty()) pr.Add(a.Path("key"), "required field is missing (no key, problem id or issue id)");
    if (!pr.ok()) {
      Reject(index, pr);
      return;
    }

    const ToolState state = ignored ? ToolState::kIgnored
                            : status == "resolved" ? ToolState::kResolved
                                                   : ToolState::kOpen;
    const std::string project_asset = project.empty() ? "unknown" : project;
    std::vector<std::string> details;
    if (cvss) details.push_back("CVSS score: " + FormatNumber(*cvss));
    if (!exploit.empty()) details.push_back("Exploit maturity: " + exploit);
    if (risk) details.push_back("Snyk risk score: " + FormatNumber(*risk));
    if (ignored) details.push_back("Ignored in Snyk");
    if (status == "resolved") details.push_back("Resolved in Snyk");

    auto base = [&]() {
      Finding f;
      f.description = description;
      f.severity = severity;
      f.cves = cves;
      f.cwes = cwes;
      f.refs = refs;
      f.remediation = remedies;
      f.Count(state);
      return f;
    };

    if (!packages.empty()) {
      for (const auto& [name, versions] : packages) {
        const std::string version = versions.empty() ? "" : versions[0];
        Finding f = base();
        f.key = GenerateExposureKey(kTool, vuln_id, name);
        f.sca = true;
        f.package = name;
        f.title = ScaTitle(title, vuln_id, name, version);
        f.asset_id = name + "@" + version;
        f.asset_type = "Dependency";
        f.evidence_url = kind == "license" ? "" : SnykVulnPage(snyk_id);
        if (f.remediation.empty()) {
          if (upgradeable) f.remediation.push_back("Upgrade " + name + " to a version without the vulnerability");
          if (pinnable) f.remediation.push_back("Pin " + name + " to a fixed version");
          if (patchable) f.remediation.push_back("Apply the Snyk patch for " + vuln_id);
          if (f.remediation.empty() && fixable_snyk) {
            f.remediation.push_back("Snyk can fix " + name + ": open a fix pull request from the project");
          }
          if (f.remediation.empty()) f.remediation.push_back("No fixed version of " + name + " is available yet");
        }
        for (const auto& ver : versions) {
          f.details.push_back("Found in: " + name + "@" + ver +
                              (project.empty() ? "" : " in project " + project));
        }
        AppendUnique(f.details, details);
        AppendUnique(f.zone_assets, project);
        aggregator_.Add(std::move(f));
      }
      return;
    }
    if (!locations.empty()) {
      // Snyk Code: identity is the issue key (the REST API does not carry the rule id) and the
      // file; the project is the asset.
      for (const auto& loc : locations) {
        Finding f = base();
        f.key = GenerateExposureKey(kTool, vuln_id + ":" + loc.file, project_asset);
        f.title = "Snyk Code: " + (title.empty() ? vuln_id : title) +
                  (loc.file.empty() ? "" : " in " + loc.file);
        f.asset_id = project_asset;
        f.asset_type = "Project";
        std::string at = loc.file;
        if (loc.line > 0) at += ":" + std::to_string(loc.line);
        if (loc.column > 0) at += ":" + std::to_string(loc.column);
        if (!at.empty()) f.details.push_back("Found at: " + at);
        if (!loc.commit.empty()) f.details.push_back("Commit: " + loc.commit);
        if (!project.empty()) f.details.push_back("Project: " + project);
        AppendUnique(f.details, details);
        if (f.remediation.empty()) {
          f.remediation.push_back("Fix the flagged code" + (at.empty() ? std::string() : " at " + at));
        }
        aggregator_.Add(std::move(f));
      }
      return;
    }
    // Other issue types (cloud, config, custom): the issue on its project or resource.
    Finding f = base();
    const std::string asset = !resources.empty() ? resources[0] : project_asset;
    f.key = GenerateExposureKey(kTool, vuln_id, asset);
    f.title = "Snyk: " + (title.empty() ? vuln_id : title) + (kind.empty() ? "" : " (" + kind + ")");
    f.asset_id = asset;
    f.asset_type = resources.empty() ? "Project" : "Resource";
    if (!project.empty()) f.details.push_back("Project: " + project);
    AppendUnique(f.details, details);
    AppendUnique(f.zone_assets, project);
    if (f.remediation.empty()) f.remediation.push_back("See the issue in Snyk");
    aggregator_.Add(std::move(f));
  }

  // ---- project_snapshot webhook ----------------------------------------------------------

  void Webhook(object root) {
    Problems dp;
    Fields r(root, "", dp);
    ProjectInfo info;
    std::string browse;
    if (auto p = r.Sub("project")) {
      info.name = p->Str("name").value_or("");
      browse = p->Str("browseUrl").value_or("");
      info.container = !p->Str("imageId").value_or("").empty();
    }
    auto fresh = r.Arr("newIssues");
    auto removed = r.Arr("removedIssues");
    ReportDocument(dp);
    if (fresh) {
      size_t i = 0;
      for (element el : *fresh) WebhookIssue(el, Item("newIssues", i++), info, browse);
    }
    if (removed) {
      size_t i = 0;
      for (element el : *removed) RemovedIssue(el, Item("removedIssues", i++));
    }
  }

  // The vulnerability id and package of a webhook issue, shared by new and removed issues.
  static void WebhookIdentity(const Fields& is, std::optional<std::string>& id,
                              std::optional<std::string>& package) {
    id = is.Str("id");
    object data;
    if ((!id || id->empty()) && is.Raw("issueData") &&
        is.Raw("issueData")->get_object().get(data) == simdjson::SUCCESS) {
      id = Fields(data, is.Path("issueData"), is.problems()).Str("id");
    }
    if (!id || id->empty()) is.problems().Add(is.Path("id"), "required field is missing");
    package = is.Str("pkgName", true);
  }

  void WebhookIssue(element el, const std::string& path, const ProjectInfo& project,
                    const std::string& browse) {
    const long index = NextRecord();
    auto obj = RecordObject(el, path, index);
    if (!obj) return;
    Problems pr;
    Fields is(*obj, path, pr);
    std::optional<std::string> id, package;
    WebhookIdentity(is, id, package);
    const std::vector<std::string> versions = is.StrList("pkgVersions");
    const std::string issue_type = is.Str("issueType").value_or("vuln");
    const bool ignored = is.Bool("isIgnored").value_or(false);
    const bool patched = is.Bool("isPatched").value_or(false);
    std::string title, description, url, nearest, exploit;
    std::string severity = "MEDIUM";
    std::vector<std::string> cves, cwes, refs, fixed_in;
    std::optional<double> cvss, priority;
    if (auto d = is.Sub("issueData")) {
      title = d->Str("title").value_or("");
      severity = Upper(d->Str("severity").value_or("medium"));
      url = d->Str("url").value_or("");
      description = d->Str("description").value_or("");
      nearest = d->Str("nearestFixedInVersion").value_or("");
      exploit = d->Str("exploitMaturity").value_or("");
      cvss = d->Num("cvssScore", 0, 10);
      if (auto ids = d->Sub("identifiers")) {
        cves = ids->StrList("CVE");
        cwes = ids->StrList("CWE");
      }
      d->EachObject("references", [&](const Fields& ref, size_t) {
        if (auto u = ref.Str("url")) AppendUnique(refs, *u);
      });
    }
    bool upgradable = false, pinnable = false, patchable = false;
    if (auto fix = is.Sub("fixInfo")) {
      upgradable = fix->Bool("isUpgradable").value_or(false);
      pinnable = fix->Bool("isPinnable").value_or(false);
      patchable = fix->Bool("isPatchable").value_or(false);
      if (auto n = fix->Str("nearestFixedInVersion"); n && !n->empty()) nearest = *n;
      fixed_in = fix->StrList("fixedIn");
    }
    if (auto p = is.Sub("priority")) priority = p->Num("score");
    if (!pr.ok()) {
      Reject(index, pr);
      return;
    }

    const std::string version = versions.empty() ? "" : versions[0];
    Finding f;
    f.key = GenerateExposureKey(kTool, *id, *package);
    f.sca = true;
    f.package = *package;
    f.title = ScaTitle(title, *id, *package, version);
    f.description = description;
    f.severity = severity;
    f.asset_id = *package + "@" + version;
    f.asset_type = "Dependency";
    f.evidence_url = !url.empty() ? url : issue_type == "license" ? "" : SnykVulnPage(*id);
    f.cves = cves;
    f.cwes = cwes;
    f.refs = refs;
    AppendUnique(f.refs, browse);
    if (!nearest.empty()) {
      f.remediation.push_back((pinnable && !upgradable ? "Pin " : "Upgrade ") + *package + " to " +
                              nearest + " or later");
    } else if (!fixed_in.empty()) {
      f.remediation.push_back("Upgrade " + *package + " to a fixed version: " + Join(fixed_in, ", "));
    }
    if (patchable) f.remediation.push_back("Apply the Snyk patch for " + *id);
    if (f.remediation.empty()) f.remediation.push_back("No fixed version of " + *package + " is available yet");
    for (const auto& v : versions.empty() ? std::vector<std::string>{""} : versions) {
      f.details.push_back(project.Where(*package + "@" + v));
    }
    if (cvss) f.details.push_back("CVSS score: " + FormatNumber(*cvss));
    if (!exploit.empty()) f.details.push_back("Exploit maturity: " + exploit);
    if (priority) f.details.push_back("Snyk priority score: " + FormatNumber(*priority));
    if (ignored) f.details.push_back("Ignored in Snyk");
    if (patched) f.details.push_back("Patched by Snyk");
    for (const auto& v : versions) AppendUnique(f.zone_assets, *package + "@" + v);
    AppendUnique(f.zone_assets, project.name);
    f.Count(ignored ? ToolState::kIgnored : patched ? ToolState::kPatched : ToolState::kOpen);
    aggregator_.Add(std::move(f));
  }

  void RemovedIssue(element el, const std::string& path) {
    const long index = NextRecord(/*counts=*/false);  // not an exposure to store
    auto obj = RecordObject(el, path, index);
    if (!obj) return;
    Problems pr;
    Fields is(*obj, path, pr);
    std::optional<std::string> id, package;
    WebhookIdentity(is, id, package);
    if (!pr.ok()) {
      Reject(index, pr);
      return;
    }
    AppendUnique(removed_, GenerateExposureKey(kTool, *id, *package));
  }

  // ---- Snyk Code SARIF ------------------------------------------------------------------

  struct SarifRun {
    std::vector<std::optional<object>> rules;  // nullopt: not an object
    std::vector<std::string> rule_paths;
    std::map<std::string, size_t, std::less<>> by_id;
    std::string asset;
    std::string asset_type;
  };

  static bool IsSnykDriver(std::string_view name) {
    const std::string n = Lower(name);
    return StartsWith(n, "snyk");
  }

  void Sarif(object root) {
    Problems dp;
    Fields r(root, "", dp);
    auto runs = r.Arr("runs", true);
    ReportDocument(dp);
    if (!runs) return;
    size_t ri = 0;
    for (element run_el : *runs) {
      const std::string run_path = Item("runs", ri++);
      object run_obj;
      if (run_el.get_object().get(run_obj) != simdjson::SUCCESS) {
        out_.errors.push_back({-1, run_path, Expected("an object", run_el)});
        continue;
      }
      Problems rp;
      Fields run(run_obj, run_path, rp);
      SarifRun ctx;
      std::string driver_name;
      if (auto tool = run.Sub("tool", true)) {
        if (auto driver = tool->Sub("driver", true)) {
          driver_name = driver->Str("name").value_or("");
          if (auto rules = driver->Arr("rules")) {
            size_t k = 0;
            for (element rule : *rules) {
              const std::string rule_path = Item(driver->Path("rules"), k++);
              object ro;
              std::optional<object> held;
              if (rule.get_object().get(ro) != simdjson::SUCCESS) {
                rp.Add(rule_path, Expected("an object", rule));
              } else {
                held = ro;
                std::string_view id;
                element id_el;
                if (ro["id"].get(id_el) == simdjson::SUCCESS &&
                    id_el.get_string().get(id) == simdjson::SUCCESS) {
                  ctx.by_id.emplace(std::string(id), ctx.rules.size());
                }
              }
              ctx.rules.push_back(held);
              ctx.rule_paths.push_back(rule_path);
            }
          }
        }
      }
      // The project: the repository, else the source root the run names; Snyk Code's own SARIF
      // carries neither, so its results fall on the asset "unknown".
      ctx.asset_type = "Project";
      run.EachObject("versionControlProvenance", [&](const Fields& v, size_t) {
        if (auto uri = v.Str("repositoryUri"); uri && ctx.asset.empty()) {
          ctx.asset = *uri;
          ctx.asset_type = "Repository";
        }
      });
      if (ctx.asset.empty()) {
        if (auto bases = run.Sub("originalUriBaseIds")) {
          for (std::string_view name : {"PROJECTROOT", "SRCROOT"}) {
            if (auto b = bases->Sub(name)) {
              if (auto uri = b->Str("uri"); uri && ctx.asset.empty()) ctx.asset = *uri;
            }
          }
        }
      }
      if (ctx.asset.empty()) ctx.asset = "unknown";
      auto results = run.Arr("results");
      ReportDocument(rp);
      if (!results) continue;
      if (!IsSnykDriver(driver_name)) {
        out_.received += results->size();
        out_.errors.push_back(
            {-1, run.Path("tool.driver.name"),
             std::to_string(results->size()) + " results of tool '" + driver_name +
                 "' were not read: the snyk source takes Snyk Code SARIF only; ingest other SARIF "
                 "as source custom"});
        continue;
      }
      size_t i = 0;
      for (element el : *results) SarifResult(el, Item(run.Path("results"), i++), ctx);
    }
  }

  void SarifResult(element el, const std::string& path, const SarifRun& run) {
    const long index = NextRecord();
    auto obj = RecordObject(el, path, index);
    if (!obj) return;
    Problems pr;
    Fields res(*obj, path, pr);
    std::string rule_id = res.Str("ruleId").value_or("");
    std::optional<object> rule;
    std::string rule_path;
    if (auto ri = res.Num("ruleIndex", 0, 1e12)) {
      const auto k = static_cast<size_t>(*ri);
      if (k < run.rules.size()) {
        rule = run.rules[k];
        rule_path = run.rule_paths[k];
      }
    }
    if (!rule && !rule_id.empty()) {
      if (auto it = run.by_id.find(rule_id); it != run.by_id.end()) {
        rule = run.rules[it->second];
        rule_path = run.rule_paths[it->second];
      }
    }
    std::string level = res.Str("level").value_or("");
    std::string message;
    if (auto m = res.Sub("message")) {
      message = m->Str("text").value_or("");
      if (message.empty()) message = m->Str("markdown").value_or("");
    }
    std::string file;
    long line = 0, column = 0;
    res.EachObject("locations", [&](const Fields& loc, size_t i) {
      if (i != 0) return;
      if (auto phys = loc.Sub("physicalLocation")) {
        if (auto art = phys->Sub("artifactLocation")) file = art->Str("uri").value_or("");
        if (auto region = phys->Sub("region")) {
          line = static_cast<long>(region->Num("startLine", 0, 1e12).value_or(0));
          column = static_cast<long>(region->Num("startColumn", 0, 1e12).value_or(0));
        }
      }
    });
    // Fingerprint: Snyk's "0" (identity) fingerprint, else the first by name.
    std::string fingerprint;
    for (std::string_view bag : {"fingerprints", "partialFingerprints"}) {
      if (!fingerprint.empty()) break;
      if (auto fps = res.Obj(bag)) {
        std::map<std::string, std::string> sorted;
        for (auto field : *fps) {
          std::string_view v;
          if (field.value.get_string().get(v) == simdjson::SUCCESS) {
            sorted.emplace(std::string(field.key), std::string(v));
          }
        }
        if (auto zero = sorted.find("0"); zero != sorted.end()) {
          fingerprint = zero->second;
        } else if (!sorted.empty()) {
          fingerprint = sorted.begin()->second;
        }
      }
    }
    std::optional<double> priority;
    bool autofix = false;
    if (auto props = res.Sub("properties")) {
      priority = props->Num("priorityScore");
      autofix = props->Bool("isAutofixable").value_or(false);
    }
    bool suppressed = false;
    res.EachObject("suppressions", [&](const Fields& s, size_t) {
      const std::string status = s.Str("status").value_or("accepted");
      if (status == "accepted") suppressed = true;
    });
    std::string rule_title, rule_severity, help_uri;
    std::vector<std::string> cwes;
    if (rule) {
      Fields rf(*rule, rule_path, pr);
      if (rule_id.empty()) rule_id = rf.Str("id").value_or("");
      if (auto sd = rf.Sub("shortDescription")) rule_title = sd->Str("text").value_or("");
      if (rule_title.empty()) rule_title = rf.Str("name").value_or("");
      help_uri = rf.Str("helpUri").value_or("");
      if (auto props = rf.Sub("properties")) {
        rule_severity = Upper(props->Str("severity").value_or(""));
        cwes = props->StrList("cwe");
      }
      if (level.empty()) {
        if (auto dc = rf.Sub("defaultConfiguration")) level = dc->Str("level").value_or("");
      }
    }
    if (rule_id.empty()) pr.Add(res.Path("ruleId"), "required field is missing");
    if (level.empty()) level = "warning";  // the SARIF default
    std::string severity;
    if (SeverityRankOf(rule_severity) > 0) {
      severity = rule_severity;
    } else if (level == "error") {
      severity = "HIGH";
    } else if (level == "warning") {
      severity = "MEDIUM";
    } else if (level == "note" || level == "none") {
      severity = "LOW";
    } else {
      pr.Add(res.Path("level"), "expected one of error, warning, note, none; got \"" + level + "\"");
    }
    if (!pr.ok()) {
      Reject(index, pr);
      return;
    }

    Finding f;
    f.key = GenerateExposureKey(kTool, rule_id + ":" + file + (fingerprint.empty() ? "" : ":" + fingerprint),
                                run.asset);
    f.title = "Snyk Code: " + (rule_title.empty() ? rule_id : rule_title) +
              (file.empty() ? "" : " in " + file);
    f.description = message;
    f.severity = severity;
    f.asset_id = run.asset;
    f.asset_type = run.asset_type;
    f.cwes = cwes;
    if (!help_uri.empty()) f.refs.push_back(help_uri);
    std::string at = file;
    if (line > 0) at += ":" + std::to_string(line);
    if (column > 0) at += ":" + std::to_string(column);
    f.details.push_back("Rule: " + rule_id);
    if (!at.empty()) f.details.push_back("Found at: " + at);
    if (priority) f.details.push_back("Snyk priority score: " + FormatNumber(*priority));
    if (suppressed) f.details.push_back("Suppressed in Snyk");
    f.remediation.push_back("Fix the flagged code" + (at.empty() ? std::string() : " at " + at) +
                            (autofix ? " (Snyk Code can autofix it)" : ""));
    f.Count(suppressed ? ToolState::kIgnored : ToolState::kOpen);
    aggregator_.Add(std::move(f));
  }

  // ---- the seed's shape, recovered from a malformed document -----------------------------

  void SeedRecord(element el, const std::string& path) {
    const long index = NextRecord();
    auto obj = RecordObject(el, path, index);
    if (!obj) return;
    NormaliseSeedSnykFinding(*obj, index, ctx_, out_);
  }

  void SeedRecords(element root) {
    array arr;
    object obj;
    if (root.get_array().get(arr) == simdjson::SUCCESS) {
      size_t i = 0;
      for (element el : arr) SeedRecord(el, Item("", i++));
      return;
    }
    if (root.get_object().get(obj) != simdjson::SUCCESS) {
      out_.errors.push_back({-1, "", Expected("a JSON array or object", root)});
      return;
    }
    element findings;
    if (obj["findings"].get(findings) != simdjson::SUCCESS) {
      SeedRecord(root, "");
      return;
    }
    element tool_el;
    std::string_view tool;
    if (obj["source_tool"].get(tool_el) == simdjson::SUCCESS && !tool_el.is_null()) {
      const SourceParser* named =
          tool_el.get_string().get(tool) == simdjson::SUCCESS ? FindParser(tool) : nullptr;
      if (named == nullptr || named->Name() != "snyk") {
        out_.errors.push_back({-1, "source_tool", "payload names source_tool '" + std::string(tool) +
                                                      "' but is being ingested as 'snyk'"});
        return;
      }
    }
    if (findings.get_array().get(arr) != simdjson::SUCCESS) {
      out_.errors.push_back({-1, "findings", Expected("an array", findings)});
      return;
    }
    size_t i = 0;
    for (element el : arr) SeedRecord(el, Item("findings", i++));
  }

  const ParseContext& ctx_;
  ParsedBatch& out_;
  bool recovered_;
  long next_index_ = 0;
  Aggregator aggregator_;
  std::vector<std::string> removed_;
};

}  // namespace

bool ParseSnykNative(std::string_view document, const ParseContext& ctx, ParsedBatch& out) {
  PooledJsonParser parser;
  element root;
  if (parser.Parse(document, root) == simdjson::SUCCESS) {
    const Format format = Detect(root);
    if (format == Format::kSeed) return false;
    Reader reader(ctx, out, /*recovered=*/false);
    reader.Read(format, root);
    reader.Finish();
    return true;
  }
  if (LooksLikeJsonLines(document)) return false;  // the seed parser reads JSON Lines

  // Malformed: keep what was complete before the fault.
  const Recovered recovered = RecoverJson(document);
  const std::string fault = "malformed JSON: " + (recovered.error.empty() ? "unreadable" : recovered.error);
  if (!recovered.has_root) {
    out.errors.push_back({-1, "", fault});
    return true;
  }
  if (parser.Parse(recovered.text, root) != simdjson::SUCCESS) {
    out.errors.push_back({-1, "", fault});
    return true;
  }
  if (!recovered.error.empty()) {
    out.errors.push_back({-1, "", fault + " (the complete records before this point were read; "
                                          "anything after it is lost)"});
  }
  Reader reader(ctx, out, /*recovered=*/!recovered.error.empty());
  reader.Read(Detect(root), root);
  reader.Finish();
  return true;
}

}  // namespace ctem::parsers
