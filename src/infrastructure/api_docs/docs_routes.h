// GET /openapi.json (the API document) and GET /docs (Swagger UI over it), served from the
// binary itself, without authentication: the document describes the API, it holds no data.
#pragma once

#include "infrastructure/http/router.h"

namespace agentd::api_docs {

void add_docs_routes(http::Router& router);

}  // namespace agentd::api_docs
