#include "infrastructure/tools/mcp/mcp_call_result.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace agentd {
namespace {

namespace json = boost::json;

Result<json::value> map(std::string_view result) { return map_call_result(json::parse(result)); }

TEST(McpCallResult, StructuredContentWinsOverText) {
  auto result = map(R"({"content":[{"type":"text","text":"{\"t\":1}"}],
                        "structuredContent":{"temperature":21}})");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, json::parse(R"({"temperature":21})"));
}

TEST(McpCallResult, TextBlocksAreJoinedWithNewlines) {
  auto result = map(R"({"content":[{"type":"text","text":"one"},{"type":"text","text":"two"}]})");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, json::value("one\ntwo"));
}

TEST(McpCallResult, TextThatIsJsonIsParsed) {
  auto result = map(R"({"content":[{"type":"text","text":"{\"sum\":5,\"items\":[1,2]}"}]})");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, json::parse(R"({"sum":5,"items":[1,2]})"));
}

TEST(McpCallResult, NonTextBlocksAreSummarisedNotCopied) {
  auto result = map(R"({"content":[
      {"type":"text","text":"Here it is:"},
      {"type":"image","data":"iVBORw0KGgo=","mimeType":"image/png"},
      {"type":"resource_link","uri":"test://static/resource/1","name":"r1"},
      {"type":"resource","resource":{"uri":"test://doc","text":"embedded text"}},
      {"type":"resource","resource":{"uri":"test://blob","blob":"AAAA"}}]})");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, json::value("Here it is:\n[image image/png]\n"
                                 "[resource link test://static/resource/1]\nembedded text\n"
                                 "[resource test://blob]"));
}

TEST(McpCallResult, IsErrorBecomesAToolErrorWithTheText) {
  auto result = map(R"({"content":[{"type":"text","text":"Invalid arguments: b is missing"}],
                        "isError":true})");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorCode::unprocessable);
  EXPECT_EQ(result.error().code, "tool_error");
  EXPECT_EQ(result.error().message, "Invalid arguments: b is missing");
}

TEST(McpCallResult, ResultThatIsNotAnObjectIsAToolError) {
  auto result = map("[1,2]");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "tool_error");
}

}  // namespace
}  // namespace agentd
