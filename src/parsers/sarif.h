// A reader for SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format) documents,
// shared by every source that accepts SARIF: the "custom" source (any tool) and Snyk Code
// (`snyk code test --sarif`).
//
// The reader walks runs[].results[], resolves each result's rule (by ruleId, ruleIndex or
// rule.index, in the driver or an extension), and hands the caller one flattened SarifResult
// per result. It decides nothing about CTEM scoring: the caller maps the result to an
// Exposure. The helpers below give GitHub's severity thresholds for `security-severity` and
// the conventional `level` fallback so that every SARIF source maps severities alike.
//
// Bad input: a document that is not SARIF-shaped (no `runs` array), a run or result that is
// not an object, or a result of the wrong type becomes a ParseError in `out` naming the result
// index and field; the other results are still delivered. Nothing throws.
//
// Counting: every element of every results[] array counts once in `out.received`, including
// results that are suppressed (see SarifOptions) or rejected.
//
// Lifetimes: the string_views in a SarifResult point into the simdjson document (or the
// result itself) and are valid only during the callback.
//
// Thread-safety: reentrant; no shared state.
#pragma once

#include <simdjson.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parsers/parser.h"

namespace ctem::parsers {

struct SarifResult {
  long index = 0;       // position of the result across all runs (0-based): a ParseError index
  long run_index = 0;   // which run it belongs to
  // run.tool.driver
  std::string_view tool_name;     // driver.name ("Grype", "Flawfinder", ...); may be empty
  std::string_view tool_version;  // driver.version, else driver.semanticVersion
  // The rule (reportingDescriptor); absent when the result names no rule the run declares.
  std::string_view rule_id;  // result.ruleId, else rule.id, else the resolved rule's id
  std::optional<simdjson::dom::object> rule;
  std::string_view rule_name;          // rule.name
  std::string_view rule_short_description;  // rule.shortDescription.text
  std::string_view rule_full_description;   // rule.fullDescription.text
  std::string_view rule_help;          // rule.help.text (else markdown)
  std::string_view rule_help_uri;      // rule.helpUri
  // Effective level: result.level, else rule.defaultConfiguration.level, else "warning"
  // (the SARIF default). One of "error", "warning", "note", "none" for valid documents.
  std::string_view level;
  bool level_explicit = false;  // the result or its rule stated a level
  // result.kind: "fail" (the default), "open", "review", "pass", "notApplicable" or
  // "informational". Only fail/open/review are problems (see SarifOptions).
  std::string_view kind;
  // `security-severity` (a number 0.0-10.0, written as a string or a number) from the
  // result's properties, else the rule's properties; nullopt when absent or unreadable.
  std::optional<double> security_severity;
  // A textual severity some tools put in a property bag (`properties.severity`, e.g.
  // dependency-check's "low"/"medium"), from the result, else the rule; empty when absent.
  std::string_view property_severity;
  // result.message: text, else markdown, else the rule's messageStrings[message.id]; with
  // {0}, {1}... placeholders replaced by message.arguments.
  std::string message;
  // The first physical location: artifactLocation.uri (with uriBaseId as given, not
  // resolved), and region.startLine / startColumn (0 when absent).
  std::string_view uri;
  std::string_view uri_base_id;
  long start_line = 0;
  long start_column = 0;
  // The first logical location's fullyQualifiedName (else name), e.g. a package or function.
  std::string_view logical_location;
  // run.versionControlProvenance[0].repositoryUri, revisionId and branch; empty when absent.
  std::string_view repository_uri;
  std::string_view revision_id;
  std::string_view branch;
  // result.fingerprints then result.partialFingerprints, each sorted by name (name, value);
  // only string values are kept.
  std::vector<std::pair<std::string_view, std::string_view>> fingerprints;
  std::vector<std::pair<std::string_view, std::string_view>> partial_fingerprints;
  // result.guid / result.correlationGuid; empty when absent.
  std::string_view guid;
  std::string_view correlation_guid;
  // Property bags (may be absent).
  std::optional<simdjson::dom::object> properties;       // result.properties
  std::optional<simdjson::dom::object> rule_properties;  // rule.properties
  // properties.tags of the rule and of the result (rule first), as given.
  std::vector<std::string_view> tags;
  // CWE ids normalised to "CWE-<n>", without duplicates, in first-seen order, from: the rule's
  // and result's tags ("CWE-79", "cwe-79", "external/cwe/cwe-079"), rule.relationships[]
  // targets whose toolComponent is named CWE (or whose id looks like CWE-n), result.taxa[],
  // and rule/result properties "cwe" (string or list).
  std::vector<std::string> cwe_ids;
  // True when result.suppressions is non-empty and at least one suppression has status
  // "accepted" or no status (SARIF 3.35.3: "underReview" and "rejected" do not suppress).
  bool suppressed = false;
  // The result object itself, for fields this struct does not flatten.
  simdjson::dom::object raw;
};

struct SarifOptions {
  // Deliver suppressed results to the callback (with `suppressed` set). Off by default: a
  // suppressed result is counted in `received` and otherwise skipped.
  bool include_suppressed = false;
  // Deliver results whose kind says they are not a problem (pass, notApplicable,
  // informational). Off by default: such a result is counted in `received` and skipped.
  bool include_non_problems = false;
};

// Calls `each(result)` for every result in a parsed SARIF document. `root` is the document's
// top-level object. Errors (document shape, bad run or result) go to `out.errors`.
void ReadSarif(simdjson::dom::object root, const std::function<void(const SarifResult&)>& each,
               ParsedBatch& out, const SarifOptions& options = {});

// Parses `document` and calls ReadSarif; a document that is not JSON is one error.
void ReadSarifDocument(std::string_view document,
                       const std::function<void(const SarifResult&)>& each, ParsedBatch& out,
                       const SarifOptions& options = {});

// True when `root` looks like SARIF: a "runs" array, and a "version" starting "2." or a
// "$schema" mentioning "sarif".
bool LooksLikeSarif(simdjson::dom::object root);

// GitHub code scanning's thresholds for security-severity: >= 9.0 "critical", >= 7.0 "high",
// >= 4.0 "medium", > 0.0 "low", else "none".
std::string_view SarifScoreSeverity(double security_severity);
// The conventional mapping of a SARIF level: "error" -> "high", "warning" -> "medium",
// "note" / "none" / anything else -> "low".
std::string_view SarifLevelSeverity(std::string_view level);
// The severity a SARIF result carries, lower-case ("critical", "high", "medium", "low"):
// from security_severity when present and > 0 (GitHub's thresholds), else from
// property_severity when it is one of critical/high/medium/low/info/informational/note
// (info -> "low"), else from the level.
std::string_view SarifResultSeverity(const SarifResult& r);

}  // namespace ctem::parsers
