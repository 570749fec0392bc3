// Proves netkit/struct/format_table.hpp is self-contained: it is included first, before anything else.
#include "netkit/struct/format_table.hpp"

// GoogleTest comes second, so it cannot supply anything the header forgot.
#include <gtest/gtest.h>

TEST(HeaderSelfContained, struct_format_table) { SUCCEED(); }
