// current_time: the time now in an IANA time zone, ISO 8601.
#pragma once

#include "application/ports/clock.h"
#include "application/ports/tool.h"

namespace agentd {

class CurrentTimeTool : public Tool {
 public:
  CurrentTimeTool(ToolSpec spec, const Clock& clock) : spec_(std::move(spec)), clock_(clock) {}
  static ToolSpec default_spec();

  const ToolSpec& spec() const override { return spec_; }
  boost::asio::awaitable<Result<boost::json::value>> execute(boost::json::object arguments,
                                                             const ToolContext& context) override;

 private:
  ToolSpec spec_;
  const Clock& clock_;
};

}  // namespace agentd
