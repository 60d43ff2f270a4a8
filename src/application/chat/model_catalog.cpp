#include "application/chat/model_catalog.h"

namespace agentd {

Status ModelCatalog::add(ModelRoute route) {
  auto name = route.name;
  auto [it, inserted] = routes_.try_emplace(name, std::move(route));
  if (!inserted) {
    return Error{ErrorCode::conflict, "model " + name + " is configured twice", "name",
                 "duplicate_model"};
  }
  if (default_model_.empty()) default_model_ = name;
  return ok_status();
}

const ModelRoute* ModelCatalog::find(std::string_view name) const {
  auto it = routes_.find(name);
  return it == routes_.end() ? nullptr : &it->second;
}

std::vector<const ModelRoute*> ModelCatalog::list_for(const Principal& caller) const {
  std::vector<const ModelRoute*> routes;
  for (const auto& [name, route] : routes_) {
    if (caller.may_use_model(name)) routes.push_back(&route);
  }
  return routes;
}

}  // namespace agentd
