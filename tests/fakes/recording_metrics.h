// A Metrics port that keeps what it was told, for tests to read.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "application/ports/metrics.h"

namespace agentd {

class RecordingMetrics final : public Metrics {
 public:
  struct RecordedModelCall {
    std::string model;
    std::string provider;
    bool stream = false;
    std::string outcome;
    std::optional<std::chrono::nanoseconds> time_to_first_chunk;
    std::optional<Usage> usage;
  };
  struct RecordedToolCall {
    std::string tool;
    std::string outcome;
  };

  void model_call(const ModelCall& call) override {
    std::lock_guard lock(mutex_);
    model_calls.push_back({std::string(call.model), std::string(call.provider), call.stream,
                           std::string(call.outcome), call.time_to_first_chunk, call.usage});
  }
  void tool_call(std::string_view tool, std::string_view outcome,
                 std::chrono::nanoseconds) override {
    std::lock_guard lock(mutex_);
    tool_calls.push_back({std::string(tool), std::string(outcome)});
  }
  void run_ended(std::string_view status) override {
    std::lock_guard lock(mutex_);
    runs_ended.emplace_back(status);
  }
  void rate_limited(std::string_view limit) override {
    std::lock_guard lock(mutex_);
    rate_limits.emplace_back(limit);
  }
  void webhook_delivery(std::string_view outcome) override {
    std::lock_guard lock(mutex_);
    webhook_deliveries.emplace_back(outcome);
  }

  void usage_recorded(const UsageRecord& record) override {
    std::lock_guard lock(mutex_);
    usage_records.push_back(record);
  }

  std::vector<RecordedModelCall> model_calls;
  std::vector<UsageRecord> usage_records;
  std::vector<RecordedToolCall> tool_calls;
  std::vector<std::string> runs_ended;
  std::vector<std::string> rate_limits;
  std::vector<std::string> webhook_deliveries;

 private:
  std::mutex mutex_;
};

}  // namespace agentd
