// username, password, hostname and port of a netloc: Python's _NetlocResultMixinStr.
#include "netkit/url/result.hpp"

#include <algorithm>

#include "../unicode_case.hpp"
#include "netkit/repr.hpp"
#include "netkit/url/error.hpp"

namespace netkit::url {
namespace {

struct host_info {
  std::string_view hostname;
  std::string_view port;  // empty: None
};

// _hostinfo: the part after the last '@'; a bracketed host runs to the first ']' and the port
// follows the first ':' after it.
host_info hostinfo(std::string_view netloc) {
  const std::size_t at = netloc.rfind('@');
  const std::string_view host = at == std::string_view::npos ? netloc : netloc.substr(at + 1);
  const std::size_t open = host.find('[');
  if (open != std::string_view::npos) {
    const std::string_view bracketed = host.substr(open + 1);
    const std::size_t close = bracketed.find(']');
    if (close == std::string_view::npos) return {bracketed, {}};
    const std::string_view after = bracketed.substr(close + 1);
    const std::size_t colon = after.find(':');
    return {bracketed.substr(0, close),
            colon == std::string_view::npos ? std::string_view{} : after.substr(colon + 1)};
  }
  const std::size_t colon = host.find(':');
  if (colon == std::string_view::npos) return {host, {}};
  return {host.substr(0, colon), host.substr(colon + 1)};
}

}  // namespace

std::optional<std::string> netloc_username(std::string_view netloc) {
  const std::size_t at = netloc.rfind('@');
  if (at == std::string_view::npos) return std::nullopt;
  const std::string_view userinfo = netloc.substr(0, at);
  return std::string(userinfo.substr(0, userinfo.find(':')));
}

std::optional<std::string> netloc_password(std::string_view netloc) {
  const std::size_t at = netloc.rfind('@');
  if (at == std::string_view::npos) return std::nullopt;
  const std::string_view userinfo = netloc.substr(0, at);
  const std::size_t colon = userinfo.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return std::string(userinfo.substr(colon + 1));
}

std::optional<std::string> netloc_hostname(std::string_view netloc) {
  const std::string_view host = hostinfo(netloc).hostname;
  if (host.empty()) return std::nullopt;
  // A scoped IPv6 address's zone id keeps its case (fe80::1%eTH0).
  const std::size_t percent = host.find('%');
  std::string out = netkit::detail::python_lower(host.substr(0, percent));
  if (percent != std::string_view::npos) out.append(host.substr(percent));
  return out;
}

std::optional<int> netloc_port(std::string_view netloc) {
  const std::string_view port = hostinfo(netloc).port;
  if (port.empty()) return std::nullopt;
  if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
    throw url_error("Port could not be cast to integer value as " + repr_str(port));
  long value = 0;
  for (char c : port) {
    value = value * 10 + (c - '0');
    if (value > 65535) throw url_error("Port out of range 0-65535");
  }
  return static_cast<int>(value);
}

}  // namespace netkit::url

namespace netkit {

std::string repr(const url::split_result& r) {
  return "SplitResult(scheme=" + repr_str(r.scheme) + ", netloc=" + repr_str(r.netloc) +
         ", path=" + repr_str(r.path) + ", query=" + repr_str(r.query) +
         ", fragment=" + repr_str(r.fragment) + ")";
}

std::string repr(const url::parse_result& r) {
  return "ParseResult(scheme=" + repr_str(r.scheme) + ", netloc=" + repr_str(r.netloc) +
         ", path=" + repr_str(r.path) + ", params=" + repr_str(r.params) +
         ", query=" + repr_str(r.query) + ", fragment=" + repr_str(r.fragment) + ")";
}

std::string repr(const url::defrag_result& r) {
  return "DefragResult(url=" + repr_str(r.url) + ", fragment=" + repr_str(r.fragment) + ")";
}

}  // namespace netkit
