#include "infrastructure/http/dto/tool_dto.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace agentd::http {
namespace {

namespace json = boost::json;

ToolSpec echo_spec() {
  ToolSpec spec;
  spec.name = "everything__echo";
  spec.description = "Echoes back the input string";
  spec.parameters = {{"type", "object"}};
  return spec;
}

TEST(ToolDto, ShowsTheAnnotationsOfATool) {
  auto spec = echo_spec();
  spec.annotations = json::object{{"readOnlyHint", true}, {"title", "Echo Tool"}};
  const auto body = to_json(spec);
  ASSERT_TRUE(body.contains("annotations"));
  EXPECT_EQ(body.at("annotations"), json::parse(R"({"readOnlyHint":true,"title":"Echo Tool"})"));
}

TEST(ToolDto, LeavesAnnotationsOutWhenAToolHasNone) {
  const auto body = to_json(echo_spec());
  EXPECT_FALSE(body.contains("annotations"));
  EXPECT_EQ(body.at("function").at("name"), "everything__echo");
}

}  // namespace
}  // namespace agentd::http
