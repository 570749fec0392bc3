// netkit/reactor/reconnecting_client_factory.hpp — a client factory that reconnects with
// exponential backoff, Twisted's ReconnectingClientFactory (public).
//
//   struct feed_factory : netkit::reconnecting_client_factory {
//     std::unique_ptr<netkit::protocol> build_protocol(const netkit::socket_address&) override {
//       reset_delay();                       // connected: the next loss starts from scratch
//       return std::make_unique<feed>();
//     }
//   };
//   loop.connect_tcp("127.0.0.1", 9000, std::make_shared<feed_factory>());
//
// After each failed attempt or lost connection it waits `delay`, which grows by `factor` each
// time up to `max_delay`, with Gaussian jitter of `jitter` × delay (as Twisted does, so that many
// clients cut off together do not all come back in the same instant), and tries again, at most
// `max_retries` times if set. stop_trying() ends it.
//
// Thread safety: the reactor's thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <system_error>

#include "netkit/reactor/connector.hpp"
#include "netkit/reactor/factory.hpp"

namespace netkit {

class reconnecting_client_factory : public client_factory {
 public:
  // Twisted's defaults, in seconds.
  double max_delay = 3600;
  double initial_delay = 1.0;
  double factor = 2.7182818284590451;  // e
  double jitter = 0.11962656472;       // molar Planck constant times c, joule meter/mole
  std::optional<int> max_retries;      // none: forever

  reconnecting_client_factory();

  void client_connection_failed(connector& c, std::error_code reason) override;
  void client_connection_lost(connector& c, std::error_code reason) override;

  // Schedules the next attempt on c (or on the connector last seen) after the next delay.
  void retry(connector& c);
  // Back to initial_delay and zero retries, trying again (call it once connected).
  void reset_delay() noexcept;
  // No more attempts: a pending one is cancelled, one under way abandoned.
  void stop_trying();

  double delay() const noexcept { return delay_; }
  int retries() const noexcept { return retries_; }
  bool continue_trying() const noexcept { return continue_trying_; }
  // Makes the jitter reproducible (tests).
  void seed(std::uint64_t value) { random_.seed(value); }

 private:
  double delay_;
  int retries_ = 0;
  bool continue_trying_ = true;
  // The connector being retried; cleared when it may be freed (no retry scheduled).
  connector* connector_ = nullptr;
  std::mt19937_64 random_;
};

}  // namespace netkit
