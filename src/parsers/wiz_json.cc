// Wiz native JSON: `wizcli` scan results and automation-rule webhook bodies.
#include <string>
#include <vector>

#include "parsers/json_records.h"
#include "parsers/seed_parsers.h"
#include "parsers/wiz_native.h"

namespace ctem::parsers::wiz {
namespace {

// Typed access to one JSON object whose fields are named "<path>.<key>" in errors. A JSON
// null counts as absent; a value of the wrong type sets the record's error.
class Fields {
 public:
  Fields(simdjson::dom::object obj, std::string path, FieldError& err)
      : obj_(obj), path_(std::move(path)), err_(err) {}

  std::string Path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  bool Has(std::string_view key) const { return Raw(key).has_value(); }
  std::optional<simdjson::dom::element> Raw(std::string_view key) const {
    simdjson::dom::element el;
    if (obj_[key].get(el) != simdjson::SUCCESS || el.is_null()) return std::nullopt;
    return el;
  }
  // A string field; "" when absent.
  std::string Str(std::string_view key) {
    auto el = Raw(key);
    if (!el) return {};
    std::string_view sv;
    if (el->get_string().get(sv) != simdjson::SUCCESS) {
      Mistyped(key, "a string", *el);
      return {};
    }
    return std::string(sv);
  }
  std::optional<Fields> Child(std::string_view key) {
    auto el = Raw(key);
    if (!el) return std::nullopt;
    simdjson::dom::object obj;
    if (el->get_object().get(obj) != simdjson::SUCCESS) {
      Mistyped(key, "an object", *el);
      return std::nullopt;
    }
    return Fields(obj, Path(key), err_);
  }
  std::optional<simdjson::dom::array> Array(std::string_view key) {
    auto el = Raw(key);
    if (!el) return std::nullopt;
    simdjson::dom::array arr;
    if (el->get_array().get(arr) != simdjson::SUCCESS) {
      Mistyped(key, "an array", *el);
      return std::nullopt;
    }
    return arr;
  }
  std::optional<double> Number(std::string_view key) {
    auto el = Raw(key);
    if (!el) return std::nullopt;
    double v = 0;
    if (el->get_double().get(v) != simdjson::SUCCESS) {
      Mistyped(key, "a number", *el);
      return std::nullopt;
    }
    return v;
  }
  bool Bool(std::string_view key) {
    auto el = Raw(key);
    if (!el) return false;
    bool v = false;
    if (el->get_bool().get(v) != simdjson::SUCCESS) {
      Mistyped(key, "true or false", *el);
      return false;
    }
    return v;
  }
  void Missing(std::string_view key, std::string_view what = "required field is missing or empty") {
    err_.Set(Path(key), std::string(what));
  }

 private:
  void Mistyped(std::string_view key, std::string_view expected, simdjson::dom::element el) {
    err_.Set(Path(key),
             "expected " + std::string(expected) + ", got " + std::string(JsonTypeName(el.type())));
  }

  simdjson::dom::object obj_;
  std::string path_;
  FieldError& err_;
};

std::string Indexed(std::string_view path, size_t i) {
  return std::string(path) + "[" + std::to_string(i) + "]";
}

// ---------------------------------------------------------------------------------------------
// wizcli

// The scanned image (or directory) every finding of a wizcli document is on.
struct ScanTarget {
  std::string id;
  std::string type;
  std::string zone;
  std::string report_url;
};

class WizCliReader {
 public:
  WizCliReader(const ScanTarget& target, const ParseContext& ctx, ParsedBatch& out)
      : target_(target), ctx_(ctx), out_(out) {}

  void Packages(Fields& result, std::string_view section) {
    auto el = result.Raw(section);
    if (!el) return;
    simdjson::dom::array packages;
    const std::string path = "result." + std::string(section);
    if (el->get_array().get(packages) != simdjson::SUCCESS) {
      out_.errors.push_back({-1, path, "expected an array, got " + std::string(JsonTypeName(el->type()))});
      return;
    }
    size_t i = 0;
    for (simdjson::dom::element pkg_el : packages) {
      Package(pkg_el, Indexed(path, i++));
    }
  }

  void Secrets(Fields& result) {
    auto el = result.Raw("secrets");
    if (!el) return;
    simdjson::dom::array secrets;
    if (el->get_array().get(secrets) != simdjson::SUCCESS) {
      out_.errors.push_back(
          {-1, "result.secrets", "expected an array, got " + std::string(JsonTypeName(el->type()))});
      return;
    }
    size_t i = 0;
    for (simdjson::dom::element s : secrets) Secret(s, Indexed("result.secrets", i++));
  }

 private:
  void Reject(const FieldError& err) {
    ++out_.received;
    out_.errors.push_back({index_++, err.field, err.reason});
  }

  void Package(simdjson::dom::element pkg_el, const std::string& path) {
    FieldError pkg_err;
    simdjson::dom::object pkg_obj;
    if (pkg_el.get_object().get(pkg_obj) != simdjson::SUCCESS) {
      pkg_err.Set(path, "expected an object, got " + std::string(JsonTypeName(pkg_el.type())));
      Reject(pkg_err);
      return;
    }
    Fields pkg(pkg_obj, path, pkg_err);
    auto vulns = pkg.Array("vulnerabilities");
    VulnFacts base;
    base.package = pkg.Str("name");
    base.version = pkg.Str("version");
    base.location = pkg.Str("path");
    base.detection = pkg.Str("detectionMethod");
    if (!vulns) {
      if (pkg_err.set) Reject(pkg_err);  // its vulnerabilities cannot be read
      return;
    }
    if (base.package.empty()) pkg.Missing("name");
    size_t j = 0;
    for (simdjson::dom::element v_el : *vulns) {
      const std::string vpath = Indexed(path + ".vulnerabilities", j++);
      if (pkg_err.set) {
        Reject(pkg_err);  // every vulnerability of a package we cannot name is rejected
        continue;
      }
      FieldError err;
      simdjson::dom::object v_obj;
      if (v_el.get_object().get(v_obj) != simdjson::SUCCESS) {
        err.Set(vpath, "expected an object, got " + std::string(JsonTypeName(v_el.type())));
        Reject(err);
        continue;
      }
      Fields v(v_obj, vpath, err);
      VulnFacts facts = base;
      facts.id = v.Str("name");
      if (facts.id.empty() && !err.set) v.Missing("name");
      const std::string severity = v.Str("severity");
      facts.fixed_version = v.Str("fixedVersion");
      const std::string source = v.Str("source");
      facts.vendor_text = v.Str("description");
      facts.cvss = v.Number("score");
      facts.has_exploit = v.Bool("hasExploit");
      facts.cisa_kev = v.Bool("hasCisaKevExploit");
      if (err.set) {
        Reject(err);
        continue;
      }
      Exposure e;
      e.title = VulnTitle(facts.id, facts.package);
      e.original_severity = severity.empty() ? "MEDIUM" : severity;
      e.description = DescribeVuln(facts);
      e.remediation_guidance = UpgradeAdvice(facts);
      if (!source.empty()) e.reference_urls.push_back(source);
      if (IsCveId(facts.id)) e.cve_ids.push_back(facts.id);
      Emit(std::move(e));
    }
  }

  void Secret(simdjson::dom::element s_el, const std::string& path) {
    FieldError err;
    simdjson::dom::object s_obj;
    if (s_el.get_object().get(s_obj) != simdjson::SUCCESS) {
      err.Set(path, "expected an object, got " + std::string(JsonTypeName(s_el.type())));
      Reject(err);
      return;
    }
    Fields s(s_obj, path, err);
    const std::string text = s.Str("description");
    const std::string file = s.Str("path");
    const std::string type = s.Str("type");
    const std::string severity = s.Str("severity");
    const std::optional<double> line = s.Number("lineNumber");
    std::vector<std::string> contains;
    if (auto list = s.Array("contains")) {
      size_t k = 0;
      for (simdjson::dom::element c : *list) {
        simdjson::dom::object c_obj;
        if (c.get_object().get(c_obj) != simdjson::SUCCESS) {
          err.Set(Indexed(path + ".contains", k),
                  "expected an object, got " + std::string(JsonTypeName(c.type())));
          break;
        }
        Fields cf(c_obj, Indexed(path + ".contains", k), err);
        if (std::string name = cf.Str("name"); !name.empty()) contains.push_back(std::move(name));
        ++k;
      }
    }
    if (!err.set && text.empty() && file.empty()) s.Missing("path", "a secret needs a path or a description");
    if (err.set) {
      Reject(err);
      return;
    }
    Exposure e;
    const std::string what = !text.empty() ? text : (type.empty() ? std::string("Secret") : type + " secret");
    e.title = file.empty() ? what : what + " in " + file;
    e.original_severity = severity.empty() ? "MEDIUM" : severity;
    std::string where = file;
    if (line && *line >= 0 && *line < 1e15) where += " line " + std::to_string(static_cast<long long>(*line));
    e.description = (type.empty() ? std::string("Secret") : type + " secret") +
                    (where.empty() ? std::string() : " found in " + where) + ".";
    if (!contains.empty()) {
      e.description += " Contains:";
      for (size_t k = 0; k < contains.size(); ++k) e.description += (k == 0 ? " " : ", ") + contains[k];
      e.description += ".";
    }
    if (!text.empty()) e.description += "\n\n" + text;
    e.remediation_guidance =
        "Remove the secret from the image, rotate it, and supply it at run time from a secret store.";
    Emit(std::move(e));
  }

  void Emit(Exposure e) {
    ++out_.received;
    ++index_;
    e.asset_id = target_.id;
    e.asset_type = target_.type;
    e.evidence_url = target_.report_url;
    Score(e, target_.zone, ctx_);
    out_.exposures.push_back(std::move(e));
  }

  const ScanTarget& target_;
  const ParseContext& ctx_;
  ParsedBatch& out_;
  long index_ = 0;  // findings in document order: packages' vulnerabilities, then secrets
};

}  // namespace

bool IsWizCliDocument(simdjson::dom::object root) {
  simdjson::dom::element result;
  if (root["result"].get(result) != simdjson::SUCCESS || !result.is_object()) return false;
  simdjson::dom::element unused;
  return root["title"].get(unused) != simdjson::SUCCESS && root["findings"].get(unused) != simdjson::SUCCESS;
}

void ParseWizCli(simdjson::dom::object root, const ParseContext& ctx, ParsedBatch& out) {
  FieldError err;
  Fields doc(root, "", err);
  ScanTarget target;
  std::string origin_type;
  if (auto origin = doc.Child("scanOriginResource")) {
    for (std::string_view key : {"name", "digest", "id"}) {
      target.id = origin->Str(key);
      if (!target.id.empty()) break;
    }
    origin_type = origin->Str("__typename");
  }
  if (target.id.empty() && !err.set) {
    err.Set("scanOriginResource.name",
            "the scan names no image (scanOriginResource has no name, digest or id)");
  }
  constexpr std::string_view kOriginPrefix = "CICDScanOrigin";
  target.type = origin_type.starts_with(kOriginPrefix) && origin_type.size() > kOriginPrefix.size()
                    ? origin_type.substr(kOriginPrefix.size())
                    : std::string("ContainerImage");
  target.report_url = doc.Str("reportUrl");
  target.zone = ClassifyWizZone(target.id);
  if (auto tags = doc.Raw("tags")) ZoneFromTags(*tags, "tags", target.zone, err);
  std::optional<Fields> result = doc.Child("result");
  if (err.set || !result) {
    out.errors.push_back({-1, err.field, err.reason});
    return;
  }
  WizCliReader reader(target, ctx, out);
  for (std::string_view section : {"osPackages", "libraries", "applications"})
    reader.Packages(*result, section);
  reader.Secrets(*result);
}

// ---------------------------------------------------------------------------------------------
// Automation-rule webhook

bool IsWebhookBody(simdjson::dom::object record) {
  simdjson::dom::element el;
  if (record["issue"].get(el) != simdjson::SUCCESS || el.is_null()) return false;
  return record["trigger"].get(el) == simdjson::SUCCESS || record["resource"].get(el) == simdjson::SUCCESS ||
         record["control"].get(el) == simdjson::SUCCESS;
}

bool NormaliseWebhook(simdjson::dom::object record, const ParseContext& ctx, Exposure& e, FieldError& err) {
  Fields body(record, "", err);
  std::optional<Fields> issue = body.Child("issue");
  std::optional<Fields> resource = body.Child("resource");
  std::optional<Fields> control = body.Child("control");
  if (err.set) return false;
  if (!issue) {
    body.Missing("issue");
    return false;
  }
  if (!control) {
    body.Missing("control", "required object is missing (its 'name' is the finding's title)");
    return false;
  }
  if (!resource) {
    body.Missing("resource", "required object is missing (it names the affected resource)");
    return false;
  }
  e.title = control->Str("name");
  if (e.title.empty() && !err.set) control->Missing("name");
  for (std::string_view key : {"id", "providerId", "externalId", "name"}) {
    e.asset_id = resource->Str(key);
    if (!e.asset_id.empty() || err.set) break;
  }
  if (e.asset_id.empty() && !err.set) {
    resource->Missing("id",
                      "required field is missing or empty (and so are providerId, externalId and name)");
  }
  const std::string name = resource->Str("name");
  e.asset_type = resource->Str("type");
  if (e.asset_type.empty()) e.asset_type = "CloudResource";
  e.original_severity = issue->Str("severity");
  if (e.original_severity.empty()) e.original_severity = control->Str("severity");
  if (e.original_severity.empty()) e.original_severity = "MEDIUM";
  const std::string status = issue->Str("status");
  e.description = control->Str("description");
  e.remediation_guidance = control->Str("resolutionRecommendation");
  e.evidence_url = issue->Str("url");
  if (e.evidence_url.empty()) e.evidence_url = issue->Str("wizUrl");
  if (std::string console = resource->Str("cloudProviderURL"); !console.empty()) {
    e.reference_urls.push_back(std::move(console));
  }
  std::string zone = ClassifyWizZone(name);
  if (auto tags = resource->Raw("tags")) ZoneFromTags(*tags, "resource.tags", zone, err);
  if (err.set) return false;
  e.tool_status = MapStatus(status);
  Score(e, zone, ctx);
  return true;
}

}  // namespace ctem::parsers::wiz
