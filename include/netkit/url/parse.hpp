// netkit/url/parse.hpp — splitting, joining and reassembling URLs (public); Python's
// urllib.parse.urlsplit, urlparse, urlunsplit, urlunparse, urljoin and urldefrag.
//
//   netkit::url::urljoin("http://a/b/c/d;p?q", "../g");  // "http://a/b/g"
//   netkit::url::urlsplit("HTTP://Host:80/x").scheme;    // "http"
//
// Strings are UTF-8 (Python's str). Results equal CPython 3.11.7's, quirks included: leading C0
// controls and spaces are stripped and tab, CR and LF removed before splitting; ';params' split
// only for the schemes in uses_params; bracketed hosts must be IPv6 (or IPvFuture) addresses.
// Errors (Python's ValueError) are url_error.
//
// Thread safety: pure functions.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "netkit/url/error.hpp"
#include "netkit/url/result.hpp"

namespace netkit::url {

// Python's scheme classification lists, in Python's order.
inline constexpr std::array<std::string_view, 20> uses_relative = {
    "",    "ftp",      "http", "gopher", "nntp",  "imap", "wais", "file",    "https", "shttp",
    "mms", "prospero", "rtsp", "rtsps",  "rtspu", "sftp", "svn",  "svn+ssh", "ws",    "wss"};
inline constexpr std::array<std::string_view, 26> uses_netloc = {
    "",    "ftp",     "http",  "gopher", "nntp",     "telnet",  "imap",  "wais",  "file",
    "mms", "https",   "shttp", "snews",  "prospero", "rtsp",    "rtsps", "rtspu", "rsync",
    "svn", "svn+ssh", "sftp",  "nfs",    "git",      "git+ssh", "ws",    "wss"};
inline constexpr std::array<std::string_view, 16> uses_params = {
    "",     "ftp",   "hdl",   "prospero", "http", "imap", "https", "shttp",
    "rtsp", "rtsps", "rtspu", "sip",      "sips", "mms",  "sftp",  "tel"};

split_result urlsplit(std::string_view url, std::string_view scheme = {},
                      bool allow_fragments = true);
parse_result urlparse(std::string_view url, std::string_view scheme = {},
                      bool allow_fragments = true);

std::string urlunsplit(std::string_view scheme, std::string_view netloc, std::string_view path,
                       std::string_view query, std::string_view fragment);
std::string urlunsplit(const split_result& parts);
std::string urlunparse(std::string_view scheme, std::string_view netloc, std::string_view path,
                       std::string_view params, std::string_view query, std::string_view fragment);
std::string urlunparse(const parse_result& parts);

std::string urljoin(std::string_view base, std::string_view url, bool allow_fragments = true);
defrag_result urldefrag(std::string_view url);

}  // namespace netkit::url
