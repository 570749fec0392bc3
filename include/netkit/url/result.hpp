// netkit/url/result.hpp — the results of urlsplit, urlparse and urldefrag (public); Python's
// SplitResult, ParseResult and DefragResult.
//
//   auto r = netkit::url::urlsplit("http://User:pw@[::1]:8080/p?q#f");
//   r.hostname();  // "::1"     r.port();  // 8080     r.geturl();  // the URL again
//
// The fields are plain strings, as the namedtuple's are; username, password, hostname and port
// are computed from netloc on each call, as Python's properties are. std::nullopt is Python's
// None. port() throws url_error for a port Python cannot accept (not digits, > 65535).
//
// Thread safety: values; const member functions may be called from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace netkit::url {

// The userinfo and host parts of a netloc, as Python's _NetlocResultMixinStr computes them.
std::optional<std::string> netloc_username(std::string_view netloc);
std::optional<std::string> netloc_password(std::string_view netloc);
std::optional<std::string> netloc_hostname(std::string_view netloc);
std::optional<int> netloc_port(std::string_view netloc);  // throws url_error

// SplitResult(scheme, netloc, path, query, fragment).
struct split_result {
  std::string scheme;
  std::string netloc;
  std::string path;
  std::string query;
  std::string fragment;

  std::optional<std::string> username() const { return netloc_username(netloc); }
  std::optional<std::string> password() const { return netloc_password(netloc); }
  std::optional<std::string> hostname() const { return netloc_hostname(netloc); }
  std::optional<int> port() const { return netloc_port(netloc); }
  std::string geturl() const;  // urlunsplit(*this)

  friend bool operator==(const split_result&, const split_result&) = default;
};

// ParseResult(scheme, netloc, path, params, query, fragment).
struct parse_result {
  std::string scheme;
  std::string netloc;
  std::string path;
  std::string params;
  std::string query;
  std::string fragment;

  std::optional<std::string> username() const { return netloc_username(netloc); }
  std::optional<std::string> password() const { return netloc_password(netloc); }
  std::optional<std::string> hostname() const { return netloc_hostname(netloc); }
  std::optional<int> port() const { return netloc_port(netloc); }
  std::string geturl() const;  // urlunparse(*this)

  friend bool operator==(const parse_result&, const parse_result&) = default;
};

// DefragResult(url, fragment).
struct defrag_result {
  std::string url;
  std::string fragment;

  std::string geturl() const { return fragment.empty() ? url : url + '#' + fragment; }

  friend bool operator==(const defrag_result&, const defrag_result&) = default;
};

}  // namespace netkit::url

namespace netkit {

// Python's repr: SplitResult(scheme='http', netloc='a', path='/', query='', fragment='').
std::string repr(const url::split_result& r);
std::string repr(const url::parse_result& r);
std::string repr(const url::defrag_result& r);

}  // namespace netkit
