#include "transform/expression.h"

#include <sqlite3.h>

#include <charconv>
#include <limits>
#include <mutex>
#include <utility>

#include "common/render_text.h"
#include "transform/expression_util.h"

namespace binlake {
namespace {

int BindText(sqlite3_stmt* stmt, int i, std::string_view s) {
  // A null pointer would bind NULL: an empty view is the empty string.
  return sqlite3_bind_text64(stmt, i, s.data() ? s.data() : "", s.size(), SQLITE_STATIC,
                             SQLITE_UTF8);
}

int BindBlob(sqlite3_stmt* stmt, int i, std::string_view s) {
  return sqlite3_bind_blob64(stmt, i, s.data() ? s.data() : "", s.size(), SQLITE_STATIC);
}

std::string_view OperationName(char op) {
  return op == 'D' ? "DELETE" : op == 'U' ? "UPDATE" : "INSERT";
}

// DMS's operation_indicator(flag_delete, flag_update, flag_insert): the argument for the row's
// op. The user data is the CompiledExpression's current op.
void OperationIndicator(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  const char op = *static_cast<const char*>(sqlite3_user_data(ctx));
  sqlite3_result_value(ctx, argv[op == 'D' ? 0 : op == 'U' ? 1 : 2]);
}

// True for values bound as their render_text text (rendered into the scratch buffer).
bool BindsRendered(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kUInt:
      return v.uint_value() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    case Value::Kind::kBit:
    case Value::Kind::kEnumIndex:
    case Value::Kind::kSetBits:
    case Value::Kind::kDate:
    case Value::Kind::kTime:
    case Value::Kind::kDateTime:
    case Value::Kind::kTimestamp:
    case Value::Kind::kJson:
      return true;
    default:
      return false;
  }
}

// SQLite calls this every kProgressInterval virtual-machine instructions; a nonzero return
// interrupts the statement. The user data is the CompiledExpression's call counter.
constexpr int kProgressInterval = 10000;
int StopRunaway(void* calls) {
  return ++*static_cast<uint32_t*>(calls) > CompiledExpression::kMaxSteps / kProgressInterval;
}

}  // namespace

CompiledExpression::~CompiledExpression() {
  sqlite3_finalize(stmt_);
  sqlite3_close_v2(db_);
}

Status CompiledExpression::Fail(std::string_view what) const {
  return InvalidArgument("rule " + rule_id_ + ": " + std::string(what));
}

Result<std::unique_ptr<CompiledExpression>> CompiledExpression::Compile(
    std::string_view expression, const TableSchema& table, std::string_view column,
    const ColumnType& result_type, std::string_view rule_id) {
  std::unique_ptr<CompiledExpression> e(new CompiledExpression());
  e->rule_id_ = rule_id;
  e->result_type_ = result_type;
  for (const Column& c : table.columns) e->column_types_.push_back(c.type);
  const std::string table_name = table.schema + "." + table.table;
  std::string column_type;
  if (!column.empty()) {
    const int i = table.FindColumn(column);
    if (i < 0) {
      return e->Fail("acts on column " + std::string(column) + ", which " + table_name +
                     " does not have");
    }
    column_type = SqlTypeName(table.columns[i].type.type);
  }

  // SQLite's memory statistics take one process-wide mutex on every allocation (each `||`
  // allocates), which serializes the full load's workers; binlake never reads them. The setting
  // must precede SQLite's initialization; later calls are refused harmlessly.
  static std::once_flag configured;
  std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  int rc =
      sqlite3_open_v2(":memory:", &e->db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_function_v2(e->db_, "operation_indicator", 3, SQLITE_UTF8, &e->op_,
                                    OperationIndicator, nullptr, nullptr, nullptr);
  }
  if (rc == SQLITE_OK)
    sqlite3_progress_handler(e->db_, kProgressInterval, StopRunaway, &e->progress_);
  if (rc != SQLITE_OK) {
    return Internal("rule " + e->rule_id_ + ": opening an in-memory SQLite database: " +
                    (e->db_ ? sqlite3_errmsg(e->db_) : sqlite3_errstr(rc)));
  }

  const std::string sql = "SELECT " + std::string(expression);
  const char* tail = nullptr;
  rc = sqlite3_prepare_v3(e->db_, sql.data(), static_cast<int>(sql.size()), 0, &e->stmt_, &tail);
  if (rc != SQLITE_OK) return e->Fail(sqlite3_errmsg(e->db_));
  if (tail != nullptr && tail < sql.data() + sql.size()) {
    // Only whitespace and comments may follow the first statement.
    sqlite3_stmt* next = nullptr;
    rc = sqlite3_prepare_v3(e->db_, tail, static_cast<int>(sql.data() + sql.size() - tail), 0,
                            &next, nullptr);
    const bool more = rc != SQLITE_OK || next != nullptr;
    sqlite3_finalize(next);
    if (more) {
      return e->Fail("the expression holds more than one SQL statement (" + EscapedExcerpt(tail) +
                     ")");
    }
  }
  if (e->stmt_ == nullptr) return e->Fail("the expression is empty");
  if (sqlite3_column_count(e->stmt_) != 1) {
    return e->Fail("the expression gives " + std::to_string(sqlite3_column_count(e->stmt_)) +
                   " values; it must give one");
  }
  if (!sqlite3_stmt_readonly(e->stmt_)) return e->Fail("the expression must not write");

  static constexpr std::pair<std::string_view, Source> kHeaders[] = {
      {"AR_H_OPERATION", Source::kOperation},
      {"AR_H_TIMESTAMP", Source::kTimestamp},
      {"AR_H_COMMIT_TIMESTAMP", Source::kCommitTimestamp},
      {"AR_H_STREAM_POSITION", Source::kStreamPosition},
      {"AR_H_CHANGE_SEQ", Source::kChangeSeq},
      {"AR_H_TRANSACTION_ID", Source::kTransactionId},
      {"AR_H_USER", Source::kUser},
  };
  const std::pair<std::string_view, std::string_view> metadata[] = {
      {"AR_M_SOURCE_SCHEMA", table.schema},
      {"AR_M_SOURCE_TABLE_NAME", table.table},
      {"AR_M_SOURCE_COLUMN_NAME", column},
      {"AR_M_SOURCE_COLUMN_DATATYPE", column_type},
  };
  const int parameters = sqlite3_bind_parameter_count(e->stmt_);
  for (int p = 1; p <= parameters; ++p) {
    const char* raw = sqlite3_bind_parameter_name(e->stmt_, p);
    std::string_view name = raw ? raw : "";
    if (name.size() < 2 || name.front() != '$') {
      return e->Fail("the expression has the parameter '" +
                     EscapedExcerpt(name.empty() ? "?" : name) +
                     "'; refer to columns and DMS variables as $name");
    }
    name.remove_prefix(1);
    Binding b;
    b.parameter = p;
    if (const int i = table.FindColumn(name); i >= 0) {
      b.source = Source::kColumn;
      b.column = static_cast<size_t>(i);
      e->bindings_.push_back(b);
      continue;
    }
    bool found = false;
    for (const auto& [header, source] : kHeaders) {
      if (name == header) {
        b.source = source;
        e->bindings_.push_back(b);
        found = true;
      }
    }
    for (const auto& [variable, value] : metadata) {
      if (name == variable) {
        // Constant for the table: bound once (a copy), kept across sqlite3_reset.
        rc = sqlite3_bind_text64(e->stmt_, p, value.data() ? value.data() : "", value.size(),
                                 SQLITE_TRANSIENT, SQLITE_UTF8);
        if (rc != SQLITE_OK) return e->Fail(sqlite3_errmsg(e->db_));
        found = true;
      }
    }
    if (!found) {
      return e->Fail("expression names $" + EscapedExcerpt(name) + ", which " + table_name +
                     " does not have");
    }
  }
  return Result<std::unique_ptr<CompiledExpression>>(std::move(e));
}

Status CompiledExpression::BindRow(std::span<const Value> row, const ExpressionRow& header) {
  // First render every value bound as text into scratch_, then bind: scratch_ may move while it
  // grows, so views of it are taken only once it is complete.
  scratch_.clear();
  for (Binding& b : bindings_) {
    b.rendered = b.source == Source::kColumn && BindsRendered(row[b.column]);
    if (!b.rendered) continue;
    const Value& v = row[b.column];
    b.text_begin = scratch_.size();
    if (v.kind() == Value::Kind::kUInt) {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v.uint_value());
      scratch_.append(buf, r.ptr);
    } else {
      AppendValueText(v, column_types_[b.column], RenderOptions{}, &scratch_);
    }
    b.text_size = scratch_.size() - b.text_begin;
  }
  for (const Binding& b : bindings_) {
    int rc = SQLITE_OK;
    const int p = b.parameter;
    switch (b.source) {
      case Source::kColumn: {
        const Value& v = row[b.column];
        if (b.rendered) {
          rc = BindText(stmt_, p, std::string_view(scratch_).substr(b.text_begin, b.text_size));
          break;
        }
        switch (v.kind()) {
          case Value::Kind::kNull:
            rc = sqlite3_bind_null(stmt_, p);
            break;
          case Value::Kind::kInt:
            rc = sqlite3_bind_int64(stmt_, p, v.int_value());
            break;
          case Value::Kind::kUInt:  // at most INT64_MAX here
            rc = sqlite3_bind_int64(stmt_, p, static_cast<sqlite3_int64>(v.uint_value()));
            break;
          case Value::Kind::kFloat:
            rc = sqlite3_bind_double(stmt_, p, v.float_value());
            break;
          case Value::Kind::kDouble:
            rc = sqlite3_bind_double(stmt_, p, v.double_value());
            break;
          case Value::Kind::kBytes:
            rc = BindBlob(stmt_, p, v.text());
            break;
          default:  // kDecimal, kString: their text is their rendering
            rc = BindText(stmt_, p, v.text());
            break;
        }
        break;
      }
      case Source::kOperation:
        rc = BindText(stmt_, p, OperationName(header.op));
        break;
      case Source::kTimestamp:
        rc = BindText(stmt_, p, header.timestamp);
        break;
      case Source::kCommitTimestamp:
        rc = BindText(stmt_, p, header.commit_timestamp);
        break;
      case Source::kStreamPosition:
        rc = BindText(stmt_, p, header.stream_position);
        break;
      case Source::kChangeSeq:
        rc = BindText(stmt_, p, header.change_seq);
        break;
      case Source::kTransactionId:
        rc = BindText(stmt_, p, header.transaction_id);
        break;
      case Source::kUser:
        rc = BindText(stmt_, p, header.user);
        break;
    }
    if (rc != SQLITE_OK) return Fail(std::string("binding a value: ") + sqlite3_errmsg(db_));
  }
  return Status::Ok();
}

Result<Value> CompiledExpression::Evaluate(std::span<const Value> row,
                                           const ExpressionRow& header) {
  if (row.size() != column_types_.size()) {
    return Internal("rule " + rule_id_ + ": a row of " + std::to_string(row.size()) +
                    " values for a table of " + std::to_string(column_types_.size()) + " columns");
  }
  if (header.op != 'I' && header.op != 'U' && header.op != 'D') {
    return Internal("rule " + rule_id_ + ": row operation '" + EscapedExcerpt({&header.op, 1}) +
                    "' is not I, U or D");
  }
  op_ = header.op;
  progress_ = 0;
  Status bound = BindRow(row, header);
  Result<Value> out = Value::Null();
  if (!bound.ok()) {
    out = bound;
  } else if (int rc = sqlite3_step(stmt_); rc == SQLITE_ROW) {
    out = ConvertResult();
  } else if (rc == SQLITE_INTERRUPT) {
    out = Fail("the expression ran longer than " + std::to_string(kMaxSteps) +
               " SQLite steps for one row");
  } else if (rc != SQLITE_DONE) {  // SQLITE_DONE: no row (e.g. "1 WHERE 0"), NULL
    out = Fail(sqlite3_errmsg(db_));
  }
  sqlite3_reset(stmt_);
  return out;
}

}  // namespace binlake
