// The wire form of normalised records on `ctem.normalized`: one JSON object per record with a
// "record" tag ("exposure", "validation", "remediation", "no_longer_seen") and the seed's
// column names. Every field the store keeps travels, so the persister needs nothing but the
// message.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "core/error.h"
#include "core/records.h"
#include "core/time.h"

namespace ctem::pipeline {

// A tool reported the tenant's exposure with this key gone (Snyk's removedIssues). The
// persister applies it with Store::MarkNoLongerSeen(tenant_id, {exposure_key}, ts).
struct NoLongerSeen {
  std::string tenant_id;
  std::string source_tool;  // the source that reported it, as in --source ("snyk")
  std::string exposure_key;
  Timestamp ts{};  // when the normaliser read the report: the mark's time, the same on redelivery
};

using NormalizedRecord = std::variant<Exposure, Validation, Remediation, NoLongerSeen>;

std::string EncodeRecord(const Exposure& e);
std::string EncodeRecord(const Validation& v);
std::string EncodeRecord(const Remediation& r);
std::string EncodeRecord(const NoLongerSeen& n);
Result<NormalizedRecord> DecodeRecord(std::string_view json);

}  // namespace ctem::pipeline
