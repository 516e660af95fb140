// ChangeStore: a table's CDC changes, gathered in apply order and handed back sorted by key, each
// key's changes in the order they were added (ChangeCursor). The one place the merge of LOAD +
// CDC (lake/merge_join.h) gets its changes from; materialize uses it, validate will.
//
// Memory is bounded: rows are copied into an arena of blocks; when the arena and the index pass
// `memory_bytes`, the changes so far are sorted and written to a run file in `spill_dir` (created
// and unlinked at once, so nothing is left behind even after a SIGKILL), and the cursor merges
// the runs (a k-way merge by key, then add order). Runs are merged in tiers, as an LSM tree's
// are: when kMergeWidth runs of one tier are spilled, they become one run of the next tier, so
// at most kMergeWidth - 1 runs per tier are open (a few dozen files for any table) and every
// change is rewritten about log_kMergeWidth(runs) times. Memory then is about `memory_bytes` plus
// a read buffer per open run.
//
// Thread-safety: one thread. Views a cursor hands out stay valid until its next Next(); the
// store must outlive the cursor it hands out.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace binlake {

struct Change {
  char op = 'I';  // 'I', 'U' or 'D'
  std::string_view row;
};

class ChangeCursor {
 public:
  virtual ~ChangeCursor() = default;
  // The next key's changes; false after the last key.
  virtual Result<bool> Next() = 0;
  virtual std::string_view key() const = 0;
  virtual const std::vector<Change>& changes() const = 0;
};

class ChangeStore {
 public:
  struct Options {
    uint64_t memory_bytes = 128ull << 20;
    std::string spill_dir = "/tmp";
  };
  explicit ChangeStore(Options options);
  ~ChangeStore();
  ChangeStore(const ChangeStore&) = delete;
  ChangeStore& operator=(const ChangeStore&) = delete;

  // Copies the change in. `key`: the row's normalized key (lake/row_key.h).
  Status Add(char op, std::string_view key, std::string_view row);
  // Forgets every change added so far (a TRUNCATE TABLE after them).
  void Clear();
  uint64_t size() const { return count_; }
  uint64_t runs_spilled() const { return runs_spilled_; }
  // Run files open now (after the tiers' merges).
  size_t runs_open() const { return runs_.size(); }
  static constexpr size_t kMergeWidth = 16;

  // Sorts and hands the changes over; the store must not be used afterwards.
  Result<std::unique_ptr<ChangeCursor>> Finish();

  struct Entry {
    uint64_t prefix;   // the key's first 8 bytes, big-endian (memcmp order)
    uint64_t seq;      // add order
    const char* data;  // key bytes, then row bytes
    uint32_t key_len;
    uint32_t row_len;
    char op;
  };

  struct Run;  // a spilled run (change_store.cc)

 private:
  char* Allocate(size_t bytes);
  uint64_t MemoryUsed() const;
  Status Spill();
  // Merges the last kMergeWidth runs while they are of one tier.
  Status MergeTiers();
  void SortEntries();

  Options options_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t block_size_ = 0;  // of the last block
  size_t block_used_ = 0;
  uint64_t block_bytes_ = 0;
  std::vector<Entry> entries_;
  std::vector<std::unique_ptr<Run>> runs_;
  uint64_t seq_ = 0;
  uint64_t count_ = 0;
  uint64_t runs_spilled_ = 0;
};

}  // namespace binlake
