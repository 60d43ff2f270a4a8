#include "infrastructure/tools/mcp/child_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <mutex>

#include "infrastructure/logging/log.h"

extern char** environ;

namespace agentd {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

constexpr milliseconds kReapPoll{50};
constexpr milliseconds kTermAfter{2'000};
constexpr milliseconds kKillAfter{5'000};

struct Pipe {
  int read = -1;
  int write = -1;
};

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

Result<Pipe> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return Error::internal(std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  return Pipe{fds[0], fds[1]};
}

std::vector<std::string> child_environment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    auto name = text.substr(0, text.find('='));
    if (!extra.contains(std::string(name))) entries.emplace_back(text);
  }
  for (const auto& [name, value] : extra) {
    std::string entry = name;
    entry += '=';
    entry += value;
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (auto& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

// Writing to a pipe whose reader died raises SIGPIPE, which would end agentd; with it ignored
// the write fails with EPIPE and the connection is treated as lost.
void ignore_sigpipe() {
  static std::once_flag once;
  std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
}

}  // namespace

Result<ChildProcess> spawn_child(const std::string& command, const std::vector<std::string>& args,
                                 const std::map<std::string, std::string>& env) {
  ignore_sigpipe();
  auto in = make_pipe();
  if (!in) return in.error();
  auto out = make_pipe();
  if (!out) {
    close_fd(in->read);
    close_fd(in->write);
    return out.error();
  }
  auto err = make_pipe();
  if (!err) {
    for (int* fd : {&in->read, &in->write, &out->read, &out->write}) close_fd(*fd);
    return err.error();
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in->read, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out->write, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err->write, STDERR_FILENO);
  // Sockets agentd holds (its listener among them) must not leak into the server.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);

  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t no_signals;
  sigemptyset(&no_signals);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  posix_spawnattr_setsigmask(&attributes, &no_signals);
  posix_spawnattr_setsigdefault(&attributes, &default_signals);
  // A group of its own, so that stopping it also stops what it started (npx starts node).
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

  std::vector<std::string> argv_strings{command};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  auto argv = pointers_to(argv_strings);
  auto envp_strings = child_environment(env);
  auto envp = pointers_to(envp_strings);

  pid_t pid = -1;
  const int failure =
      posix_spawnp(&pid, command.c_str(), &actions, &attributes, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close_fd(in->read);
  close_fd(out->write);
  close_fd(err->write);
  if (failure != 0) {
    close_fd(in->write);
    close_fd(out->read);
    close_fd(err->read);
    return Error::unavailable("cannot start " + command + ": " + std::strerror(failure),
                              "mcp_spawn_failed");
  }
  return ChildProcess{pid, in->write, out->read, err->read};
}

void reap_child(const asio::any_io_executor& executor, pid_t pid, std::string server_name) {
  asio::co_spawn(
      executor,
      [executor, pid, server_name = std::move(server_name)]() -> asio::awaitable<void> {
        asio::steady_timer poll(executor);
        for (milliseconds waited{0};; waited += kReapPoll) {
          int status = 0;
          const pid_t reaped = ::waitpid(pid, &status, WNOHANG);
          if (reaped == pid || (reaped < 0 && errno == ECHILD)) {
            // Whatever the server started and left behind goes with it.
            ::kill(-pid, SIGKILL);
            if (reaped == pid) {
              log::debug("mcp_server_exited",
                         {{"server", server_name},
                          {"pid", static_cast<std::int64_t>(pid)},
                          {"status",
                           static_cast<std::int64_t>(WIFEXITED(status) ? WEXITSTATUS(status)
                                                                       : 128 + WTERMSIG(status))}});
            }
            co_return;
          }
          if (waited == kTermAfter) ::kill(-pid, SIGTERM);
          if (waited == kKillAfter) ::kill(-pid, SIGKILL);
          poll.expires_after(kReapPoll);
          co_await poll.async_wait(asio::as_tuple(asio::use_awaitable));
        }
      },
      log::failure_handler("mcp_reaper_failed"));
}

}  // namespace agentd
