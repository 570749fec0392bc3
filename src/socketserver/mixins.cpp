#include "netkit/socketserver/mixins.hpp"

#include <sys/wait.h>

#include <cerrno>
#include <cstdio>

#include "netkit/error.hpp"

namespace netkit::detail {

void thread_tracker::reap(bool all) {
  std::list<entry> finished;
  {
    const std::lock_guard lock(mutex_);
    for (auto it = threads_.begin(); it != threads_.end();) {
      auto next = std::next(it);
      if (all || it->done.load()) finished.splice(finished.end(), threads_, it);
      it = next;
    }
  }
  // Joined outside the lock: a thread still running may be about to start another.
  for (auto& e : finished) e.thread.join();
}

void thread_tracker::join_all() { reap(true); }

std::size_t thread_tracker::running() const {
  const std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& e : threads_)
    if (!e.done.load()) ++n;
  return n;
}

pid_t child_tracker::fork_child() {
  // What the parent has buffered would otherwise be written again by the child.
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw_error(last_error(), "fork");
  if (pid > 0) children_.insert(pid);
  return pid;
}

void child_tracker::collect(bool blocking, std::size_t limit) {
  // Over the limit: wait for children to end until there is room (Python's max_children).
  while (limit != 0 && children_.size() >= limit) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      children_.clear();  // ECHILD: none left that we know of
      break;
    }
    children_.erase(pid);
  }
  for (auto it = children_.begin(); it != children_.end();) {
    int status = 0;
    pid_t pid = 0;
    do {
      pid = ::waitpid(*it, &status, blocking ? 0 : WNOHANG);
    } while (pid < 0 && errno == EINTR);
    if (pid == 0) {
      ++it;  // still running
    } else {
      it = children_.erase(it);  // reaped, or not ours any more (ECHILD)
    }
  }
}

}  // namespace netkit::detail
