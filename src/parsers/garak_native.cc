// garak report.jsonl and hit log (see garak_native.h and docs/formats/garak.md).
#include "parsers/garak_native.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <initializer_list>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>

#include "parsers/json_records.h"

namespace ctem::parsers {
namespace {

constexpr size_t kMaxExcerpt = 200;  // bytes of a prompt / output quoted in a description
constexpr size_t kMaxListed = 3;     // goals listed in a hit description

std::string_view StripBom(std::string_view document) {
  if (document.substr(0, 3) == "\xEF\xBB\xBF") document.remove_prefix(3);
  return document;
}

// Calls each(line_text, line_index) for every line (0-based physical line numbers); a trailing
// '\r' is dropped.
template <typename Fn>
void ForEachLine(std::string_view document, Fn&& each) {
  size_t pos = 0;
  long index = 0;
  while (pos < document.size()) {
    size_t end = document.find('\n', pos);
    if (end == std::string_view::npos) end = document.size();
    std::string_view line = document.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!each(line, index)) return;
    pos = end + 1;
    ++index;
  }
}

bool Blank(std::string_view line) { return line.find_first_not_of(" \t\r\f\v") == std::string_view::npos; }

bool Has(simdjson::dom::object obj, std::string_view key) {
  simdjson::dom::element el;
  return obj[key].get(el) == simdjson::SUCCESS;
}

bool IsNativeObject(simdjson::dom::object obj) {
  if (Has(obj, "entry_type")) return true;
  if (Has(obj, "failure_rate")) return false;  // the seed's shape
  return Has(obj, "detector") || Has(obj, "attempt_id") || Has(obj, "score");
}

// Lenient access for fields that only enrich a description: wrong types read as absent.
template <typename Json>  // dom::element or dom::object
std::string Str(Json el, std::string_view key) {
  std::string_view sv;
  if (el[key].get_string().get(sv) != simdjson::SUCCESS) return "";
  return std::string(sv);
}
template <typename Json>
std::optional<long long> Int(Json el, std::string_view key) {
  simdjson::dom::element v;
  if (el[key].get(v) != simdjson::SUCCESS) return std::nullopt;
  int64_t i = 0;
  if (v.get_int64().get(i) == simdjson::SUCCESS) return i;
  double d = 0;
  if (v.get_double().get(d) == simdjson::SUCCESS && std::isfinite(d) && d == std::floor(d) &&
      std::fabs(d) < 1e15) {
    return static_cast<long long>(d);
  }
  return std::nullopt;
}
template <typename Json>
std::optional<double> Num(Json el, std::string_view key) {
  double d = 0;
  if (el[key].get_double().get(d) != simdjson::SUCCESS || !std::isfinite(d)) return std::nullopt;
  return d;
}

std::string MalformedReason(std::string_view line, simdjson::error_code code) {
  try {
    const auto parsed = nlohmann::json::parse(line.begin(), line.end());
    (void)parsed;
  } catch (const nlohmann::json::parse_error& e) {
    return std::string("malformed JSON: ") + e.what();
  }
  return std::string("malformed JSON: ") + simdjson::error_message(code);
}

// A non-negative integer count of an eval entry. Absent -> nullopt; wrong type -> error.
std::optional<long long> Count(RecordReader& r, std::string_view field) {
  auto el = r.Raw(field);
  if (!el) return std::nullopt;
  int64_t i = 0;
  double d = 0;
  if (el->get_int64().get(i) == simdjson::SUCCESS) {
    if (i < 0) {
      r.AddError(field, "expected a count >= 0, got " + std::to_string(i));
      return std::nullopt;
    }
    return i;
  }
  if (el->get_double().get(d) == simdjson::SUCCESS) {
    if (std::isfinite(d) && d >= 0 && d == std::floor(d) && d < 1e15) return static_cast<long long>(d);
    r.AddError(field, "expected a whole count >= 0, got " + std::to_string(d));
    return std::nullopt;
  }
  r.AddError(field, std::string("expected a count (a number), got ") + std::string(JsonTypeName(el->type())));
  return std::nullopt;
}

std::string StripPrefix(std::string name, std::initializer_list<std::string_view> prefixes) {
  for (std::string_view p : prefixes) {
    if (name.size() > p.size() && std::string_view(name).substr(0, p.size()) == p) return name.substr(p.size());
  }
  return name;
}
std::string ProbeName(std::string name) { return StripPrefix(std::move(name), {"probes."}); }
std::string DetectorName(std::string name) { return StripPrefix(std::move(name), {"detectors.", "detector."}); }

// A target name is usable unless empty or Python's "None".
bool UsableName(std::string_view s) { return !s.empty() && s != "None" && s != "null"; }

// Cuts `text` to at most kMaxExcerpt bytes without splitting a UTF-8 sequence; one line.
std::string Excerpt(std::string_view text) {
  std::string out;
  size_t n = std::min(text.size(), kMaxExcerpt);
  if (n < text.size()) {
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  }
  out.reserve(n + 3);
  for (size_t i = 0; i < n; ++i) {
    const char c = text[i];
    out.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  }
  if (n < text.size()) out += "...";
  return out;
}

// The text of a garak Message ({"text": ...}) or a plain string.
std::string MessageText(simdjson::dom::element el) {
  std::string_view sv;
  if (el.get_string().get(sv) == simdjson::SUCCESS) return std::string(sv);
  return Str(el, "text");
}

// The last user turn of a garak Conversation ({"turns": [{"role", "content"}]}) or a string.
std::string PromptText(simdjson::dom::element el) {
  std::string_view sv;
  if (el.get_string().get(sv) == simdjson::SUCCESS) return std::string(sv);
  simdjson::dom::array turns;
  if (el["turns"].get_array().get(turns) != simdjson::SUCCESS) return Str(el, "text");
  std::string text;
  for (simdjson::dom::element turn : turns) {
    const std::string role = Str(turn, "role");
    simdjson::dom::element content;
    if ((role.empty() || role == "user") && turn["content"].get(content) == simdjson::SUCCESS) {
      text = MessageText(content);
    }
  }
  return text;
}

void AddUnique(std::vector<std::string>& list, const std::string& value) {
  if (value.empty()) return;
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += sep;
    out += items[i];
  }
  return out;
}

std::string Plural(long long n, std::string_view one, std::string_view many) {
  std::string out = std::to_string(n);
  out.push_back(' ');
  out.append(n == 1 ? one : many);
  return out;
}

// ---------------------------------------------------------------------------------------------
// What the lines say.

struct RunInfo {
  std::string version;
  std::string run_id;
  std::string target_type;
  std::string target_name;

  void Fill(const RunInfo& other) {
    if (version.empty()) version = other.version;
    if (run_id.empty()) run_id = other.run_id;
    if (target_type.empty()) target_type = other.target_type;
    if (target_name.empty()) target_name = other.target_name;
  }
};

struct EvalRec {
  long line = 0;
  std::string probe;
  std::string detector;
  long long fails = 0;
  long long evaluated = 0;
  std::optional<double> ci_lower, ci_upper;
  std::string ci_method, ci_level;
  RunInfo run;
};

struct HitRec {
  long line = 0;
  std::string probe;
  std::string detector;
  double score = 0;
  std::string goal;
  std::string run_id;
  std::string generator;
  std::string generator_name;  // the target named by "generator" ("<type> <name>")
  std::vector<std::string> triggers;
  std::string prompt;
  std::string output;
  RunInfo run;
};

struct DigestDetector {
  std::string name;
  std::optional<long long> defcon, absolute_defcon, zscore_defcon, relative_defcon;
  std::string absolute_comment, zscore_comment, relative_comment;
};

struct DigestProbe {
  std::optional<long long> severity;  // probe_severity: the probe's DEFCON
  std::string description;
  std::string group_link;
  std::vector<DigestDetector> detectors;
};

struct Digest {
  bool present = false;
  RunInfo run;
  std::map<std::string, DigestProbe> probes;
};

void ReadSetup(simdjson::dom::element el, RunInfo& run) {
  RunInfo r;
  r.version = Str(el, "_config.version");
  r.run_id = Str(el, "transient.run_id");
  if (r.run_id.empty()) r.run_id = Str(el, "run_id");
  r.target_type = Str(el, "plugins.target_type");
  if (r.target_type.empty()) r.target_type = Str(el, "plugins.model_type");  // garak < 0.14
  r.target_name = Str(el, "plugins.target_name");
  if (r.target_name.empty()) r.target_name = Str(el, "plugins.model_name");
  r.Fill(run);
  run = std::move(r);
}

void ReadDigest(simdjson::dom::element el, Digest& digest) {
  digest.present = true;
  simdjson::dom::element meta;
  if (el["meta"].get(meta) == simdjson::SUCCESS) {
    digest.run.version = Str(meta, "garak_version");
    digest.run.run_id = Str(meta, "run_uuid");
    digest.run.target_type = Str(meta, "target_type");
    digest.run.target_name = Str(meta, "target_name");
  }
  simdjson::dom::object groups;
  if (el["eval"].get_object().get(groups) != simdjson::SUCCESS) return;
  for (auto group : groups) {
    simdjson::dom::object gobj;
    if (group.value.get_object().get(gobj) != simdjson::SUCCESS) continue;
    simdjson::dom::element gsummary;
    std::string group_link;
    if (gobj["_summary"].get(gsummary) == simdjson::SUCCESS) group_link = Str(gsummary, "group_link");
    for (auto probe : gobj) {
      if (probe.key == "_summary") continue;
      simdjson::dom::object pobj;
      if (probe.value.get_object().get(pobj) != simdjson::SUCCESS) continue;
      DigestProbe dp;
      dp.group_link = group_link;
      simdjson::dom::element psummary;
      if (pobj["_summary"].get(psummary) == simdjson::SUCCESS) {
        dp.severity = Int(psummary, "probe_severity");
        dp.description = Str(psummary, "probe_descr");
      }
      for (auto det : pobj) {
        if (det.key == "_summary") continue;
        simdjson::dom::object dobj;
        if (det.value.get_object().get(dobj) != simdjson::SUCCESS) continue;
        DigestDetector dd;
        dd.name = DetectorName(std::string(det.key));
        dd.defcon = Int(det.value, "detector_defcon");
        dd.absolute_defcon = Int(det.value, "absolute_defcon");
        dd.absolute_comment = Str(det.value, "absolute_comment");
        dd.zscore_defcon = Int(det.value, "zscore_defcon");
        dd.zscore_comment = Str(det.value, "zscore_comment");
        dd.relative_defcon = Int(det.value, "relative_defcon");
        dd.relative_comment = Str(det.value, "relative_comment");
        dp.detectors.push_back(std::move(dd));
      }
      digest.probes[ProbeName(std::string(probe.key))] = std::move(dp);
    }
  }
}

bool ReadEval(simdjson::dom::object obj, long line, const RunInfo& run, std::vector<ParseError>& errors,
              EvalRec& rec) {
  RecordReader r(obj, line, errors);
  auto probe = r.String("probe", true);
  auto detector = r.String("detector");
  auto passed = Count(r, "passed");
  auto fails = Count(r, "fails");
  auto total_evaluated = Count(r, "total_evaluated");
  auto total = Count(r, "total");  // garak < 0.13: passed / total
  (void)Count(r, "nones");
  (void)Count(r, "total_processed");
  if (!r.ok()) return false;
  std::string_view total_field = "total_evaluated";
  long long evaluated = 0;
  if (total_evaluated) {
    evaluated = *total_evaluated;
  } else if (total) {
    evaluated = *total;
    total_field = "total";
  } else {
    r.AddError("total_evaluated", "an eval entry needs \"total_evaluated\" (garak >= 0.13) or \"total\"");
    return false;
  }
  if (passed && *passed > evaluated) {
    r.AddError("passed", "passed (" + std::to_string(*passed) + ") exceeds " + std::string(total_field) + " (" +
                             std::to_string(evaluated) + ")");
    return false;
  }
  if (!fails) {
    if (!passed) {
      r.AddError("fails", "an eval entry needs \"fails\" or \"passed\"");
      return false;
    }
    fails = evaluated - *passed;
  }
  if (*fails > evaluated) {
    r.AddError("fails", "fails (" + std::to_string(*fails) + ") exceeds " + std::string(total_field) + " (" +
                            std::to_string(evaluated) + ")");
    return false;
  }
  rec.line = line;
  rec.probe = ProbeName(*probe);
  rec.detector = detector && !detector->empty() ? DetectorName(*detector) : "(unnamed detector)";
  rec.fails = *fails;
  rec.evaluated = evaluated;
  const simdjson::dom::object el = obj;
  rec.ci_lower = Num(el, "confidence_lower");
  rec.ci_upper = Num(el, "confidence_upper");
  rec.ci_method = Str(el, "confidence_method");
  rec.ci_level = Str(el, "confidence");
  if (rec.ci_level.empty()) {
    if (auto level = Num(el, "confidence")) rec.ci_level = std::to_string(*level);
  }
  rec.run = run;
  return true;
}

bool ReadHit(simdjson::dom::object obj, long line, const RunInfo& run, std::vector<ParseError>& errors,
             HitRec& rec) {
  RecordReader r(obj, line, errors);
  auto probe = r.String("probe", true);
  auto detector = r.String("detector");
  auto score = r.Number("score", true, 0.0, 1.0);
  auto goal = r.String("goal");
  auto run_id = r.String("run_id");
  auto generator = r.String("generator");
  if (!r.ok()) return false;
  rec.line = line;
  rec.probe = ProbeName(*probe);
  rec.detector = detector ? DetectorName(*detector) : "";
  rec.score = *score;
  rec.goal = goal.value_or("");
  rec.run_id = run_id.value_or("");
  rec.generator = generator.value_or("");
  // "generator" is f"{target_type} {target_name}"; the name is what identifies the model.
  const size_t space = rec.generator.find(' ');
  const std::string name = space == std::string::npos ? rec.generator : rec.generator.substr(space + 1);
  if (UsableName(name)) rec.generator_name = name;
  if (auto triggers = r.Raw("triggers")) {
    std::string_view sv;
    simdjson::dom::array arr;
    if (triggers->get_string().get(sv) == simdjson::SUCCESS) {
      AddUnique(rec.triggers, std::string(sv));
    } else if (triggers->get_array().get(arr) == simdjson::SUCCESS) {
      for (simdjson::dom::element t : arr) {
        if (t.get_string().get(sv) == simdjson::SUCCESS) AddUnique(rec.triggers, std::string(sv));
      }
    }
  }
  if (auto prompt = r.Raw("prompt")) rec.prompt = PromptText(*prompt);
  if (auto output = r.Raw("output")) rec.output = MessageText(*output);
  rec.run = run;
  return true;
}

// ---------------------------------------------------------------------------------------------
// From lines to findings.

std::string ResolveAsset(const std::string& named, const RunInfo& run, const Digest& digest) {
  if (UsableName(named)) return named;
  if (UsableName(run.target_name)) return run.target_name;
  if (digest.present && UsableName(digest.run.target_name) &&
      (run.run_id.empty() || digest.run.run_id.empty() || run.run_id == digest.run.run_id)) {
    return digest.run.target_name;
  }
  return std::string(kGarakDefaultAsset);
}

std::string RunHeader(const RunInfo& run, std::string_view what) {
  std::string out;
  out.reserve(what.size() + run.version.size() + run.run_id.size() + run.target_type.size() +
              run.target_name.size() + 16);
  out.append(what);
  if (!run.version.empty()) out.append(" ").append(run.version);
  if (!run.run_id.empty()) out.append(" run ").append(run.run_id);
  const bool named = UsableName(run.target_name);
  if (!run.target_type.empty() || named) {
    out.append(" against ").append(run.target_type);
    if (named) out.append(run.target_type.empty() ? "" : " ").append(run.target_name);
  }
  return out;
}

std::string ReferenceFor(const std::string& probe, const DigestProbe* digest) {
  if (digest != nullptr && !digest->group_link.empty()) return digest->group_link;
  const std::string module = probe.substr(0, probe.find('.'));
  if (module.empty() || module.size() == probe.size()) return "";
  for (char c : module) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return "";
  }
  return "https://reference.garak.ai/en/latest/garak.probes." + module + ".html";
}

std::string Remediation(const std::string& probe) {
  constexpr std::string_view kReview = "Review the outputs that failed garak probe ";
  constexpr std::string_view kHarden =
      ", harden the model's guardrails against this attack (system prompt, input and output "
      "filtering), then re-run `python -m garak --probes ";
  constexpr std::string_view kVerify = "` against the target to verify.";
  std::string out;
  out.reserve(kReview.size() + kHarden.size() + kVerify.size() + 2 * probe.size());
  out.append(kReview).append(probe).append(kHarden).append(probe).append(kVerify);
  return out;
}

std::string DefconText(const DigestProbe& dp) {
  std::string out = " garak DEFCON (1 = critical risk, 5 = minimal):";
  std::vector<std::string> parts;
  if (dp.severity) parts.push_back(" probe DC-" + std::to_string(*dp.severity));
  for (const DigestDetector& d : dp.detectors) {
    std::string s = " detector " + d.name;
    if (d.defcon) s += " DC-" + std::to_string(*d.defcon);
    std::vector<std::string> detail;
    if (d.absolute_defcon) {
      detail.push_back("absolute DC-" + std::to_string(*d.absolute_defcon) +
                       (d.absolute_comment.empty() ? "" : " " + d.absolute_comment));
    }
    if (d.zscore_defcon) {
      detail.push_back("z-score DC-" + std::to_string(*d.zscore_defcon) +
                       (d.zscore_comment.empty() ? "" : " " + d.zscore_comment));
    } else if (d.relative_defcon) {
      detail.push_back("relative DC-" + std::to_string(*d.relative_defcon) +
                       (d.relative_comment.empty() ? "" : " " + d.relative_comment));
    }
    if (!detail.empty()) s += " (" + Join(detail, ", ") + ")";
    parts.push_back(std::move(s));
  }
  if (parts.empty()) return "";
  return out + Join(parts, ";") + ".";
}

struct PairHash {
  size_t operator()(const std::pair<std::string, std::string>& p) const {
    const size_t a = std::hash<std::string>{}(p.first);
    return a ^ (std::hash<std::string>{}(p.second) + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
  }
};

struct DetectorTotals {
  std::string name;
  long long fails = 0;
  long long evaluated = 0;
  int lines = 0;
  const EvalRec* last = nullptr;  // its confidence interval holds when lines == 1
};

struct EvalGroup {
  std::string asset;
  std::string probe;
  RunInfo run;
  std::vector<DetectorTotals> detectors;
};

struct HitGroup {
  std::string asset;
  std::string probe;
  long long hits = 0;
  const HitRec* top = nullptr;  // the highest-scoring hit
  std::vector<std::string> detectors, goals, triggers, run_ids, generators;
  bool covered_by_eval = false;
};

std::string CiText(const EvalRec& rec) {
  if (!rec.ci_lower || !rec.ci_upper) return "";
  std::string level;
  if (!rec.ci_level.empty()) {
    char* end = nullptr;
    const double v = std::strtod(rec.ci_level.c_str(), &end);
    level = (end != nullptr && *end == '\0' && v > 0 && v <= 1) ? PyPercent0(v) + " " : rec.ci_level + " ";
  }
  std::string out = "; " + level + "CI " + PyFixed2(*rec.ci_lower) + "-" + PyFixed2(*rec.ci_upper);
  if (!rec.ci_method.empty()) out += ", " + rec.ci_method;
  return out;
}

}  // namespace

bool IsGarakNativeDocument(std::string_view document) {
  document = StripBom(document);
  PooledJsonParser parser;
  simdjson::dom::element root;
  if (parser.Parse(document, root) == simdjson::SUCCESS) {
    simdjson::dom::object obj;
    return root.get_object().get(obj) == simdjson::SUCCESS && IsNativeObject(obj);
  }
  bool native = false;
  ForEachLine(document, [&](std::string_view line, long) {
    if (Blank(line)) return true;
    simdjson::dom::element el;
    simdjson::dom::object obj;
    if (parser.Parse(line, el) == simdjson::SUCCESS &&
        el.get_object().get(obj) == simdjson::SUCCESS && IsNativeObject(obj)) {
      native = true;
      return false;
    }
    return true;
  });
  return native;
}

void ParseGarakNative(std::string_view document, const ParseContext& ctx, ParsedBatch& out,
                      GarakSeedRecordFn seed_record) {
  document = StripBom(document);
  PooledJsonParser parser;
  RunInfo run;  // the run the following lines belong to
  Digest digest;
  std::deque<EvalRec> evals;  // grows without moving its records (a report has one per probe)
  std::vector<HitRec> hits;
  size_t counted = 0;  // seed-shaped lines and rejected lines

  ForEachLine(document, [&](std::string_view line, long index) {
    if (Blank(line)) return true;
    const size_t errors_before = out.errors.size();
    bool seed_line = false;
    simdjson::dom::element el;
    simdjson::dom::object obj;
    const auto code = parser.Parse(line, el);
    if (code != simdjson::SUCCESS) {
      out.errors.push_back({index, "", MalformedReason(line, code)});
    } else if (el.get_object().get(obj) != simdjson::SUCCESS) {
      out.errors.push_back({index, "", std::string("expected a JSON object, got ") + std::string(JsonTypeName(el.type()))});
    } else if (Has(obj, "entry_type")) {
      std::string_view type;
      if (el["entry_type"].get_string().get(type) != simdjson::SUCCESS) {
        out.errors.push_back({index, "entry_type", "expected a string"});
      } else if (type == "start_run setup") {
        run = RunInfo{};
        ReadSetup(el, run);
      } else if (type == "config") {  // garak < 0.13 wrote the run's plugins here
        ReadSetup(el, run);
      } else if (type == "init") {
        RunInfo init;
        init.version = Str(el, "garak_version");
        init.run_id = Str(el, "run");
        run.Fill(init);
      } else if (type == "eval") {
        EvalRec rec;
        if (ReadEval(obj, index, run, out.errors, rec)) evals.push_back(std::move(rec));
      } else if (type == "digest") {
        ReadDigest(el, digest);
      }
      // attempt, completion, completed and future entry types carry nothing we score.
    } else if (IsNativeObject(obj)) {
      HitRec rec;
      if (ReadHit(obj, index, run, out.errors, rec)) hits.push_back(std::move(rec));
    } else if (Has(obj, "failure_rate")) {
      seed_line = true;
      ++counted;
      seed_record(obj, index, ctx, out);
    } else {
      out.errors.push_back({index, "",
                            "neither a garak report entry (\"entry_type\") nor a hit-log record "
                            "(\"probe\", \"detector\", \"score\")"});
    }
    if (out.errors.size() > errors_before) {
      if (!seed_line) ++counted;
      for (size_t i = errors_before; i < out.errors.size(); ++i) {
        out.errors[i].reason = "line " + std::to_string(index + 1) + ": " + out.errors[i].reason;
      }
    }
    return true;
  });

  // Report evals: per (asset, probe), counts summed per detector.
  std::vector<EvalGroup> eval_groups;
  // (asset, probe) -> group; hashed, as a report has one group per probe (groups keep their
  // order in eval_groups, the index only finds them).
  std::unordered_map<std::pair<std::string, std::string>, size_t, PairHash> eval_index;
  for (const EvalRec& rec : evals) {
    RunInfo rrun = rec.run;
    if (digest.present && (rrun.run_id.empty() || digest.run.run_id.empty() || rrun.run_id == digest.run.run_id)) {
      rrun.Fill(digest.run);
    }
    std::string asset = ResolveAsset("", rrun, digest);
    auto [it, inserted] = eval_index.try_emplace({asset, rec.probe}, eval_groups.size());
    if (inserted) eval_groups.push_back(EvalGroup{std::move(asset), rec.probe, std::move(rrun), {}});
    EvalGroup& g = eval_groups[it->second];
    auto d = std::find_if(g.detectors.begin(), g.detectors.end(),
                          [&](const DetectorTotals& t) { return t.name == rec.detector; });
    if (d == g.detectors.end()) d = g.detectors.insert(g.detectors.end(), DetectorTotals{rec.detector, 0, 0, 0, nullptr});
    d->fails += rec.fails;
    d->evaluated += rec.evaluated;
    d->last = &rec;
    ++d->lines;
  }

  // Hit log: per (asset, probe).
  std::vector<HitGroup> hit_groups;
  std::map<std::pair<std::string, std::string>, size_t> hit_index;
  for (const HitRec& rec : hits) {
    const std::string asset = ResolveAsset(rec.generator_name, rec.run, digest);
    auto [it, inserted] = hit_index.try_emplace({asset, rec.probe}, hit_groups.size());
    if (inserted) hit_groups.push_back(HitGroup{asset, rec.probe, 0, nullptr, {}, {}, {}, {}, {}, false});
    HitGroup& g = hit_groups[it->second];
    ++g.hits;
    if (g.top == nullptr || rec.score > g.top->score) g.top = &rec;
    AddUnique(g.detectors, rec.detector);
    AddUnique(g.goals, rec.goal);
    for (const auto& t : rec.triggers) AddUnique(g.triggers, t);
    AddUnique(g.run_ids, rec.run_id.empty() ? rec.run.run_id : rec.run_id);
    AddUnique(g.generators, rec.generator);
  }

  out.exposures.reserve(out.exposures.size() + eval_groups.size() + hit_groups.size());
  for (EvalGroup& g : eval_groups) {
    ++out.received;
    double rate = 0;
    for (const DetectorTotals& d : g.detectors) {
      if (d.evaluated > 0) rate = std::max(rate, static_cast<double>(d.fails) / static_cast<double>(d.evaluated));
    }
    auto hit = hit_index.empty() ? hit_index.end() : hit_index.find({g.asset, g.probe});
    if (hit != hit_index.end()) hit_groups[hit->second].covered_by_eval = true;
    // A probe that passed everything (or whose detectors evaluated nothing) is no exposure.
    if (!(rate > 0)) continue;

    const auto dp_it = digest.probes.find(g.probe);
    const DigestProbe* dp = dp_it == digest.probes.end() ? nullptr : &dp_it->second;
    GarakFinding f;
    f.failure_rate = rate;
    // Appended in place: this text is built for every exposure.
    std::string& text = f.description;
    text = RunHeader(g.run, "garak");
    text.reserve(text.size() + 256 + g.probe.size());
    text.append(": probe ").append(g.probe).append(": ");
    for (size_t i = 0; i < g.detectors.size(); ++i) {
      const DetectorTotals& d = g.detectors[i];
      if (i > 0) text.append("; ");
      text.append("detector ").append(d.name).append(" failed ");
      text.append(std::to_string(d.fails)).append(" of ");
      text.append(Plural(d.evaluated, "evaluated output", "evaluated outputs"));
      if (d.evaluated > 0) {
        text.append(" (").append(PyPercent0(static_cast<double>(d.fails) / static_cast<double>(d.evaluated)));
        if (d.lines == 1 && d.last != nullptr) text.append(CiText(*d.last));
        text.append(")");
      }
    }
    if (g.detectors.size() > 1) f.description += "; the failure rate is the worst detector's (" + PyPercent0(rate) + ")";
    f.description += ".";
    if (dp != nullptr && !dp->description.empty()) f.description += " Probe: " + dp->description;
    if (dp != nullptr && !f.description.empty() && f.description.back() != '.') f.description += ".";
    if (dp != nullptr) f.description += DefconText(*dp);
    if (hit != hit_index.end()) {
      f.description += " The hit log lists " + Plural(hit_groups[hit->second].hits, "hit", "hits") + ".";
    }
    f.remediation = Remediation(g.probe);
    if (auto ref = ReferenceFor(g.probe, dp); !ref.empty()) f.reference_urls.push_back(std::move(ref));
    // The group is not read again: its probe and asset move into the finding.
    f.probe = std::move(g.probe);
    f.asset = std::move(g.asset);
    out.exposures.push_back(BuildGarakExposure(std::move(f), ctx));
  }

  for (const HitGroup& g : hit_groups) {
    if (g.covered_by_eval) continue;
    ++out.received;
    const HitRec& top = *g.top;
    GarakFinding f;
    f.probe = g.probe;
    f.failure_rate = top.score;
    f.asset = g.asset;
    std::string header = "garak hit log";
    if (!g.run_ids.empty()) header += (g.run_ids.size() == 1 ? " run " : " runs ") + Join(g.run_ids, ", ");
    if (!g.generators.empty()) header += " against " + Join(g.generators, ", ");
    f.description = header + ": " + Plural(g.hits, "hit", "hits") + " on probe " + g.probe;
    if (!g.detectors.empty()) f.description += " by detector " + Join(g.detectors, ", ");
    f.description += "; highest detector score " + PyFixed2(top.score) +
                     ". A hit log lists only failing outputs and has no totals, so the failure rate shown "
                     "is the highest detector score, not a share of attempts.";
    if (!g.goals.empty()) {
      std::vector<std::string> goals(g.goals.begin(),
                                     g.goals.begin() + static_cast<long>(std::min(g.goals.size(), kMaxListed)));
      f.description += " Goal: " + Join(goals, "; ") + ".";
    }
    if (!g.triggers.empty()) f.description += " Triggers: " + Join(g.triggers, ", ") + ".";
    if (!top.prompt.empty() || !top.output.empty()) {
      f.description += " Highest-scoring hit: prompt \"" + Excerpt(top.prompt) + "\" -> output \"" +
                       Excerpt(top.output) + "\".";
    }
    f.remediation = Remediation(g.probe);
    const auto dp_it = digest.probes.find(g.probe);
    if (auto ref = ReferenceFor(g.probe, dp_it == digest.probes.end() ? nullptr : &dp_it->second); !ref.empty()) {
      f.reference_urls.push_back(ref);
    }
    out.exposures.push_back(BuildGarakExposure(std::move(f), ctx));
  }
  out.received += counted;
}

}  // namespace ctem::parsers
