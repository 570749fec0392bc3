// Proves netkit/url/query.hpp is self-contained: it is included first, before anything else.
#include "netkit/url/query.hpp"

// GoogleTest comes second, so it cannot supply anything the header forgot.
#include <gtest/gtest.h>

TEST(HeaderSelfContained, url_query) { SUCCEED(); }
