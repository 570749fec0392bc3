// Tests for netkit/socket/resolver.hpp: getaddrinfo and friends. Fixed values come from
// Python 3.11.7; answers that depend on this machine's /etc/hosts and hostname are compared
// with what python3 says on the same machine at test time. Only loopback names and addresses
// are looked up, plus "nosuchname.invalid" (the .invalid TLD never resolves).
#include "netkit/socket/resolver.hpp"

#include <gtest/gtest.h>
#include <netdb.h>
#include <unistd.h>

#include <sstream>
#include <string>
#include <vector>

#include "netkit/error.hpp"
#include "netkit/repr.hpp"
#include "unit/socket/helpers.hpp"

namespace {

// One line per answer, as the python snippet below prints them.
std::string lines_of(const std::vector<netkit::addrinfo_result>& answers) {
  std::ostringstream out;
  for (const auto& a : answers)
    out << a.family << ' ' << a.type << ' ' << a.proto << ' ' << netkit::repr_str(a.canonname)
        << ' ' << netkit::repr(a.sockaddr) << '\n';
  return out.str();
}

std::string python_getaddrinfo(const std::string& args) {
  return netkit_test::run_python(
      "import socket\n"
      "for f, t, p, c, a in socket.getaddrinfo(" +
      args +
      "):\n"
      "    print(int(f), int(t), p, repr(c), repr(a))\n");
}

TEST(Getaddrinfo, NumericIPv4WithTypeFilter) {
  // Python: [(AF_INET, SOCK_STREAM, 6, '', ('127.0.0.1', 80))]
  const auto r = netkit::getaddrinfo("127.0.0.1", 80, 0, SOCK_STREAM);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].family, AF_INET);
  EXPECT_EQ(r[0].type, SOCK_STREAM);
  EXPECT_EQ(r[0].proto, IPPROTO_TCP);
  EXPECT_EQ(r[0].canonname, "");
  EXPECT_EQ(netkit::repr(r[0].sockaddr), "('127.0.0.1', 80)");
}

TEST(Getaddrinfo, ProtoFilter) {
  // Python: getaddrinfo('127.0.0.1', 80, 0, 0, IPPROTO_UDP) -> one SOCK_DGRAM answer.
  const auto r = netkit::getaddrinfo("127.0.0.1", 80, 0, 0, IPPROTO_UDP);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].type, SOCK_DGRAM);
  EXPECT_EQ(r[0].proto, IPPROTO_UDP);
}

TEST(Getaddrinfo, NumericIPv6) {
  const auto r = netkit::getaddrinfo("::1", "22", AF_INET6, SOCK_STREAM);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].family, AF_INET6);
  EXPECT_EQ(netkit::repr(r[0].sockaddr), "('::1', 22, 0, 0)");
}

TEST(Getaddrinfo, ScopeIdIsKept) {
  // Python: getaddrinfo('fe80::1%1', 80, 0, SOCK_STREAM) -> ('fe80::1', 80, 0, 1)
  const auto r = netkit::getaddrinfo("fe80::1%1", 80, 0, SOCK_STREAM);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(netkit::repr(r[0].sockaddr), "('fe80::1', 80, 0, 1)");
  EXPECT_EQ(r[0].sockaddr.scope_id(), 1u);
}

TEST(Getaddrinfo, AllTypesAsPythonGivesThem) {
  EXPECT_EQ(lines_of(netkit::getaddrinfo("127.0.0.1", 80)), python_getaddrinfo("'127.0.0.1', 80"));
  EXPECT_EQ(lines_of(netkit::getaddrinfo("::1", 80)), python_getaddrinfo("'::1', 80"));
}

TEST(Getaddrinfo, LocalhostAsPythonGivesIt) {
  EXPECT_EQ(lines_of(netkit::getaddrinfo("localhost", 80)), python_getaddrinfo("'localhost', 80"));
  EXPECT_EQ(lines_of(netkit::getaddrinfo("localhost", "http", AF_INET, SOCK_STREAM)),
            python_getaddrinfo("'localhost', 'http', socket.AF_INET, socket.SOCK_STREAM"));
  EXPECT_EQ(lines_of(netkit::getaddrinfo("localhost", 80, AF_INET, SOCK_DGRAM)),
            python_getaddrinfo("'localhost', 80, socket.AF_INET, socket.SOCK_DGRAM"));
}

TEST(Getaddrinfo, CanonnameOnTheFirstAnswer) {
  // Python: getaddrinfo('localhost', 80, AF_INET, SOCK_STREAM, 0, AI_CANONNAME)
  //   -> [(AF_INET, SOCK_STREAM, 6, 'localhost', ('127.0.0.1', 80))]
  const auto r = netkit::getaddrinfo("localhost", 80, AF_INET, SOCK_STREAM, 0, AI_CANONNAME);
  ASSERT_FALSE(r.empty());
  EXPECT_EQ(r[0].canonname, "localhost");
  EXPECT_EQ(lines_of(r), python_getaddrinfo("'localhost', 80, socket.AF_INET, socket.SOCK_STREAM,"
                                            " 0, socket.AI_CANONNAME"));
  // Only the first answer carries it.
  const auto all = netkit::getaddrinfo("127.0.0.1", 80, 0, 0, 0, AI_CANONNAME);
  ASSERT_GE(all.size(), 2u);
  EXPECT_EQ(all[0].canonname, "127.0.0.1");
  EXPECT_EQ(all[1].canonname, "");
}

TEST(Getaddrinfo, NoHostIsLoopbackOrWildcard) {
  // Python: getaddrinfo(None, 80, AF_INET, SOCK_STREAM) -> ('127.0.0.1', 80); with AI_PASSIVE
  // ('0.0.0.0', 80).
  const auto loop = netkit::getaddrinfo("", 80, AF_INET, SOCK_STREAM);
  ASSERT_EQ(loop.size(), 1u);
  EXPECT_EQ(netkit::repr(loop[0].sockaddr), "('127.0.0.1', 80)");
  const auto any = netkit::getaddrinfo("", 80, AF_INET, SOCK_STREAM, 0, AI_PASSIVE);
  ASSERT_EQ(any.size(), 1u);
  EXPECT_EQ(netkit::repr(any[0].sockaddr), "('0.0.0.0', 80)");
}

TEST(Getaddrinfo, NoPort) {
  const auto r = netkit::getaddrinfo("127.0.0.1", "", AF_INET, SOCK_DGRAM);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].sockaddr.port(), 0);
}

TEST(Getaddrinfo, ErrorsAreGaiErrors) {
  auto expect_gai = [](auto&& call, int code, const char* text) {
    try {
      call();
      ADD_FAILURE() << "no exception, expected " << text;
    } catch (const netkit::gai_error& e) {
      EXPECT_EQ(e.code(), std::error_code(code, netkit::gai_category())) << e.what();
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
  };
  // Python: gaierror [Errno -2] Name or service not known
  expect_gai([] { netkit::getaddrinfo("nosuchname.invalid", 80); }, EAI_NONAME,
             "[Errno -2] Name or service not known");
  // Python: gaierror [Errno -8] Servname not supported for ai_socktype
  expect_gai([] { netkit::getaddrinfo("localhost", "nosuchservice"); }, EAI_SERVICE,
             "[Errno -8] Servname not supported for ai_socktype");
  expect_gai([] { netkit::getaddrinfo("127.0.0.1", "http", 0, SOCK_DGRAM); }, EAI_SERVICE,
             "Servname not supported");
  // Python: gaierror [Errno -9] Address family for hostname not supported
  expect_gai([] { netkit::getaddrinfo("::1", 80, AF_INET); }, EAI_ADDRFAMILY,
             "[Errno -9] Address family for hostname not supported");
  expect_gai([] { netkit::getaddrinfo("1.2.3.4.5", 80, 0, 0, 0, AI_NUMERICHOST); }, EAI_NONAME,
             "Name or service not known");
}

TEST(Getaddrinfo, ErrorNamesTheHost) {
  try {
    netkit::getaddrinfo("nosuchname.invalid", 80);
    FAIL() << "no exception";
  } catch (const netkit::gai_error& e) {
    EXPECT_NE(std::string(e.what()).find("nosuchname.invalid"), std::string::npos) << e.what();
  }
}

TEST(Getaddrinfo, PortOutOfRange) {
  // Python wraps 70000 to 4464 (it passes the text "70000" and glibc truncates). netkit's int
  // overload should either do the same or refuse with value_error; it must not wrap silently
  // into some other port without telling.
  try {
    const auto r = netkit::getaddrinfo("127.0.0.1", 70000, AF_INET, SOCK_STREAM);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].sockaddr.port(), 4464);
  } catch (const netkit::value_error&) {
  } catch (const netkit::gai_error&) {
  }
}

TEST(Getnameinfo, Values) {
  // Python: getnameinfo(('127.0.0.1', 80), NI_NUMERICHOST | NI_NUMERICSERV) -> ('127.0.0.1', '80')
  EXPECT_EQ(netkit::getnameinfo(netkit::socket_address::ipv4("127.0.0.1", 80),
                                NI_NUMERICHOST | NI_NUMERICSERV),
            (std::pair<std::string, std::string>{"127.0.0.1", "80"}));
  // ('::1', 22) with NI_NUMERICHOST -> ('::1', 'ssh')
  EXPECT_EQ(netkit::getnameinfo(netkit::socket_address::ipv6("::1", 22), NI_NUMERICHOST),
            (std::pair<std::string, std::string>{"::1", "ssh"}));
  // NI_DGRAM: ('127.0.0.1', 53) -> service 'domain'
  EXPECT_EQ(
      netkit::getnameinfo(netkit::socket_address::ipv4("127.0.0.1", 53), NI_DGRAM | NI_NUMERICHOST)
          .second,
      "domain");
}

TEST(Getnameinfo, NamesAsPythonGivesThem) {
  const auto py = netkit_test::run_python(
      "import socket\n"
      "print(*socket.getnameinfo(('127.0.0.1', 80), 0))\n"
      "print(*socket.getnameinfo(('127.0.0.1', 12345), 0))\n");
  const auto a = netkit::getnameinfo(netkit::socket_address::ipv4("127.0.0.1", 80));
  const auto b = netkit::getnameinfo(netkit::socket_address::ipv4("127.0.0.1", 12345));
  EXPECT_EQ(a.first + " " + a.second + "\n" + b.first + " " + b.second + "\n", py);
}

TEST(Gethostname, IsTheKernelsName) {
  char buf[256] = {};
  ASSERT_EQ(::gethostname(buf, sizeof buf), 0);
  EXPECT_EQ(netkit::gethostname(), buf);
  EXPECT_EQ(netkit::gethostname() + "\n",
            netkit_test::run_python("import socket; print(socket.gethostname())"));
}

TEST(Gethostbyname, Localhost) {
  EXPECT_EQ(netkit::gethostbyname("localhost"), "127.0.0.1");
  EXPECT_EQ(netkit::gethostbyname("127.0.0.1"), "127.0.0.1");
  // Python: gaierror [Errno -2] for unknown names, [Errno -9] for IPv6 text (IPv4 only).
  EXPECT_THROW(netkit::gethostbyname("nosuchname.invalid"), netkit::gai_error);
  EXPECT_THROW(netkit::gethostbyname("::1"), netkit::gai_error);
}

std::string entry_line(const netkit::host_entry& e) {
  std::string out = e.hostname + " [";
  for (const auto& a : e.aliases) out += a + ",";
  out += "] [";
  for (const auto& a : e.addresses) out += a + ",";
  return out + "]\n";
}

std::string python_entry(const std::string& call) {
  return netkit_test::run_python(
      "import socket\n"
      "h, al, ad = socket." +
      call +
      "\n"
      "print(h, '[' + ''.join(a + ',' for a in al) + ']', '[' + ''.join(a + ',' for a in ad) + "
      "']')\n");
}

TEST(GethostbynameEx, AsPythonGivesIt) {
  // Python here: ('localhost', [], ['127.0.0.1']) and ('127.0.0.1', [], ['127.0.0.1']).
  const auto e = netkit::gethostbyname_ex("localhost");
  EXPECT_EQ(entry_line(e), python_entry("gethostbyname_ex('localhost')"));
  ASSERT_FALSE(e.addresses.empty());
  EXPECT_EQ(e.addresses[0], "127.0.0.1");
  EXPECT_EQ(entry_line(netkit::gethostbyname_ex("127.0.0.1")),
            python_entry("gethostbyname_ex('127.0.0.1')"));
  EXPECT_THROW(netkit::gethostbyname_ex("nosuchname.invalid"), netkit::gai_error);
}

TEST(Gethostbyaddr, LoopbackAsPythonGivesIt) {
  const auto e = netkit::gethostbyaddr("127.0.0.1");
  EXPECT_EQ(entry_line(e), python_entry("gethostbyaddr('127.0.0.1')"));
  EXPECT_FALSE(e.hostname.empty());
  // A name is resolved first, as Python does.
  EXPECT_EQ(entry_line(netkit::gethostbyaddr("localhost")),
            python_entry("gethostbyaddr('localhost')"));
  EXPECT_THROW(netkit::gethostbyaddr("nosuchname.invalid"), netkit::gai_error);
}

TEST(Getfqdn, AsPythonGivesIt) {
  EXPECT_EQ(netkit::getfqdn() + "\n",
            netkit_test::run_python("import socket; print(socket.getfqdn())"));
  EXPECT_EQ(netkit::getfqdn("localhost") + "\n",
            netkit_test::run_python("import socket; print(socket.getfqdn('localhost'))"));
  EXPECT_EQ(netkit::getfqdn("127.0.0.1") + "\n",
            netkit_test::run_python("import socket; print(socket.getfqdn('127.0.0.1'))"));
  // Never throws: an unknown name comes back as it is.
  EXPECT_EQ(netkit::getfqdn("nosuchname.invalid"), "nosuchname.invalid");
}

TEST(Getservbyname, Values) {
  EXPECT_EQ(netkit::getservbyname("http", "tcp"), 80);
  EXPECT_EQ(netkit::getservbyname("https"), 443);
  EXPECT_EQ(netkit::getservbyname("domain", "udp"), 53);
  // Python: OSError: service/proto not found
  for (auto [name, proto] : {std::pair{"nosuchservice", ""}, std::pair{"http", "xyz"}}) {
    try {
      netkit::getservbyname(name, proto);
      ADD_FAILURE() << name << "/" << proto << " found";
    } catch (const netkit::socket_error& e) {
      EXPECT_NE(std::string(e.what()).find("service/proto not found"), std::string::npos)
          << e.what();
    }
  }
}

TEST(Getservbyport, Values) {
  EXPECT_EQ(netkit::getservbyport(80), "http");
  EXPECT_EQ(netkit::getservbyport(53, "udp"), "domain");
  EXPECT_EQ(netkit::getservbyport(22, "tcp"), "ssh");
  // Python: OverflowError: getservbyport: port must be 0-65535.
  EXPECT_THROW(netkit::getservbyport(65536), netkit::value_error);
  EXPECT_THROW(netkit::getservbyport(-1), netkit::value_error);
}

TEST(Getprotobyname, Values) {
  EXPECT_EQ(netkit::getprotobyname("tcp"), 6);
  EXPECT_EQ(netkit::getprotobyname("udp"), 17);
  EXPECT_EQ(netkit::getprotobyname("icmp"), 1);
  // Python: OSError: protocol not found
  try {
    netkit::getprotobyname("nosuch");
    FAIL() << "no exception";
  } catch (const netkit::socket_error& e) {
    EXPECT_NE(std::string(e.what()).find("protocol not found"), std::string::npos) << e.what();
  }
}

TEST(ConstantNames, AsSocketGetaddrinfoPrintsThem) {
  EXPECT_EQ(netkit::family_name(AF_INET), "AF_INET");
  EXPECT_EQ(netkit::family_name(AF_INET6), "AF_INET6");
  EXPECT_EQ(netkit::family_name(AF_UNIX), "AF_UNIX");
  EXPECT_EQ(netkit::family_name(12345), "12345");
  EXPECT_EQ(netkit::type_name(SOCK_STREAM), "SOCK_STREAM");
  EXPECT_EQ(netkit::type_name(SOCK_DGRAM), "SOCK_DGRAM");
  EXPECT_EQ(netkit::type_name(SOCK_RAW), "SOCK_RAW");
  EXPECT_EQ(netkit::type_name(999), "999");
  EXPECT_EQ(netkit::proto_name(IPPROTO_TCP), "IPPROTO_TCP");
  EXPECT_EQ(netkit::proto_name(IPPROTO_UDP), "IPPROTO_UDP");
  EXPECT_EQ(netkit::proto_name(IPPROTO_IP), "IPPROTO_IP");
  EXPECT_EQ(netkit::proto_name(12345), "12345");
}

TEST(ConstantNames, MatchPythonsEnumNames) {
  const auto py = netkit_test::run_python(
      "import socket\n"
      "print(socket.AddressFamily(socket.AF_INET).name, socket.AddressFamily(socket.AF_INET6).name,"
      " socket.SocketKind(socket.SOCK_STREAM).name, socket.SocketKind(socket.SOCK_DGRAM).name)\n");
  EXPECT_EQ(netkit::family_name(AF_INET) + " " + netkit::family_name(AF_INET6) + " " +
                netkit::type_name(SOCK_STREAM) + " " + netkit::type_name(SOCK_DGRAM) + "\n",
            py);
}

TEST(ConstantNames, SameTableAsTheSeedProgram) {
  // socket_getaddrinfo.py maps values to names with {getattr(socket, n): n for n in dir(socket)
  // if n.startswith(prefix)}: the alphabetically last name wins for a shared value.
  const auto py = netkit_test::run_python(
      "import socket\n"
      "def table(prefix):\n"
      "    return {getattr(socket, n): n for n in dir(socket) if n.startswith(prefix)}\n"
      "f, t, p = table('AF_'), table('SOCK_'), table('IPPROTO_')\n"
      "print(' '.join(f.get(i, str(i)) for i in range(0, 48)))\n"
      "print(' '.join(t.get(i, str(i)) for i in range(0, 12)))\n"
      "print(' '.join(p.get(i, str(i)) for i in range(0, 300)))\n");
  std::string ours;
  for (int i = 0; i < 48; ++i) ours += (i ? " " : "") + netkit::family_name(i);
  ours += "\n";
  for (int i = 0; i < 12; ++i) ours += (i ? " " : "") + netkit::type_name(i);
  ours += "\n";
  for (int i = 0; i < 300; ++i) ours += (i ? " " : "") + netkit::proto_name(i);
  ours += "\n";
  EXPECT_EQ(ours, py);
}

}  // namespace
