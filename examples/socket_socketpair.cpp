// socket_socketpair — twin of seed 002's socket_socketpair.py (父子进程间通信): a parent and a
// forked child talk over a socketpair. Usage: socket_socketpair
//
// Unlike the Python original the parent waits for its child, so no zombie (or orphan) is left;
// nothing it prints changes, since the child has printed its last line before it answers.
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include <netkit/socket.hpp>

#include "pymotw.hpp"

namespace {

// Reaps the child on every way out of the parent's branch.
class child_process {
 public:
  explicit child_process(pid_t pid) : pid_(pid) {}
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  ~child_process() {
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }

 private:
  pid_t pid_;
};

}  // namespace

int main() {
  return pymotw::run([] {
    auto [parent, child] = netkit::socketpair();

    const pid_t pid = ::fork();
    if (pid < 0) throw netkit::socket_error(netkit::last_error(), "fork");

    if (pid != 0) {
      const child_process reaper(pid);
      pymotw::print("in parent, sending message");
      child.close();
      parent.sendall("ping");
      const netkit::bytes response = parent.recv(1024);
      pymotw::print("response from child:", netkit::repr(response));
      parent.close();
    } else {
      pymotw::print("in child, waiting for message");
      parent.close();
      const netkit::bytes message = child.recv(1024);
      pymotw::print("message from parent:", netkit::repr(message));
      child.sendall("pong");
      child.close();
    }
  });
}
