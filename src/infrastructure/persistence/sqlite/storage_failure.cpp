#include "infrastructure/persistence/sqlite/storage_failure.h"

#include "infrastructure/logging/log.h"

namespace agentd::sqlite {

Error logged_storage_failure(std::string_view operation, const SqliteError& error) {
  log::error("storage_failed", {{"operation", operation}, {"error", error.what()}});
  return Error::internal("storage failed");
}

}  // namespace agentd::sqlite
