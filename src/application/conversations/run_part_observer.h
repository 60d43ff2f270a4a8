// Told when a part of a conversation run ends (it completed, failed, was cancelled, or paused
// for approval), after the end is stored and before the run's terminal event: whoever reads
// the terminal event and then asks the store sees what the observer recorded.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "domain/common/error.h"
#include "domain/conversation/run.h"

namespace agentd {

class RunPartObserver {
 public:
  virtual ~RunPartObserver() = default;
  // `error` says why a failed run failed (when known); `cut_short`, that its last answer
  // stopped at the output token limit. What the observer fails to record never fails the run.
  virtual boost::asio::awaitable<void> part_ended(const Run& run, const Error* error,
                                                  bool cut_short) = 0;
};

}  // namespace agentd
