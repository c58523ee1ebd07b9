// The wire form of normalised records on `ctem.normalized`: one JSON object per record with a
// "record" tag ("exposure", "validation", "remediation") and the seed's column names. Every
// field the store keeps travels, so the persister needs nothing but the message.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "core/error.h"
#include "core/records.h"

namespace ctem::pipeline {

using NormalizedRecord = std::variant<Exposure, Validation, Remediation>;

std::string EncodeRecord(const Exposure& e);
std::string EncodeRecord(const Validation& v);
std::string EncodeRecord(const Remediation& r);
Result<NormalizedRecord> DecodeRecord(std::string_view json);

}  // namespace ctem::pipeline
