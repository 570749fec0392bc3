// apps/netkit/struct.cpp — `netkit struct`: Python's struct.pack / unpack / calcsize from the
// command line, and the JSON line mode of SPEC.md section 4.
//
//   $ netkit struct pack "I 2s f" 1 ab 2.7        ->  0100000061620000cdcc2c40
//   $ netkit struct unpack "I 2s f" 0100000061620000cdcc2c40
//   (1, b'ab', 2.700000047683716)
//   $ netkit struct calcsize "@bq"                ->  16
//   $ echo '["<hd", 1, "nan"]' | netkit struct pack --json -
//   {"input":["<hd",1,"nan"],"hex":"0100000000000000f87f"}
//
// Plain values: s, p and c take the argument's bytes; elsewhere True/False/None, a decimal int
// (any size) or a float (nan, inf). JSON values: s, p and c take hex strings; elsewhere a JSON
// number, true/false, null, "nan"/"inf"/"-inf", or a decimal string for an int beyond 2^53 (any
// other string is a Python str). Errors: {"input": ..., "error": "<Python class>"}, struct.error
// being "error"; --messages adds Python's message as "message".
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <iostream>
#include <memory>
#include <new>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "command.hpp"
#include "json_lines.hpp"
#include "netkit/struct.hpp"

namespace netkit::app {
namespace {

using json = nlohmann::ordered_json;

struct struct_options {
  bool json = false;
  bool messages = false;
  std::vector<std::string> args;
};

// An exception Python would raise while preparing the inputs (not struct's own).
class python_exception : public std::runtime_error {
 public:
  python_exception(std::string cls, const std::string& message)
      : std::runtime_error(message), cls_(std::move(cls)) {}
  const std::string& cls() const { return cls_; }

 private:
  std::string cls_;
};

bool py_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// bytes.fromhex(text): pairs of hex digits, ASCII whitespace allowed between pairs.
bytes from_hex(std::string_view text) {
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  bytes out;
  out.reserve(text.size() / 2);
  std::size_t i = 0;
  while (i < text.size()) {
    if (py_space(text[i])) {
      ++i;
      continue;
    }
    const int hi = digit(text[i]);
    const int lo = i + 1 < text.size() ? digit(text[i + 1]) : -1;
    if (hi < 0 || lo < 0) {
      const std::size_t at = hi < 0 ? i : i + 1;
      throw python_exception(
          "ValueError",
          "non-hexadecimal number found in fromhex() arg at position " + std::to_string(at));
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// The code each packed item goes to ('s', 'p', 'c', ...), from a format Struct accepted.
std::vector<char> item_codes(std::string_view format) {
  std::vector<char> codes;
  std::size_t i = 0;
  if (!format.empty() && std::string_view("@=<>!").find(format[0]) != std::string_view::npos) i = 1;
  while (i < format.size()) {
    char c = format[i++];
    if (py_space(c)) continue;
    std::size_t num = 1;
    if (c >= '0' && c <= '9') {
      num = 0;
      --i;
      while (format[i] >= '0' && format[i] <= '9')
        num = num * 10 + static_cast<std::size_t>(format[i++] - '0');
      c = format[i++];
    }
    if (c == 's' || c == 'p') {
      codes.push_back(c);
    } else if (c != 'x') {
      // A repeat count is bounded by the struct's size (or by zero-size codes' absence).
      for (std::size_t k = 0; k < num && codes.size() < (1U << 24); ++k) codes.push_back(c);
    }
  }
  return codes;
}

bool is_decimal(std::string_view s) {
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

struct_value special_float(std::string_view s, bool& matched) {
  matched = true;
  if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (s == "inf") return std::numeric_limits<double>::infinity();
  if (s == "-inf") return -std::numeric_limits<double>::infinity();
  matched = false;
  return {};
}

struct_value value_from_json(const json& j, char code) {
  const bool bytes_code = code == 's' || code == 'p' || code == 'c';
  switch (j.type()) {
    case json::value_t::null: return {};
    case json::value_t::boolean: return j.get<bool>();
    case json::value_t::number_integer: return j.get<std::int64_t>();
    case json::value_t::number_unsigned: return j.get<std::uint64_t>();
    case json::value_t::number_float: return j.get<double>();
    case json::value_t::string: {
      const auto& s = j.get_ref<const std::string&>();
      if (bytes_code) return from_hex(s);
      if (is_decimal(s)) return struct_value::from_decimal(s);
      bool matched = false;
      struct_value f = special_float(s, matched);
      if (matched) return f;
      // A Python str: struct treats it as it treats bytes everywhere but s, p and c.
      return bytes(s);
    }
    default: throw python_exception("TypeError", "unsupported JSON value");
  }
}

json value_to_json(const struct_value& v) {
  switch (v.type()) {
    case struct_value::kind::none: return nullptr;
    case struct_value::kind::boolean: return v.as_bool();
    case struct_value::kind::integer: {
      if (v.is_big_int()) return v.big_text();
      const struct_int i = v.as_int();
      if (i.magnitude() > (std::uint64_t{1} << 53)) return i.str();
      if (i.negative()) return i.to_int64();
      return i.to_uint64();
    }
    case struct_value::kind::floating: {
      const double d = v.as_float();
      if (std::isnan(d)) return "nan";
      if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
      return d;
    }
    case struct_value::kind::byte_string: return to_hex(v.as_bytes());
  }
  return nullptr;
}

// struct.Struct(format) for a Python str: ASCII only, or Python's UnicodeEncodeError, whose
// positions count code points.
void check_ascii(std::string_view format) {
  std::size_t i = 0;
  std::size_t position = 0;
  std::size_t first = 0;
  std::size_t run = 0;
  std::uint32_t first_char = 0;
  while (i < format.size()) {
    const auto c = static_cast<unsigned char>(format[i]);
    std::uint32_t cp = c;
    std::size_t len = 1;
    if (c >= 0xf0) {
      len = 4;
      cp = c & 0x07U;
    } else if (c >= 0xe0) {
      len = 3;
      cp = c & 0x0fU;
    } else if (c >= 0xc0) {
      len = 2;
      cp = c & 0x1fU;
    }
    for (std::size_t k = 1; k < len && i + k < format.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(format[i + k]) & 0x3fU);
    }
    if (cp >= 0x80) {
      if (run == 0) {
        first = position;
        first_char = cp;
      }
      ++run;
    } else if (run != 0) {
      break;
    }
    i += len;
    ++position;
  }
  if (run == 0) return;
  std::string message = "'ascii' codec can't encode ";
  if (run == 1) {
    char buf[16];
    const char* form = first_char <= 0xff     ? "\\x%02x"
                       : first_char <= 0xffff ? "\\u%04x"
                                              : "\\U%08x";
    std::snprintf(buf, sizeof buf, form, static_cast<unsigned>(first_char));
    message += "character '" + std::string(buf) + "' in position " + std::to_string(first);
  } else {
    message +=
        "characters in position " + std::to_string(first) + "-" + std::to_string(first + run - 1);
  }
  throw python_exception("UnicodeEncodeError", message + ": ordinal not in range(128)");
}

enum class mode { pack, unpack, calcsize };

// One JSON-mode input line to one output object.
json answer(mode m, const std::string& line, bool messages) {
  json input;
  json out;
  auto error = [&](const std::string& cls, const char* message) {
    out = json::object();
    out["input"] = input;
    out["error"] = cls;
    if (messages) out["message"] = message;
  };
  try {
    if (m == mode::calcsize) {
      input = !line.empty() && line.front() == '"' ? json::parse(line).get<std::string>() : line;
    } else {
      input = json::parse(line);
    }
  } catch (const std::exception& e) {
    input = line;
    error("JSONDecodeError", e.what());
    return out;
  }
  try {
    if (m == mode::calcsize) {
      const auto& format = input.get_ref<const std::string&>();
      check_ascii(format);
      out["input"] = input;
      out["size"] = calcsize(format);
      return out;
    }
    if (!input.is_array() || input.empty() || !input[0].is_string()) {
      throw python_exception("TypeError", "input must be [format, ...]");
    }
    const auto& format = input[0].get_ref<const std::string&>();
    check_ascii(format);
    const Struct s(format);
    if (m == mode::unpack) {
      if (input.size() != 2 || !input[1].is_string()) {
        throw python_exception("TypeError", "unpack input must be [format, hex]");
      }
      const bytes data = from_hex(input[1].get_ref<const std::string&>());
      const struct_values values = s.unpack(data);
      json list = json::array();
      for (const auto& v : values) list.push_back(value_to_json(v));
      out["input"] = input;
      out["values"] = std::move(list);
      return out;
    }
    const std::vector<char> codes = item_codes(format);
    std::vector<struct_value> values;
    values.reserve(input.size() - 1);
    for (std::size_t k = 1; k < input.size(); ++k) {
      values.push_back(value_from_json(input[k], k - 1 < codes.size() ? codes[k - 1] : '\0'));
    }
    const bytes packed = s.pack(std::span<const struct_value>(values));
    out["input"] = input;
    out["hex"] = to_hex(packed);
  } catch (const struct_error& e) {
    error("error", e.what());
  } catch (const struct_overflow_error& e) {
    error("OverflowError", e.what());
  } catch (const struct_system_error& e) {
    error("SystemError", e.what());
  } catch (const python_exception& e) {
    error(e.cls(), e.what());
  } catch (const value_error& e) {
    error("ValueError", e.what());
  } catch (const std::bad_alloc& e) {
    error("MemoryError", e.what());
  } catch (const std::length_error& e) {
    error("MemoryError", e.what());
  }
  return out;
}

int run_json(mode m, const struct_options& o) {
  line_writer out;
  for_each_input(o.args,
                 [&](const std::string& input) { out.write_json(answer(m, input, o.messages)); });
  return 0;
}

// A plain command-line value: the argument's bytes for s, p and c; otherwise Python literals.
struct_value value_from_text(const std::string& text, char code) {
  if (code == 's' || code == 'p' || code == 'c') return bytes(text);
  if (text == "True") return true;
  if (text == "False") return false;
  if (text == "None") return {};
  if (is_decimal(text) || (text.size() > 1 && text[0] == '+' && is_decimal(text.substr(1)))) {
    return struct_value::from_decimal(text);
  }
  bool matched = false;
  struct_value f = special_float(text, matched);
  if (matched) return f;
  double d = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec == std::errc() && end == text.data() + text.size()) return d;
  throw usage_error("not a value (True, False, None, an int or a float): " + text);
}

int run_plain(mode m, const struct_options& o) {
  if (o.args.empty()) throw usage_error("a format is required");
  const std::string& format = o.args[0];
  const Struct s(format);
  if (m == mode::calcsize) {
    if (o.args.size() != 1) throw usage_error("calcsize takes only the format");
    std::cout << s.size() << '\n';
  } else if (m == mode::unpack) {
    if (o.args.size() != 2) throw usage_error("unpack takes the format and one hex string");
    std::cout << repr(s.unpack(from_hex(o.args[1]))) << '\n';
  } else {
    const std::vector<char> codes = item_codes(format);
    std::vector<struct_value> values;
    for (std::size_t k = 1; k < o.args.size(); ++k) {
      values.push_back(value_from_text(o.args[k], k - 1 < codes.size() ? codes[k - 1] : '\0'));
    }
    std::cout << to_hex(s.pack(std::span<const struct_value>(values))) << '\n';
  }
  return 0;
}

}  // namespace

command add_struct(CLI::App& app) {
  auto* cmd = app.add_subcommand("struct", "Python's struct module: pack, unpack, calcsize");
  cmd->require_subcommand(1);
  auto o = std::make_shared<struct_options>();
  auto chosen = std::make_shared<mode>(mode::pack);
  struct sub_info {
    const char* name;
    const char* help;
    const char* args_help;
    mode m;
  };
  const sub_info subs[] = {
      {"pack", "struct.pack(FMT, VALUE...) as hex",
       "FMT VALUE... (with --json: JSON inputs [fmt, value...], or -)", mode::pack},
      {"unpack", "struct.unpack(FMT, bytes.fromhex(HEX)) as Python's tuple repr",
       "FMT HEX (with --json: JSON inputs [fmt, hex], or -)", mode::unpack},
      {"calcsize", "struct.calcsize(FMT)", "FMT (with --json: formats, or -)", mode::calcsize},
  };
  for (const auto& info : subs) {
    auto* sub = cmd->add_subcommand(info.name, info.help);
    sub->add_flag("--json", o->json, "JSON line mode (SPEC.md section 4); '-' reads stdin");
    sub->add_flag("--messages", o->messages, "with --json: add Python's error message");
    sub->add_option("args", o->args, info.args_help)->required()->allow_extra_args();
    sub->positionals_at_end(false);
    const mode m = info.m;
    sub->parse_complete_callback([chosen, m] { *chosen = m; });
  }
  // Negative numbers are values here, not options.
  cmd->allow_extras(false);
  return {cmd, [o, chosen] { return o->json ? run_json(*chosen, *o) : run_plain(*chosen, *o); }};
}

}  // namespace netkit::app
