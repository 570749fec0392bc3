// forking_mixin's max_children: with the limit reached, the server waits for a child to end
// before it forks another (Python's ForkingMixIn.collect_children), and server_close() leaves
// no child behind.
#include <gtest/gtest.h>
#include <unistd.h>

#include "netkit/socket/functions.hpp"
#include "netkit/socketserver/mixins.hpp"
#include "unit/socketserver/helpers.hpp"

namespace {

using netkit_test::serving;
using netkit_test::watchdog;

// In the child: says hello, then waits for the client's word (or its close) before ending.
struct hello_then_wait : netkit::base_request_handler {
  void handle() override {
    ::alarm(20);  // a child never outlives a stuck test for long
    request().sendall("hello");
    (void)request().recv(16);
  }
};

TEST(ForkingMaxChildren, WaitsForAChildToEndBeforeForkingAnother) {
  watchdog w;
  netkit::forking_tcp_server server({"127.0.0.1", 0}, netkit::handler<hello_then_wait>());
  server.max_children = 1;
  {
    serving<netkit::forking_tcp_server> running(server, 0.05);
    const netkit::endpoint where(server.server_address);
    auto a = netkit::create_connection(where, 5.0);
    EXPECT_EQ(a.recv(5), "hello");  // A's child is running
    auto b = netkit::create_connection(where, 5.0);
    // While A's child lives, B is accepted but gets no child: proving an absence needs a
    // bounded wait, kept short.
    b.settimeout(0.3);
    EXPECT_THROW((void)b.recv(5), netkit::timeout_error);
    a.sendall("go");
    a.close();
    b.settimeout(5.0);
    EXPECT_EQ(b.recv(5), "hello");  // A's child ended, so B's could start
    b.sendall("go");
    b.close();
    running.stop();
    EXPECT_FALSE(running.failed());
  }
  server.server_close();  // block_on_close: waits for B's child
  EXPECT_EQ(server.active_children(), 0U);
}

}  // namespace
