// Seed 001 (Python网络编程(http协议,IO多路复用、select内核监听)), section "HTTP协议".
// Twin of s001_http_server.py: a minimal HTTP server over a raw TCP socket that prints each
// request's lines and answers every request with the same page.
// Usage: s001_http_server [host] [port] [page]   (defaults: '0.0.0.0', 8000, index.html)
#include <netkit/socket.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pymotw.hpp"
#include "seed_support.hpp"

namespace {

// bytes.splitlines(): lines end at "\n", "\r" or "\r\n"; a final line break adds no line.
std::vector<std::string_view> splitlines(std::string_view data) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (data[i] != '\n' && data[i] != '\r') continue;
    lines.push_back(data.substr(start, i - start));
    if (data[i] == '\r' && i + 1 < data.size() && data[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < data.size()) lines.push_back(data.substr(start));
  return lines;
}

void handle_client(netkit::socket& connfd, const std::string& page_path) {
  const netkit::bytes request = connfd.recv(4096);
  for (const auto line : splitlines(request)) pymotw::print(seed::decode_utf8(line));

  std::optional<seed::text_file> page;
  try {
    page.emplace(page_path);
  } catch (const std::system_error&) {
    // The seed's `except IOError`: only a page that cannot be opened gets this answer.
  }
  std::string response;
  if (!page) {
    response = "HTTP/1.1 303 Not Found\r\n";
    response += "\r\n";
    response +=
        "\n"
        "                **************************\n"
        "                Sorry, not found the page.\n"
        "                **************************\n"
        "                ";
  } else {
    response = "HTTP/1.1 200  OK\r\n";
    response += "\r\n";
    try {
      response += page->read();
    } catch (...) {
      // The seed sends from a `finally:` clause, so a page that fails to read or decode still
      // gets the status line out before the error ends the server.
      connfd.send(response);
      throw;
    }
  }
  connfd.send(response);
}

}  // namespace

int main(int argc, char** argv) {
  return seed::run([&] {
    const std::string host = pymotw::arg(argc, argv, 1, "0.0.0.0");
    const int port = pymotw::int_arg(argc, argv, 2, 8000);
    const std::string page = pymotw::arg(argc, argv, 3, "index.html");

    netkit::socket sockfd;
    sockfd.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
    sockfd.bind(pymotw::address(host, port, "bind"));
    sockfd.listen();
    for (;;) {
      pymotw::print("Listen the port " + std::to_string(port) + "...");
      auto [connfd, addr] = sockfd.accept();
      handle_client(connfd, page);
      connfd.close();
    }
  });
}
