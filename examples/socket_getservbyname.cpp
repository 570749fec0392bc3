// socket_getservbyname — twin of seed 002's socket_getservbyname.py (Finding Service
// Information). Usage: socket_getservbyname   (reads the local services database only)
#include <string_view>

#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main() {
  return pymotw::run([] {
    constexpr std::string_view urls[] = {
        "http://www.python.org",         "https://www.mybank.com",  "ftp://prep.ai.mit.edu",
        "gopher://gopher.micro.umn.edu", "smtp://mail.example.com", "imap://mail.example.com",
        "imaps://mail.example.com",      "pop3://pop.example.com",  "pop3s://pop.example.com",
    };

    for (std::string_view url : urls) {
      // urlparse(url).scheme: these URLs all spell theirs in lower case before "://".
      const std::string scheme(url.substr(0, url.find(':')));
      const int port = netkit::getservbyname(scheme);
      pymotw::print(pymotw::rjust(scheme, 6) + " : " + std::to_string(port));
    }
  });
}
