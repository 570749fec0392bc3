// bench/echo/libevent_server.cpp — bench_echo_libevent: the pingpong echo server in libevent
// (Debian's libevent-dev), the classic bufferevent echo: the read callback moves the input
// buffer to the output buffer (no copy: evbuffer chains move). Reads and writes are allowed up
// to 64 KiB at a time like the other servers (libevent's defaults are 16 KiB, which would cost
// it four times the system calls on 64 KiB messages) (bench/echo/run.py).
//
//   bench_echo_libevent --port 0    # prints "listening on 127.0.0.1:PORT"; SIGTERM stops it
#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <csignal>
#include <cstdio>

#include "server_common.hpp"

namespace {

void on_read(bufferevent* bev, void*) {
  evbuffer_add_buffer(bufferevent_get_output(bev), bufferevent_get_input(bev));
}

void on_event(bufferevent* bev, short events, void*) {
  if (events & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) bufferevent_free(bev);
}

void on_accept(evconnlistener* listener, evutil_socket_t fd, sockaddr*, int, void*) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  event_base* base = evconnlistener_get_base(listener);
  bufferevent* bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
  bufferevent_set_max_single_read(bev, bench::read_size);
  bufferevent_set_max_single_write(bev, bench::read_size);
  bufferevent_setcb(bev, on_read, nullptr, on_event, nullptr);
  bufferevent_enable(bev, EV_READ | EV_WRITE);
}

void on_signal(evutil_socket_t, short, void* base) {
  event_base_loopbreak(static_cast<event_base*>(base));
}

}  // namespace

int main(int argc, char** argv) {
  const int port = bench::parse_port(argc, argv);
  event_base* base = event_base_new();
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  evconnlistener* listener =
      evconnlistener_new_bind(base, on_accept, nullptr, LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE,
                              bench::backlog, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  if (listener == nullptr) {
    std::perror("bench_echo_libevent: bind/listen");
    return 1;
  }
  socklen_t len = sizeof addr;
  ::getsockname(evconnlistener_get_fd(listener), reinterpret_cast<sockaddr*>(&addr), &len);
  event* sigint = evsignal_new(base, SIGINT, on_signal, base);
  event* sigterm = evsignal_new(base, SIGTERM, on_signal, base);
  event_add(sigint, nullptr);
  event_add(sigterm, nullptr);
  bench::print_listening(ntohs(addr.sin_port));
  event_base_dispatch(base);
  event_free(sigint);
  event_free(sigterm);
  evconnlistener_free(listener);
  event_base_free(base);
  return 0;
}
