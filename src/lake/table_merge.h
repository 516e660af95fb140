// TableMerge: one table's rows as of a point of its change log, built from its full-load rows and
// its CDC changes applied in commit order. The one merge of LOAD + CDC, shared by the commands
// that build tables from a target (materialize; validate will reuse it).
//
// Rows are the text the target's files hold (the one rendering, common/render_text.h), NULL kept
// apart (CsvRecord: nullopt = NULL), so the result renders exactly as the full load renders.
//   - With a primary key: one row per key (the key's fields compared as text). 'I' and 'U' put
//     the row under its key, 'D' removes the key. CDC writes a key change as 'D' of the old row
//     then 'I' of the new one (cdc/cdc_sink.h), so no old key survives.
//   - Without one: the rows are a multiset. 'I' adds a row, 'D' removes one equal row; a 'U'
//     cannot say which row it replaces and is an error (CDC writes such updates as 'D' + 'I').
// A change that does not fit (an 'I' for a key that is there, a 'U' or 'D' for one that is not,
// a 'D' of a row that is not there) is applied as far as it can be and counted in
// inconsistencies(): the change log and the full load disagree.
//
// Memory: every row of the table is held (no spilling yet).
// Thread-safety: one thread.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/schema.h"
#include "common/status.h"
#include "format/csv/csv_reader.h"

namespace binlake {

class TableMerge {
 public:
  // `schema`: the columns and primary key (column indexes) of the table.
  explicit TableMerge(TableSchema schema);

  // A full-load row (as an 'I').
  Status Load(CsvRecord row) { return Apply('I', std::move(row)); }
  // A CDC change: op 'I', 'U' or 'D'. kInvalidArgument for another op, a row of the wrong width,
  // or a 'U' on a table without a primary key.
  Status Apply(char op, CsvRecord row);

  uint64_t size() const { return rows_; }
  uint64_t inconsistencies() const { return inconsistencies_; }

  // The rows, sorted by the key (without one: by every column), NULL first, numeric columns by
  // value, others by their bytes. Leaves the merge empty.
  std::vector<CsvRecord> TakeSortedRows();

 private:
  std::string KeyOf(const CsvRecord& row) const;

  TableSchema schema_;
  std::vector<int> key_;  // the key columns; every column without a primary key
  bool multiset_;
  std::unordered_map<std::string, CsvRecord> by_key_;  // with a primary key
  struct Counted {
    CsvRecord row;
    uint64_t count = 0;
  };
  std::unordered_map<std::string, Counted> counted_;  // without one
  uint64_t rows_ = 0;
  uint64_t inconsistencies_ = 0;
};

// Compares two field texts of a column of `type`: numbers by value (integers and DECIMAL exactly,
// FLOAT/DOUBLE as doubles), everything else by bytes. <0, 0, >0.
int CompareFieldText(const ColumnType& type, const std::string& a, const std::string& b);

}  // namespace binlake
