#include "application/usage/usage_recorder.h"

#include <algorithm>

namespace agentd {

MeteredCall UsageRecorder::start(const Principal& caller, std::string model, std::string provider,
                                 std::optional<ModelPrice> price) const {
  return {caller.user_id,   caller.api_key_id, std::move(model),   std::move(provider),
          std::move(price), clock_.now(),      clock_.steady_now()};
}

void UsageRecorder::finish(const MeteredCall& call, std::chrono::steady_clock::time_point ended,
                           std::string_view status, const std::optional<Usage>& usage) {
  const auto elapsed = std::max(ended - call.started, std::chrono::steady_clock::duration{});
  UsageRecord record;
  record.created_at =
      call.started_at + std::chrono::duration_cast<std::chrono::microseconds>(elapsed);
  record.user_id = call.user_id;
  record.api_key_id = call.api_key_id;
  record.model = call.model;
  record.provider = call.provider;
  if (usage) {
    record.input_tokens = usage->prompt_tokens;
    record.output_tokens = usage->completion_tokens;
    record.cached_tokens = usage->cached_tokens;
  }
  if (call.price) record.cost_nanos = usage ? cost_nanos(*call.price, *usage) : 0;
  record.latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  record.status = std::string(status);
  if (metrics_) metrics_->usage_recorded(record);
  std::lock_guard lock(mutex_);
  if (buffer_.size() >= max_buffered_) {
    buffer_.erase(buffer_.begin());
    ++dropped_;
  }
  buffer_.push_back(std::move(record));
}

boost::asio::awaitable<Status> UsageRecorder::flush() {
  std::vector<UsageRecord> batch;
  {
    std::lock_guard lock(mutex_);
    if (is_flushing_ || buffer_.empty()) co_return ok_status();
    is_flushing_ = true;
    batch.swap(buffer_);
  }
  // Ids are given here, not per call: a stream may record after the generator is gone.
  for (auto& record : batch) {
    if (record.id.empty()) record.id = ids_.new_id();
  }
  std::vector<UsageRecord> kept = batch;
  auto stored = co_await repository_.append(std::move(batch));
  std::lock_guard lock(mutex_);
  is_flushing_ = false;
  if (!stored) {
    // Put back in front of what arrived meanwhile, within the bound.
    kept.insert(kept.end(), std::make_move_iterator(buffer_.begin()),
                std::make_move_iterator(buffer_.end()));
    if (kept.size() > max_buffered_) {
      const auto excess = kept.size() - max_buffered_;
      kept.erase(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(excess));
      dropped_ += excess;
    }
    buffer_ = std::move(kept);
  }
  co_return stored;
}

std::size_t UsageRecorder::buffered() const {
  std::lock_guard lock(mutex_);
  return buffer_.size();
}

std::size_t UsageRecorder::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

}  // namespace agentd
