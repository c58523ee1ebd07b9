// Field-by-field comparison of a report's JSON output with an expected file.
//
// Rules (the contract of tests/conformance/expected/*.json, see reference.py):
//  * a report that is an array must have exactly as many rows as expected, in the same order;
//    each row must carry every field the expected row lists (a row may list a subset of the
//    report's fields) and none listed under "$absent";
//  * a report that is one object is matched like a row;
//  * below the row level (metadata, open_exposures, detection_rules_tested, ...) values must
//    match exactly: same keys, same array length and order;
//  * integers match exactly and must be integers; an expected double matches any number within
//    1e-9; null matches only null, and a missing field is never the same as null.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace ctem::testing {

using Json = nlohmann::ordered_json;

namespace json_match_detail {

inline std::string Show(const Json& v) { return v.dump(); }

inline std::string TypeName(const Json& v) {
  if (v.is_number_integer()) return "integer";
  if (v.is_number_float()) return "double";
  return v.type_name();
}

// "3.0 (double)" when the types differ, else just the value.
inline std::string ShowAgainst(const Json& actual, const Json& expected);

inline void MatchValue(const Json& expected, const Json& actual, const std::string& path, bool subset,
                       std::vector<std::string>& out);

inline void MatchObject(const Json& expected, const Json& actual, const std::string& path, bool subset,
                        std::vector<std::string>& out) {
  if (!actual.is_object()) {
    out.push_back(path + ": expected an object, got " + TypeName(actual) + " " + Show(actual));
    return;
  }
  const std::string prefix = path.empty() ? "" : path + ".";
  for (auto it = expected.begin(); it != expected.end(); ++it) {
    if (it.key() == "$absent") continue;
    if (!actual.contains(it.key())) {
      out.push_back("field '" + prefix + it.key() + "': missing (expected " + Show(it.value()) + ")");
      continue;
    }
    MatchValue(it.value(), actual.at(it.key()), prefix + it.key(), false, out);
  }
  if (expected.contains("$absent")) {
    for (const auto& name : expected.at("$absent")) {
      const std::string key = name.get<std::string>();
      if (actual.contains(key)) {
        out.push_back("field '" + prefix + key + "': must be absent, got " + Show(actual.at(key)));
      }
    }
  }
  if (!subset) {
    for (auto it = actual.begin(); it != actual.end(); ++it) {
      if (!expected.contains(it.key())) {
        out.push_back("field '" + prefix + it.key() + "': unexpected (got " + Show(it.value()) + ")");
      }
    }
  }
}

inline void MatchValue(const Json& expected, const Json& actual, const std::string& path, bool subset,
                       std::vector<std::string>& out) {
  const std::string where = "field '" + path + "'";
  if (expected.is_object()) {
    MatchObject(expected, actual, path, subset, out);
  } else if (expected.is_array()) {
    if (!actual.is_array()) {
      out.push_back(where + ": expected an array, got " + TypeName(actual) + " " + Show(actual));
      return;
    }
    if (actual.size() != expected.size()) {
      out.push_back(where + ": expected " + std::to_string(expected.size()) + " elements, got " +
                    std::to_string(actual.size()) + ": " + Show(actual));
      return;
    }
    for (size_t i = 0; i < expected.size(); ++i) {
      MatchValue(expected[i], actual[i], path + "[" + std::to_string(i) + "]", false, out);
    }
  } else if (expected.is_number_integer()) {
    if (!actual.is_number_integer()) {
      out.push_back(where + ": expected integer " + Show(expected) + ", got " + ShowAgainst(actual, expected));
    } else if (actual.get<long long>() != expected.get<long long>()) {
      out.push_back(where + ": expected " + Show(expected) + ", got " + Show(actual));
    }
  } else if (expected.is_number_float()) {
    if (!actual.is_number() || !(std::fabs(actual.get<double>() - expected.get<double>()) < 1e-9)) {
      out.push_back(where + ": expected " + Show(expected) + ", got " + ShowAgainst(actual, expected));
    }
  } else if (expected != actual) {  // string, boolean, null: same type and value
    out.push_back(where + ": expected " + Show(expected) + ", got " + ShowAgainst(actual, expected));
  }
}

inline std::string ShowAgainst(const Json& actual, const Json& expected) {
  const bool same_kind = TypeName(actual) == TypeName(expected) || (expected.is_number_float() && actual.is_number());
  return same_kind ? Show(actual) : Show(actual) + " (" + TypeName(actual) + ")";
}

// A short label naming an expected row by its identifying field, for messages.
inline std::string RowLabel(const Json& row) {
  if (!row.is_object()) return "";
  for (const char* key : {"exposure_key", "asset_id", "validation_id", "remediation_id", "week", "atlas_technique",
                          "campaign_id"}) {
    if (row.contains(key) && row.at(key).is_string()) {
      return std::string(" [") + key + "=" + row.at(key).get<std::string>() + "]";
    }
  }
  return "";
}

}  // namespace json_match_detail

// Compares a whole report; returns one message per mismatch, each naming the row (index and
// identifying field) and the field. Empty when the report matches.
inline std::vector<std::string> MatchReport(const Json& expected, const Json& actual) {
  using namespace json_match_detail;
  std::vector<std::string> out;
  if (expected.is_array()) {
    if (!actual.is_array()) {
      out.push_back("expected an array of " + std::to_string(expected.size()) + " rows, got " + TypeName(actual) +
                    ": " + actual.dump().substr(0, 300));
      return out;
    }
    if (actual.size() != expected.size()) {
      out.push_back("expected " + std::to_string(expected.size()) + " rows, got " + std::to_string(actual.size()));
    }
    const size_t n = std::min(expected.size(), actual.size());
    for (size_t i = 0; i < n; ++i) {
      std::vector<std::string> row;
      MatchValue(expected[i], actual[i], "", /*subset=*/true, row);
      for (auto& m : row) out.push_back("row " + std::to_string(i) + RowLabel(expected[i]) + ": " + m);
    }
    if (actual.size() > n) {
      out.push_back("first unexpected row " + std::to_string(n) + ": " + actual[n].dump().substr(0, 300));
    } else if (expected.size() > n) {
      out.push_back("first missing row " + std::to_string(n) + RowLabel(expected[n]) + ": " +
                    expected[n].dump().substr(0, 300));
    }
    return out;
  }
  MatchValue(expected, actual, "", /*subset=*/expected.is_object(), out);
  return out;
}

// The first place where two JSON values differ ("" when equal), key order included: used to
// show why two backends' outputs are not identical.
inline std::string FirstDifference(const Json& a, const Json& b, const std::string& path = "$") {
  if (a.type() != b.type() && !(a.is_number() && b.is_number())) {
    return path + ": " + a.dump() + " vs " + b.dump();
  }
  if (a.is_object()) {
    auto ia = a.begin();
    auto ib = b.begin();
    for (; ia != a.end() && ib != b.end(); ++ia, ++ib) {
      if (ia.key() != ib.key()) return path + ": key '" + ia.key() + "' vs key '" + ib.key() + "'";
      std::string d = FirstDifference(ia.value(), ib.value(), path + "." + ia.key());
      if (!d.empty()) return d;
    }
    if (ia != a.end()) return path + ": extra key '" + ia.key() + "' on the left";
    if (ib != b.end()) return path + ": extra key '" + ib.key() + "' on the right";
    return "";
  }
  if (a.is_array()) {
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
      std::string d = FirstDifference(a[i], b[i], path + "[" + std::to_string(i) + "]");
      if (!d.empty()) return d;
    }
    if (a.size() != b.size()) {
      return path + ": " + std::to_string(a.size()) + " vs " + std::to_string(b.size()) + " elements";
    }
    return "";
  }
  return a == b && a.type() == b.type() ? "" : path + ": " + a.dump() + " vs " + b.dump();
}

}  // namespace ctem::testing
