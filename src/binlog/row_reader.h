// RowReader: iterates the row changes of one rows event, decoding each image into Values with the
// table's precomputed column codecs.
//
// Row image layout
// (https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Rows__event.html):
//   null bitmap: (number of columns present in the image + 7) / 8 bytes, bit k (LSB first) set
//                when the k-th present column is NULL
//   values of the present non-NULL columns, in column order, each in its type's packed format
// WRITE: after-image per row; DELETE: before-image; UPDATE: before-image then after-image.
// PARTIAL_UPDATE_ROWS after-images start with packed value_options and, when its bit 0
// (PARTIAL_JSON_UPDATES) is set, a bitmap with one bit per JSON column of the table; a JSON
// column whose bit is set holds a JSON diff vector (json_diff.h) instead of a document.
//
// Ownership: the Values of a RowChange point into the event bytes or into the RowScratch; they
// are valid until the next Next() on any reader sharing that scratch. Copy with OwnedValue to
// keep them. Not thread-safe: one RowScratch per thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "binlog/charset.h"
#include "binlog/events.h"
#include "binlog/scratch_arena.h"
#include "binlog/table_map.h"
#include "common/status.h"
#include "common/value.h"

namespace binlake::binlog {

struct RowImage {
  std::vector<Value> values;     // one per table column; Null when absent or NULL
  std::vector<uint8_t> present;  // 1 if the column is in this image (binlog_row_image)
  // PARTIAL_UPDATE_ROWS after-images only: a JSON diff vector (json_diff.h) for a column whose
  // before-document was not in the event (binlog_row_image=MINIMAL). The column is then absent
  // (present 0); a consumer that knows the document can apply the diff (ApplyJsonDiffVector).
  // Empty views otherwise; points into the event bytes.
  std::vector<ByteView> pending_json_diff;
};

enum class RowOp : uint8_t { kInsert, kUpdate, kDelete };

std::string_view RowOpName(RowOp op);  // "insert", "update", "delete"

struct RowChange {
  RowOp op = RowOp::kInsert;
  const RowImage* before = nullptr;  // UPDATE, DELETE
  const RowImage* after = nullptr;   // INSERT, UPDATE
};

// Reusable buffers for decoding; keep one per thread and pass it to every RowReader.
class RowScratch {
 public:
  RowScratch() = default;
  RowScratch(const RowScratch&) = delete;
  RowScratch& operator=(const RowScratch&) = delete;

 private:
  friend class RowReader;
  ScratchArena arena_;
  IconvCache iconv_;
  std::string text_;  // JSON text being built
  RowImage before_, after_;
  std::vector<uint32_t> cols_before_, cols_after_;  // indexes of present columns
};

class RowReader {
 public:
  // REQUIRES: `event`, `table` and `scratch` outlive the reader; `table` is the TABLE_MAP the
  // event's table_id refers to. Fails if the event has more columns than the map.
  static Result<RowReader> Create(const RowsEvent& event, const TableMap& table,
                                  RowScratch* scratch);

  // Decodes the next row change into `out`; returns false after the last one.
  Result<bool> Next(RowChange* out);

  // Partial JSON updates whose column was missing from the before-image (binlog_row_image=
  // MINIMAL): the after-value is unknown, so the column is absent from the after-image and its
  // diff is in RowImage::pending_json_diff.
  uint64_t unresolved_partial_json() const { return unresolved_partial_json_; }

 private:
  RowReader(const RowsEvent& event, const TableMap& table, RowScratch* scratch)
      : event_(&event), table_(&table), scratch_(scratch) {}

  Status DecodeImage(const std::vector<uint32_t>& cols, bool after_image, RowImage* image);
  Status DecodeCell(const ColumnCodec& c, uint32_t column, bool partial_json, Value* out);
  Status ToText(const ColumnCodec& c, std::string_view raw, Value* out);

  const RowsEvent* event_;
  const TableMap* table_;
  RowScratch* scratch_;
  size_t pos_ = 0;  // in event_->rows
  size_t row_ = 0;
  uint64_t unresolved_partial_json_ = 0;
};

}  // namespace binlake::binlog
