// calculator: evaluates an arithmetic expression with muParser.
#pragma once

#include "application/ports/tool.h"

namespace agentd {

// The evaluation itself, separate from the tool so tests and the fuzzer can call it directly.
// Errors are tool_errors saying what is wrong and, for syntax errors, where.
Result<double> evaluate_expression(std::string_view expression);

class CalculatorTool : public Tool {
 public:
  static constexpr std::size_t kMaxExpressionLength = 1000;

  explicit CalculatorTool(ToolSpec spec) : spec_(std::move(spec)) {}
  // The spec with the calculator's name, description and schema; callers set policy fields.
  static ToolSpec default_spec();

  const ToolSpec& spec() const override { return spec_; }
  boost::asio::awaitable<Result<boost::json::value>> execute(boost::json::object arguments,
                                                             const ToolContext& context) override;

 private:
  ToolSpec spec_;
};

}  // namespace agentd
