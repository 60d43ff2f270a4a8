// GET /v1/usage: a caller's accounted model calls summed per day, model or key, a page at a
// time, with the totals of the whole range. A person sees their own; an administrator
// everyone's, or one user's.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "application/ports/page.h"
#include "application/ports/usage_repository.h"
#include "application/ports/user_repository.h"
#include "domain/identity/principal.h"

namespace agentd {

struct UsageQuery {
  std::optional<Timestamp> from;  // inclusive
  std::optional<Timestamp> to;    // exclusive
  UsageGrouping group_by = UsageGrouping::day;
  std::optional<std::string> user_id;  // an administrator's choice of user
  int limit = 20;
  std::optional<std::string> after;  // the key of the last group of the previous page
};

struct UsageSummary {
  UsageGrouping group_by = UsageGrouping::day;
  Page<UsageGroup> page;
  UsageGroup totals;  // of every group in the range; its key is empty
};

class UsageReport {
 public:
  UsageReport(UsageRepository& usage, UserRepository& users) : usage_(usage), users_(users) {}

  // 400 for a range that ends before it starts or a cursor of no group; 403 when a person
  // asks for someone else's usage; 404 for an unknown user.
  boost::asio::awaitable<Result<UsageSummary>> summarize(const Principal& caller, UsageQuery query);

 private:
  UsageRepository& usage_;
  UserRepository& users_;
};

}  // namespace agentd
