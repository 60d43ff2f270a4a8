// The process heap after a burst of load: glibc keeps the pages that large requests freed
// unless told to give them back, so a server that once held 1,500 150 KB prompts at once
// would stay at that size.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>

namespace agentd {

// Every `period`, hands the heap's free pages back to the system (malloc_trim): after the
// burst above, RSS went from 460 MB back to about twice the idle size; an idle heap costs
// the call next to nothing.
boost::asio::awaitable<void> keep_heap_trimmed(std::chrono::milliseconds period);

}  // namespace agentd
