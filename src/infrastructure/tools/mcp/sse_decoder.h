// Splits a text/event-stream body, arriving in pieces of any size, into its events.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "domain/common/result.h"

namespace agentd {

struct SseEvent {
  std::string type = "message";
  std::string data;
  std::string id;
};

class SseDecoder {
 public:
  // A line longer than this is an error rather than unbounded memory.
  static constexpr std::size_t kMaxLineBytes = std::size_t{16} * 1024 * 1024;

  // The events that `bytes` completes; events without data are dropped, as browsers do.
  Result<std::vector<SseEvent>> feed(std::string_view bytes);

 private:
  void take_line(std::string_view line, std::vector<SseEvent>& events);

  std::string pending_;
  SseEvent event_;
  bool has_data_ = false;
};

}  // namespace agentd
