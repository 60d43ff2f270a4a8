// What every CheckpointStore adapter must do. Checkpoints belong to runs, which some stores
// insist exist, so every test starts its runs first.
#include "fakes/run_sync.h"
#include "infrastructure/persistence/conversation_store_contract.h"

namespace agentd::contract {
namespace {

using namespace std::chrono_literals;

TEST_P(CheckpointStoreContract, SavedCheckpointIsLoaded) {
  given_run("run-01", given_conversation("conv-01"));
  const Checkpoint checkpoint = sample_checkpoint("run-01");
  ASSERT_TRUE(run_sync(checkpoints().save(checkpoint)));

  auto loaded = run_sync(checkpoints().load("run-01"));
  ASSERT_TRUE(loaded);
  ASSERT_TRUE(*loaded);
  EXPECT_EQ(**loaded, checkpoint);
}

TEST_P(CheckpointStoreContract, SaveReplacesThePreviousCheckpoint) {
  given_run("run-01", given_conversation("conv-01"));
  ASSERT_TRUE(run_sync(checkpoints().save(sample_checkpoint("run-01"))));
  Checkpoint later = sample_checkpoint("run-01");
  later.next_node = "__end__";
  later.steps = 4;
  later.state = R"({"messages":[]})";
  later.saved_at = kT0 + 3min;
  ASSERT_TRUE(run_sync(checkpoints().save(later)));

  auto loaded = run_sync(checkpoints().load("run-01"));
  ASSERT_TRUE(loaded);
  ASSERT_TRUE(*loaded);
  EXPECT_EQ(**loaded, later);
}

TEST_P(CheckpointStoreContract, RunWithoutACheckpointLoadsNothing) {
  given_run("run-01", given_conversation("conv-01"));

  for (const auto* run_id : {"run-01", "run-99"}) {
    auto loaded = run_sync(checkpoints().load(run_id));
    ASSERT_TRUE(loaded) << run_id;
    EXPECT_FALSE(*loaded) << run_id;
  }
}

TEST_P(CheckpointStoreContract, EachRunKeepsItsOwnCheckpoint) {
  given_run("run-01", given_conversation("conv-01"));
  given_run("run-02", given_conversation("conv-02"));
  const Checkpoint first = sample_checkpoint("run-01");
  Checkpoint second = sample_checkpoint("run-02");
  second.next_node = "model";
  second.steps = 1;
  ASSERT_TRUE(run_sync(checkpoints().save(first)));
  ASSERT_TRUE(run_sync(checkpoints().save(second)));

  auto loaded_first = run_sync(checkpoints().load("run-01"));
  auto loaded_second = run_sync(checkpoints().load("run-02"));
  ASSERT_TRUE(loaded_first && *loaded_first);
  ASSERT_TRUE(loaded_second && *loaded_second);
  EXPECT_EQ(**loaded_first, first);
  EXPECT_EQ(**loaded_second, second);
}

}  // namespace
}  // namespace agentd::contract
