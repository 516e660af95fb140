// DMS transformation-rule expressions: the `expression` of an add-column rule (or of a rule that
// replaces an existing column's value), evaluated the way AWS DMS evaluates it, with SQLite.
// Semantics from the AWS DMS User Guide pages "Using transformation rule expressions to define
// column content" (SQLite functions, operation_indicator, header columns) and "Transformation
// rules and actions" (the data-type block).
//
// An expression is SQLite SQL: "SELECT <expression>" is prepared once per table on a private
// in-memory SQLite connection and stepped once per row. `$name` (SQLite's named-parameter syntax)
// refers to, first, a column of the table (exact, case-sensitive name), then to one of:
//   $AR_H_OPERATION          'INSERT', 'UPDATE' or 'DELETE' (ExpressionRow::op)
//   $AR_H_TIMESTAMP          ExpressionRow::timestamp          } as TEXT; an empty view is '',
//   $AR_H_COMMIT_TIMESTAMP   ExpressionRow::commit_timestamp   } never NULL (DMS gives empty
//   $AR_H_STREAM_POSITION    ExpressionRow::stream_position    } strings for headers that have
//   $AR_H_CHANGE_SEQ         ExpressionRow::change_seq         } no value, e.g. in full load)
//   $AR_H_TRANSACTION_ID     ExpressionRow::transaction_id     }
//   $AR_H_USER               ExpressionRow::user               }
//   $AR_M_SOURCE_SCHEMA, $AR_M_SOURCE_TABLE_NAME     the table's schema and name
//   $AR_M_SOURCE_COLUMN_NAME, $AR_M_SOURCE_COLUMN_DATATYPE
//                            the column the rule acts on and its SQL type name ("decimal"); both
//                            '' when there is none (add-column)
// Full load (the header table of the first page above): every row is an INSERT, so the caller
// passes op 'I' ($AR_H_OPERATION 'INSERT'); AR_H_TIMESTAMP and AR_H_COMMIT_TIMESTAMP are the
// current time (when the row is read); the stream position, change sequence, transaction id and
// user are empty.
//
// Functions: SQLite's own, plus DMS's operation_indicator(flag_delete, flag_update, flag_insert),
// which returns the argument for the row's op (as given, any type); in full load, flag_insert
// (the page does not say; it follows from AR_H_OPERATION being INSERT there). DMS documents
// operation_indicator for tables with a primary key only; that is the caller's check. Not
// provided: DMS's hash_sha256 and replaceChars (they fail to compile: "no such function").
//
// Values enter SQLite as DMS hands them over: signed and unsigned integers as INTEGER (an
// unsigned value above INT64_MAX as its decimal TEXT), FLOAT/DOUBLE as REAL, strings as TEXT,
// binary as BLOB, NULL as NULL, and everything else (DECIMAL, dates, times, ENUM, SET, JSON,
// BIT) as TEXT in binlake's one rendering (common/render_text.h). Note that a TEXT value compares
// greater than any number in SQLite: compare a DECIMAL numerically as `$price + 0 > 100` or
// `CAST($price AS REAL) > 100`; arithmetic converts the text itself.
//
// The result is converted to the rule's type (`result_type`):
//   integers, YEAR, BIT   INTEGER; REAL with no fraction; TEXT of digits with an optional "-".
//                         Checked against the type's range.
//   DECIMAL(p,s)          INTEGER, REAL (rounded to s digits) or decimal TEXT (rounded half away
//                         from zero to s digits); at most p-s integer digits
//   FLOAT, DOUBLE         INTEGER, REAL, or TEXT that is a finite number
//   DATE, DATETIME(f),    TEXT 'YYYY-MM-DD[ HH:MM:SS[.f]]' (what SQLite's date functions return):
//   TIMESTAMP(f)          a DATE drops the time (as MySQL does); fractional digits beyond f are
//                         truncated; a date-only text is midnight
//   TIME(f)               TEXT '[-]H:MM:SS[.f]', up to 838 hours
//   CHAR/VARCHAR/TEXT,    SQLite's text of the result (BLOB bytes must be UTF-8); at most
//   ENUM, SET, JSON       `length` characters when the type has one (binary collation: bytes)
//   BINARY/VARBINARY/BLOB the result's bytes (SQLite's text for numbers); at most `length` bytes
// SQL NULL (and a query that returns no row) is Value::Null(). A result that does not convert
// fails; apart from the rounding and truncation of fractional digits above, no value is changed
// to fit. An evaluation that runs longer than kMaxSteps SQLite instructions fails.
//
// Errors: kInvalidArgument, one line starting "rule <id>: "; the caller adds the table and key.
//
// Implementation: expression.cc (compiling, binding, evaluating), expression_result.cc (data
// types, converting results).
//
// Threading: one CompiledExpression is used by one thread at a time. Separate instances are
// independent (each has its own SQLite connection, opened SQLITE_OPEN_NOMUTEX) and may run on
// separate threads.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/schema.h"
#include "common/status.h"
#include "common/value.h"

struct sqlite3;
struct sqlite3_stmt;

namespace binlake {

// The "data-type" block of a transformation rule: {type, length, precision, scale}.
struct DmsDataType {
  std::string type;  // lower case: string, wstring, int1..int8, uint1..uint8, numeric, ...
  uint32_t length = 0;
  int precision = -1;  // -1: not given
  int scale = -1;
};

// Parses a rule's "data-type" object. Numbers may be JSON numbers or strings of digits. Fails
// (kInvalidArgument, one line starting "data-type") when it is not an object, lacks "type", has a
// key other than type/length/precision/scale, or a number is negative or not a number.
Result<DmsDataType> ParseDmsDataType(const nlohmann::json& j);

// The column type binlake writes for a DMS data type:
//   string, wstring       VARCHAR(length), TEXT when length is 0
//   int1/int2/int4/int8   TINYINT/SMALLINT/INT/BIGINT; uint1..uint8 the same, UNSIGNED
//   numeric               DECIMAL(precision, scale): precision 1..65 required, scale default 0
//   real4, real8          FLOAT, DOUBLE
//   date                  DATE
//   time, datetime        TIME(f), DATETIME(f): f = scale, else precision (DMS's own example
//                         writes "precision": 6), else 0; above 6 becomes 6 (microseconds)
//   boolean               TINYINT with length 1 (TINYINT(1))
//   bytes, blob           BLOB (length kept as the maximum bytes)
//   clob, nclob           TEXT
// Fails (kInvalidArgument, one line) for any other type or a precision/scale out of range.
Result<ColumnType> ColumnTypeForDmsDataType(const DmsDataType& data_type);

// Per-row header values (DMS's $AR_H_* variables). The views must stay valid during Evaluate.
struct ExpressionRow {
  char op = 'I';                      // 'I', 'U' or 'D'; full load rows are 'I'
  std::string_view timestamp;         // $AR_H_TIMESTAMP "yyyy-MM-dd HH:mm:ss.SSSSSS"
  std::string_view commit_timestamp;  // $AR_H_COMMIT_TIMESTAMP
  std::string_view stream_position;   // $AR_H_STREAM_POSITION
  std::string_view change_seq;        // $AR_H_CHANGE_SEQ
  std::string_view transaction_id;    // $AR_H_TRANSACTION_ID
  std::string_view user;              // $AR_H_USER
};

class CompiledExpression {
 public:
  // Compiles `expression` for rows of `table`. `column`: the column the rule acts on ("" for
  // add-column); `result_type`: the type results are converted to; `rule_id` names the rule in
  // errors. Fails (kInvalidArgument, "rule <id>: ...") with SQLite's own message for a syntax
  // error, for a $name that is neither a column nor a DMS variable, a parameter that is not a
  // $name, more than one statement, a result of more than one column, or a statement that writes.
  static Result<std::unique_ptr<CompiledExpression>> Compile(std::string_view expression,
                                                             const TableSchema& table,
                                                             std::string_view column,
                                                             const ColumnType& result_type,
                                                             std::string_view rule_id);
  ~CompiledExpression();
  CompiledExpression(const CompiledExpression&) = delete;
  CompiledExpression& operator=(const CompiledExpression&) = delete;

  // Evaluates the expression for one row: `row` has one Value per column of the table given to
  // Compile (its text/bytes views are bound without copying and must stay valid during the
  // call). The returned Value views storage of this object: valid until the next Evaluate.
  // No allocation per row once the scratch buffers have grown to the largest row.
  Result<Value> Evaluate(std::span<const Value> row, const ExpressionRow& header);

  const ColumnType& result_type() const { return result_type_; }

  // An evaluation stops with an error after this many SQLite virtual-machine instructions (a
  // runaway expression, e.g. an endless recursive CTE, must not stall replication).
  static constexpr uint32_t kMaxSteps = 20'000'000;

 private:
  enum class Source : uint8_t {
    kColumn,
    kOperation,
    kTimestamp,
    kCommitTimestamp,
    kStreamPosition,
    kChangeSeq,
    kTransactionId,
    kUser,
  };
  struct Binding {
    int parameter = 0;  // 1-based SQLite parameter index
    Source source = Source::kColumn;
    size_t column = 0;      // kColumn: index into the row
    bool rendered = false;  // per row: the value is bound as its text in scratch_, at
    size_t text_begin = 0;  // [text_begin, text_begin + text_size)
    size_t text_size = 0;
  };

  CompiledExpression() = default;
  Status Fail(std::string_view what) const;
  Status BindRow(std::span<const Value> row, const ExpressionRow& header);
  Result<Value> ConvertResult();

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::string rule_id_;
  ColumnType result_type_;
  std::vector<ColumnType> column_types_;  // of the table, for rendering
  std::vector<Binding> bindings_;
  char op_ = 'I';          // the current row's op, read by operation_indicator
  uint32_t progress_ = 0;  // progress-handler calls during the current row
  std::string scratch_;    // rendered text of the current row's values
  std::string result_;     // the current result's text or bytes
  std::string work_;       // scratch for converting the result
};

}  // namespace binlake
