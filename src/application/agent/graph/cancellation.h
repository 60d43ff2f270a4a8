// A request to stop a run, made from anywhere (another request, a disconnect), seen by the
// run between nodes. Work in flight is interrupted through Asio's cancellation instead.
#pragma once

#include <atomic>

namespace agentd::graph {

class Cancellation {
 public:
  void request() { requested_.store(true, std::memory_order_release); }
  bool requested() const { return requested_.load(std::memory_order_acquire); }

 private:
  std::atomic<bool> requested_{false};
};

}  // namespace agentd::graph
