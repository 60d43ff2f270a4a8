// hiredis's event hooks on Asio: hiredis asks to watch its socket for reading or writing, a
// stream_descriptor waits for that on the strand every hiredis call runs on, and the ready
// socket is handed back to redisAsyncHandleRead/Write.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/strand.hpp>
#include <functional>
#include <memory>

#include "domain/common/result.h"

struct redisAsyncContext;

namespace agentd::redis {

using RedisStrand = boost::asio::strand<boost::asio::any_io_executor>;

class AsioHiredisAdapter : public std::enable_shared_from_this<AsioHiredisAdapter> {
 public:
  // Takes over `context`'s event hooks. `on_detached` runs once, from inside hiredis, when the
  // context is being freed (by redisAsyncFree or by hiredis after an error); the context must
  // not be used after it. The adapter must outlive the context; a wait still pending when the
  // context goes keeps the adapter alive until it ends.
  static Result<std::shared_ptr<AsioHiredisAdapter>> attach(redisAsyncContext* context,
                                                            const RedisStrand& strand,
                                                            std::function<void()> on_detached);

  ~AsioHiredisAdapter();
  AsioHiredisAdapter(const AsioHiredisAdapter&) = delete;
  AsioHiredisAdapter& operator=(const AsioHiredisAdapter&) = delete;

 private:
  AsioHiredisAdapter(redisAsyncContext* context, const RedisStrand& strand,
                     std::function<void()> on_detached);

  enum Direction { kRead = 0, kWrite = 1 };

  static void add_read(void* self);
  static void del_read(void* self);
  static void add_write(void* self);
  static void del_write(void* self);
  static void cleanup(void* self);

  void watch(Direction direction);
  void on_socket_ready(Direction direction, const boost::system::error_code& error);
  void detach();

  redisAsyncContext* context_;  // null once hiredis has begun freeing it
  boost::asio::posix::stream_descriptor socket_;
  std::function<void()> on_detached_;
  // What hiredis wants watched, and which waits are pending. hiredis's hooks describe a
  // persistent watch; an Asio wait ends with its first readiness, so it is renewed while wanted.
  bool wanted_[2] = {false, false};
  bool waiting_[2] = {false, false};
};

}  // namespace agentd::redis
