// Proves netkit/socket/socket_file.hpp is self-contained: it is included first, before anything
// else.
#include "netkit/socket/socket_file.hpp"

// GoogleTest comes second, so it cannot supply anything the header forgot.
#include <gtest/gtest.h>

TEST(HeaderSelfContained, socket_socket_file) { SUCCEED(); }
