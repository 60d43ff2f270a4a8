// A child process with its standard streams on pipes: spawning it and, at the end, reaping it.
#pragma once

#include <sys/types.h>

#include <boost/asio/any_io_executor.hpp>
#include <map>
#include <string>
#include <vector>

#include "domain/common/result.h"

namespace agentd {

struct ChildProcess {
  pid_t pid = -1;  // also its process group: the child leads a group of its own
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
};

// Runs `command` (searched in PATH) with `args`; its environment is agentd's plus `env`.
// The parent's end of each pipe is close-on-exec.
Result<ChildProcess> spawn_child(const std::string& command, const std::vector<std::string>& args,
                                 const std::map<std::string, std::string>& env);

// Waits in the background for the child to exit, escalating to SIGTERM and then SIGKILL of its
// whole process group when it does not; then reaps it. Call it once its stdin is closed.
void reap_child(const boost::asio::any_io_executor& executor, pid_t pid, std::string server_name);

}  // namespace agentd
