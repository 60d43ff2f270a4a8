// SQLite failures no caller can act on (a full disk, a broken file) become internal errors,
// logged with their cause; the error itself names no table or constraint.
#pragma once

#include <string_view>

#include "domain/common/result.h"
#include "infrastructure/persistence/sqlite/sqlite_database.h"

namespace agentd::sqlite {

Error logged_storage_failure(std::string_view operation, const SqliteError& error);

// Runs `work` (which returns a Result), turning a SqliteError into logged_storage_failure.
template <typename Work>
auto with_storage_failures_logged(std::string_view operation, Work&& work) -> decltype(work()) {
  try {
    return work();
  } catch (const SqliteError& error) {
    return logged_storage_failure(operation, error);
  }
}

}  // namespace agentd::sqlite
