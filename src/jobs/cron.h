// CronSchedule: a five-field cron expression ("minute hour day-of-month month day-of-week",
// evaluated in UTC), as the seed's CHECK_SCHEDULE ("0 8 * * *") is written.
//
// Supported: numbers, `*`, lists (`1,15`), ranges (`1-5`), steps (`*/15`, `0-30/10`), month and
// weekday names (`jan`, `mon-fri`), 7 as Sunday, and the macros @yearly/@annually, @monthly,
// @weekly, @daily/@midnight, @hourly. Day-of-month and day-of-week follow Vixie cron: when
// both are restricted (neither starts with `*`) a day matches if either does.
//
// Why our own: Debian 12 packages no C++ cron library (only Go, Perl and Ruby ones), and this
// subset is small enough to be checked exhaustively by its unit tests.
//
// Thread-safety: an immutable value after Parse; safe to share.
#pragma once

#include <bitset>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/time.h"

namespace ctem::jobs {

class CronSchedule {
 public:
  // Parses `expression`; an error names the field and what is wrong with it. An expression
  // that can never fire (e.g. "0 0 30 2 *") is an error too.
  static Result<CronSchedule> Parse(std::string_view expression);

  // Whether the minute containing `t` matches.
  bool Matches(Timestamp t) const;
  // The first matching minute strictly after `t` (at :00.000 of that minute).
  Timestamp NextAfter(Timestamp t) const;
  const std::string& expression() const { return expression_; }

 private:
  CronSchedule() = default;
  std::optional<Timestamp> FindAfter(Timestamp t) const;
  bool DayMatches(std::chrono::sys_days day) const;

  std::string expression_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // 1..31
  std::bitset<13> months_;         // 1..12
  std::bitset<7> days_of_week_;    // 0 = Sunday
  bool dom_star_ = false;
  bool dow_star_ = false;
};

}  // namespace ctem::jobs
