// GET /console (the web console's page; /console/ is the same route) and
// GET /console/assets/{file} (its script and style sheet), served from the binary without
// authentication: the page holds no data, it signs in through the public API like any client.
#pragma once

#include "infrastructure/http/router.h"

namespace agentd::console {

void add_console_routes(http::Router& router);

}  // namespace agentd::console
