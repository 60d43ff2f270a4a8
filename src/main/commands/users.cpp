// `agentd user create | list | disable | enable | limits`: accounts, administered on the
// server's machine (whoever can run this holds the database already).
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "infrastructure/http/dto/identity_dto.h"
#include "main/commands/command.h"
#include "main/commands/limit_options.h"
#include "main/commands/output.h"
#include "main/commands/startup.h"

namespace agentd {
namespace {

namespace asio = boost::asio;

struct NewUserOptions {
  std::string email;
  std::string name;
  bool admin = false;
};

// The password is read from standard input so that it never shows in the process list or the
// shell's history.
int create_user(const Settings& settings, const NewUserOptions& options) {
  std::string password;
  if (!std::getline(std::cin, password) || password.empty()) {
    return report("write the password on standard input", kExitUsage);
  }
  asio::io_context io;
  auto services = start_services(io, settings.config, settings.file, StaleSchema::refuse);
  if (!services) return report_failure(services.error());
  // Named, not braced into the call: see docs/coroutines.md.
  Registration registration{options.email, std::move(password), options.name,
                            options.admin ? Role::admin : Role::user};
  auto created = run_blocking(io, (*services)->register_user(std::move(registration)));
  if (!created) return report_failure(created.error());
  std::printf("created %s %s (%s)\n", std::string(to_string(created->role)).c_str(),
              created->email.c_str(), created->id.c_str());
  return kExitOk;
}

// The API's account (limits included), and whether it is disabled.
boost::json::object user_json(const User& user) {
  auto json = http::to_account_json(user);
  json["disabled"] = user.is_disabled();
  return json;
}

asio::awaitable<Result<std::vector<User>>> every_user(ManageUsers& users) {
  constexpr int kPageSize = 100;
  auto page_after = [&users](std::optional<std::string> after) {
    return users.list(kPageSize, std::move(after));
  };
  co_return co_await every_item<User>(page_after);
}

int list_users(const Settings& settings, bool as_json) {
  asio::io_context io;
  auto services = start_services(io, settings.config, settings.file, StaleSchema::refuse);
  if (!services) return report_failure(services.error());
  auto users = run_blocking(io, every_user((*services)->manage_users));
  if (!users) return report_failure(users.error());
  if (as_json) {
    for (const auto& user : *users) print_json_line(user_json(user));
    return kExitOk;
  }
  std::vector<TableRow> rows;
  for (const auto& user : *users) {
    rows.push_back({user.id, user.email, user.name, std::string(to_string(user.role)),
                    time_cell(user.created_at), time_cell(user.disabled_at, "no")});
  }
  print_table({"ID", "EMAIL", "NAME", "ROLE", "CREATED", "DISABLED"}, rows);
  return kExitOk;
}

enum class Access { disable, enable };

int change_access(const Settings& settings, const std::string& email, Access access) {
  asio::io_context io;
  auto services = start_services(io, settings.config, settings.file, StaleSchema::refuse);
  if (!services) return report_failure(services.error());
  auto& users = (*services)->manage_users;
  auto change = access == Access::disable ? users.disable(email) : users.enable(email);
  auto user = run_blocking(io, announced(**services, std::move(change)));
  if (!user) return report_failure(user.error());
  if (user->is_disabled()) {
    std::printf("disabled %s (%s) since %s\n", user->email.c_str(), user->id.c_str(),
                time_cell(user->disabled_at).c_str());
  } else {
    std::printf("enabled %s (%s)\n", user->email.c_str(), user->id.c_str());
  }
  return kExitOk;
}

// Replaces what the user may spend with what the options give: no option removes every limit.
int change_limits(const Settings& settings, const std::string& email, const LimitOptions& options) {
  auto limits = limits_from(options);
  if (!limits) return report_failure(limits.error());
  asio::io_context io;
  auto services = start_services(io, settings.config, settings.file, StaleSchema::refuse);
  if (!services) return report_failure(services.error());
  LimitsChange change{std::optional<Budget>(limits->budget),
                      std::optional<std::int64_t>(limits->tokens_per_minute)};
  auto user = run_blocking(
      io, announced(**services, (*services)->manage_users.change_limits(email, change)));
  if (!user) return report_failure(user.error());
  print_json_line(user_json(*user));
  return kExitOk;
}

void add_access_command(CLI::App& user, Commands& commands, Access access) {
  const bool disables = access == Access::disable;
  auto* cli = user.add_subcommand(
      disables ? "disable" : "enable",
      disables ? "disable a user: signing in, their tokens and their API keys stop working"
               : "enable a disabled user again");
  auto email = std::make_shared<std::string>();
  cli->add_option("--email", *email, "the user's email")->required();
  commands.push_back({cli, Needs::administration, [email, access](const Settings& settings) {
                        return change_access(settings, *email, access);
                      }});
}

}  // namespace

void add_user_commands(CLI::App& app, Commands& commands) {
  auto* user = app.add_subcommand("user", "manage users");
  user->require_subcommand(1);

  auto* create =
      user->add_subcommand("create", "create a user; the password is read from standard input");
  auto new_user = std::make_shared<NewUserOptions>();
  create->add_option("--email", new_user->email, "the user's email")->required();
  create->add_option("--name", new_user->name, "display name");
  create->add_flag("--admin", new_user->admin, "give the user the admin role");
  commands.push_back({create, Needs::administration, [new_user](const Settings& settings) {
                        return create_user(settings, *new_user);
                      }});

  auto* list = user->add_subcommand("list", "list every user, newest first");
  auto as_json = std::make_shared<bool>(false);
  list->add_flag("--json", *as_json, "one JSON object a line instead of a table");
  commands.push_back({list, Needs::administration, [as_json](const Settings& settings) {
                        return list_users(settings, *as_json);
                      }});

  add_access_command(*user, commands, Access::disable);
  add_access_command(*user, commands, Access::enable);

  auto* limits = user->add_subcommand(
      "limits",
      "set what a user may spend, through any of their credentials; no limit option "
      "removes them all");
  auto limit_email = std::make_shared<std::string>();
  auto limit_options = std::make_shared<LimitOptions>();
  limits->add_option("--email", *limit_email, "the user's email")->required();
  add_limit_options(*limits, *limit_options, "user");
  commands.push_back(
      {limits, Needs::administration, [limit_email, limit_options](const Settings& settings) {
         return change_limits(settings, *limit_email, *limit_options);
       }});
}

}  // namespace agentd
