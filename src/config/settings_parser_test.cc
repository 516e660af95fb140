#include "config/settings_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "config/format_options.h"

namespace binlake {
namespace {

using ::testing::HasSubstr;

Status Apply(const std::string& json_text, S3Settings* s) {
  return ApplyS3SettingsText(json_text, "dms.json", s);
}

std::string ErrorOf(const std::string& json_text) {
  S3Settings s;
  Status st = Apply(json_text, &s);
  EXPECT_FALSE(st.ok()) << json_text;
  return st.message();
}

std::string ValidationErrorOf(const std::string& json_text) {
  S3Settings s;
  Status st = Apply(json_text, &s);
  EXPECT_TRUE(st.ok()) << st.message();
  st = ValidateS3Settings(s);
  EXPECT_FALSE(st.ok()) << json_text;
  return st.message();
}

TEST(SettingsParserTest, DefaultsAreValid) {
  S3Settings s;
  EXPECT_TRUE(ValidateS3Settings(s).ok());
  EXPECT_EQ(DataFileExtension(s), ".csv");
}

TEST(SettingsParserTest, AppliesDmsJson) {
  S3Settings s;
  ASSERT_TRUE(Apply(R"({"BucketFolder":"/raw/dms/","CsvDelimiter":";","CompressionType":"GZIP",
      "MaxFileSize":1024,"IncludeOpForFullLoad":true,"AddColumnName":"y","Rfc4180":"N",
      "TimestampColumnName":"ts","CsvNullValue":"NULL","CdcMaxBatchInterval":3600,
      "CdcMinFileSize":64000,"DataFormat":"csv","ParquetVersion":"PARQUET_2_0",
      "EncodingType":"plain-dictionary","EncryptionMode":"sse-kms",
      "ServerSideEncryptionKmsKeyId":"arn:aws:kms:k","CannedAclForObjects":"bucket-owner-full-control",
      "ServiceAccessRoleArn":"arn:aws:iam::1:role/x","DatePartitionSequence":"yyyymmddhh",
      "DatePartitionDelimiter":"dash","DatePartitionTimezone":"Asia/Seoul",
      "UseTaskStartTimeForFullLoadTimestamp":true,"RowGroupLength":999999999})",
                    &s)
                  .ok());
  EXPECT_EQ(s.bucket_folder, "raw/dms");
  EXPECT_EQ(s.csv_delimiter, ";");
  EXPECT_EQ(s.compression, Compression::kGzip);
  EXPECT_EQ(s.max_file_size_kb, 1024u);
  EXPECT_TRUE(s.include_op_for_full_load);
  EXPECT_TRUE(s.add_column_name);
  EXPECT_FALSE(s.rfc4180);
  EXPECT_EQ(s.timestamp_column_name, "ts");
  EXPECT_EQ(s.csv_null_value, "NULL");
  EXPECT_EQ(s.cdc_max_batch_interval_s, 3600);
  EXPECT_EQ(s.cdc_min_file_size_kb, 64000u);
  EXPECT_EQ(s.parquet_version, "parquet-2-0");
  EXPECT_EQ(s.encoding_type, "plain-dictionary");
  EXPECT_EQ(s.encryption_mode, "SSE_KMS");
  EXPECT_EQ(s.canned_acl, "BUCKET_OWNER_FULL_CONTROL");
  EXPECT_EQ(s.date_partition_sequence, "YYYYMMDDHH");
  EXPECT_EQ(s.date_partition_delimiter, "DASH");
  EXPECT_EQ(s.date_partition_timezone, "Asia/Seoul");
  EXPECT_TRUE(s.use_task_start_time_for_full_load_timestamp);
  EXPECT_EQ(s.row_group_length, 64u * 1024 * 1024);  // capped, as DMS does
  EXPECT_TRUE(ValidateS3Settings(s).ok());
  EXPECT_EQ(DataFileExtension(s), ".csv.gz");
}

TEST(SettingsParserTest, EnumsAreCaseInsensitive) {
  for (const char* v : {"gzip", "GZIP", "Gzip"}) {
    S3Settings s;
    ASSERT_TRUE(Apply(std::string(R"({"CompressionType":")") + v + "\"}", &s).ok());
    EXPECT_EQ(s.compression, Compression::kGzip);
  }
  S3Settings s;
  ASSERT_TRUE(Apply(R"({"DataFormat":"PARQUET","ParquetVersion":"parquet-2-0"})", &s).ok());
  EXPECT_EQ(s.data_format, DataFormat::kParquet);
  EXPECT_EQ(s.parquet_version, "parquet-2-0");
  EXPECT_EQ(DataFileExtension(s), ".parquet");
  ASSERT_TRUE(Apply(R"({"EncryptionMode":"SSE_S3","CannedAclForObjects":"none"})", &s).ok());
  EXPECT_EQ(s.encryption_mode, "SSE_S3");
  EXPECT_EQ(s.canned_acl, "");
}

TEST(SettingsParserTest, UnknownKeySuggestsClosest) {
  EXPECT_EQ(ErrorOf(R"({"CsvDelimeter":";"})"),
            "dms.json: unknown S3Settings key 'CsvDelimeter' (did you mean 'CsvDelimiter'?)");
  EXPECT_THAT(ErrorOf(R"({"csvdelimiter":";"})"), HasSubstr("did you mean 'CsvDelimiter'?"));
  EXPECT_EQ(ErrorOf(R"({"Zebra":1})"), "dms.json: unknown S3Settings key 'Zebra'");
}

TEST(SettingsParserTest, WrongTypesAndRanges) {
  EXPECT_EQ(ErrorOf(R"({"MaxFileSize":0})"),
            "dms.json: MaxFileSize: must be an integer between 1 and 1048576, got 0");
  EXPECT_THAT(ErrorOf(R"({"MaxFileSize":1048577})"), HasSubstr("between 1 and 1048576"));
  EXPECT_THAT(ErrorOf(R"({"MaxFileSize":"1024"})"), HasSubstr("MaxFileSize: must be an integer"));
  EXPECT_THAT(ErrorOf(R"({"MaxFileSize":1.5})"), HasSubstr("must be an integer"));
  EXPECT_THAT(ErrorOf(R"({"MaxFileSize":-5})"), HasSubstr("got -5"));
  EXPECT_THAT(ErrorOf(R"({"MaxFileSize":18446744073709551615})"), HasSubstr("MaxFileSize"));
  EXPECT_THAT(ErrorOf(R"({"Rfc4180":1})"), HasSubstr("Rfc4180: must be true or false"));
  EXPECT_THAT(ErrorOf(R"({"Rfc4180":"maybe"})"), HasSubstr("Rfc4180: must be true or false"));
  EXPECT_THAT(ErrorOf(R"({"CsvDelimiter":""})"), HasSubstr("CsvDelimiter: must not be empty"));
  EXPECT_THAT(ErrorOf(R"({"CsvNullValue":null})"), HasSubstr("quote the value"));
  EXPECT_THAT(ErrorOf(R"({"CsvDelimiter":true})"), HasSubstr("must be a string"));
  EXPECT_EQ(ErrorOf(R"({"CompressionType":"zip"})"),
            "dms.json: CompressionType: 'zip' is not one of NONE, GZIP, SNAPPY, ZSTD");
  EXPECT_THAT(ErrorOf(R"({"EncryptionMode":"AES"})"), HasSubstr("SSE_S3, SSE_KMS"));
  EXPECT_THAT(ErrorOf(R"({"BucketFolder":"a/../b"})"), HasSubstr("'..'"));
  EXPECT_THAT(ErrorOf(R"({"BucketFolder":"a//b"})"), HasSubstr("empty"));
  EXPECT_THAT(ErrorOf(R"({"DatePartitionTimezone":"Asia Seoul"})"), HasSubstr("IANA"));
  EXPECT_THAT(ErrorOf(R"({"BucketName":"b/prefix"})"), HasSubstr("BucketFolder"));
  EXPECT_THAT(ErrorOf(R"(["CsvDelimiter"])"), HasSubstr("must be a JSON object"));
  EXPECT_THAT(ErrorOf(R"({"CsvDelimiter": )"), HasSubstr("dms.json: invalid JSON"));
}

TEST(SettingsParserTest, CrossFieldRules) {
  EXPECT_THAT(ValidationErrorOf(R"({"CdcInsertsOnly":true,"CdcInsertsAndUpdates":true})"),
              HasSubstr("cannot both be true"));
  EXPECT_THAT(ValidationErrorOf(R"({"PreserveTransactions":true})"), HasSubstr("requires CdcPath"));
  EXPECT_THAT(ValidationErrorOf(
                  R"({"PreserveTransactions":true,"CdcPath":"cdc","DatePartitionEnabled":true})"),
              HasSubstr("DatePartitionEnabled"));
  EXPECT_THAT(
      ValidationErrorOf(R"({"PreserveTransactions":true,"CdcPath":"cdc","AddColumnName":true})"),
      HasSubstr("AddColumnName"));
  EXPECT_THAT(ValidationErrorOf(R"({"DatePartitionEnabled":true,"CdcPath":"cdc"})"),
              HasSubstr("CdcPath"));
  EXPECT_THAT(ValidationErrorOf(R"({"CompressionType":"ZSTD"})"), HasSubstr("DataFormat=parquet"));
  EXPECT_THAT(ValidationErrorOf(R"({"CompressionType":"GZIP","CompressionLevel":12})"),
              HasSubstr("CompressionLevel"));
  EXPECT_THAT(ValidationErrorOf(R"({"CsvDelimiter":"\""})"), HasSubstr("cannot contain"));
  EXPECT_THAT(ValidationErrorOf(R"({"CsvDelimiter":"\n"})"), HasSubstr("must differ"));
  EXPECT_THAT(ValidationErrorOf(R"({"CsvNullValue":"a,b"})"), HasSubstr("CsvNullValue"));
  EXPECT_THAT(ValidationErrorOf(R"({"ServerSideEncryptionKmsKeyId":"k"})"),
              HasSubstr("requires EncryptionMode=SSE_KMS"));
  EXPECT_THAT(ValidationErrorOf(R"({"AddTrailingPaddingCharacter":true})"),
              HasSubstr("not supported"));
  EXPECT_THAT(ValidationErrorOf(R"({"GlueCatalogGeneration":true})"), HasSubstr("not supported"));

  S3Settings ok;
  ASSERT_TRUE(Apply(R"({"PreserveTransactions":true,"CdcPath":"/cdc/"})", &ok).ok());
  EXPECT_EQ(ok.cdc_path, "cdc");
  EXPECT_TRUE(ValidateS3Settings(ok).ok());
  ASSERT_TRUE(Apply(R"({"DataFormat":"parquet","CompressionType":"zstd"})", &ok).ok());
  EXPECT_TRUE(ValidateS3Settings(ok).ok());
}

TEST(SettingsParserTest, DelimiterEscapes) {
  S3Settings s;
  ASSERT_TRUE(
      Apply(R"({"CsvDelimiter":"\\t","CsvRowDelimiter":"\\r\\n","CsvNullValue":"\\N"})", &s).ok());
  EXPECT_EQ(s.csv_delimiter, "\t");
  EXPECT_EQ(s.csv_row_delimiter, "\r\n");
  EXPECT_EQ(s.csv_null_value, "\\N");  // literal: MySQL's null marker
  ASSERT_TRUE(Apply(R"({"CsvDelimiter":"\\\\"})", &s).ok());
  EXPECT_EQ(s.csv_delimiter, "\\");
  ASSERT_TRUE(Apply(R"({"CsvDelimiter":"\t"})", &s).ok());  // a real tab in JSON
  EXPECT_EQ(s.csv_delimiter, "\t");
}

TEST(SettingsParserTest, CommandLineOverrides) {
  S3Settings s;
  ASSERT_TRUE(ApplyS3SettingOverride("CsvDelimiter=;", &s).ok());
  EXPECT_EQ(s.csv_delimiter, ";");
  ASSERT_TRUE(ApplyS3SettingOverride("CsvDelimiter=\\t", &s).ok());
  EXPECT_EQ(s.csv_delimiter, "\t");
  ASSERT_TRUE(ApplyS3SettingOverride("CsvNullValue=", &s).ok());
  EXPECT_EQ(s.csv_null_value, "");
  ASSERT_TRUE(ApplyS3SettingOverride("CsvNullValue=a=b", &s).ok());  // first '=' splits
  EXPECT_EQ(s.csv_null_value, "a=b");
  ASSERT_TRUE(ApplyS3SettingOverride("MaxFileSize=64", &s).ok());
  EXPECT_EQ(s.max_file_size_kb, 64u);
  ASSERT_TRUE(ApplyS3SettingOverride("IncludeOpForFullLoad=TRUE", &s).ok());
  EXPECT_TRUE(s.include_op_for_full_load);
  ASSERT_TRUE(ApplyS3SettingOverride("compressionType=x", &s).code() ==
              StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyS3SettingOverride("compressionType=gzip", &s).message(),
            "--set: unknown S3Settings key 'compressionType' (did you mean 'CompressionType'?)");
  EXPECT_EQ(ApplyS3SettingOverride("MaxFileSize=1k", &s).message(),
            "--set: MaxFileSize: must be an integer, got '1k'");
  EXPECT_EQ(ApplyS3SettingOverride("MaxFileSize=0", &s).message(),
            "--set: MaxFileSize: must be an integer between 1 and 1048576, got 0");
  EXPECT_THAT(ApplyS3SettingOverride("Rfc4180", &s).message(), HasSubstr("not Key=Value"));
  EXPECT_THAT(ApplyS3SettingOverride("=x", &s).message(), HasSubstr("not Key=Value"));
  std::vector<std::string> many = {"AddColumnName=y", "Rfc4180=n"};
  ASSERT_TRUE(ApplyS3SettingOverrides(many, &s).ok());
  EXPECT_TRUE(s.add_column_name);
  EXPECT_FALSE(s.rfc4180);
}

TEST(SettingsParserTest, LaterSourcesOverrideEarlierOnes) {
  S3Settings s;
  ASSERT_TRUE(Apply(R"({"CsvDelimiter":";","MaxFileSize":10})", &s).ok());
  ASSERT_TRUE(ApplyS3SettingOverride("CsvDelimiter=|", &s).ok());
  EXPECT_EQ(s.csv_delimiter, "|");
  EXPECT_EQ(s.max_file_size_kb, 10u);  // untouched keys keep the earlier value
}

TEST(SettingsParserTest, TargetSettingsAndBucketName) {
  S3Settings s;
  ASSERT_TRUE(Apply(R"({"EncryptionMode":"SSE_KMS","ServerSideEncryptionKmsKeyId":"key",
      "CannedAclForObjects":"PRIVATE","ExpectedBucketOwner":123456789012,"BucketName":"b"})",
                    &s)
                  .ok());
  TargetConfig t;
  ASSERT_TRUE(ApplyS3SettingsToTarget(s, &t).ok());
  EXPECT_EQ(t.url, "s3://b");
  EXPECT_EQ(t.encryption_mode, "SSE_KMS");
  EXPECT_EQ(t.kms_key_id, "key");
  EXPECT_EQ(t.canned_acl, "PRIVATE");
  EXPECT_EQ(t.expected_bucket_owner, "123456789012");

  TargetConfig same;
  same.url = "s3://b/prefix";
  EXPECT_TRUE(ApplyS3SettingsToTarget(s, &same).ok());
  EXPECT_EQ(same.url, "s3://b/prefix");
  TargetConfig other;
  other.url = "s3://other";
  EXPECT_EQ(ApplyS3SettingsToTarget(s, &other).message(),
            "S3Settings: BucketName 'b' conflicts with the target URL s3://other");
  TargetConfig local;
  local.url = "file:///tmp/out";
  EXPECT_TRUE(ApplyS3SettingsToTarget(s, &local).ok());
  EXPECT_EQ(local.url, "file:///tmp/out");
}

TEST(SettingsParserTest, LoadsFile) {
  const std::string path = ::testing::TempDir() + "/binlake_settings_test.json";
  {
    std::ofstream out(path);
    out << R"({"CsvDelimiter":"|"})";
  }
  S3Settings s;
  ASSERT_TRUE(LoadS3SettingsFile(path, &s).ok());
  EXPECT_EQ(s.csv_delimiter, "|");
  Status missing = LoadS3SettingsFile(path + ".missing", &s);
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.message(), HasSubstr(".missing"));
}

TEST(SettingsParserTest, EveryDmsApiKeyIsAccepted) {
  // The DMS API S3Settings shape (botocore 2016-01-01), each key must be known.
  for (const char* key : {"ServiceAccessRoleArn",
                          "ExternalTableDefinition",
                          "CsvRowDelimiter",
                          "CsvDelimiter",
                          "BucketFolder",
                          "BucketName",
                          "CompressionType",
                          "EncryptionMode",
                          "ServerSideEncryptionKmsKeyId",
                          "DataFormat",
                          "EncodingType",
                          "DictPageSizeLimit",
                          "RowGroupLength",
                          "DataPageSize",
                          "ParquetVersion",
                          "EnableStatistics",
                          "IncludeOpForFullLoad",
                          "CdcInsertsOnly",
                          "TimestampColumnName",
                          "ParquetTimestampInMillisecond",
                          "CdcInsertsAndUpdates",
                          "DatePartitionEnabled",
                          "DatePartitionSequence",
                          "DatePartitionDelimiter",
                          "UseCsvNoSupValue",
                          "CsvNoSupValue",
                          "PreserveTransactions",
                          "CdcPath",
                          "UseTaskStartTimeForFullLoadTimestamp",
                          "CannedAclForObjects",
                          "AddColumnName",
                          "CdcMaxBatchInterval",
                          "CdcMinFileSize",
                          "CsvNullValue",
                          "IgnoreHeaderRows",
                          "MaxFileSize",
                          "Rfc4180",
                          "DatePartitionTimezone",
                          "AddTrailingPaddingCharacter",
                          "ExpectedBucketOwner",
                          "GlueCatalogGeneration"}) {
    auto names = S3SettingNames();
    EXPECT_NE(std::find(names.begin(), names.end(), key), names.end()) << key;
  }
}

TEST(SettingsParserTest, EditDistance) {
  EXPECT_EQ(CaseInsensitiveEditDistance("abc", "ABC"), 0u);
  EXPECT_EQ(CaseInsensitiveEditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(CaseInsensitiveEditDistance("", "ab"), 2u);
}

}  // namespace
}  // namespace binlake
