// The tool registry: one tool per name, listed sorted, and each caller sees only what their
// credential allows.
#include "application/tools/tool_registry.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "fakes/fake_schema_compiler.h"
#include "fakes/fake_tool.h"

namespace agentd {
namespace {

std::vector<std::string> names_of(const std::vector<ToolRegistry::Entry>& entries) {
  std::vector<std::string> names;
  names.reserve(entries.size());
  for (const auto& entry : entries) names.push_back(entry.tool->spec().name);
  return names;
}

Principal caller_allowed(NameAllowList tools) {
  Principal caller;
  caller.user_id = "user-1";
  caller.api_key_id = "key-1";
  caller.allowed_tools = std::move(tools);
  return caller;
}

class ToolRegistryTest : public ::testing::Test {
 protected:
  // Registers a tool named `name` for each name, in that order.
  void given_tools(std::initializer_list<const char*> names) {
    for (const char* name : names) {
      auto added = registry_.add(std::make_shared<FakeTool>(name));
      ASSERT_TRUE(added) << added.error().message;
    }
  }

  FakeSchemaCompiler compiler_;
  ToolRegistry registry_{compiler_};
};

TEST_F(ToolRegistryTest, ListsToolsSortedByNameWhateverTheInsertionOrder) {
  given_tools({"zeta", "alpha", "mu", "beta"});

  EXPECT_EQ(names_of(registry_.list()), (std::vector<std::string>{"alpha", "beta", "mu", "zeta"}));
}

TEST_F(ToolRegistryTest, FindsAToolByItsExactName) {
  given_tools({"calculator"});

  auto found = registry_.find("calculator");

  ASSERT_TRUE(found);
  EXPECT_EQ(found->tool->spec().name, "calculator");
  ASSERT_NE(found->schema, nullptr);
  EXPECT_TRUE(found->schema->validate(boost::json::object{}));
  EXPECT_FALSE(registry_.find("Calculator"));
  EXPECT_FALSE(registry_.find("calc"));
}

TEST_F(ToolRegistryTest, RefusesASecondToolWithTheSameName) {
  auto first = std::make_shared<FakeTool>("calculator");
  ASSERT_TRUE(registry_.add(first));

  auto second = registry_.add(std::make_shared<FakeTool>("calculator"));

  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().kind, ErrorCode::conflict);
  EXPECT_EQ(second.error().code, "tool_exists");
  EXPECT_EQ(registry_.list().size(), 1u);
  EXPECT_EQ(registry_.find("calculator")->tool, first);
}

TEST_F(ToolRegistryTest, RefusesAToolWhoseSchemaIsNotJsonSchema) {
  auto tool = std::make_shared<FakeTool>("broken");
  tool->with_parameters(R"({"type":"banana"})");

  auto added = registry_.add(tool);

  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().kind, ErrorCode::invalid_request);
  EXPECT_EQ(added.error().code, "invalid_tool_schema");
  EXPECT_FALSE(registry_.find("broken"));
}

TEST_F(ToolRegistryTest, ACallerWithoutAToolListSeesEveryTool) {
  given_tools({"gamma", "alpha", "beta"});

  EXPECT_EQ(names_of(registry_.list_for(caller_allowed(std::nullopt))),
            (std::vector<std::string>{"alpha", "beta", "gamma"}));
}

TEST_F(ToolRegistryTest, ACallerWithAnEmptyToolListSeesNone) {
  given_tools({"gamma", "alpha", "beta"});

  EXPECT_TRUE(registry_.list_for(caller_allowed(std::vector<std::string>{})).empty());
}

TEST_F(ToolRegistryTest, AWildcardAllowsEveryTool) {
  given_tools({"gamma", "alpha", "beta"});

  EXPECT_EQ(names_of(registry_.list_for(caller_allowed(std::vector<std::string>{"*"}))),
            (std::vector<std::string>{"alpha", "beta", "gamma"}));
}

TEST_F(ToolRegistryTest, AnExplicitListShowsOnlyThoseToolsSorted) {
  given_tools({"gamma", "alpha", "beta", "delta"});

  auto allowed = std::vector<std::string>{"gamma", "alpha", "not_registered"};
  EXPECT_EQ(names_of(registry_.list_for(caller_allowed(std::move(allowed)))),
            (std::vector<std::string>{"alpha", "gamma"}));
}

TEST_F(ToolRegistryTest, PagesTheCallersToolsByNameAfterTheCursor) {
  given_tools({"delta", "alpha", "gamma", "beta", "epsilon"});
  const Principal caller =
      caller_allowed(std::vector<std::string>{"alpha", "beta", "delta", "epsilon"});

  auto first = registry_.page_for(caller, 2, std::nullopt);
  ASSERT_TRUE(first);
  EXPECT_EQ(names_of(first->items), (std::vector<std::string>{"alpha", "beta"}));
  EXPECT_TRUE(first->has_more);

  auto last = registry_.page_for(caller, 2, "beta");
  ASSERT_TRUE(last);
  EXPECT_EQ(names_of(last->items), (std::vector<std::string>{"delta", "epsilon"}));
  EXPECT_FALSE(last->has_more);
}

TEST_F(ToolRegistryTest, CursorOutsideTheCallersToolsIsInvalid) {
  given_tools({"alpha", "beta", "gamma"});
  const Principal caller = caller_allowed(std::vector<std::string>{"alpha", "beta"});

  // gamma exists, but not for this caller: the cursor must not tell them so.
  for (const char* cursor : {"gamma", "no_such_tool"}) {
    auto page = registry_.page_for(caller, 10, cursor);
    ASSERT_FALSE(page) << cursor;
    EXPECT_EQ(page.error().code, "invalid_cursor") << cursor;
    EXPECT_EQ(page.error().param, "after") << cursor;
  }
}

}  // namespace
}  // namespace agentd
