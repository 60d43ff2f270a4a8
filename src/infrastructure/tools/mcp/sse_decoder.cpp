#include "infrastructure/tools/mcp/sse_decoder.h"

namespace agentd {

Result<std::vector<SseEvent>> SseDecoder::feed(std::string_view bytes) {
  pending_.append(bytes);
  std::vector<SseEvent> events;
  std::size_t start = 0;
  for (;;) {
    const auto end = pending_.find_first_of("\r\n", start);
    if (end == std::string::npos) break;
    // A CR may be the first half of a CRLF still on its way.
    if (pending_[end] == '\r' && end + 1 == pending_.size()) break;
    take_line(std::string_view(pending_).substr(start, end - start), events);
    start = end + (pending_[end] == '\r' && pending_[end + 1] == '\n' ? 2 : 1);
  }
  pending_.erase(0, start);
  if (pending_.size() > kMaxLineBytes) {
    return Error{
        ErrorCode::bad_gateway, "an event stream line is over 16 MiB", {}, "upstream_error"};
  }
  return events;
}

void SseDecoder::take_line(std::string_view line, std::vector<SseEvent>& events) {
  if (line.empty()) {
    if (has_data_) events.push_back(std::move(event_));
    event_ = SseEvent{};
    has_data_ = false;
    return;
  }
  if (line.front() == ':') return;  // a comment, often a keep-alive
  const auto colon = line.find(':');
  const auto field = line.substr(0, colon);
  auto value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (has_data_) event_.data += '\n';
    event_.data.append(value);
    has_data_ = true;
  } else if (field == "event") {
    event_.type = value;
  } else if (field == "id") {
    event_.id = value;
  }
}

}  // namespace agentd
