// TableCompare: compares one table's lake rows (the merge of LOAD + CDC, lake/table_rows.h, fed
// as a RestartableSink in key order) with its source rows (validate/source_rows.h, pulled in the
// same key order), value by value as rendered text.
//
// Per key: in both and every value equal -> equal; in both with values that differ -> different
// (counted per column); only in the source -> missing in the lake; only in the lake -> extra in
// the lake. A table without a primary key is a multiset (the key is every column): n copies in
// the source and m in the lake give min(n, m) equal and the rest missing or extra.
// With Rfc4180=false (values never quoted) a source value equal to CsvNullValue is what the lake
// holds as NULL: they compare equal (the dialect cannot tell them apart).
// The first `max_samples` keys that are not equal are kept with both rows' values; values are
// never truncated for the comparison (the report may shorten them for display).
//
// Restart (the lake's LOAD rows were not in key order: the merge starts over) re-opens the source
// rows through `open_source` and forgets the counts.
// Thread-safety: one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/status.h"
#include "format/csv/csv_fields.h"
#include "lake/table_rows.h"
#include "validate/source_rows.h"

namespace binlake {

struct RowSample {
  enum class Kind { kMissingInLake, kExtraInLake, kDifferent };
  Kind kind = Kind::kDifferent;
  std::string key;                   // "col=value, ..." of the key columns
  std::vector<std::string> columns;  // kDifferent: the columns that differ
  // Per column of the table (kDifferent: only those that differ), nullopt = NULL.
  std::vector<std::pair<std::string, std::optional<std::string>>> source, lake;
};

struct TableComparison {
  std::string schema, table;
  std::vector<std::string> key_columns;  // the key's columns (every column: no primary key)
  bool rechecked = false;                // only the keys that differed last time were compared
  size_t ranges = 1;                     // key ranges compared in parallel (table_chunks.h)
  uint64_t source_rows = 0;
  uint64_t lake_rows = 0;
  uint64_t equal = 0;
  uint64_t missing_in_lake = 0;
  uint64_t extra_in_lake = 0;
  uint64_t different = 0;
  std::map<std::string, uint64_t> different_columns;  // column -> rows that differ in it
  std::vector<std::string> notes;  // table-level findings (a column on one side only)
  // Lake columns computed by transformation rules (add-column, change-data-type): not compared
  // (the source has no such value to compare with). Informational: equal_all() ignores it.
  std::vector<std::string> not_compared;
  std::vector<RowSample> samples;
  // Every key that is not equal (up to kMaxDifferingKeys): per key column its value, for
  // --recheck. `differing_keys_complete` false when there were more.
  std::vector<std::vector<std::optional<std::string>>> differing_keys;
  bool differing_keys_complete = true;
  static constexpr size_t kMaxDifferingKeys = 100000;
  bool equal_all() const {
    return missing_in_lake == 0 && extra_in_lake == 0 && different == 0 && notes.empty();
  }
};

// Adds the comparison of the next key range of the same table (validate/table_chunks.h) to
// `into`: counts summed, notes once each, samples and differing keys in key order up to their
// limits; the same as comparing both ranges in one.
void AppendRange(TableComparison* into, TableComparison&& range, size_t max_samples);

class TableCompare : public RestartableSink {
 public:
  using SourceOpener = std::function<Result<std::unique_ptr<KeyedFields>>()>;
  // `columns`: the lake's column names (the plan's schema), `key_columns` among them;
  // `source_has`: per lake column whether the source has it. `csv`: the target's dialect.
  TableCompare(TableComparison* out, std::vector<std::string> columns, std::vector<int> key_columns,
               std::vector<bool> source_has, const CsvOptions& csv, size_t max_samples,
               SourceOpener open_source);

  // Compare only rows whose normalized key is in `keys` (--recheck); the set must outlive this.
  void OnlyKeys(const std::unordered_set<std::string>* keys) { only_keys_ = keys; }
  Status Start();  // opens the source rows
  Status Row(std::string_view key, std::string_view row) override;
  Status Restart() override;
  // The source rows after the lake's last: missing in the lake.
  Status Finish();

 private:
  Status Advance();
  Status ParseLake(std::string_view row);
  void MissingInLake();
  void ExtraInLake(std::string_view key);
  bool Wanted(std::string_view key) const {
    return !only_keys_ || only_keys_->count(std::string(key)) > 0;
  }
  void RecordKey(bool from_source);
  std::string DescribeKey(bool from_source) const;
  std::optional<std::string> LakeValue(size_t i) const;

  TableComparison* out_;
  std::vector<std::string> columns_;
  std::vector<int> key_columns_;
  std::vector<bool> source_has_;
  CsvFieldScanner scanner_;
  bool rfc4180_;
  std::string null_value_;
  size_t max_samples_;
  SourceOpener open_source_;
  const std::unordered_set<std::string>* only_keys_ = nullptr;
  std::unique_ptr<KeyedFields> source_;
  bool source_valid_ = false;
  std::vector<CsvField> fields_;
  std::vector<std::string> scratch_;
  std::vector<std::string_view> lake_texts_;
  std::vector<bool> lake_nulls_;
};

}  // namespace binlake
