#include "application/agent/run_outcome.h"

#include "application/agent/graph/graph_runner.h"

namespace agentd {

std::optional<Error> record_outcome(Run& run, const graph::Report& report, Timestamp now) {
  run.updated_at = now;
  run.finished_at = now;
  std::optional<Error> error;
  switch (report.outcome) {
    case graph::Outcome::finished:
      run.status = RunStatus::completed;
      break;
    case graph::Outcome::cancelled:
      run.status = RunStatus::cancelled;
      break;
    case graph::Outcome::node_limit:
      // The step limit makes the last model call answer without tools, so reaching the node
      // limit means the graph looped: a fault of the server, not of the request.
      run.status = RunStatus::failed;
      error = report.error.value_or(Error::internal("the run stopped at its node limit"));
      break;
    case graph::Outcome::failed:
      run.status = RunStatus::failed;
      error = report.error.value_or(Error::internal("the run failed"));
      break;
  }
  if (error) run.error = error->message;
  return error;
}

}  // namespace agentd
