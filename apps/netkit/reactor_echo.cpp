// apps/netkit/reactor_echo.cpp — `netkit echo-server --model reactor`.
//
// The whole server is Twisted's echo: a protocol whose data_received writes what it got, a
// factory, and listen_tcp / listen_unix on one reactor; for UDP a datagram_protocol that writes
// each datagram back to its sender, on listen_udp. What the other models do by hand the
// reactor does here:
// - Bounded memory: a transport whose queued output passes its high-water mark (64 KiB) calls
//   the protocol's pause_writing(), which by default stops reading from that client until the
//   queue drains below the low-water mark. A client that sends and never reads costs the server
//   about 128 KiB (the queue and one read) and is then left to the kernel's buffers.
// - Out of descriptors: the listening port keeps a spare descriptor; on EMFILE/ENFILE it
//   closes it, accepts the waiting connection, closes that at once and reopens the spare, so
//   the listener does not stay readable and the loop does not spin. The port counts these;
//   once a second, if there were any, one line says so on stderr.
// - UDP: a datagram the socket cannot take at once is dropped (the reactor's UDP transport
//   never queues), as UDP allows under pressure; nothing to bound.
// - Stopping: the SIGINT/SIGTERM self-pipe (signals.hpp) is one more reader on the loop. When
//   it fires the loop stops, and destroying the reactor closes every connection and the
//   listener, which removes its Unix socket file.
// - --threads N: the same echo on a reactor_pool, one reactor per thread (serve_pool).
#include "reactor_echo.hpp"

#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "command.hpp"
#include "netkit/reactor.hpp"
#include "netkit/socket.hpp"

namespace netkit::app {
namespace {

using namespace std::chrono_literals;

void log(std::string_view what) { std::cerr << "netkit echo-server: " << what << '\n'; }

class echo final : public netkit::protocol {
 public:
  void data_received(bytes_view data) override { transport().write(data); }
  // The client shut down its side: what is still queued goes back, then the connection closes
  // (returning false would close it at once and drop the queue).
  bool eof_received() override {
    transport().lose_connection();
    return true;
  }
};

class datagram_echo final : public netkit::datagram_protocol {
 public:
  void datagram_received(bytes_view data, const socket_address& from) override {
    transport().write(data, from);  // false: the socket's buffer is full, the echo is dropped
  }
};

// Once a second, and when the server stops: one stderr line if the ports shed connections (out
// of descriptors) since the last look. A timer rather than a hook: the ports only count them.
class refusal_report {
 public:
  using counter = std::function<std::size_t()>;
  refusal_report(netkit::reactor& loop, counter refused)
      : loop_(loop),
        refused_(std::move(refused)),
        reported_(refused_()),
        // Made now, while descriptors are free: message() is a virtual call, which UBSan cannot
        // check once the table is full (its memory probe needs a pipe).
        why_("accept: out of descriptors (" +
             python_message(std::make_error_code(std::errc::too_many_files_open)) +
             " or ENFILE): closed ") {
    arm();
  }

  void report() {
    const std::size_t refused = refused_();
    if (refused == reported_) return;
    log(why_ + std::to_string(refused - reported_) + " waiting connection(s)");
    reported_ = refused;
  }

 private:
  void arm() {
    timer_ = loop_.call_later(1s, [this] {
      report();
      arm();  // the call that is running has been taken off the timer: re-arming is safe
    });
  }

  netkit::reactor& loop_;
  counter refused_;
  std::size_t reported_;
  std::string why_;
  netkit::delayed_call timer_;
};

void print_error(std::exception_ptr error) {
  try {
    std::rethrow_exception(std::move(error));
  } catch (const std::exception& e) {
    log(e.what());
  } catch (...) {
    log("unknown error in a callback");
  }
}

// The address to listen on: --bind resolved as the other models do (names such as localhost
// included); the reactor takes an address.
socket_address resolve(const reactor_echo_options& o, int type) {
  return netkit::getaddrinfo(o.bind, o.port, 0, type, 0, AI_PASSIVE).front().sockaddr;
}

// --threads N: a reactor_pool, N loops on N threads. TCP: each loop has its own listening
// socket on the one port (SO_REUSEPORT) and the kernel spreads the connections; Unix: loop 0
// accepts and hands the connections out in turn. The stop pipe is a reader on loop 0, which
// stops them all; a loop that fails stops them all too, so run() returns either way.
void serve_pool(const reactor_echo_options& o, const stop_signal& stop) {
  netkit::reactor_pool pool(static_cast<std::size_t>(o.threads));
  for (std::size_t i = 0; i < pool.size(); ++i) pool.loop(i).handle_error = print_error;
  // factory::of's factory has no state: one for every loop, used from every thread.
  auto echo_factory = netkit::factory::of<echo>();
  std::string where;
  if (!o.unix_path.empty()) {
    pool.listen_unix(o.unix_path, echo_factory, SOMAXCONN);
    where = o.unix_path;
  } else {
    const socket_address a = resolve(o, SOCK_STREAM);
    const int chosen = pool.listen_tcp(o.port, echo_factory, a.host(), SOMAXCONN);
    const auto port = static_cast<std::uint16_t>(chosen);
    where = (a.family() == AF_INET6 ? socket_address::ipv6(a.host(), port)
                                    : socket_address::ipv4(a.host(), port))
                .to_string();
  }
  pool.loop(0).add_reader(stop.fd(), [&pool] { pool.stop(); });
  // On loop 0's thread; refused() may be read from there (the counts are atomic).
  refusal_report report(pool.loop(0), [&pool] { return pool.refused(); });
  std::cout << "listening on " << where << '\n' << std::flush;
  pool.run();
  report.report();
}

}  // namespace

void check_reactor_options(const reactor_echo_options& o) {
  if (o.udp && !o.unix_path.empty())
    throw usage_error(
        "--udp --unix PATH (a Unix datagram socket) is not available for --model reactor; "
        "use a socketserver model");
  if (o.udp && o.threads > 0)
    throw usage_error(
        "--threads applies to TCP and Unix sockets for --model reactor (the pool of reactors "
        "serves stream sockets)");
}

void serve_reactor(const reactor_echo_options& o, const stop_signal& stop) {
  if (o.threads > 0) {
    serve_pool(o, stop);
    return;
  }
  netkit::reactor loop;
  loop.handle_error = print_error;
  // The stop pipe is never drained: once readable it stays so, and the loop stops.
  loop.add_reader(stop.fd(), [&loop] { loop.stop(); });
  if (o.udp) {
    auto& port =
        loop.listen_udp(o.port, std::make_shared<datagram_echo>(), resolve(o, SOCK_DGRAM).host());
    std::cout << "listening on " << port.get_host().to_string() << '\n' << std::flush;
    loop.run();
    loop.remove_reader(stop.fd());
    return;
  }
  auto echo_factory = netkit::factory::of<echo>();
  netkit::listening_port* port = nullptr;
  std::string where;
  if (!o.unix_path.empty()) {
    // SOMAXCONN, as the other models: a burst of clients waits in the queue.
    port = &loop.listen_unix(o.unix_path, echo_factory, SOMAXCONN);
    where = o.unix_path;
  } else {
    port = &loop.listen_tcp(o.port, echo_factory, resolve(o, SOCK_STREAM).host(), SOMAXCONN);
    where = port->get_host().to_string();
  }
  refusal_report report(loop, [port] { return port->refused(); });
  std::cout << "listening on " << where << '\n' << std::flush;
  loop.run();
  loop.remove_reader(stop.fd());
  report.report();
}

}  // namespace netkit::app
