// Tests for netkit/reactor/tcp.hpp and protocol.hpp: TCP and Unix connections on the reactor
// against real loopback sockets (clients in threads with blocking netkit sockets and timeouts).
// Every loop run is bounded by a guard timer.
#include "netkit/reactor/tcp.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "netkit/socket/functions.hpp"
#include "unit/reactor/helpers.hpp"

namespace {

using namespace std::chrono_literals;
using netkit::bytes_view;
using netkit::reactor;

using guard = netkit_test::loop_guard;

// Records every callback in order; echoes data.
struct recorder : netkit::protocol {
  std::vector<std::string>* log = nullptr;
  std::error_code* reason = nullptr;
  reactor* loop = nullptr;
  bool stop_on_lost = true;
  bool stop_on_made = false;
  void connection_made() override {
    log->push_back("made");
    if (stop_on_made) loop->stop();
  }
  void data_received(bytes_view d) override {
    log->push_back("data:" + std::string(d));
    transport().write(d);
  }
  void connection_lost(std::error_code r) override {
    log->push_back("lost");
    *reason = r;
    if (stop_on_lost) loop->stop();
  }
};

template <class P, class Setup>
std::shared_ptr<netkit::factory> factory_with(Setup setup) {
  struct f final : netkit::factory {
    explicit f(Setup s) : setup(std::move(s)) {}
    std::unique_ptr<netkit::protocol> build_protocol(const netkit::socket_address&) override {
      auto p = std::make_unique<P>();
      setup(*p);
      return p;
    }
    Setup setup;
  };
  return std::make_shared<f>(std::move(setup));
}

std::uint16_t port_of(netkit::listening_port& p) { return p.get_host().port(); }

// A factory of recorders writing to `log` and `reason`, stopping `loop` when the connection is
// lost (or, with stop_on_made, as soon as it is made).
struct recording {
  std::vector<std::string>& log;
  std::error_code& reason;
  reactor& loop;
  bool stop_on_lost = true;
  bool stop_on_made = false;
};
std::shared_ptr<netkit::factory> recording_factory(const recording& how) {
  return factory_with<recorder>([how](recorder& r) {
    r.log = &how.log;
    r.reason = &how.reason;
    r.loop = &how.loop;
    r.stop_on_lost = how.stop_on_lost;
    r.stop_on_made = how.stop_on_made;
  });
}

TEST(ReactorTcp, CallbacksInOrderExactlyOnceOnACleanClose) {
  reactor loop;
  guard g(loop, 10s);
  std::vector<std::string> log;
  std::error_code reason = std::make_error_code(std::errc::io_error);
  auto& port = loop.listen_tcp(0, recording_factory({log, reason, loop}), "127.0.0.1");
  std::string echoed;
  std::thread client([&, p = port_of(port)] {
    auto c = netkit::create_connection({"127.0.0.1", p}, 5.0);
    c.sendall("hello");
    echoed = c.recv(16);
    c.close();
  });
  loop.run();
  client.join();
  EXPECT_FALSE(g.fired);
  EXPECT_EQ(echoed, "hello");
  EXPECT_EQ(log, (std::vector<std::string>{"made", "data:hello", "lost"}));
  EXPECT_FALSE(reason) << reason.message();
  EXPECT_EQ(loop.connection_count(), 0U);
}

// Writes a large payload, then lose_connection(): everything arrives, then EOF; later writes
// are refused.
struct big_writer : netkit::protocol {
  std::size_t size = 0;
  bool* refused_after_lose = nullptr;  // outside: the protocol is gone when run() returns
  reactor* loop = nullptr;
  void connection_made() override {
    std::string chunk(64 * 1024, 'x');
    for (std::size_t sent = 0; sent < size; sent += chunk.size()) transport().write(chunk);
    transport().lose_connection();
    *refused_after_lose = !transport().write("late");
  }
  void connection_lost(std::error_code) override { loop->stop(); }
};

TEST(ReactorTcp, DataWrittenBeforeLoseConnectionAllArrives) {
  reactor loop;
  guard g(loop, 20s);
  constexpr std::size_t total = 8 * 1024 * 1024;
  bool refused = false;
  auto& port = loop.listen_tcp(0, factory_with<big_writer>([&](big_writer& w) {
                                 w.size = total;
                                 w.loop = &loop;
                                 w.refused_after_lose = &refused;
                               }),
                               "127.0.0.1");
  std::size_t received = 0;
  std::thread client([&, p = port_of(port)] {
    auto c = netkit::create_connection({"127.0.0.1", p}, 10.0);
    for (netkit::bytes b; !(b = c.recv(1 << 16)).empty();) received += b.size();
  });
  loop.run();
  client.join();
  EXPECT_FALSE(g.fired);
  EXPECT_EQ(received, total);
  EXPECT_TRUE(refused);
}

// A temporary file holding `content`, removed on destruction.
struct temp_file {
  explicit temp_file(const std::string& content) {
    char name[] = "/tmp/netkit_sendfile_XXXXXX";
    const int fd = ::mkstemp(name);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    path = name;
    for (std::size_t done = 0; done < content.size();) {
      const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
      if (n <= 0) throw std::runtime_error("write failed");
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
  }
  ~temp_file() { ::unlink(path.c_str()); }
  netkit::file_descriptor open() const {
    return netkit::file_descriptor(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  }
  std::string path;
};

// Bytes, a whole file, bytes, a slice of the file: sendfile's bytes keep their place among the
// written ones, whether they go at once or wait in the queue behind a slow reader.
struct file_sender : netkit::protocol {
  const temp_file* file = nullptr;
  std::uint64_t size = 0;
  reactor* loop = nullptr;
  bool* refused_after_lose = nullptr;
  void connection_made() override {
    transport().write("head:");
    transport().send_file(file->open(), 0, size);
    transport().write(":middle:");
    transport().send_file(file->open(), 10, 100);
    transport().write(":tail");
    transport().lose_connection();
    *refused_after_lose = !transport().send_file(file->open(), 0, 1);
  }
  void connection_lost(std::error_code) override { loop->stop(); }
};

TEST(ReactorTcp, SendFileKeepsItsPlaceAmongWrites) {
  std::string content(8 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>('a' + i % 23);
  const temp_file file(content);
  reactor loop;
  guard g(loop, 20s);
  bool refused = false;
  auto& port = loop.listen_tcp(0, factory_with<file_sender>([&](file_sender& s) {
                                 s.file = &file;
                                 s.size = content.size();
                                 s.loop = &loop;
                                 s.refused_after_lose = &refused;
                               }),
                               "127.0.0.1");
  std::string received;
  std::thread client([&, p = port_of(port)] {
    auto c = netkit::create_connection({"127.0.0.1", p}, 10.0);
    for (netkit::bytes b; !(b = c.recv(1 << 16)).empty();) received += b;
  });
  loop.run();
  client.join();
  EXPECT_FALSE(g.fired);
  const std::string expected = "head:" + content + ":middle:" + content.substr(10, 100) + ":tail";
  EXPECT_EQ(received.size(), expected.size());
  EXPECT_TRUE(received == expected);
  EXPECT_TRUE(refused);
}

// A client that never reads: the server's queue stays bounded and production pauses.
struct flooder : netkit::protocol {
  std::size_t max_buffered = 0;
  int pauses = 0;
  bool* paused = nullptr;
  void connection_made() override { pump(); }
  void pump() {
    const std::string chunk(16 * 1024, 'y');
    while (!*paused) {
      transport().write(chunk);
      max_buffered = std::max(max_buffered, transport().buffered());
    }
  }
  void pause_writing() override {
    ++pauses;
    *paused = true;
  }
  void resume_writing() override { *paused = false; }
};

TEST(ReactorTcp, AClientThatNeverReadsPausesProductionUnderTheHighWaterMark) {
  reactor loop;
  guard g(loop, 10s);
  bool paused = false;
  flooder* server_side = nullptr;
  auto& port = loop.listen_tcp(0, factory_with<flooder>([&](flooder& f) {
                                 f.paused = &paused;
                                 server_side = &f;
                               }),
                               "127.0.0.1");
  auto c = netkit::create_connection({"127.0.0.1", port_of(port)}, 5.0);
  auto check = loop.call_later(200ms, [&] { loop.stop(); });
  loop.run();
  ASSERT_NE(server_side, nullptr);
  EXPECT_TRUE(paused);
  EXPECT_EQ(server_side->pauses, 1);
  // The mark is 64 KiB; one 16 KiB write may cross it before the pause.
  EXPECT_LE(server_side->max_buffered, 64U * 1024 + 16 * 1024);
}

struct aborter : netkit::protocol {
  std::error_code* reason = nullptr;
  reactor* loop = nullptr;
  void data_received(bytes_view) override {
    transport().write("never sent, maybe");
    transport().abort_connection();
    transport().abort_connection();  // harmless
  }
  void connection_lost(std::error_code r) override {
    *reason = r;
    loop->stop();
  }
};

TEST(ReactorTcp, AbortResetsThePeerAndReportsAborted) {
  reactor loop;
  guard g(loop, 10s);
  std::error_code reason;
  auto& port = loop.listen_tcp(0, factory_with<aborter>([&](aborter& a) {
                                 a.reason = &reason;
                                 a.loop = &loop;
                               }),
                               "127.0.0.1");
  bool reset = false;
  std::thread client([&, p = port_of(port)] {
    auto c = netkit::create_connection({"127.0.0.1", p}, 5.0);
    c.sendall("go");
    try {
      while (!c.recv(1024).empty()) {
      }
    } catch (const netkit::socket_error& e) {
      reset = e.code() == std::errc::connection_reset;
    }
  });
  loop.run();
  client.join();
  EXPECT_FALSE(g.fired);
  EXPECT_EQ(reason, std::errc::connection_aborted);
  EXPECT_TRUE(reset);
}

// Regression: resume_producing() used to queue a call_soon holding the connection's address;
// a connection closed in the same turn was freed before that call ran (ASan: use after free).
struct resume_then_abort : netkit::protocol {
  netkit::reactor* loop = nullptr;
  void connection_made() override {
    transport().pause_producing();
    transport().resume_producing();
    transport().abort_connection();
  }
  void connection_lost(std::error_code) override {
    // Two more turns: the deferred read check, if any, comes due after the free.
    loop->call_soon([l = loop] { l->call_soon([l] { l->stop(); }); });
  }
};

TEST(ReactorTcp, ResumeThenCloseInOneTurnDoesNotTouchTheFreedConnection) {
  reactor loop;
  guard g(loop, 10s);
  auto& port = loop.listen_tcp(
      0, factory_with<resume_then_abort>([&](resume_then_abort& r) { r.loop = &loop; }),
      "127.0.0.1");
  auto c = netkit::create_connection({"127.0.0.1", port_of(port)}, 5.0);
  loop.run();
  EXPECT_FALSE(g.fired);
}

// A protocol callback that throws is reported and its connection dropped, as Twisted does;
// the loop and the other connections go on.
struct thrower : netkit::protocol {
  std::error_code* reason = nullptr;
  netkit::reactor* loop = nullptr;
  void data_received(bytes_view d) override {
    if (d == "boom") throw std::runtime_error("bad input");
    transport().write(d);
  }
  void connection_lost(std::error_code r) override {
    *reason = r;
    loop->stop();
  }
};

TEST(ReactorTcp, AThrowingDataReceivedIsReportedAndDropsTheConnection) {
  reactor loop;
  guard g(loop, 10s);
  std::vector<std::string> errors;
  netkit_test::collect_errors(loop, errors);
  std::error_code reason;
  auto& port = loop.listen_tcp(0, factory_with<thrower>([&](thrower& t) {
                                 t.reason = &reason;
                                 t.loop = &loop;
                               }),
                               "127.0.0.1");
  auto c = netkit::create_connection({"127.0.0.1", port_of(port)}, 5.0);
  c.sendall("boom");
  loop.run();
  EXPECT_FALSE(g.fired);
  EXPECT_EQ(errors, (std::vector<std::string>{"bad input"}));
  EXPECT_EQ(reason, std::errc::connection_aborted);
  EXPECT_EQ(c.recv(16), "");  // closed by the server
}

TEST(ReactorTcp, PeerResetIsReportedAsAnError) {
  reactor loop;
  guard g(loop, 10s);
  std::vector<std::string> log;
  std::error_code reason;
  auto& port = loop.listen_tcp(0, recording_factory({log, reason, loop}), "127.0.0.1");
  std::thread client([&, p = port_of(port)] {
    auto c = netkit::create_connection({"127.0.0.1", p}, 5.0);
    c.sendall("x");
    (void)c.recv(1);
    const linger hard{1, 0};
    c.setsockopt(SOL_SOCKET, SO_LINGER,
                 bytes_view(reinterpret_cast<const char*>(&hard), sizeof hard));
    c.close();
  });
  loop.run();
  client.join();
  EXPECT_EQ(log.back(), "lost");
  EXPECT_EQ(reason, std::errc::connection_reset);
}

// Half-close: the peer's FIN arrives as eof_received; the protocol keeps writing, then closes.
struct half_closer : netkit::protocol {
  std::string got;
  reactor* loop = nullptr;
  void data_received(bytes_view d) override { got += d; }
  bool eof_received() override {
    transport().write("you sent " + std::to_string(got.size()) + " bytes");
    transport().lose_connection();
    return true;
  }
  void connection_lost(std::error_code) override { loop->stop(); }
};

TEST(ReactorTcp, HalfCloseKeepsTheWritingSideOpen) {
  reactor loop;
  guard g(loop, 10s);
  auto& port = loop.listen_tcp(
      0, factory_with<half_closer>([&](half_closer& h) { h.loop = &loop; }), "127.0.0.1");
  std::string reply;
  std::thread client([&, p = port_of(port)] {
    auto c = netkit::create_connection({"127.0.0.1", p}, 5.0);
    c.sendall("12345");
    c.shutdown(SHUT_WR);
    for (netkit::bytes b; !(b = c.recv(64)).empty();) reply += b;
  });
  loop.run();
  client.join();
  EXPECT_FALSE(g.fired);
  EXPECT_EQ(reply, "you sent 5 bytes");
}

struct client_side : netkit::protocol {
  std::string* got = nullptr;
  void connection_made() override { transport().write("ping"); }
  void data_received(bytes_view d) override {
    *got += d;
    transport().lose_connection();
  }
};

struct test_client_factory : netkit::client_factory {
  std::string got;
  std::error_code failed = std::make_error_code(std::errc::io_error);
  bool lost = false;
  reactor* loop = nullptr;
  std::unique_ptr<netkit::protocol> build_protocol(const netkit::socket_address&) override {
    auto p = std::make_unique<client_side>();
    p->got = &got;
    return p;
  }
  void client_connection_failed(netkit::connector&, std::error_code r) override {
    failed = r;
    loop->stop();
  }
  void client_connection_lost(netkit::connector&, std::error_code) override {
    lost = true;
    loop->stop();
  }
};

TEST(ReactorTcp, ConnectTcpToOurOwnServer) {
  // Declared before the loop: the server side is still open when the reactor is destroyed,
  // and its connection_lost() then writes here.
  std::vector<std::string> log;
  std::error_code reason;
  reactor loop;
  guard g(loop, 10s);
  auto& port = loop.listen_tcp(0, recording_factory({log, reason, loop, false}), "127.0.0.1");
  auto f = std::make_shared<test_client_factory>();
  f->loop = &loop;
  loop.connect_tcp("127.0.0.1", port_of(port), f);
  loop.run();
  EXPECT_FALSE(g.fired);
  EXPECT_EQ(f->got, "ping");
  EXPECT_TRUE(f->lost);
}

TEST(ReactorTcp, ConnectTcpToAClosedPortFails) {
  reactor loop;
  guard g(loop, 10s);
  netkit::socket reserve(AF_INET, SOCK_STREAM);  // bound, not listening: nothing answers there
  reserve.bind({"127.0.0.1", 0});
  auto f = std::make_shared<test_client_factory>();
  f->loop = &loop;
  loop.connect_tcp("127.0.0.1", reserve.getsockname().port(), f);
  loop.run();
  EXPECT_FALSE(g.fired);
  EXPECT_EQ(f->failed, std::errc::connection_refused);
}

// Out of descriptors, connect_tcp reports the failure through the factory, as every other
// failure to connect; it used to throw EMFILE from the connector's constructor, which opened
// (and threw away) a socket of its own before the real attempt (found by tests/faults/proxy.py).
TEST(ReactorTcp, ConnectTcpWithNoDescriptorLeftFailsThroughTheFactory) {
  reactor loop;
  guard g(loop, 10s);
  netkit::socket reserve(AF_INET, SOCK_STREAM);
  reserve.bind({"127.0.0.1", 0});
  auto f = std::make_shared<test_client_factory>();
  f->loop = &loop;
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &old), 0);
  rlimit low = old;
  low.rlim_cur = std::min<rlim_t>(old.rlim_cur, 256);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  std::vector<int> fillers;
  for (int fd; (fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;) fillers.push_back(fd);
  const int filled_errno = errno;
  EXPECT_NO_THROW(loop.connect_tcp("127.0.0.1", reserve.getsockname().port(), f));
  loop.run();
  for (const int fd : fillers) ::close(fd);
  ::setrlimit(RLIMIT_NOFILE, &old);
  EXPECT_EQ(filled_errno, EMFILE);
  EXPECT_FALSE(g.fired);
  EXPECT_EQ(f->failed, std::errc::too_many_files_open);
}

TEST(ReactorTcp, DestroyingTheReactorLosesEveryConnection) {
  std::vector<std::string> log;
  std::error_code reason;
  netkit::socket client;
  {
    reactor loop;
    guard g(loop, 10s);
    auto& port =
        loop.listen_tcp(0, recording_factory({log, reason, loop, false, true}), "127.0.0.1");
    client = netkit::create_connection({"127.0.0.1", port_of(port)}, 5.0);
    loop.run();  // until the server side is made (stop_on_made), not a guessed delay
    EXPECT_FALSE(g.fired);
    EXPECT_EQ(loop.connection_count(), 1U);
  }
  EXPECT_EQ(log, (std::vector<std::string>{"made", "lost"}));
  EXPECT_EQ(reason, std::errc::operation_canceled);
}

}  // namespace

namespace {

// Unix stream sockets use the same connection transport (listen_unix / connect_unix).
TEST(ReactorUnix, ListenAndConnectOverAUnixSocketAndRemoveTheFile) {
  char dir_template[] = "/tmp/netkit-reactor-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string path = std::string(dir_template) + "/echo.sock";
  std::vector<std::string> log;
  std::error_code reason;
  {
    reactor loop;
    guard g(loop, 10s);
    auto& port = loop.listen_unix(path, recording_factory({log, reason, loop, false}));
    auto f = std::make_shared<test_client_factory>();
    f->loop = &loop;
    loop.connect_unix(path, f);
    loop.run();
    EXPECT_FALSE(g.fired);
    EXPECT_EQ(f->got, "ping");
    EXPECT_EQ(::access(path.c_str(), F_OK), 0);
    port.stop_listening();
    EXPECT_NE(::access(path.c_str(), F_OK), 0);  // the port removed its socket file
  }
  EXPECT_EQ(log.front(), "made");
  ::rmdir(dir_template);
}

TEST(ReactorSignals, SigtermStopsTheLoopCleanly) {
  reactor loop;
  guard g(loop, 10s);
  loop.install_signal_handlers();
  loop.call_soon([] { ::raise(SIGTERM); });  // delivered to this thread, inside the loop
  loop.run();
  EXPECT_FALSE(g.fired);
}

TEST(ReactorSignals, SigintFromAnotherThreadStopsTheLoop) {
  reactor loop;
  guard g(loop, 10s);
  loop.install_signal_handlers();
  const pthread_t loop_thread = ::pthread_self();
  std::thread sender;
  loop.call_soon(
      [&] { sender = std::thread([loop_thread] { ::pthread_kill(loop_thread, SIGINT); }); });
  loop.run();
  sender.join();
  EXPECT_FALSE(g.fired);
}

TEST(ReactorSignals, OnlyOneReactorAtATimeAndHandlersComeBack) {
  struct sigaction before {};
  ::sigaction(SIGTERM, nullptr, &before);
  {
    reactor a;
    reactor b;
    a.install_signal_handlers();
    EXPECT_THROW(b.install_signal_handlers(), netkit::value_error);
  }
  struct sigaction after {};
  ::sigaction(SIGTERM, nullptr, &after);
  EXPECT_EQ(after.sa_handler, before.sa_handler);
}

}  // namespace
