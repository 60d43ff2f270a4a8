// A graph of named async nodes over a typed state: plain and conditional edges, an entry
// node, and an end. Built once, then run any number of times by a GraphRunner.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <variant>

#include "application/agent/graph/event_sink.h"
#include "domain/common/result.h"

namespace agentd::graph {

// The name an edge leads to when the run is over.
inline constexpr std::string_view kEnd = "__end__";

template <typename State, typename Event>
class Graph {
 public:
  using Sink = EventSink<Event>;
  // A node changes the state and may emit events; an error fails the run.
  using Node = std::function<boost::asio::awaitable<Status>(State&, Sink&)>;
  // Picks the next node (or kEnd) from the state after a node ran.
  using Route = std::function<std::string(const State&)>;

  Graph& add_node(std::string name, Node node) {
    nodes_.insert_or_assign(std::move(name), std::move(node));
    return *this;
  }
  Graph& add_edge(std::string from, std::string to) {
    edges_.insert_or_assign(std::move(from), Edge{std::move(to)});
    return *this;
  }
  Graph& add_conditional_edge(std::string from, Route route) {
    edges_.insert_or_assign(std::move(from), Edge{std::move(route)});
    return *this;
  }
  Graph& set_entry(std::string name) {
    entry_ = std::move(name);
    return *this;
  }
  const std::string& entry() const { return entry_; }

  // A graph is runnable when the entry exists, every node has an outgoing edge, and every
  // plain edge leads to a node or to the end.
  Status validate() const {
    if (!has_node(entry_)) return Error::internal("graph entry '" + entry_ + "' is not a node");
    for (const auto& [name, node] : nodes_) {
      auto edge = edges_.find(name);
      if (edge == edges_.end()) return Error::internal("graph node '" + name + "' has no edge");
      const auto* to = std::get_if<std::string>(&edge->second.target);
      if (to != nullptr && *to != kEnd && !has_node(*to)) {
        return Error::internal("graph edge from '" + name + "' leads to unknown node '" + *to +
                               "'");
      }
    }
    return ok_status();
  }

  const Node* find(std::string_view name) const {
    auto it = nodes_.find(name);
    return it == nodes_.end() ? nullptr : &it->second;
  }
  bool has_node(std::string_view name) const { return nodes_.contains(name); }

  // Where the run goes after `from` ran and left `state`.
  Result<std::string> next(std::string_view from, const State& state) const {
    auto edge = edges_.find(from);
    if (edge == edges_.end())
      return Error::internal("graph node '" + std::string(from) + "' has no edge");
    std::string to = std::visit(
        [&](const auto& target) -> std::string {
          if constexpr (std::is_same_v<std::decay_t<decltype(target)>, Route>) {
            return target(state);
          } else {
            return target;
          }
        },
        edge->second.target);
    if (to != kEnd && !has_node(to)) {
      return Error::internal("graph route from '" + std::string(from) + "' chose unknown node '" +
                             to + "'");
    }
    return to;
  }

 private:
  struct Edge {
    std::variant<std::string, Route> target;
  };

  std::map<std::string, Node, std::less<>> nodes_;
  std::map<std::string, Edge, std::less<>> edges_;
  std::string entry_;
};

}  // namespace agentd::graph
