// format_http_date, parse_http_date and log_date_time_string (see netkit/http/http_date.hpp).
// parse_http_date follows email._parseaddr._parsedate_tz step by step: its leniency is the
// behaviour to match, so the structure is kept recognisable.
#include "netkit/http/http_date.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "netkit/error.hpp"

namespace netkit::http {
namespace {

constexpr std::array<const char*, 7> weekday_names = {"Mon", "Tue", "Wed", "Thu",
                                                      "Fri", "Sat", "Sun"};
constexpr std::array<const char*, 12> month_abbr = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 24> month_names = {
    "jan", "feb",  "mar",  "apr",    "may",       "jun",      "jul",      "aug",
    "sep", "oct",  "nov",  "dec",    "january",   "february", "march",    "april",
    "may", "june", "july", "august", "september", "october",  "november", "december"};
constexpr std::array<std::string_view, 7> day_names = {"mon", "tue", "wed", "thu",
                                                       "fri", "sat", "sun"};

constexpr std::int64_t min_datetime = -62135596800;  // 0001-01-01T00:00:00Z
constexpr std::int64_t max_datetime = 253402300799;  // 9999-12-31T23:59:59Z

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil {
  std::int64_t year;
  unsigned month, day;
};

civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

// str.isspace() for the Latin-1 characters.
bool is_space(unsigned char c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0;
}

// str.isdigit() for the Latin-1 characters: the ASCII digits and ² ³ ¹.
bool is_digit(unsigned char c) {
  return (c >= '0' && c <= '9') || c == 0xB2 || c == 0xB3 || c == 0xB9;
}

std::string ascii_lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string ascii_upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

// str.split() (on whitespace) and str.split(sep).
std::vector<std::string> split_whitespace(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(static_cast<unsigned char>(s[i]))) ++i;
    std::size_t j = i;
    while (j < s.size() && !is_space(static_cast<unsigned char>(s[j]))) ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = s.find(sep, start);
    out.emplace_back(s.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

// int(s) for a str without whitespace: an optional sign, then ASCII digits with single
// underscores between them. Magnitudes beyond 10^15 saturate there: every use below rejects
// them, as Python's datetime and timedelta do.
std::optional<std::int64_t> py_int(std::string_view s) {
  constexpr std::int64_t cap = 1'000'000'000'000'000;
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  if (i == s.size()) return std::nullopt;
  std::int64_t v = 0;
  bool digit_before = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '_') {
      if (!digit_before || i + 1 == s.size()) return std::nullopt;
      digit_before = false;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    digit_before = true;
    v = v >= cap ? cap : v * 10 + (c - '0');
  }
  return negative ? -v : v;
}

int month_index(const std::string& lowered) {
  for (std::size_t i = 0; i < month_names.size(); ++i)
    if (month_names[i] == lowered) return static_cast<int>(i);
  return -1;
}

int zone_table(const std::string& upper) {
  static constexpr std::pair<std::string_view, int> zones[] = {
      {"UT", 0},     {"UTC", 0},    {"GMT", 0},    {"Z", 0},      {"AST", -400},
      {"ADT", -300}, {"EST", -500}, {"EDT", -400}, {"CST", -600}, {"CDT", -500},
      {"MST", -700}, {"MDT", -600}, {"PST", -800}, {"PDT", -700}};
  for (const auto& [name, offset] : zones)
    if (name == upper) return offset;
  return 1;  // not a zone name (no entry has this value)
}

struct parsed_date {
  std::int64_t time;                   // the fields read as UTC
  std::optional<std::int64_t> offset;  // seconds east of UTC; nullopt for -0000 or no zone
};

// email._parseaddr._parsedate_tz, then the checks datetime() and timezone() make.
std::optional<parsed_date> parse(std::string_view value) {
  std::vector<std::string> data = split_whitespace(value);
  if (data.empty()) return std::nullopt;
  if ((!data[0].empty() && data[0].back() == ',') ||
      std::find(day_names.begin(), day_names.end(), ascii_lower(data[0])) != day_names.end()) {
    data.erase(data.begin());
  } else if (const auto i = data[0].rfind(','); i != std::string::npos) {
    data[0] = data[0].substr(i + 1);
  }
  if (data.size() == 3) {  // RFC 850
    std::vector<std::string> stuff = split(data[0], '-');
    if (stuff.size() == 3) {
      stuff.push_back(data[1]);
      stuff.push_back(data[2]);
      data = std::move(stuff);
    }
  }
  if (data.size() == 4) {
    const std::string s = data[3];
    auto i = s.find('+');
    if (i == std::string::npos) i = s.find('-');
    if (i != std::string::npos && i > 0) {
      data[3] = s.substr(0, i);
      data.push_back(s.substr(i));
    } else {
      data.emplace_back();  // no zone
    }
  }
  if (data.size() < 5) return std::nullopt;
  std::string dd = data[0], mm = data[1], yy = data[2], tm = data[3], tz = data[4];
  if (dd.empty() || mm.empty() || yy.empty()) return std::nullopt;
  mm = ascii_lower(mm);
  int month = month_index(mm);
  if (month < 0) {
    std::string lowered_dd = ascii_lower(dd);
    dd = mm;
    mm = lowered_dd;
    month = month_index(mm);
    if (month < 0) return std::nullopt;
  }
  month = month % 12 + 1;
  if (dd.back() == ',') dd.pop_back();
  if (const auto i = yy.find(':'); i != std::string::npos && i > 0) std::swap(yy, tm);
  if (yy.back() == ',') {
    yy.pop_back();
    if (yy.empty()) return std::nullopt;
  }
  if (!is_digit(static_cast<unsigned char>(yy[0]))) std::swap(yy, tz);
  if (!tm.empty() && tm.back() == ',') tm.pop_back();
  std::vector<std::string> hms = split(tm, ':');
  if (hms.size() == 2) {
    hms.emplace_back("0");
  } else if (hms.size() == 1 && hms[0].find('.') != std::string::npos) {
    hms = split(hms[0], '.');
    if (hms.size() == 2) hms.emplace_back("0");
    if (hms.size() != 3) return std::nullopt;
  } else if (hms.size() != 3) {
    return std::nullopt;
  }
  const auto year = py_int(yy), day = py_int(dd), hour = py_int(hms[0]), minute = py_int(hms[1]),
             second = py_int(hms[2]);
  if (!year || !day || !hour || !minute || !second) return std::nullopt;
  std::int64_t y = *year;
  if (y < 100) y += y > 68 ? 1900 : 2000;

  std::optional<std::int64_t> offset;
  tz = ascii_upper(tz);
  if (const int named = zone_table(tz); named != 1) {
    offset = named;
  } else if (const auto number = py_int(tz)) {
    offset = *number;
    if (*number == 0 && tz[0] == '-') offset.reset();
  }
  if (offset && *offset != 0) {
    const std::int64_t sign = *offset < 0 ? -1 : 1;
    const std::int64_t magnitude = *offset < 0 ? -*offset : *offset;
    offset = sign * ((magnitude / 100) * 3600 + (magnitude % 100) * 60);
  }

  // datetime(...) and timezone(timedelta(seconds=offset)) raise outside these bounds.
  if (y < 1 || y > 9999 || *day < 1 || *day > days_in_month(y, static_cast<unsigned>(month)) ||
      *hour < 0 || *hour > 23 || *minute < 0 || *minute > 59 || *second < 0 || *second > 59)
    return std::nullopt;
  if (offset && (*offset <= -86400 || *offset >= 86400)) return std::nullopt;
  const std::int64_t t =
      days_from_civil(y, static_cast<unsigned>(month), static_cast<unsigned>(*day)) * 86400 +
      *hour * 3600 + *minute * 60 + *second;
  return parsed_date{t, offset};
}

}  // namespace

std::string format_http_date(std::time_t t) {
  const auto s = static_cast<std::int64_t>(t);
  if (s < min_datetime || s > max_datetime)
    throw value_error("format_http_date: year is out of range");
  const std::int64_t days = (s >= 0 ? s : s - 86399) / 86400;
  const std::int64_t secs = s - days * 86400;
  const civil c = civil_from_days(days);
  const auto weekday = static_cast<std::size_t>(((days % 7) + 7 + 3) % 7);  // 1970-01-01: Thu
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04lld %02d:%02d:%02d GMT", weekday_names[weekday],
                c.day, month_abbr[c.month - 1], static_cast<long long>(c.year),
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60));
  return buf;
}

std::optional<std::time_t> parse_http_date(std::string_view value) {
  const auto p = parse(value);
  if (!p) return std::nullopt;
  return static_cast<std::time_t>(p->time - p->offset.value_or(0));
}

std::optional<std::time_t> if_modified_since(std::string_view value) {
  const auto p = parse(value);
  if (!p || p->offset.value_or(0) != 0) return std::nullopt;
  return static_cast<std::time_t>(p->time);
}

std::string log_date_time_string(std::time_t t) {
  std::tm tm{};
  if (!localtime_r(&t, &tm)) throw value_error("log_date_time_string: time is out of range");
  char buf[64];
  std::snprintf(buf, sizeof buf, "%02d/%3s/%04d %02d:%02d:%02d", tm.tm_mday,
                month_abbr[static_cast<std::size_t>(tm.tm_mon)], tm.tm_year + 1900, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace netkit::http
