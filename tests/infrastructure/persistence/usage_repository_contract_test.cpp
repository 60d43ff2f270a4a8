// What every UsageRepository and BudgetLedger adapter must do, run against SQLite and
// PostgreSQL: store a batch whole, and sum it per day, model or key within a user and a time
// range; reserve on every counter or none, never past a maximum however many race.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "fakes/run_concurrently.h"
#include "fakes/run_sync.h"
#include "infrastructure/concurrency/blocking_pool.h"
#include "infrastructure/persistence/identity_repository_contract.h"
#include "infrastructure/persistence/postgres/pg_budget_ledger.h"
#include "infrastructure/persistence/postgres/pg_usage_repository.h"
#include "infrastructure/persistence/postgres_test_database.h"
#include "infrastructure/persistence/sqlite/migrations.h"
#include "infrastructure/persistence/sqlite/sqlite_budget_ledger.h"
#include "infrastructure/persistence/sqlite/sqlite_database.h"
#include "infrastructure/persistence/sqlite/sqlite_usage_repository.h"

namespace agentd::contract {
namespace {

using namespace std::chrono_literals;

class UsageStore {
 public:
  virtual ~UsageStore() = default;
  virtual UsageRepository& usage() = 0;
  virtual BudgetLedger& ledger() = 0;
};

// An in-memory database: its one connection is all the repository uses.
class SqliteUsageStore final : public UsageStore {
 public:
  SqliteUsageStore() : db_(":memory:"), pool_(4), usage_(db_, pool_), ledger_(db_, pool_) {
    if (auto migrated = sqlite::migrate(db_); !migrated) {
      throw std::runtime_error(migrated.error().message);
    }
  }
  UsageRepository& usage() override { return usage_; }
  BudgetLedger& ledger() override { return ledger_; }

 private:
  sqlite::Database db_;
  BlockingPool pool_;
  sqlite::SqliteUsageRepository usage_;
  sqlite::SqliteBudgetLedger ledger_;
};

class PostgresUsageStore final : public UsageStore {
 public:
  explicit PostgresUsageStore(std::unique_ptr<PostgresTestDatabase> database)
      : database_(std::move(database)), usage_(database_->pool()), ledger_(database_->pool()) {}
  UsageRepository& usage() override { return usage_; }
  BudgetLedger& ledger() override { return ledger_; }

 private:
  std::unique_ptr<PostgresTestDatabase> database_;  // first: the pool outlives the repository
  postgres::PgUsageRepository usage_;
  postgres::PgBudgetLedger ledger_;
};

struct UsageBackend {
  std::string name;
  std::function<std::unique_ptr<UsageStore>()> open;  // null when skipped
};

void PrintTo(const UsageBackend& backend, std::ostream* out) { *out << backend.name; }

std::string usage_backend_name(const ::testing::TestParamInfo<UsageBackend>& backend) {
  return backend.param.name;
}

class UsageRepositoryContract : public ::testing::TestWithParam<UsageBackend> {
 protected:
  void SetUp() override {
    store_ = GetParam().open();
    if (store_ == nullptr) GTEST_SKIP();
  }

  UsageRepository& usage() { return store_->usage(); }
  BudgetLedger& ledger() { return store_->ledger(); }

  static BudgetCharge charge(std::string counter, std::int64_t tokens, std::int64_t cost,
                             std::optional<std::int64_t> max_tokens,
                             std::optional<std::int64_t> max_cost = std::nullopt) {
    return {std::move(counter), tokens, cost, max_tokens, max_cost, kT0 + 48h};
  }
  BudgetSpent spent(const std::string& counter) { return must(run_sync(ledger().spent(counter))); }

  // A call of `user` (with `key`, or a session when empty) at `at`.
  static UsageRecord call(int number, int user, int key, const std::string& model, Timestamp at,
                          std::int64_t input, std::int64_t output,
                          std::optional<std::int64_t> cost) {
    UsageRecord record;
    record.id = numbered("usage", number);
    record.created_at = at;
    record.user_id = numbered("user", user);
    if (key != 0) record.api_key_id = numbered("key", key);
    record.model = model;
    record.provider = "openai";
    record.input_tokens = input;
    record.output_tokens = output;
    record.cached_tokens = input / 2;
    record.cost_nanos = cost;
    record.latency_ms = 12;
    record.status = "ok";
    return record;
  }

  std::vector<UsageGroup> summary(UsageFilter filter, UsageGrouping grouping) {
    return must(run_sync(usage().summarize(std::move(filter), grouping)));
  }

 private:
  std::unique_ptr<UsageStore> store_;
};

const Timestamp kDay1 = kT0;        // 2026-03-14 09:26 UTC
const Timestamp kDay2 = kT0 + 24h;  // 2026-03-15

TEST_P(UsageRepositoryContract, NothingRecordedSumsToNoGroups) {
  EXPECT_TRUE(summary({}, UsageGrouping::day).empty());
}

TEST_P(UsageRepositoryContract, SumsEachDayInOrder) {
  ASSERT_TRUE(run_sync(usage().append({call(1, 1, 1, "gpt", kDay2, 10, 5, 300),
                                       call(2, 1, 1, "gpt", kDay1, 20, 7, 100),
                                       call(3, 1, 2, "claude", kDay1 + 14h, 4, 1, 50)})));

  const auto days = summary({}, UsageGrouping::day);
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(days[0], (UsageGroup{"2026-03-14", 2, 24, 8, 12, 150}));
  EXPECT_EQ(days[1], (UsageGroup{"2026-03-15", 1, 10, 5, 5, 300}));
}

TEST_P(UsageRepositoryContract, SumsEachModelAndEachKeyWithSessionsApart) {
  ASSERT_TRUE(run_sync(usage().append({call(1, 1, 1, "gpt", kDay1, 10, 5, 300),
                                       call(2, 1, 0, "gpt", kDay1, 20, 7, 100),
                                       call(3, 1, 2, "claude", kDay1, 4, 1, 50)})));

  const auto models = summary({}, UsageGrouping::model);
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0], (UsageGroup{"claude", 1, 4, 1, 2, 50}));
  EXPECT_EQ(models[1], (UsageGroup{"gpt", 2, 30, 12, 15, 400}));

  const auto keys = summary({}, UsageGrouping::key);
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0], (UsageGroup{"", 1, 20, 7, 10, 100}));  // the session's call
  EXPECT_EQ(keys[1], (UsageGroup{numbered("key", 1), 1, 10, 5, 5, 300}));
  EXPECT_EQ(keys[2], (UsageGroup{numbered("key", 2), 1, 4, 1, 2, 50}));
}

TEST_P(UsageRepositoryContract, SumsEachDayAndKeyInOrderOfDayThenKey) {
  ASSERT_TRUE(run_sync(usage().append({call(1, 1, 2, "gpt", kDay2, 10, 5, 300),
                                       call(2, 1, 1, "gpt", kDay1, 20, 7, 100),
                                       call(3, 1, 0, "claude", kDay1 + 1h, 4, 1, 50),
                                       call(4, 1, 1, "claude", kDay1 + 14h, 6, 3, std::nullopt)})));

  const auto groups = summary({}, UsageGrouping::day_key);
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0], (UsageGroup{"2026-03-14 ", 1, 4, 1, 2, 50}));  // the session's call
  EXPECT_EQ(groups[1], (UsageGroup{"2026-03-14 " + numbered("key", 1), 2, 26, 10, 13, 100}));
  EXPECT_EQ(groups[2], (UsageGroup{"2026-03-15 " + numbered("key", 2), 1, 10, 5, 5, 300}));
}

TEST_P(UsageRepositoryContract, CostIsNullOnlyWhenNoCallOfTheGroupHadAPrice) {
  ASSERT_TRUE(run_sync(usage().append({call(1, 1, 1, "local", kDay1, 10, 5, std::nullopt),
                                       call(2, 1, 1, "gpt", kDay1, 10, 5, std::nullopt),
                                       call(3, 1, 1, "gpt", kDay1, 10, 5, 70)})));

  const auto models = summary({}, UsageGrouping::model);
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0].cost_nanos, 70);
  EXPECT_EQ(models[1].key, "local");
  EXPECT_EQ(models[1].cost_nanos, std::nullopt);
  EXPECT_EQ(models[1].input_tokens, 10);
}

TEST_P(UsageRepositoryContract, FiltersByUserAndByAHalfOpenTimeRange) {
  ASSERT_TRUE(run_sync(
      usage().append({call(1, 1, 1, "gpt", kDay1, 10, 5, 1), call(2, 2, 3, "gpt", kDay1, 20, 7, 2),
                      call(3, 1, 1, "gpt", kDay2, 40, 9, 4)})));

  const auto mine = summary({numbered("user", 1), {}, {}}, UsageGrouping::model);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].requests, 2);
  EXPECT_EQ(mine[0].input_tokens, 50);

  // `from` is inclusive and `to` exclusive, to the microsecond.
  const auto first_day = summary({std::nullopt, kDay1, kDay2}, UsageGrouping::model);
  ASSERT_EQ(first_day.size(), 1u);
  EXPECT_EQ(first_day[0].requests, 2);
  EXPECT_EQ(first_day[0].input_tokens, 30);
  const auto second_day = summary({numbered("user", 1), kDay2, std::nullopt}, UsageGrouping::day);
  ASSERT_EQ(second_day.size(), 1u);
  EXPECT_EQ(second_day[0].input_tokens, 40);
}

TEST_P(UsageRepositoryContract, ABatchIsStoredWholeOrNotAtAll) {
  // The second record repeats the first's id: the batch fails, and nothing of it stays.
  auto appended = run_sync(usage().append(
      {call(1, 1, 1, "gpt", kDay1, 10, 5, 1), call(1, 1, 1, "gpt", kDay1, 10, 5, 1)}));
  ASSERT_FALSE(appended);
  EXPECT_EQ(appended.error().kind, ErrorCode::internal);
  EXPECT_TRUE(summary({}, UsageGrouping::model).empty());
}

TEST_P(UsageRepositoryContract, AnEmptyBatchStoresNothing) {
  ASSERT_TRUE(run_sync(usage().append({})));
  EXPECT_TRUE(summary({}, UsageGrouping::key).empty());
}

TEST_P(UsageRepositoryContract, AReservationAddsToEveryCounterOrToNone) {
  auto fits = run_sync(
      ledger().reserve({charge("key:{1}:day", 100, 7, 1'000), charge("key:{1}:tpm", 100, 0, 150)}));
  ASSERT_TRUE(fits);
  EXPECT_EQ(*fits, std::nullopt);
  EXPECT_EQ(spent("key:{1}:day").tokens, 100);
  EXPECT_EQ(spent("key:{1}:day").cost_nanos, 7);

  // The second counter would pass its maximum: neither changes.
  auto refused = run_sync(
      ledger().reserve({charge("key:{1}:day", 100, 7, 1'000), charge("key:{1}:tpm", 100, 0, 150)}));
  ASSERT_TRUE(refused);
  EXPECT_EQ(*refused, std::optional<std::size_t>(1));
  EXPECT_EQ(spent("key:{1}:day").tokens, 100);
  EXPECT_EQ(spent("key:{1}:tpm").tokens, 100);
}

TEST_P(UsageRepositoryContract, ACostMaximumIsHeldToo) {
  ASSERT_EQ(must(run_sync(ledger().reserve({charge("c", 1, 60, std::nullopt, 100)}))),
            std::nullopt);
  EXPECT_EQ(must(run_sync(ledger().reserve({charge("c", 1, 60, std::nullopt, 100)}))),
            std::optional<std::size_t>(0));
  // Exactly up to the maximum is allowed.
  EXPECT_EQ(must(run_sync(ledger().reserve({charge("c", 1, 40, std::nullopt, 100)}))),
            std::nullopt);
}

TEST_P(UsageRepositoryContract, AnAdjustmentAddsWithoutACheckAndMayGiveBack) {
  ASSERT_TRUE(run_sync(ledger().reserve({charge("k", 500, 50, 600)})));
  ASSERT_TRUE(run_sync(ledger().adjust({charge("k", -450, -40, 600)})));
  EXPECT_EQ(spent("k").tokens, 50);
  EXPECT_EQ(spent("k").cost_nanos, 10);
  ASSERT_TRUE(run_sync(ledger().adjust({charge("k", 10'000, 0, 600)})));  // past the maximum
  EXPECT_EQ(spent("k").tokens, 10'050);
  EXPECT_EQ(spent("never-charged").tokens, 0);
}

TEST_P(UsageRepositoryContract, PurgingDeletesOnlyCountersPastTheirExpiry) {
  auto over = charge("key:{k1}:day:1", 10, 0, std::nullopt);
  over.expires_at = kT0 - 1h;
  auto running = charge("key:{k1}:day:2", 20, 0, std::nullopt);  // expires at kT0 + 48h
  auto total = charge("key:{k1}:total:0", 30, 0, std::nullopt);
  total.expires_at.reset();
  ASSERT_TRUE(run_sync(ledger().adjust({over, running, total})));

  auto purged = run_sync(ledger().purge_expired(kT0));
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 1);
  EXPECT_EQ(run_sync(ledger().spent("key:{k1}:day:1"))->tokens, 0);
  EXPECT_EQ(run_sync(ledger().spent("key:{k1}:day:2"))->tokens, 20);
  EXPECT_EQ(run_sync(ledger().spent("key:{k1}:total:0"))->tokens, 30);
  EXPECT_EQ(*run_sync(ledger().purge_expired(kT0)), 0);
}

TEST_P(UsageRepositoryContract, RacingReservationsNeverPassTheMaximum) {
  std::vector<boost::asio::awaitable<Result<std::optional<std::size_t>>>> racers;
  for (int i = 0; i < 24; ++i) racers.push_back(ledger().reserve({charge("race", 10, 0, 100)}));
  const auto outcomes = run_concurrently(std::move(racers), 8);
  int admitted = 0;
  for (const auto& outcome : outcomes) {
    ASSERT_TRUE(outcome) << outcome.error().message;
    if (!*outcome) ++admitted;
  }
  EXPECT_EQ(admitted, 10);
  EXPECT_EQ(spent("race").tokens, 100);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, UsageRepositoryContract,
                         ::testing::Values(UsageBackend{
                             "sqlite",
                             []() -> std::unique_ptr<UsageStore> {
                               return std::make_unique<SqliteUsageStore>();
                             }}),
                         usage_backend_name);

INSTANTIATE_TEST_SUITE_P(Postgres, UsageRepositoryContract,
                         ::testing::Values(UsageBackend{
                             "postgres",
                             []() -> std::unique_ptr<UsageStore> {
                               auto database = PostgresTestDatabase::open();
                               if (database == nullptr) return nullptr;
                               return std::make_unique<PostgresUsageStore>(std::move(database));
                             }}),
                         usage_backend_name);

}  // namespace
}  // namespace agentd::contract
