// examples/twisted_support.hpp — what the twins of the Twisted programs share (private to
// examples/): the parts of Twisted's runtime the originals get for free, beyond seed_support.hpp.
//
//   - log_unhandled(line): Twisted's default log observer reporting an exception a callback
//     raised ("Unhandled Error", a traceback, "builtins.OverflowError: ..."), on stderr;
//   - guarded(transport, fn): runs a protocol callback as Twisted's reactor does: an exception is
//     reported by log_unhandled and the connection is dropped, and the program goes on;
//   - listen_tcp(loop, port, factory, interface): reactor.listenTCP with Twisted's failures (an
//     OverflowError for a port outside 0-65535, CannotListenError for the rest), which end the
//     program with status 1 as Python's uncaught exception does.
//
//   return seed::run([&] {
//     netkit::reactor loop;
//     loop.install_signal_handlers();   // SIGINT / SIGTERM stop it, exit status 0
//     twisted::listen_tcp(loop, port, netkit::factory::of<logger>(), interface);
//     loop.run();
//   });
#pragma once

#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include <netkit/reactor.hpp>

#include "pymotw.hpp"
#include "seed_support.hpp"

namespace twisted {

// What Twisted prints when no log observer was started and a callback raised: its traceback
// has the frames (left out here: they name Twisted's Python files) around a marker line, and
// ends with the exception qualified by its module, then an empty line.
inline void log_unhandled(std::string_view exception_line) {
  std::cerr << "Unhandled Error\n"
               "Traceback (most recent call last):\n"
               "--- <exception caught here> ---\n"
            << exception_line << "\n"
            << std::endl;
}

// The exception line Twisted's traceback ends with, for what a twin's callback threw.
inline std::string exception_line(const std::exception& e) {
  if (const auto* s = dynamic_cast<const std::system_error*>(&e)) {
    return "builtins." + pymotw::python_class(s->code()) + ": " + pymotw::python_text(*s);
  }
  if (dynamic_cast<const seed::unicode_error*>(&e) != nullptr) {
    return "builtins." + std::string(e.what());  // what() already names the class
  }
  return "builtins.Exception: " + std::string(e.what());
}

// Twisted runs each protocol callback inside its reactor's error handler: the exception is
// logged and the connection dropped (connectionLost follows), and the reactor goes on.
template <class Fn>
void guarded(netkit::transport& t, Fn&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    log_unhandled(exception_line(e));
    t.lose_connection();
  }
}

// reactor.listenTCP(port, factory, interface=interface). Python's bind() refuses a port outside
// 0-65535 with an OverflowError that Twisted lets through; every other failure (resolving the
// interface, bind, listen) becomes CannotListenError, naming '' as 'any'.
inline netkit::listening_port& listen_tcp(netkit::reactor& loop, int port,
                                          std::shared_ptr<netkit::factory> f,
                                          const std::string& interface) {
  pymotw::address(interface, port, "bind");  // throws OverflowError's twin
  try {
    return loop.listen_tcp(port, std::move(f), interface);
  } catch (const std::system_error& e) {
    std::cerr << "twisted.internet.error.CannotListenError: Couldn't listen on "
              << (interface.empty() ? "any" : interface) << ":" << port << ": "
              << pymotw::python_text(e) << "." << std::endl;
    throw pymotw::system_exit{1};
  }
}

}  // namespace twisted
