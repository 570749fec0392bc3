// Tests for netkit/reactor/basic/: line_receiver, int{32,16,8}_string_receiver and
// netstring_receiver. Each is driven through netkit::string_transport with its input fed all at
// once, one byte at a time and in seeded random chunkings, which must all give the same events;
// then once end to end over a real loopback TCP connection on the reactor.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "netkit/error.hpp"
#include "netkit/reactor/basic/int_string_receiver.hpp"
#include "netkit/reactor/basic/line_receiver.hpp"
#include "netkit/reactor/basic/netstring_receiver.hpp"
#include "netkit/reactor/tcp.hpp"
#include "netkit/socket/functions.hpp"
#include "netkit/testing/string_transport.hpp"
#include "unit/reactor/helpers.hpp"

namespace {

using namespace std::chrono_literals;
using netkit::bytes;
using netkit::bytes_view;
using log_t = std::vector<std::string>;

// ---- feeding ----

// How input is split into reads: 0 = all at once, 1 = one byte at a time, else a seed for
// random chunk sizes in [1, 17].
std::vector<bytes_view> split(bytes_view input, unsigned how) {
  std::vector<bytes_view> parts;
  if (how == 0) {
    parts.push_back(input);
    return parts;
  }
  std::mt19937 rng(how);
  std::uniform_int_distribution<std::size_t> size(1, 17);
  for (std::size_t at = 0; at < input.size();) {
    const std::size_t n = how == 1 ? 1 : std::min(size(rng), input.size() - at);
    parts.push_back(input.substr(at, n));
    at += n;
  }
  return parts;
}

const unsigned kChunkings[] = {0, 1, 2, 3, 4, 5, 42, 1234};

struct outcome {
  log_t events;
  bytes written;
  int lose_calls = 0;
  bool operator==(const outcome&) const = default;
};

void PrintTo(const outcome& o, std::ostream* os) {
  *os << "events:";
  for (const auto& e : o.events) *os << " [" << e << "]";
  *os << " written: [" << o.written << "] lose: " << o.lose_calls;
}

// Builds a fresh protocol with `make`, connects it to a string_transport, feeds `input` split
// as `how` says, and returns what happened.
template <class P>
outcome drive(bytes_view input, unsigned how, const std::function<void(P&)>& setup = {}) {
  netkit::string_transport t;
  P p;
  if (setup) setup(p);
  p.make_connection(t, nullptr);
  for (bytes_view part : split(input, how)) p.data_received(part);
  return {p.events, t.value(), t.lose_connection_calls()};
}

// Every chunking gives the same outcome; returns it.
template <class P>
outcome drive_all(bytes_view input, const std::function<void(P&)>& setup = {}) {
  const outcome first = drive<P>(input, 0, setup);
  for (unsigned how : kChunkings) {
    EXPECT_EQ(drive<P>(input, how, setup), first) << "chunking " << how;
  }
  return first;
}

// ---- line_receiver ----

// Logs lines; raw data is coalesced into one event per run, since its chunks follow the reads.
struct lines : netkit::line_receiver {
  log_t events;
  void line_received(std::string_view line) override {
    events.push_back("line:" + std::string(line));
  }
  void raw_data_received(bytes_view data) override {
    if (events.empty() || events.back().rfind("raw:", 0) != 0) events.emplace_back("raw:");
    events.back().append(data);
  }
  void line_length_exceeded(bytes_view rest) override {
    events.emplace_back("exceeded");
    EXPECT_FALSE(rest.empty());
    line_receiver::line_length_exceeded(rest);
  }
};

TEST(LineReceiver, SplitsLinesWhateverTheReads) {
  const auto o = drive_all<lines>("a\r\nbb\r\n\r\nccc\r\nhalf");
  EXPECT_EQ(o.events, (log_t{"line:a", "line:bb", "line:", "line:ccc"}));
  EXPECT_EQ(o.lose_calls, 0);
}

TEST(LineReceiver, ManyLinesInOneRead) {
  std::string input;
  log_t expected;
  for (int i = 0; i < 1000; ++i) {
    input += "line " + std::to_string(i) + "\r\n";
    expected.push_back("line:line " + std::to_string(i));
  }
  netkit::string_transport t;
  lines p;
  p.make_connection(t, nullptr);
  p.data_received(input);
  EXPECT_EQ(p.events, expected);
}

TEST(LineReceiver, DelimiterSplitAcrossTwoReads) {
  netkit::string_transport t;
  lines p;
  p.make_connection(t, nullptr);
  p.data_received("abc\r");
  EXPECT_TRUE(p.events.empty());
  p.data_received("\ndef\r\n");
  EXPECT_EQ(p.events, (log_t{"line:abc", "line:def"}));
}

TEST(LineReceiver, CustomDelimiter) {
  const auto o = drive_all<lines>("one\ntwo\r\n\nthree", [](lines& p) { p.delimiter = "\n"; });
  EXPECT_EQ(o.events, (log_t{"line:one", "line:two\r", "line:"}));
  const auto long_delim =
      drive_all<lines>("a<END>b<EN<END><END>", [](lines& p) { p.delimiter = "<END>"; });
  EXPECT_EQ(long_delim.events, (log_t{"line:a", "line:b<EN", "line:"}));
}

TEST(LineReceiver, LineExactlyAtTheMaximumIsAccepted) {
  const std::string line(10, 'x');
  const auto o =
      drive_all<lines>(line + "\r\n" + line + "\r\nok\r\n", [](lines& p) { p.max_length = 10; });
  EXPECT_EQ(o.events, (log_t{"line:" + line, "line:" + line, "line:ok"}));
  EXPECT_EQ(o.lose_calls, 0);
}

TEST(LineReceiver, LineOverTheMaximumLosesTheConnectionAndStops) {
  const std::string line(11, 'x');
  const auto o =
      drive_all<lines>("ok\r\n" + line + "\r\nafter\r\n", [](lines& p) { p.max_length = 10; });
  EXPECT_EQ(o.events, (log_t{"line:ok", "exceeded"}));
  EXPECT_EQ(o.lose_calls, 1);
  // Without a delimiter at all: said once it cannot end in a line of max_length.
  const auto partial = drive_all<lines>(std::string(12, 'y'), [](lines& p) { p.max_length = 10; });
  EXPECT_EQ(partial.events, (log_t{"exceeded"}));
  const auto waiting = drive_all<lines>(std::string(11, 'y'), [](lines& p) { p.max_length = 10; });
  EXPECT_TRUE(waiting.events.empty());
}

TEST(LineReceiver, DefaultMaximumIsTwistedsAndTheHookGetsTheRest) {
  struct p_t : netkit::line_receiver {
    std::string rest;
    void line_received(std::string_view) override {}
    void line_length_exceeded(bytes_view r) override { rest = r; }
  };
  netkit::string_transport t;
  p_t p;
  EXPECT_EQ(p.max_length, 16384u);
  EXPECT_EQ(p.delimiter, "\r\n");
  p.make_connection(t, nullptr);
  const std::string big(16385, 'z');
  p.data_received(big + "\r\nmore");
  EXPECT_EQ(p.rest, big + "\r\nmore");
  EXPECT_FALSE(t.disconnecting());  // the override did not close
}

// "RAW n" switches to raw mode for n bytes, then back to lines with whatever followed them.
struct switcher : netkit::line_receiver {
  log_t events;
  std::size_t want = 0;
  std::string raw;
  void line_received(std::string_view line) override {
    events.push_back("line:" + std::string(line));
    if (line.rfind("RAW ", 0) == 0) {
      want = std::stoul(std::string(line.substr(4)));
      set_raw_mode();
    }
  }
  void raw_data_received(bytes_view data) override {
    const std::size_t take = std::min(want - raw.size(), data.size());
    raw.append(data.substr(0, take));
    if (raw.size() == want) {
      events.push_back("raw:" + raw);
      raw.clear();
      set_line_mode(data.substr(take));
    }
  }
};

TEST(LineReceiver, ModeSwitchesDeliverTheRemainingBytesToTheNewMode) {
  const auto o = drive_all<switcher>("hello\r\nRAW 5\r\n12345world\r\nRAW 3\r\n\r\n!bye\r\ntail");
  EXPECT_EQ(o.events, (log_t{"line:hello", "line:RAW 5", "raw:12345", "line:world", "line:RAW 3",
                             "raw:\r\n!", "line:bye"}));
}

TEST(LineReceiver, RawModeFromLineReceivedGetsTheRestOfTheRead) {
  struct p_t : lines {
    void line_received(std::string_view line) override {
      lines::line_received(line);
      if (line == "go raw") set_raw_mode();
    }
  };
  const auto o = drive_all<p_t>("a\r\ngo raw\r\nb\r\nc");
  EXPECT_EQ(o.events, (log_t{"line:a", "line:go raw", "raw:b\r\nc"}));
}

TEST(LineReceiver, SendLineWritesLineAndDelimiter) {
  struct upper : netkit::line_receiver {
    void line_received(std::string_view line) override {
      std::string u(line);
      for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      send_line(u);
    }
    log_t events;
  };
  const auto o = drive_all<upper>("hello\r\nworld\r\npartial");
  EXPECT_EQ(o.written, "HELLO\r\nWORLD\r\n");
  const auto nl = drive_all<upper>("a\nb\n", [](upper& p) { p.delimiter = "\n"; });
  EXPECT_EQ(nl.written, "A\nB\n");
}

TEST(LineReceiver, ClearLineBufferDropsTheRest) {
  struct p_t : lines {
    std::string cleared;
    void line_received(std::string_view line) override {
      lines::line_received(line);
      if (line == "quit") {
        cleared = clear_line_buffer();
        transport().lose_connection();
      }
    }
  };
  netkit::string_transport t;
  p_t p;
  p.make_connection(t, nullptr);
  p.data_received("a\r\nquit\r\nb\r\nc");
  EXPECT_EQ(p.events, (log_t{"line:a", "line:quit"}));
  EXPECT_EQ(p.cleared, "b\r\nc");
  EXPECT_TRUE(t.disconnecting());
}

TEST(LineReceiver, PauseBuffersAndResumeDelivers) {
  struct p_t : lines {
    void line_received(std::string_view line) override {
      lines::line_received(line);
      if (line == "pause") pause_producing();
    }
  };
  netkit::string_transport t;
  p_t p;
  p.make_connection(t, nullptr);
  p.data_received("a\r\npause\r\nb\r\n");
  EXPECT_EQ(p.events, (log_t{"line:a", "line:pause"}));
  EXPECT_TRUE(t.paused());
  p.data_received("c\r\n");
  EXPECT_EQ(p.events.size(), 2u);
  p.resume_producing();
  EXPECT_FALSE(t.paused());
  EXPECT_EQ(p.events, (log_t{"line:a", "line:pause", "line:b", "line:c"}));
}

TEST(LineReceiver, ReassemblyBufferKeepsItsCapacity) {
  // Lines split across reads are reassembled in one string that is reused: feeding many of
  // them must not change where the lines are delivered from once the buffer has grown.
  struct p_t : netkit::line_receiver {
    std::vector<const char*> where;
    void line_received(std::string_view line) override { where.push_back(line.data()); }
  };
  netkit::string_transport t;
  p_t p;
  p.make_connection(t, nullptr);
  for (int i = 0; i < 100; ++i) {
    p.data_received("0123456789");
    p.data_received("abcdef\r\n");
  }
  ASSERT_EQ(p.where.size(), 100u);
  for (std::size_t i = 1; i < p.where.size(); ++i) EXPECT_EQ(p.where[i], p.where[1]);
}

// ---- int{32,16,8}_string_receiver ----

template <class Base>
struct strings : Base {
  log_t events;
  void string_received(bytes_view s) override { events.push_back("string:" + std::string(s)); }
  void length_limit_exceeded(std::uint64_t length) override {
    events.push_back("exceeded:" + std::to_string(length));
    Base::length_limit_exceeded(length);
  }
};

template <class Base>
bytes frame(bytes_view s) {
  bytes out;
  for (std::size_t i = Base::prefix_length; i-- > 0;) {
    out.push_back(static_cast<char>((s.size() >> (8 * i)) & 0xff));
  }
  out.append(s);
  return out;
}

template <class Base>
class IntStringReceiver : public ::testing::Test {};
using int_receivers = ::testing::Types<netkit::int32_string_receiver, netkit::int16_string_receiver,
                                       netkit::int8_string_receiver>;
TYPED_TEST_SUITE(IntStringReceiver, int_receivers);

TYPED_TEST(IntStringReceiver, FramesWhateverTheReads) {
  using P = strings<TypeParam>;
  const bytes big(200, 'b');
  const bytes input = frame<TypeParam>("hello") + frame<TypeParam>("") +
                      frame<TypeParam>(bytes("a\0b", 3)) + frame<TypeParam>(big) +
                      frame<TypeParam>("partial").substr(0, 5);
  const auto o = drive_all<P>(input);
  EXPECT_EQ(o.events,
            (log_t{"string:hello", "string:", "string:" + bytes("a\0b", 3), "string:" + big}));
  EXPECT_EQ(o.lose_calls, 0);
}

TYPED_TEST(IntStringReceiver, LengthOverTheMaximumLosesTheConnectionAndStops) {
  using P = strings<TypeParam>;
  const auto setup = std::function<void(P&)>([](P& p) { p.max_length = 5; });
  const auto at = drive_all<P>(frame<TypeParam>("12345") + frame<TypeParam>("ok"), setup);
  EXPECT_EQ(at.events, (log_t{"string:12345", "string:ok"}));
  const auto over = drive_all<P>(
      frame<TypeParam>("ok") + frame<TypeParam>("123456") + frame<TypeParam>("x"), setup);
  EXPECT_EQ(over.events, (log_t{"string:ok", "exceeded:6"}));
  EXPECT_EQ(over.lose_calls, 1);
  EXPECT_EQ(P().max_length, 99999u);
}

TYPED_TEST(IntStringReceiver, SendStringWritesTheBigEndianPrefix) {
  netkit::string_transport t;
  strings<TypeParam> p;
  p.make_connection(t, nullptr);
  p.send_string("hello");
  p.send_string("");
  EXPECT_EQ(t.value(), frame<TypeParam>("hello") + frame<TypeParam>(""));
  t.clear();
  const bytes max(std::min<std::uint64_t>(TypeParam::max_prefix_value, 70000), 'm');
  p.send_string(max);
  EXPECT_EQ(t.value(), frame<TypeParam>(max));
  if constexpr (TypeParam::prefix_length < 4) {
    t.clear();
    EXPECT_THROW(p.send_string(bytes(TypeParam::max_prefix_value + 1, 'x')), netkit::value_error);
    EXPECT_EQ(t.value(), "");
  }
}

TEST(IntStringReceiver, PrefixBytesAreBigEndian) {
  netkit::string_transport t;
  strings<netkit::int32_string_receiver> p;
  p.make_connection(t, nullptr);
  p.send_string(bytes(0x0102, 'x'));
  EXPECT_EQ(t.value().substr(0, 4), bytes("\0\0\x01\x02", 4));
  strings<netkit::int16_string_receiver> q;
  netkit::string_transport u;
  q.make_connection(u, nullptr);
  q.max_length = 70000;
  q.data_received(bytes("\x01\x00", 2) + bytes(256, 'y'));
  EXPECT_EQ(q.events, (log_t{"string:" + bytes(256, 'y')}));
}

TEST(IntStringReceiver, HugePrefixIsRefusedWithoutWaitingForTheBody) {
  netkit::string_transport t;
  strings<netkit::int32_string_receiver> p;
  p.make_connection(t, nullptr);
  p.data_received(bytes("\xff\xff\xff", 3));
  EXPECT_TRUE(p.events.empty());
  p.data_received(bytes("\xff", 1));
  EXPECT_EQ(p.events, (log_t{"exceeded:4294967295"}));
  EXPECT_TRUE(t.disconnecting());
  p.data_received(frame<netkit::int32_string_receiver>("ignored"));
  EXPECT_EQ(p.events.size(), 1u);
}

TEST(IntStringReceiver, PauseBuffersAndResumeDelivers) {
  struct p_t : strings<netkit::int16_string_receiver> {
    void string_received(bytes_view s) override {
      strings::string_received(s);
      if (s == "pause") pause_producing();
    }
  };
  using f = netkit::int16_string_receiver;
  netkit::string_transport t;
  p_t p;
  p.make_connection(t, nullptr);
  p.data_received(frame<f>("a") + frame<f>("pause") + frame<f>("b"));
  EXPECT_EQ(p.events, (log_t{"string:a", "string:pause"}));
  EXPECT_TRUE(p.paused());
  EXPECT_TRUE(t.paused());
  p.resume_producing();
  EXPECT_EQ(p.events, (log_t{"string:a", "string:pause", "string:b"}));
  EXPECT_FALSE(t.paused());
}

// ---- netstring_receiver ----

struct netstrings : netkit::netstring_receiver {
  log_t events;
  void string_received(bytes_view s) override { events.push_back("string:" + std::string(s)); }
};

TEST(NetstringReceiver, ParsesWhateverTheReads) {
  const auto o = drive_all<netstrings>("5:hello,0:,3:a,b,12:hello world!,4:par");
  EXPECT_EQ(o.events, (log_t{"string:hello", "string:", "string:a,b", "string:hello world!"}));
  EXPECT_EQ(o.lose_calls, 0);
}

TEST(NetstringReceiver, MalformedInputLosesTheConnection) {
  struct bad_case {
    std::string input;
    log_t events;
  };
  const std::vector<bad_case> cases = {
      {"5:hello,x:", {"string:hello"}},     // not a digit
      {":hello,", {}},                      // no length
      {"05:hello,", {}},                    // a leading zero
      {"00:,", {}},                         // a leading zero
      {"5:hello!", {}},                     // no comma
      {"3:abc,5;hello,", {"string:abc"}},   // not a colon
      {"100000:", {}},                      // above MAX_LENGTH (99999)
      {"100000", {}},                       // said before the colon
      {"99999999999999999999999999:", {}},  // no overflow
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    const auto o = drive_all<netstrings>(c.input + "1:z,");
    EXPECT_EQ(o.events, c.events);
    EXPECT_EQ(o.lose_calls, 1);
  }
  netkit::string_transport t;
  netstrings p;
  p.make_connection(t, nullptr);
  p.data_received("x");
  EXPECT_TRUE(p.broken_peer());
  p.data_received("1:a,");
  EXPECT_TRUE(p.events.empty());
}

TEST(NetstringReceiver, MaximumLengthIsInclusive) {
  const auto setup = std::function<void(netstrings&)>([](netstrings& p) { p.max_length = 3; });
  const auto at = drive_all<netstrings>("3:abc,0:,", setup);
  EXPECT_EQ(at.events, (log_t{"string:abc", "string:"}));
  const auto over = drive_all<netstrings>("4:abcd,", setup);
  EXPECT_TRUE(over.events.empty());
  EXPECT_EQ(over.lose_calls, 1);
}

TEST(NetstringReceiver, SendString) {
  netkit::string_transport t;
  netstrings p;
  p.make_connection(t, nullptr);
  p.send_string("hello");
  p.send_string("");
  p.send_string(bytes(12345, 'q'));
  EXPECT_EQ(t.value(), "5:hello,0:,12345:" + bytes(12345, 'q') + ",");
}

// ---- end to end over loopback TCP ----

// Runs `server` behind a reactor listening on 127.0.0.1, and `client` in a thread with a
// blocking socket that sends `request` and reads exactly `reply_size` bytes; returns them.
bytes round_trip(std::shared_ptr<netkit::factory> f, netkit::reactor& loop, bytes_view request,
                 std::size_t reply_size) {
  netkit_test::loop_guard guard(loop, 10s);
  auto& port = loop.listen_tcp(0, std::move(f), "127.0.0.1");
  bytes reply;
  std::string error;
  std::thread client([&, p = port.get_host().port()] {
    try {
      auto c = netkit::create_connection({"127.0.0.1", p}, 5.0);
      // Split in two writes so the server sees at least one message across reads.
      c.sendall(request.substr(0, request.size() / 2));
      c.sendall(request.substr(request.size() / 2));
      while (reply.size() < reply_size) {
        bytes part = c.recv(reply_size - reply.size());
        if (part.empty()) break;
        reply += part;
      }
      c.close();
    } catch (const std::exception& e) {
      error = e.what();
    }
  });
  loop.run();
  client.join();
  EXPECT_FALSE(guard.fired);
  EXPECT_EQ(error, "");
  return reply;
}

template <class P>
std::shared_ptr<netkit::factory> stopping_factory(netkit::reactor& loop) {
  struct f final : netkit::factory {
    explicit f(netkit::reactor& l) : loop(l) {}
    std::unique_ptr<netkit::protocol> build_protocol(const netkit::socket_address&) override {
      auto p = std::make_unique<P>();
      p->loop = &loop;
      return p;
    }
    netkit::reactor& loop;
  };
  return std::make_shared<f>(loop);
}

TEST(BasicReceiversOverTcp, LineReceiverEchoesLines) {
  struct echo : netkit::line_receiver {
    netkit::reactor* loop = nullptr;
    void line_received(std::string_view line) override { send_line("> " + std::string(line)); }
    void connection_lost(std::error_code) override { loop->stop(); }
  };
  netkit::reactor loop;
  std::string request, expected;
  for (int i = 0; i < 200; ++i) {
    request += "line " + std::to_string(i) + "\r\n";
    expected += "> line " + std::to_string(i) + "\r\n";
  }
  EXPECT_EQ(round_trip(stopping_factory<echo>(loop), loop, request, expected.size()), expected);
}

template <class Base>
struct string_echo : Base {
  netkit::reactor* loop = nullptr;
  void string_received(bytes_view s) override { this->send_string("<" + std::string(s) + ">"); }
  void connection_lost(std::error_code) override { loop->stop(); }
};

TYPED_TEST(IntStringReceiver, EchoesOverTcp) {
  netkit::reactor loop;
  bytes request, expected;
  for (int i = 0; i < 100; ++i) {
    const std::string s = "message " + std::to_string(i) + bytes(i, '.');
    request += frame<TypeParam>(s);
    expected += frame<TypeParam>("<" + s + ">");
  }
  EXPECT_EQ(
      round_trip(stopping_factory<string_echo<TypeParam>>(loop), loop, request, expected.size()),
      expected);
}

TEST(BasicReceiversOverTcp, NetstringReceiverEchoes) {
  netkit::reactor loop;
  bytes request, expected;
  for (int i = 0; i < 100; ++i) {
    const std::string s = "netstring " + std::to_string(i) + bytes(i, ',');
    request += std::to_string(s.size()) + ":" + s + ",";
    expected += std::to_string(s.size() + 2) + ":<" + s + ">,";
  }
  EXPECT_EQ(round_trip(stopping_factory<string_echo<netkit::netstring_receiver>>(loop), loop,
                       request, expected.size()),
            expected);
}

TEST(BasicReceiversOverTcp, MalformedNetstringClosesTheConnection) {
  netkit::reactor loop;
  // The server answers the good netstring, then closes on the bad one: the client reads the
  // answer and then end of file.
  const bytes reply = round_trip(stopping_factory<string_echo<netkit::netstring_receiver>>(loop),
                                 loop, "2:ok,x:", 1000);
  EXPECT_EQ(reply, "4:<ok>,");
}

}  // namespace

namespace {

// Twisted's LineReceiver stops at once when a line's handler closes the connection: the lines
// after it in the same read are not delivered.
struct closes_on_quit : netkit::line_receiver {
  std::vector<std::string> lines;
  void line_received(std::string_view line) override {
    lines.emplace_back(line);
    if (line == "quit") transport().lose_connection();
  }
};

TEST(LineReceiver, StopsDeliveringOnceTheHandlerLosesTheConnection) {
  netkit::string_transport t;
  closes_on_quit p;
  p.make_connection(t, nullptr);
  p.data_received("a\r\nquit\r\nb\r\nc\r\n");
  EXPECT_EQ(p.lines, (std::vector<std::string>{"a", "quit"}));
  EXPECT_TRUE(t.disconnecting());
}

}  // namespace
