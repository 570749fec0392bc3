// Proves netkit/url/quote.hpp is self-contained: it is included first, before anything else.
#include "netkit/url/quote.hpp"

// GoogleTest comes second, so it cannot supply anything the header forgot.
#include <gtest/gtest.h>

TEST(HeaderSelfContained, url_quote) { SUCCEED(); }
