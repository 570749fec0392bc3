// Tests for netkit/socket/socket_file.hpp: socket.makefile() as Python's buffered reader and
// writer over a connected socket.
#include "netkit/socket/socket_file.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "netkit/error.hpp"
#include "netkit/socket/functions.hpp"
#include "netkit/socket/socket.hpp"
#include "unit/socket/helpers.hpp"

namespace {

using netkit_test::kIoTimeout;
using netkit_test::seconds_taken;

struct pair_fixture : ::testing::Test {
  pair_fixture() {
    auto [x, y] = netkit::socketpair();
    a = std::move(x);
    b = std::move(y);
    a.settimeout(kIoTimeout);
    b.settimeout(kIoTimeout);
  }
  netkit::socket a;
  netkit::socket b;
};

using SocketFile = pair_fixture;

TEST_F(SocketFile, ModesSetReadableWritable) {
  auto r = b.makefile("rb");
  EXPECT_TRUE(r.readable());
  EXPECT_FALSE(r.writable());
  auto w = b.makefile("wb");
  EXPECT_FALSE(w.readable());
  EXPECT_TRUE(w.writable());
  auto rw = b.makefile("rwb");
  EXPECT_TRUE(rw.readable());
  EXPECT_TRUE(rw.writable());
  auto def = b.makefile();
  EXPECT_TRUE(def.readable());
  EXPECT_FALSE(def.writable());
  EXPECT_FALSE(def.closed());
}

TEST_F(SocketFile, BadModeIsValueError) {
  // Python: ValueError: invalid mode 'x' (only "r", "w", "b" allowed).
  EXPECT_THROW(b.makefile("x"), netkit::value_error);
  EXPECT_THROW(b.makefile("ra"), netkit::value_error);
}

TEST_F(SocketFile, ReadlineOverDataSplitAcrossSends) {
  auto f = b.makefile("rb");
  std::thread writer([&] {
    a.sendall("fir");
    a.sendall("st\nsec");
    a.sendall("ond\n");
    a.sendall("no newline at end");
    a.shutdown(SHUT_WR);
  });
  EXPECT_EQ(f.readline(), "first\n");
  EXPECT_EQ(f.readline(), "second\n");
  EXPECT_EQ(f.readline(), "no newline at end");
  EXPECT_EQ(f.readline(), "");  // end of stream
  EXPECT_EQ(f.readline(), "");
  writer.join();
}

TEST_F(SocketFile, ReadlineLimit) {
  auto f = b.makefile("rb");
  a.sendall("abcdefgh\nxy\n");
  a.shutdown(SHUT_WR);
  EXPECT_EQ(f.readline(3), "abc");
  EXPECT_EQ(f.readline(100), "defgh\n");
  EXPECT_EQ(f.readline(0), "");
  EXPECT_EQ(f.readline(), "xy\n");
}

TEST_F(SocketFile, ReadNWaitsForAllOfThem) {
  auto f = b.makefile("rb");
  std::thread writer([&] {
    for (const char* part : {"12", "34", "56", "789"}) a.sendall(part);
    a.shutdown(SHUT_WR);
  });
  EXPECT_EQ(f.read(5), "12345");
  EXPECT_EQ(f.read(0), "");
  EXPECT_EQ(f.read(100), "6789");  // fewer only at end of stream
  EXPECT_EQ(f.read(10), "");
  writer.join();
}

TEST_F(SocketFile, ReadToEndOfStream) {
  auto f = b.makefile("rb");
  const std::string big(100000, 'q');
  std::thread writer([&] {
    a.sendall("head\n");
    a.sendall(big);
    a.close();
  });
  EXPECT_EQ(f.readline(), "head\n");
  EXPECT_EQ(f.read(), big);
  EXPECT_EQ(f.read(), "");
  writer.join();
}

TEST_F(SocketFile, Read1ReturnsWhatOneRecvBrings) {
  auto f = b.makefile("rb");
  a.sendall("chunk");
  EXPECT_EQ(f.read1(100), "chunk");
  a.sendall("abcdef");
  EXPECT_EQ(f.read1(2), "ab");
  EXPECT_EQ(f.read1(100), "cdef");  // served from the buffer
}

TEST_F(SocketFile, Readlines) {
  auto f = b.makefile("rb");
  a.sendall("a\nbb\nccc");
  a.shutdown(SHUT_WR);
  EXPECT_EQ(f.readlines(), (std::vector<netkit::bytes>{"a\n", "bb\n", "ccc"}));
}

TEST_F(SocketFile, WriteBuffersUntilFlush) {
  auto w = a.makefile("wb");
  EXPECT_EQ(w.write("hello "), 6u);
  EXPECT_EQ(w.write("world\n"), 6u);
  // Nothing was sent yet: the peer has nothing to read.
  b.settimeout(0);
  EXPECT_THROW(b.recv(100), netkit::blocking_io_error);
  w.flush();
  b.settimeout(kIoTimeout);
  EXPECT_EQ(b.recv(100), "hello world\n");
}

TEST_F(SocketFile, WriteLargerThanTheBufferIsSent) {
  auto w = a.makefile("wb");
  const std::string big(50000, 'w');
  std::string got;
  std::thread reader([&] {
    try {
      while (got.size() < big.size()) {
        auto chunk = b.recv(65536);
        if (chunk.empty()) break;
        got += chunk;
      }
    } catch (const std::exception&) {
    }
  });
  EXPECT_EQ(w.write(big), big.size());
  w.flush();
  reader.join();
  EXPECT_EQ(got, big);
}

TEST_F(SocketFile, DestructorFlushes) {
  {
    auto w = a.makefile("wb");
    w.write("flushed by the destructor");
  }
  EXPECT_EQ(b.recv(100), "flushed by the destructor");
}

TEST_F(SocketFile, CloseFlushesAndLeavesTheSocketOpen) {
  auto w = a.makefile("wb");
  w.write("bye");
  w.close();
  EXPECT_TRUE(w.closed());
  EXPECT_NO_THROW(w.close());  // idempotent
  EXPECT_EQ(b.recv(100), "bye");
  // Python: closing the file does not close the socket (the socket holds its own reference).
  EXPECT_TRUE(a.is_open());
  a.sendall("still open");
  EXPECT_EQ(b.recv(100), "still open");
}

TEST_F(SocketFile, UseAfterCloseIsError) {
  auto f = b.makefile("rwb");
  f.close();
  // Python: ValueError: I/O operation on closed file.
  EXPECT_THROW(f.read(1), netkit::value_error);
  EXPECT_THROW(f.readline(), netkit::value_error);
  EXPECT_THROW(f.write("x"), netkit::value_error);
}

TEST_F(SocketFile, WrongDirectionIsError) {
  // Python: io.UnsupportedOperation (an OSError and a ValueError): not readable / not writable.
  auto r = b.makefile("rb");
  EXPECT_ANY_THROW(r.write("x"));
  auto w = b.makefile("wb");
  EXPECT_ANY_THROW(w.read(1));
  EXPECT_ANY_THROW(w.readline());
}

TEST_F(SocketFile, ReadTimeoutKeepsWhatWasBuffered) {
  b.settimeout(0.2);
  auto f = b.makefile("rb");
  a.sendall("partial line");
  const double took = seconds_taken([&] { EXPECT_THROW(f.readline(), netkit::timeout_error); });
  EXPECT_GE(took, 0.2);
  EXPECT_LT(took, 5.0);
  a.sendall(" completed\n");
  EXPECT_EQ(f.readline(), "partial line completed\n");
}

TEST_F(SocketFile, ReadAndWriteOnOneFile) {
  auto fa = a.makefile("rwb");
  auto fb = b.makefile("rwb");
  fa.write("ping\n");
  fa.flush();
  EXPECT_EQ(fb.readline(), "ping\n");
  fb.write("pong\n");
  fb.flush();
  EXPECT_EQ(fa.readline(), "pong\n");
}

TEST_F(SocketFile, MoveKeepsBufferedData) {
  auto f = b.makefile("rb");
  a.sendall("one\ntwo\n");
  EXPECT_EQ(f.readline(), "one\n");
  auto g = std::move(f);
  EXPECT_EQ(g.readline(), "two\n");
}

TEST(SocketFileTcp, EchoOverTcp) {
  netkit_test::temp_dir dir;
  auto p = netkit_test::connected_pair(netkit_test::where::ipv4, dir);
  auto rf = p.server.makefile("rb");
  auto wf = p.server.makefile("wb");
  p.client.sendall("line 1\nline 2\n");
  p.client.shutdown(SHUT_WR);
  for (netkit::bytes line; !(line = rf.readline()).empty();) wf.write(line);
  wf.flush();
  std::string echoed;
  while (echoed.size() < 14) {
    auto chunk = p.client.recv(100);
    if (chunk.empty()) break;
    echoed += chunk;
  }
  EXPECT_EQ(echoed, "line 1\nline 2\n");
}

}  // namespace
