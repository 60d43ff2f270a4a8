// Where model calls are accounted: appended in batches, read back summed per day, model, key,
// or day and key.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/common/result.h"
#include "domain/usage/usage_record.h"

namespace agentd {

enum class UsageGrouping { day, model, key, day_key };

struct UsageFilter {
  std::optional<std::string> user_id;  // everyone's when absent
  std::optional<Timestamp> from;       // inclusive
  std::optional<Timestamp> to;         // exclusive
};

// The sums of one group. `key` is the day (YYYY-MM-DD, UTC), the model, the API key id ("" for
// calls made with a person's session), or for day_key the day, a space and the key id.
struct UsageGroup {
  std::string key;
  std::int64_t requests = 0;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t cached_tokens = 0;
  std::optional<std::int64_t> cost_nanos;  // null when no call of the group had a price

  bool operator==(const UsageGroup&) const = default;
};

class UsageRepository {
 public:
  virtual ~UsageRepository() = default;
  // Stores every record or none.
  virtual boost::asio::awaitable<Status> append(std::vector<UsageRecord> records) = 0;
  // Every group with calls that match `filter`, ordered by key.
  virtual boost::asio::awaitable<Result<std::vector<UsageGroup>>> summarize(
      UsageFilter filter, UsageGrouping grouping) = 0;
};

}  // namespace agentd
