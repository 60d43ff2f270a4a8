// Where a graph run's progress is kept after every node, so it can continue later,
// in this process or another one.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "domain/common/result.h"
#include "domain/identity/user.h"

namespace agentd {

struct Checkpoint {
  std::string run_id;
  std::string next_node;  // the node to run on resume; the graph's end marker when done
  int steps = 0;          // nodes run so far
  std::string state;      // the run state, serialised by the graph's owner
  Timestamp saved_at;

  bool operator==(const Checkpoint&) const = default;
};

class CheckpointStore {
 public:
  virtual ~CheckpointStore() = default;
  // Replaces the run's previous checkpoint.
  virtual boost::asio::awaitable<Status> save(Checkpoint checkpoint) = 0;
  // nullopt when the run has none.
  virtual boost::asio::awaitable<Result<std::optional<Checkpoint>>> load(std::string run_id) = 0;
};

}  // namespace agentd
