#include "infrastructure/persistence/sqlite/conversation_rows.h"

#include <gtest/gtest.h>

namespace agentd::sqlite {
namespace {

TEST(StatusColumn, ReadsAKnownNameAndRefusesAnUnknownOne) {
  Database db(":memory:");
  db.with([](sqlite3* connection) {
    Statement known(connection, "SELECT 'awaiting_approval'");
    ASSERT_TRUE(known.step());
    EXPECT_EQ(status_column(known, 0, parse_run_status, "run"), RunStatus::awaiting_approval);

    Statement unknown(connection, "SELECT 'paused'");
    ASSERT_TRUE(unknown.step());
    try {
      status_column(unknown, 0, parse_run_status, "run");
      ADD_FAILURE() << "an unknown status was accepted";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "stored run status is unknown: paused");
    }
  });
}

}  // namespace
}  // namespace agentd::sqlite
