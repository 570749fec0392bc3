// tests/unit/vectors.hpp — shared by the tests that check netkit against vector files python3
// wrote into tests/data/ (tests/tools/gen_*_vectors.py): finding and loading them, and the two
// ways those files carry bytes (Latin-1 text in JSON strings, hex).
#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace netkit_test {

// tests/data/<relative>, found from this header's own place in the tree (__FILE__ is spelled
// as the includer spelled it, "tests/unit/http/../vectors.hpp", hence lexically_normal).
inline std::filesystem::path data_path(std::string_view relative) {
  const std::filesystem::path here = std::filesystem::path(__FILE__).lexically_normal();
  return here.parent_path().parent_path() / "data" / relative;
}

// The JSON document tests/data/<relative>; throws when it cannot be opened.
inline nlohmann::json load_json(std::string_view relative) {
  const std::filesystem::path path = data_path(relative);
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  return nlohmann::json::parse(in);
}

// The bytes of a str that python3 wrote as Latin-1 text: JSON holds it as UTF-8, one or two
// bytes a character.
inline std::string latin1(std::string_view utf8) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80 || i + 1 == utf8.size()) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(
          static_cast<char>(((c & 0x1F) << 6) | (static_cast<unsigned char>(utf8[++i]) & 0x3F)));
    }
  }
  return out;
}

// bytes.hex().
inline std::string hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

}  // namespace netkit_test
