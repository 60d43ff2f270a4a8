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

Principal person() {
  Principal caller;
  caller.user_id = "user-1";
  return caller;
}

TEST(ToolDto, ShowsTheAnnotationsOfATool) {
  auto spec = echo_spec();
  spec.annotations = json::object{{"readOnlyHint", true}, {"title", "Echo Tool"}};
  const auto body = to_json(spec, person());
  ASSERT_TRUE(body.contains("annotations"));
  EXPECT_EQ(body.at("annotations"), json::parse(R"({"readOnlyHint":true,"title":"Echo Tool"})"));
}

TEST(ToolDto, LeavesAnnotationsOutWhenAToolHasNone) {
  const auto body = to_json(echo_spec(), person());
  EXPECT_FALSE(body.contains("annotations"));
  EXPECT_EQ(body.at("function").at("name"), "everything__echo");
}

TEST(ToolDto, RequiresApprovalIsTheGatesAnswerForTheCaller) {
  auto caller = person();
  caller.api_key_id = "key-1";
  caller.approval_required_tools = {"everything__echo"};

  EXPECT_EQ(to_json(echo_spec(), caller).at("requires_approval"), true);
  EXPECT_EQ(to_json(echo_spec(), person()).at("requires_approval"), false);
  auto configured = echo_spec();
  configured.requires_approval = true;
  EXPECT_EQ(to_json(configured, person()).at("requires_approval"), true);
}

}  // namespace
}  // namespace agentd::http
