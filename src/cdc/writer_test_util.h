// Test helpers for the CDC writer: a settable clock, small schemas, a temp directory with a
// LocalObjectStore, and CrashingStore, which simulates the process dying at a chosen step of the
// commit protocol (every later operation fails and nothing is cleaned up, as after kill -9).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cdc/writer.h"
#include "common/schema.h"
#include "common/testing/temp_dir.h"
#include "store/local_object_store.h"
#include "store/object_store.h"

namespace binlake::cdc_testing {

using Clock = std::chrono::system_clock;

// 2024-11-24 10:14:59.000001 UTC: the commit time the writer tests give their transactions.
inline constexpr uint64_t kCommitUs = 1732443299000001;

// binlog.000001:p, without a GTID.
inline binlog::BinlogPosition Pos(uint64_t p) {
  return binlog::BinlogPosition{"binlog.000001", p, ""};
}

// 2024-11-24 10:15:00.123 UTC plus `ms`.
Clock::time_point At(int64_t ms = 0);

struct FakeClock {
  Clock::time_point now = At();
  std::function<Clock::time_point()> Fn() {
    return [this] { return now; };
  }
};

// db.<table>(id BIGINT, name VARCHAR) and variants.
TableSchema Schema(const std::string& schema, const std::string& table,
                   const std::vector<std::string>& columns = {"id", "name"});

// A LocalObjectStore on a fresh temp directory (removed by the destructor).
class TempTarget {
 public:
  TempTarget();
  LocalObjectStore& store() { return *store_; }
  std::unique_ptr<LocalObjectStore> OpenAnother() const;  // a second store on the same root
  const std::string& root() const { return root_; }
  // Every regular file under the root, hidden temp files included, sorted.
  std::vector<std::string> AllFiles() const;

 private:
  TempDir temp_{"binlake-cdc-writer"};
  std::string root_;
  std::unique_ptr<LocalObjectStore> store_;
};

// CdcWriter::Create for options the test knows to be valid: prints the error and aborts the
// test program when they are not.
std::unique_ptr<CdcWriter> MustCreate(ObjectStore* store, CdcWriterOptions options);

// Visible keys under `prefix` (store->List).
std::vector<std::string> Keys(ObjectStore& store, const std::string& prefix = "");

// Gunzips `data` (test helper; empty on error).
std::string Gunzip(const std::string& data);

// Delegates to `inner` until the crash point is reached, then "dies": every call fails with
// kIoError("crashed") and writers do nothing more (their objects are left as a dead process
// leaves them).
class CrashingStore : public ObjectStore {
 public:
  enum class Point {
    kNever,
    kAtCheckpointPut,     // dies instead of writing a checkpoint (after every Prepare)
    kAfterCheckpointPut,  // the checkpoint is written, then it dies
    kAfterPublishes,      // dies after `publishes` successful publications (Close after Prepare)
    kAtFirstPrepare,      // dies while preparing the first file (during step 2)
  };
  CrashingStore(ObjectStore* inner, Point point, int publishes = 0)
      : inner_(inner), point_(point), publishes_left_(publishes) {}

  bool crashed() const { return crashed_; }

  Status Put(std::string_view key, std::string_view data, const PutOptions& options) override;
  Result<std::unique_ptr<ObjectWriter>> NewWriter(std::string_view key,
                                                  const PutOptions& options) override;
  Result<std::string> Get(std::string_view key) override;
  Result<std::string> GetRange(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<std::optional<ObjectInfo>> Head(std::string_view key) override;
  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override;
  Status Delete(std::string_view key) override;
  Status PublishPrepared(std::string_view key, std::string_view token) override;
  Result<std::vector<UncommittedObject>> ListUncommitted(std::string_view prefix) override;
  Status DiscardUncommitted(const UncommittedObject& object) override;
  Status CheckAccess() override { return inner_->CheckAccess(); }
  std::string Describe() const override { return inner_->Describe(); }

 private:
  class Writer;
  Status Dead() const { return IoError("crashed"); }

  ObjectStore* inner_;
  Point point_;
  // The writer commits prepares and publishes files from several threads at once.
  std::mutex mu_;
  int publishes_left_;  // guarded by mu_
  std::atomic<bool> crashed_{false};
};

}  // namespace binlake::cdc_testing
