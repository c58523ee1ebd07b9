// Timestamps and the injectable clock.
//
// Every time computation in jobs and reports takes its "now" from a Clock, so tests and
// `--now` pin it (DESIGN.md erratum 4). Timestamps are UTC with millisecond precision and
// are rendered in one fixed-width ISO-8601 form ("2026-11-27T13:54:34.123Z") so that text
// comparison orders them and both store backends print identical values.
//
// Thread-safety: SystemClock is stateless; ManualClock is safe for concurrent use.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ctem {

using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;

// Formats as "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string FormatTimestamp(Timestamp t);

// Parses ISO-8601 / RFC 3339: "YYYY-MM-DD", "YYYY-MM-DD[T ]HH:MM[:SS[.frac]]" with an optional
// "Z" or "+HH:MM"/"-HH:MM"/"+HHMM" offset (no offset means UTC). Fractions beyond
// milliseconds are truncated.
Result<Timestamp> ParseTimestamp(std::string_view text);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
};

// A clock that only moves when told to; for tests and for `--now`.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : now_ms_(start.time_since_epoch().count()) {}
  Timestamp Now() const override { return Timestamp(milliseconds(now_ms_.load())); }
  void Set(Timestamp t) { now_ms_.store(t.time_since_epoch().count()); }
  void Advance(milliseconds d) { now_ms_.fetch_add(d.count()); }

 private:
  std::atomic<long long> now_ms_;
};

}  // namespace ctem
