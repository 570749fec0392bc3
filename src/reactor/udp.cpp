#include "netkit/reactor/udp.hpp"

#include "netkit/reactor/reactor.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "netkit/error.hpp"
#include "netkit/socket/endpoint.hpp"
#include "netkit/socket/multicast.hpp"

namespace netkit {
namespace {
// Level-triggered, so a batch may stop early: other sockets get their turn in between.
constexpr std::size_t datagrams_per_wakeup = 64;
}  // namespace

udp_port::udp_port(reactor& loop, socket sock, std::shared_ptr<datagram_protocol> proto,
                   std::size_t max_packet_size)
    : loop_(loop),
      sock_(std::move(sock)),
      proto_(std::move(proto)),
      max_packet_size_(std::clamp<std::size_t>(max_packet_size, 1, loop.read_buffer().size())) {}

udp_port::~udp_port() { stop_listening(); }

void udp_port::start() {
  sock_.setblocking(false);
  loop_.watch(sock_.fileno(), EPOLLIN, *this);
  proto_->make_connection(*this);
}

void udp_port::stop_listening() noexcept {
  if (!sock_.is_open()) return;
  loop_.unwatch(sock_.fileno());
  try {
    sock_.close();
  } catch (const socket_error&) {  // NOLINT(bugprone-empty-catch): the descriptor is gone anyway
  }
  loop_.guarded([&] { proto_->lose(); });
}

void udp_port::on_events(std::uint32_t /*events*/) {
  const std::span<char> buf = loop_.read_buffer().first(max_packet_size_);
  for (std::size_t i = 0; i < datagrams_per_wakeup && sock_.is_open(); ++i) {
    std::error_code ec;
    auto [n, from] = sock_.recvfrom_into(buf, ec);
    if (ec) {
      if (ec == errc::would_block) return;
      // A connected port learns of an earlier datagram's ICMP error here.
      if (ec == std::errc::connection_refused) {
        loop_.guarded([&] { proto_->connection_refused(); });
        continue;
      }
      if (ec == std::errc::interrupted) continue;
      throw_error(ec, "recvfrom", get_host().to_string());
    }
    proto_->datagram_received(bytes_view(buf.data(), n), from);
  }
}

bool udp_port::send_failed(std::error_code ec, const char* call, const socket_address* addr) {
  if (ec == errc::would_block || ec == std::errc::no_buffer_space) return false;
  if (ec == std::errc::connection_refused) {
    loop_.guarded([&] { proto_->connection_refused(); });
    return false;
  }
  throw_error(ec, call, addr != nullptr ? addr->to_string() : get_host().to_string());
}

bool udp_port::write(bytes_view data, const socket_address& addr) {
  if (connected_) throw value_error("udp write: the port is connected; use write(data)");
  if (!sock_.is_open()) return false;
  std::error_code ec;
  for (;;) {
    sock_.sendto(data, addr, ec);
    if (ec != std::errc::interrupted) break;
  }
  return ec ? send_failed(ec, "sendto", &addr) : true;
}

bool udp_port::write(bytes_view data) {
  if (!connected_) throw value_error("udp write: no address, and the port is not connected");
  if (!sock_.is_open()) return false;
  for (;;) {
    const ssize_t n = ::send(sock_.fileno(), data.data(), data.size(), MSG_NOSIGNAL);
    if (n >= 0) return true;
    if (errno != EINTR) break;
  }
  return send_failed(std::error_code(errno, std::system_category()), "send", nullptr);
}

void udp_port::connect(const std::string& host, int port_number) {
  if (connected_) throw value_error("udp connect: already connected");
  sock_.connect(endpoint(host, port_number));
  connected_ = true;
}

void udp_port::set_broadcast_allowed(bool enabled) {
  sock_.setsockopt(SOL_SOCKET, SO_BROADCAST, enabled ? 1 : 0);
}

void udp_port::join_group(std::string_view group, std::string_view interface) {
  netkit::join_group(sock_, group, interface);
}

void udp_port::leave_group(std::string_view group, std::string_view interface) {
  netkit::leave_group(sock_, group, interface);
}

// --- reactor: UDP ------------------------------------------------------------------------------

udp_port& reactor::listen_udp(int port_number, std::shared_ptr<datagram_protocol> proto,
                              const std::string& interface, std::size_t max_packet_size) {
  if (!proto) throw value_error("listen_udp: no protocol");
  const bool v6 = interface.find(':') != std::string::npos;
  socket s(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM);
  s.bind(endpoint(interface, port_number));
  udp_ports_.push_back(
      std::make_unique<udp_port>(*this, std::move(s), std::move(proto), max_packet_size));
  udp_port& p = *udp_ports_.back();
  p.start();
  return p;
}

}  // namespace netkit
