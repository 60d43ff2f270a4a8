#include "infrastructure/net/sse_parser.h"

#include "infrastructure/net/upstream_error.h"

namespace agentd::net {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

}  // namespace

SseParser::SseParser(std::size_t max_event_bytes) : max_event_bytes_(max_event_bytes) {}

Result<std::vector<SseEvent>> SseParser::feed(std::string_view bytes) {
  if (has_failed_) return too_large();
  std::vector<SseEvent> events;
  while (!bytes.empty()) {
    if (is_after_cr_) {
      is_after_cr_ = false;
      if (bytes.front() == '\n') {
        bytes.remove_prefix(1);
        continue;
      }
    }
    const auto end = bytes.find_first_of("\r\n");
    if (end == std::string_view::npos) {
      if (auto status = append_to_line(bytes); !status) return std::move(status).take_error();
      break;
    }
    if (auto status = append_to_line(bytes.substr(0, end)); !status) {
      return std::move(status).take_error();
    }
    is_after_cr_ = bytes[end] == '\r';
    bytes.remove_prefix(end + 1);
    if (auto status = end_line(events); !status) return std::move(status).take_error();
  }
  return events;
}

Result<std::vector<SseEvent>> SseParser::finish() {
  if (has_failed_) return too_large();
  std::vector<SseEvent> events;
  if (!line_.empty()) {
    if (auto status = end_line(events); !status) return std::move(status).take_error();
  }
  dispatch(events);
  is_after_cr_ = false;
  return events;
}

Status SseParser::append_to_line(std::string_view bytes) {
  if (line_.size() + bytes.size() > max_event_bytes_) {
    has_failed_ = true;
    return too_large();
  }
  line_.append(bytes);
  return ok_status();
}

Status SseParser::end_line(std::vector<SseEvent>& events) {
  std::string_view line = line_;
  if (is_first_line_ && line.starts_with(kByteOrderMark)) line.remove_prefix(kByteOrderMark.size());
  is_first_line_ = false;
  Status status = ok_status();
  if (line.empty()) {
    dispatch(events);
  } else if (line.front() != ':') {  // a comment otherwise: servers send them as heartbeats
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      status = process_field(line, {});
    } else {
      auto value = line.substr(colon + 1);
      if (value.starts_with(' ')) value.remove_prefix(1);
      status = process_field(line.substr(0, colon), value);
    }
  }
  line_.clear();
  return status;
}

Status SseParser::process_field(std::string_view field, std::string_view value) {
  if (field == "data") {
    if (data_.size() + value.size() + 1 > max_event_bytes_) {
      has_failed_ = true;
      return too_large();
    }
    if (has_data_) data_ += '\n';
    data_.append(value);
    has_data_ = true;
  } else if (field == "event") {
    event_.assign(value);
  } else if (field == "id" && value.find('\0') == std::string_view::npos) {
    id_.assign(value);
  }
  return ok_status();
}

void SseParser::dispatch(std::vector<SseEvent>& events) {
  // An event without any data line is dropped, as browsers do.
  if (has_data_) events.push_back({std::move(event_), std::move(data_), id_});
  event_.clear();
  data_.clear();
  has_data_ = false;
}

Error SseParser::too_large() const {
  return upstream_response_too_large("an upstream stream event exceeds " +
                                     std::to_string(max_event_bytes_) + " bytes");
}

}  // namespace agentd::net
