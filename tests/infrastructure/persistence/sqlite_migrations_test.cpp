#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "infrastructure/persistence/sqlite/migrations.h"

namespace agentd::sqlite {
namespace {

class TempDatabase : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("agentd-migrations-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }

  bool table_exists(Database& db, std::string_view name) {
    return db.with([&](sqlite3* connection) {
      Statement query(connection, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?");
      query.bind(1, name);
      return query.step();
    });
  }

  std::filesystem::path dir;
};

TEST_F(TempDatabase, AppliesEmbeddedSchemaOnceAndRecordsIt) {
  Database db((dir / "a.db").string());
  auto first = migrate(db);
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, static_cast<int>(schema_migrations().size()));
  EXPECT_EQ(current_version(db), schema_migrations().back().version);
  auto second = migrate(db);
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, 0);
}

// The database holds password and key hashes: readable by its owner only, under the usual
// umask too, and so are the WAL files SQLite makes beside it.
TEST_F(TempDatabase, NewDatabaseItsDirectoryAndItsWalFilesAreOwnerOnly) {
  const mode_t previous_umask = ::umask(022);
  {
    Database db((dir / "private.db").string());
    ASSERT_TRUE(migrate(db));
    auto mode_of = [](const std::filesystem::path& path) {
      struct stat status {};
      EXPECT_EQ(::stat(path.c_str(), &status), 0) << path;
      return status.st_mode & 0777;
    };
    EXPECT_EQ(mode_of(dir), 0700u);
    EXPECT_EQ(mode_of(dir / "private.db"), 0600u);
    EXPECT_EQ(mode_of(dir / "private.db-wal"), 0600u);
    EXPECT_EQ(mode_of(dir / "private.db-shm"), 0600u);
  }
  ::umask(previous_umask);
}

TEST_F(TempDatabase, FailedMigrationLeavesDatabaseAsItWas) {
  Database db((dir / "b.db").string());
  const Migration good[] = {{1, "one", "CREATE TABLE first_table(id INTEGER)"}};
  ASSERT_TRUE(migrate(db, good));
  const Migration broken[] = {
      {1, "one", "CREATE TABLE first_table(id INTEGER)"},
      {2, "two", "CREATE TABLE second_table(id INTEGER); INSERT INTO no_such_table VALUES (1);"},
  };
  auto result = migrate(db, broken);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("migration 2 (two) failed"), std::string::npos);
  EXPECT_EQ(current_version(db), 1);
  EXPECT_TRUE(table_exists(db, "first_table"));
  EXPECT_FALSE(table_exists(db, "second_table"));
}

TEST_F(TempDatabase, UsesWriteAheadLog) {
  Database db((dir / "c.db").string());
  auto mode = db.with([](sqlite3* connection) {
    Statement query(connection, "PRAGMA journal_mode");
    query.step();
    return query.text(0);
  });
  EXPECT_EQ(mode, "wal");
}

}  // namespace
}  // namespace agentd::sqlite
