#include "infrastructure/console/console_routes.h"

#include <string>

#include "infrastructure/console/console_files.h"
#include "infrastructure/http/error_response.h"
#include "infrastructure/http/static_file.h"

namespace agentd::console {
namespace {

using http::Request;
using http::Response;
using http::StaticFile;

// The page runs only its own script and style sheet and talks only to this server: no inline
// script, nothing from elsewhere, not framed. data: is the empty favicon the page names.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

StaticFile::Headers hardened(bool is_page) {
  StaticFile::Headers headers{{"X-Content-Type-Options", "nosniff"}};
  if (is_page) {
    headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
    headers.emplace_back("Referrer-Policy", "no-referrer");
  }
  return headers;
}

const StaticFile& page() {
  static const StaticFile file{"text/html; charset=utf-8", page_html(), hardened(true)};
  return file;
}

const StaticFile* find_asset(std::string_view name) {
  static const StaticFile js{"text/javascript; charset=utf-8", script(), hardened(false)};
  static const StaticFile css{"text/css; charset=utf-8", style_sheet(), hardened(false)};
  if (name == "console.js") return &js;
  if (name == "console.css") return &css;
  return nullptr;
}

}  // namespace

void add_console_routes(http::Router& router) {
  // The router ignores a trailing slash, so /console and /console/ both land here; the page
  // names its files by absolute paths and routes by the URL's hash, so either works.
  router.add("GET", "/console", [](Request& request) -> boost::asio::awaitable<Response> {
    co_return page().serve(request);
  });
  router.add("GET", "/console/assets/{file}",
             [](Request& request) -> boost::asio::awaitable<Response> {
               const auto* file = find_asset(request.path_param("file"));
               if (!file) co_return http::error_response(Error::not_found("no such console file"));
               co_return file->serve(request);
             });
}

}  // namespace agentd::console
