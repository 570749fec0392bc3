// Seed 000 (Python学习笔记14:网络编程), section "模块urllib和urllib2": 获取远程文件 (urlretrieve).
// Twin of s000_urlretrieve.py: copies a URL's body to a file with netkit::http::urlretrieve;
// prints nothing. Offline server: s001_http_server (or any HTTP server on loopback).
// Usage: s000_urlretrieve [url] [filename]
//        (defaults: http://www.python.org, needs Internet access; 'C:\python_webpage.html',
//        on Linux a file of that literal name in the current directory)
#include <string>

#include <netkit/http/client.hpp>

#include "pymotw.hpp"
#include "urllib_support.hpp"

int main(int argc, char** argv) {
  return urllib_support::run([&] {
    const std::string url = pymotw::arg(argc, argv, 1, "http://www.python.org");
    const std::string filename = pymotw::arg(argc, argv, 2, "C:\\python_webpage.html");
    netkit::http::urlretrieve(url, filename);
  });
}
