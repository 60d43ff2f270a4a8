// Accounts model calls: each call becomes a UsageRecord, buffered here and written to the
// repository in batches by flush(), so no request waits for the database. Shared: a model
// stream may end (and record) after the server's other objects are gone at shutdown.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "application/ports/clock.h"
#include "application/ports/id_generator.h"
#include "application/ports/metrics.h"
#include "application/ports/usage_repository.h"
#include "domain/conversation/usage.h"
#include "domain/identity/principal.h"
#include "domain/usage/model_price.h"

namespace agentd {

// One model call under way: who makes it, to which route, since when.
struct MeteredCall {
  std::string user_id;
  std::optional<std::string> api_key_id;
  std::string model;
  std::string provider;
  std::optional<ModelPrice> price;
  Timestamp started_at;
  std::chrono::steady_clock::time_point started;
};

class UsageRecorder {
 public:
  // Beyond `max_buffered` records (the database down for long), the oldest are dropped and
  // counted, so memory stays bounded.
  // `metrics` (null: none) hears of each call as it ends; shared, as a stream may end late.
  UsageRecorder(UsageRepository& repository, IdGenerator& ids, const Clock& clock,
                std::shared_ptr<Metrics> metrics = nullptr, std::size_t max_buffered = 100'000)
      : repository_(repository),
        ids_(ids),
        clock_(clock),
        metrics_(std::move(metrics)),
        max_buffered_(max_buffered) {}

  const Clock& clock() const { return clock_; }

  MeteredCall start(const Principal& caller, std::string model, std::string provider,
                    std::optional<ModelPrice> price) const;
  // `ended` is when the call ended (a stream's last chunk); `usage` what the upstream
  // reported, if anything. Thread-safe; never waits for storage.
  void finish(const MeteredCall& call, std::chrono::steady_clock::time_point ended,
              std::string_view status, const std::optional<Usage>& usage);

  // Writes what is buffered; on failure keeps it for the next flush.
  boost::asio::awaitable<Status> flush();

  std::size_t buffered() const;
  std::size_t dropped() const;

 private:
  UsageRepository& repository_;
  IdGenerator& ids_;
  const Clock& clock_;
  std::shared_ptr<Metrics> metrics_;
  std::size_t max_buffered_;
  mutable std::mutex mutex_;
  std::vector<UsageRecord> buffer_;
  std::size_t dropped_ = 0;
  bool is_flushing_ = false;  // one flush at a time keeps records in their order
};

}  // namespace agentd
