// netkit/reactor/reactor_pool.hpp — N reactors, one per thread, serving the same port: the
// reactor on every core (public).
//
//   netkit::reactor_pool pool(4);
//   int port = pool.listen_tcp(8000, netkit::factory::of<echo>(), "127.0.0.1");
//   pool.run();                 // until pool.stop() (any thread, or a signal handler)
//
// Two ways to spread connections. `reuseport` (TCP's default): each loop has its own listening
// socket on the same port (SO_REUSEPORT) and the kernel spreads new connections across them by
// hash; no loop touches another's. `handoff` (the only way for Unix sockets): loop 0 accepts and
// hands each connection, round robin, to the next loop through that loop's call_from_thread
// queue (an eventfd wakes it).
//
// A factory given to the pool is shared by every loop, so its build_protocol runs on several
// threads at once: factory::of<P>() is fine; a factory with state must lock, or use the overload
// taking a function that makes one factory per loop. Set everything up (listen_*) before run()
// or start(); after that the loops belong to their threads: reach one through
// loop(i).call_from_thread().
//
// Thread safety: stop() from any thread or a signal handler; the rest from the owning thread.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "netkit/reactor/factory.hpp"
#include "netkit/reactor/reactor.hpp"
#include "netkit/socket/socket.hpp"

namespace netkit {

class reactor_pool {
 public:
  enum class distribution { reuseport, handoff };
  using factory_maker = std::function<std::shared_ptr<factory>()>;

  // `loops` reactors (at least 1); none runs until run() or start().
  explicit reactor_pool(std::size_t loops);
  reactor_pool(const reactor_pool&) = delete;
  reactor_pool& operator=(const reactor_pool&) = delete;
  // Stops and joins the threads, then destroys the loops (their connections hear
  // connection_lost).
  ~reactor_pool();

  std::size_t size() const noexcept { return loops_.size(); }
  reactor& loop(std::size_t i) { return *loops_.at(i)->loop; }

  // Serves (interface, port) on every loop; port 0 picks one free port for all. Returns the
  // port number.
  int listen_tcp(int port_number, std::shared_ptr<factory> f, const std::string& interface = "",
                 int backlog = 511, distribution how = distribution::reuseport);
  int listen_tcp(int port_number, const factory_maker& make, const std::string& interface = "",
                 int backlog = 511, distribution how = distribution::reuseport);
  // Serves a Unix stream socket on every loop (handoff).
  void listen_unix(const std::string& path, std::shared_ptr<factory> f, int backlog = 511);
  void listen_unix(const std::string& path, const factory_maker& make, int backlog = 511);

  // Runs every loop on a thread of its own and returns.
  void start();
  // start(), then waits until stop() and the threads have ended.
  void run();
  // Makes every loop return (async-signal-safe: only reactor::stop on each).
  void stop() noexcept;
  // Waits for the threads started by start().
  void join();
  bool running() const noexcept { return !threads_.empty(); }

  // Connections handed off to each loop so far (handoff only).
  std::size_t handed_off(std::size_t i) const;
  // Connections every listening port of the pool dropped for lack of descriptors (any thread).
  std::size_t refused() const noexcept;

 private:
  struct member {
    std::unique_ptr<reactor> loop;
    std::shared_ptr<factory> handoff_factory;  // what handed-off connections get
    mutable std::mutex inbox_mutex;
    std::vector<socket> inbox;  // sockets handed off, not yet taken by the loop
    std::size_t handed_off = 0;
  };

  void require_not_started(const char* call) const;
  // Loop 0 accepts on `listening` and deals the connections out to every loop.
  void listen_handoff(socket listening, const factory_maker& make);
  void hand_off(socket& conn);
  void take_inbox(member& m);

  std::vector<std::unique_ptr<member>> loops_;
  std::vector<const listening_port*> ports_;
  std::vector<std::thread> threads_;
  std::size_t next_ = 0;  // loop 0's thread only: where the next handed-off connection goes
};

}  // namespace netkit
