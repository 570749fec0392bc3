// netkit/http/mime_types.hpp — the Content-Type of a file (public); Python's
// http.server.SimpleHTTPRequestHandler.guess_type over mimetypes' built-in table.
//
//   netkit::http::guess_type("/srv/www/index.html");   // "text/html"
//   netkit::http::guess_type("notes.tar.gz");          // "application/gzip"
//
// Thread safety: pure function.
#pragma once

#include <string_view>

namespace netkit::http {

// What SimpleHTTPRequestHandler.guess_type(path) answers in CPython 3.11.7 when mimetypes knows
// only its built-in table: the handler's own map first (.gz .Z .bz2 .xz, the exact extension,
// then lower-cased), then mimetypes.guess_type (".tgz" and the like expanded to ".tar.gz",
// an encoding suffix skipped, the extension lower-cased; a "data:" URL gives its own type),
// else "application/octet-stream". Unlike Python, /etc/mime.types is never read: the answer
// does not depend on the machine. path is UTF-8 (a file name or URL path).
// The result is a static string, except for a "data:" URL, whose type is a view into path.
std::string_view guess_type(std::string_view path);

}  // namespace netkit::http
