#include "netkit/http/static_files.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <memory>
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

// The served directory, opened once. Every file is opened relative to it with openat2(2) and
// RESOLVE_BENEATH: the kernel refuses, in the same call that opens the file, any path or
// symlink that would leave the root ("..", an absolute link, a link to another tree), so there
// is no window between a check and the open. Kernels before 5.6 lack openat2: then every
// path is resolved with realpath (inside_root) before a plain open.
class served_root {
 public:
  explicit served_root(std::filesystem::path root)
      : path_(std::move(root)), fd_(::open(path_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)) {}

  const std::filesystem::path& path() const noexcept { return path_; }

  // Opens `full` (translate_path's answer, under path()) for reading without following it out
  // of the root; an invalid descriptor when it does not exist, is out of bounds or is
  // unreadable. O_NONBLOCK: opening a FIFO must not stall the loop (only regular files and
  // directories are served).
  file_descriptor open(const std::string& full) const {
    if (full.find('\0') != std::string::npos) return {};
    std::string relative = full.substr(std::min(full.size(), path_.native().size()));
    while (!relative.empty() && relative.front() == '/') relative.erase(0, 1);
    if (relative.empty()) relative = ".";
    constexpr int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
    if (fd_) {
      open_how how{};
      how.flags = flags;
      how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
      const long fd = ::syscall(SYS_openat2, fd_.get(), relative.c_str(), &how, sizeof how);
      if (fd >= 0) return file_descriptor(static_cast<int>(fd));
      if (errno != ENOSYS) return {};
    }
    if (!inside_root(path_, full)) return {};
    return file_descriptor(::open(full.c_str(), flags));
  }

 private:
  std::filesystem::path path_;
  file_descriptor fd_;
};

// Last-Modified, formatted once per file time rather than once per request.
std::string_view last_modified(std::time_t mtime) {
  struct cache {
    std::time_t mtime = -1;
    std::string text;
  };
  thread_local cache c;
  if (c.mtime != mtime) {
    c.text = format_http_date(mtime);
    c.mtime = mtime;
  }
  return c.text;
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

// A regular file, open: 200 (or 206 / 416 for a Range), or 304 when the client's copy is
// current.
void send_file(const request& q, const std::string& path, file_descriptor f, const struct stat& st,
               response& r) {
  if (const auto ims = q.header("If-Modified-Since"); ims && !q.header("If-None-Match")) {
    if (const auto since = if_modified_since(*ims); since && st.st_mtime <= *since) {
      r.status = 304;
      r.content_type.clear();
      return;
    }
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  r.content_type = guess_type(path);
  r.headers.add("Last-Modified", last_modified(st.st_mtime));
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

void serve(const served_root& root, const request& q, response& r) {
  if (q.method != "GET" && q.method != "HEAD") {
    r.set_error(501, "Unsupported method ('" + std::string(q.method) + "')");
    return;
  }
  std::string path = translate_path(root.path().native(), q.target);
  // Python follows symlinks wherever they lead; netkit serves nothing outside its root. A
  // path that does not exist is not found either way.
  file_descriptor f = root.open(path);
  struct stat st {};
  if (!f || ::fstat(f.get(), &st) != 0) {
    not_found(r);
    return;
  }
  if (S_ISDIR(st.st_mode)) {
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
      file_descriptor index_file = root.open(candidate);
      struct stat index_st {};
      if (index_file && ::fstat(index_file.get(), &index_st) == 0 && S_ISREG(index_st.st_mode)) {
        path = candidate;
        f = std::move(index_file);
        st = index_st;
        has_index = true;
        break;
      }
    }
    if (!has_index) {
      list_directory(q, path, r);
      return;
    }
  }
  if (!S_ISREG(st.st_mode) || (!path.empty() && path.back() == '/')) {
    not_found(r);
    return;
  }
  send_file(q, path, std::move(f), st, r);
}

}  // namespace

handler static_files(std::filesystem::path root) {
  auto served = std::make_shared<const served_root>(std::move(root));
  return [served](const request& q, response& r) { serve(*served, q, r); };
}

}  // namespace netkit::http
