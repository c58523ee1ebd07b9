// Unit tests of the JSON plumbing shared by the parsers (src/parsers/json_records.h): how a
// document is split into records (array, gateway payload, single object, JSON Lines), how
// unreadable documents and non-object records are reported, typed field access, and the
// source registry.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/json_records.h"
#include "parsers/parser.h"

namespace ctem::parsers {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

ParseContext Ctx() {
  ParseContext ctx;
  ctx.now = std::chrono::sys_days{2026y / std::chrono::November / 27} + 8h;
  ctx.tenant_id = "acme";
  return ctx;
}

ParsedBatch ParseWith(std::string_view source, std::string_view document) {
  const SourceParser* parser = FindParser(source);
  EXPECT_NE(parser, nullptr) << source;
  ParsedBatch out;
  if (parser != nullptr) parser->Parse(document, Ctx(), out);
  return out;
}

// Runs ForEachJsonRecord and returns the indices handed to the callback.
std::vector<long> Indices(std::string_view document, std::string_view source, ParsedBatch& out) {
  std::vector<long> seen;
  ForEachJsonRecord(document, source, out,
                    [&](simdjson::dom::object, long index) { seen.push_back(index); });
  return seen;
}

json Garak(std::string_view probe, double rate) {
  return json{{"probe", probe}, {"failure_rate", rate}};
}

// ---------------------------------------------------------------------------------------------
// Document shapes.

TEST(JsonRecords, ArrayOfObjectsGivesOneRecordPerElement) {
  ParsedBatch out;
  const std::vector<long> seen = Indices(R"([{"a":1},{"b":2},{"c":3}])", "garak", out);
  EXPECT_EQ(seen, (std::vector<long>{0, 1, 2}));
  EXPECT_EQ(out.received, 3u);
  EXPECT_TRUE(out.errors.empty());
}

TEST(JsonRecords, EmptyArrayGivesNothing) {
  ParsedBatch out;
  EXPECT_TRUE(Indices("[]", "garak", out).empty());
  EXPECT_EQ(out.received, 0u);
  EXPECT_TRUE(out.errors.empty());
}

TEST(JsonRecords, SingleObjectIsOneRecord) {
  const ParsedBatch out = ParseWith("garak", Garak("promptinject", 0.62).dump());
  EXPECT_EQ(out.received, 1u);
  EXPECT_TRUE(out.errors.empty());
  ASSERT_EQ(out.exposures.size(), 1u);
  EXPECT_EQ(out.exposures[0].title, "Garak: promptinject \u2014 62% failure rate");
}

TEST(JsonRecords, SingleObjectErrorsUseIndexZero) {
  const ParsedBatch out = ParseWith("garak", R"({"failure_rate": 0.5})");
  EXPECT_EQ(out.received, 1u);
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].record_index, 0);
  EXPECT_EQ(out.errors[0].field, "probe");
}

TEST(JsonRecords, ArrayWithNonObjectsRejectsOnlyThoseIndices) {
  const std::string doc =
      json::array({Garak("first", 0.1), 42, "text", nullptr, json::array(), true, Garak("last", 0.9)})
          .dump();
  const ParsedBatch out = ParseWith("garak", doc);
  EXPECT_EQ(out.received, 7u);
  ASSERT_EQ(out.exposures.size(), 2u);
  EXPECT_EQ(out.exposures[0].title, "Garak: first \u2014 10% failure rate");
  EXPECT_EQ(out.exposures[1].title, "Garak: last \u2014 90% failure rate");
  struct Expected {
    long index;
    std::string_view type;
  };
  const std::vector<Expected> expected = {
      {1, "number"}, {2, "string"}, {3, "null"}, {4, "array"}, {5, "boolean"}};
  ASSERT_EQ(out.errors.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(out.errors[i].record_index, expected[i].index);
    EXPECT_NE(out.errors[i].reason.find("expected a JSON object"), std::string::npos)
        << out.errors[i].reason;
    EXPECT_NE(out.errors[i].reason.find(std::string(expected[i].type)), std::string::npos)
        << out.errors[i].reason;
  }
}

TEST(JsonRecords, MalformedDocumentIsOneErrorAtIndexMinusOne) {
  for (std::string_view doc : {
           R"([{"probe": "a", "failure_rate": 0.5})",  // unterminated array
           R"({"probe": "a",})",                          // trailing comma
           "{not json}",
           R"([{"probe": "a"}] trailing)",
           "",
           "   \n  ",
           R"({"probe": "a"} {"probe": "b"})",  // two objects on one line is not JSON Lines
       }) {
    SCOPED_TRACE("document='" + std::string(doc) + "'");
    const ParsedBatch out = ParseWith("garak", doc);
    EXPECT_EQ(out.received, 0u);
    EXPECT_TRUE(out.exposures.empty());
    ASSERT_EQ(out.errors.size(), 1u);
    EXPECT_EQ(out.errors[0].record_index, -1);
    EXPECT_NE(out.errors[0].reason.find("malformed JSON"), std::string::npos) << out.errors[0].reason;
  }
}

TEST(JsonRecords, ScalarDocumentIsRejected) {
  struct Case {
    std::string_view doc;
    std::string_view type;
  };
  const std::vector<Case> cases = {
      {"42", "number"}, {R"("findings")", "string"}, {"null", "null"}, {"true", "boolean"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.doc));
    const ParsedBatch out = ParseWith("garak", c.doc);
    EXPECT_TRUE(out.exposures.empty());
    ASSERT_EQ(out.errors.size(), 1u);
    EXPECT_EQ(out.errors[0].record_index, -1);
    EXPECT_NE(out.errors[0].reason.find("expected a JSON array or object"), std::string::npos);
    EXPECT_NE(out.errors[0].reason.find(std::string(c.type)), std::string::npos) << out.errors[0].reason;
  }
}

// ---------------------------------------------------------------------------------------------
// Gateway payload {"source_tool": ..., "findings": [...]} (seed section 10.4).

TEST(JsonRecords, PayloadWithMatchingSourceToolIsAccepted) {
  struct Case {
    std::string_view parser;
    json payload;
  };
  const std::vector<Case> cases = {
      {"garak", json{{"source_tool", "garak"}, {"findings", json::array({Garak("a", 0.1), Garak("b", 0.2)})}}},
      {"garak", json{{"source_tool", "Garak"}, {"findings", json::array({Garak("a", 0.1), Garak("b", 0.2)})}}},
      {"garak", json{{"findings", json::array({Garak("a", 0.1), Garak("b", 0.2)})}}},  // no source_tool
      {"ibm_art",
       json{{"source_tool", "ibm_art"},
            {"findings", json::array({json{{"attack_type", "evasion"}, {"model_name", "m1"}},
                                      json{{"attack_type", "poisoning"}, {"model_name", "m2"}}})}}},
      {"ibm_art",
       json{{"source_tool", "art"},
            {"findings", json::array({json{{"attack_type", "evasion"}, {"model_name", "m1"}},
                                      json{{"attack_type", "poisoning"}, {"model_name", "m2"}}})}}},
      {"wiz", json{{"source_tool", "wiz"},
                   {"findings", json::array({json{{"title", "t1"}, {"entityExternalId", "a1"}},
                                             json{{"title", "t2"}, {"entityExternalId", "a2"}}})}}},
      {"snyk", json{{"source_tool", "snyk"},
                    {"findings", json::array({json{{"id", "S-1"}, {"packageName", "p1"}},
                                              json{{"id", "S-2"}, {"packageName", "p2"}}})}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.parser) + " <- " + c.payload.dump());
    const ParsedBatch out = ParseWith(c.parser, c.payload.dump());
    EXPECT_TRUE(out.errors.empty()) << (out.errors.empty() ? "" : out.errors[0].reason);
    EXPECT_EQ(out.received, 2u);
    EXPECT_EQ(out.exposures.size(), 2u);
  }
}

TEST(JsonRecords, PayloadWithMismatchedSourceToolIsRejectedWhole) {
  struct Case {
    std::string_view parser;
    std::string_view source_tool;
  };
  const std::vector<Case> cases = {
      {"garak", "snyk"}, {"wiz", "garak"}, {"snyk", "wiz"}, {"ibm_art", "garak"}, {"garak", "nessus"},
      {"garak", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.parser) + " <- source_tool=" + std::string(c.source_tool));
    const json payload = {{"source_tool", c.source_tool},
                          {"findings", json::array({Garak("a", 0.1)})}};
    const ParsedBatch out = ParseWith(c.parser, payload.dump());
    EXPECT_TRUE(out.exposures.empty());
    EXPECT_EQ(out.received, 0u);
    ASSERT_EQ(out.errors.size(), 1u);
    EXPECT_EQ(out.errors[0].record_index, -1);
    EXPECT_EQ(out.errors[0].field, "source_tool");
    EXPECT_NE(out.errors[0].reason.find(std::string(c.parser)), std::string::npos)
        << out.errors[0].reason;
  }
}

TEST(JsonRecords, PayloadFindingsMustBeAnArray) {
  for (const json& findings : {json(Garak("a", 0.1)), json("a"), json(3)}) {
    SCOPED_TRACE(findings.dump());
    const json payload = {{"source_tool", "garak"}, {"findings", findings}};
    const ParsedBatch out = ParseWith("garak", payload.dump());
    EXPECT_TRUE(out.exposures.empty());
    ASSERT_EQ(out.errors.size(), 1u);
    EXPECT_EQ(out.errors[0].record_index, -1);
    EXPECT_EQ(out.errors[0].field, "findings");
  }
}

TEST(JsonRecords, PayloadRecordErrorsIndexIntoFindings) {
  const json payload = {{"source_tool", "garak"},
                        {"findings", json::array({Garak("a", 0.1), json{{"failure_rate", 0.2}}, 5})}};
  const ParsedBatch out = ParseWith("garak", payload.dump());
  EXPECT_EQ(out.received, 3u);
  EXPECT_EQ(out.exposures.size(), 1u);
  ASSERT_EQ(out.errors.size(), 2u);
  EXPECT_EQ(out.errors[0].record_index, 1);
  EXPECT_EQ(out.errors[0].field, "probe");
  EXPECT_EQ(out.errors[1].record_index, 2);
}

// ---------------------------------------------------------------------------------------------
// JSON Lines.

TEST(JsonRecords, JsonLinesGivesOneRecordPerLine) {
  const std::string doc = Garak("a", 0.1).dump() + "\n" + Garak("b", 0.6).dump() + "\n" +
                          Garak("c", 0.9).dump() + "\n";
  const ParsedBatch out = ParseWith("garak", doc);
  EXPECT_TRUE(out.errors.empty());
  EXPECT_EQ(out.received, 3u);
  ASSERT_EQ(out.exposures.size(), 3u);
  EXPECT_EQ(out.exposures[0].title, "Garak: a \u2014 10% failure rate");
  EXPECT_EQ(out.exposures[1].title, "Garak: b \u2014 60% failure rate");
  EXPECT_EQ(out.exposures[2].title, "Garak: c \u2014 90% failure rate");
}

TEST(JsonRecords, JsonLinesSkipsBlankLinesAndAcceptsCrLf) {
  const std::string doc = "\r\n" + Garak("a", 0.1).dump() + "\r\n\r\n   \n" + Garak("b", 0.6).dump() + "\r\n";
  const ParsedBatch out = ParseWith("garak", doc);
  EXPECT_TRUE(out.errors.empty()) << (out.errors.empty() ? "" : out.errors[0].reason);
  EXPECT_EQ(out.received, 2u);
  EXPECT_EQ(out.exposures.size(), 2u);
}

TEST(JsonRecords, JsonLinesBadLineRejectsOnlyItself) {
  const std::string doc = Garak("a", 0.1).dump() + "\n" + R"({"probe": "b", )" + "\n" +
                          R"({"failure_rate": 0.4})" + "\n" + Garak("d", 0.9).dump() + "\n";
  const ParsedBatch out = ParseWith("garak", doc);
  EXPECT_EQ(out.received, 4u);
  ASSERT_EQ(out.exposures.size(), 2u);
  EXPECT_EQ(out.exposures[0].title, "Garak: a \u2014 10% failure rate");
  EXPECT_EQ(out.exposures[1].title, "Garak: d \u2014 90% failure rate");
  ASSERT_EQ(out.errors.size(), 2u);
  EXPECT_EQ(out.errors[0].record_index, 1);
  EXPECT_NE(out.errors[0].reason.find("line 2"), std::string::npos) << out.errors[0].reason;
  EXPECT_NE(out.errors[0].reason.find("malformed JSON"), std::string::npos) << out.errors[0].reason;
  EXPECT_EQ(out.errors[1].record_index, 2);
  EXPECT_EQ(out.errors[1].field, "probe");
}

// ---------------------------------------------------------------------------------------------
// RecordReader.

class RecordReaderTest : public ::testing::Test {
 protected:
  simdjson::dom::object Load(std::string_view text) {
    padded_ = simdjson::padded_string(text);
    simdjson::dom::element root;
    EXPECT_EQ(parser_.parse(padded_).get(root), simdjson::SUCCESS) << text;
    simdjson::dom::object obj;
    EXPECT_EQ(root.get_object().get(obj), simdjson::SUCCESS) << text;
    return obj;
  }

  simdjson::dom::parser parser_;
  simdjson::padded_string padded_;
  std::vector<ParseError> errors_;
};

constexpr std::string_view kRecord = R"({
  "s": "text", "empty": "", "n": 0.5, "i": 3, "neg": -2, "b": true, "f": false, "nul": null,
  "list": ["x", "y"], "one": "solo", "mixed": ["x", 1], "obj": {"k": "v"}, "arr": []
})";

TEST_F(RecordReaderTest, StringPresentAbsentNullAndWrongType) {
  RecordReader r(Load(kRecord), 4, errors_);
  EXPECT_EQ(r.index(), 4);
  EXPECT_EQ(r.String("s").value(), "text");
  EXPECT_EQ(r.String("empty").value(), "");  // empty is fine when optional
  EXPECT_FALSE(r.String("missing").has_value());
  EXPECT_FALSE(r.String("nul").has_value());
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(errors_.empty());
  EXPECT_EQ(r.StringOr("missing", "fallback"), "fallback");
  EXPECT_EQ(r.StringOr("nul", "fallback"), "fallback");
  EXPECT_EQ(r.StringOr("s", "fallback"), "text");
  EXPECT_TRUE(r.ok());

  EXPECT_FALSE(r.String("n").has_value());
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0].record_index, 4);
  EXPECT_EQ(errors_[0].field, "n");
  EXPECT_EQ(errors_[0].reason, "expected a string, got number");
}

TEST_F(RecordReaderTest, RequiredStringMissingNullOrEmptyIsAnError) {
  struct Case {
    std::string_view field;
    std::string_view reason;
  };
  const std::vector<Case> cases = {
      {"missing", "required field is missing"},
      {"nul", "required field is missing"},
      {"empty", "required field is empty"},
      {"b", "expected a string, got boolean"},
      {"obj", "expected a string, got object"},
      {"arr", "expected a string, got array"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.field));
    errors_.clear();
    RecordReader r(Load(kRecord), 0, errors_);
    EXPECT_FALSE(r.String(c.field, true).has_value());
    EXPECT_FALSE(r.ok());
    ASSERT_EQ(errors_.size(), 1u);
    EXPECT_EQ(errors_[0].field, c.field);
    EXPECT_EQ(errors_[0].reason, c.reason);
  }
}

TEST_F(RecordReaderTest, NumberWithinBoundsAndErrors) {
  RecordReader r(Load(kRecord), 0, errors_);
  EXPECT_DOUBLE_EQ(r.Number("n", true, 0.0, 1.0).value(), 0.5);
  EXPECT_DOUBLE_EQ(r.Number("i", true, 0.0, 10.0).value(), 3.0);  // integers are numbers
  EXPECT_DOUBLE_EQ(r.Number("i", true, 3.0, 3.0).value(), 3.0);   // bounds are inclusive
  EXPECT_DOUBLE_EQ(r.Number("neg", false, -2.0, 0.0).value(), -2.0);
  EXPECT_FALSE(r.Number("missing", false, 0.0, 1.0).has_value());
  EXPECT_FALSE(r.Number("nul", false, 0.0, 1.0).has_value());
  EXPECT_TRUE(r.ok());

  EXPECT_FALSE(r.Number("i", false, 0.0, 1.0).has_value());     // out of range
  EXPECT_FALSE(r.Number("neg", false, 0.0, 1.0).has_value());   // out of range
  EXPECT_FALSE(r.Number("s", false, 0.0, 1.0).has_value());     // wrong type
  EXPECT_FALSE(r.Number("missing", true, 0.0, 1.0).has_value());  // required
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(errors_.size(), 4u);
  EXPECT_EQ(errors_[0].field, "i");
  EXPECT_NE(errors_[0].reason.find("outside"), std::string::npos) << errors_[0].reason;
  EXPECT_EQ(errors_[1].field, "neg");
  EXPECT_EQ(errors_[2].field, "s");
  EXPECT_EQ(errors_[2].reason, "expected a number, got string");
  EXPECT_EQ(errors_[3].field, "missing");
  EXPECT_EQ(errors_[3].reason, "required field is missing");
}

TEST_F(RecordReaderTest, BoolValuesAndErrors) {
  RecordReader r(Load(kRecord), 0, errors_);
  EXPECT_EQ(r.Bool("b"), std::optional<bool>(true));
  EXPECT_EQ(r.Bool("f"), std::optional<bool>(false));
  EXPECT_FALSE(r.Bool("missing").has_value());
  EXPECT_TRUE(r.ok());
  EXPECT_FALSE(r.Bool("s").has_value());
  EXPECT_FALSE(r.Bool("i").has_value());
  EXPECT_FALSE(r.Bool("missing", true).has_value());
  ASSERT_EQ(errors_.size(), 3u);
  EXPECT_EQ(errors_[0].reason, "expected true or false, got string");
  EXPECT_EQ(errors_[1].reason, "expected true or false, got number");
  EXPECT_EQ(errors_[2].reason, "required field is missing");
}

TEST_F(RecordReaderTest, StringListAcceptsListOrSingleString) {
  RecordReader r(Load(kRecord), 0, errors_);
  EXPECT_EQ(r.StringList("list").value(), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(r.StringList("one").value(), (std::vector<std::string>{"solo"}));
  EXPECT_EQ(r.StringList("arr").value(), std::vector<std::string>{});
  EXPECT_FALSE(r.StringList("missing").has_value());
  EXPECT_FALSE(r.StringList("nul").has_value());
  EXPECT_TRUE(r.ok());
  EXPECT_FALSE(r.StringList("mixed").has_value());
  EXPECT_FALSE(r.StringList("i").has_value());
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(errors_.size(), 2u);
  EXPECT_EQ(errors_[0].field, "mixed");
  EXPECT_EQ(errors_[1].field, "i");
}

TEST_F(RecordReaderTest, ObjectAndRaw) {
  RecordReader r(Load(kRecord), 0, errors_);
  auto obj = r.Object("obj");
  ASSERT_TRUE(obj.has_value());
  std::string_view v;
  ASSERT_EQ((*obj)["k"].get_string().get(v), simdjson::SUCCESS);
  EXPECT_EQ(v, "v");
  EXPECT_FALSE(r.Object("missing").has_value());
  EXPECT_TRUE(r.Raw("i").has_value());
  EXPECT_FALSE(r.Raw("nul").has_value());
  EXPECT_FALSE(r.Raw("missing").has_value());
  EXPECT_TRUE(r.ok());
  EXPECT_FALSE(r.Object("list").has_value());
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0].reason, "expected an object, got array");
}

TEST_F(RecordReaderTest, AddErrorMarksTheRecordBad) {
  RecordReader r(Load(kRecord), 9, errors_);
  EXPECT_TRUE(r.ok());
  r.AddError("zone", "not a zone");
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0].record_index, 9);
  EXPECT_EQ(errors_[0].field, "zone");
  EXPECT_EQ(errors_[0].reason, "not a zone");
}

TEST(JsonTypeName, NamesEveryType) {
  EXPECT_EQ(JsonTypeName(simdjson::dom::element_type::ARRAY), "array");
  EXPECT_EQ(JsonTypeName(simdjson::dom::element_type::OBJECT), "object");
  EXPECT_EQ(JsonTypeName(simdjson::dom::element_type::INT64), "number");
  EXPECT_EQ(JsonTypeName(simdjson::dom::element_type::UINT64), "number");
  EXPECT_EQ(JsonTypeName(simdjson::dom::element_type::DOUBLE), "number");
  EXPECT_EQ(JsonTypeName(simdjson::dom::element_type::STRING), "string");
  EXPECT_EQ(JsonTypeName(simdjson::dom::element_type::BOOL), "boolean");
  EXPECT_EQ(JsonTypeName(simdjson::dom::element_type::NULL_VALUE), "null");
}

// ---------------------------------------------------------------------------------------------
// Registry.

TEST(SourceRegistry, FindsEveryParserByNameOrAliasCaseInsensitively) {
  struct Case {
    std::string_view lookup;
    std::string_view canonical;
  };
  const std::vector<Case> cases = {
      {"wiz", "wiz"},         {"WIZ", "wiz"},           {"snyk", "snyk"},
      {"Snyk", "snyk"},       {"garak", "garak"},       {"ibm_art", "ibm_art"},
      {"art", "ibm_art"},     {"ibm-art", "ibm_art"},   {"validation", "validation"},
      {"red_team", "validation"}, {"remediation", "remediation"},
  };
  for (const Case& c : cases) {
    const SourceParser* parser = FindParser(c.lookup);
    ASSERT_NE(parser, nullptr) << c.lookup;
    EXPECT_EQ(parser->Name(), c.canonical) << c.lookup;
  }
  for (std::string_view unknown : {"", "nessus", "wizz", "ibm"}) {
    EXPECT_EQ(FindParser(unknown), nullptr) << unknown;
  }
}

TEST(SourceRegistry, SourceNamesListsEveryParserByCanonicalName) {
  const std::vector<std::string> names = SourceNames();
  for (std::string_view expected : {"wiz", "snyk", "garak", "ibm_art", "validation", "remediation"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
  for (const std::string& name : names) {
    const SourceParser* parser = FindParser(name);
    ASSERT_NE(parser, nullptr) << name;
    EXPECT_EQ(parser->Name(), name);
  }
}

}  // namespace
}  // namespace ctem::parsers

namespace ctem::parsers {
namespace {

// The fuzzer's find: simdjson refuses 1e400 and nlohmann, asked where the fault is, throws
// out_of_range rather than parse_error. Every JSON source must turn that into one error.
TEST(JsonRecords, OutOfRangeNumberIsOneErrorForEveryJsonSource) {
  for (const char* source : {"wiz", "snyk", "garak", "ibm_art", "custom", "validation", "remediation"}) {
    ParsedBatch out;
    const SourceParser* parser = FindParser(source);
    ASSERT_NE(parser, nullptr) << source;
    parser->Parse("[1e400]", ParseContext{}, out);
    EXPECT_TRUE(out.exposures.empty()) << source;
    EXPECT_FALSE(out.errors.empty()) << source;
  }
}

}  // namespace
}  // namespace ctem::parsers
