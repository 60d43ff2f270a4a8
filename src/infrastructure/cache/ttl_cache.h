// A small thread-safe map whose entries live for a fixed time: what the credential caches
// keep between requests. Bounded: when full, expired entries go first, then everything.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace agentd::cache {

// How long a cache keeps an entry, and how many it holds at most.
struct CacheSettings {
  std::chrono::milliseconds ttl{2'000};
  std::size_t max_entries = 100'000;
};

template <typename Value>
class TtlCache {
 public:
  using Clock = std::chrono::steady_clock;

  TtlCache(std::chrono::milliseconds ttl, std::size_t max_entries)
      : ttl_(ttl), max_entries_(max_entries) {}

  std::optional<Value> find(const std::string& key) const {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || Clock::now() >= it->second.expires) return std::nullopt;
    return it->second.value;
  }

  // Counts the changes that drop entries. A value read from storage is put with the
  // count seen before the read (put_unless_changed), so a change that lands while the read is
  // under way is not undone by caching what the read found.
  std::uint64_t changes() const {
    std::lock_guard lock(mutex_);
    return changes_;
  }

  void put_unless_changed(const std::string& key, Value value, std::uint64_t changes_before) {
    std::lock_guard lock(mutex_);
    if (changes_ != changes_before) return;
    insert(key, std::move(value));
  }

  void put(const std::string& key, Value value) {
    std::lock_guard lock(mutex_);
    insert(key, std::move(value));
  }

  void erase(const std::string& key) {
    std::lock_guard lock(mutex_);
    ++changes_;
    entries_.erase(key);
  }

  // Erases every entry `match` selects (a revoked key cached under its secret's hash).
  void erase_if(const std::function<bool(const Value&)>& match) {
    std::lock_guard lock(mutex_);
    ++changes_;
    std::erase_if(entries_, [&](const auto& item) { return match(item.second.value); });
  }

  // Changes in place, keeping their expiry, the entries `match` selects: for changes that a
  // value read before them may undo harmlessly (a newer last-use time), so not counted.
  void update_if(const std::function<bool(const Value&)>& match,
                 const std::function<void(Value&)>& change) {
    std::lock_guard lock(mutex_);
    for (auto& [key, entry] : entries_) {
      if (match(entry.value)) change(entry.value);
    }
  }

 private:
  struct Entry {
    Value value;
    Clock::time_point expires;
  };

  void insert(const std::string& key, Value value) {
    const auto now = Clock::now();
    if (entries_.size() >= max_entries_ && !entries_.contains(key)) {
      std::erase_if(entries_, [&](const auto& item) { return now >= item.second.expires; });
      if (entries_.size() >= max_entries_) entries_.clear();
    }
    entries_.insert_or_assign(key, Entry{std::move(value), now + ttl_});
  }

  std::chrono::milliseconds ttl_;
  std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::uint64_t changes_ = 0;
};

}  // namespace agentd::cache
