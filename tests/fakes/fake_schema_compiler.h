// A SchemaCompiler for use-case tests: the small part of JSON Schema their tools use (type,
// properties, required, additionalProperties: false, enum), so the application's tests need
// no schema library. The real one is tested against the specification in its adapter's tests.
#pragma once

#include <boost/json.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "application/ports/schema_validator.h"

namespace agentd {

class FakeSchemaCompiler : public SchemaCompiler {
 public:
  Result<std::unique_ptr<CompiledSchema>> compile(
      const boost::json::object& schema) const override {
    if (!well_formed(schema)) {
      return Error::invalid("not a valid JSON Schema", "parameters", "invalid_schema");
    }
    return std::unique_ptr<CompiledSchema>(std::make_unique<Compiled>(schema));
  }

 private:
  static bool known_type(std::string_view type) {
    for (std::string_view known :
         {"object", "string", "integer", "number", "boolean", "array", "null"}) {
      if (type == known) return true;
    }
    return false;
  }

  static bool well_formed(const boost::json::object& schema) {
    if (const auto* type = schema.if_contains("type")) {
      if (!type->is_string() || !known_type(type->as_string())) return false;
    }
    if (const auto* properties = schema.if_contains("properties")) {
      if (!properties->is_object()) return false;
      for (const auto& property : properties->as_object()) {
        if (!property.value().is_object() || !well_formed(property.value().as_object()))
          return false;
      }
    }
    return true;
  }

  static bool has_type(const boost::json::value& value, std::string_view type) {
    if (type == "object") return value.is_object();
    if (type == "string") return value.is_string();
    if (type == "integer") return value.is_int64() || value.is_uint64();
    if (type == "number") return value.is_number();
    if (type == "boolean") return value.is_bool();
    if (type == "array") return value.is_array();
    return value.is_null();
  }

  class Compiled : public CompiledSchema {
   public:
    explicit Compiled(boost::json::object schema) : schema_(std::move(schema)) {}

    Status validate(const boost::json::value& instance) const override {
      return check(schema_, instance, "");
    }

   private:
    static Status fail(const std::string& field) {
      return Error::invalid("arguments do not match the tool's schema",
                            field.empty() ? "arguments" : field, "invalid_arguments");
    }

    static Status check(const boost::json::object& schema, const boost::json::value& value,
                        const std::string& field) {
      if (const auto* type = schema.if_contains("type")) {
        if (!has_type(value, type->as_string())) return fail(field);
      }
      if (const auto* choices = schema.if_contains("enum")) {
        bool listed = false;
        for (const auto& choice : choices->as_array()) listed = listed || choice == value;
        if (!listed) return fail(field);
      }
      if (!value.is_object()) return ok_status();
      const auto& object = value.as_object();
      const auto* properties = schema.if_contains("properties");
      if (const auto* required = schema.if_contains("required")) {
        for (const auto& name : required->as_array()) {
          if (!object.contains(name.as_string())) return fail(std::string(name.as_string()));
        }
      }
      for (const auto& member : object) {
        const std::string name(member.key());
        const auto* property = properties ? properties->as_object().if_contains(name) : nullptr;
        if (property) {
          if (auto checked = check(property->as_object(), member.value(), name); !checked) {
            return checked;
          }
        } else if (const auto* extra = schema.if_contains("additionalProperties");
                   extra && extra->is_bool() && !extra->as_bool()) {
          return fail(name);
        }
      }
      return ok_status();
    }

    boost::json::object schema_;
  };
};

}  // namespace agentd
