#include "sim/cli/Plot.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/cli/Cli.hpp"
#include "sim/output/TempFiles.hpp"

extern char** environ;

namespace dcsim::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kEntryScript = "plot.py";

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

/// A pipe whose ends are closed on exec; the child gets the write end as its stdout or stderr.
struct Pipe {
  int read = -1, write = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
    read = fds[0];
    write = fds[1];
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  void close_read() {
    if (read >= 0) ::close(read);
    read = -1;
  }
  void close_write() {
    if (write >= 0) ::close(write);
    write = -1;
  }
};

/// Copies the child's stdout and stderr to the streams until it closes both.
void forward(Pipe& child_out, Pipe& child_err, std::ostream& out, std::ostream& err) {
  std::array<char, 4096> buffer{};
  std::array<pollfd, 2> fds{pollfd{child_out.read, POLLIN, 0}, pollfd{child_err.read, POLLIN, 0}};
  std::array<std::ostream*, 2> streams{&out, &err};
  int open = 2;
  while (open > 0) {
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(fmt::format("poll: {}", std::strerror(errno)));
    }
    for (std::size_t k = 0; k < fds.size(); ++k) {
      if (fds[k].fd < 0 || fds[k].revents == 0) continue;
      const ssize_t n = ::read(fds[k].fd, buffer.data(), buffer.size());
      if (n > 0) {
        streams[k]->write(buffer.data(), n);
        streams[k]->flush();
      } else if (n == 0 || errno != EINTR) {
        fds[k].fd = -1;  // poll ignores negative descriptors
        --open;
      }
    }
  }
}

}  // namespace

std::string plot_python() {
  if (const char* p = env("DCSIM_PYTHON")) return p;
  return DCSIM_PYTHON;
}

std::optional<fs::path> find_plot_scripts(std::vector<std::string>& searched) {
  std::vector<fs::path> candidates;
  if (const char* dir = env("DCSIM_PLOTS_DIR")) {
    candidates.emplace_back(dir);  // when set, the only place: a wrong setting is not papered over
  } else {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) candidates.push_back(self.parent_path().parent_path() / "share" / "dcsim" / "analysis" / "plots");
    candidates.push_back(fs::path(DCSIM_SOURCE_DIR) / "analysis" / "plots");
  }
  for (const fs::path& dir : candidates) {
    std::error_code ec;
    if (fs::is_regular_file(dir / kEntryScript, ec)) return dir;
    searched.push_back(dir.string());
  }
  return std::nullopt;
}

int run_plots(const PlotOptions& o, std::ostream& out, std::ostream& err) {
  std::vector<std::string> searched;
  const std::optional<fs::path> scripts = find_plot_scripts(searched);
  if (!scripts) {
    err << fmt::format("error: cannot find the plot scripts ({}) in {}; set DCSIM_PLOTS_DIR to analysis/plots\n",
                       kEntryScript, fmt::join(searched, ", "));
    return kExitInputError;
  }
  const std::string python = plot_python();
  // -B: no __pycache__ beside the scripts. Options before "--", so that no file name is an option.
  std::vector<std::string> args{python, "-B", (*scripts / kEntryScript).string(), "-o", o.out_dir, "--format", o.format};
  if (!o.x.empty()) args.insert(args.end(), {"--x", o.x});
  if (!o.y.empty()) args.insert(args.end(), {"--y", o.y});
  if (!o.metric.empty()) args.insert(args.end(), {"--metric", o.metric});
  args.emplace_back("--");
  args.insert(args.end(), o.files.begin(), o.files.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  Pipe child_out, child_err;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, child_out.write, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, child_err.write, STDERR_FILENO);
  pid_t pid = -1;
  const int spawned = ::posix_spawnp(&pid, python.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    err << fmt::format(
        "error: cannot run the Python of the plots, '{}': {}; install Python 3 with h5py and matplotlib "
        "(Debian: apt-get install python3 python3-h5py python3-matplotlib) or set DCSIM_PYTHON\n",
        python, std::strerror(spawned));
    return kExitInputError;
  }
  // SIGINT and SIGTERM stop the scripts too, while they run.
  struct ChildGuard {
    explicit ChildGuard(pid_t p) { output::set_child(p); }
    ~ChildGuard() { output::set_child(0); }
  } guard(pid);
  child_out.close_write();
  child_err.close_write();
  forward(child_out, child_err, out, err);

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error(fmt::format("waitpid: {}", std::strerror(errno)));
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  err << fmt::format("dcsim: the plot scripts were stopped by signal {} ({})\n", WTERMSIG(status),
                     ::strsignal(WTERMSIG(status)));
  return kExitFailure;
}

}  // namespace dcsim::cli
