#include "core/time.h"

#include <cctype>
#include <cstdio>

namespace ctem {

std::string FormatTimestamp(Timestamp t) {
  const auto day = std::chrono::floor<days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{t - day};
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return buf;
}

namespace {

// std::chrono::parse is not in libstdc++ 12, and RFC 3339 with optional parts is small
// enough that a hand-written scanner is clearer than a regex.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool Done() const { return pos_ >= s_.size(); }
  char Peek() const { return Done() ? '\0' : s_[pos_]; }
  bool Eat(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  // Reads exactly n digits.
  bool Digits(int n, int& out) {
    out = 0;
    for (int i = 0; i < n; ++i) {
      if (Done() || !std::isdigit(static_cast<unsigned char>(s_[pos_]))) return false;
      out = out * 10 + (s_[pos_++] - '0');
    }
    return true;
  }
  // Reads a fraction's digits, returning milliseconds (truncated); -1 when there are none.
  int FractionMillis() {
    int ms = 0;
    int n = 0;
    if (Done() || !std::isdigit(static_cast<unsigned char>(s_[pos_]))) return -1;
    while (!Done() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
      if (n < 3) ms = ms * 10 + (s_[pos_] - '0');
      ++n;
      ++pos_;
    }
    for (; n < 3; ++n) ms *= 10;
    return ms;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

Result<Timestamp> ParseTimestamp(std::string_view text) {
  auto bad = [&](const char* why) {
    return Fail(Error::InvalidArgument("invalid timestamp '" + std::string(text) + "': " + why +
                                       " (expected ISO-8601, e.g. 2026-11-27T08:00:00Z)"));
  };
  Scanner sc(text);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
  if (!sc.Digits(4, y) || !sc.Eat('-') || !sc.Digits(2, mo) || !sc.Eat('-') || !sc.Digits(2, d)) {
    return bad("date must be YYYY-MM-DD");
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return bad("no such calendar date");
  int offset_minutes = 0;
  if (!sc.Done()) {
    if (!sc.Eat('T') && !sc.Eat('t') && !sc.Eat(' ')) return bad("expected 'T' after the date");
    if (!sc.Digits(2, h) || !sc.Eat(':') || !sc.Digits(2, mi)) return bad("time must be HH:MM[:SS]");
    if (sc.Eat(':')) {
      if (!sc.Digits(2, sec)) return bad("seconds must be two digits");
      if (sc.Eat('.') || sc.Eat(',')) {
        ms = sc.FractionMillis();
        if (ms < 0) return bad("a fraction needs digits after the point");
      }
    }
    if (h > 23 || mi > 59 || sec > 59) return bad("time out of range");
    if (sc.Eat(' ')) {
      // tolerate "... +0000 UTC"-free forms only; a space before the zone is allowed
    }
    if (sc.Eat('Z') || sc.Eat('z')) {
    } else if (sc.Peek() == '+' || sc.Peek() == '-') {
      const bool neg = sc.Peek() == '-';
      sc.Eat(sc.Peek());
      int oh = 0, om = 0;
      if (!sc.Digits(2, oh)) return bad("offset must be +HH:MM");
      sc.Eat(':');
      if (!sc.Done() && !sc.Digits(2, om)) return bad("offset must be +HH:MM");
      if (oh > 23 || om > 59) return bad("offset out of range");
      offset_minutes = (neg ? -1 : 1) * (oh * 60 + om);
    }
    if (!sc.Done()) return bad("unexpected trailing characters");
  }
  Timestamp t = std::chrono::sys_days{ymd} + hours(h) + std::chrono::minutes(mi) +
                std::chrono::seconds(sec) + milliseconds(ms) - std::chrono::minutes(offset_minutes);
  return t;
}

Timestamp SystemClock::Now() const {
  return std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now());
}

}  // namespace ctem
