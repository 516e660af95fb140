#include "config/format_options.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

TEST(CsvOptionsTest, FromSettings) {
  S3Settings s;
  s.csv_delimiter = "\t";
  s.csv_row_delimiter = "\r\n";
  s.csv_null_value = "NULL";
  s.rfc4180 = false;
  s.add_column_name = true;
  s.binary_encoding = BinaryEncoding::kBase64;
  s.compression = Compression::kGzip;
  s.compression_level = 6;
  CsvOptions o = CsvOptionsFromSettings(s);
  EXPECT_EQ(o.delimiter, "\t");
  EXPECT_EQ(o.row_delimiter, "\r\n");
  EXPECT_EQ(o.null_value, "NULL");
  EXPECT_FALSE(o.rfc4180);
  EXPECT_TRUE(o.header);
  EXPECT_EQ(o.render.binary_encoding, BinaryEncoding::kBase64);
  EXPECT_TRUE(o.gzip);
  EXPECT_EQ(o.gzip_level, 6);
  EXPECT_FALSE(CsvOptionsFromSettings(S3Settings{}).gzip);
}

TEST(ParquetSettings, FromS3Settings) {
  S3Settings s;
  s.data_format = DataFormat::kParquet;
  s.parquet_version = "PARQUET_2_0";
  s.encoding_type = "plain-dictionary";
  s.compression = Compression::kZstd;
  s.row_group_length = 5;
  s.parquet_timestamp_in_millisecond = true;
  auto o = ParquetOptionsFromSettings(s);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->version, ParquetVersion::k2_0);
  EXPECT_EQ(o->encoding, ParquetEncoding::kPlainDictionary);
  EXPECT_EQ(o->codec, parquet::Codec::kZstd);
  EXPECT_EQ(o->row_group_length, 5u);
  EXPECT_TRUE(o->timestamp_in_millis);
  s.parquet_version = "parquet-3-0";
  EXPECT_EQ(ParquetOptionsFromSettings(s).status().message(),
            "ParquetVersion \"parquet-3-0\" is not parquet-1-0 or parquet-2-0");
  s.parquet_version = "parquet-1-0";
  s.encoding_type = "delta";
  EXPECT_FALSE(ParquetOptionsFromSettings(s).ok());
}

TEST(FileFormatOptionsTest, CsvRefusesParquetCodecs) {
  S3Settings s;
  s.compression = Compression::kSnappy;
  EXPECT_EQ(FileFormatOptionsFromSettings(s).status().message(),
            "CompressionType SNAPPY and ZSTD apply to DataFormat=parquet only");
  s.compression = Compression::kGzip;
  ASSERT_TRUE(FileFormatOptionsFromSettings(s).ok());
  EXPECT_EQ(DataFileExtension(*FileFormatOptionsFromSettings(s)), ".csv.gz");
  EXPECT_EQ(DataFileExtension(s), ".csv.gz");
  s.data_format = DataFormat::kParquet;
  EXPECT_EQ(DataFileExtension(*FileFormatOptionsFromSettings(s)), ".parquet");
}

}  // namespace
}  // namespace binlake
