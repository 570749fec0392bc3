// netkit/socketserver/mixins.hpp — concurrency policies mixed into any server, as Python's
// ThreadingMixIn and ForkingMixIn are (public), plus a bounded thread pool Python lacks.
//
//   netkit::threading_tcp_server server({"127.0.0.1", 0}, netkit::handler<echo>());
//   netkit::pool_mixin<netkit::tcp_server> pooled({"127.0.0.1", 0}, netkit::handler<echo>());
//   pooled.pool_workers = 8; pooled.pool_queue_size = 64;   // before the first request
//
// threading_mixin: a thread per request. daemon_threads = false and block_on_close = true
//   (Python's defaults) make server_close() join every request thread.
// forking_mixin: a process per request; children are reaped as they finish, at most
//   max_children (40) run at once (the server waits for one to end first), and server_close()
//   waits for them when block_on_close.
// pool_mixin: pool_workers threads take requests from a queue of at most pool_queue_size;
//   when it is full the request is refused (handle_overload(): closed at once, counted in
//   refused()), so overload never spawns without limit.
//
// Thread safety: as the server they extend; handlers run on the policy's threads.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdio>
#include <deque>
#include <list>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include "netkit/socketserver/server.hpp"

namespace netkit {

namespace detail {
// The non-template parts of the mixins.
class thread_tracker {
 public:
  // Runs fn on a new thread; a finished thread is joined by the next start() or join_all().
  template <class Fn>
  void start(Fn fn, bool daemon);
  void join_all();
  std::size_t running() const;

 private:
  void reap(bool all);
  struct entry {
    std::thread thread;
    std::atomic<bool> done{false};
  };
  mutable std::mutex mutex_;
  std::list<entry> threads_;  // a list: a running thread holds a reference to its entry
};

class child_tracker {
 public:
  // fork(): in the child returns 0; in the parent the pid, remembered for reaping.
  pid_t fork_child();
  // Reaps finished children; with `blocking`, waits for all of them. With a limit, waits
  // until fewer than `limit` run.
  void collect(bool blocking, std::size_t limit);
  std::size_t active() const noexcept { return children_.size(); }

 private:
  std::unordered_set<pid_t> children_;
};
}  // namespace detail

template <class Server>
class threading_mixin : public Server {
 public:
  using Server::Server;
  ~threading_mixin() override { threads_.join_all(); }

  bool daemon_threads = false;
  bool block_on_close = true;

  void process_request(server_request request, const socket_address& client_address) override {
    threads_.start([this, request = std::move(request),
                    client_address]() mutable { process_request_thread(request, client_address); },
                   daemon_threads || !block_on_close);
  }

  // Joins before closing, unlike Python: a datagram handler answers through the server's
  // socket, which must not be closed (and its descriptor reused) under a running thread.
  void server_close() override {
    if (block_on_close) threads_.join_all();
    Server::server_close();
  }

  std::size_t active_threads() const { return threads_.running(); }

 protected:
  // What each request thread runs: Python's process_request_thread.
  void process_request_thread(server_request& request, const socket_address& client_address) {
    try {
      this->finish_request(request, client_address);
    } catch (...) {
      this->handle_error(request, client_address);
    }
    this->shutdown_request(request);
  }

 private:
  detail::thread_tracker threads_;
};

template <class Server>
class forking_mixin : public Server {
 public:
  using Server::Server;
  ~forking_mixin() override { children_.collect(true, 0); }

  std::size_t max_children = 40;
  bool block_on_close = true;

  void process_request(server_request request, const socket_address& client_address) override {
    children_.collect(false, max_children);
    const pid_t pid = children_.fork_child();
    if (pid != 0) {  // parent: the child has its own copy of the request
      this->close_request(request);
      return;
    }
    int status = 0;
    try {
      this->finish_request(request, client_address);
    } catch (...) {
      this->handle_error(request, client_address);
      status = 1;
    }
    try {
      this->shutdown_request(request);
    } catch (...) {
      status = 1;
    }
    std::fflush(nullptr);
    ::_exit(status);  // never run the parent's atexit handlers or destructors in the child
  }

  void service_actions() override {
    Server::service_actions();
    children_.collect(false, 0);
  }

  void server_close() override {
    Server::server_close();
    children_.collect(block_on_close, 0);
  }

  std::size_t active_children() const noexcept { return children_.active(); }

 private:
  detail::child_tracker children_;
};

template <class Server>
class pool_mixin : public Server {
 public:
  using Server::Server;
  ~pool_mixin() override { stop_workers(); }

  std::size_t pool_workers = 4;
  std::size_t pool_queue_size = 64;

  void process_request(server_request request, const socket_address& client_address) override {
    start_workers();
    {
      std::unique_lock lock(mutex_);
      if (queue_.size() < pool_queue_size) {
        queue_.emplace_back(std::move(request), client_address);
        lock.unlock();
        ready_.notify_one();
        return;
      }
    }
    ++refused_;
    handle_overload(request, client_address);
  }

  // The queue is full: the request is refused. By default it is closed unanswered.
  virtual void handle_overload(server_request& request, const socket_address&) {
    this->shutdown_request(request);
  }

  // The workers first: a datagram handler answers through the server's socket.
  void server_close() override {
    stop_workers();
    Server::server_close();
  }

  std::size_t refused() const noexcept { return refused_.load(); }

 private:
  void start_workers() {
    if (!workers_.empty()) return;
    stopping_ = false;
    for (std::size_t i = 0; i < std::max<std::size_t>(pool_workers, 1); ++i)
      workers_.emplace_back([this] { work(); });
  }

  void work() {
    for (;;) {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to serve
      auto [request, client_address] = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      try {
        this->finish_request(request, client_address);
      } catch (...) {
        this->handle_error(request, client_address);
      }
      this->shutdown_request(request);
    }
  }

  // Serves what is queued, then joins the workers.
  void stop_workers() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::pair<server_request, socket_address>> queue_;
  std::vector<std::thread> workers_;
  bool stopping_ = false;
  std::atomic<std::size_t> refused_{0};
};

using threading_tcp_server = threading_mixin<tcp_server>;
using threading_udp_server = threading_mixin<udp_server>;
using threading_unix_stream_server = threading_mixin<unix_stream_server>;
using threading_unix_datagram_server = threading_mixin<unix_datagram_server>;
using forking_tcp_server = forking_mixin<tcp_server>;
using forking_udp_server = forking_mixin<udp_server>;
using forking_unix_stream_server = forking_mixin<unix_stream_server>;
using forking_unix_datagram_server = forking_mixin<unix_datagram_server>;
using pool_tcp_server = pool_mixin<tcp_server>;
using pool_udp_server = pool_mixin<udp_server>;
using pool_unix_stream_server = pool_mixin<unix_stream_server>;

template <class Fn>
void detail::thread_tracker::start(Fn fn, bool daemon) {
  reap(false);
  if (daemon) {
    std::thread(std::move(fn)).detach();
    return;
  }
  const std::lock_guard lock(mutex_);
  entry& e = threads_.emplace_back();
  e.thread = std::thread([fn = std::move(fn), &done = e.done]() mutable {
    fn();
    done.store(true);
  });
}

}  // namespace netkit
