#include "infrastructure/api_docs/api_docs.h"

#include "infrastructure/files/embed.h"

AGENTD_EMBED(openapi, AGENTD_OPENAPI_JSON)
AGENTD_EMBED(page, AGENTD_DOCS_PAGE_DIR "/index.html")
AGENTD_EMBED(initializer, AGENTD_DOCS_PAGE_DIR "/swagger-initializer.js")
AGENTD_EMBED(bundle, AGENTD_SWAGGER_UI_DIR "/swagger-ui-bundle.js")
AGENTD_EMBED(css, AGENTD_SWAGGER_UI_DIR "/swagger-ui.css")
AGENTD_EMBED(index_css, AGENTD_SWAGGER_UI_DIR "/index.css")
AGENTD_EMBED(favicon_32, AGENTD_SWAGGER_UI_DIR "/favicon-32x32.png")
AGENTD_EMBED(favicon_16, AGENTD_SWAGGER_UI_DIR "/favicon-16x16.png")
AGENTD_EMBED(license, AGENTD_SWAGGER_UI_DIR "/LICENSE")

namespace agentd::api_docs {

std::string_view openapi_json() { return openapi(); }

const std::vector<File>& swagger_ui_files() {
  static const std::vector<File> files{
      {"", "text/html; charset=utf-8", page()},
      {"swagger-initializer.js", "text/javascript; charset=utf-8", initializer()},
      {"swagger-ui-bundle.js", "text/javascript; charset=utf-8", bundle()},
      {"swagger-ui.css", "text/css; charset=utf-8", css()},
      {"index.css", "text/css; charset=utf-8", index_css()},
      {"favicon-32x32.png", "image/png", favicon_32()},
      {"favicon-16x16.png", "image/png", favicon_16()},
      {"LICENSE", "text/plain; charset=utf-8", license()},
  };
  return files;
}

}  // namespace agentd::api_docs
