// netkit/http.hpp — the HTTP layer in one include (public): Python's http.server and
// urllib.request on netkit's reactor and sockets.
//
//   #include <netkit/http.hpp>
//   netkit::reactor loop;
//   netkit::http::server srv(loop);
//   srv.set_fallback(netkit::http::static_files("."));   // python3 -m http.server
//   srv.listen(8000);
//   loop.run();
//
//   auto page = netkit::http::urlopen("http://127.0.0.1:8000/").read();
#pragma once

#include "netkit/http/access_log.hpp"
#include "netkit/http/body_decoder.hpp"
#include "netkit/http/byte_range.hpp"
#include "netkit/http/client.hpp"
#include "netkit/http/directory_listing.hpp"
#include "netkit/http/header_fields.hpp"
#include "netkit/http/http_date.hpp"
#include "netkit/http/mime_types.hpp"
#include "netkit/http/parser.hpp"
#include "netkit/http/server.hpp"
#include "netkit/http/static_files.hpp"
#include "netkit/http/static_paths.hpp"
#include "netkit/http/status.hpp"
