#include "jobs/cron.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <vector>

namespace ctem::jobs {
namespace {

using std::chrono::sys_days;

struct FieldSpec {
  const char* name;
  int min;
  int max;
  std::array<const char*, 12> names;  // names[i] is value names_base + i
  int names_base;
};

constexpr FieldSpec kFields[] = {
    {"minute", 0, 59, {}, 0},
    {"hour", 0, 23, {}, 0},
    {"day-of-month", 1, 31, {}, 0},
    {"month", 1, 12, {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}, 1},
    // 7 is Sunday too; it is folded onto 0 after parsing.
    {"day-of-week", 0, 7, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}, 0},
};

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

Result<int> Value(std::string_view text, const FieldSpec& f) {
  const std::string lower = Lower(text);
  for (size_t i = 0; i < f.names.size(); ++i) {
    if (f.names[i] != nullptr && lower == f.names[i]) return f.names_base + static_cast<int>(i);
  }
  int v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return Fail(Error::InvalidArgument("'" + std::string(text) + "' is not a number"));
  }
  if (v < f.min || v > f.max) {
    return Fail(Error::InvalidArgument(std::to_string(v) + " is outside " + std::to_string(f.min) + "-" +
                                       std::to_string(f.max)));
  }
  return v;
}

// Parses one field into `bits` (index = value).
template <size_t N>
Status ParseField(std::string_view text, const FieldSpec& f, std::bitset<N>& bits) {
  for (std::string_view item : Split(text, ',')) {
    int step = 1;
    if (const size_t slash = item.find('/'); slash != std::string_view::npos) {
      const std::string_view step_text = item.substr(slash + 1);
      const auto [end, ec] = std::from_chars(step_text.data(), step_text.data() + step_text.size(), step);
      if (step_text.empty() || ec != std::errc() || end != step_text.data() + step_text.size() || step < 1) {
        return Fail(
            Error::InvalidArgument("step '" + std::string(step_text) + "' must be a positive number"));
      }
      item = item.substr(0, slash);
    }
    int lo = f.min;
    int hi = f.max;
    if (item != "*") {
      const size_t dash = item.find('-');
      auto first = Value(item.substr(0, dash), f);
      if (!first) return Fail(first.error());
      lo = hi = *first;
      if (dash != std::string_view::npos) {
        auto last = Value(item.substr(dash + 1), f);
        if (!last) return Fail(last.error());
        hi = *last;
        if (hi < lo) return Fail(Error::InvalidArgument("range '" + std::string(item) + "' runs backwards"));
      } else if (step > 1) {
        hi = f.max;  // "5/15" means 5-max/15, as in Vixie cron
      }
    }
    for (int v = lo; v <= hi; v += step) bits.set(static_cast<size_t>(v));
  }
  return {};
}

std::string_view Macro(std::string_view expr) {
  if (expr == "@yearly" || expr == "@annually") return "0 0 1 1 *";
  if (expr == "@monthly") return "0 0 1 * *";
  if (expr == "@weekly") return "0 0 * * 0";
  if (expr == "@daily" || expr == "@midnight") return "0 0 * * *";
  if (expr == "@hourly") return "0 * * * *";
  return {};
}

}  // namespace

Result<CronSchedule> CronSchedule::Parse(std::string_view expression) {
  CronSchedule s;
  s.expression_ = std::string(expression);
  std::string_view text = expression;
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (text.starts_with('@')) {
    const std::string_view expanded = Macro(Lower(text));
    if (expanded.empty()) {
      return Fail(Error::InvalidArgument(
          "cron '" + s.expression_ + "': unknown macro (use @yearly, @monthly, @weekly, @daily or @hourly)"));
    }
    text = expanded;
  }
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  if (fields.size() != 5) {
    return Fail(Error::InvalidArgument(
        "cron '" + s.expression_ + "': expected 5 fields (minute hour day-of-month " +
        "month day-of-week), e.g. \"0 8 * * *\"; got " + std::to_string(fields.size())));
  }
  auto field_error = [&](int f, const Error& e) {
    return Fail(Error::InvalidArgument("cron '" + s.expression_ + "': " + kFields[f].name + " field '" +
                                       std::string(fields[static_cast<size_t>(f)]) + "': " + e.message));
  };
  if (auto st = ParseField(fields[0], kFields[0], s.minutes_); !st) return field_error(0, st.error());
  if (auto st = ParseField(fields[1], kFields[1], s.hours_); !st) return field_error(1, st.error());
  if (auto st = ParseField(fields[2], kFields[2], s.days_of_month_); !st) return field_error(2, st.error());
  if (auto st = ParseField(fields[3], kFields[3], s.months_); !st) return field_error(3, st.error());
  std::bitset<8> dow;
  if (auto st = ParseField(fields[4], kFields[4], dow); !st) return field_error(4, st.error());
  for (size_t d = 0; d < 7; ++d) s.days_of_week_[d] = dow[d];
  if (dow[7]) s.days_of_week_.set(0);
  s.dom_star_ = fields[2].starts_with('*');
  s.dow_star_ = fields[4].starts_with('*');
  // Some day in any 8 consecutive years matches whatever can ever match (29 February included).
  if (!s.FindAfter(Timestamp(sys_days(std::chrono::year(2000) / 1 / 1)))) {
    return Fail(Error::InvalidArgument("cron '" + s.expression_ + "' never fires (no such date)"));
  }
  return s;
}

bool CronSchedule::DayMatches(sys_days day) const {
  const std::chrono::year_month_day ymd{day};
  if (!months_[static_cast<unsigned>(ymd.month())]) return false;
  const bool dom = days_of_month_[static_cast<unsigned>(ymd.day())];
  const bool dow = days_of_week_[std::chrono::weekday(day).c_encoding()];
  if (dom_star_ || dow_star_) return dom && dow;
  return dom || dow;
}

bool CronSchedule::Matches(Timestamp t) const {
  const sys_days day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::hh_mm_ss hms{t - day};
  return DayMatches(day) && hours_[static_cast<size_t>(hms.hours().count())] &&
         minutes_[static_cast<size_t>(hms.minutes().count())];
}

std::optional<Timestamp> CronSchedule::FindAfter(Timestamp t) const {
  using std::chrono::minutes;
  const auto start = std::chrono::floor<minutes>(t) + minutes(1);
  sys_days day = std::chrono::floor<std::chrono::days>(start);
  auto minute_of_day = static_cast<int>((start - day) / minutes(1));
  // Day by day (at most 8 years), then the first matching hour and minute of that day.
  for (int n = 0; n < 366 * 8 + 2; ++n, ++day, minute_of_day = 0) {
    if (!DayMatches(day)) continue;
    for (int m = minute_of_day; m < 24 * 60; ++m) {
      if (hours_[static_cast<size_t>(m / 60)] && minutes_[static_cast<size_t>(m % 60)]) {
        return Timestamp(day) + minutes(m);
      }
    }
  }
  return std::nullopt;
}

Timestamp CronSchedule::NextAfter(Timestamp t) const {
  // Parse proved that the schedule fires; within 8 years of any time it does again.
  return FindAfter(t).value_or(Timestamp::max());
}

}  // namespace ctem::jobs
