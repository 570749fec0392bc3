// Proves netkit/repr.hpp is self-contained: it is included first, before anything else.
#include "netkit/repr.hpp"

// GoogleTest comes second, so it cannot supply anything the header forgot.
#include <gtest/gtest.h>

TEST(HeaderSelfContained, repr) { SUCCEED(); }
