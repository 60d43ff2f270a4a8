// GraphRunner: runs toy graphs node by node, checkpoints after each node, stops at the node
// limit, on failure or on cancellation, and continues a stopped run from its checkpoint.
#include "application/agent/graph/graph_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <chrono>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fakes/fake_clock.h"
#include "fakes/run_sync.h"

namespace agentd::graph {
namespace {

using namespace std::chrono_literals;
using boost::asio::awaitable;
using boost::asio::use_awaitable;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A counter and the names of the nodes that ran, in order.
struct TallyState {
  int count = 0;
  std::vector<std::string> trace;
};

using Event = std::string;
using TallyGraph = Graph<TallyState, Event>;
using TallyRunner = GraphRunner<TallyState, Event>;
using Sink = EventSink<Event>;

// "3;count,count,count": the count, then the trace.
std::string encode_state(const TallyState& state) {
  std::string encoded = std::to_string(state.count) + ";";
  for (std::size_t i = 0; i < state.trace.size(); ++i) {
    if (i > 0) encoded += ",";
    encoded += state.trace[i];
  }
  return encoded;
}

Result<TallyState> decode_state(const std::string& encoded) {
  auto separator = encoded.find(';');
  if (separator == std::string::npos) return Error::invalid("state has no ';'");
  TallyState state;
  auto [end, failure] = std::from_chars(encoded.data(), encoded.data() + separator, state.count);
  if (failure != std::errc() || end != encoded.data() + separator) {
    return Error::invalid("state count is not a number");
  }
  std::string rest = encoded.substr(separator + 1);
  std::size_t begin = 0;
  while (!rest.empty() && begin <= rest.size()) {
    auto comma = rest.find(',', begin);
    if (comma == std::string::npos) comma = rest.size();
    state.trace.push_back(rest.substr(begin, comma - begin));
    begin = comma + 1;
  }
  return state;
}

// Keeps every checkpoint saved, in order, and the latest per run; can be told to fail saves.
class MemoryCheckpointStore : public CheckpointStore {
 public:
  awaitable<Status> save(Checkpoint checkpoint) override {
    if (save_failure_) co_return *save_failure_;
    saved_.push_back(checkpoint);
    latest_.insert_or_assign(checkpoint.run_id, std::move(checkpoint));
    co_return ok_status();
  }

  awaitable<Result<std::optional<Checkpoint>>> load(std::string run_id) override {
    auto latest = latest_.find(run_id);
    if (latest == latest_.end()) co_return std::optional<Checkpoint>();
    co_return std::optional<Checkpoint>(latest->second);
  }

  void fail_saves_with(Error error) { save_failure_ = std::move(error); }
  const std::vector<Checkpoint>& saved() const { return saved_; }

 private:
  std::vector<Checkpoint> saved_;
  std::map<std::string, Checkpoint> latest_;
  std::optional<Error> save_failure_;
};

class RecordingSink : public Sink {
 public:
  void emit(Event event) override { events_.push_back(std::move(event)); }
  const std::vector<Event>& events() const { return events_; }

 private:
  std::vector<Event> events_;
};

// Adds its name to the trace and emits it.
TallyGraph::Node trace_node(std::string name) {
  return [name](TallyState& state, Sink& sink) -> awaitable<Status> {
    state.trace.push_back(name);
    sink.emit(name);
    co_return ok_status();
  };
}

// Counts one more, then does what trace_node does.
TallyGraph::Node counting_node(std::string name) {
  return [name](TallyState& state, Sink& sink) -> awaitable<Status> {
    ++state.count;
    state.trace.push_back(name);
    sink.emit(name);
    co_return ok_status();
  };
}

// Waits on a timer far longer than any test runs, unless interrupted.
TallyGraph::Node waiting_node(std::string name, std::chrono::steady_clock::duration wait) {
  return [name, wait](TallyState& state, Sink& sink) -> awaitable<Status> {
    sink.emit(name + ":waiting");
    auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer timer(executor, wait);
    co_await timer.async_wait(use_awaitable);
    state.trace.push_back(name);
    co_return ok_status();
  };
}

std::string end_node() { return std::string(kEnd); }

// Moves `clock` (when given) one second forward before `node` runs.
TallyGraph::Node ticking(FakeClock* clock, TallyGraph::Node node) {
  if (clock == nullptr) return node;
  return [clock, node](TallyState& state, Sink& sink) -> awaitable<Status> {
    clock->advance(1s);
    co_return co_await node(state, sink);
  };
}

// start -> count -> count ... (while count < `until`) -> report -> end
TallyGraph counting_loop(int until, FakeClock* ticking_clock = nullptr) {
  TallyGraph graph;
  graph.add_node("start", ticking(ticking_clock, trace_node("start")))
      .add_node("count", ticking(ticking_clock, counting_node("count")))
      .add_node("report", ticking(ticking_clock, trace_node("report")))
      .add_edge("start", "count")
      .add_conditional_edge("count",
                            [until](const TallyState& state) {
                              return std::string(state.count < until ? "count" : "report");
                            })
      .add_edge("report", end_node())
      .set_entry("start");
  return graph;
}

// plan -> act -> answer -> end
TallyGraph linear_graph() {
  TallyGraph graph;
  graph.add_node("plan", trace_node("plan"))
      .add_node("act", trace_node("act"))
      .add_node("answer", trace_node("answer"))
      .add_edge("plan", "act")
      .add_edge("act", "answer")
      .add_edge("answer", end_node())
      .set_entry("plan");
  return graph;
}

// Runs `runner` to completion from `from` (the entry when empty).
Report run_graph(TallyRunner& runner, std::string run_id, TallyState& state, Sink& sink,
                 int max_nodes, const Cancellation* cancel = nullptr, std::string from = {}) {
  Start start;
  start.node = std::move(from);
  return run_sync(runner.run(std::move(run_id), state, sink, std::move(start), max_nodes, cancel));
}

Result<Report> resume_graph(TallyRunner& runner, std::string run_id, TallyState& state, Sink& sink,
                            int max_nodes) {
  const TallyRunner::Decode decode = decode_state;
  return run_sync(runner.resume(std::move(run_id), decode, state, sink, max_nodes));
}

std::vector<std::string> next_nodes_of(const std::vector<Checkpoint>& checkpoints) {
  std::vector<std::string> next_nodes;
  for (const auto& checkpoint : checkpoints) next_nodes.push_back(checkpoint.next_node);
  return next_nodes;
}

std::vector<int> steps_of(const std::vector<Checkpoint>& checkpoints) {
  std::vector<int> steps;
  for (const auto& checkpoint : checkpoints) steps.push_back(checkpoint.steps);
  return steps;
}

std::vector<std::string> states_of(const std::vector<Checkpoint>& checkpoints) {
  std::vector<std::string> states;
  for (const auto& checkpoint : checkpoints) states.push_back(checkpoint.state);
  return states;
}

// Everything one test run needs, built in the order a process would build it.
struct Harness {
  FakeClock clock;
  MemoryCheckpointStore store;
  RecordingSink sink;
  TallyState state;
};

TEST(GraphRunner, RunsALinearGraphInOrderToTheEnd) {
  Harness h;
  auto graph = linear_graph();
  TallyRunner runner(graph, &h.store, encode_state, h.clock);

  auto report = run_graph(runner, "run-1", h.state, h.sink, 10);

  EXPECT_EQ(report.outcome, Outcome::finished);
  EXPECT_EQ(report.steps, 3);
  EXPECT_EQ(report.next_node, kEnd);
  EXPECT_FALSE(report.error.has_value());
  EXPECT_THAT(h.state.trace, ElementsAre("plan", "act", "answer"));
}

TEST(GraphRunner, ConditionalEdgeTakesTheBranchTheStateChooses) {
  auto branching_graph = [] {
    TallyGraph graph;
    graph.add_node("classify", trace_node("classify"))
        .add_node("small", trace_node("small"))
        .add_node("large", trace_node("large"))
        .add_conditional_edge("classify",
                              [](const TallyState& state) {
                                return std::string(state.count > 10 ? "large" : "small");
                              })
        .add_edge("small", end_node())
        .add_edge("large", end_node())
        .set_entry("classify");
    return graph;
  };
  auto graph = branching_graph();
  Harness small;
  small.state.count = 3;
  Harness large;
  large.state.count = 42;
  TallyRunner small_runner(graph, &small.store, encode_state, small.clock);
  TallyRunner large_runner(graph, &large.store, encode_state, large.clock);

  auto small_report = run_graph(small_runner, "run-small", small.state, small.sink, 10);
  auto large_report = run_graph(large_runner, "run-large", large.state, large.sink, 10);

  EXPECT_EQ(small_report.outcome, Outcome::finished);
  EXPECT_THAT(small.state.trace, ElementsAre("classify", "small"));
  EXPECT_EQ(large_report.outcome, Outcome::finished);
  EXPECT_THAT(large.state.trace, ElementsAre("classify", "large"));
}

TEST(GraphRunner, LoopRunsUntilItsConditionEndsIt) {
  Harness h;
  auto graph = counting_loop(4);
  TallyRunner runner(graph, &h.store, encode_state, h.clock);

  auto report = run_graph(runner, "run-1", h.state, h.sink, 100);

  EXPECT_EQ(report.outcome, Outcome::finished);
  EXPECT_EQ(report.steps, 6);
  EXPECT_EQ(h.state.count, 4);
  EXPECT_THAT(h.state.trace, ElementsAre("start", "count", "count", "count", "count", "report"));
}

TEST(GraphRunner, NodeLimitStopsAnEndlessLoop) {
  Harness h;
  TallyGraph graph;
  graph.add_node("spin", counting_node("spin")).add_edge("spin", "spin").set_entry("spin");
  TallyRunner runner(graph, &h.store, encode_state, h.clock);

  auto report = run_graph(runner, "run-1", h.state, h.sink, 4);

  EXPECT_EQ(report.outcome, Outcome::node_limit);
  EXPECT_EQ(report.steps, 4);
  EXPECT_EQ(report.next_node, "spin");
  EXPECT_FALSE(report.error.has_value());
  EXPECT_EQ(h.state.count, 4);
  ASSERT_EQ(h.store.saved().size(), 4u);
  EXPECT_EQ(h.store.saved().back().next_node, "spin");
  EXPECT_EQ(h.store.saved().back().steps, 4);
}

TEST(GraphRunner, AFailingNodeFailsTheRunWithItsErrorAndIsNotCheckpointed) {
  Harness h;
  TallyGraph graph;
  graph.add_node("plan", trace_node("plan"))
      .add_node("call_model",
                [](TallyState& state, Sink&) -> awaitable<Status> {
                  state.trace.push_back("call_model");
                  co_return Error::unavailable("model is down", "model_down");
                })
      .add_node("answer", trace_node("answer"))
      .add_edge("plan", "call_model")
      .add_edge("call_model", "answer")
      .add_edge("answer", end_node())
      .set_entry("plan");
  TallyRunner runner(graph, &h.store, encode_state, h.clock);

  auto report = run_graph(runner, "run-1", h.state, h.sink, 10);

  EXPECT_EQ(report.outcome, Outcome::failed);
  ASSERT_TRUE(report.error.has_value());
  EXPECT_EQ(report.error->kind, ErrorCode::unavailable);
  EXPECT_EQ(report.error->message, "model is down");
  EXPECT_EQ(report.error->code, "model_down");
  EXPECT_EQ(report.steps, 1);
  EXPECT_EQ(report.next_node, "call_model");
  EXPECT_THAT(h.state.trace, ElementsAre("plan", "call_model"));
  // The only checkpoint is the one before the failing node: a resume retries it.
  ASSERT_EQ(h.store.saved().size(), 1u);
  EXPECT_EQ(h.store.saved()[0].next_node, "call_model");
  EXPECT_EQ(h.store.saved()[0].steps, 1);
  EXPECT_EQ(h.store.saved()[0].state, "0;plan");
}

TEST(GraphRunner, ARouteChoosingAnUnknownNodeFailsTheRun) {
  Harness h;
  TallyGraph graph;
  graph.add_node("plan", trace_node("plan"))
      .add_node("route", trace_node("route"))
      .add_edge("plan", "route")
      .add_conditional_edge("route", [](const TallyState&) { return std::string("nowhere"); })
      .set_entry("plan");
  ASSERT_TRUE(graph.validate().ok());
  TallyRunner runner(graph, &h.store, encode_state, h.clock);

  auto report = run_graph(runner, "run-1", h.state, h.sink, 10);

  EXPECT_EQ(report.outcome, Outcome::failed);
  ASSERT_TRUE(report.error.has_value());
  EXPECT_EQ(report.error->kind, ErrorCode::internal);
  EXPECT_THAT(report.error->message, HasSubstr("unknown node 'nowhere'"));
  EXPECT_THAT(h.state.trace, ElementsAre("plan", "route"));
  EXPECT_THAT(next_nodes_of(h.store.saved()), ElementsAre("route"));
}

TEST(GraphRunner, StartingAtAnUnknownNodeFailsWithoutRunningAnything) {
  Harness h;
  auto graph = linear_graph();
  TallyRunner runner(graph, &h.store, encode_state, h.clock);

  auto report = run_graph(runner, "run-1", h.state, h.sink, 10, nullptr, "ghost");

  EXPECT_EQ(report.outcome, Outcome::failed);
  ASSERT_TRUE(report.error.has_value());
  EXPECT_THAT(report.error->message, HasSubstr("no node 'ghost'"));
  EXPECT_EQ(report.steps, 0);
  EXPECT_TRUE(h.state.trace.empty());
  EXPECT_TRUE(h.store.saved().empty());
}

TEST(GraphRunner, SavesACheckpointAfterEveryNode) {
  Harness h;
  // Time moves one second per node, so each checkpoint's time tells which node it follows.
  auto graph = counting_loop(2, &h.clock);
  const auto started = h.clock.now();
  TallyRunner runner(graph, &h.store, encode_state, h.clock);

  auto report = run_graph(runner, "run-7", h.state, h.sink, 10);

  ASSERT_EQ(report.outcome, Outcome::finished);
  const auto& saved = h.store.saved();
  ASSERT_EQ(saved.size(), 4u);
  EXPECT_THAT(next_nodes_of(saved), ElementsAre("count", "count", "report", std::string(kEnd)));
  EXPECT_THAT(steps_of(saved), ElementsAre(1, 2, 3, 4));
  EXPECT_THAT(states_of(saved), ElementsAre("0;start", "1;start,count", "2;start,count,count",
                                            "2;start,count,count,report"));
  for (std::size_t i = 0; i < saved.size(); ++i) {
    EXPECT_EQ(saved[i].run_id, "run-7");
    EXPECT_EQ(saved[i].saved_at, started + std::chrono::seconds(static_cast<long>(i) + 1))
        << "checkpoint " << i;
  }
}

TEST(GraphRunner, RunWithoutStoreFinishesWithoutCheckpoints) {
  Harness h;
  auto graph = linear_graph();
  TallyRunner runner(graph, nullptr, encode_state, h.clock);

  auto report = run_graph(runner, "run-1", h.state, h.sink, 10);
  auto resumed = resume_graph(runner, "run-1", h.state, h.sink, 10);

  EXPECT_EQ(report.outcome, Outcome::finished);
  EXPECT_EQ(report.steps, 3);
  ASSERT_FALSE(resumed.ok());
  EXPECT_EQ(resumed.error().kind, ErrorCode::internal);
}

TEST(GraphRunner, ResumeInAnotherProcessContinuesAtTheSavedNodeWithTheSavedState) {
  MemoryCheckpointStore store;  // the only thing that outlives the first process
  {
    FakeClock clock;
    RecordingSink sink;
    TallyState state;
    auto graph = counting_loop(5);
    TallyRunner runner(graph, &store, encode_state, clock);

    auto stopped = run_graph(runner, "run-1", state, sink, 3);

    ASSERT_EQ(stopped.outcome, Outcome::node_limit);
    ASSERT_EQ(stopped.steps, 3);
    ASSERT_EQ(stopped.next_node, "count");
    ASSERT_EQ(state.count, 2);
  }

  FakeClock clock;
  RecordingSink sink;
  TallyState state;
  auto graph = counting_loop(5);
  TallyRunner runner(graph, &store, encode_state, clock);

  auto resumed = resume_graph(runner, "run-1", state, sink, 100);

  ASSERT_TRUE(resumed.ok()) << resumed.error().message;
  EXPECT_EQ(resumed->outcome, Outcome::finished);
  EXPECT_EQ(resumed->steps, 7);  // 3 before the stop, 4 after
  EXPECT_EQ(resumed->next_node, kEnd);
  // Only the rest of the run happened here: three more counts from 2, then the report.
  EXPECT_THAT(sink.events(), ElementsAre("count", "count", "count", "report"));
  EXPECT_EQ(state.count, 5);
  EXPECT_THAT(state.trace,
              ElementsAre("start", "count", "count", "count", "count", "count", "report"));
  EXPECT_EQ(store.saved().back().steps, 7);
  EXPECT_EQ(store.saved().back().next_node, kEnd);
}

TEST(GraphRunner, ResumedStepsCountTowardsTheNodeLimit) {
  Harness h;
  auto graph = counting_loop(100);
  TallyRunner runner(graph, &h.store, encode_state, h.clock);
  ASSERT_EQ(run_graph(runner, "run-1", h.state, h.sink, 3).outcome, Outcome::node_limit);

  TallyState state;
  RecordingSink sink;
  auto resumed = resume_graph(runner, "run-1", state, sink, 5);

  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->outcome, Outcome::node_limit);
  EXPECT_EQ(resumed->steps, 5);
  EXPECT_EQ(state.count, 4);
  EXPECT_THAT(sink.events(), ElementsAre("count", "count"));
}

TEST(GraphRunner, ResumingAFinishedRunRunsNothing) {
  Harness h;
  auto graph = linear_graph();
  TallyRunner runner(graph, &h.store, encode_state, h.clock);
  ASSERT_EQ(run_graph(runner, "run-1", h.state, h.sink, 10).outcome, Outcome::finished);

  TallyState state;
  RecordingSink sink;
  auto resumed = resume_graph(runner, "run-1", state, sink, 10);

  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->outcome, Outcome::finished);
  EXPECT_EQ(resumed->steps, 3);
  EXPECT_TRUE(sink.events().empty());
  EXPECT_THAT(state.trace, ElementsAre("plan", "act", "answer"));
}

TEST(GraphRunner, ResumeWithoutCheckpointIsNotFound) {
  Harness h;
  auto graph = linear_graph();
  TallyRunner runner(graph, &h.store, encode_state, h.clock);
  ASSERT_EQ(run_graph(runner, "other-run", h.state, h.sink, 10).outcome, Outcome::finished);

  TallyState state;
  RecordingSink sink;
  auto resumed = resume_graph(runner, "run-1", state, sink, 10);

  ASSERT_FALSE(resumed.ok());
  EXPECT_EQ(resumed.error().kind, ErrorCode::not_found);
  EXPECT_THAT(resumed.error().message, HasSubstr("run-1"));
  EXPECT_TRUE(sink.events().empty());
}

TEST(GraphRunner, ResumeFailsWhenTheSavedStateCannotBeDecoded) {
  Harness h;
  auto graph = linear_graph();
  TallyRunner runner(
      graph, &h.store, [](const TallyState&) { return std::string("garbage"); }, h.clock);
  ASSERT_EQ(run_graph(runner, "run-1", h.state, h.sink, 1).outcome, Outcome::node_limit);

  TallyState state;
  RecordingSink sink;
  auto resumed = resume_graph(runner, "run-1", state, sink, 10);

  ASSERT_FALSE(resumed.ok());
  EXPECT_EQ(resumed.error().kind, ErrorCode::invalid_request);
  EXPECT_TRUE(sink.events().empty());
}

TEST(GraphRunner, CancellationRequestedByANodeStopsBeforeTheNextNode) {
  Harness h;
  Cancellation cancel;
  TallyGraph graph;
  graph
      .add_node("first",
                [&cancel](TallyState& state, Sink&) -> awaitable<Status> {
                  state.count = 7;
                  state.trace.push_back("first");
                  cancel.request();
                  co_return ok_status();
                })
      .add_node("second", counting_node("second"))
      .add_edge("first", "second")
      .add_edge("second", end_node())
      .set_entry("first");
  TallyRunner runner(graph, &h.store, encode_state, h.clock);

  auto report = run_graph(runner, "run-1", h.state, h.sink, 10, &cancel);

  EXPECT_EQ(report.outcome, Outcome::cancelled);
  EXPECT_FALSE(report.error.has_value());
  EXPECT_EQ(report.steps, 1);
  EXPECT_EQ(report.next_node, "second");
  EXPECT_EQ(h.state.count, 7);
  EXPECT_THAT(h.state.trace, ElementsAre("first"));
  // The completed node is checkpointed, so the run can continue where it stopped.
  ASSERT_EQ(h.store.saved().size(), 1u);
  EXPECT_EQ(h.store.saved()[0].next_node, "second");
  EXPECT_EQ(h.store.saved()[0].state, "7;first");

  TallyState resumed_state;
  RecordingSink resumed_sink;
  auto resumed = resume_graph(runner, "run-1", resumed_state, resumed_sink, 10);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->outcome, Outcome::finished);
  EXPECT_EQ(resumed->steps, 2);
  EXPECT_THAT(resumed_state.trace, ElementsAre("first", "second"));
  EXPECT_EQ(resumed_state.count, 8);
}

TEST(GraphRunner, CancellationRequestedBeforeTheRunRunsNoNode) {
  Harness h;
  Cancellation cancel;
  cancel.request();
  auto graph = linear_graph();
  TallyRunner runner(graph, &h.store, encode_state, h.clock);

  auto report = run_graph(runner, "run-1", h.state, h.sink, 10, &cancel);

  EXPECT_EQ(report.outcome, Outcome::cancelled);
  EXPECT_EQ(report.steps, 0);
  EXPECT_EQ(report.next_node, "plan");
  EXPECT_TRUE(h.state.trace.empty());
  EXPECT_TRUE(h.store.saved().empty());
}

// prepare -> wait (for `kLongWait`) -> after -> end
constexpr auto kLongWait = std::chrono::seconds(10);
// Far below kLongWait: a run that took this long was not interrupted.
constexpr auto kPrompt = std::chrono::seconds(2);

TallyGraph graph_with_a_long_wait() {
  TallyGraph graph;
  graph.add_node("prepare", trace_node("prepare"))
      .add_node("wait", waiting_node("wait", kLongWait))
      .add_node("after", trace_node("after"))
      .add_edge("prepare", "wait")
      .add_edge("wait", "after")
      .add_edge("after", end_node())
      .set_entry("prepare");
  return graph;
}

TEST(GraphRunner, AsioCancellationInterruptsAWaitingNodeAndLeavesTheCoroutineUsable) {
  Harness h;
  auto graph = graph_with_a_long_wait();
  TallyRunner runner(graph, &h.store, encode_state, h.clock);
  boost::asio::io_context io;
  boost::asio::cancellation_signal stop;
  std::optional<Report> report;
  bool is_usable_after_run = false;
  std::exception_ptr failure;

  auto run_then_wait = [&]() -> awaitable<void> {
    Start start;
    report = co_await runner.run("run-1", h.state, h.sink, std::move(start), 10);
    // The coroutine that ran the graph still does I/O afterwards (records the outcome).
    auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer pause(executor, 1ms);
    co_await pause.async_wait(use_awaitable);
    is_usable_after_run = true;
  };
  boost::asio::co_spawn(io, run_then_wait(),
                        boost::asio::bind_cancellation_slot(
                            stop.slot(), [&](std::exception_ptr error) { failure = error; }));
  boost::asio::steady_timer trigger(io, 20ms);
  trigger.async_wait(
      [&](boost::system::error_code) { stop.emit(boost::asio::cancellation_type::terminal); });
  const auto started = std::chrono::steady_clock::now();
  io.run();
  const auto elapsed = std::chrono::steady_clock::now() - started;

  EXPECT_FALSE(failure) << "the run coroutine threw";
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->outcome, Outcome::cancelled);
  EXPECT_EQ(report->steps, 1);
  EXPECT_EQ(report->next_node, "wait");
  EXPECT_LT(elapsed, kPrompt);
  EXPECT_TRUE(is_usable_after_run);
  EXPECT_THAT(h.state.trace, ElementsAre("prepare"));
  EXPECT_THAT(h.sink.events(), ElementsAre("prepare", "wait:waiting"));
  // The interrupted node is not checkpointed: a resume runs it again.
  EXPECT_THAT(next_nodes_of(h.store.saved()), ElementsAre("wait"));
}

TEST(GraphRunner, LosingARaceAgainstATimerCancelsTheRunPromptly) {
  using namespace boost::asio::experimental::awaitable_operators;
  Harness h;
  auto graph = graph_with_a_long_wait();
  TallyRunner runner(graph, &h.store, encode_state, h.clock);
  std::optional<Report> report;
  bool is_usable_after_run = false;

  auto run_then_wait = [&]() -> awaitable<void> {
    Start start;
    report = co_await runner.run("run-1", h.state, h.sink, std::move(start), 10);
    auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer pause(executor, 1ms);
    co_await pause.async_wait(use_awaitable);
    is_usable_after_run = true;
  };
  auto race = [&]() -> awaitable<std::size_t> {
    auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer deadline(executor, 20ms);
    auto running = run_then_wait();
    auto expiring = deadline.async_wait(use_awaitable);
    auto winner = co_await (std::move(running) || std::move(expiring));
    co_return winner.index();
  };
  const auto started = std::chrono::steady_clock::now();
  auto winner = run_sync(race());
  const auto elapsed = std::chrono::steady_clock::now() - started;

  EXPECT_EQ(winner, 1u);  // the deadline
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->outcome, Outcome::cancelled);
  EXPECT_EQ(report->next_node, "wait");
  EXPECT_LT(elapsed, kPrompt);
  EXPECT_THAT(h.state.trace, ElementsAre("prepare"));
  EXPECT_THAT(next_nodes_of(h.store.saved()), ElementsAre("wait"));
  // Cancelled by the race, the run's coroutine finished its own work before the race ended.
  EXPECT_TRUE(is_usable_after_run);
}

TEST(GraphRunner, EventsReachTheSinkInTheOrderNodesEmitThem) {
  Harness h;
  auto talking_node = [](std::string name) -> TallyGraph::Node {
    return [name](TallyState&, Sink& sink) -> awaitable<Status> {
      sink.emit(name + ":started");
      sink.emit(name + ":delta");
      sink.emit(name + ":done");
      co_return ok_status();
    };
  };
  TallyGraph graph;
  graph.add_node("think", talking_node("think"))
      .add_node("tool", talking_node("tool"))
      .add_edge("think", "tool")
      .add_edge("tool", end_node())
      .set_entry("think");
  TallyRunner runner(graph, &h.store, encode_state, h.clock);

  auto report = run_graph(runner, "run-1", h.state, h.sink, 10);

  EXPECT_EQ(report.outcome, Outcome::finished);
  EXPECT_THAT(h.sink.events(), ElementsAre("think:started", "think:delta", "think:done",
                                           "tool:started", "tool:delta", "tool:done"));
}

TEST(GraphRunner, ACheckpointStoreFailureFailsTheRun) {
  Harness h;
  h.store.fail_saves_with(Error::unavailable("disk full"));
  auto graph = linear_graph();
  TallyRunner runner(graph, &h.store, encode_state, h.clock);

  auto report = run_graph(runner, "run-1", h.state, h.sink, 10);

  EXPECT_EQ(report.outcome, Outcome::failed);
  ASSERT_TRUE(report.error.has_value());
  EXPECT_EQ(report.error->kind, ErrorCode::unavailable);
  EXPECT_EQ(report.error->message, "disk full");
  // Nothing runs past a node whose progress could not be kept.
  EXPECT_THAT(h.state.trace, ElementsAre("plan"));
  EXPECT_TRUE(h.store.saved().empty());
}

}  // namespace
}  // namespace agentd::graph
