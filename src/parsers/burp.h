// Burp Suite: the "burp" source. One parser reads every Burp output format, recognised from
// the content (docs/formats/burp.md):
//
//   - Burp Pro XML issue export          <issues burpVersion=...><issue>...</issue></issues>
//   - Dastardly JUnit XML                <testsuites><testsuite><testcase><failure type=...>
//   - Burp REST API scan status JSON     {"scan_metrics": ..., "issue_events": [...]}
//   - Burp Enterprise GraphQL export     {"Issues": [...]} (or {"data": {"scan": {"issues": [...]}}})
//   - the gateway payload / JSON array   {"source_tool": "burp", "findings": [<issue>...]}, each
//                                        issue in REST API or GraphQL shape
//
// An exposure is one Burp issue type at one URL: identity "<type>:<path>" on asset <origin>
// (scheme://host[:port]), where <type> is Burp's numeric issue type id when the format carries
// it and the issue name otherwise. Several issues of one type on one host+path (different
// parameters, say) are merged into one exposure.
//
// XML is parsed with pugixml, which never fetches anything and never expands a custom entity;
// on top of that a document whose DOCTYPE declares entities or names an external DTD is
// refused whole (XXE and billion-laughs protection).
//
// Thread-safety: pure functions; the parser is immutable.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/model.h"
#include "parsers/parser.h"

namespace ctem::parsers {

std::unique_ptr<SourceParser> MakeBurpParser();

// Burp severity x confidence -> exploitability (issue 5): High+Certain/Firm -> high,
// High+Tentative -> medium, Medium+Certain/Firm -> medium, Medium+Tentative -> low,
// Low/Information -> low. Takes canonical names ("High", "Firm"); an empty confidence (a
// format that does not say) counts as Firm.
Exploitability BurpExploitability(std::string_view severity, std::string_view confidence);

// Burp's severity / confidence words in any of its spellings ("high", "info", "Information",
// "CERTAIN") -> the canonical name ("High", "Information", "Certain"); empty when unknown.
std::string CanonicalBurpSeverity(std::string_view text);
std::string CanonicalBurpConfidence(std::string_view text);

// Burp's HTML fragments (issue background, remediation, GraphQL *_html) as plain text: tags
// dropped, block tags and <br> become line breaks, list items "- ", entities decoded.
std::string BurpHtmlToText(std::string_view html);

}  // namespace ctem::parsers
