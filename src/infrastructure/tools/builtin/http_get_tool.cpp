#include "infrastructure/tools/builtin/http_get_tool.h"

#include <algorithm>
#include <boost/json.hpp>

#include "infrastructure/net/address_rules.h"
#include "infrastructure/net/url.h"
#include "infrastructure/text/ascii.h"
#include "infrastructure/text/utf8.h"

namespace agentd {
namespace {

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// Text a model can read; binary formats would only waste its context.
bool is_text_media_type(std::string_view content_type) {
  auto media_type = ascii_lower(content_type.substr(0, content_type.find(';')));
  while (!media_type.empty() && media_type.back() == ' ') media_type.pop_back();
  auto ends_with = [&](std::string_view suffix) {
    return media_type.size() >= suffix.size() &&
           media_type.compare(media_type.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return media_type.rfind("text/", 0) == 0 || media_type == "application/json" ||
         media_type == "application/xml" || media_type == "application/javascript" ||
         media_type == "application/yaml" || media_type == "application/x-yaml" ||
         media_type == "application/x-ndjson" || ends_with("+json") || ends_with("+xml");
}

}  // namespace

HttpGetTool::HttpGetTool(ToolSpec spec, net::HttpClient& client, HttpGetRules rules)
    : spec_(std::move(spec)), client_(client), rules_(std::move(rules)) {
  for (auto& host : rules_.allow_hosts) host = ascii_lower(host);
  request_options_.connect_timeout = std::chrono::seconds(5);
  request_options_.first_byte_timeout = std::chrono::seconds(10);
  request_options_.idle_timeout = std::chrono::seconds(10);
  // Applied on every hop: an allowed name may still point inside.
  request_options_.address_policy = net::public_addresses_only(rules_.allows_loopback);
}

ToolSpec HttpGetTool::default_spec(const std::vector<std::string>& allow_hosts) {
  std::string hosts;
  for (const auto& host : allow_hosts) hosts += (hosts.empty() ? "" : ", ") + host;
  ToolSpec spec;
  spec.name = "http_get";
  spec.description =
      "Fetches a web page or API response over HTTP(S) GET and returns its text (HTML, JSON, "
      "XML, plain text; very long text is truncated). Follows up to 3 redirects. "
      "Only these hosts may be fetched: " +
      (hosts.empty() ? std::string("none") : hosts) + ".";
  spec.parameters = boost::json::parse(R"json({
    "type": "object",
    "properties": {
      "url": {"type": "string", "minLength": 1, "maxLength": 2048,
              "description": "absolute http or https URL, e.g. https://example.org/page"}
    },
    "required": ["url"],
    "additionalProperties": false
  })json")
                        .as_object();
  spec.timeout = std::chrono::seconds(20);
  return spec;
}

bool HttpGetTool::is_allowed_host(const std::string& host) const {
  return std::find(rules_.allow_hosts.begin(), rules_.allow_hosts.end(), host) !=
         rules_.allow_hosts.end();
}

boost::asio::awaitable<Result<boost::json::value>> HttpGetTool::execute(
    boost::json::object arguments, const ToolContext&) {
  std::string url(arguments.at("url").as_string());
  for (int redirects = 0;; ++redirects) {
    auto parsed = net::parse_http_url(url);
    if (!parsed) co_return tool_error("cannot fetch '" + url + "': " + parsed.error().message);
    if (!is_allowed_host(parsed->host)) {
      co_return tool_error("host '" + parsed->host + "' is not on the http_get allow-list");
    }
    net::HttpRequest request{
        "GET", url, {{"Accept", "text/html, text/plain, application/json, */*;q=0.5"}}, {}};
    auto stream = co_await client_.stream(std::move(request), request_options_);
    if (!stream) co_return tool_error("cannot fetch " + url + ": " + stream.error().message);
    const int status = stream->status();

    if (is_redirect(status)) {
      auto location = stream->head().header("location");
      if (!location)
        co_return tool_error(url + " answered HTTP " + std::to_string(status) +
                             " without a Location");
      if (redirects == kMaxRedirects) {
        co_return tool_error("too many redirects: more than " + std::to_string(kMaxRedirects) +
                             " (the last pointed to " + std::string(*location) + ")");
      }
      auto next = net::resolve_url(url, *location);
      if (!next) co_return tool_error(url + " redirected to an invalid URL");
      url = std::move(*next);
      continue;
    }
    if (status >= 400) co_return tool_error(url + " answered HTTP " + std::to_string(status));
    const std::string content_type(stream->head().header("content-type").value_or(""));
    if (!is_text_media_type(content_type)) {
      co_return tool_error(url + " is not text (" +
                           (content_type.empty() ? std::string("no content type")
                                                 : "content type '" + content_type + "'") +
                           ")");
    }

    std::string body;
    bool is_truncated = false;
    for (;;) {
      auto piece = co_await stream->read();
      if (!piece) co_return tool_error("reading " + url + " failed: " + piece.error().message);
      if (piece->empty()) break;
      const auto room = rules_.max_bytes - body.size();
      if (piece->size() > room) {
        body.append(*piece, 0, room);
        is_truncated = true;
        break;  // dropping the stream closes the connection: the rest is never downloaded
      }
      body += *piece;
    }
    const std::string_view kept = is_truncated ? without_partial_last_character(body) : body;
    co_return boost::json::value(boost::json::object{{"url", url},
                                                     {"status", status},
                                                     {"content_type", content_type},
                                                     {"text", to_valid_utf8(kept)},
                                                     {"truncated", is_truncated}});
  }
}

}  // namespace agentd
