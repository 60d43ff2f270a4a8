#include "domain/identity/principal.h"

namespace agentd {

Principal Principal::for_session(const User& user, std::string session_id) {
  Principal principal;
  principal.user_id = user.id;
  principal.role = user.role;
  principal.session_id = std::move(session_id);
  principal.can_approve = true;
  principal.user_limits = user.limits;
  return principal;
}

Principal Principal::for_api_key(const User& user, const ApiKey& key) {
  Principal principal;
  principal.user_id = user.id;
  principal.role = user.role;
  principal.api_key_id = key.id;
  principal.allowed_tools = key.allowed_tools;
  principal.allowed_models = key.allowed_models;
  principal.approval_required_tools = key.approval_required_tools;
  principal.can_approve = key.can_approve;
  principal.rate_limit_per_minute = key.rate_limit_per_minute;
  principal.limits = key.limits;
  principal.user_limits = user.limits;
  return principal;
}

std::string Principal::rate_limit_key() const {
  return api_key_id ? "key:" + *api_key_id : "user:" + user_id;
}

}  // namespace agentd
