// Where a running graph's nodes send their stream events, as they happen.
#pragma once

namespace agentd::graph {

template <typename Event>
class EventSink {
 public:
  virtual ~EventSink() = default;
  // Must not block: a slow reader is the sink's problem, never the run's.
  virtual void emit(Event event) = 0;
};

}  // namespace agentd::graph
