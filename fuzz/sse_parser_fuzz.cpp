// Feeds arbitrary bytes to the SSE parser, split at a point the input chooses: parsing must
// never crash, and the events must not depend on where the bytes were split.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "infrastructure/net/sse_parser.h"

namespace {

using agentd::net::SseEvent;
using agentd::net::SseParser;

// All events of `parts` fed in order, or nothing when the stream is rejected.
std::vector<SseEvent> parse(std::initializer_list<std::string_view> parts, bool& failed) {
  SseParser parser(4096);
  std::vector<SseEvent> events;
  for (auto part : parts) {
    auto fed = parser.feed(part);
    if (!fed) {
      failed = true;
      return {};
    }
    events.insert(events.end(), fed->begin(), fed->end());
  }
  auto last = parser.finish();
  if (!last) {
    failed = true;
    return {};
  }
  events.insert(events.end(), last->begin(), last->end());
  return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t split = data[0] % size;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto cut = std::min(split, bytes.size());
  bool whole_failed = false;
  bool split_failed = false;
  const auto whole = parse({bytes}, whole_failed);
  const auto pieces = parse({bytes.substr(0, cut), bytes.substr(cut)}, split_failed);
  if (whole_failed != split_failed || whole != pieces) __builtin_trap();
  return 0;
}
