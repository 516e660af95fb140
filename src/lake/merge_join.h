// MergeJoin: the one merge of LOAD + CDC. Rows already in key order (the base: a table's LOAD
// files, or a materialization's part file) are joined with the changes a ChangeStore sorted by
// key (lake/change_store.h), and each key's changes are applied to its base rows in order:
//   - With a primary key (one row per key): 'I' and 'U' put the row under its key, 'D' removes
//     it. CDC writes a key change as 'D' of the old row then 'I' of the new one
//     (cdc/cdc_sink.h), so no old key survives.
//   - Without one (`multiset`: the key is every column): 'I' adds a row, 'D' removes one equal
//     row; a 'U' cannot say which row it replaces and is an error (CDC writes such updates as
//     'D' + 'I').
// A change that does not fit (an 'I' for a key that is there, a 'U' or 'D' for one that is not;
// a base with two rows under one primary key) is applied as far as it can be and counted in
// MergeStats::inconsistencies: the change log and the full load disagree.
// The result goes to a RowSink in key order.
//
// Thread-safety: one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/value.h"
#include "lake/change_store.h"

namespace binlake {

// Rows in key order (equal keys adjacent), e.g. a sequence of FileRowReaders.
class SortedRows {
 public:
  virtual ~SortedRows() = default;
  // The next row; false at the end. Views stay valid until the next call.
  virtual Result<bool> Next() = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view row() const = 0;
  // For messages: where the current row comes from.
  virtual std::string where() const = 0;
  // The current row's values, one per column, when the rows come typed (a Parquet file): what
  // parsing row()'s fields with the columns' types gives (common/parse_rendered_text.h; a JSON
  // value may keep a text that render_text makes canonical), so a sink that writes typed values
  // can take them instead of parsing row(). nullptr otherwise. Valid until Next().
  virtual const std::vector<Value>* values() const { return nullptr; }
};

class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual Status Row(std::string_view key, std::string_view row) = 0;
  // The current row of `rows`, unchanged: by default Row(rows.key(), rows.row()); a sink that
  // writes typed values takes rows.values() when there are any.
  virtual Status RowOf(const SortedRows& rows) { return Row(rows.key(), rows.row()); }
};

struct MergeStats {
  uint64_t rows = 0;  // rows given to the sink
  uint64_t inconsistencies = 0;
  bool base_unordered = false;  // MergeJoin stopped: the base's keys went down
};

// The changes of a cursor, one key at a time, with a look at the next key.
class ChangeQueue {
 public:
  explicit ChangeQueue(ChangeCursor* cursor) : cursor_(cursor) {}
  // Loads the first key; call once before use.
  Status Start();
  bool empty() const { return !valid_; }
  std::string_view key() const { return cursor_->key(); }
  const std::vector<Change>& changes() const { return cursor_->changes(); }
  Status Pop();

 private:
  ChangeCursor* cursor_;
  bool valid_ = false;
};

// Joins `base` (may be nullptr: no base rows) with the queued changes whose key is below
// `upper` (every change when `upper` is empty and `bounded` false), writing the result to
// `sink`. When the base's keys go down (or repeat under a primary key) it stops with
// kPreconditionFailed and stats->base_unordered: the caller may fall back to putting the base
// rows among the changes. kInvalidArgument for a 'U' on a multiset.
Status MergeJoin(SortedRows* base, ChangeQueue* changes, bool bounded, std::string_view upper,
                 bool multiset, RowSink* sink, MergeStats* stats);

}  // namespace binlake
