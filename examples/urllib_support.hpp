// examples/urllib_support.hpp — what the urllib twins of seed 000 share (private to examples/).
//
// run(main): seed::run, plus the last line of the traceback Python prints for the exceptions
// urllib.request raises, with their module-qualified names:
//   urllib.error.HTTPError: HTTP Error 404: File not found
//   urllib.error.URLError: <urlopen error [Errno 111] Connection refused>
//   http.client.RemoteDisconnected: Remote end closed connection without response
// (TimeoutError and the other OSErrors are pymotw::run's.)
#pragma once

#include <iostream>
#include <stdexcept>
#include <string_view>

#include <netkit/http/client.hpp>

#include "seed_support.hpp"

namespace urllib_support {

// Python's AttributeError (what m.group(1) raises when re.search found nothing).
class attribute_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <class Body>
int run(Body body) {
  namespace http = netkit::http;
  bool failed = false;
  const int status = seed::run([&] {
    const auto report = [&](std::string_view name, std::string_view what) {
      std::cerr << name << ": " << what << std::endl;
      failed = true;
    };
    try {
      body();
    } catch (const http::http_error& e) {
      report("urllib.error.HTTPError", e.what());
    } catch (const http::content_too_short_error& e) {
      report("urllib.error.ContentTooShortError", e.what());
    } catch (const http::url_error& e) {
      report("urllib.error.URLError", e.what());
    } catch (const http::remote_disconnected& e) {
      report("http.client.RemoteDisconnected", e.what());
    } catch (const http::incomplete_read& e) {
      report("http.client.IncompleteRead", e.what());
    } catch (const http::invalid_url& e) {
      report("http.client.InvalidURL", e.what());
    } catch (const http::http_exception& e) {
      report("http.client.HTTPException", e.what());
    } catch (const attribute_error& e) {
      report("AttributeError", e.what());
    }
  });
  return failed ? 1 : status;
}

}  // namespace urllib_support
