// The XML formats of the burp source: the Burp Pro issue export and Dastardly's JUnit report.
//
// Safety (issue 9): pugixml fetches nothing and expands only the five predefined entities and
// character references; a custom entity reference stays literal text. On top of that any
// document whose DOCTYPE declares an entity (<!ENTITY, which is how XXE and billion-laughs
// payloads start) or names an external DTD (SYSTEM / PUBLIC) is refused whole, before a
// single issue is read. Burp's own exports carry an inline DTD of <!ELEMENT>/<!ATTLIST>
// declarations only, which is accepted and ignored.
#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "parsers/burp.h"
#include "parsers/burp_issue.h"

namespace ctem::parsers {
namespace {

using burp::BurpIssue;
using burp::BurpIssueSet;
using burp::CleanText;
using burp::IssueError;

// Raw text read from one XML field before conversion; bounds the work per field.
constexpr size_t kMaxRawField = 256 * 1024;

bool ContainsNoCase(std::string_view haystack, std::string_view needle) {
  const auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                              [](char a, char b) {
                                return std::tolower(static_cast<unsigned char>(a)) ==
                                       std::tolower(static_cast<unsigned char>(b));
                              });
  return it != haystack.end();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The text of an element: its text and CDATA children concatenated, bounded.
std::string Text(pugi::xml_node node) {
  std::string out;
  for (pugi::xml_node c : node.children()) {
    if (c.type() != pugi::node_pcdata && c.type() != pugi::node_cdata) continue;
    out.append(c.value());
    if (out.size() >= kMaxRawField) {
      out.resize(kMaxRawField);
      break;
    }
  }
  return out;
}

std::string ChildText(pugi::xml_node node, const char* name) { return Text(node.child(name)); }

std::string HtmlField(pugi::xml_node node, const char* name) {
  return CleanText(BurpHtmlToText(ChildText(node, name)), burp::kMaxFieldText);
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

// The DOCTYPE check. Returns the refusal reason, or empty when the document may be read.
std::string RefuseDoctype(const pugi::xml_document& doc) {
  for (pugi::xml_node n : doc.children()) {
    if (n.type() != pugi::node_doctype) continue;
    const std::string_view value = n.value();
    if (ContainsNoCase(value, "<!ENTITY")) {
      return "refused: the DOCTYPE declares entities (<!ENTITY ...>); Burp XML with entity "
             "declarations is not accepted (XXE and entity-expansion protection)";
    }
    const std::string_view head = value.substr(0, value.find('['));
    if (ContainsNoCase(head, "SYSTEM") || ContainsNoCase(head, "PUBLIC")) {
      return "refused: the DOCTYPE names an external DTD; Burp XML may carry an inline DTD only "
             "and nothing is fetched (XXE protection)";
    }
  }
  return "";
}

// True when pugixml had moved past `node` before it stopped: the node, or one of its
// ancestors below the root, has a following sibling. Used to keep only complete records of
// a malformed document.
bool ParsedPast(pugi::xml_node node, pugi::xml_node root) {
  for (pugi::xml_node n = node; n && n != root; n = n.parent()) {
    if (n.next_sibling()) return true;
  }
  return false;
}

std::string MalformedMessage(std::string_view document, const pugi::xml_parse_result& result,
                             size_t complete, std::string_view noun) {
  const size_t offset = std::min(document.size(), static_cast<size_t>(std::max<ptrdiff_t>(0, result.offset)));
  const std::string_view before = document.substr(0, offset);
  const size_t line = static_cast<size_t>(std::count(before.begin(), before.end(), '\n')) + 1;
  const size_t line_start = before.rfind('\n');
  const size_t column = offset - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
  std::string msg = "malformed XML at byte offset " + std::to_string(offset) + " (line " + std::to_string(line) +
                    ", column " + std::to_string(column) + "): " + result.description();
  msg += "; " + std::to_string(complete) + " complete " + std::string(noun) + " before that point " +
         (complete == 1 ? "was" : "were") + " read, anything after it was not";
  return msg;
}

// Request or response of a <requestresponse>: base64-decoded when marked so, bounded.
std::string Message(pugi::xml_node node, std::string& note, const char* what) {
  if (!node) return "";
  const std::string raw = Text(node);
  if (std::string_view(node.attribute("base64").value()) == "true") {
    auto decoded = burp::DecodeBase64Prefix(raw);
    if (!decoded) {
      if (note.empty()) note = std::string(what) + " evidence is not valid base64";
      return "";
    }
    return std::move(*decoded);
  }
  return raw.substr(0, burp::kMaxBase64Input);
}

// ---------------------------------------------------------------------------------------------
// Burp Pro issue export.

void ReadExportIssue(pugi::xml_node node, long index, BurpIssueSet& set, ParsedBatch& out) {
  BurpIssue bi;
  bi.index = index;
  const std::string serial = std::string(Trim(ChildText(node, "serialNumber")));
  const auto fail = [&](ParseError err) {
    if (!serial.empty()) err.reason += " [issue serialNumber " + CleanText(serial, 64) + "]";
    out.errors.push_back(std::move(err));
  };

  const std::string type = std::string(Trim(ChildText(node, "type")));
  if (!type.empty()) {
    if (type.size() > 20 || !std::all_of(type.begin(), type.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      fail(IssueError(index, "type", "expected Burp's numeric issue type, got '" + CleanText(type, 64) + "'"));
      return;
    }
    bi.type_id = type;
  }
  bi.name = ChildText(node, "name");
  bi.origin = ChildText(node, "host");
  bi.path = ChildText(node, "path");
  bi.location = ChildText(node, "location");
  const std::string severity = ChildText(node, "severity");
  const std::string confidence = ChildText(node, "confidence");
  if (auto err = burp::ValidateIssue(bi, severity, confidence, {"name", "host", "path", "severity", "confidence"})) {
    fail(std::move(*err));
    return;
  }

  std::string detail = HtmlField(node, "issueDetail");
  if (pugi::xml_node items = node.child("issueDetailItems")) {
    std::string list;
    for (pugi::xml_node item : items.children("issueDetailItem")) {
      // Items usually repeat what the detail already lists; add only the new ones.
      const std::string t = CleanText(Trim(Text(item)), 1024);
      if (!t.empty() && detail.find(t) == std::string::npos) list += (list.empty() ? "- " : "\n- ") + t;
    }
    detail = JoinParagraphs({detail, list});
  }
  bi.detail = CleanText(detail, burp::kMaxFieldText);
  bi.background = HtmlField(node, "issueBackground");
  bi.remediation =
      CleanText(JoinParagraphs({HtmlField(node, "remediationDetail"), HtmlField(node, "remediationBackground")}),
                burp::kMaxFieldText);
  bi.reference_urls = burp::ExtractUrls(ChildText(node, "references"));
  bi.cwe_ids = burp::ExtractCweIds(ChildText(node, "vulnerabilityClassifications"));
  bi.cve_ids = burp::ExtractCveIds(bi.name + "\n" + bi.detail);

  for (pugi::xml_node rr : node.children("requestresponse")) {
    bi.request = Message(rr.child("request"), bi.evidence_note, "request");
    bi.response = Message(rr.child("response"), bi.evidence_note, "response");
    if (!bi.request.empty() || !bi.response.empty()) break;
  }
  set.Add(std::move(bi));
}

void ParseExport(std::string_view document, pugi::xml_node root, const pugi::xml_parse_result& result,
                 const ParseContext& ctx, ParsedBatch& out) {
  BurpIssueSet set;
  long index = 0;
  size_t complete = 0;
  for (pugi::xml_node node : root.children("issue")) {
    ++out.received;
    if (result || ParsedPast(node, root)) {
      ++complete;
      ReadExportIssue(node, index, set, out);
    }
    ++index;
  }
  if (!result) out.errors.push_back({-1, "", MalformedMessage(document, result, complete, "issue(s)")});
  set.Finish(ctx, out);
}

// ---------------------------------------------------------------------------------------------
// Dastardly JUnit XML: one <failure> per issue; its text carries "Severity:", "Confidence:",
// "Host:" and "Path:" lines, then sections ("Issue Detail", "Evidence", ...).

struct DastardlyText {
  std::string severity, confidence, host, path;
  std::vector<std::pair<std::string, std::string>> sections;  // header -> body

  std::string Section(std::string_view header) const {
    for (const auto& [h, body] : sections) {
      if (h == header) return body;
    }
    return "";
  }
};

DastardlyText SplitDastardly(std::string_view text) {
  static constexpr std::string_view kHeaders[] = {
      "Issue Detail", "Issue Background", "Issue Remediation", "Remediation Detail", "Remediation Background",
      "Evidence", "References", "Vulnerability Classifications"};
  DastardlyText d;
  std::string* current = nullptr;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::string_view t = Trim(line);
    if (std::find(std::begin(kHeaders), std::end(kHeaders), t) != std::end(kHeaders)) {
      d.sections.emplace_back(std::string(t), "");
      current = &d.sections.back().second;
      continue;
    }
    if (t.starts_with("Reported by Dastardly")) {
      current = nullptr;
      continue;
    }
    if (current == nullptr && d.sections.empty()) {
      for (auto [key, slot] : {std::pair<std::string_view, std::string*>{"Severity:", &d.severity},
                               {"Confidence:", &d.confidence}, {"Host:", &d.host}, {"Path:", &d.path}}) {
        if (t.starts_with(key) && slot->empty()) *slot = std::string(Trim(t.substr(key.size())));
      }
      continue;
    }
    if (current != nullptr && current->size() < kMaxRawField) current->append(line).push_back('\n');
  }
  for (auto& [h, body] : d.sections) body = std::string(Trim(body));
  return d;
}

void ReadDastardlyFailure(pugi::xml_node failure, pugi::xml_node testcase, pugi::xml_node suite, long index,
                          BurpIssueSet& set, ParsedBatch& out) {
  const DastardlyText d = SplitDastardly(Text(failure));
  BurpIssue bi;
  bi.index = index;
  bi.name = testcase.attribute("name").value();
  // The suite name is the scanned URL; it stands in for a missing Host: or Path: line.
  const std::string_view suite_url = suite.attribute("name").value();
  bi.origin = d.host.empty() ? std::string(suite_url) : d.host;
  bi.path = d.path;
  if (bi.path.empty()) {
    const size_t sep = suite_url.find("://");
    const size_t slash = suite_url.find('/', sep == std::string_view::npos ? 0 : sep + 3);
    if (slash != std::string_view::npos) bi.path = std::string(suite_url.substr(slash));
  }
  const std::string severity = d.severity.empty() ? std::string(failure.attribute("type").value()) : d.severity;
  if (auto err = burp::ValidateIssue(bi, severity, d.confidence,
                                     {"testcase.name", "failure.Host", "failure.Path", "failure.Severity",
                                      "failure.Confidence"})) {
    out.errors.push_back(std::move(*err));
    return;
  }
  bi.detail = CleanText(d.Section("Issue Detail"), burp::kMaxFieldText);
  bi.background = CleanText(d.Section("Issue Background"), burp::kMaxFieldText);
  bi.remediation = CleanText(JoinParagraphs({d.Section("Remediation Detail"), d.Section("Issue Remediation"),
                                             d.Section("Remediation Background")}),
                             burp::kMaxFieldText);
  bi.reference_urls = burp::ExtractUrls(d.Section("References"));
  bi.cwe_ids = burp::ExtractCweIds(d.Section("Vulnerability Classifications"));
  bi.cve_ids = burp::ExtractCveIds(bi.name + "\n" + bi.detail);
  const std::string evidence = d.Section("Evidence");
  const size_t req = evidence.find("Request:");
  const size_t resp = evidence.find("\nResponse:");
  if (req != std::string::npos) {
    const size_t start = req + 8;
    const size_t stop = resp != std::string::npos && resp > start ? resp : evidence.size();
    bi.request = std::string(Trim(std::string_view(evidence).substr(start, stop - start)))
                     .substr(0, burp::kMaxBase64Input);
  }
  if (resp != std::string::npos) {
    bi.response = std::string(Trim(std::string_view(evidence).substr(resp + 10))).substr(0, burp::kMaxBase64Input);
  }
  set.Add(std::move(bi));
}

void ParseDastardly(std::string_view document, pugi::xml_node root, const pugi::xml_parse_result& result,
                    const ParseContext& ctx, ParsedBatch& out) {
  BurpIssueSet set;
  long index = 0;
  size_t complete = 0;
  auto suite_cases = [&](pugi::xml_node suite) {
    for (pugi::xml_node testcase : suite.children("testcase")) {
      for (pugi::xml_node failure : testcase.children("failure")) {
        ++out.received;
        if (result || ParsedPast(failure, root)) {
          ++complete;
          ReadDastardlyFailure(failure, testcase, suite, index, set, out);
        }
        ++index;
      }
    }
  };
  if (std::string_view(root.name()) == "testsuite") {
    suite_cases(root);
  } else {
    for (pugi::xml_node suite : root.children("testsuite")) suite_cases(suite);
  }
  if (!result) out.errors.push_back({-1, "", MalformedMessage(document, result, complete, "failure(s)")});
  set.Finish(ctx, out);
}

}  // namespace

void ParseBurpXml(std::string_view document, const ParseContext& ctx, ParsedBatch& out) {
  pugi::xml_document doc;
  // parse_doctype keeps the DOCTYPE as a node so that it can be inspected; pugixml itself
  // never loads external resources nor expands declared entities.
  const pugi::xml_parse_result result =
      doc.load_buffer(document.data(), document.size(), pugi::parse_default | pugi::parse_doctype,
                      pugi::encoding_auto);
  if (std::string refusal = RefuseDoctype(doc); !refusal.empty()) {
    out.errors.push_back({-1, "", std::move(refusal)});
    return;
  }
  const pugi::xml_node root = doc.document_element();
  if (!root) {
    out.errors.push_back({-1, "", result ? std::string("XML document has no root element")
                                         : MalformedMessage(document, result, 0, "issue(s)")});
    return;
  }
  const std::string_view name = root.name();
  if (name == "html" || name == "HTML") {
    // Burp Suite DAST's HTML report is presentation (and rarely well-formed XML): say what to
    // export instead of reporting the first tag mismatch.
    out.errors.push_back({-1, "", "this is a Burp HTML report, which is not accepted: export the issues as XML "
                                  "(Burp Pro: Report selected issues > XML) or from Burp Suite DAST as JSON/GraphQL "
                                  "(docs/formats/burp.md)"});
    return;
  }
  if (name == "issues") {
    ParseExport(document, root, result, ctx, out);
  } else if (name == "testsuites" || name == "testsuite") {
    ParseDastardly(document, root, result, ctx, out);
  } else if (!result) {
    out.errors.push_back({-1, "", MalformedMessage(document, result, 0, "issue(s)")});
  } else {
    out.errors.push_back({-1, "", "not a Burp XML document: root element <" + CleanText(name, 100) +
                                      "> (expected <issues> from a Burp issue export or <testsuites> from "
                                      "Dastardly)"});
  }
}

}  // namespace ctem::parsers
