// The order in which every server hook and handler method runs, for each server kind (TCP,
// UDP, Unix stream, Unix datagram) and each policy (plain, threading, forking, pool). The
// expected orders are CPython 3.11's socketserver's, logged the same way.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "unit/socketserver/helpers.hpp"

namespace {

using namespace netkit_test;
using strings = std::vector<std::string>;

template <class Combo>
class lifecycle : public ::testing::Test {};

using combos = ::testing::Types<
    combo<tcp_kind, plain_policy>, combo<tcp_kind, threading_policy>,
    combo<tcp_kind, forking_policy>, combo<tcp_kind, pool_policy>, combo<udp_kind, plain_policy>,
    combo<udp_kind, threading_policy>, combo<udp_kind, forking_policy>,
    combo<udp_kind, pool_policy>, combo<unix_stream_kind, plain_policy>,
    combo<unix_stream_kind, threading_policy>, combo<unix_stream_kind, forking_policy>,
    combo<unix_stream_kind, pool_policy>, combo<unix_datagram_kind, plain_policy>,
    combo<unix_datagram_kind, threading_policy>, combo<unix_datagram_kind, forking_policy>,
    combo<unix_datagram_kind, pool_policy>>;

struct combo_names {
  template <class Combo>
  static std::string GetName(int) {
    return std::string(Combo::kind::name) + "_" + Combo::policy::name;
  }
};
TYPED_TEST_SUITE(lifecycle, combos, combo_names);

// What runs where, as Python's socketserver does it: the request's own hooks run on the
// serving thread (plain), a request thread (threading), a pool worker (pool) or the child
// (forking, whose parent closes its copy of the request right after the fork).
struct expected_order {
  strings main, others, children;
};

template <class Policy>
expected_order python_order() {
  const strings request = {"finish_request",   "setup",        "handle", "finish",
                           "shutdown_request", "close_request"};
  strings main = {"server_bind", "server_activate", "get_request", "verify_request",
                  "process_request"};
  expected_order e;
  if constexpr (std::is_same_v<Policy, plain_policy>) {
    main.insert(main.end(), request.begin(), request.end());
  } else if constexpr (std::is_same_v<Policy, forking_policy>) {
    main.push_back("close_request");
    e.children = request;
  } else {
    e.others = request;
  }
  main.push_back("service_actions");
  main.push_back("server_close");
  e.main = main;
  return e;
}

TYPED_TEST(lifecycle, serve_forever_calls_every_hook_in_python_order) {
  using server_t = typename TypeParam::server;
  watchdog dog;
  temp_dir dir;
  test_context ctx;  // made here: this thread serves, so its hooks are the log's main()
  bytes answer;
  std::string client_error;
  {
    server_t server(TypeParam::kind::address(dir), &ctx);
    std::thread client([&] {
      try {
        answer = exchange(server.server_address, type_of<server_t>(), "hello\n", dir);
      } catch (const std::exception& e) {
        client_error = e.what();
      }
      server.shutdown();
    });
    server.serve_forever(0.05);
    client.join();
    server.server_close();  // joins request threads, stops the pool, reaps the children
  }
  EXPECT_EQ(client_error, "");
  EXPECT_EQ(answer, "hello\n");
  const expected_order want = python_order<typename TypeParam::policy>();
  EXPECT_EQ(ctx.log.main(), want.main);
  EXPECT_EQ(ctx.log.others(), want.others);
  EXPECT_EQ(ctx.log.children(), want.children);
  EXPECT_EQ(child_count(), 0u);
}

TYPED_TEST(lifecycle, handle_request_calls_no_service_actions) {
  using server_t = typename TypeParam::server;
  watchdog dog;
  temp_dir dir;
  test_context ctx;
  bytes answer;
  std::string client_error;
  {
    server_t server(TypeParam::kind::address(dir), &ctx);
    server.timeout = 10.0;  // bounded: a lost request fails the test with handle_timeout
    std::thread client([&] {
      try {
        answer = exchange(server.server_address, type_of<server_t>(), "one\n", dir);
      } catch (const std::exception& e) {
        client_error = e.what();
      }
    });
    server.handle_request();
    client.join();
    server.server_close();
  }
  EXPECT_EQ(client_error, "");
  EXPECT_EQ(answer, "one\n");
  expected_order want = python_order<typename TypeParam::policy>();
  std::erase(want.main, "service_actions");
  EXPECT_EQ(ctx.log.main(), want.main);
  EXPECT_EQ(ctx.log.others(), want.others);
  EXPECT_EQ(ctx.log.children(), want.children);
  EXPECT_EQ(ctx.timeouts.load(), 0u);
}

// The same hooks, logged by CPython itself, for the plain TCP server: the reference the
// expected orders above come from.
TEST(lifecycle_reference, python_logs_the_same_order) {
  const std::string code = R"(
import socketserver, socket, threading
log = []
class H(socketserver.StreamRequestHandler):
    def setup(self): log.append('setup'); super().setup()
    def handle(self): log.append('handle'); self.wfile.write(self.rfile.readline())
    def finish(self): log.append('finish'); super().finish()
class S(socketserver.TCPServer):
    pass
names = ['server_bind', 'server_activate', 'get_request', 'verify_request', 'process_request',
         'finish_request', 'shutdown_request', 'close_request', 'service_actions', 'server_close']
def wrap(name):
    base = getattr(socketserver.TCPServer, name)
    def f(self, *a):
        if not (name == 'service_actions' and log and log[-1] == name):
            log.append(name)
        return base(self, *a)
    return f
for n in names: setattr(S, n, wrap(n))
s = S(('127.0.0.1', 0), H)
def client():
    c = socket.create_connection(s.server_address, timeout=5)
    c.sendall(b'hello\n')
    while c.recv(100): pass
    c.close()
    s.shutdown()
t = threading.Thread(target=client); t.start()
s.serve_forever(0.05); t.join(); s.server_close()
while log[log.index('get_request') - 1] == 'service_actions':
    log.remove('service_actions')
print(' '.join(log))
)";
  std::string out = run_python(code);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  const strings want = python_order<plain_policy>().main;
  std::string joined;
  for (const auto& w : want) joined += (joined.empty() ? "" : " ") + w;
  EXPECT_EQ(out, joined);
}

}  // namespace
