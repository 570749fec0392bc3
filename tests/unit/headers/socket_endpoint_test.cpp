// Proves netkit/socket/endpoint.hpp is self-contained: it is included first, before anything else.
#include "netkit/socket/endpoint.hpp"

// GoogleTest comes second, so it cannot supply anything the header forgot.
#include <gtest/gtest.h>

TEST(HeaderSelfContained, socket_endpoint) { SUCCEED(); }
