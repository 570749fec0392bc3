// Seed 000 (Python学习笔记14:网络编程), section "模块urllib和urllib2": 打开远程文件 (urlopen).
// Twin of s000_urlopen_about.py: fetches a page with netkit::http::urlopen and prints the
// target of its first "about" link as Python's repr of bytes (b'/about/').
// Offline server: s001_http_server serving a page with <a href="..." ...>about</a>.
// Usage: s000_urlopen_about [url]   (default: http://www.python.org, needs Internet access)
#include <regex>
#include <string>

#include <netkit/http/client.hpp>
#include <netkit/repr.hpp>

#include "pymotw.hpp"
#include "urllib_support.hpp"

int main(int argc, char** argv) {
  return urllib_support::run([&] {
    const std::string url = pymotw::arg(argc, argv, 1, "http://www.python.org");
    auto webpage = netkit::http::urlopen(url);
    const netkit::bytes text = webpage.read();
    // re.search(b'<a href="([^"]+)" .*?>about</a>', text, re.IGNORECASE): Python's '.' is any
    // byte but '\n' (ECMAScript's also stops at '\r'), and bytes patterns fold ASCII case only,
    // as std::regex does in the "C" locale.
    static const std::regex about(R"re(<a href="([^"]+)" [^\n]*?>about</a>)re",
                                  std::regex::ECMAScript | std::regex::icase);
    std::smatch m;
    if (!std::regex_search(text, m, about))
      throw urllib_support::attribute_error("'NoneType' object has no attribute 'group'");
    pymotw::print(netkit::repr(netkit::bytes_view(m[1].str())));
  });
}
