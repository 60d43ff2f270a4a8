// A file served from memory (pages and scripts built into the binary), with an ETag of its
// bytes: a browser revalidates it (304 Not Modified) and still sees a new version at once.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "infrastructure/http/http_message.h"

namespace agentd::http {

class StaticFile {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  // `bytes` must outlive the object (embedded files live as long as the program).
  StaticFile(std::string_view content_type, std::string_view bytes, Headers extra_headers = {});

  // 200 with the bytes, or 304 when the request's If-None-Match names this version; both with
  // the ETag, `Cache-Control: no-cache` and the extra headers.
  Response serve(const Request& request) const;

  const std::string& etag() const { return etag_; }

 private:
  std::string_view content_type_;
  std::string_view bytes_;
  std::string etag_;
  Headers extra_headers_;
};

}  // namespace agentd::http
