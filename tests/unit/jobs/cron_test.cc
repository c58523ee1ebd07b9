// The five-field cron matcher: parsing, errors that name the field, and next-run times.
#include "jobs/cron.h"

#include <gtest/gtest.h>

namespace ctem::jobs {
namespace {

Timestamp T(const char* iso) {
  return *ParseTimestamp(iso);
}

std::string Next(const char* expr, const char* after) {
  auto c = CronSchedule::Parse(expr);
  EXPECT_TRUE(c.has_value()) << expr << ": " << c.error().message;
  return c ? FormatTimestamp(c->NextAfter(T(after))) : "";
}

TEST(CronTest, SeedScheduleRunsDailyAtEightUtc) {
  EXPECT_EQ(Next("0 8 * * *", "2026-11-23T07:59:59Z"), "2026-11-23T08:00:00.000Z");
  EXPECT_EQ(Next("0 8 * * *", "2026-11-23T08:00:00Z"), "2026-11-24T08:00:00.000Z");  // strictly after
  EXPECT_EQ(Next("0 8 * * *", "2026-11-23T08:00:00.500Z"), "2026-11-24T08:00:00.000Z");
  EXPECT_EQ(Next("0 8 * * *", "2026-12-31T09:00:00Z"), "2027-01-01T08:00:00.000Z");
}

TEST(CronTest, ListsRangesStepsAndNames) {
  EXPECT_EQ(Next("*/15 * * * *", "2026-11-23T10:07:00Z"), "2026-11-23T10:15:00.000Z");
  EXPECT_EQ(Next("0-30/10 9 * * *", "2026-11-23T09:25:00Z"), "2026-11-23T09:30:00.000Z");
  EXPECT_EQ(Next("5,35 * * * *", "2026-11-23T10:06:00Z"), "2026-11-23T10:35:00.000Z");
  EXPECT_EQ(Next("0 6 * * mon", "2026-11-23T06:00:00Z"), "2026-11-30T06:00:00.000Z");      // 23rd is a Monday
  EXPECT_EQ(Next("0 6 * * MON-FRI", "2026-11-27T07:00:00Z"), "2026-11-30T06:00:00.000Z");  // Fri -> Mon
  EXPECT_EQ(Next("0 0 1 jan *", "2026-11-23T00:00:00Z"), "2027-01-01T00:00:00.000Z");
  EXPECT_EQ(Next("0 0 * * 7", "2026-11-23T00:00:00Z"), "2026-11-29T00:00:00.000Z");  // 7 is Sunday
  EXPECT_EQ(Next("30 4/6 * * *", "2026-11-23T05:00:00Z"), "2026-11-23T10:30:00.000Z");
}

TEST(CronTest, DayOfMonthOrDayOfWeekWhenBothRestricted) {
  // Vixie cron: the 1st of the month OR any Friday.
  EXPECT_EQ(Next("0 0 1 * fri", "2026-11-23T00:00:00Z"), "2026-11-27T00:00:00.000Z");
  EXPECT_EQ(Next("0 0 1 * fri", "2026-11-28T00:00:00Z"), "2026-12-01T00:00:00.000Z");
  // With one of them '*', both must hold.
  EXPECT_EQ(Next("0 0 * 12 fri", "2026-11-23T00:00:00Z"), "2026-12-04T00:00:00.000Z");
}

TEST(CronTest, LeapDayAndMacros) {
  EXPECT_EQ(Next("0 0 29 2 *", "2026-03-01T00:00:00Z"), "2028-02-29T00:00:00.000Z");
  EXPECT_EQ(Next("@daily", "2026-11-23T12:00:00Z"), "2026-11-24T00:00:00.000Z");
  EXPECT_EQ(Next("@hourly", "2026-11-23T12:00:00Z"), "2026-11-23T13:00:00.000Z");
  EXPECT_EQ(Next("@weekly", "2026-11-23T12:00:00Z"), "2026-11-29T00:00:00.000Z");
  EXPECT_EQ(Next("@monthly", "2026-11-23T12:00:00Z"), "2026-12-01T00:00:00.000Z");
  EXPECT_EQ(Next("@yearly", "2026-11-23T12:00:00Z"), "2027-01-01T00:00:00.000Z");
}

TEST(CronTest, MatchesAtMinuteResolution) {
  auto c = CronSchedule::Parse("0 8 * * *");
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->Matches(T("2026-11-23T08:00:00Z")));
  EXPECT_TRUE(c->Matches(T("2026-11-23T08:00:59.999Z")));
  EXPECT_FALSE(c->Matches(T("2026-11-23T08:01:00Z")));
}

TEST(CronTest, ErrorsNameTheFieldAndTheProblem) {
  auto expect_error = [](const char* expr, const char* words) {
    auto c = CronSchedule::Parse(expr);
    ASSERT_FALSE(c.has_value()) << expr;
    EXPECT_NE(c.error().message.find(words), std::string::npos) << c.error().message;
  };
  expect_error("0 8 * *", "expected 5 fields");
  expect_error("60 8 * * *", "minute field '60': 60 is outside 0-59");
  expect_error("0 24 * * *", "hour field");
  expect_error("0 8 0 * *", "day-of-month field");
  expect_error("0 8 * 13 *", "month field");
  expect_error("0 8 * * 8", "day-of-week field");
  expect_error("0 8 * * funday", "'funday' is not a number");
  expect_error("*/0 * * * *", "step '0'");
  expect_error("0 8 5-1 * *", "runs backwards");
  expect_error("0 0 30 2 *", "never fires");
  expect_error("@sometimes", "unknown macro");
}

}  // namespace
}  // namespace ctem::jobs
