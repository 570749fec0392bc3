// Proves netkit/struct/half.hpp is self-contained: it is included first, before anything else.
#include "netkit/struct/half.hpp"

// GoogleTest comes second, so it cannot supply anything the header forgot.
#include <gtest/gtest.h>

TEST(HeaderSelfContained, struct_half) { SUCCEED(); }
