#include "application/tools/tool_registry.h"

#include <mutex>

namespace agentd {

Status ToolRegistry::add(std::shared_ptr<Tool> tool) {
  const auto& spec = tool->spec();
  auto schema = compiler_.compile(spec.parameters);
  if (!schema) {
    return Error::invalid("tool " + spec.name + " has an invalid schema: " + schema.error().message,
                          "parameters", "invalid_tool_schema");
  }
  std::unique_lock lock(mutex_);
  auto [it, inserted] = tools_.try_emplace(spec.name, Entry{std::move(tool), std::move(*schema)});
  if (!inserted) {
    return {Error{ErrorCode::conflict, "a tool named " + it->first + " is already registered",
                  "name", "tool_exists"}};
  }
  return ok_status();
}

std::optional<ToolRegistry::Entry> ToolRegistry::find(std::string_view name) const {
  std::shared_lock lock(mutex_);
  auto it = tools_.find(name);
  if (it == tools_.end()) return std::nullopt;
  return it->second;
}

std::vector<ToolRegistry::Entry> ToolRegistry::list() const {
  std::shared_lock lock(mutex_);
  std::vector<Entry> entries;
  entries.reserve(tools_.size());
  for (const auto& [name, entry] : tools_) entries.push_back(entry);
  return entries;
}

std::vector<ToolRegistry::Entry> ToolRegistry::list_for(const Principal& caller) const {
  std::shared_lock lock(mutex_);
  std::vector<Entry> entries;
  for (const auto& [name, entry] : tools_) {
    if (caller.may_use_tool(name)) entries.push_back(entry);
  }
  return entries;
}

Result<Page<ToolRegistry::Entry>> ToolRegistry::page_for(
    const Principal& caller, int limit, const std::optional<std::string>& after) const {
  return page_after(list_for(caller), limit, after,
                    [](const Entry& entry) { return entry.tool->spec().name; });
}

}  // namespace agentd
