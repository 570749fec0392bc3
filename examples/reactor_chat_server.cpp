// reactor_chat_server — Twisted's classic line-based chat server on netkit's reactor and
// line_receiver (ours, not a seed's), the twin of tests/interop/_twisted_chat.py.
// Usage: reactor_chat_server [host] [port]   (defaults: localhost, 8123; port 0 = a free one)
//
// Lines end with "\r\n" both ways (LineReceiver's delimiter: telnet, or `nc -C`). A client is
// asked "What's your name?"; its first line is its name ("Name taken, please choose another."
// if someone connected has it), answered "Welcome, NAME!". From then on each line it sends goes
// to every other named client as "<NAME> line", and the others hear "* NAME has joined" and
// "* NAME has left". A line longer than 16384 bytes drops the client (LineReceiver's
// MAX_LENGTH).
//
// Its log, on stdout, one flushed line per event (names as Python prints bytes):
//   starting up on HOST port PORT               listening (PORT: the real port)
//   connection from ('127.0.0.1', 54321)        a client connected
//   b'alice' has joined                         it chose its name
//   b'alice' has left                           a named client left
//   ('127.0.0.1', 54321) disconnected           its connection ended
// SIGINT or SIGTERM stops it with exit status 0, after logging the clients still connected as
// gone (as Twisted does at shutdown).
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <netkit/reactor.hpp>
#include <netkit/reactor/basic/line_receiver.hpp>

#include "pymotw.hpp"
#include "seed_support.hpp"
#include "twisted_support.hpp"

namespace {

class chat;
// Everyone with a name, shared by the factory's protocols (Twisted's self.users).
using users_map = std::map<netkit::bytes, chat*, std::less<>>;

class chat : public netkit::line_receiver {
 public:
  explicit chat(users_map& users) : users_(users) {}

  void connection_made() override {
    peer_ = transport().get_peer();
    pymotw::print("connection from", netkit::repr(peer_));
    send_line("What's your name?");
  }

  void connection_lost(std::error_code /*reason*/) override {
    if (name_) {
      users_.erase(*name_);
      pymotw::print(netkit::repr(*name_), "has left");
      broadcast("* " + *name_ + " has left");
    }
    pymotw::print(netkit::repr(peer_), "disconnected");
  }

  void line_received(std::string_view line) override {
    if (!name_) {
      handle_getname(netkit::bytes(line));
    } else {
      handle_chat(line);
    }
  }

 private:
  void handle_getname(netkit::bytes name) {
    if (users_.contains(name)) {
      send_line("Name taken, please choose another.");
      return;
    }
    send_line("Welcome, " + name + "!");
    broadcast("* " + name + " has joined");
    pymotw::print(netkit::repr(name), "has joined");
    users_.emplace(name, this);
    name_ = std::move(name);
  }

  void handle_chat(std::string_view message) {
    broadcast("<" + *name_ + "> " + std::string(message));
  }

  // To every named client but this one.
  void broadcast(std::string_view line) {
    for (const auto& [name, user] : users_) {
      if (user != this) user->send_line(line);
    }
  }

  users_map& users_;
  std::optional<netkit::bytes> name_;  // none until the first line
  netkit::socket_address peer_;
};

class chat_factory : public netkit::factory {
 public:
  std::unique_ptr<netkit::protocol> build_protocol(const netkit::socket_address&) override {
    return std::make_unique<chat>(users_);
  }

 private:
  users_map users_;
};

}  // namespace

int main(int argc, char** argv) {
  return seed::run([&] {
    const std::string host = pymotw::arg(argc, argv, 1, "localhost");
    const int port = pymotw::int_arg(argc, argv, 2, 8123);
    netkit::reactor reactor;
    reactor.install_signal_handlers();
    auto& listening = twisted::listen_tcp(reactor, port, std::make_shared<chat_factory>(), host);
    pymotw::print("starting up on " + host + " port " +
                  std::to_string(listening.get_host().port()));
    reactor.run();
  });
}
