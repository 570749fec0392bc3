// translate_path and inside_root (see netkit/http/static_paths.hpp).
#include "netkit/http/static_paths.hpp"

#include <system_error>
#include <vector>

#include "text.hpp"

namespace netkit::http {
namespace {

// str.rstrip() for Latin-1 text: str.isspace() characters.
std::string_view rstrip(std::string_view s) {
  while (!s.empty()) {
    const auto c = static_cast<unsigned char>(s.back());
    if ((c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0) {
      s.remove_suffix(1);
    } else {
      break;
    }
  }
  return s;
}

// posixpath.normpath's words: "." and empty words dropped, ".." removing the word before it. A
// ".." with nothing to remove survives only in a relative path; the caller drops it anyway.
std::vector<std::string_view> normalized_words(std::string_view path) {
  const bool absolute = !path.empty() && path[0] == '/';
  std::vector<std::string_view> words;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view w = path.substr(start, end - start);
    start = end + 1;
    if (w.empty() || w == ".") continue;
    if (w != ".." || (!absolute && words.empty()) || (!words.empty() && words.back() == "..")) {
      words.push_back(w);
    } else if (!words.empty()) {
      words.pop_back();
    }
  }
  return words;
}

}  // namespace

std::string translate_path(std::string_view root, std::string_view url_path) {
  url_path = url_path.substr(0, url_path.find('?'));
  url_path = url_path.substr(0, url_path.find('#'));
  const std::string_view stripped = rstrip(url_path);
  const bool trailing_slash = !stripped.empty() && stripped.back() == '/';
  const std::string decoded = detail::unquote_path(url_path);
  // An empty root would make "/" of a bare trailing slash: it means the current directory.
  std::string out(root.empty() ? std::string_view(".") : root);
  for (const std::string_view word : normalized_words(decoded)) {
    if (word == "." || word == "..") continue;  // a relative path's leading ".."
    if (!out.empty() && out.back() != '/') out.push_back('/');
    out.append(word);
  }
  if (trailing_slash) out.push_back('/');
  return out;
}

bool inside_root(const std::filesystem::path& root, const std::filesystem::path& p) {
  if (p.native().find('\0') != std::string::npos || root.native().find('\0') != std::string::npos)
    return false;
  std::error_code ec;
  const std::filesystem::path real_root = std::filesystem::canonical(root, ec);
  if (ec) return false;
  const std::filesystem::path real = std::filesystem::canonical(p, ec);
  if (ec) return false;
  const std::string& r = real_root.native();
  const std::string& s = real.native();
  if (s == r) return true;
  if (s.size() <= r.size() || s.compare(0, r.size(), r) != 0) return false;
  return r.back() == '/' || s[r.size()] == '/';
}

}  // namespace netkit::http
