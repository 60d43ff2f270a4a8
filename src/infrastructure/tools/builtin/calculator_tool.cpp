#include "infrastructure/tools/builtin/calculator_tool.h"

#include <muParser.h>

#include <boost/json.hpp>
#include <cmath>
#include <limits>

namespace agentd {
namespace {

// Thrown by the operator callbacks; muParser passes it through Eval.
struct DivisionByZero {};

mu::value_type add(mu::value_type a, mu::value_type b) { return a + b; }
mu::value_type subtract(mu::value_type a, mu::value_type b) { return a - b; }
mu::value_type multiply(mu::value_type a, mu::value_type b) { return a * b; }
mu::value_type divide(mu::value_type a, mu::value_type b) {
  if (b == 0) throw DivisionByZero{};
  return a / b;
}
mu::value_type modulo(mu::value_type a, mu::value_type b) {
  if (b == 0) throw DivisionByZero{};
  return std::fmod(a, b);
}
mu::value_type power(mu::value_type a, mu::value_type b) { return std::pow(a, b); }
mu::value_type round_half_away(mu::value_type a) { return std::round(a); }
mu::value_type floor_of(mu::value_type a) { return std::floor(a); }
mu::value_type ceil_of(mu::value_type a) { return std::ceil(a); }
mu::value_type log_10(mu::value_type a) { return std::log10(a); }

// One parser per thread: building it defines every operator and function once.
mu::Parser& thread_parser() {
  thread_local mu::Parser parser = [] {
    mu::Parser p;
    // The built-in "/" cannot report division by zero; replace the arithmetic operators.
    p.EnableBuiltInOprt(false);
    p.DefineOprt("+", add, mu::prADD_SUB, mu::oaLEFT, true);
    p.DefineOprt("-", subtract, mu::prADD_SUB, mu::oaLEFT, true);
    p.DefineOprt("*", multiply, mu::prMUL_DIV, mu::oaLEFT, true);
    p.DefineOprt("/", divide, mu::prMUL_DIV, mu::oaLEFT, false);
    p.DefineOprt("%", modulo, mu::prMUL_DIV, mu::oaLEFT, false);
    p.DefineOprt("^", power, mu::prPOW, mu::oaRIGHT, true);
    p.DefineFun("round", round_half_away);
    p.DefineFun("floor", floor_of);
    p.DefineFun("ceil", ceil_of);
    p.DefineFun("log", log_10);  // muParser's own "log" is natural; "ln" is that
    p.DefineConst("pi", M_PI);
    p.DefineConst("e", M_E);
    return p;
  }();
  return parser;
}

}  // namespace

Result<double> evaluate_expression(std::string_view expression) {
  if (expression.empty()) return tool_error("expression is empty");
  if (expression.size() > CalculatorTool::kMaxExpressionLength) {
    return tool_error("expression is longer than 1000 characters");
  }
  auto& parser = thread_parser();
  double value = 0;
  try {
    parser.SetExpr(std::string(expression));
    value = parser.Eval();
    // muParser reads "1,000+5" as two expressions and answers the last, 5: refuse instead.
    if (parser.GetNumResults() > 1) {
      return tool_error(
          "invalid expression: a comma may only separate function arguments; write 1000, "
          "not 1,000");
    }
  } catch (const DivisionByZero&) {
    return tool_error("division by zero");
  } catch (const mu::Parser::exception_type& e) {
    std::string message = "invalid expression: " + e.GetMsg();
    // Most muParser messages say "position N"; the others ("(position: N)") get it added.
    if (e.GetPos() >= 0 && message.find("position ") == std::string::npos) {
      message += " at position " + std::to_string(e.GetPos());
    }
    return tool_error(message);
  }
  if (std::isnan(value)) return tool_error("the result is not a number (e.g. sqrt of a negative)");
  if (std::isinf(value)) return tool_error("the result is infinite (overflow)");
  return value;
}

ToolSpec CalculatorTool::default_spec() {
  ToolSpec spec;
  spec.name = "calculator";
  spec.description =
      "Evaluates an arithmetic expression. Operators: + - * / % ^ and parentheses. "
      "Functions: sqrt, abs, sign, exp, ln (natural log), log (base 10), log2, log10, "
      "sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, asinh, acosh, atanh, "
      "round, rint, floor, ceil, min, max, sum, avg (the last four take any number of "
      "arguments). Constants: pi, e. Angles are in radians.";
  spec.parameters = boost::json::parse(R"({
    "type": "object",
    "properties": {
      "expression": {"type": "string", "minLength": 1, "maxLength": 1000,
                     "description": "e.g. 2*(3+4) or sqrt(2)/2"}
    },
    "required": ["expression"],
    "additionalProperties": false
  })")
                        .as_object();
  spec.timeout = std::chrono::seconds(5);
  return spec;
}

boost::asio::awaitable<Result<boost::json::value>> CalculatorTool::execute(
    boost::json::object arguments, const ToolContext&) {
  const auto& expression = arguments.at("expression").as_string();
  auto value = evaluate_expression(expression);
  if (!value) co_return value.error();
  boost::json::value result;
  // Whole numbers print as integers (14, not 14.0) while they are exact in a double.
  if (std::trunc(*value) == *value && std::fabs(*value) <= 9007199254740992.0) {
    result = static_cast<std::int64_t>(*value);
  } else {
    result = *value;
  }
  co_return boost::json::value(
      boost::json::object{{"expression", expression}, {"result", std::move(result)}});
}

}  // namespace agentd
