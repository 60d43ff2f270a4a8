// The calculator: muParser with exact integers, reported errors instead of NaN or infinity,
// and every function its description promises.
#include "infrastructure/tools/builtin/calculator_tool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <string>

#include "fakes/run_sync.h"

namespace agentd {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

double value_of(std::string_view expression) {
  auto value = evaluate_expression(expression);
  EXPECT_TRUE(value) << expression << ": " << (value ? "" : value.error().message);
  return value ? *value : std::nan("");
}

// The error a bad expression gives; every one is a tool_error the caller can read.
Error error_of(std::string_view expression) {
  auto value = evaluate_expression(expression);
  EXPECT_FALSE(value) << expression << " gave " << (value ? *value : 0.0);
  if (value) return {};
  EXPECT_EQ(value.error().kind, ErrorCode::unprocessable) << expression;
  EXPECT_EQ(value.error().code, "tool_error") << expression;
  return value.error();
}

void expect_error_saying(std::string_view expression, std::string_view says) {
  EXPECT_THAT(error_of(expression).message, HasSubstr(says)) << expression;
}

Result<boost::json::value> run_tool(std::string expression) {
  CalculatorTool tool(CalculatorTool::default_spec());
  boost::json::object arguments{{"expression", std::move(expression)}};
  return run_sync(tool.execute(std::move(arguments), ToolContext{"user-1", std::nullopt}));
}

TEST(CalculatorExpression, AppliesTheFourOperations) {
  EXPECT_EQ(value_of("2+3"), 5);
  EXPECT_EQ(value_of("2-3"), -1);
  EXPECT_EQ(value_of("6*7"), 42);
  EXPECT_EQ(value_of("7/2"), 3.5);
}

TEST(CalculatorExpression, ModuloKeepsTheSignOfTheDividend) {
  EXPECT_EQ(value_of("7%3"), 1);
  EXPECT_EQ(value_of("-7%3"), -1);
  EXPECT_EQ(value_of("7.5%2"), 1.5);
}

TEST(CalculatorExpression, PowerIsRightAssociative) {
  EXPECT_EQ(value_of("2^3^2"), 512);  // 2^(3^2), not (2^3)^2 = 64
  EXPECT_EQ(value_of("(2^3)^2"), 64);
}

TEST(CalculatorExpression, MultiplicationBindsTighterThanAdditionAndPowerTighterStill) {
  EXPECT_EQ(value_of("2+3*4"), 14);
  EXPECT_EQ(value_of("(2+3)*4"), 20);
  EXPECT_EQ(value_of("2*3^2"), 18);
  EXPECT_EQ(value_of("10-4-3"), 3);  // left-associative
  EXPECT_EQ(value_of("100/10/5"), 2);
  EXPECT_EQ(value_of("2*(3+4)"), 14);
  EXPECT_EQ(value_of("-3+5"), 2);
  EXPECT_EQ(value_of("-2^2"), -4);  // -(2^2), as in mathematics
}

TEST(CalculatorExpression, KnowsPiAndE) {
  EXPECT_DOUBLE_EQ(value_of("pi"), M_PI);
  EXPECT_DOUBLE_EQ(value_of("e"), M_E);
  EXPECT_DOUBLE_EQ(value_of("2*pi"), 2 * M_PI);
}

TEST(CalculatorExpression, EveryAdvertisedOneArgumentFunctionWorks) {
  struct Case {
    const char* expression;
    double expected;
  };
  const Case cases[] = {
      {"sqrt(16)", 4},   {"abs(-3)", 3},        {"sign(-2)", -1},   {"sign(5)", 1},
      {"exp(0)", 1},     {"exp(1)", M_E},       {"ln(e)", 1},       {"log(1000)", 3},
      {"log2(8)", 3},    {"log10(100)", 2},     {"sin(pi/2)", 1},   {"cos(0)", 1},
      {"tan(pi/4)", 1},  {"asin(1)", M_PI / 2}, {"acos(1)", 0},     {"atan(1)", M_PI / 4},
      {"sinh(0)", 0},    {"cosh(0)", 1},        {"tanh(0)", 0},     {"asinh(0)", 0},
      {"acosh(1)", 0},   {"atanh(0)", 0},       {"round(2.5)", 3},  {"round(-2.5)", -3},
      {"round(2.4)", 2}, {"rint(2.6)", 3},      {"rint(2.4)", 2},   {"floor(-1.5)", -2},
      {"floor(1.9)", 1}, {"ceil(1.2)", 2},      {"ceil(-1.2)", -1},
  };
  for (const auto& c : cases) {
    EXPECT_NEAR(value_of(c.expression), c.expected, 1e-12) << c.expression;
  }
}

TEST(CalculatorExpression, LnIsNaturalAndLogIsBaseTen) {
  EXPECT_NEAR(value_of("ln(100)"), std::log(100.0), 1e-12);
  EXPECT_NEAR(value_of("log(100)"), 2, 1e-12);
}

TEST(CalculatorExpression, MinMaxSumAndAvgTakeAnyNumberOfArguments) {
  EXPECT_EQ(value_of("min(3,1,2)"), 1);
  EXPECT_EQ(value_of("max(3,1,2)"), 3);
  EXPECT_EQ(value_of("sum(1,2,3,4)"), 10);
  EXPECT_EQ(value_of("avg(1,2,3,4)"), 2.5);
  EXPECT_EQ(value_of("min(7)"), 7);
  EXPECT_EQ(value_of("max(1,2,3,4,5,6,7,8,9,10)"), 10);
  EXPECT_EQ(value_of("sum(1,2)*avg(2,4)"), 9);
}

TEST(CalculatorExpression, IgnoresSpaces) { EXPECT_EQ(value_of("  2 *  ( 3 + 4 ) "), 14); }

TEST(CalculatorExpression, DivisionByZeroIsAnError) {
  expect_error_saying("1/0", "division by zero");
  expect_error_saying("0/0", "division by zero");
  expect_error_saying("1/(2-2)", "division by zero");
}

TEST(CalculatorExpression, ModuloByZeroIsAnError) {
  expect_error_saying("5%0", "division by zero");
}

TEST(CalculatorExpression, NotANumberIsAnError) {
  expect_error_saying("sqrt(-1)", "not a number");
  expect_error_saying("ln(-1)", "not a number");
}

TEST(CalculatorExpression, OverflowToInfinityIsAnError) {
  expect_error_saying("10^400", "infinite");
  expect_error_saying("exp(1000)", "infinite");
  expect_error_saying("-(10^400)", "infinite");
}

TEST(CalculatorExpression, SyntaxErrorsSayWhere) {
  for (const char* bad :
       {"2*(3+4", "2+*3", "2 3", ")", "1+", "sqrt(", "2*(3+4))", "(1,2)", "sum()", "sin(1,2)"}) {
    EXPECT_THAT(error_of(bad).message, MatchesRegex(".*position [0-9]+.*")) << bad;
  }
}

TEST(CalculatorExpression, SyntaxErrorNamesTheOffendingPosition) {
  // "2+*3": the '*' at index 2 cannot follow '+'.
  expect_error_saying("2+*3", "position 2");
}

TEST(CalculatorExpression, ACommaOutsideFunctionArgumentsIsAnError) {
  // Not 5, the last of the "expressions" 1 and 000+5.
  expect_error_saying("1,000+5", "comma");
  expect_error_saying("min(1,2),3", "comma");
}

TEST(CalculatorExpression, EmptyExpressionIsAnError) {
  expect_error_saying("", "empty");
  expect_error_saying("   ", "empty");
}

TEST(CalculatorExpression, AcceptsUpToAThousandCharacters) {
  std::string sum = "1";
  while (sum.size() < 999) sum += "+1";  // 500 ones in 999 characters
  sum += "0";                            // the last term becomes 10
  ASSERT_EQ(sum.size(), CalculatorTool::kMaxExpressionLength);
  EXPECT_EQ(value_of(sum), 509);

  expect_error_saying(sum + "0", "longer than 1000");
}

TEST(CalculatorExpression, UnknownFunctionIsAnError) {
  expect_error_saying("foo(1)", "invalid expression");
}

TEST(CalculatorExpression, UnknownNameIsAnError) {
  expect_error_saying("x+1", "invalid expression");
}

TEST(CalculatorExpression, AFailureLeavesTheNextEvaluationUnharmed) {
  error_of("1/0");
  error_of("2*(");
  EXPECT_EQ(value_of("1+1"), 2);
}

TEST(CalculatorTool, AnswersWholeNumbersAsJsonIntegers) {
  auto result = run_tool("2*(3+4)");

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(*result, boost::json::parse(R"json({"expression":"2*(3+4)","result":14})json"));
  EXPECT_TRUE(result->at("result").is_int64());
}

TEST(CalculatorTool, AnswersNegativeWholeNumbersAsJsonIntegers) {
  auto result = run_tool("3-10");

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_TRUE(result->at("result").is_int64());
  EXPECT_EQ(result->at("result").as_int64(), -7);
}

TEST(CalculatorTool, AnswersFractionsAsJsonDoubles) {
  auto result = run_tool("1/4");

  ASSERT_TRUE(result) << result.error().message;
  ASSERT_TRUE(result->at("result").is_double());
  EXPECT_EQ(result->at("result").as_double(), 0.25);
  EXPECT_EQ(result->at("expression"), "1/4");
}

TEST(CalculatorTool, AnswersHugeWholeNumbersAsJsonDoubles) {
  // 2^60 is whole but beyond 2^53, where doubles stop being exact integers.
  auto result = run_tool("2^60");

  ASSERT_TRUE(result) << result.error().message;
  ASSERT_TRUE(result->at("result").is_double());
  EXPECT_EQ(result->at("result").as_double(), std::ldexp(1.0, 60));
}

TEST(CalculatorTool, ReportsAToolErrorForABadExpression) {
  auto result = run_tool("1/0");

  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorCode::unprocessable);
  EXPECT_EQ(result.error().code, "tool_error");
  EXPECT_THAT(result.error().message, HasSubstr("division by zero"));
}

TEST(CalculatorTool, DescribesEveryFunctionItAccepts) {
  const auto spec = CalculatorTool::default_spec();
  for (const char* name :
       {"sqrt",  "abs",  "sign",  "exp",  "ln",   "log",  "log2", "log10", "sin",   "cos",
        "tan",   "asin", "acos",  "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
        "round", "rint", "floor", "ceil", "min",  "max",  "sum",  "avg"}) {
    EXPECT_THAT(spec.description, HasSubstr(name));
    // atanh(1) is infinite; every other function is defined at 1.
    const auto call = std::string(name) + (std::string_view(name) == "atanh" ? "(0.5)" : "(1)");
    EXPECT_TRUE(evaluate_expression(call)) << call << " is advertised but does not evaluate";
  }
  EXPECT_EQ(spec.name, "calculator");
  EXPECT_EQ(spec.parameters.at("required"), boost::json::parse(R"(["expression"])"));
}

}  // namespace
}  // namespace agentd
