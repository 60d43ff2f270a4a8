// Graph: what validate() accepts and rejects, and where next() leads from a node and a state.
#include "application/agent/graph/graph.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <string>

namespace agentd::graph {
namespace {

using ::testing::HasSubstr;

// The state is a number; events are words. Nodes never run here.
using NumberGraph = Graph<int, std::string>;

NumberGraph::Node idle_node() {
  return [](int&, EventSink<std::string>&) -> boost::asio::awaitable<Status> {
    co_return ok_status();
  };
}

// start -> work -> end
NumberGraph linear_number_graph() {
  NumberGraph graph;
  graph.add_node("start", idle_node())
      .add_node("work", idle_node())
      .add_edge("start", "work")
      .add_edge("work", std::string(kEnd))
      .set_entry("start");
  return graph;
}

TEST(Graph, WellFormedGraphValidates) {
  auto graph = linear_number_graph();

  auto status = graph.validate();

  EXPECT_TRUE(status.ok()) << (status ? "" : status.error().message);
  EXPECT_EQ(graph.entry(), "start");
}

TEST(Graph, ValidateRejectsAGraphWithoutEntry) {
  NumberGraph graph;
  graph.add_node("start", idle_node()).add_edge("start", std::string(kEnd));

  auto status = graph.validate();

  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorCode::internal);
  EXPECT_THAT(status.error().message, HasSubstr("entry"));
}

TEST(Graph, ValidateRejectsAnEntryThatIsNotANode) {
  auto graph = linear_number_graph();
  graph.set_entry("begin");

  auto status = graph.validate();

  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("entry 'begin'"));
}

TEST(Graph, ValidateRejectsANodeWithoutEdge) {
  auto graph = linear_number_graph();
  graph.add_node("orphan", idle_node());

  auto status = graph.validate();

  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorCode::internal);
  EXPECT_THAT(status.error().message, HasSubstr("'orphan' has no edge"));
}

TEST(Graph, ValidateRejectsAnEdgeToAnUnknownNode) {
  auto graph = linear_number_graph();
  graph.add_edge("work", "publish");

  auto status = graph.validate();

  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("from 'work'"));
  EXPECT_THAT(status.error().message, HasSubstr("unknown node 'publish'"));
}

TEST(Graph, ValidateAcceptsConditionalEdgesWhoseTargetsOnlyTheStateDecides) {
  auto graph = linear_number_graph();
  graph.add_conditional_edge("work", [](const int&) { return std::string("anywhere"); });

  EXPECT_TRUE(graph.validate().ok());
}

TEST(Graph, FindsNodesByName) {
  auto graph = linear_number_graph();

  EXPECT_NE(graph.find("work"), nullptr);
  EXPECT_EQ(graph.find("missing"), nullptr);
  EXPECT_TRUE(graph.has_node("start"));
  EXPECT_FALSE(graph.has_node(kEnd));
}

TEST(Graph, NextFollowsAPlainEdge) {
  auto graph = linear_number_graph();

  auto from_start = graph.next("start", 0);
  auto from_work = graph.next("work", 0);

  ASSERT_TRUE(from_start.ok());
  EXPECT_EQ(*from_start, "work");
  ASSERT_TRUE(from_work.ok());
  EXPECT_EQ(*from_work, kEnd);
}

TEST(Graph, NextAsksTheRouteWithTheState) {
  auto graph = linear_number_graph();
  graph.add_node("odd", idle_node()).add_edge("odd", std::string(kEnd));
  graph.add_conditional_edge(
      "start", [](const int& number) { return std::string(number % 2 == 0 ? "work" : "odd"); });

  auto from_even = graph.next("start", 4);
  auto from_odd = graph.next("start", 7);

  ASSERT_TRUE(from_even.ok());
  EXPECT_EQ(*from_even, "work");
  ASSERT_TRUE(from_odd.ok());
  EXPECT_EQ(*from_odd, "odd");
}

TEST(Graph, NextRejectsARouteThatChoosesAnUnknownNode) {
  auto graph = linear_number_graph();
  graph.add_conditional_edge("start", [](const int&) { return std::string("nowhere"); });

  auto next = graph.next("start", 0);

  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.error().kind, ErrorCode::internal);
  EXPECT_THAT(next.error().message, HasSubstr("chose unknown node 'nowhere'"));
}

TEST(Graph, NextFromANodeWithoutEdgeFails) {
  NumberGraph graph;
  graph.add_node("lonely", idle_node()).set_entry("lonely");

  auto next = graph.next("lonely", 0);

  ASSERT_FALSE(next.ok());
  EXPECT_THAT(next.error().message, HasSubstr("'lonely' has no edge"));
}

TEST(Graph, ALaterEdgeFromTheSameNodeReplacesTheEarlierOne) {
  auto graph = linear_number_graph();
  graph.add_edge("start", std::string(kEnd));

  auto next = graph.next("start", 0);

  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, kEnd);
}

}  // namespace
}  // namespace agentd::graph
