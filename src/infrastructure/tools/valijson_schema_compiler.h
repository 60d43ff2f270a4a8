// JSON Schema validation of tool arguments with valijson over Boost.JSON values.
#pragma once

#include "application/ports/schema_validator.h"

namespace agentd {

class ValijsonSchemaCompiler : public SchemaCompiler {
 public:
  Result<std::unique_ptr<CompiledSchema>> compile(const boost::json::object& schema) const override;
};

}  // namespace agentd
