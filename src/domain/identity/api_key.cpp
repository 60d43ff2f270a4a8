#include "domain/identity/api_key.h"

#include <algorithm>

namespace agentd {

bool allows(const NameAllowList& list, std::string_view name) {
  if (!list) return true;
  return std::any_of(list->begin(), list->end(),
                     [name](const std::string& entry) { return entry == "*" || entry == name; });
}

}  // namespace agentd
