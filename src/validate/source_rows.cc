#include "validate/source_rows.h"

#include <cstring>

#include "source/text_value.h"

namespace binlake {
namespace {

bool SqlOrderIsKeyOrderFor(const ColumnType& t, const RenderOptions& render) {
  (void)render;
  if (t.IsInteger()) return true;
  switch (t.type) {
    case SqlType::kDecimal:
    case SqlType::kYear:
    case SqlType::kDate:
    case SqlType::kDateTime:
    case SqlType::kTimestamp:
      return true;
    default:
      return false;
  }
}

void PutU32(std::string* out, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);
  out->append(b, 4);
}

}  // namespace

bool SqlOrderIsKeyOrder(const std::vector<ColumnType>& key_types, const RenderOptions& render) {
  if (key_types.empty()) return false;
  for (const ColumnType& t : key_types) {
    if (!SqlOrderIsKeyOrderFor(t, render)) return false;
  }
  return true;
}

SourceRows::SourceRows(const TableSchema& source, const KeyEncoder& encoder,
                       SourceRowsOptions options)
    : source_(source), encoder_(encoder), options_(std::move(options)) {
  texts_.resize(options_.columns.size());
  nulls_.resize(options_.columns.size());
  fields_.resize(options_.columns.size());
}

SourceRows::~SourceRows() = default;

Result<std::unique_ptr<SourceRows>> SourceRows::Open(MysqlConnection& conn,
                                                     const TableSchema& source,
                                                     const KeyEncoder& encoder,
                                                     SourceRowsOptions options) {
  std::vector<ColumnType> key_types;
  std::string order;
  for (int lake_column : options.key_columns) {
    const int c = options.columns[static_cast<size_t>(lake_column)];
    if (c < 0) {
      return InvalidArgument(source.schema + "." + source.table +
                             ": a key column of the lake is not in the source table");
    }
    key_types.push_back(source.columns[static_cast<size_t>(c)].type);
    order += (order.empty() ? "" : ", ") + QuoteIdentifier(source.columns[c].name);
  }
  const bool streamed = !options.sorted && !source.primary_key.empty() &&
                        SqlOrderIsKeyOrder(key_types, options.render);
  std::string sql = "SELECT ";
  for (size_t i = 0; i < source.columns.size(); ++i) {
    sql += (i ? ", " : "") + SnapshotSelectExpression(source.columns[i]);
  }
  sql += " FROM " + QuoteIdentifier(source.schema) + "." + QuoteIdentifier(source.table);
  if (!options.where.empty()) sql += " WHERE " + options.where;
  std::unique_ptr<SourceRows> rows(new SourceRows(source, encoder, std::move(options)));
  if (streamed) {
    ASSIGN_OR_RETURN(rows->stream_, conn.Stream(sql + " ORDER BY " + order));
  } else {
    RETURN_IF_ERROR(rows->Sort(conn, sql));
  }
  return rows;
}

// Renders the stream's current row into texts_/nulls_ and its key into key_.
Status SourceRows::RenderCurrent(RowStream& stream) {
  if (stream.field_count() != source_.columns.size()) {
    return Internal("the source returned " + std::to_string(stream.field_count()) +
                    " columns for " + std::to_string(source_.columns.size()));
  }
  Value value;
  for (size_t i = 0; i < options_.columns.size(); ++i) {
    const int c = options_.columns[i];
    texts_[i].clear();
    nulls_[i] = c < 0 || stream.is_null(static_cast<size_t>(c));
    if (nulls_[i]) continue;
    const ColumnType& type = source_.columns[static_cast<size_t>(c)].type;
    Status s = ParseTextValue(stream.field(static_cast<size_t>(c)), type, &value);
    if (!s.ok()) {
      return s.WithContext(source_.schema + "." + source_.table + "." +
                           source_.columns[static_cast<size_t>(c)].name);
    }
    AppendValueText(value, type, options_.render, &texts_[i]);
  }
  key_.clear();
  for (size_t k = 0; k < options_.key_columns.size(); ++k) {
    const size_t i = static_cast<size_t>(options_.key_columns[k]);
    std::optional<std::string_view> text;
    if (!nulls_[i]) text = texts_[i];
    RETURN_IF_ERROR(encoder_.Append(k, text, &key_));
  }
  return Status::Ok();
}

// Reads every row into a ChangeStore (row: per column a null byte, a length, the text).
Status SourceRows::Sort(MysqlConnection& conn, const std::string& sql) {
  store_ = std::make_unique<ChangeStore>(
      ChangeStore::Options{options_.memory_bytes, options_.spill_dir});
  ASSIGN_OR_RETURN(std::unique_ptr<RowStream> stream, conn.Stream(sql));
  while (stream->Next()) {
    RETURN_IF_ERROR(RenderCurrent(*stream));
    packed_.clear();
    for (size_t i = 0; i < texts_.size(); ++i) {
      packed_.push_back(nulls_[i] ? 1 : 0);
      PutU32(&packed_, static_cast<uint32_t>(texts_[i].size()));
      packed_ += texts_[i];
    }
    RETURN_IF_ERROR(store_->Add('I', key_, packed_));
  }
  RETURN_IF_ERROR(stream->status());
  ASSIGN_OR_RETURN(cursor_, store_->Finish());
  cursor_row_ = 0;
  return Status::Ok();
}

void SourceRows::Decode(std::string_view packed) {
  size_t p = 0;
  for (size_t i = 0; i < texts_.size(); ++i) {
    nulls_[i] = packed[p] != 0;
    uint32_t n;
    std::memcpy(&n, packed.data() + p + 1, 4);
    texts_[i].assign(packed.data() + p + 5, n);
    p += 5 + n;
  }
}

Result<bool> SourceRows::Next() {
  if (stream_) {
    if (!stream_->Next()) {
      RETURN_IF_ERROR(stream_->status());
      return false;
    }
    RETURN_IF_ERROR(RenderCurrent(*stream_));
    if (rows_ > 0 && CompareKeys(key_, previous_key_) < 0) {
      return PreconditionFailed(source_.schema + "." + source_.table +
                                ": the source's rows came out of key order");
    }
    previous_key_ = key_;
  } else {
    // The cursor hands out one key's rows at a time.
    if (cursor_row_ == 0 || cursor_row_ >= cursor_->changes().size()) {
      ASSIGN_OR_RETURN(bool more, cursor_->Next());
      if (!more) return false;
      cursor_row_ = 0;
    }
    key_ = cursor_->key();
    Decode(cursor_->changes()[cursor_row_++].row);
  }
  for (size_t i = 0; i < texts_.size(); ++i) {
    fields_[i] = nulls_[i] ? std::nullopt : std::optional<std::string_view>(texts_[i]);
  }
  ++rows_;
  return true;
}

}  // namespace binlake
