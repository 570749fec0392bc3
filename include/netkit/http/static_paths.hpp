// netkit/http/static_paths.hpp — from a request path to a file under the served root (public);
// Python's SimpleHTTPRequestHandler.translate_path, plus a symlink check Python does not make.
//
//   auto file = netkit::http::translate_path("/srv/www", "/a/../b%20c/?q=1");  // "/srv/www/b c/"
//   if (!netkit::http::inside_root("/srv/www", file)) { /* 404: a symlink leads out */ }
//
// Thread safety: pure function (translate_path); inside_root reads the file system.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace netkit::http {

// SimpleHTTPRequestHandler(directory=root).translate_path(url_path), byte for byte as CPython
// 3.11.7 answers (the file-system encoding being UTF-8):
//  - the query ('?') and then the fragment ('#') are dropped;
//  - url_path is the request target's bytes, which Python reads as Latin-1: a byte 0x80..0xFF
//    that is not percent-escaped names the character U+0080..U+00FF, so it becomes two UTF-8
//    bytes (what Python's os functions would look up);
//  - percent-escapes are decoded as unquote(..., errors='surrogatepass') does, and when that
//    raises (an escape that is not UTF-8, such as %FF), as errors='replace' does (U+FFFD);
//    an escaped surrogate (%ED%A0%80) is kept as its three bytes;
//  - posixpath.normpath, then every empty, "." and ".." word is dropped, so the result never
//    climbs above root: it is root joined with the remaining words ("/" between them);
//  - a trailing '/' (before whitespace) of the undecoded path is kept.
// Deliberate difference: Python encodes U+DC80..U+DCFF (from %ED%B2%80 and the like) to the
// single bytes 0x80..0xFF when it touches the file system; netkit keeps the three bytes.
// An empty root means "." (Python would answer "/" for "/" with directory='').
// The result may contain a NUL byte (from %00), which Python's os functions refuse with
// ValueError: a caller must treat such a path as not found (inside_root refuses it).
std::string translate_path(std::string_view root, std::string_view url_path);

// True only when p, with every symlink resolved (realpath), is root itself or lies under root's
// realpath. False when p or root does not exist (a dangling symlink included), cannot be
// resolved, or contains a NUL byte. Python does not check this and follows symlinks out of its
// directory; netkit refuses them. The check and a later open() are two steps: a tree that
// others may change between them needs an open that does not follow links (O_NOFOLLOW,
// openat2 RESOLVE_BENEATH) as well.
bool inside_root(const std::filesystem::path& root, const std::filesystem::path& p);

}  // namespace netkit::http
