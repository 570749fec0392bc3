// Every vector of tests/data/url/vectors.jsonl (CPython 3.11.7's answers, written by
// tests/tools/gen_url_vectors.py) against netkit::url.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "../vectors.hpp"
#include "netkit/url.hpp"

namespace {

using netkit_test::hex;
using json = nlohmann::json;
namespace url = netkit::url;

std::filesystem::path vectors_path() { return netkit_test::data_path("url/vectors.jsonl"); }

json opt(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

template <typename Result>
void add_attributes(json& out, const Result& r) {
  out.push_back(opt(r.username()));
  out.push_back(opt(r.password()));
  out.push_back(opt(r.hostname()));
  try {
    const std::optional<int> port = r.port();
    out.push_back(port ? json(*port) : json(nullptr));
  } catch (const netkit::value_error&) {
    out.push_back("ValueError");
  }
  out.push_back(r.geturl());
}

url::parse_qs_options qs_options(const json& a) {
  url::parse_qs_options o;
  o.keep_blank_values = a[1].get<bool>();
  o.strict_parsing = a[2].get<bool>();
  if (!a[3].is_null()) o.max_num_fields = a[3].get<long long>();
  o.separator = a[4].get_ref<const std::string&>();
  return o;
}

std::string s(const json& j) { return j.get<std::string>(); }

// What netkit answers for one vector, in the vector's encoding.
json answer(const std::string& fn, const json& a) {
  try {
    if (fn == "urlsplit") {
      const url::split_result r = url::urlsplit(s(a[0]), s(a[1]), a[2].get<bool>());
      json out = {r.scheme, r.netloc, r.path, r.query, r.fragment};
      add_attributes(out, r);
      return out;
    }
    if (fn == "urlparse") {
      const url::parse_result r = url::urlparse(s(a[0]), s(a[1]), a[2].get<bool>());
      json out = {r.scheme, r.netloc, r.path, r.params, r.query, r.fragment};
      add_attributes(out, r);
      return out;
    }
    if (fn == "urlunsplit") return url::urlunsplit(s(a[0]), s(a[1]), s(a[2]), s(a[3]), s(a[4]));
    if (fn == "urlunparse")
      return url::urlunparse(s(a[0]), s(a[1]), s(a[2]), s(a[3]), s(a[4]), s(a[5]));
    if (fn == "urljoin") return url::urljoin(s(a[0]), s(a[1]), a[2].get<bool>());
    if (fn == "urldefrag") {
      const url::defrag_result r = url::urldefrag(s(a[0]));
      return {r.url, r.fragment};
    }
    if (fn == "quote") return url::quote(s(a[0]), s(a[1]));
    if (fn == "quote_plus") return url::quote_plus(s(a[0]), s(a[1]));
    if (fn == "unquote") return url::unquote(s(a[0]));
    if (fn == "unquote_plus") return url::unquote_plus(s(a[0]));
    if (fn == "unquote_to_bytes") return hex(url::unquote_to_bytes(s(a[0])));
    if (fn == "parse_qsl") {
      const std::string qs = s(a[0]);
      json out = json::array();
      for (const auto& [k, v] : url::parse_qsl(qs, qs_options(a))) out.push_back({k, v});
      return out;
    }
    if (fn == "parse_qs") {
      const std::string qs = s(a[0]);
      json out = json::array();
      for (const auto& [k, v] : url::parse_qs(qs, qs_options(a))) out.push_back({k, v});
      return out;
    }
    if (fn == "urlencode") {
      const bool doseq = a[1].get<bool>();
      const url::quote_function via = s(a[3]) == "quote" ? url::quote : url::quote_plus;
      bool any_list = false;
      for (const json& p : a[0]) any_list = any_list || p[1].is_array();
      if (!any_list && !doseq) {
        url::query_list q;
        for (const json& p : a[0]) q.emplace_back(s(p[0]), s(p[1]));
        return url::urlencode(q, s(a[2]), via);
      }
      url::query_dict q;
      for (const json& p : a[0]) {
        if (p[1].is_array()) {
          q.emplace_back(s(p[0]), p[1].get<std::vector<std::string>>());
        } else {
          // A plain string value: with doseq it is one value; without, urlencode(query_dict)
          // would print it as a list, so the test only builds dicts when every value is a list
          // or doseq is set.
          q.emplace_back(s(p[0]), std::vector<std::string>{s(p[1])});
        }
      }
      if (!doseq) {
        // Mixed strings and lists without doseq: quote each pair on its own.
        std::string out;
        for (std::size_t i = 0; i < q.size(); ++i) {
          const json& p = a[0][i];
          std::string one =
              p[1].is_array()
                  ? url::urlencode(url::query_dict{q[i]}, false, s(a[2]), via)
                  : url::urlencode(url::query_list{{q[i].first, q[i].second[0]}}, s(a[2]), via);
          if (i != 0) out += '&';
          out += one;
        }
        return out;
      }
      return url::urlencode(q, true, s(a[2]), via);
    }
  } catch (const netkit::value_error&) {
    return "ValueError";
  }
  return "unknown function " + fn;
}

TEST(UrlVectors, EveryVectorMatchesPython) {
  std::ifstream in(vectors_path());
  ASSERT_TRUE(in) << "cannot open " << vectors_path();
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  const json header = json::parse(line);
  EXPECT_EQ(header.at("python"), "3.11.7");
  std::size_t count = 0;
  std::size_t failures = 0;
  while (std::getline(in, line)) {
    const json v = json::parse(line);
    const json got = answer(v[0].get<std::string>(), v[1]);
    ++count;
    if (got != v[2]) {
      if (++failures <= 30)
        ADD_FAILURE() << v[0].get<std::string>() << v[1].dump() << "\n  python: " << v[2].dump()
                      << "\n  netkit: " << got.dump();
    }
  }
  EXPECT_GT(count, 20000u);
  EXPECT_EQ(failures, 0u) << "of " << count << " vectors";
}

}  // namespace
