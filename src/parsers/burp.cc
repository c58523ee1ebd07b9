// The burp source: format detection and the JSON formats (REST API scan status, Enterprise
// GraphQL export, gateway findings payload). The XML formats are in burp_xml.cc, the merging
// and scoring of issues in burp_issue.cc; docs/formats/burp.md describes all of it.
#include "parsers/burp.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "parsers/burp_issue.h"
#include "parsers/json_records.h"

namespace ctem::parsers {
namespace {

using burp::BurpIssue;
using burp::BurpIssueSet;
using burp::CleanText;

// Reads a record with RecordReader but keeps only the first error: the contract is one
// ParseError per rejected record.
class FirstErrorReader {
 public:
  FirstErrorReader(simdjson::dom::object obj, long index, std::string prefix)
      : reader_(obj, index, errors_), prefix_(std::move(prefix)) {}
  RecordReader& r() { return reader_; }
  bool ok() const { return errors_.empty(); }
  ParseError First() const {
    ParseError e = errors_.front();
    e.field = prefix_ + e.field;
    return e;
  }

 private:
  std::vector<ParseError> errors_;
  RecordReader reader_;
  std::string prefix_;
};

std::string Html(RecordReader& r, std::string_view field) {
  return CleanText(BurpHtmlToText(r.StringOr(field, "")), burp::kMaxFieldText);
}

std::string JoinParagraphs(std::initializer_list<std::string> parts) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += "\n\n";
    out += p;
  }
  return out;
}

// Burp's issue type id: a JSON number, or a string of digits. Absent -> empty.
void ReadTypeIndex(RecordReader& r, std::string_view field, std::string& type_id) {
  auto raw = r.Raw(field);
  if (!raw) return;
  uint64_t u = 0;
  std::string_view s;
  if (raw->get_uint64().get(u) == simdjson::SUCCESS) {
    type_id = std::to_string(u);
  } else if (raw->get_string().get(s) == simdjson::SUCCESS && !s.empty() && s.size() <= 20 &&
             std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    type_id = std::string(s);
  } else {
    r.AddError(field, std::string("expected Burp's numeric issue type, got ") +
                          std::string(JsonTypeName(raw->type())));
  }
}

// REST API evidence: request_response.request / .response are arrays of segments whose
// "data" is base64 (SnipSegment has none). Unreadable evidence is noted, never fatal.
std::string RestSegments(simdjson::dom::element segments, std::string& note, const char* what) {
  simdjson::dom::array arr;
  if (segments.get_array().get(arr) != simdjson::SUCCESS) return "";
  std::string out;
  for (simdjson::dom::element seg : arr) {
    if (out.size() >= burp::kMaxBase64Input) break;
    std::string_view data;
    if (seg["data"].get_string().get(data) != simdjson::SUCCESS) {
      std::string_view type;
      if (seg["type"].get_string().get(type) == simdjson::SUCCESS && type == "SnipSegment") out += "[...]";
      continue;
    }
    auto decoded = burp::DecodeBase64Prefix(data);
    if (!decoded) {
      if (note.empty()) note = std::string(what) + " evidence is not valid base64";
      return "";
    }
    out += *decoded;
  }
  if (out.size() > burp::kMaxBase64Input) out.resize(burp::kMaxBase64Input);
  return out;
}

void RestEvidence(RecordReader& r, BurpIssue& bi) {
  auto ev = r.Raw("evidence");
  simdjson::dom::array arr;
  if (!ev || ev->get_array().get(arr) != simdjson::SUCCESS) return;
  for (simdjson::dom::element item : arr) {
    simdjson::dom::element rr;
    if (item["request_response"].get(rr) != simdjson::SUCCESS) continue;
    simdjson::dom::element part;
    if (rr["request"].get(part) == simdjson::SUCCESS) bi.request = RestSegments(part, bi.evidence_note, "request");
    if (rr["response"].get(part) == simdjson::SUCCESS) {
      bi.response = RestSegments(part, bi.evidence_note, "response");
    }
    if (!bi.request.empty() || !bi.response.empty()) return;
  }
}

// GraphQL evidence: request_segments / response_segments of {data_html | highlight_html}.
std::string GraphQlSegments(simdjson::dom::array segments) {
  std::string html;
  for (simdjson::dom::element seg : segments) {
    if (html.size() >= burp::kMaxBase64Input) break;
    std::string_view data;
    if (seg["data_html"].get_string().get(data) == simdjson::SUCCESS ||
        seg["highlight_html"].get_string().get(data) == simdjson::SUCCESS) {
      html += data;
    }
  }
  if (html.size() > burp::kMaxBase64Input) html.resize(burp::kMaxBase64Input);
  return BurpHtmlToText(html);
}

void GraphQlEvidence(RecordReader& r, BurpIssue& bi) {
  auto ev = r.Raw("evidence");
  simdjson::dom::array arr;
  if (!ev || ev->get_array().get(arr) != simdjson::SUCCESS) return;
  for (simdjson::dom::element item : arr) {
    simdjson::dom::array segments;
    if (bi.request.empty() && item["request_segments"].get_array().get(segments) == simdjson::SUCCESS) {
      bi.request = GraphQlSegments(segments);
    }
    if (bi.response.empty() && item["response_segments"].get_array().get(segments) == simdjson::SUCCESS) {
      bi.response = GraphQlSegments(segments);
    }
  }
}

// One issue of the REST API (`issue_events[i].issue`) or a findings payload.
void ReadRestIssue(simdjson::dom::object obj, long index, const std::string& prefix, BurpIssueSet& set,
                   ParsedBatch& out) {
  FirstErrorReader fr(obj, index, prefix);
  RecordReader& r = fr.r();
  BurpIssue bi;
  bi.index = index;
  bi.name = r.StringOr("name", "");
  ReadTypeIndex(r, "type_index", bi.type_id);
  bi.origin = r.StringOr("origin", "");
  bi.path = r.StringOr("path", "");
  bi.location = r.StringOr("caption", "");
  const std::string severity = r.StringOr("severity", "");
  const std::string confidence = r.StringOr("confidence", "");
  bi.detail = Html(r, "description");
  bi.background = Html(r, "issue_background");
  bi.remediation = CleanText(JoinParagraphs({Html(r, "remediation"), Html(r, "remediation_background")}),
                             burp::kMaxFieldText);
  const std::string references = r.StringOr("references", "");
  const std::string classifications = r.StringOr("vulnerability_classifications", "");
  if (!fr.ok()) {
    out.errors.push_back(fr.First());
    return;
  }
  const std::string f_name = prefix + "name", f_origin = prefix + "origin", f_path = prefix + "path",
                    f_sev = prefix + "severity", f_conf = prefix + "confidence";
  if (auto err = burp::ValidateIssue(bi, severity, confidence, {f_name, f_origin, f_path, f_sev, f_conf})) {
    out.errors.push_back(std::move(*err));
    return;
  }
  bi.reference_urls = burp::ExtractUrls(references);
  bi.cwe_ids = burp::ExtractCweIds(classifications);
  bi.cve_ids = burp::ExtractCveIds(bi.name + "\n" + bi.detail);
  RestEvidence(r, bi);
  set.Add(std::move(bi));
}

// One issue of the Enterprise GraphQL export (`Issues[i]`).
void ReadGraphQlIssue(simdjson::dom::object obj, long index, BurpIssueSet& set, ParsedBatch& out) {
  FirstErrorReader fr(obj, index, "");
  RecordReader& r = fr.r();
  BurpIssue bi;
  bi.index = index;
  auto type = r.Object("issue_type");
  if (!type) {
    if (fr.ok()) r.AddError("issue_type", "required field is missing");
    out.errors.push_back(fr.First());
    return;
  }
  FirstErrorReader tr(*type, index, "issue_type.");
  RecordReader& t = tr.r();
  bi.name = t.StringOr("name", "");
  ReadTypeIndex(t, "type_index", bi.type_id);
  bi.background = Html(t, "description_html");
  const std::string type_remediation = Html(t, "remediation_html");
  const std::string classifications = t.StringOr("vulnerability_classifications_html", "");
  const std::string references = t.StringOr("references_html", "");
  if (!tr.ok()) {
    out.errors.push_back(tr.First());
    return;
  }
  bi.origin = r.StringOr("origin", "");
  bi.path = r.StringOr("path", "");
  bi.location = r.StringOr("caption", "");
  const std::string severity = r.StringOr("severity", "");
  const std::string confidence = r.StringOr("confidence", "");
  bi.detail = Html(r, "description_html");
  bi.remediation = CleanText(JoinParagraphs({Html(r, "remediation_html"), type_remediation}), burp::kMaxFieldText);
  if (!fr.ok()) {
    out.errors.push_back(fr.First());
    return;
  }
  if (auto err = burp::ValidateIssue(bi, severity, confidence, {"issue_type.name"})) {
    out.errors.push_back(std::move(*err));
    return;
  }
  bi.cwe_ids = burp::ExtractCweIds(classifications);
  bi.reference_urls = burp::ExtractUrls(references);
  bi.cve_ids = burp::ExtractCveIds(bi.name + "\n" + bi.detail);
  GraphQlEvidence(r, bi);
  set.Add(std::move(bi));
}

// A record of a findings payload or JSON array: a REST issue event, a REST issue or a
// GraphQL issue, told apart by their keys.
void ReadAnyIssue(simdjson::dom::object obj, long index, BurpIssueSet& set, ParsedBatch& out) {
  simdjson::dom::element el;
  if (obj["issue_type"].get(el) == simdjson::SUCCESS) {
    ReadGraphQlIssue(obj, index, set, out);
    return;
  }
  if (obj["issue"].get(el) == simdjson::SUCCESS) {
    simdjson::dom::object inner;
    if (el.get_object().get(inner) != simdjson::SUCCESS) {
      out.errors.push_back({index, "issue", std::string("expected an object, got ") +
                                                std::string(JsonTypeName(el.type()))});
      return;
    }
    ReadRestIssue(inner, index, "issue.", set, out);
    return;
  }
  if (obj["name"].get(el) != simdjson::SUCCESS) {
    out.errors.push_back({index, "",
                          "not a Burp issue: expected a REST API issue (name, origin, path, severity), an "
                          "issue event ({\"issue\": ...}) or a GraphQL issue ({\"issue_type\": ...}); whole "
                          "documents carry \"issue_events\" (REST API) or \"Issues\" (GraphQL export)"});
    return;
  }
  ReadRestIssue(obj, index, "", set, out);
}

// An array member of the document that must be an array; reports a document-level error
// otherwise.
bool RootArray(simdjson::dom::element el, std::string_view field, ParsedBatch& out, simdjson::dom::array& arr) {
  if (el.get_array().get(arr) == simdjson::SUCCESS) return true;
  out.errors.push_back({-1, std::string(field), std::string("expected an array, got ") +
                                                    std::string(JsonTypeName(el.type()))});
  return false;
}

void ParseBurpJson(std::string_view document, const ParseContext& ctx, ParsedBatch& out) {
  BurpIssueSet set;
  simdjson::dom::parser parser;
  simdjson::padded_string padded(document);
  simdjson::dom::element root;
  simdjson::dom::object obj;
  const bool parsed = parser.parse(padded).get(root) == simdjson::SUCCESS;
  simdjson::dom::element member;
  simdjson::dom::array arr;
  if (parsed && root.get_object().get(obj) == simdjson::SUCCESS) {
    if (obj["issue_events"].get(member) == simdjson::SUCCESS) {
      // REST API: GET /v0.1/scan/{task_id}.
      if (!RootArray(member, "issue_events", out, arr)) return;
      long index = 0;
      for (simdjson::dom::element ev : arr) {
        const long i = index++;
        simdjson::dom::object event;
        if (ev.get_object().get(event) != simdjson::SUCCESS) {
          ++out.received;
          out.errors.push_back({i, "", std::string("expected an issue event object, got ") +
                                           std::string(JsonTypeName(ev.type()))});
          continue;
        }
        std::string_view type;
        if (event["type"].get_string().get(type) == simdjson::SUCCESS && type != "issue_found") continue;
        ++out.received;
        simdjson::dom::element issue;
        simdjson::dom::object issue_obj;
        if (event["issue"].get(issue) != simdjson::SUCCESS || issue.is_null()) {
          out.errors.push_back({i, "issue", "required field is missing"});
        } else if (issue.get_object().get(issue_obj) != simdjson::SUCCESS) {
          out.errors.push_back({i, "issue", std::string("expected an object, got ") +
                                                std::string(JsonTypeName(issue.type()))});
        } else {
          ReadRestIssue(issue_obj, i, "issue.", set, out);
        }
      }
      set.Finish(ctx, out);
      return;
    }
    bool graphql = false;
    if (obj["Issues"].get(member) == simdjson::SUCCESS) {
      if (!RootArray(member, "Issues", out, arr)) return;
      graphql = true;
    } else if (root.at_pointer("/data/scan/issues").get(member) == simdjson::SUCCESS) {
      if (!RootArray(member, "data.scan.issues", out, arr)) return;
      graphql = true;
    }
    if (graphql) {
      long index = 0;
      for (simdjson::dom::element el : arr) {
        const long i = index++;
        ++out.received;
        simdjson::dom::object issue;
        if (el.get_object().get(issue) != simdjson::SUCCESS) {
          out.errors.push_back({i, "", std::string("expected an issue object, got ") +
                                           std::string(JsonTypeName(el.type()))});
          continue;
        }
        ReadGraphQlIssue(issue, i, set, out);
      }
      set.Finish(ctx, out);
      return;
    }
  }
  // A findings payload, an array of issues, one issue, JSON Lines; also reports malformed
  // JSON with its offset. The guard keeps the parser's never-throw contract should the
  // malformed-JSON description itself throw (nlohmann reports a number such as 1e999 that
  // simdjson rejected with out_of_range, not parse_error).
  try {
    ForEachJsonRecord(document, "burp", out,
                      [&](simdjson::dom::object rec, long index) { ReadAnyIssue(rec, index, set, out); });
  } catch (const std::exception& e) {
    out.errors.push_back({-1, "", std::string("malformed JSON: ") + e.what()});
  }
  set.Finish(ctx, out);
}

class BurpParser final : public SourceParser {
 public:
  std::string_view Name() const override { return "burp"; }
  void Parse(std::string_view document, const ParseContext& ctx, ParsedBatch& out) const override {
    const size_t first_error = out.errors.size();
    ParseDocument(document, ctx, out);
    // Messages may quote the document (a malformed-JSON message shows the bytes it read):
    // keep them valid UTF-8 without control characters, as logs and JSON replies need.
    for (size_t i = first_error; i < out.errors.size(); ++i) {
      out.errors[i].reason = CleanText(out.errors[i].reason, 2048);
      out.errors[i].field = CleanText(out.errors[i].field, 256);
    }
  }

 private:
  static void ParseDocument(std::string_view document, const ParseContext& ctx, ParsedBatch& out) {
    std::string_view body = document;
    if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
    size_t first = 0;
    while (first < body.size() && std::isspace(static_cast<unsigned char>(body[first]))) ++first;
    if (first == body.size()) {
      out.errors.push_back({-1, "", "empty document"});
      return;
    }
    if (body[first] == '<' || document.starts_with("\xFF\xFE") || document.starts_with("\xFE\xFF")) {
      ParseBurpXml(document, ctx, out);  // pugixml detects the encoding, BOM included
      return;
    }
    ParseBurpJson(body, ctx, out);
  }
};

}  // namespace

std::unique_ptr<SourceParser> MakeBurpParser() { return std::make_unique<BurpParser>(); }

}  // namespace ctem::parsers
