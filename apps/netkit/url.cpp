// apps/netkit/url.cpp — `netkit url ACTION INPUT…`: urllib.parse from the command line, and the
// JSON line mode of SPEC.md section 4 (one process answers a million inputs).
//
//   $ netkit url parse 'http://u:p@Host:80/a;x?q#f'
//   ParseResult(scheme='http', netloc='u:p@Host:80', path='/a', params='x', query='q',
//   fragment='f') $ netkit url join http://a/b/c ../d http://a/d $ printf 'http://[::1]:99999/\n' |
//   netkit url split --json -
//   {"input":"http://[::1]:99999/","scheme":"http",...,"hostname":"::1","port":{"error":"ValueError"}}
//
// With `-` as the input, lines are read from stdin: the raw text of each line (its '\n'
// removed), or with --json-input a JSON string per line (so that any text, newlines included,
// can be given). `join` takes two inputs, BASE URL; in the line mode each line is the JSON array
// [base, url].
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "command.hpp"
#include "json_lines.hpp"
#include "netkit/repr.hpp"
#include "netkit/url.hpp"

namespace netkit::app {
namespace {

using json = nlohmann::ordered_json;

struct url_options {
  std::string action;
  std::vector<std::string> inputs;
  bool json_mode = false;
  bool json_input = false;
  std::string scheme;
  bool no_fragments = false;
  std::optional<std::string> safe;
  bool keep_blank_values = false;
  bool strict_parsing = false;
  std::optional<long long> max_num_fields;
  std::string separator = "&";
};

json optional_json(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

// The netloc attributes; port's access may raise, which the JSON mode reports in its place.
template <typename Result>
void add_netloc_fields(json& out, const Result& r) {
  out["username"] = optional_json(r.username());
  out["password"] = optional_json(r.password());
  out["hostname"] = optional_json(r.hostname());
  try {
    const std::optional<int> port = r.port();
    out["port"] = port ? json(*port) : json(nullptr);
  } catch (const value_error&) {
    out["port"] = json{{"error", "ValueError"}};
  }
}

json split_json(const url::split_result& r, json out) {
  out["scheme"] = r.scheme;
  out["netloc"] = r.netloc;
  out["path"] = r.path;
  out["query"] = r.query;
  out["fragment"] = r.fragment;
  add_netloc_fields(out, r);
  return out;
}

json parse_json(const url::parse_result& r, json out) {
  out["scheme"] = r.scheme;
  out["netloc"] = r.netloc;
  out["path"] = r.path;
  out["params"] = r.params;
  out["query"] = r.query;
  out["fragment"] = r.fragment;
  add_netloc_fields(out, r);
  return out;
}

// Python's repr of parse_qsl's list of tuples.
std::string pairs_repr(const url::query_list& pairs) {
  std::string out = "[";
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (i != 0) out += ", ";
    out += "(" + repr_str(pairs[i].first) + ", " + repr_str(pairs[i].second) + ")";
  }
  return out + "]";
}

class runner {
 public:
  explicit runner(const url_options& o) : o_(o) {
    qs_.keep_blank_values = o.keep_blank_values;
    qs_.strict_parsing = o.strict_parsing;
    qs_.max_num_fields = o.max_num_fields;
    qs_.separator = o_.separator;
  }

  // One input (a string, or [base, url] for join): one output line.
  void answer(const json& input) {
    if (!o_.json_mode) {
      out_.line(text_answer(input));
      return;
    }
    json out;
    out["input"] = input;
    try {
      out = json_answer(input, std::move(out));
    } catch (const value_error&) {
      out = json{{"input", input}, {"error", "ValueError"}};
    }
    out_.write_json(out);
  }

  // A stdin line that is not a usable input: reported in the line mode, fatal otherwise.
  void bad_input(const std::string& line, const std::string& why) {
    if (!o_.json_mode) throw usage_error("bad input line: " + why);
    out_.write_json(json{{"input", line}, {"error", "InputError"}});
  }

 private:
  bool allow_fragments() const { return !o_.no_fragments; }

  std::string safe_or(std::string_view fallback) const {
    return o_.safe ? *o_.safe : std::string(fallback);
  }

  json json_answer(const json& input, json out) {
    const std::string& a = o_.action;
    if (a == "join") {
      out["result"] = url::urljoin(input.at(0).get_ref<const std::string&>(),
                                   input.at(1).get_ref<const std::string&>(), allow_fragments());
      return out;
    }
    const std::string& text = input.get_ref<const std::string&>();
    if (a == "parse") return parse_json(url::urlparse(text, o_.scheme, allow_fragments()), out);
    if (a == "split") return split_json(url::urlsplit(text, o_.scheme, allow_fragments()), out);
    if (a == "parse_qsl") {
      json pairs = json::array();
      for (auto& [name, value] : url::parse_qsl(text, qs_)) pairs.push_back({name, value});
      out["result"] = std::move(pairs);
      return out;
    }
    out["result"] = simple(text);
    return out;
  }

  std::string text_answer(const json& input) {
    const std::string& a = o_.action;
    if (a == "join")
      return url::urljoin(input.at(0).get_ref<const std::string&>(),
                          input.at(1).get_ref<const std::string&>(), allow_fragments());
    const std::string& text = input.get_ref<const std::string&>();
    if (a == "parse") return repr(url::urlparse(text, o_.scheme, allow_fragments()));
    if (a == "split") return repr(url::urlsplit(text, o_.scheme, allow_fragments()));
    if (a == "parse_qsl") return pairs_repr(url::parse_qsl(text, qs_));
    return simple(text);
  }

  std::string simple(const std::string& text) const {
    const std::string& a = o_.action;
    if (a == "quote") return url::quote(text, safe_or("/"));
    if (a == "quote_plus") return url::quote_plus(text, safe_or(""));
    if (a == "unquote") return url::unquote(text);
    return url::unquote_plus(text);
  }

  const url_options& o_;
  url::parse_qs_options qs_;
  line_writer out_;
};

int run_url(const url_options& o) {
  runner r(o);
  const bool join = o.action == "join";
  if (!inputs_from_stdin(o.inputs)) {
    if (join) {
      if (o.inputs.size() != 2) throw usage_error("join takes two inputs: BASE URL");
      r.answer(json::array({o.inputs[0], o.inputs[1]}));
      return 0;
    }
    for (const std::string& input : o.inputs) r.answer(json(input));
    return 0;
  }
  for_each_stdin_line([&](const std::string& line) {
    if (!join && !o.json_input) {
      r.answer(json(line));
      return;
    }
    json input = json::parse(line, nullptr, false);
    const bool ok =
        join ? input.is_array() && input.size() == 2 && input[0].is_string() && input[1].is_string()
             : input.is_string();
    if (ok) {
      r.answer(input);
    } else {
      r.bad_input(line, join ? "expected a JSON array [base, url]" : "expected a JSON string");
    }
  });
  return 0;
}

}  // namespace

command add_url(CLI::App& app) {
  auto o = std::make_shared<url_options>();
  CLI::App* cmd = app.add_subcommand(
      "url", "urllib.parse: parse, split, join, quote and unquote URLs, parse query strings");
  cmd->add_option("action", o->action, "what to do")
      ->required()
      ->check(CLI::IsMember({"parse", "split", "join", "quote", "quote_plus", "unquote",
                             "unquote_plus", "parse_qsl"}));
  cmd->add_option("inputs", o->inputs, "the inputs (join: BASE URL), or - to read lines from stdin")
      ->required();
  cmd->add_flag("--json", o->json_mode, "one JSON object per input (SPEC.md section 4)");
  cmd->add_flag("--json-input", o->json_input, "each stdin line is a JSON string");
  cmd->add_option("--scheme", o->scheme, "parse/split: the default scheme");
  cmd->add_flag("--no-fragments", o->no_fragments, "parse/split/join: allow_fragments=False");
  cmd->add_option("--safe", o->safe, "quote/quote_plus: characters not to quote");
  cmd->add_flag("--keep-blank-values", o->keep_blank_values, "parse_qsl: keep_blank_values=True");
  cmd->add_flag("--strict-parsing", o->strict_parsing, "parse_qsl: strict_parsing=True");
  cmd->add_option("--max-num-fields", o->max_num_fields, "parse_qsl: max_num_fields");
  cmd->add_option("--separator", o->separator, "parse_qsl: the separator (default &)");
  return {cmd, [o] { return run_url(*o); }};
}

}  // namespace netkit::app
