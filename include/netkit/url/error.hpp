// netkit/url/error.hpp — the exception the url functions throw (public); Python raises ValueError.
//
//   try { netkit::url::urlsplit("http://[::1/"); }
//   catch (const netkit::value_error& e) { std::cerr << e.what(); }  // Invalid IPv6 URL
#pragma once

#include "netkit/error.hpp"

namespace netkit::url {

// Every error of this module: what Python reports as ValueError, with Python's message.
class url_error : public value_error {
 public:
  using value_error::value_error;
};

}  // namespace netkit::url
