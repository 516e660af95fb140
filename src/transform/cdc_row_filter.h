// CdcRowFilter: DMS source filters (the "filters" of table-mappings selection rules) evaluated
// on binlog row images, so that CDC writes exactly the changes of the rows a filtered full load
// selects. The full load gives the same rules to the server as SQL (row_filter.h); the
// semantics are the same:
//   - a row passes if any rule selecting the table passes; a rule without filters passes every
//     row; a rule passes if all its filters pass; a filter passes if any of its conditions holds;
//   - a NULL value satisfies only "null" (every comparison with NULL is false in SQL).
// Comparisons follow the column's type, the way MySQL compares a column with a string literal:
//   integers, YEAR, BIT, DECIMAL   exact numeric (the literal is a decimal number)
//   FLOAT, DOUBLE                  as double
//   DATE, DATETIME, TIMESTAMP      the literal is 'YYYY-MM-DD[ HH:MM:SS[.ffffff]]'; TIMESTAMP
//                                  in UTC, as the snapshot session's time zone is UTC
//   TIME                           the literal is '[-]H:MM:SS[.ffffff]'
//   CHAR/VARCHAR/TEXT, ENUM, SET   text (ENUM/SET by label); trailing spaces ignored (PAD SPACE);
//                                  ASCII letters compare case-insensitively unless the column's
//                                  collation is binary, *_bin or *_cs. (Accent folding of *_ai_*
//                                  collations is not reproduced: filter on such text with care.)
//   BINARY/VARBINARY/BLOB, JSON    byte-wise
// An UPDATE passes if its before-image or its after-image passes: a row that moves out of the
// filtered range is still reported, one that moves into it too. (DMS advises filtering only on
// columns that never change.) A column absent from a minimal row image cannot be judged: the
// change passes rather than being dropped unseen.
//
// Thread-safety: immutable after Compile; Passes may be called from any thread.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "common/schema.h"
#include "common/status.h"
#include "common/value.h"
#include "transform/table_mappings.h"

namespace binlake {

class CdcRowFilter {
 public:
  // A filter that passes every row.
  CdcRowFilter() = default;

  // `rules`: every include/explicit rule selecting the table (TableMappings::SelectingRulesFor).
  // Fails (kInvalidArgument) when a filter names a column `schema` lacks, or a literal does not
  // parse for its column's type; the message names the rule, table, column and literal.
  static Result<CdcRowFilter> Compile(const std::vector<const SelectionRule*>& rules,
                                      const TableSchema& schema);

  // False when every row passes (no rule with filters, or one rule without).
  bool active() const { return !rules_.empty(); }

  // `values`: one per column of the schema given to Compile; `present` (optional, same size):
  // 1 if the column is in the image.
  bool Passes(std::span<const Value> values, std::span<const uint8_t> present = {}) const;

  // One parsed literal; its form depends on the column's comparison class.
  struct Literal {
    std::string text;  // numeric: normalized decimal; text/bytes: the (folded) string
    double number = 0;
    int64_t micros = 0;  // TIME: signed microseconds
    DateTimeParts parts;
  };
  enum class Compare : uint8_t { kNumeric, kFloat, kDateTime, kTime, kText, kTextCi, kBytes };

 private:
  struct Condition {
    FilterOperator op = FilterOperator::kEq;
    Literal a, b;  // a: value or start_value; b: end_value
  };
  struct Filter {
    size_t column = 0;
    ColumnType type;  // for ENUM/SET labels
    Compare compare = Compare::kBytes;
    std::vector<Condition> any;
  };
  struct Rule {
    std::vector<Filter> all;
  };

  bool FilterPasses(const Filter& f, std::span<const Value> values,
                    std::span<const uint8_t> present) const;

  std::vector<Rule> rules_;  // empty: every row passes
};

}  // namespace binlake
