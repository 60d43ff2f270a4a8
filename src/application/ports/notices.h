// Changes every replica must act on at once rather than when a cache expires: a revoked
// session or key, a user disabled or enabled, a run asked to stop. Published by the process
// that made the change (a replica, or the command line) and delivered to every replica, the
// publisher included.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

namespace agentd {

struct Notice {
  enum class Kind {
    session_revoked,       // id: the session
    api_key_revoked,       // id: the key
    run_cancel_requested,  // id: the run
    user_changed,          // id: the user, disabled or enabled again
  };
  Kind kind = Kind::session_revoked;
  std::string id;

  bool operator==(const Notice&) const = default;
};

class Notices {
 public:
  virtual ~Notices() = default;
  // Returns once the notice has reached the other replicas' connections, so the request that
  // made the change answers after they can know of it. A notice that cannot be sent is
  // logged, and the other replicas then see the change when their cache entry expires (or,
  // for a cancel, at their next check).
  virtual boost::asio::awaitable<void> publish(Notice notice) = 0;
};

// One replica alone: its own changes already act at once.
class NoNotices final : public Notices {
 public:
  boost::asio::awaitable<void> publish(Notice) override { co_return; }
};

}  // namespace agentd
