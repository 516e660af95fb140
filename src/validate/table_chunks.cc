#include "validate/table_chunks.h"

#include <string_view>

#include "format/csv/csv_fields.h"
#include "source/chunk_planner.h"
#include "source/mysql_connection.h"

namespace binlake {
namespace {

bool IsIntegerText(std::string_view s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The key columns' values of `row` (CSV of the plan's columns in the lake's dialect) as SQL
// literals: false when one is NULL or not an integer.
bool KeyLiterals(const Lake& lake, const TableKey& key, std::string_view row,
                 std::vector<std::string>* literals) {
  CsvFieldScanner scanner(lake.csv);
  std::vector<CsvField> fields;
  std::string_view record;
  size_t consumed = 0;
  const std::string text = std::string(row) + scanner.row_delimiter();
  Result<CsvFieldScanner::Scan> scan = scanner.Next(text, true, &fields, &record, &consumed);
  if (!scan.ok() || *scan != CsvFieldScanner::Scan::kRecord) return false;
  std::string scratch;
  for (int k : key.columns) {
    if (static_cast<size_t>(k) >= fields.size() || scanner.IsNull(fields[k])) return false;
    std::string value(scanner.Text(fields[k], &scratch));
    if (!IsIntegerText(value)) return false;
    literals->push_back(std::move(value));
  }
  return true;
}

std::vector<TableChunk> Whole() { return std::vector<TableChunk>(1); }

}  // namespace

Result<std::vector<TableChunk>> PlanTableChunks(ObjectStore& target, const Lake& lake,
                                                const TablePlan& plan, const TableSchema& source,
                                                size_t max_ranges, uint64_t min_range_bytes) {
  if (max_ranges < 2) return Whole();
  const TableKey key = KeyOfTable(plan.schema);
  if (key.multiset) return Whole();
  std::vector<std::string> key_names;
  for (int k : key.columns) {
    const Column& c = plan.schema.columns[static_cast<size_t>(k)];
    const int s = source.FindColumn(c.name);
    if (!c.type.IsInteger() || s < 0 || !source.columns[static_cast<size_t>(s)].type.IsInteger()) {
      return Whole();
    }
    key_names.push_back(QuoteIdentifier(c.name));
  }
  ASSIGN_OR_RETURN(std::vector<LoadSlice> slices,
                   PlanLoadSlices(target, lake, plan, max_ranges, min_range_bytes));
  if (slices.size() < 2) return Whole();
  // Each slice's lower bound as literals (the first slice has none).
  std::vector<std::vector<std::string>> lower(slices.size());
  for (size_t i = 1; i < slices.size(); ++i) {
    if (!KeyLiterals(lake, key, slices[i].first_row, &lower[i])) return Whole();
  }
  std::vector<TableChunk> chunks;
  for (size_t i = 0; i < slices.size(); ++i) {
    TableChunk chunk;
    chunk.slice = std::move(slices[i].slice);
    chunk.where = KeyRangePredicate(
        key_names, lower[i], i + 1 < lower.size() ? lower[i + 1] : std::vector<std::string>{});
    chunks.push_back(std::move(chunk));
  }
  return chunks;
}

}  // namespace binlake
