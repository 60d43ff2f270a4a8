// What every CheckpointStore adapter must do. Checkpoints belong to runs, which some stores
// insist exist, so every test starts its runs first.
#include "fakes/run_sync.h"
#include "infrastructure/persistence/conversation_store_contract.h"

namespace agentd::contract {
namespace {

using namespace std::chrono_literals;

TEST_P(CheckpointStoreContract, SavedCheckpointIsLoaded) {
  given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  const Checkpoint checkpoint = sample_checkpoint(numbered("run", 1));
  ASSERT_TRUE(run_sync(checkpoints().save(checkpoint)));

  auto loaded = run_sync(checkpoints().load(numbered("run", 1)));
  ASSERT_TRUE(loaded);
  ASSERT_TRUE(*loaded);
  expect_same_checkpoint(**loaded, checkpoint);
}

TEST_P(CheckpointStoreContract, SaveReplacesThePreviousCheckpoint) {
  given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  ASSERT_TRUE(run_sync(checkpoints().save(sample_checkpoint(numbered("run", 1)))));
  Checkpoint later = sample_checkpoint(numbered("run", 1));
  later.next_node = "__end__";
  later.steps = 4;
  later.state = R"({"messages":[]})";
  later.saved_at = kT0 + 3min;
  ASSERT_TRUE(run_sync(checkpoints().save(later)));

  auto loaded = run_sync(checkpoints().load(numbered("run", 1)));
  ASSERT_TRUE(loaded);
  ASSERT_TRUE(*loaded);
  expect_same_checkpoint(**loaded, later);
}

TEST_P(CheckpointStoreContract, RunWithoutACheckpointLoadsNothing) {
  given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));

  for (const std::string& run_id : {numbered("run", 1), numbered("run", 99)}) {
    auto loaded = run_sync(checkpoints().load(run_id));
    ASSERT_TRUE(loaded) << run_id;
    EXPECT_FALSE(*loaded) << run_id;
  }
}

TEST_P(CheckpointStoreContract, EachRunKeepsItsOwnCheckpoint) {
  given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  given_run(numbered("run", 2), given_conversation(numbered("conv", 2)));
  const Checkpoint first = sample_checkpoint(numbered("run", 1));
  Checkpoint second = sample_checkpoint(numbered("run", 2));
  second.next_node = "model";
  second.steps = 1;
  ASSERT_TRUE(run_sync(checkpoints().save(first)));
  ASSERT_TRUE(run_sync(checkpoints().save(second)));

  auto loaded_first = run_sync(checkpoints().load(numbered("run", 1)));
  auto loaded_second = run_sync(checkpoints().load(numbered("run", 2)));
  ASSERT_TRUE(loaded_first && *loaded_first);
  ASSERT_TRUE(loaded_second && *loaded_second);
  expect_same_checkpoint(**loaded_first, first);
  expect_same_checkpoint(**loaded_second, second);
}

}  // namespace
}  // namespace agentd::contract
