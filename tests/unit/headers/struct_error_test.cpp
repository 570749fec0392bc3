// Proves netkit/struct/error.hpp is self-contained: it is included first, before anything else.
#include "netkit/struct/error.hpp"

// GoogleTest comes second, so it cannot supply anything the header forgot.
#include <gtest/gtest.h>

TEST(HeaderSelfContained, struct_error) { SUCCEED(); }
