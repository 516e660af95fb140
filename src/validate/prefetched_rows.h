// PrefetchedRows: runs another KeyedFields (validate/source_rows.h) on its own thread, a bounded
// number of rows ahead of the reader, so reading the source (the server's scan, the transfer, the
// parsing and rendering) overlaps with the merge of the lake's rows it is compared with.
//
// Rows are copied into batches of about `batch_bytes`; at most `max_batches` wait to be read
// (memory: about batch_bytes x (max_batches + 2)). An error of the inner rows is handed out by
// the Next() that reaches it. Destroying a PrefetchedRows stops the thread and destroys the
// inner rows on it (so a connection the inner rows use is free again afterwards).
//
// Thread-safety: Next/key/fields from one thread; the inner rows are used only by the prefetch
// thread while the object lives.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/status.h"
#include "validate/source_rows.h"

namespace binlake {

class PrefetchedRows : public KeyedFields {
 public:
  PrefetchedRows(std::unique_ptr<KeyedFields> inner, size_t columns,
                 size_t batch_bytes = 256u << 10, size_t max_batches = 4);
  ~PrefetchedRows() override;
  PrefetchedRows(const PrefetchedRows&) = delete;
  PrefetchedRows& operator=(const PrefetchedRows&) = delete;

  Result<bool> Next() override;
  std::string_view key() const override { return key_; }
  const std::vector<std::optional<std::string_view>>& fields() const override { return fields_; }

 private:
  struct Batch {
    std::string data;            // per row: key length, key, per column null flag, length, text
    std::vector<size_t> starts;  // where each row begins
    Status status;               // the inner rows' error after these rows
    bool end = false;            // the inner rows ended after these rows
  };
  void Produce();

  std::unique_ptr<KeyedFields> inner_;
  const size_t columns_;
  const size_t batch_bytes_;
  const size_t max_batches_;

  std::mutex mu_;
  std::condition_variable ready_;  // a batch was queued
  std::condition_variable room_;   // a batch was taken, or stop
  std::deque<Batch> queue_;
  bool stop_ = false;

  Batch current_;
  size_t row_ = 0;
  bool finished_ = false;
  std::string_view key_;
  std::vector<std::optional<std::string_view>> fields_;
  std::thread thread_;  // last: starts after everything above is built
};

}  // namespace binlake
