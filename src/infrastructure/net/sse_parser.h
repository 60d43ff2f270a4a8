// An incremental Server-Sent Events parser: bytes in, in any chunking; complete events out.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "domain/common/result.h"

namespace agentd::net {

struct SseEvent {
  std::string event;  // the `event:` field; empty when the stream named none
  std::string data;   // the `data:` lines joined with "\n"
  std::string id;     // the last `id:` seen so far in the stream, as the WHATWG rules keep it

  // The event's type as a browser names it: an unnamed event is a "message".
  std::string_view type() const { return event.empty() ? std::string_view("message") : event; }

  bool operator==(const SseEvent&) const = default;
};

// Follows the WHATWG event-stream rules: "\n", "\r\n" and "\r" end a line, ":" starts a
// comment, one space after the colon is dropped, unknown fields (and `retry`) are ignored, and
// a blank line dispatches the event if it has data.
class SseParser {
 public:
  // A line or an event's data longer than `max_event_bytes` fails the stream: an upstream that
  // never sends a line break must not grow memory without bound. Each caller knows how large
  // its events may honestly be.
  explicit SseParser(std::size_t max_event_bytes);

  // The events that `bytes` completes. Once a call fails, every later call fails the same way.
  Result<std::vector<SseEvent>> feed(std::string_view bytes);

  // End of stream: the last line and event are dispatched even without their closing blank
  // line, because some servers close the connection right after the final data line.
  Result<std::vector<SseEvent>> finish();

 private:
  Status append_to_line(std::string_view bytes);
  Status end_line(std::vector<SseEvent>& events);
  Status process_field(std::string_view field, std::string_view value);
  void dispatch(std::vector<SseEvent>& events);
  Error too_large() const;

  std::size_t max_event_bytes_;
  std::string line_;
  std::string event_;
  std::string data_;
  std::string id_;
  bool has_data_ = false;
  bool is_first_line_ = true;
  // A "\r" ended the previous line; a "\n" right after it (maybe in the next chunk) is the
  // second half of a "\r\n" pair, not an empty line.
  bool is_after_cr_ = false;
  bool has_failed_ = false;
};

}  // namespace agentd::net
