// What agentd creates for its data is private to its owner; what exists is left as it is.
#include "infrastructure/files/private_paths.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace agentd {
namespace {

namespace fs = std::filesystem;

mode_t mode_of(const fs::path& path) {
  struct stat status {};
  EXPECT_EQ(::stat(path.c_str(), &status), 0) << path;
  return status.st_mode & 07777;
}

class PrivatePaths : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("agentd-private-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    // The usual umask: without the explicit modes, new entries would be 0755 and 0644.
    previous_umask_ = ::umask(022);
  }
  void TearDown() override {
    ::umask(previous_umask_);
    fs::remove_all(root_);
  }

  fs::path root_;
  mode_t previous_umask_ = 0;
};

TEST_F(PrivatePaths, NewDirectoryAndItsMissingParentsAreOwnerOnly) {
  const auto dir = root_ / "var" / "agentd";

  ASSERT_TRUE(create_private_directories(dir));

  EXPECT_EQ(mode_of(dir), 0700u);
  EXPECT_EQ(mode_of(root_ / "var"), 0700u);
  EXPECT_FALSE(is_open_to_others(dir));
}

TEST_F(PrivatePaths, ExistingDirectoryKeepsItsMode) {
  const auto dir = root_ / "shared";
  fs::create_directory(dir);
  fs::permissions(dir, fs::perms(0750));

  ASSERT_TRUE(create_private_directories(dir));

  EXPECT_EQ(mode_of(dir), 0750u);
  EXPECT_TRUE(is_open_to_others(dir));
}

TEST_F(PrivatePaths, NewFileIsOwnerOnlyAndAnExistingOneKeepsItsModeAndContent) {
  const auto created = root_ / "agentd.db";
  ASSERT_TRUE(create_private_file(created));
  EXPECT_EQ(mode_of(created), 0600u);
  EXPECT_EQ(fs::file_size(created), 0u);

  const auto existing = root_ / "old.db";
  std::ofstream(existing) << "data";
  fs::permissions(existing, fs::perms(0640));
  ASSERT_TRUE(create_private_file(existing));
  EXPECT_EQ(mode_of(existing), 0640u);
  EXPECT_EQ(fs::file_size(existing), 4u);
}

TEST_F(PrivatePaths, AFileInTheWayOfADirectoryIsAnError) {
  std::ofstream(root_ / "taken") << "x";

  auto created = create_private_directories(root_ / "taken");

  ASSERT_FALSE(created);
  EXPECT_NE(created.error().message.find("taken"), std::string::npos);
}

TEST_F(PrivatePaths, AMissingPathIsNotOpenToOthers) {
  EXPECT_FALSE(is_open_to_others(root_ / "missing"));
}

}  // namespace
}  // namespace agentd
