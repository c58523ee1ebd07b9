// Unit tests of timestamps and clocks (src/core/time.h).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace ctem {
namespace {

using namespace std::chrono_literals;
using std::chrono::sys_days;

// 2026-11-27T13:54:34.123Z built without the code under test.
Timestamp SampleTime() {
  return sys_days{2026y / std::chrono::November / 27} + 13h + 54min + 34s + 123ms;
}

TEST(FormatTimestamp, FixedWidthIsoWithMillisecondsAndZ) {
  struct Case {
    Timestamp t;
    std::string_view expected;
  };
  const std::vector<Case> cases = {
      {SampleTime(), "2026-11-27T13:54:34.123Z"},
      {Timestamp{}, "1970-01-01T00:00:00.000Z"},
      {sys_days{2026y / std::chrono::January / 1} + 0ms, "2026-01-01T00:00:00.000Z"},
      {sys_days{2024y / std::chrono::February / 29} + 23h + 59min + 59s + 999ms,
       "2024-02-29T23:59:59.999Z"},
      {Timestamp{} - 1ms, "1969-12-31T23:59:59.999Z"},
      {sys_days{2026y / std::chrono::March / 5} + 7h + 8min + 9s + 5ms, "2026-03-05T07:08:09.005Z"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(FormatTimestamp(c.t), c.expected);
  }
}

TEST(ParseTimestamp, AcceptedFormsGiveTheUtcInstant) {
  const Timestamp eight = sys_days{2026y / std::chrono::November / 27} + 8h;
  struct Case {
    std::string_view text;
    Timestamp expected;
  };
  const std::vector<Case> cases = {
      {"2026-11-27T08:00:00Z", eight},
      {"2026-11-27T08:00:00z", eight},
      {"2026-11-27t08:00:00Z", eight},
      {"2026-11-27T08:00:00", eight},  // no offset means UTC
      {"2026-11-27T08:00", eight},     // seconds optional
      {"2026-11-27 08:00:00", eight},  // space separator
      {"2026-11-27T10:00:00+02:00", eight},
      {"2026-11-27T10:00:00+0200", eight},
      {"2026-11-27T10:00:00+02", eight},
      {"2026-11-27T02:30:00-05:30", eight},
      {"2026-11-27T08:00:00+00:00", eight},
      {"2026-11-27T15:00:00+07:00", eight},
      {"2026-11-28T01:00:00+17:00", eight},  // offset crosses midnight
      {"2026-11-27", sys_days{2026y / std::chrono::November / 27} + 0ms},  // date only: midnight
      {"2026-11-27T08:00:00.123Z", eight + 123ms},
      {"2026-11-27T08:00:00.5Z", eight + 500ms},
      {"2026-11-27T08:00:00.12Z", eight + 120ms},
      {"2026-11-27T08:00:00.123456Z", eight + 123ms},  // truncated, not rounded
      {"2026-11-27T08:00:00.999999999Z", eight + 999ms},
      {"2026-11-27T08:00:00,250Z", eight + 250ms},
      {"2026-11-27T10:00:00.750+02:00", eight + 750ms},
      {"2024-02-29T00:00:00Z", sys_days{2024y / std::chrono::February / 29} + 0ms},
  };
  for (const Case& c : cases) {
    auto parsed = ParseTimestamp(c.text);
    ASSERT_TRUE(parsed.has_value()) << "'" << c.text << "': " << parsed.error().message;
    EXPECT_EQ(*parsed, c.expected) << "'" << c.text << "' parsed as " << FormatTimestamp(*parsed);
  }
}

TEST(ParseTimestamp, InvalidInputIsInvalidArgument) {
  for (std::string_view text : {
           "",
           "yesterday",
           "2026-13-01",        // no month 13
           "2026-00-10",        // no month 0
           "2026-02-30",        // no 30 February
           "2025-02-29",        // not a leap year
           "2026-04-31",        // April has 30 days
           "2026-01-01T25:00",  // hour 25
           "2026-01-01T24:00:00",
           "2026-01-01T12:60",
           "2026-01-01T12",
           "2026-01-01T",
           "2026-1-1",
           "26-01-01",
           "2026/01/01",
           "2026-01-01X08:00",
           "2026-01-01T08:00:00Zjunk",
           "2026-01-01T08:00:00+2",
           "2026-01-01T08:00:00+02:00:00",
           "2026-01-01T08:00:0",
       }) {
    auto parsed = ParseTimestamp(text);
    ASSERT_FALSE(parsed.has_value()) << "'" << text << "' parsed as " << FormatTimestamp(*parsed);
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument) << text;
    EXPECT_NE(parsed.error().message.find(std::string(text)), std::string::npos)
        << "the message should quote the input: " << parsed.error().message;
  }
}

TEST(ParseTimestamp, FormatThenParseRoundTrips) {
  const std::vector<Timestamp> samples = {
      SampleTime(),
      Timestamp{},
      Timestamp{} - 1ms,
      sys_days{2024y / std::chrono::February / 29} + 23h + 59min + 59s + 999ms,
      sys_days{2099y / std::chrono::December / 31} + 1ms,
  };
  for (Timestamp t : samples) {
    const std::string text = FormatTimestamp(t);
    auto parsed = ParseTimestamp(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_EQ(*parsed, t) << text;
  }
}

TEST(ParseTimestamp, ParseThenFormatNormalisesToUtcMilliseconds) {
  struct Case {
    std::string_view text;
    std::string_view expected;
  };
  const std::vector<Case> cases = {
      {"2026-11-27T13:54:34.123Z", "2026-11-27T13:54:34.123Z"},
      {"2026-11-27", "2026-11-27T00:00:00.000Z"},
      {"2026-11-27 15:54:34.123456+02:00", "2026-11-27T13:54:34.123Z"},
      {"2026-01-01T00:30:00+0100", "2025-12-31T23:30:00.000Z"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseTimestamp(c.text);
    ASSERT_TRUE(parsed.has_value()) << c.text;
    EXPECT_EQ(FormatTimestamp(*parsed), c.expected);
  }
}

TEST(ManualClock, StartsWhereToldAndMovesOnlyWhenTold) {
  ManualClock clock(SampleTime());
  EXPECT_EQ(clock.Now(), SampleTime());
  EXPECT_EQ(clock.Now(), SampleTime());

  clock.Advance(1h);
  EXPECT_EQ(FormatTimestamp(clock.Now()), "2026-11-27T14:54:34.123Z");
  clock.Advance(std::chrono::days(5));
  EXPECT_EQ(FormatTimestamp(clock.Now()), "2026-12-02T14:54:34.123Z");
  clock.Advance(877ms);
  EXPECT_EQ(FormatTimestamp(clock.Now()), "2026-12-02T14:54:35.000Z");
  clock.Advance(-1000ms);
  EXPECT_EQ(FormatTimestamp(clock.Now()), "2026-12-02T14:54:34.000Z");

  clock.Set(Timestamp{});
  EXPECT_EQ(clock.Now(), Timestamp{});
  EXPECT_EQ(FormatTimestamp(clock.Now()), "1970-01-01T00:00:00.000Z");
}

TEST(ManualClock, UsableThroughTheClockInterface) {
  ManualClock manual(SampleTime());
  const Clock& clock = manual;
  manual.Advance(24h);
  EXPECT_EQ(FormatTimestamp(clock.Now()), "2026-11-28T13:54:34.123Z");
}

TEST(SystemClock, ReadsTheSystemTimeInMilliseconds) {
  SystemClock clock;
  const auto before = std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now());
  const Timestamp now = clock.Now();
  const auto after = std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now());
  EXPECT_LE(before, now);
  EXPECT_LE(now, after + 1ms);
}

}  // namespace
}  // namespace ctem
