// The tools this server offers, by name, each with its compiled argument schema.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "application/ports/page.h"
#include "application/ports/schema_validator.h"
#include "application/ports/tool.h"
#include "domain/identity/principal.h"

namespace agentd {

class ToolRegistry {
 public:
  struct Entry {
    std::shared_ptr<Tool> tool;
    std::shared_ptr<const CompiledSchema> schema;
  };

  explicit ToolRegistry(const SchemaCompiler& compiler) : compiler_(compiler) {}

  // Fails when the name is taken or the tool's schema is not a valid JSON Schema.
  Status add(std::shared_ptr<Tool> tool);
  std::optional<Entry> find(std::string_view name) const;
  // Sorted by name.
  std::vector<Entry> list() const;
  // Sorted by name, only what `caller` may use.
  std::vector<Entry> list_for(const Principal& caller) const;
  // A page of list_for; `after` is a tool name of that list. `limit` must be at least 1.
  Result<Page<Entry>> page_for(const Principal& caller, int limit,
                               const std::optional<std::string>& after) const;

 private:
  const SchemaCompiler& compiler_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, Entry, std::less<>> tools_;  // ordered: listing is sorted for free
};

}  // namespace agentd
