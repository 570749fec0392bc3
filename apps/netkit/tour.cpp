// apps/netkit/tour.cpp — `netkit tour`: runs each layer end to end on loopback and prints a
// short transcript, a smoke test a user can read.
//
// The tour is a list of sections, one function each (see `sections` below): a later layer adds
// its section with one line there. A section prints what it does and throws on failure; the
// tour goes on with the next section and exits 1 if any failed.
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <type_traits>
#include <vector>

#include "command.hpp"
#include "netkit/http.hpp"
#include "netkit/reactor.hpp"
#include "netkit/reactor/basic/line_receiver.hpp"
#include "netkit/select.hpp"
#include "netkit/socket.hpp"
#include "netkit/socketserver.hpp"

namespace netkit::app {
namespace {

// Every socket in the tour gives up after this long, so that a broken layer fails the tour
// instead of hanging it.
constexpr double step_timeout = 5.0;
constexpr bytes_view message = "This is the message. It will be repeated.";

std::ostream& out() { return std::cout; }

// Reads exactly n bytes from a stream socket; throws if the stream ends first.
bytes recv_exactly(netkit::socket& s, std::size_t n) {
  bytes data;
  while (data.size() < n) {
    bytes chunk = s.recv(n - data.size());
    if (chunk.empty()) throw std::runtime_error("stream ended early");
    data += chunk;
  }
  return data;
}

void expect_equal(bytes_view got, bytes_view want) {
  if (got != want) throw std::runtime_error("expected " + repr(want) + ", got " + repr(got));
}

// A one-connection echo server on `listener`, in a thread. finish() joins it and rethrows what
// went wrong there (an exception must not escape a thread); the destructor only joins.
class echo_thread {
 public:
  explicit echo_thread(netkit::socket& listener)
      : thread_([this, &listener] {
          try {
            auto [conn, peer] = listener.accept();
            conn.settimeout(step_timeout);
            for (bytes data; !(data = conn.recv(16)).empty();) conn.sendall(data);
          } catch (...) {
            error_ = std::current_exception();
          }
        }) {}
  ~echo_thread() {
    if (thread_.joinable()) thread_.join();
  }
  echo_thread(const echo_thread&) = delete;
  echo_thread& operator=(const echo_thread&) = delete;

  void finish() {
    thread_.join();
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::exception_ptr error_;  // written by the thread, read after join
  std::thread thread_;
};

// Client half of the stream sections: connect, send, read the echo back, close.
void stream_client(netkit::socket& client, const endpoint& server) {
  client.settimeout(step_timeout);
  client.connect(server);
  out() << "  client connected, getsockname() = " << repr(client.getsockname()) << '\n';
  client.sendall(message);
  out() << "  sent     " << repr(message) << '\n';
  bytes echo = recv_exactly(client, message.size());
  out() << "  received " << repr(echo) << '\n';
  expect_equal(echo, message);
  client.close();
}

void tcp_echo() {
  netkit::socket listener(AF_INET, SOCK_STREAM);
  listener.settimeout(step_timeout);
  listener.bind({"127.0.0.1", 0});
  listener.listen();
  out() << "  server listening on " << repr(listener.getsockname()) << '\n';
  echo_thread server(listener);
  netkit::socket client(AF_INET, SOCK_STREAM);
  stream_client(client, listener.getsockname());
  server.finish();
}

void udp_echo() {
  netkit::socket server(AF_INET, SOCK_DGRAM);
  server.settimeout(step_timeout);
  server.bind({"127.0.0.1", 0});
  out() << "  server bound to " << repr(server.getsockname()) << '\n';
  netkit::socket client(AF_INET, SOCK_DGRAM);
  client.settimeout(step_timeout);
  // Datagrams wait in the socket buffers, so one thread can play both parts.
  client.sendto(message, server.getsockname());
  out() << "  client sent     " << repr(message) << '\n';
  auto [data, peer] = server.recvfrom(4096);
  out() << "  server got      " << repr(data) << " from " << repr(peer) << '\n';
  server.sendto(data, peer);
  auto [echo, from] = client.recvfrom(4096);
  out() << "  client received " << repr(echo) << " from " << repr(from) << '\n';
  expect_equal(echo, message);
}

// A private directory for the Unix socket, removed with everything in it.
class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "netkit-tour-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::system_error(errno, std::system_category(), "mkdtemp");
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

void unix_echo() {
  temp_dir dir;
  const std::string path = (dir.path() / "echo.sock").string();
  netkit::socket listener(AF_UNIX, SOCK_STREAM);
  listener.settimeout(step_timeout);
  listener.bind(path);
  listener.listen();
  out() << "  server listening on " << repr(listener.getsockname()) << '\n';
  echo_thread server(listener);
  netkit::socket client(AF_UNIX, SOCK_STREAM);
  stream_client(client, path);
  server.finish();
}

void socketpair_section() {
  auto [parent, child] = netkit::socketpair();
  parent.settimeout(step_timeout);
  child.settimeout(step_timeout);
  out() << "  socketpair(): fds " << parent.fileno() << " and " << child.fileno() << '\n';
  parent.sendall("ping");
  bytes got = child.recv(1024);
  out() << "  one end sent b'ping', the other received " << repr(got) << '\n';
  expect_equal(got, "ping");
  child.sendall("pong");
  got = parent.recv(1024);
  out() << "  and the answer came back: " << repr(got) << '\n';
  expect_equal(got, "pong");
}

void names() {
  out() << "  gethostname() = " << repr_str(netkit::gethostname()) << '\n';
  for (const auto& ai : netkit::getaddrinfo("localhost", "http", 0, SOCK_STREAM))
    out() << "  getaddrinfo('localhost', 'http', type=SOCK_STREAM) -> " << family_name(ai.family)
          << ' ' << type_name(ai.type) << ' ' << proto_name(ai.proto) << ' ' << repr(ai.sockaddr)
          << '\n';
  out() << "  gethostbyname('localhost') = " << repr_str(netkit::gethostbyname("localhost"))
        << '\n';
  out() << "  getservbyname('http', 'tcp') = " << netkit::getservbyname("http", "tcp") << '\n';
  out() << "  getservbyport(443, 'tcp') = " << repr_str(netkit::getservbyport(443, "tcp")) << '\n';
  out() << "  getprotobyname('udp') = " << netkit::getprotobyname("udp") << '\n';
  out() << "  inet_aton('127.0.0.1') = " << repr(netkit::inet_aton("127.0.0.1")) << '\n';
  out() << "  htons(80) = " << netkit::htons(80) << '\n';
}

// Python's selectors way: one default_selector, a callback as each key's data, and one thread
// that runs the server and the client alike, every socket non-blocking.
void selectors_echo() {
  netkit::default_selector sel;
  out() << "  default_selector is "
        << (std::is_same_v<netkit::default_selector, netkit::epoll_selector> ? "epoll_selector"
                                                                             : "poll_selector")
        << '\n';
  netkit::socket listener(AF_INET, SOCK_STREAM);
  listener.bind({"127.0.0.1", 0});
  listener.listen();
  listener.setblocking(false);
  out() << "  server listening on " << repr(listener.getsockname()) << '\n';

  netkit::socket conn;  // the server's end of the one connection
  bool served = false;  // the server has echoed and seen the client go
  auto on_conn = [&sel, &conn, &served](const selector_key&, unsigned) {
    bytes data = conn.recv(1024);
    if (data.empty()) {
      out() << "  server: client closed, unregistering it\n";
      sel.unregister(conn);
      conn.close();
      served = true;
      return;
    }
    out() << "  server echoes " << repr(data) << '\n';
    conn.sendall(data);
  };
  sel.register_(listener, EVENT_READ,
                [&sel, &listener, &conn, &on_conn](const selector_key&, unsigned) {
                  auto [accepted, peer] = listener.accept();
                  out() << "  server accepted a connection from " << repr(peer) << '\n';
                  accepted.setblocking(false);
                  conn = std::move(accepted);
                  sel.register_(conn, EVENT_READ, on_conn);
                });

  netkit::socket client(AF_INET, SOCK_STREAM);
  client.settimeout(step_timeout);
  client.connect(listener.getsockname());
  client.setblocking(false);
  bytes received;
  sel.register_(client, EVENT_WRITE,
                [&sel, &client, &received](const selector_key&, unsigned events) {
                  if ((events & EVENT_WRITE) != 0) {
                    client.sendall(message);
                    out() << "  client sent     " << repr(message) << '\n';
                    sel.modify(client, EVENT_READ);
                    return;
                  }
                  received += client.recv(1024);
                  if (received.size() < message.size()) return;
                  out() << "  client received " << repr(received) << '\n';
                  sel.unregister(client);
                  client.close();
                });

  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(step_timeout);
  while (!served) {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("the selector loop did not finish in time");
    for (const auto& [key, events] : sel.select(step_timeout)) key.data(key, events);
  }
  expect_equal(received, message);
  out() << "  " << sel.get_map().size() << " key left (the listener); closing the selector\n";
  sel.close();
}

// Python's socketserver way: write a handler, get a server. A threading_tcp_server gives each
// connection a thread, so the second client is answered while the first is still connected.
struct line_echo : netkit::stream_request_handler {
  line_echo() { timeout = seconds_f(step_timeout); }  // a stuck client fails the section
  void handle() override {
    for (bytes line; !(line = rfile().readline()).empty();) wfile().write(line);
  }
};

void socketserver_threading() {
  netkit::threading_tcp_server server({"127.0.0.1", 0}, netkit::handler<line_echo>());
  out() << "  threading_tcp_server listening on " << repr(server.server_address) << '\n';
  // Stops the server once, on the way out of the section whether it passed or failed.
  class running_server {
   public:
    explicit running_server(netkit::threading_tcp_server& server)
        : server_(server), thread_([&server] { server.serve_forever(); }) {}
    ~running_server() { stop(); }
    running_server(const running_server&) = delete;
    running_server& operator=(const running_server&) = delete;
    void stop() {
      if (!thread_.joinable()) return;
      server_.shutdown();
      thread_.join();
      server_.server_close();  // joins the request threads (block_on_close)
    }

   private:
    netkit::threading_tcp_server& server_;
    std::thread thread_;
  } running(server);

  std::array<netkit::socket, 2> clients;
  for (std::size_t i = 0; i < clients.size(); ++i) {
    clients[i] = netkit::create_connection(server.server_address, seconds_f(step_timeout));
    out() << "  client " << i + 1 << " connected from " << repr(clients[i].getsockname()) << '\n';
  }
  // The second first: with one thread per request, the first (connected, silent) is no
  // obstacle.
  for (std::size_t i : {1U, 0U}) {
    const bytes line = "client " + std::to_string(i + 1) + ": " + bytes(message) + "\n";
    clients[i].sendall(line);
    bytes echo = recv_exactly(clients[i], line.size());
    out() << "  client " << i + 1 << " received " << repr(echo) << '\n';
    expect_equal(echo, line);
    if (i == 1)
      out() << "  active_threads() = " << server.active_threads()
            << " (client 1 is still connected: a thread per request)\n";
  }
  for (auto& c : clients) c.close();
  running.stop();
  out() << "  shutdown() and server_close(): active_threads() = " << server.active_threads()
        << '\n';
  expect_equal(std::to_string(server.active_threads()), "0");
}

// Twisted's way: one reactor, protocols made by factories, no thread of our own except the one
// that shows call_from_thread. Each step runs the loop until the step stops it, bounded by
// step_timeout.
namespace reactor_tour {

// Runs the loop until a step calls stop(); throws if step_timeout passes first.
void run_step(netkit::reactor& loop, const std::string& what) {
  bool timed_out = false;
  auto guard = loop.call_later(seconds_f(step_timeout), [&loop, &timed_out] {
    timed_out = true;
    loop.stop();
  });
  loop.run();
  if (timed_out) throw std::runtime_error(what + ": no result within the step timeout");
}

std::string reason_text(std::error_code reason) {
  return reason ? python_message(reason) : std::string("clean close");
}

// What the steps share: the loop, and how many connections have ended so far.
struct step_state {
  netkit::reactor& loop;
  int lost = 0;
  int lost_wanted = 2;  // both ends of the one connection
  void one_lost() {
    if (++lost == lost_wanted) loop.stop();
  }
};

struct echo_server final : netkit::protocol {
  step_state* state = nullptr;
  void data_received(bytes_view data) override {
    out() << "  server data_received " << repr(data) << ", writes it back\n";
    transport().write(data);
  }
  void connection_lost(std::error_code) override { state->one_lost(); }
};

struct echo_client final : netkit::protocol {
  step_state* state = nullptr;
  bytes* received = nullptr;
  void connection_made() override {
    out() << "  client connection_made, peer " << repr(transport().get_peer()) << '\n';
    transport().write(message);
    out() << "  client sent     " << repr(message) << '\n';
  }
  void data_received(bytes_view data) override {
    *received += data;
    if (received->size() < message.size()) return;
    out() << "  client received " << repr(*received) << '\n';
    transport().lose_connection();
  }
  void connection_lost(std::error_code reason) override {
    out() << "  client connection_lost: " << reason_text(reason) << '\n';
    state->one_lost();
  }
};

// A line protocol: the server answers each line with it in capitals.
struct shout_server final : netkit::line_receiver {
  step_state* state = nullptr;
  void line_received(std::string_view line) override {
    std::string upper(line);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out() << "  server line_received(" << repr_str(line) << ") -> send_line(" << repr_str(upper)
          << ")\n";
    send_line(upper);
  }
  void connection_lost(std::error_code) override { state->one_lost(); }
};

struct shout_client final : netkit::line_receiver {
  step_state* state = nullptr;
  std::vector<std::string>* lines = nullptr;
  void connection_made() override {
    const bytes_view both = "hello\r\nreactor\r\n";
    transport().write(both);
    out() << "  client sent " << repr(both) << " in one write\n";
  }
  void line_received(std::string_view line) override {
    out() << "  client line_received(" << repr_str(line) << ")\n";
    lines->emplace_back(line);
    if (lines->size() == 2) transport().lose_connection();
  }
  void connection_lost(std::error_code) override { state->one_lost(); }
};

// A factory that makes P and hands it the step's state (and whatever `setup` adds).
template <class P, class Base = netkit::factory>
std::shared_ptr<Base> factory_for(
    step_state& state, std::function<void(P&)> setup = [](P&) {}) {
  struct f final : Base {
    f(step_state& s, std::function<void(P&)> fn) : state(s), setup(std::move(fn)) {}
    std::unique_ptr<netkit::protocol> build_protocol(const socket_address&) override {
      auto p = std::make_unique<P>();
      p->state = &state;
      setup(*p);
      return p;
    }
    step_state& state;
    std::function<void(P&)> setup;
  };
  return std::make_shared<f>(state, std::move(setup));
}

void echo_step(netkit::reactor& loop) {
  step_state state{loop};
  auto& port = loop.listen_tcp(0, factory_for<echo_server>(state), "127.0.0.1");
  out() << "  listen_tcp(0, echo factory) on " << repr(port.get_host()) << '\n';
  bytes received;
  loop.connect_tcp("127.0.0.1", port.get_host().port(),
                   factory_for<echo_client, netkit::client_factory>(
                       state, [&received](echo_client& c) { c.received = &received; }),
                   seconds_f(step_timeout));
  run_step(loop, "echo");
  port.stop_listening();
  expect_equal(received, message);
}

void timer_step(netkit::reactor& loop) {
  const double delay = 0.05;
  const double scheduled = loop.seconds();
  double elapsed = -1;
  auto t = loop.call_later(seconds_f(delay), [&loop, &elapsed, scheduled] {
    elapsed = loop.seconds() - scheduled;
    loop.stop();
  });
  run_step(loop, "call_later");
  out() << "  call_later(" << delay << ", fn): fn ran " << (elapsed >= delay ? "after" : "BEFORE")
        << " " << delay << " s\n";
  if (elapsed < delay) throw std::runtime_error("the timer fired early");
}

void thread_step(netkit::reactor& loop) {
  const auto loop_thread = std::this_thread::get_id();
  bool on_loop_thread = false;
  std::thread worker([&loop, &on_loop_thread, loop_thread] {
    loop.call_from_thread([&loop, &on_loop_thread, loop_thread] {
      on_loop_thread = std::this_thread::get_id() == loop_thread;
      loop.stop();
    });
  });
  try {
    run_step(loop, "call_from_thread");
  } catch (...) {
    worker.join();
    throw;
  }
  worker.join();
  out() << "  call_from_thread(fn) from a worker thread: fn ran on the "
        << (on_loop_thread ? "reactor's thread" : "WRONG thread") << '\n';
  if (!on_loop_thread) throw std::runtime_error("call_from_thread ran off the reactor's thread");
}

void line_step(netkit::reactor& loop) {
  step_state state{loop};
  auto& port = loop.listen_tcp(0, factory_for<shout_server>(state), "127.0.0.1");
  out() << "  listen_tcp(0, line_receiver factory) on " << repr(port.get_host()) << '\n';
  std::vector<std::string> lines;
  loop.connect_tcp("127.0.0.1", port.get_host().port(),
                   factory_for<shout_client, netkit::client_factory>(
                       state, [&lines](shout_client& c) { c.lines = &lines; }),
                   seconds_f(step_timeout));
  run_step(loop, "line_receiver");
  port.stop_listening();
  if (lines != std::vector<std::string>{"HELLO", "REACTOR"})
    throw std::runtime_error("line_receiver: unexpected replies");
}

}  // namespace reactor_tour

void reactor_section() {
  netkit::reactor loop;
  reactor_tour::echo_step(loop);
  reactor_tour::timer_step(loop);
  reactor_tour::thread_step(loop);
  reactor_tour::line_step(loop);
}
// Python's http.server and urllib.request: a netkit::http::server with one route and static
// files on a reactor thread, fetched with urlopen and urlretrieve.
void http_section() {
  char dir_template[] = "/tmp/netkit-tour-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) throw std::runtime_error("mkdtemp failed");
  const std::filesystem::path dir = dir_template;
  struct remove_dir {
    std::filesystem::path path;
    ~remove_dir() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  } cleanup{dir};
  const std::string page = "<a href=\"/about/\">about</a>\n";
  std::ofstream(dir / "index.html", std::ios::binary) << page;

  netkit::reactor loop;
  http::server_options options;
  options.access_log = false;
  http::server srv(loop, options);
  srv.route("GET", "/hello",
            [](const http::request&, http::response& r) { r.body = "Hello, World!"; });
  srv.set_fallback(http::static_files(dir));
  const int port = srv.listen(0).get_host().port();
  std::thread serving([&loop] { loop.run(); });
  struct stop_loop {
    netkit::reactor& loop;
    std::thread& thread;
    ~stop_loop() {
      loop.call_from_thread([this] { loop.stop(); });
      thread.join();
    }
  } stopper{loop, serving};
  const std::string base = "http://127.0.0.1:" + std::to_string(port) + "/";
  out() << "  http::server on " << base << " (a /hello route, static files otherwise)\n";

  http::url_response hello = http::urlopen(base + "hello", std::nullopt, seconds_f(step_timeout));
  const bytes body = hello.read();
  out() << "  urlopen /hello: " << hello.status() << ' ' << hello.reason() << ", " << repr(body)
        << '\n';
  expect_equal(body, "Hello, World!");

  const std::string copy = (dir / "copy.html").native();
  const auto [file, fields] = http::urlretrieve(base, copy);
  out() << "  urlretrieve / (index.html): " << std::filesystem::file_size(file) << " bytes, "
        << "Content-Type " << fields.get("Content-Type").value_or("?") << '\n';
  expect_equal(std::to_string(std::filesystem::file_size(file)), std::to_string(page.size()));

  try {
    http::urlopen(base + "missing", std::nullopt, seconds_f(step_timeout));
    throw std::runtime_error("/missing was found");
  } catch (const http::http_error& e) {
    out() << "  urlopen /missing: " << e.what() << '\n';
    expect_equal(std::to_string(e.code()), "404");
  }
}

struct section {
  std::string_view title;
  void (*run)();
};

// The tour, in layer order: add a layer's section here.
constexpr std::array sections = {
    section{"TCP echo", tcp_echo},
    section{"UDP echo", udp_echo},
    section{"Unix stream echo", unix_echo},
    section{"socketpair", socketpair_section},
    section{"name resolution", names},
    section{"selectors echo", selectors_echo},
    section{"socketserver threading", socketserver_threading},
    section{"reactor", reactor_section},
    section{"HTTP", http_section},
};

int run_tour() {
  int failed = 0;
  for (const auto& s : sections) {
    out() << "== " << s.title << " ==\n";
    try {
      s.run();
      out() << "  ok\n";
    } catch (const std::exception& e) {
      ++failed;
      out() << "  FAILED: " << e.what() << '\n';
      std::cerr << "netkit tour: " << s.title << ": " << e.what() << '\n';
    }
    out() << std::flush;
  }
  out() << failed << " of " << sections.size() << " sections failed\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace

command add_tour(CLI::App& app) {
  auto* sub =
      app.add_subcommand("tour", "Run every layer end to end on loopback, print a transcript");
  sub->footer(
      "Sections: TCP echo, UDP echo, Unix stream echo, socketpair, name resolution, selectors "
      "echo, socketserver threading, reactor, HTTP.");
  return {sub, run_tour};
}

}  // namespace netkit::app
