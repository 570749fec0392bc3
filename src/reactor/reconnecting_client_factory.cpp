#include "netkit/reactor/reconnecting_client_factory.hpp"

#include <algorithm>
#include <utility>

namespace netkit {

reconnecting_client_factory::reconnecting_client_factory()
    : delay_(initial_delay), random_(std::random_device{}()) {}

void reconnecting_client_factory::client_connection_failed(connector& c, std::error_code) {
  if (continue_trying_) retry(c);
}

void reconnecting_client_factory::client_connection_lost(connector& c, std::error_code) {
  if (continue_trying_) retry(c);
}

void reconnecting_client_factory::retry(connector& c) {
  connector_ = nullptr;
  if (!continue_trying_) return;
  if (retries_ == 0) delay_ = initial_delay;  // initial_delay may have been set since
  ++retries_;
  if (max_retries && retries_ > *max_retries) return;
  delay_ = std::min(delay_ * factor, max_delay);
  if (jitter > 0) delay_ = std::normal_distribution<double>(delay_, delay_ * jitter)(random_);
  // Twisted lets jitter carry the delay past max_delay; we promise max_delay.
  delay_ = std::clamp(delay_, 0.0, max_delay);
  c.connect_after(seconds_f(delay_));
  connector_ = &c;
}

void reconnecting_client_factory::reset_delay() noexcept {
  delay_ = initial_delay;
  retries_ = 0;
  continue_trying_ = true;
}

void reconnecting_client_factory::stop_trying() {
  continue_trying_ = false;
  if (connector_ != nullptr) std::exchange(connector_, nullptr)->stop_connecting();
}

}  // namespace netkit
