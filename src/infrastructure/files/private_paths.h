// The data dir and the files in it hold password and key hashes and the signing secret:
// what agentd creates there is readable by its owner only.
#pragma once

#include <filesystem>

#include "domain/common/result.h"

namespace agentd {

// Creates `dir` and any missing parent with mode 0700. A directory that exists keeps its
// mode: its owner may have chosen it (a group that runs backups), so agentd does not undo it.
Status create_private_directories(const std::filesystem::path& dir);

// Creates `file` empty with mode 0600 unless it exists; an existing file keeps its mode.
// SQLite gives its -wal and -shm files the mode of the database file, so a database created
// this way stays private whole.
Status create_private_file(const std::filesystem::path& file);

// Whether users other than the owner have any access to `path` (false when it is missing).
bool is_open_to_others(const std::filesystem::path& path);

}  // namespace agentd
