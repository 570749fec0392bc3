// netkit/select.hpp — the whole select layer in one include (public): Python's `select`
// (select, poll, epoll) and `selectors` modules.
//
//   #include <netkit/select.hpp>
//   netkit::default_selector sel;
//   sel.register_(sock, netkit::EVENT_READ, [](const netkit::selector_key& k, unsigned) { ... });
#pragma once

#include "netkit/select/epoll.hpp"
#include "netkit/select/fileno.hpp"
#include "netkit/select/poll.hpp"
#include "netkit/select/select.hpp"
#include "netkit/select/selector.hpp"
#include "netkit/select/selectors.hpp"
