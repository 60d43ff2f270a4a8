// `agentd key create | list | revoke`: any user's API keys, administered on the server's
// machine. The options of create are those of POST /v1/auth/tokens.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "infrastructure/http/dto/identity_dto.h"
#include "infrastructure/text/rfc3339.h"
#include "infrastructure/text/word_lists.h"
#include "main/commands/command.h"
#include "main/commands/limit_options.h"
#include "main/commands/output.h"
#include "main/commands/startup.h"

namespace agentd {
namespace {

namespace asio = boost::asio;

constexpr int kKeyPageSize = 100;

struct NewKeyOptions {
  std::string user_email;
  std::string name = "cli";
  // Comma-separated names; absent means every name (an empty text: none).
  std::optional<std::string> allowed_tools;
  std::optional<std::string> allowed_models;
  std::string approval_required_tools;
  bool can_approve = false;
  std::optional<std::string> expires;
  std::optional<int> rate_limit_per_minute;
  LimitOptions limits;
  bool as_json = false;
};

struct KeyListOptions {
  std::optional<std::string> user_email;
  bool as_json = false;
};

NameAllowList allow_list(const std::optional<std::string>& names) {
  if (!names) return std::nullopt;
  return split_comma_list(*names);
}

// "30d" from now, or an RFC 3339 time.
Result<Timestamp> expiry(const std::string& text, Timestamp now) {
  if (auto after = parse_duration(text)) return now + *after;
  if (auto at = parse_rfc3339(text)) return *at;
  return Error::invalid(
      "--expires: expected a duration such as 30d or 12h, or an RFC 3339 time such as "
      "2027-01-01T00:00:00Z, got '" +
          text + "'",
      "expires", "invalid_expiry");
}

Result<NewApiKey> new_key_request(const NewKeyOptions& options, Timestamp now) {
  NewApiKey request;
  request.name = options.name;
  request.allowed_tools = allow_list(options.allowed_tools);
  request.allowed_models = allow_list(options.allowed_models);
  request.approval_required_tools = split_comma_list(options.approval_required_tools);
  request.can_approve = options.can_approve;
  request.rate_limit_per_minute = options.rate_limit_per_minute;
  auto limits = limits_from(options.limits);
  if (!limits) return std::move(limits).take_error();
  request.limits = std::move(*limits);
  if (options.expires) {
    auto expires_at = expiry(*options.expires, now);
    if (!expires_at) return std::move(expires_at).take_error();
    request.expires_at = *expires_at;
  }
  return request;
}

// The API's ApiKey (never its secret), with its owner and whether it was revoked.
boost::json::object key_json(const ApiKey& key, const std::string& email) {
  auto json = http::to_json(key);
  json["user_id"] = key.user_id;
  json["user_email"] = email;
  return json;
}

std::string status_of(const ApiKey& key, Timestamp now) {
  if (key.revoked_at) return "revoked";
  if (!key.is_usable(now)) return "expired";
  return "active";
}

asio::awaitable<Result<CreatedApiKey>> create_for_email(Services& services, std::string email,
                                                        NewApiKey request) {
  auto user = co_await services.manage_users.find_by_email(std::move(email));
  if (!user) co_return user.error();
  co_return co_await services.manage_keys.create_for(user->id, std::move(request));
}

int create_key(const Settings& settings, const NewKeyOptions& options) {
  asio::io_context io;
  auto services = start_services(io, settings.config, settings.file, StaleSchema::refuse);
  if (!services) return report_failure(services.error());
  auto request = new_key_request(options, (*services)->clock.now());
  if (!request) return report_failure(request.error());
  auto created =
      run_blocking(io, create_for_email(**services, options.user_email, std::move(*request)));
  if (!created) return report_failure(created.error());
  if (options.as_json) {
    auto json = key_json(created->key, options.user_email);
    json["key"] = created->secret;
    print_json_line(json);
  } else {
    std::printf("id: %s\nkey: %s\n", created->key.id.c_str(), created->secret.c_str());
  }
  std::fprintf(stderr, "agentd: the key is shown this once: store it now\n");
  return kExitOk;
}

// The keys of one user (by email), or everyone's; with each key its owner's email.
struct ListedKeys {
  std::vector<ApiKey> keys;
  std::map<std::string, std::string> emails;  // by user id
};

asio::awaitable<Result<ListedKeys>> list_keys_of(Services& services,
                                                 std::optional<std::string> email) {
  ListedKeys listed;
  std::optional<User> owner;
  if (email) {
    auto user = co_await services.manage_users.find_by_email(std::move(*email));
    if (!user) co_return user.error();
    owner = std::move(*user);
  }
  auto& keys = services.manage_keys;
  auto page_after = [&keys, &owner](std::optional<std::string> after) {
    if (owner) return keys.list_of(owner->id, kKeyPageSize, std::move(after));
    return keys.list_all(kKeyPageSize, std::move(after));
  };
  auto found = co_await every_item<ApiKey>(page_after);
  if (!found) co_return found.error();
  listed.keys = std::move(*found);
  for (const auto& key : listed.keys) {
    if (listed.emails.contains(key.user_id)) continue;
    auto user = co_await services.manage_users.find_by_id(key.user_id);
    if (!user) co_return user.error();
    listed.emails[key.user_id] = user->email;
  }
  co_return listed;
}

int list_keys(const Settings& settings, const KeyListOptions& options) {
  asio::io_context io;
  auto services = start_services(io, settings.config, settings.file, StaleSchema::refuse);
  if (!services) return report_failure(services.error());
  auto listed = run_blocking(io, list_keys_of(**services, options.user_email));
  if (!listed) return report_failure(listed.error());
  if (options.as_json) {
    for (const auto& key : listed->keys)
      print_json_line(key_json(key, listed->emails[key.user_id]));
    return kExitOk;
  }
  const auto now = (*services)->clock.now();
  std::vector<TableRow> rows;
  for (const auto& key : listed->keys) {
    rows.push_back({key.id, listed->emails[key.user_id], key.name, key.prefix,
                    time_cell(key.created_at), time_cell(key.expires_at, "never"),
                    time_cell(key.last_used_at, "never"), status_of(key, now)});
  }
  print_table({"ID", "USER", "NAME", "PREFIX", "CREATED", "EXPIRES", "LAST USED", "STATUS"}, rows);
  return kExitOk;
}

int revoke_key(const Settings& settings, const std::string& key_id) {
  asio::io_context io;
  auto services = start_services(io, settings.config, settings.file, StaleSchema::refuse);
  if (!services) return report_failure(services.error());
  auto revoke = (*services)->manage_keys.revoke_by_id(key_id);
  auto revoked = run_blocking(io, announced(**services, std::move(revoke)));
  if (!revoked && revoked.error().kind == ErrorCode::not_found) {
    return report("no API key has the id " + key_id, kExitFailure);
  }
  if (!revoked) return report_failure(revoked.error());
  std::printf("revoked API key %s (%s)\n", revoked->id.c_str(), revoked->name.c_str());
  return kExitOk;
}

void add_create_command(CLI::App& key, Commands& commands) {
  auto* create = key.add_subcommand(
      "create", "create an API key for a user and print it, this once, with its id");
  auto options = std::make_shared<NewKeyOptions>();
  create->add_option("--user", options->user_email, "the email of the key's owner")->required();
  create->add_option("--name", options->name, "what the key is for")->capture_default_str();
  create->add_option("--allowed-tools", options->allowed_tools,
                     "comma-separated tools the key may run (\"*\" every one; empty: none); "
                     "default: every tool");
  create->add_option("--allowed-models", options->allowed_models,
                     "comma-separated models the key may use; default: every model");
  create->add_option("--approval-required-tools", options->approval_required_tools,
                     "comma-separated tools whose calls by this key wait for a person");
  create->add_flag("--can-approve", options->can_approve,
                   "the key may decide other credentials' paused tool calls");
  create->add_option("--expires", options->expires,
                     "when the key stops working: after a duration (30d, 12h) or at an RFC 3339 "
                     "time (2027-01-01T00:00:00Z); default: never");
  create->add_option("--rate-limit-per-minute", options->rate_limit_per_minute,
                     "the key's own rate limit; default: AGENTD_RATE_LIMIT_PER_MINUTE");
  add_limit_options(*create, options->limits, "key");
  create->add_flag("--json", options->as_json, "print the key as one JSON object");
  commands.push_back({create, Needs::administration, [options](const Settings& settings) {
                        return create_key(settings, *options);
                      }});
}

}  // namespace

void add_key_commands(CLI::App& app, Commands& commands) {
  auto* key = app.add_subcommand("key", "manage API keys");
  key->require_subcommand(1);
  add_create_command(*key, commands);

  auto* list = key->add_subcommand("list", "list API keys (never their secrets), newest first");
  auto list_options = std::make_shared<KeyListOptions>();
  list->add_option("--user", list_options->user_email, "only this user's keys (an email)");
  list->add_flag("--json", list_options->as_json, "one JSON object a line instead of a table");
  commands.push_back({list, Needs::administration, [list_options](const Settings& settings) {
                        return list_keys(settings, *list_options);
                      }});

  auto* revoke = key->add_subcommand("revoke", "revoke an API key: it fails on its next use");
  auto key_id = std::make_shared<std::string>();
  revoke->add_option("id", *key_id, "the key's id")->required();
  commands.push_back({revoke, Needs::administration, [key_id](const Settings& settings) {
                        return revoke_key(settings, *key_id);
                      }});
}

}  // namespace agentd
