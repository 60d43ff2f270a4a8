// The embedded default's JWT signing secret: generated once, kept in the data dir (mode 0600).
#pragma once

#include <string>

#include "domain/common/result.h"

namespace agentd {

struct JwtSecret {
  std::string secret;
  bool created = false;  // true when this call generated it, so the caller can warn
};

// Reads `<data_dir>/jwt_secret`, or creates it with 32 random bytes (base64url) when absent.
// Concurrent first starts agree on one secret: the file is published atomically and the
// loser of the race reads the winner's.
Result<JwtSecret> load_or_create_jwt_secret(const std::string& data_dir);

}  // namespace agentd
