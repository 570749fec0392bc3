// Proves netkit/struct/static_struct.hpp is self-contained: it is included first, before anything else.
#include "netkit/struct/static_struct.hpp"

// GoogleTest comes second, so it cannot supply anything the header forgot.
#include <gtest/gtest.h>

TEST(HeaderSelfContained, struct_static_struct) { SUCCEED(); }
