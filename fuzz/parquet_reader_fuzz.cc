// Fuzzes the Parquet reader (format/parquet/parquet_reader.h) on the bytes of a target's files,
// which come from a store and are untrusted: opening and reading every column must give the
// values or one "parquet: " error (kCorruption or kUnsupported), never a crash, a hang or a huge
// allocation. Every byte value is touched, so a view outside its buffer shows under ASan.
// Seeds: fuzz/corpus/parquet_reader_fuzz (files binlake's writer wrote; parquet_reader_test
// rewrites them with BINLAKE_WRITE_PARQUET_SEEDS=DIR).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "format/parquet/parquet_reader.h"

namespace {

using binlake::Status;
using binlake::StatusCode;

void CheckError(const Status& s) {
  if (s.ok()) return;
  if (s.code() != StatusCode::kCorruption && s.code() != StatusCode::kUnsupported) std::abort();
  if (s.message().rfind("parquet: ", 0) != 0) std::abort();
  if (s.message().find('\n') != std::string::npos) std::abort();
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
  return 0;
}
