// netkit/url.hpp — urllib.parse in C++ (public umbrella header): split, join, quote, query
// strings, with CPython 3.11.7's results.
//
//   #include "netkit/url.hpp"
//   auto r = netkit::url::urlparse("http://example.com/a;p?q=1#f");
#pragma once

#include "netkit/url/error.hpp"
#include "netkit/url/parse.hpp"
#include "netkit/url/query.hpp"
#include "netkit/url/quote.hpp"
#include "netkit/url/result.hpp"
