#include "format/parquet/parquet_reader_test_util.h"

#include <gtest/gtest.h>

#include <memory>

#include "common/string_object_writer.h"
#include "format/parquet/compression.h"
#include "format/parquet/parquet_reader.h"

namespace binlake::parquet::testing {

Result<std::string> WriteRows(const TableSchema& schema,
                              const std::vector<std::vector<Value>>& rows,
                              const ParquetWriterOptions& o, bool extra_columns) {
  std::string bytes;
  OutputColumns extra;
  if (extra_columns) {
    extra.include_op = true;
    extra.timestamp_column_name = kTimestampColumn;
  }
  ASSIGN_OR_RETURN(
      auto w, NewParquetFileWriter(schema, extra, o, std::make_unique<StringObjectWriter>(&bytes)));
  for (size_t r = 0; r < rows.size(); ++r) {
    RowMeta meta;
    meta.op = "IUD"[r % 3];
    meta.timestamp = kRowTimestamp;
    RETURN_IF_ERROR(w->Append(meta, rows[r]));
  }
  RETURN_IF_ERROR(w->Finish());
  return bytes;
}

std::string ComboName(const Combo& combo) {
  auto [encoding, codec, version] = combo;
  const char* e = encoding == ParquetEncoding::kRleDictionary     ? "RleDictionary"
                  : encoding == ParquetEncoding::kPlainDictionary ? "PlainDictionary"
                                                                  : "Plain";
  return std::string(e) + "_" + std::string(CodecName(codec)) + "_" +
         (version == ParquetVersion::k1_0 ? "V1" : "V2");
}

ParquetWriterOptions OptionsFor(const Combo& combo) {
  // Small row groups, pages and dictionary limit: several row groups, pages per chunk and a
  // dictionary fallback in every file.
  ParquetWriterOptions o;
  std::tie(o.encoding, o.codec, o.version) = combo;
  o.row_group_length = 128;
  o.data_page_size = 300;
  o.dict_page_size_limit = 150;
  o.timestamp_in_millis = o.codec == Codec::kSnappy;
  return o;
}

// sysbench rows with k NULL in every 17th row.
std::vector<std::vector<Value>> SysbenchValues(const SysbenchRows& s) {
  std::vector<std::vector<Value>> rows;
  for (size_t i = 0; i < s.id.size(); ++i) {
    rows.push_back(s.Row(i));
    if (i % 17 == 5) rows.back()[1] = Value::Null();
  }
  return rows;
}

// Opens and reads everything; the error if any. Checks the error's form.
Status ReadEverything(std::string_view bytes, size_t batch_rows) {
  auto file = ParquetFile::Open(bytes);
  Status s = file.status();
  if (s.ok()) {
    RowReaderOptions ro;
    ro.batch_rows = batch_rows;
    auto reader = ParquetRowReader::Make(&*file, ro);
    s = reader.status();
    while (s.ok()) {
      auto n = (*reader)->NextBatch();
      s = n.status();
      if (!s.ok() || *n == 0) break;
      // Touch every value (a bad view would show under ASan).
      size_t sum = 0;
      for (size_t c = 0; c < (*reader)->num_columns(); ++c) {
        const ColumnBatch& b = (*reader)->column(c);
        for (size_t r = 0; r < *n; ++r) {
          Field f = b.Get(r);
          for (char ch : f.bytes) sum += static_cast<unsigned char>(ch);
        }
      }
      (void)sum;
    }
  }
  if (!s.ok()) {
    EXPECT_TRUE(s.code() == StatusCode::kCorruption || s.code() == StatusCode::kUnsupported)
        << s.ToString();
    EXPECT_EQ(s.message().rfind("parquet: ", 0), 0u) << s.message();
    EXPECT_EQ(s.message().find('\n'), std::string::npos) << s.message();
  }
  return s;
}

std::vector<std::string> RowTexts(const ParquetFile& file, size_t begin, size_t end) {
  std::vector<std::string> out;
  auto reader = ParquetRowReader::Make(
      &file, {.columns = {}, .batch_rows = 7, .row_group_begin = begin, .row_group_end = end});
  EXPECT_TRUE(reader.ok());
  if (!reader.ok()) return out;
  while (true) {
    auto more = (*reader)->Next();
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    std::string row;
    for (size_t c = 0; c < (*reader)->num_columns(); ++c) {
      Field f = (*reader)->field(c);
      row += f.null ? "N"
                    : std::to_string(f.i) + "/" + std::to_string(f.d) + "/" + std::string(f.bytes);
      row += "|";
    }
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace binlake::parquet::testing
