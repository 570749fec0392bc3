// Proves netkit/struct/value.hpp is self-contained: it is included first, before anything else.
#include "netkit/struct/value.hpp"

// GoogleTest comes second, so it cannot supply anything the header forgot.
#include <gtest/gtest.h>

TEST(HeaderSelfContained, struct_value) { SUCCEED(); }
