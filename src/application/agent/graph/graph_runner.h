// Runs a Graph: one node at a time, a checkpoint after every node, until the end, the node
// limit, a failing node, or cancellation. A run stopped anywhere continues from its last
// checkpoint, in this process or another.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>
#include <functional>
#include <optional>
#include <string>

#include "application/agent/graph/cancellation.h"
#include "application/agent/graph/graph.h"
#include "application/ports/checkpoint_store.h"
#include "application/ports/clock.h"

namespace agentd::graph {

enum class Outcome {
  finished,    // an edge led to the end
  node_limit,  // the limit stopped it; next_node says where it would have gone
  cancelled,   // asked to stop; the state is as the last completed node left it
  failed,      // a node, a route or the checkpoint store failed; see error
};

struct Report {
  Outcome outcome = Outcome::failed;
  int steps = 0;          // nodes run, counting those of earlier runs it resumed
  std::string next_node;  // where a resumed run would start (kEnd when finished)
  std::optional<Error> error;
};

// Where a run starts: the entry with no steps, or a checkpoint's node and step count.
struct Start {
  std::string node;  // empty: the graph's entry
  int steps = 0;
};

template <typename State, typename Event>
class GraphRunner {
 public:
  using Encode = std::function<std::string(const State&)>;
  using Decode = std::function<Result<State>(const std::string&)>;

  // Without a store (stateless runs) nothing is checkpointed.
  GraphRunner(const Graph<State, Event>& graph, CheckpointStore* store, Encode encode,
              const Clock& clock)
      : graph_(graph), store_(store), encode_(std::move(encode)), clock_(clock) {}

  boost::asio::awaitable<Report> run(std::string run_id, State& state, EventSink<Event>& sink,
                                     Start start, int max_nodes,
                                     const Cancellation* cancel = nullptr) {
    Report report;
    report.steps = start.steps;
    report.next_node = start.node.empty() ? graph_.entry() : start.node;
    bool is_interrupted = false;
    try {
      while (report.next_node != kEnd) {
        auto cancellation = co_await boost::asio::this_coro::cancellation_state;
        if ((cancel != nullptr && cancel->requested()) ||
            cancellation.cancelled() != boost::asio::cancellation_type::none) {
          co_await boost::asio::this_coro::reset_cancellation_state();
          report.outcome = Outcome::cancelled;
          co_return report;
        }
        if (report.steps >= max_nodes) {
          report.outcome = Outcome::node_limit;
          co_return report;
        }
        const typename Graph<State, Event>::Node* node = graph_.find(report.next_node);
        if (node == nullptr) {
          co_return failed(report, Error::internal("graph has no node '" + report.next_node + "'"));
        }
        running_ = report;
        auto done = co_await (*node)(state, sink);
        if (!done) co_return failed(report, done.error());
        ++report.steps;
        auto next = graph_.next(report.next_node, state);
        if (!next) co_return failed(report, next.error());
        report.next_node = std::move(*next);
        auto saved = co_await save(run_id, report, state);
        if (!saved) co_return failed(report, saved.error());
      }
    } catch (const boost::system::system_error& e) {
      if (e.code() != boost::asio::error::operation_aborted) throw;
      // Interrupted inside a node: its partial work is not checkpointed.
      is_interrupted = true;
    }
    if (is_interrupted) {
      // The caller may still need I/O to record the outcome, so the coroutine is made usable
      // again (outside the handler: a co_await may not appear in one).
      co_await boost::asio::this_coro::reset_cancellation_state();
      report.outcome = Outcome::cancelled;
      co_return report;
    }
    report.outcome = Outcome::finished;
    co_return report;
  }

  // Saves `state` as the checkpoint of the node now running, so a run that stops inside it
  // starts that node again with what the node recorded of its own progress.
  boost::asio::awaitable<Status> save_progress(const std::string& run_id, const State& state) {
    co_return co_await save(run_id, running_, state);
  }

  // Continues a run from its last checkpoint. not_found when it has none.
  boost::asio::awaitable<Result<Report>> resume(std::string run_id, const Decode& decode,
                                                State& state, EventSink<Event>& sink, int max_nodes,
                                                const Cancellation* cancel = nullptr) {
    if (store_ == nullptr) co_return Error::internal("this graph runner keeps no checkpoints");
    auto checkpoint = co_await store_->load(run_id);
    if (!checkpoint) co_return checkpoint.error();
    if (!*checkpoint) co_return Error::not_found("run " + run_id + " has no checkpoint");
    auto decoded = decode((*checkpoint)->state);
    if (!decoded) co_return decoded.error();
    state = std::move(*decoded);
    Start start{(*checkpoint)->next_node, (*checkpoint)->steps};
    co_return co_await run(std::move(run_id), state, sink, std::move(start), max_nodes, cancel);
  }

 private:
  static Report failed(Report report, Error error) {
    report.outcome = Outcome::failed;
    report.error = std::move(error);
    return report;
  }

  boost::asio::awaitable<Status> save(const std::string& run_id, const Report& report,
                                      const State& state) {
    if (store_ == nullptr) co_return ok_status();
    Checkpoint checkpoint;
    checkpoint.run_id = run_id;
    checkpoint.next_node = report.next_node;
    checkpoint.steps = report.steps;
    checkpoint.state = encode_(state);
    checkpoint.saved_at = clock_.now();
    co_return co_await store_->save(std::move(checkpoint));
  }

  const Graph<State, Event>& graph_;
  CheckpointStore* store_;
  Encode encode_;
  const Clock& clock_;
  Report running_;  // where the node now running started: its name and the steps before it
};

}  // namespace agentd::graph
