// SourceRows: one table's rows as the source holds them inside a snapshot transaction
// (source/snapshot.h), each value rendered by the one rendering (common/render_text.h, through the
// full load's text-protocol parser), handed out in the lake's key order (lake/row_key.h) so they
// can be merged with the lake's rows (lake/table_rows.h).
//
// Order: when every key column's SQL order is its key order (integers, DECIMAL, YEAR, DATE,
// DATETIME, TIMESTAMP) the rows are streamed with ORDER BY the key; otherwise (text collations,
// ENUM, TIME, FLOAT, binary in base64, no primary key) they are sorted by key through a
// ChangeStore (lake/change_store.h: bounded memory, spilling to `spill_dir`). A streamed key that
// goes down anyway is kPreconditionFailed: read again with `sorted`.
//
// Columns: `columns` gives, for each lake column, the source column of the same name or -1 (the
// source lacks it: the field is reported as missing). The key is encoded from the lake's key
// columns, found in the source by name.
//
// Ownership: borrows the connection (inside its snapshot transaction) and the encoder, which must
// outlive it. Thread-safety: one thread. Views stay valid until the next Next().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/render_text.h"
#include "common/schema.h"
#include "common/status.h"
#include "lake/change_store.h"
#include "lake/row_key.h"
#include "source/mysql_connection.h"

namespace binlake {

struct SourceRowsOptions {
  RenderOptions render;          // the target's BinaryEncoding
  std::vector<int> columns;      // per lake column: the source column or -1
  std::vector<int> key_columns;  // the lake's key columns (lake column indexes)
  bool sorted = false;           // sort locally even when SQL order would do
  std::string where;             // only these rows: an SQL predicate (validate/table_chunks.h)
  uint64_t memory_bytes = 64ull << 20;
  std::string spill_dir = "/tmp";
};

// Rows in key order, each as its key and per column its rendered value (nullopt = NULL).
class KeyedFields {
 public:
  virtual ~KeyedFields() = default;
  // The next row; false at the end. Views stay valid until the next Next().
  virtual Result<bool> Next() = 0;
  virtual std::string_view key() const = 0;
  virtual const std::vector<std::optional<std::string_view>>& fields() const = 0;
};

class SourceRows : public KeyedFields {
 public:
  static Result<std::unique_ptr<SourceRows>> Open(MysqlConnection& conn, const TableSchema& source,
                                                  const KeyEncoder& encoder,
                                                  SourceRowsOptions options);
  ~SourceRows() override;

  Result<bool> Next() override;
  std::string_view key() const override { return key_; }
  // Per lake column: the rendered value, nullopt for NULL (and for a column the source lacks).
  const std::vector<std::optional<std::string_view>>& fields() const override { return fields_; }
  uint64_t rows() const { return rows_; }

 private:
  SourceRows(const TableSchema& source, const KeyEncoder& encoder, SourceRowsOptions options);
  Status RenderCurrent(RowStream& stream);
  Status Sort(MysqlConnection& conn, const std::string& sql);
  void Decode(std::string_view packed);

  const TableSchema& source_;
  const KeyEncoder& encoder_;
  SourceRowsOptions options_;
  std::unique_ptr<RowStream> stream_;     // streamed
  std::unique_ptr<ChangeCursor> cursor_;  // sorted
  std::unique_ptr<ChangeStore> store_;    // owns what cursor_ reads
  size_t cursor_row_ = 0;                 // rows handed out of the cursor's current key
  std::vector<std::string> texts_;        // rendered values of the current row
  std::vector<bool> nulls_;
  std::vector<std::optional<std::string_view>> fields_;
  std::string key_;
  std::string previous_key_;
  std::string packed_;
  uint64_t rows_ = 0;
};

// Whether SQL's ORDER BY on these columns gives the key order (see above).
bool SqlOrderIsKeyOrder(const std::vector<ColumnType>& key_types, const RenderOptions& render);

}  // namespace binlake
