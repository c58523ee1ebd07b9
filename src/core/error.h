// Errors as values for ALUSKORT CTEM.
//
// Expected failures (bad input, a server down, an illegal state move) are returned as
// `Result<T>` carrying an `Error` whose message tells the user what to do; exceptions are
// reserved for programming errors and process boundaries.
//
// Thread-safety: plain values; safe to copy between threads.
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace ctem {

enum class ErrorCode {
  kInvalidArgument,  // the caller's input is wrong (bad JSON, unknown field value)
  kNotFound,         // the named thing does not exist
  kUnavailable,      // a server or file could not be reached; retrying may help
  kFailedPrecondition,  // the current state forbids the request (e.g. illegal status move)
  kInternal,         // a bug or an invariant broken inside the engine
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  static Error InvalidArgument(std::string msg) { return {ErrorCode::kInvalidArgument, std::move(msg)}; }
  static Error NotFound(std::string msg) { return {ErrorCode::kNotFound, std::move(msg)}; }
  static Error Unavailable(std::string msg) { return {ErrorCode::kUnavailable, std::move(msg)}; }
  static Error FailedPrecondition(std::string msg) {
    return {ErrorCode::kFailedPrecondition, std::move(msg)};
  }
  static Error Internal(std::string msg) { return {ErrorCode::kInternal, std::move(msg)}; }
};

template <typename T>
using Result = std::expected<T, Error>;

// Status is a Result with no value: success or an Error.
using Status = std::expected<void, Error>;

inline std::unexpected<Error> Fail(Error e) { return std::unexpected<Error>(std::move(e)); }

}  // namespace ctem
