#include "infrastructure/security/jwt_secret_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <thread>
#include <vector>

namespace agentd {
namespace {

namespace fs = std::filesystem;

class JwtSecretFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("agentd-jwt-secret-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string file() const { return (dir_ / "jwt_secret").string(); }

  fs::path dir_;
};

TEST_F(JwtSecretFileTest, CreatesAPrivateFileWithARandomSecret) {
  auto secret = load_or_create_jwt_secret(dir_.string());
  ASSERT_TRUE(secret) << secret.error().message;
  EXPECT_TRUE(secret->created);
  EXPECT_GE(secret->secret.size(), 43u);  // 32 bytes of base64url
  struct stat info {};
  ASSERT_EQ(::stat(file().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
}

TEST_F(JwtSecretFileTest, ReusesTheFileOnTheNextCall) {
  auto first = load_or_create_jwt_secret(dir_.string());
  auto second = load_or_create_jwt_secret(dir_.string());
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->secret, first->secret);
}

TEST_F(JwtSecretFileTest, ReadsASecretWrittenByAnOperator) {
  std::ofstream(file()) << "an-operator-chosen-secret-of-at-least-32-characters\n";
  auto secret = load_or_create_jwt_secret(dir_.string());
  ASSERT_TRUE(secret);
  EXPECT_FALSE(secret->created);
  EXPECT_EQ(secret->secret, "an-operator-chosen-secret-of-at-least-32-characters");
}

TEST_F(JwtSecretFileTest, RefusesATooShortSecret) {
  std::ofstream(file()) << "short\n";
  auto secret = load_or_create_jwt_secret(dir_.string());
  ASSERT_FALSE(secret);
  EXPECT_EQ(secret.error().kind, ErrorCode::internal);
  EXPECT_EQ(secret.error().message.find("short"), std::string::npos);  // never echo the secret
}

TEST_F(JwtSecretFileTest, CreatesTheDataDirectoryWhenMissing) {
  const auto nested = dir_ / "a" / "b";
  auto secret = load_or_create_jwt_secret(nested.string());
  ASSERT_TRUE(secret) << secret.error().message;
  EXPECT_TRUE(fs::exists(nested / "jwt_secret"));
}

TEST_F(JwtSecretFileTest, ConcurrentFirstStartsAgreeOnOneSecret) {
  constexpr int kCallers = 8;
  std::vector<std::string> secrets(kCallers);
  std::vector<int> created(kCallers);
  std::vector<std::thread> threads;
  threads.reserve(kCallers);
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&, i] {
      auto secret = load_or_create_jwt_secret(dir_.string());
      ASSERT_TRUE(secret) << secret.error().message;
      secrets[i] = secret->secret;
      created[i] = secret->created ? 1 : 0;
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& secret : secrets) EXPECT_EQ(secret, secrets.front());
  EXPECT_EQ(std::accumulate(created.begin(), created.end(), 0), 1);
  // Only the secret remains: no temporary files are left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

}  // namespace
}  // namespace agentd
