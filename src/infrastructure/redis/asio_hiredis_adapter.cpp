#include "infrastructure/redis/asio_hiredis_adapter.h"

#include <hiredis/async.h>

#include <boost/asio/error.hpp>
#include <utility>

#include "infrastructure/redis/redis_reply.h"

namespace agentd::redis {

namespace asio = boost::asio;

Result<std::shared_ptr<AsioHiredisAdapter>> AsioHiredisAdapter::attach(
    redisAsyncContext* context, const RedisStrand& strand, std::function<void()> on_detached) {
  std::shared_ptr<AsioHiredisAdapter> adapter(
      new AsioHiredisAdapter(context, strand, std::move(on_detached)));
  boost::system::error_code error;
  adapter->socket_.assign(context->c.fd, error);
  if (error) return redis_unavailable("cannot watch the Redis socket: " + error.message());
  context->ev.data = adapter.get();
  context->ev.addRead = &AsioHiredisAdapter::add_read;
  context->ev.delRead = &AsioHiredisAdapter::del_read;
  context->ev.addWrite = &AsioHiredisAdapter::add_write;
  context->ev.delWrite = &AsioHiredisAdapter::del_write;
  context->ev.cleanup = &AsioHiredisAdapter::cleanup;
  return adapter;
}

AsioHiredisAdapter::AsioHiredisAdapter(redisAsyncContext* context, const RedisStrand& strand,
                                       std::function<void()> on_detached)
    : context_(context), socket_(strand), on_detached_(std::move(on_detached)) {}

AsioHiredisAdapter::~AsioHiredisAdapter() {
  // Only if the context outlived its adapter, against the contract: hiredis must not call a
  // dead adapter.
  if (context_ != nullptr && context_->ev.data == this) {
    context_->ev.data = nullptr;
    context_->ev.addRead = context_->ev.delRead = nullptr;
    context_->ev.addWrite = context_->ev.delWrite = nullptr;
    context_->ev.cleanup = nullptr;
  }
  // hiredis owns the descriptor and closes it.
  if (socket_.is_open()) socket_.release();
}

void AsioHiredisAdapter::add_read(void* self) {
  static_cast<AsioHiredisAdapter*>(self)->watch(kRead);
}

void AsioHiredisAdapter::del_read(void* self) {
  static_cast<AsioHiredisAdapter*>(self)->wanted_[kRead] = false;
}

void AsioHiredisAdapter::add_write(void* self) {
  static_cast<AsioHiredisAdapter*>(self)->watch(kWrite);
}

void AsioHiredisAdapter::del_write(void* self) {
  static_cast<AsioHiredisAdapter*>(self)->wanted_[kWrite] = false;
}

void AsioHiredisAdapter::cleanup(void* self) { static_cast<AsioHiredisAdapter*>(self)->detach(); }

void AsioHiredisAdapter::watch(Direction direction) {
  wanted_[direction] = true;
  if (waiting_[direction] || context_ == nullptr) return;
  waiting_[direction] = true;
  const auto what = direction == kRead ? asio::posix::descriptor_base::wait_read
                                       : asio::posix::descriptor_base::wait_write;
  socket_.async_wait(what, [self = shared_from_this(), direction](auto error) {
    self->on_socket_ready(direction, error);
  });
}

void AsioHiredisAdapter::on_socket_ready(Direction direction,
                                         const boost::system::error_code& error) {
  waiting_[direction] = false;
  // Any other error is left for hiredis to meet on the socket, where it ends the connection.
  if (error == asio::error::operation_aborted || context_ == nullptr || !wanted_[direction]) return;
  if (direction == kRead) {
    redisAsyncHandleRead(context_);
  } else {
    redisAsyncHandleWrite(context_);
  }
  // The context may be gone now. hiredis asks again for what it still wants, except while its
  // connect is in progress; renewing here covers that case too.
  if (context_ != nullptr && wanted_[direction]) watch(direction);
}

void AsioHiredisAdapter::detach() {
  // hiredis 0.14 calls the cleanup hook twice when it drops a connection after an error.
  if (context_ == nullptr) return;
  context_ = nullptr;
  wanted_[kRead] = wanted_[kWrite] = false;
  // Ends the pending waits; hiredis closes the descriptor right after this hook.
  socket_.release();
  auto on_detached = std::move(on_detached_);
  on_detached();
}

}  // namespace agentd::redis
