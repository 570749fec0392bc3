// Seed 003 (Python网络编程, mamicode / liaoxuefeng), section "TCP客户端编程 - 总脚本".
// Twin of s003_http_get_client.py: sends "GET /" over a raw TCP socket and saves the body
// (what follows the first blank line) to a file. Offline server: s001_http_server.
// Usage: s003_http_get_client [host] [port] [outfile]
//        (defaults: 'www.baidu.com', needs Internet access; 80; baidu.html)
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>
#include <vector>

#include <netkit/socket.hpp>

#include "pymotw.hpp"
#include "seed_support.hpp"

namespace {

// open(path, 'wb').write(data)
void write_file(const std::string& path, netkit::bytes_view data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) throw std::system_error(errno, std::system_category(), path);
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      throw std::system_error(error, std::system_category(), path);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::close(fd) != 0) throw std::system_error(errno, std::system_category(), path);
}

}  // namespace

int main(int argc, char** argv) {
  return seed::run([&] {
    const std::string host = pymotw::arg(argc, argv, 1, "www.baidu.com");
    const int port = pymotw::int_arg(argc, argv, 2, 80);
    const std::string outfile = pymotw::arg(argc, argv, 3, "baidu.html");
    netkit::socket s(2, SOCK_STREAM);
    // Python prints the class of s.family, an IntEnum.
    pymotw::print("<enum 'AddressFamily'>");
    // Python 2's socket.socket(_sock=s) became s.dup() in the Python twin: a second socket
    // object on a duplicate descriptor, kept open until the program ends.
    const netkit::socket s2 = s.dup();
    // str() of an IntEnum is its number since Python 3.11.
    pymotw::print(s2.family());
    s.connect(pymotw::address(host, port, "connect"));
    s.send("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    std::vector<netkit::bytes> buffer;
    for (;;) {
      netkit::bytes d = s.recv(1024);
      if (d.empty()) break;
      buffer.push_back(std::move(d));
    }
    netkit::bytes data;
    for (const auto& d : buffer) data += d;
    s.close();
    // header, html = data.split(b'\r\n\r\n', 1)
    const auto blank = data.find("\r\n\r\n");
    if (blank == netkit::bytes::npos)
      throw pymotw::value_error("not enough values to unpack (expected 2, got 1)");
    write_file(outfile, netkit::bytes_view(data).substr(blank + 4));
  });
}
