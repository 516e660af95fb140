#include "format/csv/csv_fields.h"

#include <gtest/gtest.h>

#include "format/csv/csv_reader.h"
#include "format/csv/testing_memory_writer.h"

namespace binlake {
namespace {

using ::binlake::testing::MemoryObject;
using ::binlake::testing::MemoryObjectWriter;

const std::vector<std::vector<Value>>& FieldRows() {
  static const std::vector<std::vector<Value>> rows = {
      {Value::Int(1), Value::String("plain")},
      {Value::Int(2), Value::String("with,comma")},
      {Value::Int(3), Value::String("with \"quotes\"")},
      {Value::Int(4), Value::String("two\nlines")},
      {Value::Int(5), Value::String("")},
      {Value::Int(6), Value::Null()},
      {Value::Int(7), Value::String("NULL")},
      {Value::Null(), Value::String("\"")},
      {Value::Int(9), Value::String("ends with delimiter|")},
  };
  return rows;
}

std::string WriteFieldRows(const CsvOptions& options) {
  TableSchema schema;
  ColumnType int_type, text_type;
  int_type.type = SqlType::kInt;
  text_type.type = SqlType::kVarChar;
  schema.columns = {Column{"id", int_type, true}, Column{"s", text_type, true}};
  auto object = std::make_shared<MemoryObject>();
  auto w = NewCsvFileWriter(schema, OutputColumns{}, options,
                            std::make_unique<MemoryObjectWriter>(object));
  EXPECT_TRUE(w.ok());
  for (const auto& row : FieldRows()) EXPECT_TRUE((*w)->Append(RowMeta{}, row).ok());
  EXPECT_TRUE((*w)->Finish().ok());
  return object->data;
}

// Scans `data` fed in pieces of `piece` bytes; each record as CsvRecordReader would give it,
// plus the record's raw bytes.
std::vector<CsvRecord> ScanInPieces(const std::string& data, const CsvOptions& options,
                                    size_t piece, std::vector<std::string>* raws) {
  CsvFieldScanner scanner(options);
  std::vector<CsvRecord> out;
  std::string buffer;
  size_t fed = 0, pos = 0;
  std::vector<CsvField> fields;
  std::string scratch;
  while (true) {
    std::string_view record;
    size_t consumed = 0;
    auto scan = scanner.Next(std::string_view(buffer).substr(pos), fed == data.size(), &fields,
                             &record, &consumed);
    EXPECT_TRUE(scan.ok()) << scan.status().ToString();
    if (!scan.ok() || *scan == CsvFieldScanner::Scan::kEnd) break;
    if (*scan == CsvFieldScanner::Scan::kNeedMore) {
      EXPECT_LT(fed, data.size());
      if (fed >= data.size()) break;
      const size_t n = std::min(piece, data.size() - fed);
      buffer.append(data, fed, n);
      fed += n;
      continue;
    }
    CsvRecord r;
    for (const CsvField& f : fields) {
      if (scanner.IsNull(f)) {
        r.push_back(std::nullopt);
      } else {
        r.emplace_back(std::string(scanner.Text(f, &scratch)));
      }
    }
    out.push_back(std::move(r));
    raws->emplace_back(record);
    pos += consumed;
  }
  return out;
}

std::vector<CsvRecord> ReadAll(const std::string& data, const CsvOptions& options) {
  CsvRecordReader reader(data, options);
  std::vector<CsvRecord> out;
  CsvRecord r;
  while (true) {
    auto more = reader.Next(&r);
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
    out.push_back(r);
  }
  return out;
}

TEST(CsvFieldScannerTest, AgreesWithTheRecordReaderInEveryDialectAndPieceSize) {
  std::vector<CsvOptions> dialects(5);
  dialects[1].null_value = "NULL";
  dialects[2].delimiter = "|";
  dialects[2].row_delimiter = "\r\n";
  dialects[3].delimiter = "::";
  dialects[3].row_delimiter = "<eol>";
  dialects[3].null_value = "\\N";
  dialects[4].rfc4180 = false;
  dialects[4].null_value = "NULL";
  for (size_t d = 0; d < dialects.size(); ++d) {
    const std::string data = WriteFieldRows(dialects[d]);
    const std::vector<CsvRecord> expected = ReadAll(data, dialects[d]);
    ASSERT_EQ(expected.size(), FieldRows().size() + (d == 4 ? 1 : 0)) << d;  // rfc4180=false: a LF
    for (size_t piece : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, data.size()}) {
      std::vector<std::string> raws;
      EXPECT_EQ(ScanInPieces(data, dialects[d], piece, &raws), expected)
          << "dialect " << d << ", pieces of " << piece;
      // The records' bytes, joined by the row delimiter, are the file.
      std::string joined;
      for (const std::string& r : raws) joined += r + dialects[d].row_delimiter;
      EXPECT_EQ(joined, data) << d;
    }
  }
}

TEST(CsvFieldScannerTest, KeepsQuotedFieldsAsWritten) {
  CsvOptions options;
  CsvFieldScanner scanner(options);
  std::vector<CsvField> fields;
  std::string_view record;
  size_t consumed = 0;
  const std::string data = "1,\"a \"\"b\"\"\",\"\",\n";
  auto scan = scanner.Next(data, true, &fields, &record, &consumed);
  ASSERT_TRUE(scan.ok());
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[1].raw, "\"a \"\"b\"\"\"");
  std::string scratch;
  EXPECT_EQ(scanner.Text(fields[1], &scratch), "a \"b\"");
  EXPECT_FALSE(scanner.IsNull(fields[2]));  // "" is the empty string
  EXPECT_TRUE(scanner.IsNull(fields[3]));   // the empty field is NULL
  EXPECT_EQ(consumed, data.size());
}

TEST(CsvFieldScannerTest, RejectsBadQuoting) {
  CsvOptions options;
  CsvFieldScanner scanner(options);
  std::vector<CsvField> fields;
  std::string_view record;
  size_t consumed = 0;
  EXPECT_FALSE(scanner.Next("1,\"open\n", true, &fields, &record, &consumed).ok());
  EXPECT_FALSE(scanner.Next("1,\"a\"b\n", true, &fields, &record, &consumed).ok());
  auto more = scanner.Next("1,\"open\n", false, &fields, &record, &consumed);
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(*more, CsvFieldScanner::Scan::kNeedMore);
}

}  // namespace
}  // namespace binlake
