// Deterministic exposure keys: the first 16 hex digits of SHA-256 over "tool:identity:asset"
// (seed section 4.1, generate_exposure_id). The same finding from the same tool on the same
// asset always maps to the same key, which is what makes ingestion idempotent.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace ctem {

// Lower-case hex SHA-256 of `data` (64 characters).
std::string Sha256Hex(std::string_view data);

// sha256(f"{source}:{identity}:{asset}")[:16], byte for byte the seed's formula.
std::string GenerateExposureKey(std::string_view source, std::string_view identity,
                                std::string_view asset);

}  // namespace ctem
