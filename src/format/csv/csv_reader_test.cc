#include "format/csv/csv_reader.h"

#include <gtest/gtest.h>

#include "format/csv/testing_memory_writer.h"

namespace binlake {
namespace {

using ::binlake::testing::MemoryObject;
using ::binlake::testing::MemoryObjectWriter;

// The strings below must outlive the Values that point at them: literals only.
const std::vector<std::vector<Value>>& Rows() {
  static const std::vector<std::vector<Value>> rows = {
      {Value::Int(1), Value::String("plain")},
      {Value::Int(2), Value::String("with,comma")},
      {Value::Int(3), Value::String("with \"quotes\"")},
      {Value::Int(4), Value::String("two\nlines")},
      {Value::Int(5), Value::String("")},
      {Value::Int(6), Value::Null()},
      {Value::Int(7), Value::String("NULL")},
      {Value::Null(), Value::String("\"")},
  };
  return rows;
}

std::string Write(const CsvOptions& options) {
  TableSchema schema;
  ColumnType int_type, text_type;
  int_type.type = SqlType::kInt;
  text_type.type = SqlType::kVarChar;
  schema.columns = {Column{"id", int_type, true}, Column{"s", text_type, true}};
  auto object = std::make_shared<MemoryObject>();
  auto w = NewCsvFileWriter(schema, OutputColumns{}, options,
                            std::make_unique<MemoryObjectWriter>(object));
  EXPECT_TRUE(w.ok());
  for (const auto& row : Rows()) EXPECT_TRUE((*w)->Append(RowMeta{}, row).ok());
  EXPECT_TRUE((*w)->Finish().ok());
  return object->data;
}

std::vector<CsvRecord> ReadAll(std::string_view data, const CsvOptions& options) {
  CsvRecordReader reader(data, options);
  std::vector<CsvRecord> out;
  CsvRecord record;
  while (true) {
    auto more = reader.Next(&record);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    out.push_back(record);
  }
  return out;
}

std::vector<CsvRecord> Expected() {
  return {{"1", "plain"},      {"2", "with,comma"}, {"3", "with \"quotes\""},
          {"4", "two\nlines"}, {"5", ""},           {"6", std::nullopt},
          {"7", "NULL"},       {std::nullopt, "\""}};
}

TEST(CsvReaderTest, ReadsBackWhatTheWriterWrote) {
  CsvOptions o;
  EXPECT_EQ(ReadAll(Write(o), o), Expected());
  o.null_value = "NULL";  // the string "NULL" is quoted then, NULL is not
  EXPECT_EQ(ReadAll(Write(o), o), Expected());
  o.delimiter = "||";
  o.row_delimiter = "\r\n";
  EXPECT_EQ(ReadAll(Write(o), o), Expected());
}

TEST(CsvReaderTest, WithoutRfc4180NothingIsQuoted) {
  CsvOptions o;
  o.rfc4180 = false;
  o.null_value = "\\N";
  auto records = ReadAll("1,a\"b\n2,\\N\n3,\n", o);
  EXPECT_EQ(records, (std::vector<CsvRecord>{{"1", "a\"b"}, {"2", std::nullopt}, {"3", ""}}));
}

TEST(CsvReaderTest, BadQuotingIsAnErrorWithTheRecordNumber) {
  CsvOptions o;
  CsvRecordReader open("1,ok\n2,\"never closed\n", o);
  CsvRecord r;
  ASSERT_TRUE(open.Next(&r).ok());
  auto second = open.Next(&r);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kCorruption);
  EXPECT_NE(second.status().message().find("CSV record 2"), std::string::npos);
  CsvRecordReader trailing("\"a\"b,c\n", o);
  EXPECT_FALSE(trailing.Next(&r).ok());
}

TEST(CsvReaderTest, GunzipReadsWhatTheGzipWriterWrote) {
  CsvOptions o;
  o.gzip = true;
  std::string gz = Write(o);
  auto plain = GunzipAll(gz);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  o.gzip = false;
  EXPECT_EQ(*plain, Write(o));
  EXPECT_FALSE(GunzipAll(gz.substr(0, gz.size() / 2)).ok());
  EXPECT_FALSE(GunzipAll("not gzip").ok());
}

}  // namespace
}  // namespace binlake
