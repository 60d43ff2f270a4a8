#include "infrastructure/http/handlers/webhook_handlers.h"

#include <boost/json.hpp>

#include "infrastructure/http/dto/webhook_dto.h"
#include "infrastructure/http/error_response.h"
#include "infrastructure/http/json_body.h"
#include "infrastructure/http/json_fields.h"
#include "infrastructure/http/pagination.h"

namespace agentd::http {
namespace {

using boost::asio::awaitable;

Result<NewWebhook> parse_new_webhook(const Request& request) {
  auto body = parse_json_body(request);
  if (!body) return std::move(body).take_error();
  auto object = require_object(*body);
  if (!object) return std::move(object).take_error();
  const auto& fields = **object;

  NewWebhook webhook;
  auto url = required_string(fields, "url");
  if (!url) return std::move(url).take_error();
  webhook.url = std::move(*url);
  auto events = optional_string_list(fields, "events");
  if (!events) return std::move(events).take_error();
  if (!*events) return Error::invalid("events is required", "events", "missing_field");
  webhook.events = std::move(**events);
  auto description = optional_string(fields, "description");
  if (!description) return std::move(description).take_error();
  webhook.description = std::move(*description);
  return webhook;
}

awaitable<Response> create_webhook(ManageWebhooks& webhooks, Request& request,
                                   const Principal& caller) {
  auto new_webhook = parse_new_webhook(request);
  if (!new_webhook) co_return error_response(new_webhook.error());
  auto created = co_await webhooks.create(caller, std::move(*new_webhook));
  if (!created) co_return error_response(created.error());
  auto json = to_json(created->webhook);
  json["secret"] = created->secret;
  co_return json_response(201, json);
}

awaitable<Response> list_webhooks(ManageWebhooks& webhooks, Request& request,
                                  const Principal& caller) {
  auto page_request = parse_page_request(request);
  if (!page_request) co_return error_response(page_request.error());
  auto page = co_await webhooks.list(caller, page_request->limit, page_request->after);
  if (!page) co_return error_response(page.error());
  co_return page_response(*page, [](const auto& webhook) { return to_json(webhook); });
}

awaitable<Response> get_webhook(ManageWebhooks& webhooks, Request& request,
                                const Principal& caller) {
  auto webhook = co_await webhooks.get(caller, std::string(request.path_param("id")));
  if (!webhook) co_return error_response(webhook.error());
  co_return json_response(200, to_json(*webhook));
}

awaitable<Response> delete_webhook(ManageWebhooks& webhooks, Request& request,
                                   const Principal& caller) {
  auto status = co_await webhooks.remove(caller, std::string(request.path_param("id")));
  if (!status) co_return error_response(status.error());
  co_return Response::no_content();
}

awaitable<Response> list_deliveries(ManageWebhooks& webhooks, Request& request,
                                    const Principal& caller) {
  auto page_request = parse_page_request(request);
  if (!page_request) co_return error_response(page_request.error());
  auto page = co_await webhooks.deliveries(caller, std::string(request.path_param("id")),
                                           page_request->limit, page_request->after);
  if (!page) co_return error_response(page.error());
  co_return page_response(*page, [](const auto& attempt) { return to_json(attempt); });
}

}  // namespace

void add_webhook_routes(Router& router, const AuthGuard& guard, ManageWebhooks& webhooks) {
  router.add("POST", "/v1/webhooks", guard.protect([&webhooks](Request& r, const Principal& p) {
    return create_webhook(webhooks, r, p);
  }));
  router.add("GET", "/v1/webhooks", guard.protect([&webhooks](Request& r, const Principal& p) {
    return list_webhooks(webhooks, r, p);
  }));
  router.add("GET", "/v1/webhooks/{id}", guard.protect([&webhooks](Request& r, const Principal& p) {
    return get_webhook(webhooks, r, p);
  }));
  router.add("DELETE", "/v1/webhooks/{id}",
             guard.protect([&webhooks](Request& r, const Principal& p) {
               return delete_webhook(webhooks, r, p);
             }));
  router.add("GET", "/v1/webhooks/{id}/deliveries",
             guard.protect([&webhooks](Request& r, const Principal& p) {
               return list_deliveries(webhooks, r, p);
             }));
}

}  // namespace agentd::http
