#include "netkit/http/static_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <string>
#include <system_error>
#include <utility>

#include "netkit/http/byte_range.hpp"
#include "netkit/http/directory_listing.hpp"
#include "netkit/http/http_date.hpp"
#include "netkit/http/mime_types.hpp"
#include "netkit/http/static_paths.hpp"
#include "netkit/url/parse.hpp"

namespace netkit::http {

namespace {

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

void not_found(response& r) { r.set_error(404, "File not found"); }

void list_directory(const request& q, const std::string& path, response& r) {
  std::vector<directory_entry> entries;
  try {
    entries = read_directory(path);
  } catch (const std::filesystem::filesystem_error&) {
    r.set_error(404, "No permission to list directory");
    return;
  }
  r.body = list_directory_html(q.target, std::move(entries));
  r.content_type = listing_content_type;
}

// A regular file: 200 (or 206 / 416 for a Range), or 304 when the client's copy is current.
void send_file(const request& q, const std::string& path, response& r) {
  file_descriptor f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (!f || ::fstat(f.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    not_found(r);
    return;
  }
  if (const auto ims = q.header("If-Modified-Since"); ims && !q.header("If-None-Match")) {
    if (const auto since = if_modified_since(*ims); since && st.st_mtime <= *since) {
      r.status = 304;
      r.content_type.clear();
      return;
    }
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  r.content_type = guess_type(path);
  r.headers.add("Last-Modified", format_http_date(st.st_mtime));
  range_result range;
  if (const auto value = q.header("Range")) range = parse_range(*value, size);
  if (range.kind == range_kind::unsatisfiable) {
    r.set_error(416);
    r.close = false;  // a well-formed request: the connection stays usable
    r.headers.add("Content-Range", content_range(range, size));
    return;
  }
  r.file = std::move(f);
  if (range.kind == range_kind::partial) {
    r.status = 206;
    r.headers.add("Content-Range", content_range(range, size));
    r.file_offset = range.first;
    r.file_length = range.length();
  } else {
    r.file_offset = 0;
    r.file_length = size;
  }
}

}  // namespace

handler static_files(std::filesystem::path root) {
  return [root = std::move(root)](const request& q, response& r) {
    if (q.method != "GET" && q.method != "HEAD") {
      r.set_error(501, "Unsupported method ('" + std::string(q.method) + "')");
      return;
    }
    std::string path = translate_path(root.native(), q.target);
    // Python follows symlinks wherever they lead; netkit serves nothing outside its root. A
    // path that does not exist is not inside either: 404, as Python's open() would give.
    if (!inside_root(root, path)) {
      not_found(r);
      return;
    }
    if (is_directory(path)) {
      const url::split_result parts = url::urlsplit(q.target);
      if (parts.path.empty() || parts.path.back() != '/') {
        r.status = 301;
        r.content_type.clear();
        r.headers.add("Location", url::urlunsplit(parts.scheme, parts.netloc, parts.path + "/",
                                                  parts.query, parts.fragment));
        return;
      }
      bool has_index = false;
      for (const char* index : {"index.html", "index.htm"}) {
        const std::string candidate = (std::filesystem::path(path) / index).native();
        if (is_regular_file(candidate) && inside_root(root, candidate)) {
          path = candidate;
          has_index = true;
          break;
        }
      }
      if (!has_index) {
        list_directory(q, path, r);
        return;
      }
    }
    if (!path.empty() && path.back() == '/') {
      not_found(r);
      return;
    }
    send_file(q, path, r);
  };
}

}  // namespace netkit::http
