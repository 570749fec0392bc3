// Every vector of tests/data/http/parser_responses.jsonl (how CPython 3.11.7's http.client reads
// well-formed responses, written by tests/tools/gen_http_vectors.py) against parse_response_head
// and body_decoder: status, version, reason, fields, body and whether the connection stays open,
// each response whole and cut in two at a position of its own.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "netkit/http/body_decoder.hpp"
#include "netkit/http/parser.hpp"

namespace {

using json = nlohmann::json;
using namespace netkit::http;

std::filesystem::path vectors_path() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "data" /
         "http" / "parser_responses.jsonl";
}

std::string unhex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// What netkit reads from `wire`, in the shape of a vector (hex strings).
json netkit_reads(const std::string& wire, const std::string& method, std::size_t cut) {
  response_head head;
  parse_error err;
  const parse_status first =
      parse_response_head(std::string_view(wire).substr(0, cut), method, {}, head, err);
  if (first == parse_status::error) return "error at cut: " + err.message;
  if (parse_response_head(wire, method, {}, head, err) != parse_status::complete)
    return "error: " + err.message;
  json fields = json::array();
  for (const header_field& f : head.fields)
    fields.push_back({json(std::string(f.name)), json(std::string(f.value))});
  body_decoder body = body_decoder::for_response(head, {});
  std::string decoded;
  std::string_view rest = std::string_view(wire).substr(head.size);
  const std::size_t k = cut % (rest.size() + 1);
  for (std::string_view piece : {rest.substr(0, k), rest.substr(k)}) {
    while (!piece.empty() && !body.done()) {
      const auto s = body.feed(piece, err);
      if (err.status != 0) return "body error: " + err.message;
      decoded += s.data;
      piece.remove_prefix(s.consumed);
    }
  }
  body.finish(err);  // the vector's wire ends where the peer closed
  if (err.status != 0) return "body error: " + err.message;
  return json{{"version", head.minor_version == 1 ? 11 : 10},
              {"status", head.status},
              {"reason", std::string(head.reason)},
              {"headers", fields},
              {"body", decoded},
              {"will_close", !head.keep_alive}};
}

TEST(ParserDifferential, ResponsesReadAsPythonsHttpClientReadsThem) {
  std::ifstream in(vectors_path());
  ASSERT_TRUE(in) << vectors_path();
  std::string line;
  std::getline(in, line);
  ASSERT_EQ(json::parse(line).at("python"), "3.11.7");
  std::size_t count = 0;
  while (std::getline(in, line)) {
    const json v = json::parse(line);
    const std::string wire = unhex(v.at("wire"));
    json fields = json::array();
    for (const json& f : v.at("headers"))
      fields.push_back({json(unhex(f.at(0))), json(unhex(f.at(1)))});
    const json want = {{"version", v.at("version")},      {"status", v.at("status")},
                       {"reason", unhex(v.at("reason"))}, {"headers", fields},
                       {"body", unhex(v.at("body"))},     {"will_close", v.at("will_close")}};
    const std::size_t cut = (count * 7919) % (wire.size() + 1);
    const json got = netkit_reads(wire, v.at("method"), cut);
    ASSERT_EQ(got.dump(-1, ' ', false, json::error_handler_t::replace),
              want.dump(-1, ' ', false, json::error_handler_t::replace))
        << "vector " << count + 1 << ": " << testing::PrintToString(wire) << " for "
        << v.at("method");
    ++count;
  }
  EXPECT_GT(count, 1000u);
}

}  // namespace
