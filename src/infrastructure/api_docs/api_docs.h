// The API's own documentation, built into the binary: the OpenAPI document (docs/openapi.yaml,
// as JSON) and the files of Swagger UI (npm's swagger-ui-dist) with the page that starts it.
#pragma once

#include <string_view>
#include <vector>

namespace agentd::api_docs {

struct File {
  std::string_view name;  // as in /docs/{name}; "" for the page itself
  std::string_view content_type;
  std::string_view bytes;
};

std::string_view openapi_json();
const std::vector<File>& swagger_ui_files();

}  // namespace agentd::api_docs
