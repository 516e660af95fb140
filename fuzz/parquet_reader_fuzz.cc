// Fuzzes the Parquet reader (format/parquet/parquet_reader.h) on the bytes of a target's files,
// which come from a store and are untrusted: opening and reading every column must give the
// values or one "parquet: " error (kCorruption or kUnsupported), never a crash, a hang or a huge
// allocation. Every byte value is touched, so a view outside its buffer shows under ASan.
// The same file is then read as `binlake materialize` reads it: from its footer (OpenTail) and
// one row group at a time (AttachRowGroup, each from a copy of its bytes only), and every value
// converted back to a Value (parquet_value.h) for a column type chosen from the Parquet column
// and the input's size, then rendered: one-line kCorruption/kUnsupported errors, nothing else.
// Seeds: fuzz/corpus/parquet_reader_fuzz (files binlake's writer wrote; parquet_reader_test
// rewrites them with BINLAKE_WRITE_PARQUET_SEEDS=DIR).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/render_text.h"
#include "format/parquet/parquet_reader.h"
#include "format/parquet/parquet_value.h"

namespace {

using binlake::Status;
using binlake::StatusCode;

void CheckError(const Status& s, bool parquet_prefix = true) {
  if (s.ok()) return;
  if (s.code() != StatusCode::kCorruption && s.code() != StatusCode::kUnsupported) std::abort();
  if (parquet_prefix && s.message().rfind("parquet: ", 0) != 0) std::abort();
  if (s.message().find('\n') != std::string::npos) std::abort();
}

// A SQL column type for a Parquet column, as a table's schema might give it (`pick` varies it).
binlake::ColumnType TypeFor(const binlake::parquet::ParquetColumn& c, size_t pick) {
  using binlake::SqlType;
  using binlake::parquet::PhysicalType;
  binlake::ColumnType t;
  switch (c.type) {
    case PhysicalType::kInt32: {
      static constexpr SqlType kTypes[] = {SqlType::kTinyInt, SqlType::kInt, SqlType::kYear,
                                           SqlType::kDate, SqlType::kDecimal};
      t.type = kTypes[pick % 5];
      break;
    }
    case PhysicalType::kInt64: {
      static constexpr SqlType kTypes[] = {SqlType::kBigInt, SqlType::kBit, SqlType::kDateTime,
                                           SqlType::kTimestamp, SqlType::kDecimal};
      t.type = kTypes[pick % 5];
      break;
    }
    case PhysicalType::kFloat:
      t.type = SqlType::kFloat;
      break;
    case PhysicalType::kDouble:
      t.type = SqlType::kDouble;
      break;
    case PhysicalType::kFixedLenByteArray:
      t.type = SqlType::kDecimal;
      break;
    default: {
      static constexpr SqlType kTypes[] = {SqlType::kVarChar, SqlType::kTime,   SqlType::kJson,
                                           SqlType::kBlob,    SqlType::kVector, SqlType::kDecimal};
      t.type = kTypes[pick % 6];
      break;
    }
  }
  t.is_unsigned = pick % 3 == 1;
  t.fsp = static_cast<uint8_t>(pick % 7);
  t.length = static_cast<uint32_t>(pick % 65);
  if (t.type == SqlType::kDecimal) {
    t.precision = c.precision > 0 && c.precision <= 65 ? static_cast<uint8_t>(c.precision) : 66;
    t.scale = c.scale >= 0 && c.scale <= 30 ? static_cast<uint8_t>(c.scale) : 0;
  }
  return t;
}

// Row group by row group from copies of their bytes; each value converted and rendered.
void ReadAsMaterialize(std::string_view bytes, const binlake::parquet::ReaderOptions& options) {
  using binlake::parquet::ParquetFile;
  if (bytes.size() < 8) return;
  auto need = ParquetFile::TailBytesNeeded(bytes.substr(bytes.size() - 8), bytes.size());
  if (!need.ok()) return CheckError(need.status());
  auto file = ParquetFile::OpenTail(bytes.substr(bytes.size() - *need), bytes.size(), options);
  if (!file.ok()) return CheckError(file.status());
  std::vector<binlake::ColumnType> types;
  std::vector<int> columns;
  for (size_t c = 0; c < file->columns().size(); ++c) {
    types.push_back(TypeFor(file->columns()[c], bytes.size() + c));
    if (!binlake::parquet::CheckParquetColumn(file->columns()[c], types.back()).ok()) continue;
    columns.push_back(static_cast<int>(c));
  }
  if (columns.empty()) return;
  std::string scratch, text;
  uint64_t total = 0;
  for (size_t g = 0; g < file->num_row_groups() && total < (uint64_t{1} << 20); ++g) {
    auto [offset, length] = file->RowGroupRange(g);
    const std::string group(bytes.substr(offset, length));           // only this row group
    if (!file->AttachRowGroup(g, group, offset).ok()) std::abort();  // Open checked the ranges
    auto reader = binlake::parquet::ParquetRowReader::Make(
        &*file,
        {.columns = columns, .batch_rows = 64, .row_group_begin = g, .row_group_end = g + 1});
    if (!reader.ok()) return;
    while (total < (uint64_t{1} << 20)) {
      auto more = (*reader)->Next();
      if (!more.ok()) return CheckError(more.status());
      if (!*more) break;
      ++total;
      for (size_t i = 0; i < columns.size(); ++i) {
        const size_t c = static_cast<size_t>(columns[i]);
        binlake::Value v;
        Status s = binlake::parquet::ParquetToValue((*reader)->field(i), file->columns()[c],
                                                    types[c], {}, &v, &scratch);
        if (!s.ok()) {
          CheckError(s, /*parquet_prefix=*/false);
          continue;
        }
        text.clear();
        if (!v.is_null()) binlake::AppendValueText(v, types[c], {}, &text);
      }
    }
  }
}

// Reads up to ~1M rows (a run-length encoded page may claim billions: that costs time, not
// memory, and is not a finding).
void ReadAll(const binlake::parquet::ParquetFile& file, binlake::parquet::RowReaderOptions o,
             bool rows) {
  auto reader = binlake::parquet::ParquetRowReader::Make(&file, o);
  if (!reader.ok()) return;
  uint64_t total = 0, sum = 0;
  while (total < (uint64_t{1} << 20)) {
    if (rows) {
      auto more = (*reader)->Next();
      if (!more.ok()) return CheckError(more.status());
      if (!*more) return;
      for (size_t c = 0; c < (*reader)->num_columns(); ++c) {
        auto f = (*reader)->field(c);
        for (char ch : f.bytes) sum += static_cast<unsigned char>(ch);
      }
      ++total;
      continue;
    }
    auto n = (*reader)->NextBatch();
    if (!n.ok()) return CheckError(n.status());
    if (*n == 0) return;
    for (size_t c = 0; c < (*reader)->num_columns(); ++c) {
      const auto& b = (*reader)->column(c);
      for (size_t r = 0; r < *n; ++r) {
        auto f = b.Get(r);
        for (char ch : f.bytes) sum += static_cast<unsigned char>(ch);
        sum += static_cast<uint64_t>(f.i);
      }
    }
    total += *n;
  }
  if (sum == 1) std::abort();  // keeps `sum` alive
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  binlake::parquet::ReaderOptions options;
  options.max_page_bytes = 16 << 20;
  auto file = binlake::parquet::ParquetFile::Open(bytes, options);
  if (!file.ok()) {
    CheckError(file.status());
    return 0;
  }
  // Every column in batches; then the columns backwards, row by row, a batch size from the size.
  binlake::parquet::RowReaderOptions o;
  o.batch_rows = 1 + size % 251;
  ReadAll(*file, o, false);
  for (size_t c = file->columns().size(); c-- > 0;) o.columns.push_back(static_cast<int>(c));
  o.batch_rows = 1 + size % 7;
  ReadAll(*file, o, true);
  ReadAsMaterialize(bytes, options);
  return 0;
}
