// Internal to the burp parser: one Burp issue as read from any of its formats, the set that
// merges issues into exposures, and the text helpers the format readers share.
//
// Thread-safety: a BurpIssueSet is used by one thread; the functions are pure.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/parser.h"

namespace ctem::parsers::burp {

inline constexpr std::string_view kTool = "Burp";
inline constexpr std::string_view kAssetType = "WebApplication";

// Bounds on what hostile or huge input can make us hold or emit.
inline constexpr size_t kMaxBase64Input = 8192;         // base64 characters decoded per message
inline constexpr size_t kMaxRequestExcerpt = 1024;      // bytes of request shown as evidence
inline constexpr size_t kMaxFieldText = 16 * 1024;      // one text field (detail, background)
inline constexpr size_t kMaxDescription = 32 * 1024;    // the whole description
inline constexpr size_t kMaxLocationsListed = 20;       // locations named in a merged exposure
inline constexpr size_t kMaxIds = 100;                  // CWE / CVE / reference entries per exposure

// One issue, already reduced to plain UTF-8 text.
struct BurpIssue {
  long index = -1;          // record index in the document (for error messages)
  std::string type_id;      // Burp's numeric issue type, decimal; empty when the format has none
  std::string name;         // issue name -> title
  std::string origin;       // scheme://host[:port] -> asset
  std::string path;         // URL path (with query) -> identity
  std::string location;     // path plus insertion point, e.g. "/login.jsp [username parameter]"
  std::string severity;     // canonical: High | Medium | Low | Information
  std::string confidence;   // canonical: Certain | Firm | Tentative; empty when not given
  std::string detail;       // this instance's issue detail
  std::string background;   // the issue type's background
  std::string remediation;  // remediation detail + background
  std::string request;      // raw request text (bounded), for the evidence excerpt
  std::string response;     // raw response text (bounded), for the evidence status line
  std::string evidence_note;  // e.g. "request evidence is not valid base64"
  std::vector<std::string> cwe_ids;
  std::vector<std::string> cve_ids;
  std::vector<std::string> reference_urls;
};

// Collects issues, merges those with one identity on one asset, and turns each group into a
// scored exposure.
class BurpIssueSet {
 public:
  void Add(BurpIssue issue);
  // Appends one exposure per group, in the order the groups were first seen.
  void Finish(const ParseContext& ctx, ParsedBatch& out);

 private:
  std::vector<std::vector<BurpIssue>> groups_;
  std::map<std::string, size_t> by_key_;
};

// The asset of an issue: lower-case scheme and host, default port and trailing '/' dropped.
// Returns empty when `url` has no host.
std::string NormaliseOrigin(std::string_view url);
// The host name of an origin ("https://edge-01:8443" -> "edge-01").
std::string HostName(std::string_view origin);

// Valid UTF-8 with no control characters but '\n' and '\t' ('\r\n' -> '\n'), at most
// `max_bytes` long (cut on a character boundary, "..." appended when cut).
std::string CleanText(std::string_view raw, size_t max_bytes = kMaxFieldText);

// Decodes at most the first kMaxBase64Input characters of `b64` (whitespace ignored).
// nullopt when a character outside the base64 alphabet appears.
std::optional<std::string> DecodeBase64Prefix(std::string_view b64);

// "CWE-79", ... in order of appearance, without repeats (also "CWE 79" and cwe.mitre.org
// definition links). The three extractors return at most kMaxIds entries.
std::vector<std::string> ExtractCweIds(std::string_view text);
// "CVE-2020-7676", ... in order of appearance, without repeats.
std::vector<std::string> ExtractCveIds(std::string_view text);
// http(s) URLs: href attributes in HTML, else bare URLs in text; in order, without repeats.
std::vector<std::string> ExtractUrls(std::string_view text);

// Appends the items of `more` that `into` lacks, up to kMaxIds entries in all.
void AppendUnique(std::vector<std::string>& into, const std::vector<std::string>& more);

// Builds a ParseError for issue `index`.
ParseError IssueError(long index, std::string field, std::string reason);

// How a format names the fields ValidateIssue checks, for its error messages.
struct IssueFields {
  std::string_view name = "name";
  std::string_view origin = "origin";
  std::string_view path = "path";
  std::string_view severity = "severity";
  std::string_view confidence = "confidence";
};

// Checks name/origin/path/severity/confidence of a freshly read issue and canonicalises
// them (origin normalised, severity and confidence to Burp's canonical words). On failure
// returns the one error describing the first problem.
std::optional<ParseError> ValidateIssue(BurpIssue& issue, std::string_view raw_severity,
                                        std::string_view raw_confidence, const IssueFields& fields = {});

}  // namespace ctem::parsers::burp

namespace ctem::parsers {
// The XML formats (Pro export, Dastardly); burp_xml.cc.
void ParseBurpXml(std::string_view document, const ParseContext& ctx, ParsedBatch& out);
}  // namespace ctem::parsers
