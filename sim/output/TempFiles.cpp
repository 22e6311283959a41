#include "sim/output/TempFiles.hpp"

#include <atomic>
#include <csignal>
#include <cstring>

#include <unistd.h>

namespace dcsim::output {
namespace {

constexpr std::size_t kSlots = 64;
constexpr std::size_t kPathMax = 4096;

// Fixed storage the handler can read without allocating. A slot is free (0), being filled (1)
// or holds a published path (2); the handler only reads published ones.
struct Slot {
  std::atomic<int> state{0};
  char path[kPathMax];
};
Slot slots[kSlots];
std::atomic<int> child{0};  // the process to pass a signal on to; 0: none

extern "C" void on_signal(int sig) {
  if (const int pid = child.load(); pid > 0) ::kill(pid, sig);
  for (Slot& s : slots)
    if (s.state.load() == 2) ::unlink(s.path);
  const char* msg = sig == SIGINT ? "dcsim: interrupted (SIGINT); partial output removed\n"
                                  : "dcsim: terminated (SIGTERM); partial output removed\n";
  const ssize_t ignored = ::write(STDERR_FILENO, msg, std::strlen(msg));
  (void)ignored;
  ::_exit(128 + sig);
}

}  // namespace

int register_temporary(const std::string& path) {
  if (path.size() + 1 > kPathMax) return -1;
  for (std::size_t i = 0; i < kSlots; ++i) {
    int expected = 0;
    if (!slots[i].state.compare_exchange_strong(expected, 1)) continue;
    std::memcpy(slots[i].path, path.c_str(), path.size() + 1);
    slots[i].state.store(2);
    return static_cast<int>(i);
  }
  return -1;
}

void set_child(int pid) { child.store(pid); }

void release_temporary(int slot) {
  if (slot >= 0 && static_cast<std::size_t>(slot) < kSlots) slots[slot].state.store(0);
}

namespace {
std::atomic<bool> write_failed{false};
}  // namespace

void mark_failed_write() { write_failed.store(true); }
bool failed_write() { return write_failed.load(); }

void install_signal_handlers() {
  static std::atomic<bool> done{false};
  if (done.exchange(true)) return;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  // Past a file-size limit, a write then fails with EFBIG (reported, partial output removed)
  // instead of the signal killing the process with the file half-written.
  std::signal(SIGXFSZ, SIG_IGN);
}

}  // namespace dcsim::output
