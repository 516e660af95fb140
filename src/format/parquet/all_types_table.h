// The test table with every column type binlake maps and edge values for each (shared by the
// Parquet writer tests and the benchmark). Values are owned by the table.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "common/schema.h"
#include "common/value.h"

namespace binlake::parquet::testing {

struct AllTypesTable {
  TableSchema schema;
  // rows[r][c]: the value of column c in row r. Every column has at least one NULL.
  std::vector<std::vector<Value>> rows;
  std::deque<std::string> storage;  // owns the bytes of text values
};

// `repeat` copies of the base rows; column "seq" (BIGINT) holds the row number r and "uniq"
// (VARCHAR) "u<r/4>" (NULL when r % 50 == 3), so uniq's dictionary pays off but keeps growing.
AllTypesTable MakeAllTypesTable(int repeat);

}  // namespace binlake::parquet::testing
