#include "validate/table_compare.h"

#include <algorithm>

namespace binlake {

TableCompare::TableCompare(TableComparison* out, std::vector<std::string> columns,
                           std::vector<int> key_columns, std::vector<bool> source_has,
                           const CsvOptions& csv, size_t max_samples, SourceOpener open_source)
    : out_(out),
      columns_(std::move(columns)),
      key_columns_(std::move(key_columns)),
      source_has_(std::move(source_has)),
      scanner_(csv),
      rfc4180_(csv.rfc4180),
      null_value_(csv.null_value),
      max_samples_(max_samples),
      open_source_(std::move(open_source)) {
  scratch_.resize(columns_.size());
  lake_texts_.resize(columns_.size());
  lake_nulls_.resize(columns_.size());
}

Status TableCompare::Start() {
  source_.reset();
  ASSIGN_OR_RETURN(source_, open_source_());
  return Advance();
}

// The next source row that is wanted.
Status TableCompare::Advance() {
  while (true) {
    ASSIGN_OR_RETURN(source_valid_, source_->Next());
    if (!source_valid_) return Status::Ok();
    if (Wanted(source_->key())) break;
  }
  ++out_->source_rows;
  return Status::Ok();
}

void TableCompare::RecordKey(bool from_source) {
  if (out_->differing_keys.size() >= TableComparison::kMaxDifferingKeys) {
    out_->differing_keys_complete = false;
    return;
  }
  std::vector<std::optional<std::string>> key;
  for (int k : key_columns_) {
    const size_t i = static_cast<size_t>(k);
    if (from_source) {
      const auto& f = source_->fields()[i];
      key.push_back(f ? std::optional<std::string>(std::string(*f)) : std::nullopt);
    } else {
      key.push_back(LakeValue(i));
    }
  }
  out_->differing_keys.push_back(std::move(key));
}

Status TableCompare::Restart() {
  TableComparison fresh;
  fresh.schema = std::move(out_->schema);
  fresh.table = std::move(out_->table);
  fresh.key_columns = std::move(out_->key_columns);
  fresh.rechecked = out_->rechecked;
  fresh.notes = std::move(out_->notes);
  fresh.not_compared = std::move(out_->not_compared);
  *out_ = std::move(fresh);
  return Start();
}

Status TableCompare::ParseLake(std::string_view row) {
  std::string_view record;
  size_t consumed = 0;
  ASSIGN_OR_RETURN(CsvFieldScanner::Scan scan,
                   scanner_.Next(row, true, &fields_, &record, &consumed));
  if (scan != CsvFieldScanner::Scan::kRecord || fields_.size() != columns_.size()) {
    return Internal("a merged row of " + out_->schema + "." + out_->table + " has " +
                    std::to_string(fields_.size()) + " fields for " +
                    std::to_string(columns_.size()) + " columns");
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    lake_nulls_[i] = scanner_.IsNull(fields_[i]);
    lake_texts_[i] = lake_nulls_[i] ? std::string_view() : scanner_.Text(fields_[i], &scratch_[i]);
  }
  return Status::Ok();
}

std::optional<std::string> TableCompare::LakeValue(size_t i) const {
  if (lake_nulls_[i]) return std::nullopt;
  return std::string(lake_texts_[i]);
}

std::string TableCompare::DescribeKey(bool from_source) const {
  std::string s;
  for (int k : key_columns_) {
    const size_t i = static_cast<size_t>(k);
    std::optional<std::string_view> v;
    if (from_source) {
      v = source_->fields()[i];
    } else if (!lake_nulls_[i]) {
      v = lake_texts_[i];
    }
    s += (s.empty() ? "" : ", ") + columns_[i] + "=" + (v ? std::string(*v) : "NULL");
  }
  return s;
}

void TableCompare::MissingInLake() {
  ++out_->missing_in_lake;
  RecordKey(true);
  if (out_->samples.size() >= max_samples_) return;
  RowSample sample;
  sample.kind = RowSample::Kind::kMissingInLake;
  sample.key = DescribeKey(true);
  for (size_t i = 0; i < columns_.size(); ++i) {
    const auto& f = source_->fields()[i];
    sample.source.emplace_back(columns_[i],
                               f ? std::optional<std::string>(std::string(*f)) : std::nullopt);
  }
  out_->samples.push_back(std::move(sample));
}

void TableCompare::ExtraInLake(std::string_view) {
  ++out_->extra_in_lake;
  RecordKey(false);
  if (out_->samples.size() >= max_samples_) return;
  RowSample sample;
  sample.kind = RowSample::Kind::kExtraInLake;
  sample.key = DescribeKey(false);
  for (size_t i = 0; i < columns_.size(); ++i) sample.lake.emplace_back(columns_[i], LakeValue(i));
  out_->samples.push_back(std::move(sample));
}

Status TableCompare::Row(std::string_view key, std::string_view row) {
  if (!Wanted(key)) return Status::Ok();
  ++out_->lake_rows;
  RETURN_IF_ERROR(ParseLake(row));
  while (source_valid_ && CompareKeys(source_->key(), key) < 0) {
    MissingInLake();
    RETURN_IF_ERROR(Advance());
  }
  if (!source_valid_ || CompareKeys(source_->key(), key) > 0) {
    ExtraInLake(key);
    return Status::Ok();
  }
  // The same key: compare every column both sides have.
  RowSample sample;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (!source_has_[i]) continue;
    const std::optional<std::string_view>& s = source_->fields()[i];
    bool same = s.has_value() ? (!lake_nulls_[i] && *s == lake_texts_[i]) : lake_nulls_[i];
    // Rfc4180=false never quotes: a value equal to CsvNullValue reads back as NULL.
    if (!same && !rfc4180_ && s.has_value() && lake_nulls_[i] && *s == null_value_) same = true;
    if (same) continue;
    ++out_->different_columns[columns_[i]];
    sample.columns.push_back(columns_[i]);
    sample.source.emplace_back(columns_[i],
                               s ? std::optional<std::string>(std::string(*s)) : std::nullopt);
    sample.lake.emplace_back(columns_[i], LakeValue(i));
  }
  if (sample.columns.empty()) {
    ++out_->equal;
  } else {
    ++out_->different;
    RecordKey(true);
    if (out_->samples.size() < max_samples_) {
      sample.kind = RowSample::Kind::kDifferent;
      sample.key = DescribeKey(true);
      out_->samples.push_back(std::move(sample));
    }
  }
  return Advance();
}

Status TableCompare::Finish() {
  while (source_valid_) {
    MissingInLake();
    RETURN_IF_ERROR(Advance());
  }
  return Status::Ok();
}

void AppendRange(TableComparison* into, TableComparison&& range, size_t max_samples) {
  into->source_rows += range.source_rows;
  into->lake_rows += range.lake_rows;
  into->equal += range.equal;
  into->missing_in_lake += range.missing_in_lake;
  into->extra_in_lake += range.extra_in_lake;
  into->different += range.different;
  for (const auto& [column, rows] : range.different_columns)
    into->different_columns[column] += rows;
  for (std::string& note : range.notes) {
    if (std::find(into->notes.begin(), into->notes.end(), note) == into->notes.end()) {
      into->notes.push_back(std::move(note));
    }
  }
  if (into->not_compared.empty()) into->not_compared = std::move(range.not_compared);
  for (RowSample& s : range.samples) {
    if (into->samples.size() >= max_samples) break;
    into->samples.push_back(std::move(s));
  }
  for (auto& key : range.differing_keys) {
    if (into->differing_keys.size() >= TableComparison::kMaxDifferingKeys) {
      into->differing_keys_complete = false;
      break;
    }
    into->differing_keys.push_back(std::move(key));
  }
  if (!range.differing_keys_complete) into->differing_keys_complete = false;
}

}  // namespace binlake
