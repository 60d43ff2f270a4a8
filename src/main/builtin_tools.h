// The builtin tools the configuration file enables, with its settings for each.
#pragma once

#include "application/ports/clock.h"
#include "application/tools/tool_registry.h"
#include "infrastructure/config/file_config.h"
#include "infrastructure/net/http_client.h"

namespace agentd {

// Adds to `tools` the builtin tools enabled in `file`; web_search and http_get only when
// configured (a provider, an allow-list). A configuration error names the tool whose settings
// cannot work.
Status register_builtin_tools(ToolRegistry& tools, const config::FileConfig& file,
                              const Clock& clock, net::HttpClient& http);

}  // namespace agentd
