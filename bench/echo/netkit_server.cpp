// bench/echo/netkit_server.cpp — bench_echo_netkit: the pingpong echo server on netkit's reactor,
// written the way a user would write it (bench/echo/run.py compares it with the other servers).
//
//   bench_echo_netkit --port 0      # prints "listening on 127.0.0.1:PORT"; SIGTERM stops it
#include <exception>
#include <iostream>

#include "netkit/reactor.hpp"
#include "server_common.hpp"

namespace {

struct echo final : netkit::protocol {
  void data_received(netkit::bytes_view data) override { transport().write(data); }
};

}  // namespace

int main(int argc, char** argv) {
  const int port = bench::parse_port(argc, argv);
  try {
    netkit::reactor loop;
    loop.install_signal_handlers();
    // The reactor reads 64 KiB at a time into its shared buffer and sets TCP_NODELAY itself.
    auto& listener =
        loop.listen_tcp(port, netkit::factory::of<echo>(), "127.0.0.1", bench::backlog);
    bench::print_listening(listener.get_host().port());
    loop.run();
  } catch (const std::exception& e) {
    std::cerr << "bench_echo_netkit: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
