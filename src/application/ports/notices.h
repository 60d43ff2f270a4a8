// Changes every replica must act on at once rather than when a cache expires: a revoked
// session or key, a key's or a user's new limits, a user disabled or enabled, a run asked to
// stop. Published by the process that made the change (a replica, or the command line) and
// delivered to every replica, the publisher included.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

namespace agentd {

struct Notice {
  enum class Kind {
    session_revoked,       // id: the session
    api_key_revoked,       // id: the key
    api_key_changed,       // id: the key, whose limits changed
    run_cancel_requested,  // id: the run
    user_changed,          // id: the user, disabled, enabled again or given new limits
  };
  Kind kind = Kind::session_revoked;
  std::string id;

  bool operator==(const Notice&) const = default;
};

class Notices {
 public:
  virtual ~Notices() = default;
  // Returns once every replica has acted on the notice (dropped its cached copy, or asked its
  // run to stop), so the request that made the change answers after the change is in force
  // everywhere. A notice that cannot be sent, or that a replica does not act on in time, is
  // logged, and that replica sees the change when its cache entry expires (or, for a cancel,
  // at its next check).
  virtual boost::asio::awaitable<void> publish(Notice notice) = 0;
};

// One replica alone: its own changes already act at once.
class NoNotices final : public Notices {
 public:
  boost::asio::awaitable<void> publish(Notice) override { co_return; }
};

}  // namespace agentd
