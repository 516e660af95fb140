#include "cdc/cdc_sink.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <ctime>
#include <iterator>
#include <span>
#include <utility>

#include "binlog/binlog_position.h"
#include "cdc/ddl_target.h"
#include "common/render_text.h"
#include "source/catalog.h"

namespace binlake {
namespace {

std::chrono::system_clock::time_point CommitTime(const binlog::PositionTracker& position) {
  return std::chrono::system_clock::time_point(
      std::chrono::microseconds(position.commit_timestamp_us()));
}

}  // namespace

bool CdcSelectsTable(const TableMappings* mappings, std::string_view schema,
                     std::string_view table) {
  return mappings ? mappings->Selects(schema, table) : !IsSystemSchema(schema);
}

bool CdcRowPasses(const CdcRowFilter& filter, const binlog::RowChange& change) {
  auto passes = [&](const binlog::RowImage* image) {
    return image && filter.Passes(image->values, image->present);
  };
  if (change.op == binlog::RowOp::kUpdate) return passes(change.before) || passes(change.after);
  return passes(change.op == binlog::RowOp::kDelete ? change.before : change.after);
}

CdcSink::CdcSink(CdcSinkOptions options, CdcWriter* writer,
                 std::map<std::string, TableSchema>* catalog, MysqlConnection* control,
                 SchemaHistory* history)
    : options_(std::move(options)),
      writer_(writer),
      catalog_(catalog),
      control_(control),
      history_(history) {}

Status CdcSink::OnEvent(const binlog::Event& ev, bool inner) {
  const auto* q = std::get_if<binlog::QueryEvent>(&ev.data);
  if (!q) return Status::Ok();
  std::optional<DdlTarget> ddl = ParseDdlTarget(q->statement, q->schema);
  if (!ddl) return Status::Ok();
  if (!CdcSelectsTable(options_.mappings, ddl->schema, ddl->table)) return Status::Ok();
  // Recorded under the target's names (transformation rules), where the table's files are.
  ASSIGN_OR_RETURN(TableName target, TargetTableName(options_.mappings, ddl->schema, ddl->table));
  writer_->AddDdl(target.schema, target.table);
  spdlog::info("DDL on {}.{}: {}", ddl->schema, ddl->table, q->statement.substr(0, 200));
  if (tracker_ && !skip_transaction_) {
    binlog::BinlogPosition at;
    at.file = tracker_->file();
    at.position = tracker_->event_start();
    RETURN_IF_ERROR(history_->RecordDdl(
        target.schema, target.table, ddl->kind, q->statement, q->schema, at, ev.header.timestamp,
        RulesTouchTable(options_.mappings, ddl->schema, ddl->table)));
  }
  RefreshCatalog();  // hints for maps without full metadata follow the new columns
  output_schemas_.clear();
  return Status::Ok();
}

Status CdcSink::OnRowChange(const binlog::RowChangeEvent& row) {
  // Not committed yet: written at its XA COMMIT (cdc/xa_tracker.h), never at XA PREPARE.
  if (row.position->in_xa_body()) return Status::Ok();
  const binlog::TableMap* map = row.table;
  if (!Selected(*map)) return Status::Ok();
  if (skip_transaction_) return Status::Ok();
  if (skip_before_ && CommitTime(*row.position) < *skip_before_) {
    return Status::Ok();  // before --start-time
  }
  if (options_.stop_at_time && CommitTime(*row.position) >= *options_.stop_at_time) {
    stop_requested_ = true;  // the loop stops at this transaction's end, without it
    skip_transaction_ = true;
    return Status::Ok();
  }
  bool created = false;
  const OutputTable& output = OutputSchema(*map, &created);
  // A map's first row always creates its description: the history hears of it then.
  if (created && recorded_serials_.insert(map->serial).second) {
    binlog::BinlogPosition at;
    at.file = row.position->file();
    at.position = row.position->event_start();
    // In the background; the next commit waits for it.
    if (output.status.ok()) history_->Observe(output.transform.target(), at);
  }
  if (!output.status.ok()) return output.status;
  if (output.filter.active() && !CdcRowPasses(output.filter, *row.change)) return Status::Ok();
  if (!transaction_open_) {
    writer_->BeginTransaction(row.position->commit_timestamp_us());
    transaction_open_ = true;
  }
  if (row.change->op == binlog::RowOp::kUpdate && row.change->before &&
      UpdateIsDeleteAndInsert(output, *row.change->before, *row.change->after)) {
    // The old key must leave the state: its before-image as a delete, then the after-image as
    // an insert (each only where it passes the row filters).
    if (!output.filter.active() ||
        output.filter.Passes(row.change->before->values, row.change->before->present)) {
      RETURN_IF_ERROR(WriteChange(output, 'D', *row.change->before, row));
    }
    if (!output.filter.active() ||
        output.filter.Passes(row.change->after->values, row.change->after->present)) {
      RETURN_IF_ERROR(WriteChange(output, 'I', *row.change->after, row));
    }
    return Status::Ok();
  }
  const binlog::RowImage* image =
      row.change->op == binlog::RowOp::kDelete ? row.change->before : row.change->after;
  char op = row.change->op == binlog::RowOp::kInsert   ? 'I'
            : row.change->op == binlog::RowOp::kUpdate ? 'U'
                                                       : 'D';
  return WriteChange(output, op, *image, row);
}

bool CdcSink::UpdateIsDeleteAndInsert(const OutputTable& output, const binlog::RowImage& before,
                                      const binlog::RowImage& after) {
  const TableSchema& schema = output.schema;
  // Rows are a multiset: which one changed?
  if (schema.primary_key.empty() || output.transform.target().primary_key.empty()) return true;
  for (int c : schema.primary_key) {
    const size_t i = static_cast<size_t>(c);
    if (i >= before.values.size() || i >= after.values.size()) continue;
    // MINIMAL images leave unchanged columns out of the after-image.
    if (i < before.present.size() && !before.present[i]) continue;
    if (i < after.present.size() && !after.present[i]) continue;
    const Value& a = before.values[i];
    const Value& b = after.values[i];
    if (a.is_null() != b.is_null()) return true;
    if (a.is_null()) continue;
    if (a.kind() == b.kind()) {  // the common key types without rendering
      switch (a.kind()) {
        case Value::Kind::kInt:
          if (a.int_value() != b.int_value()) return true;
          continue;
        case Value::Kind::kUInt:
          if (a.uint_value() != b.uint_value()) return true;
          continue;
        case Value::Kind::kString:
        case Value::Kind::kBytes:
          if (a.text() != b.text()) return true;
          continue;
        default:
          break;
      }
    }
    key_text_a_.clear();
    key_text_b_.clear();
    AppendValueText(a, schema.columns[i].type, RenderOptions{}, &key_text_a_);
    AppendValueText(b, schema.columns[i].type, RenderOptions{}, &key_text_b_);
    if (key_text_a_ != key_text_b_) return true;
  }
  return false;
}

Status CdcSink::WriteChange(const OutputTable& output, char op, const binlog::RowImage& image,
                            const binlog::RowChangeEvent& row) {
  const TableSchema& schema = output.schema;
  // MariaDB JSON arrives as LONGTEXT text: rendered as the JSON the full load writes.
  auto with_json = [&](const std::vector<Value>& in, std::vector<Value>* out) {
    if (!output.has_json) return std::span<const Value>(in);
    out->assign(in.begin(), in.end());
    for (size_t i = 0; i < out->size() && i < schema.columns.size(); ++i) {
      if (schema.columns[i].type.type == SqlType::kJson &&
          (*out)[i].kind() == Value::Kind::kString) {
        (*out)[i] = Value::Json((*out)[i].text());
      }
    }
    return std::span<const Value>(*out);
  };
  std::span<const Value> values = with_json(image.values, &values_);
  if (!options_.sequence_column_name.empty() || output.rows->needs_header()) {
    // Strictly increasing change sequence from the position: file, event, row in the event.
    uint64_t start = row.position->event_start();
    if (start != sequence_event_ || row.position->file() != sequence_file_) {
      sequence_event_ = start;
      sequence_file_ = row.position->file();
      sequence_row_ = 0;
    }
    sequence_ = fmt::format("{:06}{:012}{:07}", binlog::BinlogFileNumber(sequence_file_), start,
                            sequence_row_++);
  }
  ExpressionRow header;
  if (output.rows->needs_header()) {
    // DMS's $AR_H_* values of this change (transform/expression.h; docs/TRANSFORMATIONS.md).
    header.op = op;
    header_time_.clear();
    const uint64_t us = row.position->commit_timestamp_us();
    const std::time_t secs = static_cast<std::time_t>(us / 1000000);
    std::tm tm;
    gmtime_r(&secs, &tm);
    fmt::format_to(std::back_inserter(header_time_), "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}",
                   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                   us % 1000000);
    header.timestamp = header.commit_timestamp = header_time_;
    header_position_ = row.position->file() + ":" + std::to_string(row.position->event_start());
    header.stream_position = header_position_;
    header.change_seq = sequence_;
    header.transaction_id = row.position->gtid();  // "" for an anonymous transaction
  }
  // The before-image columns (add-before-image-columns) hold an update's before-image.
  std::span<const Value> before;
  if (op == 'U' && row.change->before && !output.transform.before_images().empty()) {
    before = with_json(row.change->before->values, &before_values_);
  }
  ASSIGN_OR_RETURN(std::span<const Value> target_row, output.rows->Apply(values, header, before));
  ++row_changes_;
  return writer_->AddChange(output.transform.target(), output.token, op, target_row, sequence_);
}

void CdcSink::Reset() {
  transaction_open_ = false;
  skip_transaction_ = false;
  output_schemas_.clear();
  selected_.clear();
}

void CdcSink::ForgetTableMap(uint64_t serial) {
  output_schemas_.erase(serial);
  selected_.erase(serial);
  recorded_serials_.erase(serial);
}

const TableSchema* CdcSink::Hint(std::string_view schema, std::string_view table) const {
  auto it = catalog_->find(std::string(schema) + "." + std::string(table));
  return it == catalog_->end() ? nullptr : &it->second;
}

bool CdcSink::Selected(const binlog::TableMap& map) {
  auto [it, inserted] = selected_.try_emplace(map.serial, false);
  if (inserted)
    it->second = CdcSelectsTable(options_.mappings, map.schema.schema, map.schema.table);
  return it->second;
}

const CdcSink::OutputTable& CdcSink::OutputSchema(const binlog::TableMap& map, bool* created) {
  auto it = output_schemas_.find(map.serial);
  if (it != output_schemas_.end()) return it->second;
  *created = true;
  TableSchema out = map.schema;
  const TableSchema* hint = Hint(out.schema, out.table);
  if (hint && hint->columns.size() == out.columns.size()) {
    for (size_t i = 0; i < out.columns.size(); ++i) {
      if (hint->columns[i].type.type == SqlType::kJson &&
          out.columns[i].type.type == SqlType::kText) {
        out.columns[i].type.type = SqlType::kJson;
      }
    }
  }
  for (size_t i = 0; i < out.columns.size(); ++i) {
    if (out.columns[i].name.empty()) out.columns[i].name = map.ColumnLabel(i);
  }
  OutputTable table{std::move(out), {}, nullptr, ++last_token_, {}, Status::Ok()};
  for (const Column& c : table.schema.columns) {
    if (c.type.type == SqlType::kJson) table.has_json = true;
  }
  if (options_.mappings) {
    // The mappings' source filters, on this description's columns (names from the map's full
    // metadata or the catalog).
    auto filter = CdcRowFilter::Compile(
        options_.mappings->SelectingRulesFor(table.schema.schema, table.schema.table),
        table.schema);
    if (filter.ok()) {
      table.filter = std::move(*filter);
    } else {
      table.status = filter.status();
    }
  }
  // What the transformation rules make of it (the identity without rules).
  Result<TableTransform> transform = TableTransform::Build(options_.mappings, table.schema);
  if (transform.ok()) {
    table.transform = std::move(transform).value();
    const TableSchema& target = table.transform.target();
    Status claimed =
        claims_.Claim({table.schema.schema, table.schema.table}, {target.schema, target.table});
    if (table.status.ok()) table.status = claimed;
    if (options_.mappings && options_.mappings->HasObjectTags()) {
      // post-processing rules: by the source's names; the writer knows the target's.
      Result<ObjectTags> tags =
          options_.mappings->ObjectTagsFor(table.schema.schema, table.schema.table);
      if (tags.ok()) {
        writer_->SetObjectTags(target.schema, target.table, std::move(tags).value());
      } else if (table.status.ok()) {
        table.status = tags.status();
      }
    }
  } else {
    table.transform = TableTransform::Identity(table.schema);
    if (table.status.ok()) table.status = transform.status();
  }
  OutputTable& kept = output_schemas_.emplace(map.serial, std::move(table)).first->second;
  // Points at the kept transform (a map's nodes do not move).
  Result<RowTransformer> rows = RowTransformer::Create(&kept.transform);
  if (rows.ok()) {
    kept.rows = std::make_unique<RowTransformer>(std::move(rows).value());
  } else if (kept.status.ok()) {
    kept.status = rows.status();
  }
  return kept;
}

void CdcSink::RefreshCatalog() {
  if (!control_) return;
  auto fresh = ReadCatalog(*control_);
  if (!fresh.ok() && fresh.status().IsRetryable()) {
    // The connection was lost (the source restarted, or closed it when idle): a new one.
    auto reopened = MysqlConnection::Open(control_->config());
    if (reopened.ok()) {
      reopened_control_ = std::move(reopened).value();
      control_ = reopened_control_.get();
      fresh = ReadCatalog(*control_);
    } else {
      fresh = reopened.status();
    }
  }
  if (!fresh.ok()) {
    spdlog::warn("could not re-read the catalog after a DDL: {}", fresh.status().message());
    return;
  }
  catalog_->clear();
  for (auto& t : *fresh) {
    catalog_->emplace(t.schema.schema + "." + t.schema.table, std::move(t.schema));
  }
}

}  // namespace binlake
