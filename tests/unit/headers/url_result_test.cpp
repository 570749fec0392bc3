// Proves netkit/url/result.hpp is self-contained: it is included first, before anything else.
#include "netkit/url/result.hpp"

// GoogleTest comes second, so it cannot supply anything the header forgot.
#include <gtest/gtest.h>

TEST(HeaderSelfContained, url_result) { SUCCEED(); }
