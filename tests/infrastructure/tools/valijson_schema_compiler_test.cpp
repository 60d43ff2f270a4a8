// JSON Schema checks of tool arguments: a mismatch is invalid_arguments naming the field a
// client must fix, and a schema that is not JSON Schema is refused up front.
#include "infrastructure/tools/valijson_schema_compiler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace agentd {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kOrderSchema = R"({
  "type": "object",
  "properties": {
    "customer": {"type": "string"},
    "count": {"type": "integer", "minimum": 1},
    "items": {
      "type": "array",
      "items": {
        "type": "object",
        "properties": {"x": {"type": "number"}, "label": {"type": "string"}},
        "required": ["x"]
      }
    }
  },
  "required": ["customer"],
  "additionalProperties": false
})";

class ValijsonSchemaCompilerTest : public ::testing::Test {
 protected:
  std::unique_ptr<CompiledSchema> compile(std::string_view schema_json) {
    auto compiled = compiler_.compile(boost::json::parse(schema_json).as_object());
    if (!compiled) ADD_FAILURE() << compiled.error().message;
    return compiled ? std::move(compiled).value() : nullptr;
  }

  // The error for `instance`, which must fail the order schema.
  Error mismatch(std::string_view instance) {
    auto schema = compile(kOrderSchema);
    auto checked = schema->validate(boost::json::parse(instance));
    EXPECT_FALSE(checked) << instance << " passed";
    if (checked) return {};
    EXPECT_EQ(checked.error().kind, ErrorCode::invalid_request);
    EXPECT_EQ(checked.error().code, "invalid_arguments");
    return checked.error();
  }

  ValijsonSchemaCompiler compiler_;
};

TEST_F(ValijsonSchemaCompilerTest, AcceptsAnInstanceThatMatches) {
  auto schema = compile(kOrderSchema);

  auto checked = schema->validate(
      boost::json::parse(R"({"customer":"ada","count":2,"items":[{"x":1.5,"label":"a"}]})"));

  EXPECT_TRUE(checked) << checked.error().message;
}

TEST_F(ValijsonSchemaCompilerTest, TypeMismatchNamesTheField) {
  auto error = mismatch(R"({"customer":"ada","count":"three"})");

  EXPECT_EQ(error.param, "count");
  EXPECT_THAT(error.message, HasSubstr("'count'"));
}

TEST_F(ValijsonSchemaCompilerTest, ConstraintViolationNamesTheField) {
  auto error = mismatch(R"({"customer":"ada","count":0})");

  EXPECT_EQ(error.param, "count");
}

TEST_F(ValijsonSchemaCompilerTest, MissingRequiredPropertyIsNamed) {
  auto error = mismatch(R"({"count":2})");

  EXPECT_EQ(error.param, "customer");
  EXPECT_THAT(error.message, HasSubstr("customer"));
}

TEST_F(ValijsonSchemaCompilerTest, UnexpectedPropertyIsNamed) {
  auto error = mismatch(R"({"customer":"ada","colour":"red"})");

  EXPECT_EQ(error.param, "colour");
}

TEST_F(ValijsonSchemaCompilerTest, NestedMismatchGivesThePathToIt) {
  auto error = mismatch(R"({"customer":"ada","items":[{"x":"wide"}]})");

  EXPECT_EQ(error.param, "items[0].x");
  EXPECT_THAT(error.message, HasSubstr("items[0].x"));
}

TEST_F(ValijsonSchemaCompilerTest, NestedMissingPropertyGivesThePathToIt) {
  auto error = mismatch(R"({"customer":"ada","items":[{"x":1},{"label":"no x"}]})");

  EXPECT_EQ(error.param, "items[1].x");
}

TEST_F(ValijsonSchemaCompilerTest, NonObjectArgumentsNameTheArgumentsThemselves) {
  auto error = mismatch(R"([1,2])");

  EXPECT_EQ(error.param, "arguments");
}

TEST_F(ValijsonSchemaCompilerTest, SchemaIsCompiledOnceAndCheckedManyTimes) {
  auto schema = compile(kOrderSchema);

  EXPECT_FALSE(schema->validate(boost::json::parse(R"({})")));
  EXPECT_TRUE(schema->validate(boost::json::parse(R"({"customer":"ada"})")));
  EXPECT_FALSE(schema->validate(boost::json::parse(R"({"customer":1})")));
}

TEST_F(ValijsonSchemaCompilerTest, RefusesASchemaThatIsNotJsonSchema) {
  for (const char* bad :
       {R"({"type":"banana"})", R"({"type":12})", R"({"properties":{"x":{"minimum":"one"}}})",
        R"({"required":"customer"})"}) {
    auto compiled = compiler_.compile(boost::json::parse(bad).as_object());

    ASSERT_FALSE(compiled) << bad << " compiled";
    EXPECT_EQ(compiled.error().kind, ErrorCode::invalid_request) << bad;
    EXPECT_EQ(compiled.error().code, "invalid_schema") << bad;
    EXPECT_EQ(compiled.error().param, "parameters") << bad;
  }
}

}  // namespace
}  // namespace agentd
