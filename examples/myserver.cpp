// myserver.py — seed 001 (Python网络编程(http协议,IO多路复用、select内核监听)), section "应用":
// select服务端, 同时关注客户端连接, 客户端发送和终端输入,
// 将客户端发送和终端输入的内容全部写入到一个 文件中. Twin of myserver.py: one select() loop over
// the listener, stdin and every client; what a client sends (plus '\n') and each line typed on
// stdin are appended to the file, and each client message is answered 接收成功!. At the end of
// stdin, stdin stops being watched. Client: s001_select_file_client. Usage: myserver [host] [port]
// [file]   (defaults: "127.0.0.1", 6666, "selectdemo.txt")
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <netkit/select.hpp>
#include <netkit/socket.hpp>

#include "pymotw.hpp"
#include "seed_support.hpp"

namespace {

// sys.stdin.readline() as Python's buffered text stdin does it on POSIX: whole chunks of up to
// 8192 bytes are read at once (so lines beyond the first stay in the buffer, where select()
// cannot see them, until stdin becomes readable again), lines end at "\n" only ("\r" is kept,
// as newline="\n" makes it), a line without a newline blocks until one comes or the input
// ends, and "" means end of input.
class text_stdin {
 public:
  std::string readline() {
    for (;;) {
      if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl + 1);
        buffer_.erase(0, nl + 1);
        return seed::decode_utf8(line);
      }
      if (eof_) {
        std::string rest;
        rest.swap(buffer_);
        return seed::decode_utf8(rest);
      }
      fill();
    }
  }

 private:
  void fill() {
    char chunk[8192];
    ssize_t n;
    do {
      n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    } while (n < 0 && errno == EINTR);
    if (n < 0) throw std::system_error(errno, std::system_category(), "read");
    if (n == 0) eof_ = true;
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }

  std::string buffer_;
  bool eof_ = false;
};

// open(path, "w+b"), written through and flushed at once (the seed flushes every write).
class binary_file {
 public:
  explicit binary_file(const std::string& path)
      : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) {
    if (fd_ < 0) throw pymotw::os_error(std::error_code(errno, std::system_category()), path);
  }
  binary_file(const binary_file&) = delete;
  binary_file& operator=(const binary_file&) = delete;
  ~binary_file() { ::close(fd_); }

  void write(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw std::system_error(errno, std::system_category(), "write");
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_;
};

}  // namespace

int main(int argc, char** argv) {
  return seed::run([&] {
    netkit::socket sock;
    // The seed's getsockopt (it meant setsockopt): harmless, and SO_REUSEADDR stays unset.
    sock.getsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
    const std::string host = pymotw::arg(argc, argv, 1, "127.0.0.1");
    const int port = pymotw::int_arg(argc, argv, 2, 6666);
    sock.bind(pymotw::address(host, port, "bind"));
    sock.listen(5);
    // Python's lists hold the objects; these hold descriptors (STDIN_FILENO for stdin), and
    // `clients` owns the client sockets.
    std::vector<int> rlist{sock.fileno(), STDIN_FILENO};
    const std::vector<int> wlist;
    const std::vector<int> xlist;
    std::map<int, netkit::socket> clients;
    text_stdin stdin_text;
    binary_file file(pymotw::arg(argc, argv, 3, "selectdemo.txt"));
    for (;;) {
      const auto rs = netkit::select(rlist, wlist, xlist).readable;
      for (const int r : rs) {
        if (r == sock.fileno()) {
          auto [connfd, addr] = sock.accept();
          pymotw::print("已连接......");
          rlist.push_back(connfd.fileno());
          const int fd = connfd.fileno();
          clients.insert_or_assign(fd, std::move(connfd));
        } else if (r == STDIN_FILENO) {
          const std::string data = stdin_text.readline();
          if (data.empty()) {  // EOF on stdin: stop watching it (else select() spins)
            rlist.erase(std::find(rlist.begin(), rlist.end(), STDIN_FILENO));
            continue;
          }
          file.write(data);
        } else {
          netkit::socket& connection = clients.at(r);
          const netkit::bytes data = connection.recv(4096);
          if (data.empty()) {
            rlist.erase(std::find(rlist.begin(), rlist.end(), r));
            clients.erase(r);  // closes it
          } else {
            file.write(data + "\n");
            pymotw::print("已经接收内容并写如select>>>.txt文件内\n 内容:", seed::decode_utf8(data));
            connection.send("接收成功!");
          }
        }
      }
    }
  });
}
