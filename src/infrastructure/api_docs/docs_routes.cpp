#include "infrastructure/api_docs/docs_routes.h"

#include <string>

#include "infrastructure/api_docs/api_docs.h"
#include "infrastructure/http/error_response.h"
#include "infrastructure/http/static_file.h"

namespace agentd::api_docs {
namespace {

using http::Request;
using http::Response;
using http::StaticFile;

const StaticFile* find_file(std::string_view name) {
  static const std::vector<StaticFile> served = [] {
    std::vector<StaticFile> files;
    for (const auto& file : swagger_ui_files()) files.emplace_back(file.content_type, file.bytes);
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
    static const StaticFile document{"application/json", openapi_json()};
    co_return document.serve(request);
  });
  router.add("GET", "/docs", [](Request& request) -> boost::asio::awaitable<Response> {
    co_return find_file("")->serve(request);
  });
  router.add("GET", "/docs/{file}", [](Request& request) -> boost::asio::awaitable<Response> {
    const auto name = request.path_param("file");
    const auto* file = name.empty() ? nullptr : find_file(name);
    if (!file) co_return http::error_response(Error::not_found("no such documentation file"));
    co_return file->serve(request);
  });
}

}  // namespace agentd::api_docs
