// How a run ends once its graph stops: the one mapping from a graph's outcome to a run's final
// status, shared by conversation runs and agent-mode chat completions.
#pragma once

#include <optional>

#include "domain/common/error.h"
#include "domain/conversation/run.h"

namespace agentd {

namespace graph {
struct Report;
}

// Ends `run` at `now` as `report` says: finished → completed, cancelled → cancelled, and the
// node limit or a failure → failed, with the reason in run.error. Returns the error a failed
// run ends with (a failure always has one), nullopt when it completed or was cancelled.
std::optional<Error> record_outcome(Run& run, const graph::Report& report, Timestamp now);

}  // namespace agentd
