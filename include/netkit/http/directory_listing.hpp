// netkit/http/directory_listing.hpp — the HTML page listing a directory (public); Python's
// http.server.SimpleHTTPRequestHandler.list_directory.
//
//   auto html = netkit::http::list_directory_html("/docs/", netkit::http::read_directory(dir));
//   // Content-Type: text/html; charset=utf-8
//
// Thread safety: list_directory_html is a pure function; read_directory reads the file system.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace netkit::http {

struct directory_entry {
  std::string name;  // the file name's bytes, as readdir gives them
  bool is_dir;       // a directory, after following a symlink (os.path.isdir)
  bool is_link;      // a symlink (os.path.islink)
};

// The Content-Type list_directory sends with the page (the file-system encoding is UTF-8).
inline constexpr std::string_view listing_content_type = "text/html; charset=utf-8";

// The entries of dir in readdir order, "." and ".." left out: the order os.listdir gives,
// which list_directory_html's stable sort keeps among names equal once lower-cased.
// Throws std::filesystem::filesystem_error when dir cannot be read (Python answers 404 "No
// permission to list directory").
std::vector<directory_entry> read_directory(const std::filesystem::path& dir);

// Byte for byte the page CPython 3.11.7's list_directory writes for request path url_path (the
// request target as received, query included, as Python's self.path) and a directory holding
// entries (in os.listdir order): names sorted by str.lower() (a stable sort: equal keys keep
// the given order), "/" after directories and "@" after symlinks in the text, "/" after
// directories in the link, links percent-encoded (urllib.parse.quote), text html-escaped with
// quote=False, the title "Directory listing for" the unquoted path. Names that are not UTF-8
// are handled as Python's surrogateescape does: raw bytes in the text, %ED%B2%80-style escapes
// of U+DC80..U+DCFF in the link. Deliberate difference: a request path with an escaped
// surrogate outside U+DC80..U+DCFF (%ED%A0%80) makes Python raise UnicodeEncodeError; netkit
// writes those three bytes.
std::string list_directory_html(std::string_view url_path, std::vector<directory_entry> entries);

}  // namespace netkit::http
