#include "netkit/reactor/reactor_pool.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <exception>
#include <iostream>
#include <utility>

#include "netkit/error.hpp"
#include "netkit/reactor/tcp.hpp"
#include "netkit/socket/endpoint.hpp"

namespace netkit {

reactor_pool::reactor_pool(std::size_t loops) {
  if (loops == 0) throw value_error("reactor_pool: at least one loop");
  for (std::size_t i = 0; i < loops; ++i) {
    loops_.push_back(std::make_unique<member>());
    loops_.back()->loop = std::make_unique<reactor>();
  }
}

reactor_pool::~reactor_pool() {
  stop();
  join();
}

void reactor_pool::require_not_started(const char* call) const {
  if (running()) throw value_error(std::string(call) + ": the pool is already running");
}

int reactor_pool::listen_tcp(int port_number, std::shared_ptr<factory> f,
                             const std::string& interface, int backlog, distribution how) {
  if (!f) throw value_error("reactor_pool.listen_tcp: no factory");
  return listen_tcp(
      port_number, [&f] { return f; }, interface, backlog, how);
}

int reactor_pool::listen_tcp(int port_number, const factory_maker& make,
                             const std::string& interface, int backlog, distribution how) {
  require_not_started("reactor_pool.listen_tcp");
  const bool v6 = interface.find(':') != std::string::npos;
  auto bound = [&](int p) {
    socket s(v6 ? AF_INET6 : AF_INET, SOCK_STREAM);
    s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
    if (how == distribution::reuseport) s.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1);
    s.bind(endpoint(interface, p));
    s.listen(backlog);
    return s;
  };
  socket first = bound(port_number);
  const int chosen = first.getsockname().port();
  if (how == distribution::handoff) {
    listen_handoff(std::move(first), make);
    return chosen;
  }
  // Every socket is bound before any listens in a loop, so a failure leaves nothing behind.
  std::vector<socket> sockets;
  sockets.push_back(std::move(first));
  for (std::size_t i = 1; i < loops_.size(); ++i) sockets.push_back(bound(chosen));
  for (std::size_t i = 0; i < loops_.size(); ++i)
    ports_.push_back(&loops_[i]->loop->adopt_port(std::move(sockets[i]), make()));
  return chosen;
}

void reactor_pool::listen_unix(const std::string& path, std::shared_ptr<factory> f, int backlog) {
  if (!f) throw value_error("reactor_pool.listen_unix: no factory");
  listen_unix(
      path, [&f] { return f; }, backlog);
}

void reactor_pool::listen_unix(const std::string& path, const factory_maker& make, int backlog) {
  require_not_started("reactor_pool.listen_unix");
  socket s(AF_UNIX, SOCK_STREAM);
  s.bind(path);
  s.listen(backlog);
  listen_handoff(std::move(s), make);
}

void reactor_pool::listen_handoff(socket listening, const factory_maker& make) {
  const socket_address where = listening.getsockname();
  for (auto& m : loops_) m->handoff_factory = make();
  // The accepting port's own factory is never asked for a protocol: every socket is handed off.
  listening_port& port =
      loops_.front()->loop->adopt_port(std::move(listening), loops_.front()->handoff_factory);
  if (where.family() == AF_UNIX && !where.path().empty() && where.path().front() != '\0')
    port.remove_on_stop(where.path());
  port.hand_off_to([this](socket& conn) { hand_off(conn); });
  ports_.push_back(&port);
}

void reactor_pool::hand_off(socket& conn) {
  member& to = *loops_[next_];
  next_ = (next_ + 1) % loops_.size();
  bool first = false;
  {
    const std::lock_guard lock(to.inbox_mutex);
    first = to.inbox.empty();
    to.inbox.push_back(std::move(conn));
    ++to.handed_off;
  }
  // One wake-up per batch: a loop that has not yet taken its inbox will take the new one too.
  if (first) to.loop->call_from_thread([this, &to] { take_inbox(to); });
}

void reactor_pool::take_inbox(member& m) {
  std::vector<socket> taken;
  {
    const std::lock_guard lock(m.inbox_mutex);
    taken.swap(m.inbox);
  }
  for (socket& s : taken) {
    try {
      m.loop->adopt_connection(std::move(s), m.handoff_factory);
    } catch (const socket_error&) {  // NOLINT(bugprone-empty-catch): the peer left already
    }
  }
}

std::size_t reactor_pool::handed_off(std::size_t i) const {
  const member& m = *loops_.at(i);
  const std::lock_guard lock(m.inbox_mutex);
  return m.handed_off;
}

std::size_t reactor_pool::refused() const noexcept {
  std::size_t n = 0;
  for (const listening_port* p : ports_) n += p->refused();
  return n;
}

void reactor_pool::start() {
  require_not_started("reactor_pool.start");
  for (auto& m : loops_) {
    reactor* r = m->loop.get();
    threads_.emplace_back([this, r] {
      try {
        r->run();
      } catch (const std::exception& e) {
        std::cerr << "netkit reactor_pool: a loop failed: " << e.what() << std::endl;
        stop();  // one loop down takes the pool down, rather than serving a fraction silently
      }
    });
  }
}

void reactor_pool::run() {
  start();
  join();
}

void reactor_pool::stop() noexcept {
  for (auto& m : loops_) m->loop->stop();
}

void reactor_pool::join() {
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

}  // namespace netkit
