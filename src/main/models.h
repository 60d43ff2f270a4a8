// The model catalog from configuration: the file's `models:` table, plus zero-config
// defaults when OPENAI_API_KEY or ANTHROPIC_API_KEY is set. With `metrics`, each model's
// calls are measured.
#pragma once

#include <string>
#include <vector>

#include "application/chat/model_catalog.h"
#include "application/ports/clock.h"
#include "application/ports/metrics.h"
#include "domain/common/result.h"
#include "infrastructure/config/config.h"
#include "infrastructure/config/file_config.h"
#include "infrastructure/net/http_client.h"

namespace agentd {

// Answers problems worth a warning (a model whose key variable is unset, say); a
// configuration error for a table that cannot work (a duplicate name, an unknown default).
Result<std::vector<std::string>> add_configured_models(ModelCatalog& catalog,
                                                       const config::FileConfig& file,
                                                       const config::ModelEnvironment& environment,
                                                       net::HttpClient& client,
                                                       std::shared_ptr<Metrics> metrics,
                                                       const Clock& clock);

}  // namespace agentd
