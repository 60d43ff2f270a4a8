#include "infrastructure/security/jwt_secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <optional>
#include <string_view>
#include <system_error>

#include "infrastructure/files/private_paths.h"
#include "infrastructure/security/sodium_secret_generator.h"

namespace agentd {
namespace {

constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kMinSecretChars = 32;  // as for AGENTD_JWT_SECRET
constexpr std::size_t kMaxFileBytes = 4096;

Error failure(const std::string& path, std::string_view what, int error_number) {
  return Error::internal("jwt secret file " + path + ": " + std::string(what) + ": " +
                         std::generic_category().message(error_number));
}

// Closes the descriptor when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// nullopt when the file does not exist.
std::optional<Result<JwtSecret>> read_secret(const std::string& path) {
  FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (file.get() < 0) {
    if (errno == ENOENT) return std::nullopt;
    return failure(path, "cannot open", errno);
  }
  std::string text(kMaxFileBytes + 1, '\0');
  std::size_t size = 0;
  while (size < text.size()) {
    const ssize_t n = ::read(file.get(), text.data() + size, text.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return failure(path, "cannot read", errno);
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  text.resize(size);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  if (text.size() < kMinSecretChars || text.size() > kMaxFileBytes) {
    return Error::internal("jwt secret file " + path + " must hold 32 to 4096 characters");
  }
  return JwtSecret{std::move(text), false};
}

Status write_all(int fd, std::string_view text, const std::string& path) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return failure(path, "cannot write", errno);
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd) != 0) return failure(path, "cannot sync", errno);
  return ok_status();
}

// Writes the secret to a private temporary file, then links it into place: link() fails if
// the name exists, so the file appears whole or not at all and a racing process never reads
// a half-written secret.
Result<bool> publish_secret(const std::string& path, const std::string& secret) {
  std::string temp = path + ".XXXXXX";
  FileDescriptor file(::mkostemp(temp.data(), O_CLOEXEC));  // O_CREAT|O_EXCL, mode 0600
  if (file.get() < 0) return failure(path, "cannot create a temporary file", errno);
  struct Cleanup {
    const std::string& name;
    ~Cleanup() { ::unlink(name.c_str()); }
  } cleanup{temp};
  if (::fchmod(file.get(), S_IRUSR | S_IWUSR) != 0) return failure(path, "cannot chmod", errno);
  if (auto written = write_all(file.get(), secret + "\n", path); !written) {
    return std::move(written).take_error();
  }
  if (::link(temp.c_str(), path.c_str()) == 0) return true;
  if (errno == EEXIST) return false;
  return failure(path, "cannot create", errno);
}

}  // namespace

Result<JwtSecret> load_or_create_jwt_secret(const std::string& data_dir) {
  const std::string path = (std::filesystem::path(data_dir) / "jwt_secret").string();
  if (auto existing = read_secret(path)) return std::move(*existing);

  if (auto created = create_private_directories(data_dir); !created) {
    return std::move(created).take_error();
  }

  const std::string secret = SodiumSecretGenerator().random_token(kSecretBytes);
  auto published = publish_secret(path, secret);
  if (!published) return std::move(published).take_error();
  if (*published) return JwtSecret{secret, true};
  // Another process created it first: use theirs.
  if (auto existing = read_secret(path)) return std::move(*existing);
  return Error::internal("jwt secret file " + path + " vanished while being created");
}

}  // namespace agentd
