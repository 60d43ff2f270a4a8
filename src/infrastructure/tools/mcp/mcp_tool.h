// One tool of an MCP server, offered as an agentd tool named <server>__<tool>.
#pragma once

#include <memory>
#include <string>

#include "application/ports/tool.h"

namespace agentd {

class McpToolSource;

class McpTool : public Tool {
 public:
  McpTool(ToolSpec spec, std::string remote_name, std::shared_ptr<McpToolSource> source)
      : spec_(std::move(spec)), remote_name_(std::move(remote_name)), source_(std::move(source)) {}

  const ToolSpec& spec() const override { return spec_; }
  // The tool's name on its server.
  const std::string& remote_name() const { return remote_name_; }
  boost::asio::awaitable<Result<boost::json::value>> execute(boost::json::object arguments,
                                                             const ToolContext& context) override;

 private:
  ToolSpec spec_;
  std::string remote_name_;
  std::shared_ptr<McpToolSource> source_;
};

}  // namespace agentd
