// Runs `dot -Tsvg` with posix_spawn (argument vector, no shell) and pumps its
// three pipes with poll(), so a large graph cannot deadlock on a full pipe.
#include "graph/export_svg.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

extern char** environ;

namespace kg::graph {

std::optional<std::string> FindProgram(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0 && std::filesystem::is_regular_file(candidate))
      return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

namespace {

// Owns a pipe end.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Close(); }
  int get() const { return fd_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

}  // namespace

std::string RenderSvg(const std::string& dot_text, std::ostream& out) {
  auto dot = FindProgram("dot");
  if (!dot)
    throw Error(
        "SVG export needs Graphviz's 'dot', which is not installed: install the Debian package "
        "'graphviz' (apt-get install graphviz), or export --format dot and render it elsewhere");
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) throw Error("pipe failed");
  Fd in_r(in_pipe[0]), in_w(in_pipe[1]);
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw Error("pipe failed");
  Fd out_r(out_pipe[0]), out_w(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) throw Error("pipe failed");
  Fd err_r(err_pipe[0]), err_w(err_pipe[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_r.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, out_w.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_w.get(), 2);
  std::string arg0 = "dot", arg1 = "-Tsvg";
  char* argv[] = {arg0.data(), arg1.data(), nullptr};
  pid_t pid = 0;
  int rc = posix_spawn(&pid, dot->c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw Error("cannot run '" + *dot + "': " + std::strerror(rc));
  in_r.Close();
  out_w.Close();
  err_w.Close();

  // A dead child must not kill us with SIGPIPE while we write its input.
  struct sigaction ignore {}, previous {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous);
  std::string err_text;
  size_t written = 0;
  char buf[65536];
  bool out_open = true, err_open = true;
  if (dot_text.empty()) in_w.Close();
  while (out_open || err_open) {
    pollfd fds[3];
    nfds_t n = 0;
    int in_idx = -1, out_idx = -1, err_idx = -1;
    if (in_w.get() >= 0) {
      fds[n] = {in_w.get(), POLLOUT, 0};
      in_idx = static_cast<int>(n++);
    }
    if (out_open) {
      fds[n] = {out_r.get(), POLLIN, 0};
      out_idx = static_cast<int>(n++);
    }
    if (err_open) {
      fds[n] = {err_r.get(), POLLIN, 0};
      err_idx = static_cast<int>(n++);
    }
    if (::poll(fds, n, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (in_idx >= 0 && fds[in_idx].revents) {
      ssize_t k = ::write(in_w.get(), dot_text.data() + written,
                          std::min<size_t>(dot_text.size() - written, sizeof buf));
      if (k > 0) written += static_cast<size_t>(k);
      if (k < 0 || written == dot_text.size()) in_w.Close();
    }
    auto drain = [&](int idx, int fd, bool& open, bool to_out) {
      if (idx < 0 || !fds[idx].revents) return;
      ssize_t k = ::read(fd, buf, sizeof buf);
      if (k <= 0) {
        open = false;
        return;
      }
      if (to_out)
        out.write(buf, k);
      else
        err_text.append(buf, static_cast<size_t>(k));
    };
    drain(out_idx, out_r.get(), out_open, true);
    drain(err_idx, err_r.get(), err_open, false);
  }
  in_w.Close();
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ::sigaction(SIGPIPE, &previous, nullptr);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw Error("Graphviz 'dot -Tsvg' failed" +
                (err_text.empty() ? std::string() : ": " + err_text));
  return err_text;
}

}  // namespace kg::graph
