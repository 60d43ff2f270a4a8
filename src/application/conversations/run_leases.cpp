#include "application/conversations/run_leases.h"

#include <algorithm>

namespace agentd {

namespace asio = boost::asio;

asio::awaitable<LeaseRound> RunLeases::round() {
  LeaseRound round;
  const auto now = clock_.now();
  auto running = live_runs_.running_ids();
  if (!running.empty()) {
    auto lost =
        co_await runs_.renew_leases(settings_.owner, std::move(running), now + settings_.lease);
    if (!lost) {
      round.errors.push_back(lost.error());
    } else {
      for (const auto& id : *lost) {
        auto run = live_runs_.find(id);
        // A run that ended since it was listed is no longer running: nothing to let go.
        if (!run || run->events().closed()) continue;
        run->abandon();
        round.abandoned.push_back(id);
      }
    }
  }
  // A run without a lease gets one at its replica's next renewal, well within one lease.
  auto claimed = co_await runs_.take_over_runs(settings_.owner, now, now - settings_.lease,
                                               now + settings_.lease, settings_.batch);
  if (!claimed) {
    round.errors.push_back(claimed.error());
    co_return round;
  }
  co_await take_over(std::move(*claimed), round);
  co_return round;
}

asio::awaitable<LeaseRound> RunLeases::take_over_all() {
  LeaseRound round;
  const auto now = clock_.now();
  // Far enough ahead to cover every lease and every start, near enough to stay a real date.
  // One claim: a second would find the runs just resumed, whose leases end before it.
  const auto everything = now + std::chrono::hours(24 * 365);
  constexpr int kEveryRun = 100'000;
  auto claimed = co_await runs_.take_over_runs(settings_.owner, everything, everything,
                                               now + settings_.lease, kEveryRun);
  if (!claimed) {
    round.errors.push_back(claimed.error());
    co_return round;
  }
  co_await take_over(std::move(*claimed), round);
  co_return round;
}

asio::awaitable<void> RunLeases::take_over(std::vector<Run> claimed, LeaseRound& round) {
  for (auto& run : claimed) {
    std::int64_t last_event_id = run.last_event_id;
    if (feed_ != nullptr) {
      auto published = co_await feed_->last_id(run.id);
      if (published) last_event_id = std::max(last_event_id, *published);
    }
    auto resumed = co_await conversation_runs_.take_over(run, last_event_id);
    if (!resumed) round.errors.push_back(resumed.error());
    // Not renewed while it is not running here: another round takes it once the lease ends.
    round.taken_over.push_back(std::move(run));
  }
}

}  // namespace agentd
