// The errors every webhook repository answers alike.
#pragma once

#include <string>

#include "domain/common/error.h"

namespace agentd::persistence {

inline Error webhook_not_found() {
  return Error::not_found("webhook not found", "webhook_not_found");
}

inline Error too_many_webhooks(int max_per_user) {
  return Error{
      ErrorCode::conflict,
      "a user may have at most " + std::to_string(max_per_user) + " webhooks; delete one first",
      {},
      "too_many_webhooks"};
}

}  // namespace agentd::persistence
