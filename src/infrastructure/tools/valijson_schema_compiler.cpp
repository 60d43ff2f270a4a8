#include "infrastructure/tools/valijson_schema_compiler.h"

#define VALIJSON_USE_EXCEPTIONS 1
#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

namespace agentd {
namespace {

// valijson names nodes "<root>", "[name]" or "[0]"; clients expect "name" or "items[0]".
std::string field_path(const std::vector<std::string>& context) {
  std::string path;
  for (const auto& node : context) {
    if (node == "<root>") continue;
    std::string_view name = node;
    if (name.size() >= 2 && name.front() == '[' && name.back() == ']') {
      name = name.substr(1, name.size() - 2);
    }
    const bool is_index =
        !name.empty() && name.find_first_not_of("0123456789") == std::string_view::npos;
    if (is_index) {
      path += "[" + std::string(name) + "]";
    } else {
      if (!path.empty()) path += '.';
      path += name;
    }
  }
  return path;
}

// "Missing required property 'x'." and "… could not be validated …: 'x'." name the field
// only in their text: the last quoted name.
std::string property_in(const std::string& description) {
  auto end = description.rfind('\'');
  if (end == std::string::npos || end == 0) return {};
  auto start = description.rfind('\'', end - 1);
  if (start == std::string::npos) return {};
  auto name = description.substr(start + 1, end - start - 1);
  const bool names_property = description.find("property") != std::string::npos;
  return names_property ? name : std::string{};
}

class ValijsonSchema : public CompiledSchema {
 public:
  ValijsonSchema() = default;
  valijson::Schema& schema() { return schema_; }

  Status validate(const boost::json::value& instance) const override {
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::BoostJsonAdapter target(instance);
    if (validator.validate(schema_, target, &results)) return ok_status();

    // Report the most specific failure: the one deepest in the document, preferring one
    // that names a property.
    valijson::ValidationResults::Error deepest;
    valijson::ValidationResults::Error error;
    bool first = true;
    while (results.popError(error)) {
      const bool deeper = error.context.size() > deepest.context.size();
      const bool as_deep_but_named = error.context.size() == deepest.context.size() &&
                                     property_in(deepest.description).empty() &&
                                     !property_in(error.description).empty();
      if (first || deeper || as_deep_but_named) deepest = error;
      first = false;
    }
    auto field = field_path(deepest.context);
    if (auto property = property_in(deepest.description); !property.empty()) {
      field = field.empty() ? property : field + "." + property;
    }
    std::string message = "arguments do not match the tool's schema";
    if (!field.empty()) message += " at '" + field + "'";
    if (!deepest.description.empty()) message += ": " + deepest.description;
    return Error::invalid(std::move(message), field.empty() ? "arguments" : field,
                          "invalid_arguments");
  }

 private:
  valijson::Schema schema_;
};

}  // namespace

Result<std::unique_ptr<CompiledSchema>> ValijsonSchemaCompiler::compile(
    const boost::json::object& schema) const {
  auto compiled = std::make_unique<ValijsonSchema>();
  boost::json::value document = schema;
  try {
    valijson::SchemaParser parser;
    valijson::adapters::BoostJsonAdapter adapter(document);
    parser.populateSchema(adapter, compiled->schema());
  } catch (const std::exception& e) {
    return Error::invalid(std::string("not a valid JSON Schema: ") + e.what(), "parameters",
                          "invalid_schema");
  }
  return std::unique_ptr<CompiledSchema>(std::move(compiled));
}

}  // namespace agentd
