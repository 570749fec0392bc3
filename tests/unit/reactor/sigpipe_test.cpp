// Regression tests for the TCP transport (netkit/reactor/tcp.hpp) and SIGPIPE: bytes or a file
// sent to a peer that can no longer take them must close the connection with EPIPE, never
// raise SIGPIPE (socket.hpp: "SIGPIPE never fires"). Found by the soak (bench/soak): a client reset
// in the middle of a large echo or a static file killed the server (status -SIGPIPE) when SIGPIPE
// had its default action, as it has in a process started by Python's subprocess. writev(2) and
// sendfile(2) take no MSG_NOSIGNAL.
//
// Each case runs in a death-test child that restores SIGPIPE's default action, so a failure is
// the child dying of the signal, not the test runner.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>

#include "netkit/reactor/factory.hpp"
#include "netkit/reactor/reactor.hpp"
#include "netkit/socket/functions.hpp"
#include "unit/reactor/helpers.hpp"

namespace {

using namespace std::chrono_literals;

// A file of `size` bytes, removed on destruction.
struct temp_file {
  explicit temp_file(std::size_t size) {
    char name[] = "/tmp/netkit_sigpipe_XXXXXX";
    const int fd = ::mkstemp(name);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    path = name;
    const std::string block(64 * 1024, 'f');
    for (std::size_t done = 0; done < size; done += block.size())
      if (::write(fd, block.data(), block.size()) != static_cast<ssize_t>(block.size()))
        throw std::runtime_error("write failed");
    ::close(fd);
  }
  ~temp_file() { ::unlink(path.c_str()); }
  std::string path;
};

constexpr std::size_t big = 8u << 20;  // more than a socket buffer holds

// On connection_made, `big` bytes or a file of that size: what the socket does not take is
// queued.
struct stuffer final : netkit::protocol {
  const temp_file* file = nullptr;  // null: bytes
  netkit::reactor* loop = nullptr;
  std::error_code* reason = nullptr;
  void connection_made() override {
    if (file != nullptr) {
      transport().send_file(netkit::file_descriptor(::open(file->path.c_str(), O_RDONLY)), 0, big);
    } else {
      transport().write(std::string(big, 'b'));
    }
  }
  void connection_lost(std::error_code r) override {
    *reason = r;
    loop->stop();
  }
};

struct stuffer_factory final : netkit::factory {
  const temp_file* file = nullptr;
  netkit::reactor* loop = nullptr;
  std::error_code* reason = nullptr;
  std::unique_ptr<netkit::protocol> build_protocol(const netkit::socket_address&) override {
    auto p = std::make_unique<stuffer>();
    p->file = file;
    p->loop = loop;
    p->reason = reason;
    return p;
  }
};

// When the peer stops reading (shutdown(SHUT_RD) on a Unix stream socket: our sends get EPIPE,
// as after a TCP reset whose error was already reported).
enum class when {
  before_the_first_send,  // send_file's direct sendfile(2) meets EPIPE
  while_queued,           // the queue's writev(2) or sendfile(2) meets EPIPE as it drains
};

// In the child: SIGPIPE at its default action; the connection must close with EPIPE and the
// process live, and once run() returns, SIGPIPE is neither blocked nor pending on the thread
// (the reactor blocks it while it runs: src/reactor/sigpipe.hpp). Exit status: 0 good;
// 3 adoption refused; 4 the guard fired; 5 no error; 6 SIGPIPE left blocked or pending.
[[noreturn]] void send_to_a_peer_that_stopped_reading(const temp_file* file, when w) {
  ::signal(SIGPIPE, SIG_DFL);
  netkit::reactor loop;
  netkit_test::loop_guard g(loop, 10s);
  std::error_code reason;
  auto f = std::make_shared<stuffer_factory>();
  f->file = file;
  f->loop = &loop;
  f->reason = &reason;
  auto [ours, theirs] = netkit::socketpair();
  if (w == when::before_the_first_send) ::shutdown(theirs.fileno(), SHUT_RD);
  if (!loop.adopt_connection(std::move(ours), f)) std::_Exit(3);
  if (w == when::while_queued) {
    // Take what the socket holds, so that it is writable again (the loop flushes the queue),
    // then stop reading.
    char buf[64 * 1024];
    while (::recv(theirs.fileno(), buf, sizeof buf, MSG_DONTWAIT) > 0) {
    }
    ::shutdown(theirs.fileno(), SHUT_RD);
  }
  loop.run();
  sigset_t mask;
  sigset_t pending;
  ::pthread_sigmask(SIG_BLOCK, nullptr, &mask);
  ::sigpending(&pending);
  if (sigismember(&mask, SIGPIPE) || sigismember(&pending, SIGPIPE)) std::_Exit(6);
  std::_Exit(g.fired ? 4 : reason == std::errc::broken_pipe ? 0 : 5);
}

TEST(ReactorSigpipe, QueuedBytesToAPeerThatStoppedReadingCloseWithEpipeNotSigpipe) {
  EXPECT_EXIT(send_to_a_peer_that_stopped_reading(nullptr, when::while_queued),
              ::testing::ExitedWithCode(0), "");
}

TEST(ReactorSigpipe, AFileToAPeerThatStoppedReadingClosesWithEpipeNotSigpipe) {
  const temp_file file(big);
  EXPECT_EXIT(send_to_a_peer_that_stopped_reading(&file, when::before_the_first_send),
              ::testing::ExitedWithCode(0), "");
}

TEST(ReactorSigpipe, AQueuedFileToAPeerThatStoppedReadingClosesWithEpipeNotSigpipe) {
  const temp_file file(big);
  EXPECT_EXIT(send_to_a_peer_that_stopped_reading(&file, when::while_queued),
              ::testing::ExitedWithCode(0), "");
}

}  // namespace
