// netkit/http/static_files.hpp — Python's http.server.SimpleHTTPRequestHandler as a handler
// for netkit's server (public): files under a root, index.html, directory listings.
//
//   netkit::http::server srv(loop);
//   srv.set_fallback(netkit::http::static_files("/srv/www"));
//   srv.listen(8000);
//
// What it answers, as CPython 3.11.7's send_head does: a directory without its trailing '/'
// → 301 to the same URL with it; a directory → its index.html (or index.htm), else an HTML
// listing (404 "No permission to list directory" when unreadable); a file → 200 with
// Content-Type by extension, Content-Length and Last-Modified; If-Modified-Since (without
// If-None-Match) at or after the file's mtime → 304; anything else → 404 "File not found";
// methods other than GET and HEAD → 501. File bodies go out through sendfile(2).
// Beyond Python: a single Range → 206 or 416 (byte_range.hpp), and nothing outside the root
// is served: a path whose resolved form (symlinks followed) leaves the root is 404.
//
// Thread safety: the handler only reads the file system; call it from any number of loops.
#pragma once

#include <filesystem>

#include "netkit/http/server.hpp"

namespace netkit::http {

handler static_files(std::filesystem::path root);

}  // namespace netkit::http
