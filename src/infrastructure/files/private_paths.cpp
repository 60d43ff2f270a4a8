#include "infrastructure/files/private_paths.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace agentd {
namespace {

constexpr mode_t kOwnerOnlyDirectory = S_IRWXU;
constexpr mode_t kOwnerOnlyFile = S_IRUSR | S_IWUSR;

Error failure(const std::filesystem::path& path, std::string_view what, int error_number) {
  return Error::internal("cannot " + std::string(what) + " " + path.string() + ": " +
                         std::generic_category().message(error_number));
}

}  // namespace

Status create_private_directories(const std::filesystem::path& dir) {
  // One mkdir per component, not std::filesystem::create_directories: that one takes its
  // mode from the umask alone, 0755 with the usual 022.
  std::filesystem::path prefix;
  for (const auto& component : dir) {
    prefix /= component;
    if (::mkdir(prefix.c_str(), kOwnerOnlyDirectory) != 0 && errno != EEXIST) {
      return failure(prefix, "create directory", errno);
    }
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return failure(dir, "use directory", ENOTDIR);
  return ok_status();
}

Status create_private_file(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, kOwnerOnlyFile);
  if (fd < 0) return failure(file, "create file", errno);
  ::close(fd);
  return ok_status();
}

bool is_open_to_others(const std::filesystem::path& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) return false;
  return (status.st_mode & (S_IRWXG | S_IRWXO)) != 0;
}

}  // namespace agentd
