// One conformance suite for every selector backend (netkit/select/selectors.hpp), instantiated
// for select_selector, poll_selector, epoll_selector and default_selector: the behaviour of
// Python 3.11's selectors module, which the backends share, plus what C++ adds (closed
// descriptors refused at registration, FD_SETSIZE refused by select_selector).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "netkit/error.hpp"
#include "netkit/select.hpp"
#include "netkit/socket.hpp"
#include "unit/select/helpers.hpp"

namespace {

using namespace std::chrono_literals;
using netkit::EVENT_READ;
using netkit::EVENT_WRITE;
using netkit_select_test::endpoints;
using netkit_select_test::kind;
using netkit_select_test::make_endpoints;
using netkit_select_test::make_pipe;
using netkit_select_test::unique_fd;
using netkit_test::seconds_taken;

// Backends under test, named for the test output (default_selector is an alias of one of the
// others, so the type alone would not tell the instantiations apart).
template <class S, int Tag>
struct backend {
  using type = S;
};
using select_backend = backend<netkit::select_selector, 0>;
using poll_backend = backend<netkit::poll_selector, 1>;
using epoll_backend = backend<netkit::epoll_selector, 2>;
using default_backend = backend<netkit::default_selector, 3>;

struct backend_names {
  template <class B>
  static std::string GetName(int) {
    if (std::is_same_v<B, select_backend>) return "select_selector";
    if (std::is_same_v<B, poll_backend>) return "poll_selector";
    if (std::is_same_v<B, epoll_backend>) return "epoll_selector";
    return "default_selector";
  }
};

template <class B>
class SelectorConformance : public ::testing::Test {
 protected:
  using selector_type = typename B::type;
  static constexpr bool is_select = std::is_same_v<selector_type, netkit::select_selector>;

  // The base class interface is what users hold; every test goes through it.
  selector_type concrete;
  netkit::selector& sel = concrete;

  // select() as a map fd -> events, failing on a descriptor reported twice.
  std::map<int, unsigned> ready(netkit::timeout_t timeout) {
    std::map<int, unsigned> out;
    for (const auto& [key, events] : sel.select(timeout)) {
      EXPECT_EQ(key.fd, key.fileobj);
      EXPECT_TRUE(out.emplace(key.fd, events).second) << "fd " << key.fd << " reported twice";
    }
    return out;
  }
};

using backends = ::testing::Types<select_backend, poll_backend, epoll_backend, default_backend>;
TYPED_TEST_SUITE(SelectorConformance, backends, backend_names);

// ---------------------------------------------------------------------------------------------
// Readiness.

TYPED_TEST(SelectorConformance, ReadReadinessOfSocketsAndPipes) {
  for (kind k : netkit_select_test::all_kinds) {
    SCOPED_TRACE(netkit_select_test::kind_name(k));
    endpoints e = make_endpoints(k);
    this->sel.register_(e.reader(), EVENT_READ);
    EXPECT_TRUE(this->ready(0s).empty()) << "readable before anything was sent";

    e.send("ping");
    const auto r = this->ready(5s);
    ASSERT_EQ(r.size(), 1U);
    EXPECT_EQ(r.begin()->first, e.reader());
    EXPECT_EQ(r.begin()->second, EVENT_READ);
    EXPECT_EQ(e.recv(), "ping");

    // Level-triggered, as Python's: nothing left, nothing reported.
    EXPECT_TRUE(this->ready(0s).empty());
    this->sel.unregister(e.reader());
  }
}

TYPED_TEST(SelectorConformance, WriteReadinessOfSocketsAndPipes) {
  for (kind k : netkit_select_test::all_kinds) {
    SCOPED_TRACE(netkit_select_test::kind_name(k));
    endpoints e = make_endpoints(k);
    this->sel.register_(e.writer(), EVENT_WRITE);
    const auto r = this->ready(5s);
    ASSERT_EQ(r.size(), 1U);
    EXPECT_EQ(r.begin()->first, e.writer());
    EXPECT_EQ(r.begin()->second, EVENT_WRITE);
    this->sel.unregister(e.writer());
  }
}

TYPED_TEST(SelectorConformance, OnlyTheRegisteredEventsAreReported) {
  // A socket that is writable (always) and readable (data queued): registered for one event,
  // only that one is reported; for both, one entry with both bits (Python: one (key, mask)).
  auto [a, b] = netkit::socketpair();
  b.sendall("x");
  this->sel.register_(a, EVENT_READ);
  auto r = this->ready(5s);
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r[a.fileno()], EVENT_READ);

  this->sel.modify(a, EVENT_WRITE);
  r = this->ready(5s);
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r[a.fileno()], EVENT_WRITE);

  this->sel.modify(a, EVENT_READ | EVENT_WRITE);
  r = this->ready(5s);
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r[a.fileno()], EVENT_READ | EVENT_WRITE);
}

TYPED_TEST(SelectorConformance, AcceptsSocketsPointersReferencesAndInts) {
  auto [a, b] = netkit::socketpair();
  auto [c, d] = netkit::socketpair();
  auto [e, f] = netkit::socketpair();
  const auto& ka = this->sel.register_(a, EVENT_READ);            // the socket itself
  const auto& kc = this->sel.register_(&c, EVENT_READ);           // a pointer
  const auto& ke = this->sel.register_(std::ref(e), EVENT_READ);  // a reference_wrapper
  EXPECT_EQ(ka.fd, a.fileno());
  EXPECT_EQ(kc.fd, c.fileno());
  EXPECT_EQ(ke.fd, e.fileno());
  EXPECT_EQ(this->sel.get_key(&a).fd, a.fileno());
  EXPECT_EQ(this->sel.get_key(e.fileno()).fd, e.fileno());
  b.sendall("1");
  d.sendall("2");
  f.sendall("3");
  const auto r = this->ready(5s);
  EXPECT_EQ(r, (std::map<int, unsigned>{
                   {a.fileno(), EVENT_READ}, {c.fileno(), EVENT_READ}, {e.fileno(), EVENT_READ}}));
  this->sel.unregister(&c);
  this->sel.unregister(std::ref(e));
  EXPECT_EQ(this->sel.get_map().size(), 1U);
}

TYPED_TEST(SelectorConformance, ListeningSocketIsReadableWhenAClientConnects) {
  netkit::socket l(AF_INET, SOCK_STREAM);
  l.bind({"127.0.0.1", 0});
  l.listen();
  this->sel.register_(l, EVENT_READ);
  EXPECT_TRUE(this->ready(0s).empty());
  netkit::socket c(AF_INET, SOCK_STREAM);
  c.settimeout(5.0);
  c.connect(l.getsockname());
  const auto r = this->ready(5s);
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r.begin()->first, l.fileno());
}

// ---------------------------------------------------------------------------------------------
// Write readiness with full send buffers.

TYPED_TEST(SelectorConformance, NotWritableWithAFullSendBufferWritableAfterTheDrain) {
  for (int type : {SOCK_STREAM, SOCK_DGRAM}) {
    SCOPED_TRACE(type == SOCK_STREAM ? "unix stream" : "unix dgram");
    auto [a, b] = netkit::socketpair(AF_UNIX, type);
    b.settimeout(5.0);
    if (type == SOCK_DGRAM) {
      // Datagrams queue per message; small ones fill the receiver's queue quickly.
      a.setblocking(false);
      std::error_code ec;
      for (int i = 0; i < 100000; ++i) {
        a.send("d", ec);
        if (ec) break;
      }
      ASSERT_TRUE(ec == netkit::errc::would_block) << ec.message();
    } else {
      ASSERT_GT(netkit_select_test::fill_send_buffer(a), 0U);
    }
    this->sel.register_(a, EVENT_WRITE);
    EXPECT_TRUE(this->ready(0s).empty()) << "writable although send() just said EAGAIN";
    EXPECT_TRUE(this->ready(50ms).empty());

    netkit_select_test::drain(b);
    const auto r = this->ready(5s);
    ASSERT_EQ(r.size(), 1U);
    EXPECT_EQ(r.begin()->second, EVENT_WRITE);
    this->sel.unregister(a);
  }
}

TYPED_TEST(SelectorConformance, TcpNotWritableWhenFullWritableOnceThePeerReads) {
  auto [server, client] = netkit_select_test::tcp_pair();
  // Small buffers keep the amount to fill (and to drain) small; the kernel doubles them.
  client.setsockopt(SOL_SOCKET, SO_SNDBUF, 16384);
  server.setsockopt(SOL_SOCKET, SO_RCVBUF, 16384);
  ASSERT_GT(netkit_select_test::fill_send_buffer(client), 0U);
  this->sel.register_(client, EVENT_WRITE);
  EXPECT_TRUE(this->ready(0s).empty());

  // Data in flight keeps arriving while we read, so read until the writer is writable again;
  // bounded by the deadline (a failure, not a hang).
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  std::map<int, unsigned> r;
  while (r.empty() && std::chrono::steady_clock::now() < deadline) {
    netkit_select_test::drain(server);
    r = this->ready(10ms);
  }
  ASSERT_EQ(r.size(), 1U) << "never writable again although the peer read everything";
  EXPECT_EQ(r.begin()->second, EVENT_WRITE);
}

TYPED_TEST(SelectorConformance, PipeNotWritableWhenFull) {
  auto p = make_pipe(O_NONBLOCK);
  const std::string chunk(65536, 'p');
  for (;;) {
    const ssize_t n = ::write(p.write_end.get(), chunk.data(), chunk.size());
    if (n < 0) {
      ASSERT_EQ(errno, EAGAIN);
      break;
    }
  }
  this->sel.register_(p.write_end.get(), EVENT_WRITE);
  EXPECT_TRUE(this->ready(0s).empty());
  while (!netkit_select_test::read_some(p.read_end.get(), 65536).empty() &&
         this->ready(0s).empty()) {
  }
  EXPECT_EQ(this->ready(5s).size(), 1U);
}

// ---------------------------------------------------------------------------------------------
// Hang-up and errors.

TYPED_TEST(SelectorConformance, PeerCloseIsReadableAndRecvGivesEmpty) {
  for (kind k : {kind::tcp, kind::unix_stream, kind::pipe}) {
    SCOPED_TRACE(netkit_select_test::kind_name(k));
    endpoints e = make_endpoints(k);
    this->sel.register_(e.reader(), EVENT_READ);
    e.close_writer();
    const auto r = this->ready(5s);
    ASSERT_EQ(r.size(), 1U);
    EXPECT_EQ(r.begin()->second, EVENT_READ);
    EXPECT_EQ(e.recv(), "");  // Python: b''
    // Still readable (end of file stays), as Python reports it on every call.
    EXPECT_EQ(this->ready(0s).size(), 1U);
    this->sel.unregister(e.reader());
  }
}

TYPED_TEST(SelectorConformance, HangUpWakesAWriterToo) {
  // Python's poll/epoll selectors report a hang-up to a key registered for writing as
  // EVENT_WRITE (anything but "readable" wakes a writer); select(2) reports a socket whose
  // peer is gone as writable (the write would fail at once). Either way the writer wakes.
  auto [a, b] = netkit::socketpair();
  netkit_select_test::fill_send_buffer(a);
  this->sel.register_(a, EVENT_WRITE);
  EXPECT_TRUE(this->ready(0s).empty());
  b.close();
  const auto r = this->ready(5s);
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r.begin()->second, EVENT_WRITE);
}

TYPED_TEST(SelectorConformance, PeerResetIsReadableAndRecvRaisesConnectionReset) {
  auto [server, client] = netkit_select_test::tcp_pair();
  this->sel.register_(server, EVENT_READ);
  // SO_LINGER {on, 0 s}: close() sends RST instead of FIN.
  const linger lg{1, 0};
  client.setsockopt(SOL_SOCKET, SO_LINGER,
                    netkit::bytes_view(reinterpret_cast<const char*>(&lg), sizeof lg));
  client.close();
  const auto r = this->ready(5s);
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r.begin()->second, EVENT_READ);
  try {
    const auto data = server.recv(16);
    FAIL() << "recv after a reset gave " << netkit::repr(data);
  } catch (const netkit::socket_error& e) {
    EXPECT_EQ(e.code(), std::error_code(ECONNRESET, std::system_category())) << e.what();
  }
}

// ---------------------------------------------------------------------------------------------
// Timeouts.

TYPED_TEST(SelectorConformance, ZeroTimeoutReturnsAtOnce) {
  auto [a, b] = netkit::socketpair();
  this->sel.register_(a, EVENT_READ);
  std::size_t n = 99;
  const double took = seconds_taken([&] { n = this->sel.select(0s).size(); });
  EXPECT_EQ(n, 0U);
  EXPECT_LT(took, 0.5);
  // Python: a negative timeout also just looks.
  const double took_negative = seconds_taken([&] { n = this->sel.select(-1s).size(); });
  EXPECT_EQ(n, 0U);
  EXPECT_LT(took_negative, 0.5);
}

TYPED_TEST(SelectorConformance, EmptySelectorWithZeroTimeout) {
  EXPECT_TRUE(this->sel.select(0s).empty());
}

TYPED_TEST(SelectorConformance, ShortTimeoutWaitsAtLeastTheTimeout) {
  auto [a, b] = netkit::socketpair();
  this->sel.register_(a, EVENT_READ);
  for (const netkit::seconds_f t :
       {netkit::seconds_f(0.05), netkit::seconds_f(0.0505), netkit::seconds_f(0.0001)}) {
    SCOPED_TRACE(t.count());
    std::size_t n = 99;
    const double took = seconds_taken([&] { n = this->sel.select(t).size(); });
    EXPECT_EQ(n, 0U);
    EXPECT_GE(took, t.count()) << "returned before the timeout";
    EXPECT_LT(took, t.count() + 2.0);
  }
}

TYPED_TEST(SelectorConformance, ShortTimeoutWithNothingRegistered) {
  // Python's selectors sleep for the timeout even with no keys.
  std::size_t n = 99;
  const double took = seconds_taken([&] { n = this->sel.select(0.05s).size(); });
  EXPECT_EQ(n, 0U);
  EXPECT_GE(took, 0.05);
  EXPECT_LT(took, 2.05);
}

TYPED_TEST(SelectorConformance, NoTimeoutBlocksUntilAThreadMakesADescriptorReady) {
  auto [a, b] = netkit::socketpair();
  netkit_select_test::watchdog dog;
  this->sel.register_(a, EVENT_READ);
  this->sel.register_(dog.fd(), EVENT_READ);
  // The writer waits until this thread sleeps in the kernel, so the data arrives while
  // select() blocks (and if the select returned at once, the assertion below catches it).
  netkit_select_test::when_blocked writer([&b] { b.sendall("wake"); });
  const auto r = this->ready(std::nullopt);
  writer.join();
  dog.cancel();
  ASSERT_EQ(r.size(), 1U) << "select(None) returned without the data";
  EXPECT_EQ(r.begin()->first, a.fileno()) << "only the watchdog woke select(None)";
  EXPECT_EQ(a.recv(16), "wake");
}

TYPED_TEST(SelectorConformance, LongTimeoutStillReturnsWhenReady) {
  // A timeout far beyond any test (1e7 s, and 1e10 s whose nanoseconds overflow int64) must
  // wait, not wrap around into "already expired". Python raises OverflowError for 1e10 s;
  // C++ may refuse it with value_error, or wait.
  for (const double t : {1e7, 1e10}) {
    SCOPED_TRACE(t);
    auto [a, b] = netkit::socketpair();
    netkit_select_test::watchdog dog;
    this->sel.register_(a, EVENT_READ);
    this->sel.register_(dog.fd(), EVENT_READ);
    std::map<int, unsigned> r;
    try {
      netkit_select_test::when_blocked writer([&b] { b.sendall("x"); });
      r = this->ready(netkit::seconds_f(t));
    } catch (const netkit::value_error&) {
      this->sel.unregister(a);
      this->sel.unregister(dog.fd());
      continue;
    }
    dog.cancel();
    EXPECT_EQ(r.size(), 1U) << "returned at once with nothing ready: the timeout overflowed";
    EXPECT_TRUE(r.contains(a.fileno()));
    this->sel.unregister(a);
    this->sel.unregister(dog.fd());
  }
}

// ---------------------------------------------------------------------------------------------
// modify, data and callbacks.

TYPED_TEST(SelectorConformance, ModifyBetweenReadAndWriteAndChangeData) {
  auto [a, b] = netkit::socketpair();
  std::vector<std::string> calls;
  const auto& key =
      this->sel.register_(a, EVENT_READ, [&calls](const netkit::selector_key&, unsigned ev) {
        calls.push_back("first " + std::to_string(ev));
      });
  EXPECT_EQ(key.events, EVENT_READ);
  EXPECT_TRUE(this->ready(0s).empty());  // not readable yet

  const auto& k2 = this->sel.modify(a, EVENT_WRITE);
  EXPECT_EQ(k2.events, EVENT_WRITE);
  EXPECT_EQ(this->sel.get_key(a).events, EVENT_WRITE);
  for (const auto& [k, ev] : this->sel.select(5s)) k.data(k, ev);
  EXPECT_EQ(calls, std::vector<std::string>{"first 2"});  // same data after modify(fd, events)

  this->sel.modify(a.fileno(), EVENT_READ, [&calls](const netkit::selector_key& k, unsigned ev) {
    calls.push_back("second " + std::to_string(k.fd) + " " + std::to_string(ev));
  });
  EXPECT_TRUE(this->ready(0s).empty());  // back to read, nothing to read
  b.sendall("data");
  for (const auto& [k, ev] : this->sel.select(5s)) k.data(k, ev);
  ASSERT_EQ(calls.size(), 2U);
  EXPECT_EQ(calls[1], "second " + std::to_string(a.fileno()) + " 1");

  // modify to the same events keeps the key as it was.
  this->sel.modify(a, EVENT_READ);
  EXPECT_EQ(this->sel.get_key(a).events, EVENT_READ);
  EXPECT_EQ(this->sel.get_map().size(), 1U);
}

TYPED_TEST(SelectorConformance, ModifyErrors) {
  auto [a, b] = netkit::socketpair();
  EXPECT_THROW(this->sel.modify(a, EVENT_READ), netkit::key_error);  // Python: KeyError
  this->sel.register_(a, EVENT_READ);
  // Python's SelectSelector raises ValueError for 0; its poll and epoll selectors accept a 0
  // mask (a quirk). netkit refuses 0 everywhere and leaves the key untouched.
  EXPECT_THROW(this->sel.modify(a, 0), netkit::value_error);
  EXPECT_THROW(this->sel.modify(a, 4), netkit::value_error);
  ASSERT_TRUE(this->sel.get_map().contains(a.fileno()));
  EXPECT_EQ(this->sel.get_key(a).events, EVENT_READ);
}

TYPED_TEST(SelectorConformance, DataIsStoredAndReturnedWithTheKey) {
  auto [a, b] = netkit::socketpair();
  int hits = 0;
  int* where = &hits;
  this->sel.register_(a, EVENT_READ, [where](const netkit::selector_key&, unsigned) { ++*where; });
  EXPECT_TRUE(static_cast<bool>(this->sel.get_key(a).data));
  this->sel.get_key(a).data(this->sel.get_key(a), EVENT_READ);
  EXPECT_EQ(hits, 1);
  // No data: an empty callable, as Python's data=None.
  auto [c, d] = netkit::socketpair();
  EXPECT_FALSE(static_cast<bool>(this->sel.register_(c, EVENT_READ).data));
  // unregister returns the key as it was, data included.
  const netkit::selector_key old = this->sel.unregister(a);
  EXPECT_EQ(old.fd, a.fileno());
  EXPECT_EQ(old.events, EVENT_READ);
  old.data(old, EVENT_READ);
  EXPECT_EQ(hits, 2);
}

// ---------------------------------------------------------------------------------------------
// Unregistering inside a select loop.

TYPED_TEST(SelectorConformance, CallbackUnregistersAndClosesAnotherReadyDescriptor) {
  // Three ready sockets; whichever callback runs first unregisters and closes the other two.
  // The usual loop keeps iterating over the result it already has: the keys there are copies,
  // so that must be safe (ASan-clean), and a key whose descriptor was unregistered is skipped
  // by checking get_map(), as Python code does.
  std::vector<netkit::socket> readers, writers;
  for (int i = 0; i < 3; ++i) {
    auto [a, b] = netkit::socketpair();
    b.sendall("x");
    readers.push_back(std::move(a));
    writers.push_back(std::move(b));
  }
  netkit::selector& s = this->sel;
  int first = -1;
  int callbacks = 0;
  for (auto& r : readers) {
    s.register_(r, EVENT_READ, [&](const netkit::selector_key& key, unsigned) {
      ++callbacks;
      first = key.fd;
      for (auto& other : readers) {
        if (other.fileno() == key.fd || !other.is_open()) continue;
        s.unregister(other);
        other.close();
      }
    });
  }
  const auto& events = s.select(5s);
  ASSERT_EQ(events.size(), 3U);
  for (const auto& [key, mask] : events) {
    if (!s.get_map().contains(key.fd)) continue;
    key.data(key, mask);
  }
  EXPECT_EQ(callbacks, 1);
  EXPECT_EQ(s.get_map().size(), 1U);
  EXPECT_TRUE(s.get_map().contains(first));
  // The closed descriptors are gone from the backend too: no EBADF, no POLLNVAL, no report.
  const auto r = this->ready(0s);
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r.begin()->first, first);
}

TYPED_TEST(SelectorConformance, CallbackUnregistersItselfAndRegistersOthers) {
  // A callback that unregisters its own key (destroying the stored callable it is running
  // from inside the selector's map) and registers many new descriptors (rehashing the map)
  // while the loop still walks the result.
  auto [a, b] = netkit::socketpair();
  auto [c, d] = netkit::socketpair();
  b.sendall("x");
  d.sendall("y");
  std::vector<std::pair<netkit::socket, netkit::socket>> extra;
  netkit::selector& s = this->sel;
  int calls = 0;
  auto self_removing = [&](const netkit::selector_key& key, unsigned) {
    ++calls;
    s.unregister(key.fd);
    for (int i = 0; i < 40; ++i) {
      extra.push_back(netkit::socketpair());
      s.register_(extra.back().first, EVENT_WRITE);
    }
  };
  s.register_(a, EVENT_READ, self_removing);
  s.register_(c, EVENT_READ, self_removing);
  for (const auto& [key, mask] : s.select(5s)) key.data(key, mask);
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(s.get_map().contains(a.fileno()));
  EXPECT_FALSE(s.get_map().contains(c.fileno()));
  EXPECT_EQ(s.get_map().size(), 80U);
  EXPECT_EQ(this->ready(5s).size(), 80U);
}

TYPED_TEST(SelectorConformance, UnregisterAfterTheDescriptorWasClosed) {
  // Python allows unregistering a file object after closing it; the key comes back.
  auto [a, b] = netkit::socketpair();
  const int fd = a.fileno();
  this->sel.register_(fd, EVENT_READ);
  a.close();
  const netkit::selector_key key = this->sel.unregister(fd);
  EXPECT_EQ(key.fd, fd);
  EXPECT_TRUE(this->sel.get_map().empty());
  EXPECT_TRUE(this->ready(0s).empty());
}

// ---------------------------------------------------------------------------------------------
// Errors, as Python's.

TYPED_TEST(SelectorConformance, RegisterTwiceIsKeyError) {
  auto [a, b] = netkit::socketpair();
  int tag = 0;
  this->sel.register_(a, EVENT_READ, [&tag](const netkit::selector_key&, unsigned) { tag = 1; });
  EXPECT_THROW(this->sel.register_(a, EVENT_WRITE), netkit::key_error);
  EXPECT_THROW(this->sel.register_(a.fileno(), EVENT_READ), netkit::key_error);
  // The first registration is untouched.
  const auto& key = this->sel.get_key(a);
  EXPECT_EQ(key.events, EVENT_READ);
  key.data(key, EVENT_READ);
  EXPECT_EQ(tag, 1);
  // key_error is a value_error, so one catch handles every bad argument.
  EXPECT_THROW(this->sel.register_(a, EVENT_READ), netkit::value_error);
}

TYPED_TEST(SelectorConformance, UnknownDescriptorIsKeyError) {
  auto [a, b] = netkit::socketpair();
  EXPECT_THROW(this->sel.unregister(a), netkit::key_error);
  EXPECT_THROW(this->sel.get_key(a), netkit::key_error);
  EXPECT_THROW(this->sel.get_key(12345), netkit::key_error);
  this->sel.register_(a, EVENT_READ);
  this->sel.unregister(a);
  EXPECT_THROW(this->sel.unregister(a), netkit::key_error) << "unregistered twice";
  try {
    this->sel.get_key(b);
    FAIL() << "get_key of an unknown descriptor succeeded";
  } catch (const netkit::key_error& e) {
    // Python: "... is not registered"; netkit names the descriptor.
    EXPECT_NE(std::string(e.what()).find("not registered"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(std::to_string(b.fileno())), std::string::npos)
        << e.what();
  }
}

TYPED_TEST(SelectorConformance, InvalidEventsAreValueError) {
  auto [a, b] = netkit::socketpair();
  for (unsigned events : {0U, 4U, 7U, 0xffU, 0x80000000U}) {
    SCOPED_TRACE(events);
    try {
      this->sel.register_(a, events);
      FAIL() << "registered with events " << events;
    } catch (const netkit::key_error&) {
      FAIL() << "key_error instead of value_error";
    } catch (const netkit::value_error& e) {
      EXPECT_NE(std::string(e.what()).find("Invalid events: " + std::to_string(events)),
                std::string::npos)
          << e.what();  // Python's message
    }
  }
  EXPECT_TRUE(this->sel.get_map().empty());
}

TYPED_TEST(SelectorConformance, NegativeDescriptorIsValueError) {
  // Python: ValueError("Invalid file descriptor: -1").
  EXPECT_THROW(this->sel.register_(-1, EVENT_READ), netkit::value_error);
  netkit::socket closed(AF_INET, SOCK_STREAM);
  closed.close();  // fileno() is -1 now
  EXPECT_THROW(this->sel.register_(closed, EVENT_READ), netkit::value_error);
  EXPECT_TRUE(this->sel.get_map().empty());
}

TYPED_TEST(SelectorConformance, ClosedDescriptorNumberIsRefusedWithEbadf) {
  // Python's epoll selector raises OSError(EBADF) at registration; its select and poll
  // selectors accept the number and fail (or report POLLNVAL) later, inside the loop.
  // netkit refuses it at registration on every backend (documented in selector.hpp).
  const int fd = netkit_select_test::closed_fd_number();
  try {
    this->sel.register_(fd, EVENT_READ);
    FAIL() << "registered a closed descriptor";
  } catch (const netkit::value_error& e) {
    FAIL() << "value_error instead of EBADF: " << e.what();
  } catch (const netkit::socket_error& e) {
    EXPECT_EQ(e.code(), std::error_code(EBADF, std::system_category())) << e.what();
  }
  EXPECT_TRUE(this->sel.get_map().empty());
  EXPECT_THROW(this->sel.get_key(fd), netkit::key_error);
  EXPECT_TRUE(this->ready(0s).empty());
}

TYPED_TEST(SelectorConformance, CloseThenUseIsAnError) {
  auto [a, b] = netkit::socketpair();
  this->sel.register_(a, EVENT_READ);
  EXPECT_FALSE(this->sel.closed());
  this->sel.close();
  EXPECT_TRUE(this->sel.closed());
  EXPECT_TRUE(this->sel.get_map().empty());  // Python: get_map() is None after close()
  // Python: RuntimeError for get_key; ValueError for the epoll selector's register and
  // select; its select and poll selectors keep working after close (a quirk). netkit gives
  // value_error for every call on a closed selector.
  EXPECT_THROW(this->sel.get_key(a), netkit::value_error);
  EXPECT_THROW(this->sel.register_(b, EVENT_READ), netkit::value_error);
  EXPECT_THROW(this->sel.select(0s), netkit::value_error);
  EXPECT_THROW(this->sel.modify(a, EVENT_WRITE), netkit::value_error);
  EXPECT_THROW(this->sel.unregister(a), netkit::value_error);
  this->sel.close();  // closing twice is harmless, as in Python
  EXPECT_TRUE(this->sel.closed());
}

TYPED_TEST(SelectorConformance, GetMapContents) {
  EXPECT_TRUE(this->sel.get_map().empty());
  auto [a, b] = netkit::socketpair();
  auto p = make_pipe();
  this->sel.register_(a, EVENT_READ | EVENT_WRITE);
  this->sel.register_(p.read_end.get(), EVENT_READ, [](const netkit::selector_key&, unsigned) {});
  this->sel.register_(p.write_end.get(), EVENT_WRITE);
  const auto& m = this->sel.get_map();
  ASSERT_EQ(m.size(), 3U);
  for (const auto& [fd, key] : m) {
    EXPECT_EQ(fd, key.fd);
    EXPECT_EQ(key.fileobj, key.fd);
  }
  EXPECT_EQ(m.at(a.fileno()).events, EVENT_READ | EVENT_WRITE);
  EXPECT_EQ(m.at(p.read_end.get()).events, EVENT_READ);
  EXPECT_TRUE(static_cast<bool>(m.at(p.read_end.get()).data));
  EXPECT_EQ(m.at(p.write_end.get()).events, EVENT_WRITE);
  EXPECT_FALSE(static_cast<bool>(m.at(p.write_end.get()).data));
  // The map is a live view, as Python's mapping.
  this->sel.unregister(a);
  EXPECT_EQ(m.size(), 2U);
  EXPECT_FALSE(m.contains(a.fileno()));
  this->sel.modify(p.write_end.get(), EVENT_READ | EVENT_WRITE);
  EXPECT_EQ(m.at(p.write_end.get()).events, EVENT_READ | EVENT_WRITE);
}

// ---------------------------------------------------------------------------------------------
// Many descriptors.

TYPED_TEST(SelectorConformance, ManyDescriptorsAllReadyEachReportedOnce) {
  const rlim_t limit = netkit_select_test::raise_nofile_limit();
  // select(2) handles descriptors below FD_SETSIZE only: as many pairs as fit under it.
  const int pairs = TestFixture::is_select ? 400 : 1000;
  if (limit < 2200) GTEST_SKIP() << "RLIMIT_NOFILE hard limit " << limit << " < 2200";
  std::vector<std::pair<netkit::socket, netkit::socket>> sockets;
  sockets.reserve(static_cast<std::size_t>(pairs));
  for (int i = 0; i < pairs; ++i) {
    sockets.push_back(netkit::socketpair());
    ASSERT_TRUE(!TestFixture::is_select || sockets.back().second.fileno() < FD_SETSIZE);
    this->sel.register_(sockets.back().first, EVENT_READ);
  }
  EXPECT_TRUE(this->ready(0s).empty());
  for (auto& [reader, writer] : sockets) writer.sendall("z");
  std::set<int> expected;
  for (auto& [reader, writer] : sockets) expected.insert(reader.fileno());
  // One call reports them all (Python's epoll selector sizes its buffer to the keys).
  const auto r = this->ready(5s);  // fails on a descriptor reported twice
  std::set<int> got;
  for (const auto& [fd, ev] : r) {
    got.insert(fd);
    EXPECT_EQ(ev, EVENT_READ) << "fd " << fd;
  }
  EXPECT_EQ(got, expected);
  // Half of them drained: exactly the other half is reported.
  std::set<int> rest;
  for (std::size_t i = 0; i < sockets.size(); ++i) {
    if (i % 2 == 0)
      EXPECT_EQ(sockets[i].first.recv(4), "z");
    else
      rest.insert(sockets[i].first.fileno());
  }
  std::set<int> got_rest;
  for (const auto& [fd, ev] : this->ready(5s)) got_rest.insert(fd);
  EXPECT_EQ(got_rest, rest);
}

TYPED_TEST(SelectorConformance, DescriptorAboveFdSetsize) {
  const rlim_t limit = netkit_select_test::raise_nofile_limit();
  if (limit <= FD_SETSIZE + 1)
    GTEST_SKIP() << "RLIMIT_NOFILE hard limit " << limit << " leaves no descriptor >= FD_SETSIZE";
  auto [a, b] = netkit::socketpair();
  const unique_fd high(::fcntl(a.fileno(), F_DUPFD_CLOEXEC, FD_SETSIZE));
  ASSERT_GE(high.get(), FD_SETSIZE) << std::strerror(errno);
  if constexpr (TestFixture::is_select) {
    // Python's SelectSelector accepts it and select() fails later with "filedescriptor out
    // of range in select()"; netkit refuses it at registration, before any fd_set is touched.
    EXPECT_THROW(this->sel.register_(high.get(), EVENT_READ), netkit::value_error);
    EXPECT_THROW(this->sel.register_(high.get(), EVENT_WRITE), netkit::value_error);
    EXPECT_TRUE(this->sel.get_map().empty());
    EXPECT_TRUE(this->ready(0s).empty());
  } else {
    this->sel.register_(high.get(), EVENT_READ);
    b.sendall("high");
    const auto r = this->ready(5s);
    ASSERT_EQ(r.size(), 1U);
    EXPECT_EQ(r.begin()->first, high.get());
  }
}

}  // namespace
