// Unix servers remove nothing they did not create, remove what they did create, and say
// clearly why a path is taken: a stale socket file, a live server, or a file that is not a
// socket.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <string>

#include "unit/socketserver/helpers.hpp"

namespace {

using namespace netkit_test;

template <class Kind>
class unix_server : public ::testing::Test {};
using unix_kinds = ::testing::Types<unix_stream_kind, unix_datagram_kind>;
struct kind_names {
  template <class Kind>
  static std::string GetName(int) {
    return Kind::name;
  }
};
TYPED_TEST_SUITE(unix_server, unix_kinds, kind_names);

struct idle_handler : netkit::base_request_handler {};

template <class Kind>
typename Kind::server make_server(const std::string& path) {
  return typename Kind::server(netkit::endpoint(path), netkit::handler<idle_handler>());
}

template <class Kind>
int type_of_kind() {
  return std::is_same_v<Kind, unix_stream_kind> ? SOCK_STREAM : SOCK_DGRAM;
}

enum class what { missing, socket, regular, other };
what file_at(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return what::missing;
  if (S_ISSOCK(st.st_mode)) return what::socket;
  if (S_ISREG(st.st_mode)) return what::regular;
  return what::other;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The error a server gets binding `path`, or "" when it binds.
template <class Kind>
std::string bind_error(const std::string& path, std::error_code* code = nullptr) {
  try {
    auto server = make_server<Kind>(path);
    server.server_close();
  } catch (const netkit::socket_error& e) {
    if (code != nullptr) *code = e.code();
    return e.what();
  }
  return "";
}

TYPED_TEST(unix_server, server_close_removes_the_socket_file_it_created) {
  temp_dir dir;
  const std::string path = dir.path("server.sock");
  auto server = make_server<TypeParam>(path);
  EXPECT_EQ(file_at(path), what::socket);
  EXPECT_EQ(server.server_address.path(), path);
  server.server_close();
  EXPECT_EQ(file_at(path), what::missing);
  server.server_close();  // twice: nothing more to do, nothing thrown
}

TYPED_TEST(unix_server, destruction_without_server_close_removes_it_too) {
  temp_dir dir;
  const std::string path = dir.path("server.sock");
  { auto server = make_server<TypeParam>(path); }
  EXPECT_EQ(file_at(path), what::missing);
}

TYPED_TEST(unix_server, a_regular_file_at_the_path_is_left_alone) {
  temp_dir dir;
  const std::string path = dir.path("precious");
  std::ofstream(path) << "keep me";
  std::error_code code;
  const std::string message = bind_error<TypeParam>(path, &code);
  EXPECT_EQ(code, std::errc::address_in_use) << message;
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_EQ(message.find("stale"), std::string::npos)
      << "a regular file is not a stale socket: " << message;
  EXPECT_NE(message.find("not a socket"), std::string::npos) << message;
  EXPECT_EQ(file_at(path), what::regular);
  EXPECT_EQ(read_file(path), "keep me");
}

TYPED_TEST(unix_server, a_stale_socket_file_is_named_stale_and_left_alone) {
  temp_dir dir;
  const std::string path = dir.path("stale.sock");
  {  // a server that died without unlinking its socket
    netkit::socket gone(AF_UNIX, type_of_kind<TypeParam>());
    gone.bind(netkit::endpoint(path));
    if (type_of_kind<TypeParam>() == SOCK_STREAM) gone.listen();
  }
  ASSERT_EQ(file_at(path), what::socket);
  std::error_code code;
  const std::string message = bind_error<TypeParam>(path, &code);
  EXPECT_EQ(code, std::errc::address_in_use) << message;
  EXPECT_NE(message.find("stale"), std::string::npos) << message;
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_EQ(file_at(path), what::socket) << "the stale file is not ours to remove";
}

TYPED_TEST(unix_server, a_live_server_at_the_path_is_named_and_keeps_working) {
  watchdog dog;
  temp_dir dir;
  const std::string path = dir.path("live.sock");
  test_context ctx;
  logged_server<typename TypeParam::server> live(netkit::endpoint(path), &ctx);
  const std::string message = bind_error<TypeParam>(path);
  EXPECT_NE(message.find("another server is listening"), std::string::npos) << message;
  EXPECT_EQ(message.find("stale"), std::string::npos) << message;
  EXPECT_EQ(file_at(path), what::socket);
  {
    serving running(live);
    EXPECT_EQ(exchange(live.server_address, type_of_kind<TypeParam>(), "still here\n", dir),
              "still here\n");
  }
  live.server_close();
  EXPECT_EQ(file_at(path), what::missing);
}

// Someone replaced the socket file while the server ran: the new one is not the server's.
TYPED_TEST(unix_server, a_replaced_socket_file_is_not_removed) {
  temp_dir dir;
  const std::string path = dir.path("server.sock");
  auto server = make_server<TypeParam>(path);
  ASSERT_EQ(::unlink(path.c_str()), 0);
  netkit::socket other(AF_UNIX, type_of_kind<TypeParam>());
  other.bind(netkit::endpoint(path));
  server.server_close();
  EXPECT_EQ(file_at(path), what::socket) << "server_close removed a file it did not create";
}

// A failed bind leaves nothing behind, and a later server on a free path works.
TYPED_TEST(unix_server, a_path_in_a_missing_directory_fails_cleanly) {
  temp_dir dir;
  const std::string path = dir.path("no/such/dir/server.sock");
  std::error_code code;
  const std::string message = bind_error<TypeParam>(path, &code);
  EXPECT_EQ(code, std::errc::no_such_file_or_directory) << message;
  EXPECT_NE(message.find(path), std::string::npos) << message;
}

TYPED_TEST(unix_server, an_abstract_name_serves_and_touches_no_file) {
  watchdog dog;
  temp_dir dir;
  test_context ctx;
  const std::string name =
      std::string(1, '\0') + "netkit-ss-test-" + std::to_string(::getpid()) + "-" + TypeParam::name;
  logged_server<typename TypeParam::server> server(netkit::endpoint(name), &ctx);
  EXPECT_TRUE(server.server_address.is_abstract());
  {
    serving running(server);
    EXPECT_EQ(exchange(server.server_address, type_of_kind<TypeParam>(), "abstract\n", dir),
              "abstract\n");
  }
  server.server_close();
}

}  // namespace

namespace {

TEST(unix_server_types, a_live_socket_of_the_other_type_is_named) {
  netkit_test::temp_dir dir;
  const std::string path = dir.path("stream.sock");
  auto stream = make_server<netkit_test::unix_stream_kind>(path);
  const std::string message = bind_error<netkit_test::unix_datagram_kind>(path);
  EXPECT_NE(message.find("a socket of another type is bound there"), std::string::npos) << message;
  EXPECT_EQ(file_at(path), what::socket);
}

}  // namespace
