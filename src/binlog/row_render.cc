#include "binlog/row_render.h"

#include <charconv>
#include <cmath>

#include "binlog/json_binary.h"
#include "binlog/temporal.h"

namespace binlake::binlog {
namespace {

template <typename T>
void AppendNumber(T v, std::string* out) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

// Appends one value as JSON (see the header for the mapping). `tmp` is reused scratch.
void AppendJsonValue(const Value& v, const ColumnType& type, const RenderOptions& options,
                     std::string* tmp, std::string* out) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      out->append("null");
      return;
    case Value::Kind::kString:  // the renderer's text is the string itself
      AppendJsonString(v.text(), out);
      return;
    case Value::Kind::kInt:
      if (type.type == SqlType::kYear) break;
      AppendNumber(v.int_value(), out);
      return;
    case Value::Kind::kUInt:
    case Value::Kind::kBit:
      if (type.type == SqlType::kYear) break;
      AppendNumber(v.uint_value(), out);
      return;
    case Value::Kind::kFloat:
      if (!std::isfinite(v.float_value())) break;
      AppendShortestFloat(v.float_value(), out);
      return;
    case Value::Kind::kDouble:
      if (!std::isfinite(v.double_value())) break;
      AppendShortestDouble(v.double_value(), out);
      return;
    case Value::Kind::kJson:
      if (AppendCanonicalJson(v.text(), out)) return;
      break;  // not valid JSON: emit it as a string
    default:
      break;
  }
  tmp->clear();
  AppendValueText(v, type, options, tmp);
  AppendJsonString(*tmp, out);
}

// Per-thread cache of the JSON fragments that repeat from row to row.
struct JsonCache {
  uint64_t table_serial = 0;
  std::string table_prefix;              // {"schema":"..","table":"..","op":"
  std::vector<std::string> column_keys;  // "name":
  std::string file, file_json;
  uint64_t commit_us = UINT64_MAX;
  std::string commit_text;
  std::string gtid, gtid_json;
};

void AppendImageJson(const TableMap& table, const RowImage* image, const RenderOptions& options,
                     const JsonCache& cache, std::string* tmp, std::string* out) {
  if (image == nullptr) {
    out->append("null");
    return;
  }
  out->push_back('{');
  bool first = true;
  for (size_t i = 0; i < image->values.size(); ++i) {
    if (!image->present[i]) continue;
    if (!first) out->push_back(',');
    first = false;
    out->append(cache.column_keys[i]);
    AppendJsonValue(image->values[i], table.schema.columns[i].type, options, tmp, out);
  }
  out->push_back('}');
}

void AppendCommitTime(uint64_t us, std::string* out) {
  DateTimeParts t = TimestampToUtc(static_cast<int64_t>(us / 1000000), us % 1000000);
  AppendDateTime(t, 6, out);
}

void AppendImageText(const TableMap& table, const RowImage& image, const RenderOptions& options,
                     std::string* tmp, std::string* out) {
  for (size_t i = 0; i < image.values.size(); ++i) {
    if (!image.present[i]) continue;
    out->append("###   ");
    out->append(table.ColumnLabel(i));
    out->push_back('=');
    const Value& v = image.values[i];
    if (v.is_null()) {
      out->append("NULL\n");
      continue;
    }
    tmp->clear();
    AppendValueText(v, table.schema.columns[i].type, options, tmp);
    bool quote = v.kind() != Value::Kind::kInt && v.kind() != Value::Kind::kUInt &&
                 v.kind() != Value::Kind::kBit && v.kind() != Value::Kind::kFloat &&
                 v.kind() != Value::Kind::kDouble && v.kind() != Value::Kind::kDecimal;
    if (quote) out->push_back('\'');
    for (char c : *tmp) {
      if (quote && (c == '\'' || c == '\\')) out->push_back('\\');
      if (c == '\n') {
        out->append("\\n");
        continue;
      }
      out->push_back(c);
    }
    if (quote) out->push_back('\'');
    out->push_back('\n');
  }
}

}  // namespace

void RenderRowCells(const TableMap& table, const RowImage& image, const RenderOptions& options,
                    std::vector<std::optional<std::string>>* cells) {
  cells->assign(image.values.size(), std::nullopt);
  for (size_t i = 0; i < image.values.size(); ++i) {
    if (!image.present[i] || image.values[i].is_null()) continue;
    std::string text;
    AppendValueText(image.values[i], table.schema.columns[i].type, options, &text);
    (*cells)[i] = std::move(text);
  }
}

void AppendRowChangeJson(const RowChangeEvent& row, const RenderOptions& options,
                         std::string* out) {
  thread_local std::string tmp;
  thread_local JsonCache cache;
  const TableMap& t = *row.table;
  if (cache.table_serial != t.serial || cache.table_serial == 0) {
    cache.table_serial = t.serial;
    cache.table_prefix = "{\"schema\":";
    AppendJsonString(t.schema.schema, &cache.table_prefix);
    cache.table_prefix += ",\"table\":";
    AppendJsonString(t.schema.table, &cache.table_prefix);
    cache.table_prefix += ",\"op\":\"";
    cache.column_keys.clear();
    for (size_t i = 0; i < t.column_count(); ++i) {
      std::string key;
      AppendJsonString(t.ColumnLabel(i), &key);
      key.push_back(':');
      cache.column_keys.push_back(std::move(key));
    }
  }
  const PositionTracker& pos = *row.position;
  if (pos.file() != cache.file) {
    cache.file = pos.file();
    cache.file_json.clear();
    AppendJsonString(cache.file, &cache.file_json);
  }
  if (pos.gtid() != cache.gtid) {
    cache.gtid = pos.gtid();
    cache.gtid_json.clear();
    if (cache.gtid.empty()) {
      cache.gtid_json = "null";
    } else {
      AppendJsonString(cache.gtid, &cache.gtid_json);
    }
  } else if (cache.gtid_json.empty()) {
    cache.gtid_json = "null";
  }
  if (pos.commit_timestamp_us() != cache.commit_us) {
    cache.commit_us = pos.commit_timestamp_us();
    cache.commit_text.clear();
    AppendCommitTime(cache.commit_us, &cache.commit_text);
  }
  out->append(cache.table_prefix);
  out->append(RowOpName(row.change->op));
  out->append("\",\"file\":");
  out->append(cache.file_json);
  out->append(",\"position\":");
  AppendNumber(pos.event_start(), out);
  out->append(",\"row\":");
  AppendNumber(row.row_index, out);
  out->append(",\"gtid\":");
  out->append(cache.gtid_json);
  out->append(",\"commit_timestamp\":\"");
  out->append(cache.commit_text);
  out->append("\",\"before\":");
  AppendImageJson(t, row.change->before, options, cache, &tmp, out);
  out->append(",\"after\":");
  AppendImageJson(t, row.change->after, options, cache, &tmp, out);
  out->push_back('}');
}

void AppendRowChangeText(const RowChangeEvent& row, const RenderOptions& options,
                         std::string* out) {
  thread_local std::string tmp;
  const TableMap& t = *row.table;
  const RowChange& c = *row.change;
  out->append(c.op == RowOp::kInsert   ? "### INSERT INTO `"
              : c.op == RowOp::kUpdate ? "### UPDATE `"
                                       : "### DELETE FROM `");
  out->append(t.schema.schema);
  out->append("`.`");
  out->append(t.schema.table);
  out->append("` (");
  out->append(row.position->file());
  out->append(" at ");
  AppendNumber(row.position->event_start(), out);
  if (!row.position->gtid().empty()) {
    out->append(", gtid ");
    out->append(row.position->gtid());
  }
  out->append(")\n");
  if (c.before != nullptr) {
    out->append("### WHERE\n");
    AppendImageText(t, *c.before, options, &tmp, out);
  }
  if (c.after != nullptr) {
    out->append("### SET\n");
    AppendImageText(t, *c.after, options, &tmp, out);
  }
}

}  // namespace binlake::binlog
