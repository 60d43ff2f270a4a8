// Checks JSON values against JSON Schemas (tool arguments).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <memory>

#include "domain/common/result.h"

namespace agentd {

// A schema compiled once, checked many times.
class CompiledSchema {
 public:
  virtual ~CompiledSchema() = default;
  // invalid_request / "invalid_arguments" naming the failing field (in `param`) on a mismatch.
  virtual Status validate(const boost::json::value& instance) const = 0;
};

class SchemaCompiler {
 public:
  virtual ~SchemaCompiler() = default;
  // Fails when the schema itself is not a valid JSON Schema.
  virtual Result<std::unique_ptr<CompiledSchema>> compile(
      const boost::json::object& schema) const = 0;
};

}  // namespace agentd
