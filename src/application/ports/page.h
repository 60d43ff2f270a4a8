// One page of a list, newest first, and whether more follow.
#pragma once

#include <vector>

namespace agentd {

template <typename T>
struct Page {
  std::vector<T> items;
  bool has_more = false;
};

}  // namespace agentd
