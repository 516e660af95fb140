#include "format/csv/csv_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <optional>
#include <string>
#include <vector>

#include "format/csv/gzip_writer.h"
#include "format/csv/testing_memory_writer.h"

namespace binlake {
namespace {

using ::binlake::testing::MemoryObject;
using ::binlake::testing::MemoryObjectWriter;
using ::testing::HasSubstr;

ColumnType Type(SqlType t, uint8_t fsp = 0) {
  ColumnType c;
  c.type = t;
  c.fsp = fsp;
  return c;
}

TableSchema Schema(std::vector<std::pair<std::string, ColumnType>> cols) {
  TableSchema s;
  s.schema = "shop";
  s.table = "orders";
  for (auto& [name, type] : cols) s.columns.push_back(Column{name, type, true});
  return s;
}

// A one-string-column table: renders each value as one row and returns the file.
class CsvTest : public ::testing::Test {
 protected:
  std::string WriteRows(const TableSchema& schema, const std::vector<std::vector<Value>>& rows,
                        const CsvOptions& options = {}, const OutputColumns& cols = {},
                        const std::vector<RowMeta>& metas = {}) {
    object_ = std::make_shared<MemoryObject>();
    auto w = NewCsvFileWriter(schema, cols, options, std::make_unique<MemoryObjectWriter>(object_));
    EXPECT_TRUE(w.ok()) << w.status().message();
    if (!w.ok()) return "";
    for (size_t i = 0; i < rows.size(); ++i) {
      RowMeta meta = i < metas.size() ? metas[i] : RowMeta{};
      Status s = (*w)->Append(meta, rows[i]);
      EXPECT_TRUE(s.ok()) << s.message();
    }
    EXPECT_EQ((*w)->rows(), rows.size());
    const uint64_t estimated = (*w)->EstimatedSize();
    EXPECT_TRUE((*w)->Finish().ok());
    EXPECT_TRUE(object_->closed);
    if (!options.gzip) {
      EXPECT_EQ(estimated, object_->data.size());  // uncompressed bytes
    }
    return object_->data;
  }

  // Strings through a single VARCHAR column, one row each.
  std::string WriteStrings(const std::vector<std::optional<std::string>>& values,
                           const CsvOptions& options = {}) {
    std::vector<std::vector<Value>> rows;
    for (const auto& v : values) rows.push_back({v ? Value::String(*v) : Value::Null()});
    return WriteRows(Schema({{"s", Type(SqlType::kVarChar)}}), rows, options);
  }

  std::shared_ptr<MemoryObject> object_;
};

TEST_F(CsvTest, PlainValues) {
  TableSchema s = Schema({{"id", Type(SqlType::kInt)},
                          {"name", Type(SqlType::kVarChar)},
                          {"price", Type(SqlType::kDecimal)},
                          {"day", Type(SqlType::kDate)},
                          {"at", Type(SqlType::kDateTime, 3)},
                          {"blob", Type(SqlType::kBlob)}});
  DateTimeParts at{2024, 2, 29, 23, 59, 58, 123000};
  std::string bytes("\x00\xff", 2);
  EXPECT_EQ(WriteRows(s, {{Value::Int(-7), Value::String("Smith"), Value::Decimal("12.340"),
                           Value::Date(2024, 1, 31), Value::DateTime(at), Value::Bytes(bytes)},
                          {Value::Int(8), Value::Null(), Value::Null(), Value::Null(),
                           Value::Null(), Value::Null()}}),
            "-7,Smith,12.340,2024-01-31,2024-02-29 23:59:58.123,00ff\n8,,,,,\n");
}

TEST_F(CsvTest, Rfc4180Quoting) {
  EXPECT_EQ(WriteStrings({"a,b", "say \"hi\"", "line1\nline2", "cr\rhere", "crlf\r\nx", "\"",
                          "plain", " spaced "}),
            "\"a,b\"\n\"say \"\"hi\"\"\"\n\"line1\nline2\"\n\"cr\rhere\"\n\"crlf\r\nx\"\n"
            "\"\"\"\"\nplain\n spaced \n");
}

TEST_F(CsvTest, EmptyStringDiffersFromNull) {
  EXPECT_EQ(WriteStrings({"", std::nullopt, "x"}), "\"\"\n\nx\n");
}

TEST_F(CsvTest, NulBytesAreCopied) {
  std::string nul("a\0b", 3);
  EXPECT_EQ(WriteStrings({nul}), std::string("a\0b\n", 4));
}

TEST_F(CsvTest, SemicolonAndTabDelimiters) {
  TableSchema s = Schema({{"a", Type(SqlType::kVarChar)}, {"b", Type(SqlType::kVarChar)}});
  CsvOptions semi;
  semi.delimiter = ";";
  EXPECT_EQ(WriteRows(s, {{Value::String("x,y"), Value::String("p;q")}}, semi), "x,y;\"p;q\"\n");
  CsvOptions tab;
  tab.delimiter = "\t";
  EXPECT_EQ(WriteRows(s, {{Value::String("x,y"), Value::String("p\tq")}}, tab), "x,y\t\"p\tq\"\n");
}

TEST_F(CsvTest, MultiByteDelimiterQuotesOnlyOnFullMatch) {
  TableSchema s = Schema({{"a", Type(SqlType::kVarChar)}, {"b", Type(SqlType::kVarChar)}});
  CsvOptions o;
  o.delimiter = "||";
  EXPECT_EQ(WriteRows(s, {{Value::String("a|b"), Value::String("a||b")}}, o), "a|b||\"a||b\"\n");
}

TEST_F(CsvTest, CrLfRowDelimiter) {
  CsvOptions o;
  o.row_delimiter = "\r\n";
  EXPECT_EQ(WriteStrings({"a", "b\rc", std::nullopt}, o), "a\r\n\"b\rc\"\r\n\r\n");
  CsvOptions pipe;
  pipe.row_delimiter = "|";
  EXPECT_EQ(WriteStrings({"a|b", "c"}, pipe), "\"a|b\"|c|");
}

TEST_F(CsvTest, NullValueString) {
  CsvOptions o;
  o.null_value = "NULL";
  // NULL -> NULL; the string "NULL" is quoted; an empty string is an empty field.
  EXPECT_EQ(WriteStrings({std::nullopt, "NULL", "", "NULLS", "null"}, o),
            "NULL\n\"NULL\"\n\nNULLS\nnull\n");
  CsvOptions mysql;
  mysql.null_value = "\\N";
  EXPECT_EQ(WriteStrings({std::nullopt, "\\N"}, mysql), "\\N\n\"\\N\"\n");
}

TEST_F(CsvTest, NumbersAndDatesAreQuotedWhenTheDelimiterOrNullValueCouldAppearInThem) {
  // Their text is not scanned only when that cannot matter.
  TableSchema s = Schema({{"n", Type(SqlType::kInt)},
                          {"d", Type(SqlType::kDate)},
                          {"t", Type(SqlType::kTime, 2)},
                          {"at", Type(SqlType::kDateTime)}});
  const std::vector<Value> row = {Value::Int(-5), Value::Date(2024, 2, 29),
                                  Value::Time(TimeParts{true, 12, 30, 0, 450000}),
                                  Value::DateTime(DateTimeParts{2024, 1, 2, 3, 4, 5, 0})};
  EXPECT_EQ(WriteRows(s, {row}), "-5,2024-02-29,-12:30:00.45,2024-01-02 03:04:05\n");
  CsvOptions dash;
  dash.delimiter = "-";
  EXPECT_EQ(WriteRows(s, {row}, dash),
            "\"-5\"-\"2024-02-29\"-\"-12:30:00.45\"-\"2024-01-02 03:04:05\"\n");
  CsvOptions colon;
  colon.delimiter = ":";
  EXPECT_EQ(WriteRows(s, {row}, colon), "-5:2024-02-29:\"-12:30:00.45\":\"2024-01-02 03:04:05\"\n");
  CsvOptions space;
  space.delimiter = " ";
  EXPECT_EQ(WriteRows(s, {row}, space), "-5 2024-02-29 -12:30:00.45 \"2024-01-02 03:04:05\"\n");
  CsvOptions digit_rows;
  digit_rows.row_delimiter = "5";
  EXPECT_EQ(
      WriteRows(s, {{Value::Int(15), Value::Null(), Value::Null(), Value::Null()}}, digit_rows),
      "\"15\",,,5");
  CsvOptions zero_is_null;
  zero_is_null.null_value = "0";
  EXPECT_EQ(WriteRows(s,
                      {{Value::Int(0), Value::Null(), Value::Null(), Value::Null()},
                       {Value::Int(10), Value::Null(), Value::Null(), Value::Null()}},
                      zero_is_null),
            "\"0\",0,0,0\n10,0,0,0\n");
  CsvOptions date_is_null;
  date_is_null.null_value = "2024-02-29";
  EXPECT_EQ(WriteRows(s, {{Value::Int(1), Value::Date(2024, 2, 29), Value::Null(), Value::Null()}},
                      date_is_null),
            "1,\"2024-02-29\",2024-02-29,2024-02-29\n");
}

TEST_F(CsvTest, SpecialBytesAreFoundAtEveryOffsetOfLongValues) {
  // Values of 1..40 bytes with one special byte at each offset (the scan works on 16-byte
  // blocks plus an overlapping last block), and without any.
  for (size_t n = 1; n <= 40; ++n) {
    std::string plain(n, 'x');
    EXPECT_EQ(WriteStrings({plain}), plain + "\n") << n;
    for (size_t at = 0; at < n; ++at) {
      for (char special : {',', '"', '\n', '\r'}) {
        std::string v = plain;
        v[at] = special;
        std::string quoted = special == '"' ? v.substr(0, at) + "\"\"" + v.substr(at + 1) : v;
        EXPECT_EQ(WriteStrings({v}), "\"" + quoted + "\"\n") << n << " " << at << " " << special;
      }
    }
  }
}

TEST_F(CsvTest, Rfc4180FalseWritesAsIs) {
  CsvOptions o;
  o.rfc4180 = false;
  EXPECT_EQ(WriteStrings({"a,b", "q\"", "", std::nullopt}, o), "a,b\nq\"\n\n\n");
  o.null_value = "NULL";
  EXPECT_EQ(WriteStrings({"NULL", std::nullopt}, o), "NULL\nNULL\n");
}

TEST_F(CsvTest, HeaderOpAndTimestampColumns) {
  TableSchema s = Schema({{"id", Type(SqlType::kBigInt)}, {"a,b", Type(SqlType::kVarChar)}});
  CsvOptions o;
  o.header = true;
  OutputColumns cols{.include_op = true, .timestamp_column_name = "ts", .sequence_column_name = ""};
  std::vector<RowMeta> metas = {{'I', "2024-05-01 10:00:00.000001", ""},
                                {'U', "2024-05-01 10:00:01.000000", ""},
                                {'D', "2024-05-01 10:00:02.500000", ""}};
  EXPECT_EQ(WriteRows(s,
                      {{Value::Int(1), Value::String("x")},
                       {Value::Int(1), Value::String("y")},
                       {Value::Int(1), Value::Null()}},
                      o, cols, metas),
            "Op,ts,id,\"a,b\"\n"
            "I,2024-05-01 10:00:00.000001,1,x\n"
            "U,2024-05-01 10:00:01.000000,1,y\n"
            "D,2024-05-01 10:00:02.500000,1,\n");
  // Header only (no rows) is still a valid file; without Op/timestamp just the table columns.
  OutputColumns none;
  EXPECT_EQ(WriteRows(s, {}, o, none), "id,\"a,b\"\n");
  OutputColumns ts_only{
      .include_op = false, .timestamp_column_name = "ts", .sequence_column_name = ""};
  EXPECT_EQ(WriteRows(s, {{Value::Int(2), Value::String("z")}}, {}, ts_only,
                      {{'I', "2024-01-01 00:00:00.000000", ""}}),
            "2024-01-01 00:00:00.000000,2,z\n");
}

TEST_F(CsvTest, SequenceColumnFollowsOpAndTimestamp) {
  TableSchema s = Schema({{"id", Type(SqlType::kBigInt)}});
  CsvOptions o;
  o.header = true;
  OutputColumns cols{
      .include_op = true, .timestamp_column_name = "ts", .sequence_column_name = "seq"};
  RowMeta m1{'I', "2024-05-01 10:00:00.000001", "000001000000000004000000"};
  RowMeta m2{'D', "2024-05-01 10:00:00.000001", "a,b"};
  EXPECT_EQ(WriteRows(s, {{Value::Int(1)}, {Value::Int(2)}}, o, cols, {m1, m2}),
            "Op,ts,seq,id\n"
            "I,2024-05-01 10:00:00.000001,000001000000000004000000,1\n"
            "D,2024-05-01 10:00:00.000001,\"a,b\",2\n");
  // The sequence column alone.
  OutputColumns seq_only{
      .include_op = false, .timestamp_column_name = "", .sequence_column_name = "seq"};
  EXPECT_EQ(WriteRows(s, {{Value::Int(3)}}, {}, seq_only, {RowMeta{'U', "", "42"}}), "42,3\n");
}

TEST_F(CsvTest, JsonEnumAndSetAreQuotedWhenNeeded) {
  ColumnType set = Type(SqlType::kSet);
  set.elements = {"a", "b", "c"};
  ColumnType en = Type(SqlType::kEnum);
  en.elements = {"small", "x\"l"};
  TableSchema s = Schema({{"j", Type(SqlType::kJson)}, {"s", set}, {"e", en}});
  EXPECT_EQ(WriteRows(s, {{Value::Json(R"({"k": "v", "n": [1, 2]})"), Value::SetBits(0b101),
                           Value::EnumIndex(2)}}),
            R"("{""k"":""v"",""n"":[1,2]}","a,c","x""l")"
            "\n");
}

TEST_F(CsvTest, FlushesLargeChunksAndCountsSize) {
  CsvOptions o;
  o.buffer_bytes = 100;
  object_ = std::make_shared<MemoryObject>();
  auto w = NewCsvFileWriter(Schema({{"s", Type(SqlType::kVarChar)}}), {}, o,
                            std::make_unique<MemoryObjectWriter>(object_));
  ASSERT_TRUE(w.ok());
  std::string v(9, 'v');  // 10 bytes a row
  for (int i = 0; i < 25; ++i) ASSERT_TRUE((*w)->Append({}, {{Value::String(v)}}).ok());
  EXPECT_EQ((*w)->EstimatedSize(), 250u);
  EXPECT_EQ(object_->data.size(), 200u);  // two flushes of 100 bytes, 50 buffered
  ASSERT_TRUE((*w)->Finish().ok());
  EXPECT_EQ(object_->data.size(), 250u);
  EXPECT_EQ(object_->write_sizes, (std::vector<size_t>{100, 100, 50}));
}

TEST_F(CsvTest, Errors) {
  object_ = std::make_shared<MemoryObject>();
  OutputColumns with_op;
  with_op.include_op = true;
  auto w = NewCsvFileWriter(Schema({{"s", Type(SqlType::kVarChar)}}), with_op, {},
                            std::make_unique<MemoryObjectWriter>(object_));
  ASSERT_TRUE(w.ok());
  EXPECT_THAT((*w)->Append({}, {}).message(), HasSubstr("row has 0 values but the table has 1"));
  RowMeta bad_op;
  bad_op.op = 'X';
  EXPECT_THAT((*w)->Append(bad_op, {{Value::String("a")}}).message(),
              HasSubstr("Op must be I, U or D"));
  ASSERT_TRUE((*w)->Finish().ok());
  EXPECT_FALSE((*w)->Finish().ok());
  EXPECT_FALSE((*w)->Append({}, {{Value::String("a")}}).ok());

  CsvOptions bad;
  bad.delimiter = "";
  EXPECT_FALSE(
      NewCsvFileWriter(Schema({}), {}, bad, std::make_unique<MemoryObjectWriter>(object_)).ok());
  CsvOptions bad_null;
  bad_null.null_value = "a,b";
  EXPECT_FALSE(
      NewCsvFileWriter(Schema({}), {}, bad_null, std::make_unique<MemoryObjectWriter>(object_))
          .ok());
}

TEST_F(CsvTest, SinkFailureIsReportedAndTheObjectAborted) {
  object_ = std::make_shared<MemoryObject>();
  CsvOptions o;
  o.buffer_bytes = 1;
  auto w = NewCsvFileWriter(Schema({{"s", Type(SqlType::kVarChar)}}), {}, o,
                            std::make_unique<MemoryObjectWriter>(object_));
  ASSERT_TRUE(w.ok());
  object_->fail_writes = NetworkError("connection reset");
  EXPECT_EQ((*w)->Append({}, {{Value::String("a")}}).message(), "connection reset");
  EXPECT_EQ((*w)->Append({}, {{Value::String("b")}}).message(), "connection reset");
  EXPECT_EQ((*w)->Finish().message(), "connection reset");
  w->reset();
  EXPECT_TRUE(object_->aborted);
  EXPECT_FALSE(object_->closed);
}

TEST_F(CsvTest, DestroyingAnUnfinishedWriterAborts) {
  object_ = std::make_shared<MemoryObject>();
  {
    auto w = NewCsvFileWriter(Schema({{"s", Type(SqlType::kVarChar)}}), {}, {},
                              std::make_unique<MemoryObjectWriter>(object_));
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append({}, {{Value::String("a")}}).ok());
  }
  EXPECT_TRUE(object_->aborted);
  EXPECT_FALSE(object_->closed);
}

std::string Gunzip(const std::string& gz) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out;
  char buf[4096];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - zs.avail_out);
  }
  EXPECT_EQ(rc, Z_STREAM_END);
  EXPECT_EQ(zs.avail_in, 0u);  // exactly one gzip member, nothing after it
  inflateEnd(&zs);
  return out;
}

TEST_F(CsvTest, GzipRoundTrip) {
  TableSchema s = Schema({{"id", Type(SqlType::kInt)}, {"name", Type(SqlType::kVarChar)}});
  std::vector<std::string> names;
  for (int i = 0; i < 20000; ++i) names.push_back("name \"" + std::to_string(i * 7919) + "\",x");
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < 20000; ++i) rows.push_back({Value::Int(i), Value::String(names[i])});
  CsvOptions plain;
  plain.header = true;
  const std::string expected = WriteRows(s, rows, plain);
  CsvOptions gz = plain;
  gz.gzip = true;
  gz.buffer_bytes = 4096;  // many compressed writes
  const std::string compressed = WriteRows(s, rows, gz);
  ASSERT_GE(compressed.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(compressed[0]), 0x1f);  // gzip magic
  EXPECT_EQ(static_cast<unsigned char>(compressed[1]), 0x8b);
  EXPECT_LT(compressed.size(), expected.size() / 2);
  EXPECT_EQ(Gunzip(compressed), expected);
}

TEST(GzipWriterTest, LevelsAndChunks) {
  auto object = std::make_shared<MemoryObject>();
  EXPECT_FALSE(NewGzipObjectWriter(std::make_unique<MemoryObjectWriter>(object), 10).ok());
  auto w = NewGzipObjectWriter(std::make_unique<MemoryObjectWriter>(object), 9, 64);
  ASSERT_TRUE(w.ok());
  std::string data;
  for (int i = 0; i < 5000; ++i) data += std::to_string(i * 2654435761u) + ",";
  ASSERT_TRUE((*w)->Write(data.substr(0, 7)).ok());
  ASSERT_TRUE((*w)->Write(data.substr(7)).ok());
  ASSERT_TRUE((*w)->Write("").ok());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_TRUE(object->closed);
  EXPECT_EQ((*w)->bytes_written(), object->data.size());
  for (size_t size : object->write_sizes) EXPECT_LE(size, 64u);
  EXPECT_GT(object->write_sizes.size(), 2u);
  EXPECT_EQ(Gunzip(object->data), data);
  EXPECT_FALSE((*w)->Write("x").ok());
}

TEST(GzipWriterTest, EmptyStreamIsValidGzip) {
  auto object = std::make_shared<MemoryObject>();
  auto w = NewGzipObjectWriter(std::make_unique<MemoryObjectWriter>(object));
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(Gunzip(object->data), "");
}

TEST(GzipWriterTest, AbortAbortsInner) {
  auto object = std::make_shared<MemoryObject>();
  auto w = NewGzipObjectWriter(std::make_unique<MemoryObjectWriter>(object));
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write("abc").ok());
  (*w)->Abort();
  EXPECT_TRUE(object->aborted);
  EXPECT_FALSE(object->closed);
}

}  // namespace
}  // namespace binlake
