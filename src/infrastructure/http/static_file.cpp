#include "infrastructure/http/static_file.h"

#include <cstdint>
#include <cstdio>

namespace agentd::http {
namespace {

// The files change only with the binary: a hash of their bytes names the version.
std::string etag_of(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a
  for (unsigned char byte : bytes) hash = (hash ^ byte) * 1099511628211ULL;
  char text[21];
  std::snprintf(text, sizeof text, "\"%016llx\"", static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace

StaticFile::StaticFile(std::string_view content_type, std::string_view bytes, Headers extra_headers)
    : content_type_(content_type),
      bytes_(bytes),
      etag_(etag_of(bytes)),
      extra_headers_(std::move(extra_headers)) {}

Response StaticFile::serve(const Request& request) const {
  Response response;
  if (request.header("if-none-match") == etag_) {
    response.status = 304;
  } else {
    response.body.assign(bytes_);
    response.set_header("Content-Type", std::string(content_type_));
  }
  response.set_header("ETag", etag_);
  response.set_header("Cache-Control", "no-cache");
  for (const auto& [name, value] : extra_headers_) response.set_header(name, value);
  return response;
}

}  // namespace agentd::http
