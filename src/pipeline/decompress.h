// Gzip-compressed input (a `.json.gz` report, a gzip-encoded HTTP body) is accepted wherever
// a document is; this unwraps it, bounded so a compression bomb cannot exhaust memory.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace ctem::pipeline {

inline constexpr size_t kMaxDecompressedBytes = size_t{1} << 30;  // 1 GiB

bool IsGzip(std::string_view bytes);
// The document itself when not gzip; its decompressed bytes when it is.
Result<std::string> MaybeGunzip(std::string_view bytes, size_t max_bytes = kMaxDecompressedBytes);

}  // namespace ctem::pipeline
