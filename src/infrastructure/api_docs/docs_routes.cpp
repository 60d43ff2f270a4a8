#include "infrastructure/api_docs/docs_routes.h"

#include <cstdint>
#include <cstdio>
#include <string>

#include "infrastructure/api_docs/api_docs.h"
#include "infrastructure/http/error_response.h"

namespace agentd::api_docs {
namespace {

using http::Request;
using http::Response;

// The files change only with the binary: a hash of their bytes lets a browser keep them
// (304 Not Modified) and still see a new version at once.
std::string etag_of(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a
  for (unsigned char byte : bytes) hash = (hash ^ byte) * 1099511628211ULL;
  char text[21];
  std::snprintf(text, sizeof text, "\"%016llx\"", static_cast<unsigned long long>(hash));
  return text;
}

struct Served {
  std::string_view content_type;
  std::string_view bytes;
  std::string etag;
};

Response serve(const Served& file, const Request& request) {
  Response response;
  if (request.header("if-none-match") == file.etag) {
    response.status = 304;
  } else {
    response.body.assign(file.bytes);
    response.set_header("Content-Type", std::string(file.content_type));
  }
  response.set_header("ETag", file.etag);
  response.set_header("Cache-Control", "no-cache");
  return response;
}

const Served* find_file(std::string_view name) {
  static const std::vector<Served> served = [] {
    std::vector<Served> files;
    for (const auto& file : swagger_ui_files()) {
      files.push_back({file.content_type, file.bytes, etag_of(file.bytes)});
    }
    return files;
  }();
  const auto& files = swagger_ui_files();
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (files[i].name == name) return &served[i];
  }
  return nullptr;
}

}  // namespace

void add_docs_routes(http::Router& router) {
  router.add("GET", "/openapi.json", [](Request& request) -> boost::asio::awaitable<Response> {
    static const Served document{"application/json", openapi_json(), etag_of(openapi_json())};
    co_return serve(document, request);
  });
  router.add("GET", "/docs", [](Request& request) -> boost::asio::awaitable<Response> {
    co_return serve(*find_file(""), request);
  });
  router.add("GET", "/docs/{file}", [](Request& request) -> boost::asio::awaitable<Response> {
    const auto name = request.path_param("file");
    const auto* file = name.empty() ? nullptr : find_file(name);
    if (!file) co_return http::error_response(Error::not_found("no such documentation file"));
    co_return serve(*file, request);
  });
}

}  // namespace agentd::api_docs
