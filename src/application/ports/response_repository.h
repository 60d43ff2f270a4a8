// The stored responses of the Responses API, each its owner's alone.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "domain/common/result.h"
#include "domain/responses/response.h"

namespace agentd {

class ResponseRepository {
 public:
  virtual ~ResponseRepository() = default;

  virtual boost::asio::awaitable<Status> create(StoredResponse response) = 0;
  // 404 response_not_found unless `user_id` owns it.
  virtual boost::asio::awaitable<Result<StoredResponse>> find(std::string user_id,
                                                              std::string id) = 0;
  // The response whose part of the run is still going on, if any.
  virtual boost::asio::awaitable<Result<std::optional<StoredResponse>>> find_open_by_run(
      std::string run_id) = 0;
  // The id of the conversation's newest response, if it has one.
  virtual boost::asio::awaitable<Result<std::optional<std::string>>> latest_in_conversation(
      std::string conversation_id) = 0;
  // Records how an open response ended; one that has already ended is left as it is.
  virtual boost::asio::awaitable<Status> finish(std::string id, ResponseEnd end) = 0;
  // 404 response_not_found unless `user_id` owns it.
  virtual boost::asio::awaitable<Status> remove(std::string user_id, std::string id) = 0;
};

}  // namespace agentd
