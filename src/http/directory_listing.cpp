// read_directory and list_directory_html (see netkit/http/directory_listing.hpp).
#include "netkit/http/directory_listing.hpp"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <system_error>
#include <utility>

#include "../unicode_case.hpp"
#include "netkit/url/quote.hpp"
#include "text.hpp"

namespace netkit::http {

std::vector<directory_entry> read_directory(const std::filesystem::path& dir) {
  // readdir itself rather than directory_iterator: the order has to be os.listdir's, and
  // readdir is what both use; doing it here keeps that visible.
  const std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), &::closedir);
  if (!d)
    throw std::filesystem::filesystem_error("opendir", dir,
                                            std::error_code(errno, std::generic_category()));
  std::vector<directory_entry> out;
  for (;;) {
    errno = 0;
    const dirent* e = ::readdir(d.get());
    if (!e) {
      if (errno != 0)
        throw std::filesystem::filesystem_error("readdir", dir,
                                                std::error_code(errno, std::generic_category()));
      break;
    }
    const std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    const std::filesystem::path full = dir / std::string(name);
    std::error_code ec;
    const bool is_dir = std::filesystem::is_directory(full, ec);
    const bool is_link = std::filesystem::is_symlink(std::filesystem::symlink_status(full, ec));
    out.push_back({std::string(name), is_dir, is_link});
  }
  return out;
}

std::string list_directory_html(std::string_view url_path, std::vector<directory_entry> entries) {
  struct keyed {
    std::u32string key;
    directory_entry* entry;
  };
  std::vector<keyed> sorted;
  sorted.reserve(entries.size());
  // Python sorts by name.lower(), name being os.fsdecode'd: str order is code point order.
  for (auto& e : entries) {
    const std::u32string name = netkit::detail::decode_utf8(detail::fsdecode(e.name));
    sorted.push_back({netkit::detail::python_lower(name), &e});
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const keyed& a, const keyed& b) { return a.key < b.key; });

  std::string title = "Directory listing for ";
  detail::append_html_escaped(title, detail::fsencode(detail::unquote_path(url_path)));
  std::string out;
  out.reserve(256 + entries.size() * 64);
  out += "<!DOCTYPE HTML>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
  out += title;
  out += "</title>\n</head>\n<body>\n<h1>";
  out += title;
  out += "</h1>\n<hr>\n<ul>\n";
  for (const keyed& k : sorted) {
    const directory_entry& e = *k.entry;
    std::string link = detail::fsdecode(e.name);
    std::string display = e.name;
    if (e.is_dir) {
      link += '/';
      display += '/';
    }
    if (e.is_link) display = e.name + '@';
    out += "<li><a href=\"";
    out += url::quote_from_bytes(link);
    out += "\">";
    detail::append_html_escaped(out, display);
    out += "</a></li>\n";
  }
  out += "</ul>\n<hr>\n</body>\n</html>\n";
  return out;
}

}  // namespace netkit::http
