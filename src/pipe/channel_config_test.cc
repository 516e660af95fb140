// inputdataconfig.json (runtime and API shapes), resourceconfig.json and --channel parsing.
#include "pipe/channel_config.h"

#include <gtest/gtest.h>

namespace binlake::pipe {
namespace {

TEST(ChannelConfigTest, RuntimeShapeWithS3Uri) {
  auto c = ParseInputDataConfig(R"({
    "train": {"TrainingInputMode": "Pipe", "S3DistributionType": "ShardedByS3Key",
              "RecordWrapperType": "RecordIO", "ContentType": "application/x-recordio",
              "CompressionType": "Gzip", "ShuffleConfig": {"Seed": 42},
              "S3Uri": "s3://bucket/train/"},
    "validation": {"TrainingInputMode": "Pipe", "S3DistributionType": "FullyReplicated",
                   "RecordWrapperType": "None", "S3Uri": "file:///data/val"}})",
                                "idc.json");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->size(), 2u);
  const ChannelConfig& train = (*c)[0].name == "train" ? (*c)[0] : (*c)[1];
  const ChannelConfig& val = (*c)[0].name == "train" ? (*c)[1] : (*c)[0];
  EXPECT_EQ(train.uri, "s3://bucket/train/");
  EXPECT_EQ(train.distribution, Distribution::kShardedByS3Key);
  EXPECT_EQ(train.record_wrapper, RecordWrapper::kRecordIo);
  EXPECT_EQ(train.compression, Compression::kGzip);
  ASSERT_TRUE(train.shuffle_seed.has_value());
  EXPECT_EQ(*train.shuffle_seed, 42);
  EXPECT_EQ(val.distribution, Distribution::kFullyReplicated);
  EXPECT_FALSE(val.shuffle_seed.has_value());
  EXPECT_EQ(val.data_type, DataType::kS3Prefix);
}

TEST(ChannelConfigTest, ApiShapeDataSource) {
  auto c = ParseInputDataConfig(R"({"train": {"TrainingInputMode": "Pipe",
    "DataSource": {"S3DataSource": {"S3Uri": "s3://b/m.jsonl",
      "S3DataType": "AugmentedManifestFile", "S3DataDistributionType": "ShardedByS3Key",
      "AttributeNames": ["source-ref", "label"]}}}})",
                                "idc.json");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)[0].uri, "s3://b/m.jsonl");
  EXPECT_EQ((*c)[0].data_type, DataType::kAugmentedManifestFile);
  EXPECT_EQ((*c)[0].distribution, Distribution::kShardedByS3Key);
  EXPECT_EQ((*c)[0].attribute_names, (std::vector<std::string>{"source-ref", "label"}));
  // The API's list of channels.
  auto list = ParseInputDataConfig(R"([{"ChannelName": "train", "InputMode": "Pipe",
    "DataSource": {"S3DataSource": {"S3Uri": "s3://b/p", "S3DataType": "ManifestFile"}}}])",
                                   "api.json");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ((*list)[0].name, "train");
  EXPECT_EQ((*list)[0].data_type, DataType::kManifestFile);
}

TEST(ChannelConfigTest, Errors) {
  auto expect_error = [](const char* json, const char* needle) {
    auto c = ParseInputDataConfig(json, "idc.json");
    ASSERT_FALSE(c.ok()) << json;
    EXPECT_NE(c.status().message().find(needle), std::string::npos) << c.status().message();
  };
  expect_error("{", "not valid JSON");
  expect_error("{}", "names no channel");
  expect_error(R"({"train": {"TrainingInputMode": "Pipe"}})", "names no data");
  expect_error(R"({"train": {"TrainingInputMode": "File", "S3Uri": "s3://b/p"}})",
               "only Pipe mode");
  expect_error(R"({"train": {"S3Uri": "s3://b/p", "S3DistributionType": "Sharded"}})",
               "FullyReplicated, ShardedByS3Key");
  expect_error(R"({"train": {"S3Uri": "s3://b/p", "RecordWrapperType": "TFRecord"}})",
               "None, RecordIO");
  expect_error(R"({"train": {"S3Uri": "s3://b/p", "CompressionType": "Zstd"}})", "None, Gzip");
  expect_error(R"({"train": {"S3Uri": "s3://b/p", "ShuffleConfig": {"Seed": "x"}}})",
               "ShuffleConfig");
  expect_error(R"({"train": {"S3Uri": "s3://b/p", "S3DataType": "AugmentedManifestFile"}})",
               "AttributeNames");
  expect_error(R"({"bad/name": {"S3Uri": "s3://b/p"}})", "may hold only");
  expect_error(R"({"train": {"S3Uri": "b/p"}})", "is not an s3://");
}

TEST(ChannelConfigTest, ResourceConfig) {
  auto p = ParseResourceConfig(
      R"({"current_host": "algo-2", "hosts": ["algo-1", "algo-2", "algo-3"],
          "network_interface_name": "eth0"})",
      "rc.json");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->index, 1u);
  EXPECT_EQ(p->count, 3u);
  auto missing = ParseResourceConfig(R"({"current_host": "algo-9", "hosts": ["algo-1"]})", "rc");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("not in \"hosts\""), std::string::npos);
  EXPECT_FALSE(ParseResourceConfig(R"({"hosts": ["a"]})", "rc").ok());
}

TEST(ChannelConfigTest, ChannelFlag) {
  auto c = ParseChannelFlag("train=s3://bucket/a=b/");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->name, "train");
  EXPECT_EQ(c->uri, "s3://bucket/a=b/");
  EXPECT_FALSE(ParseChannelFlag("train").ok());
  EXPECT_FALSE(ParseChannelFlag("train=").ok());
  EXPECT_FALSE(ParseChannelFlag("=s3://b/p").ok());
  EXPECT_FALSE(ParseChannelFlag("train=/data/train").ok());  // a URI, not a path
  EXPECT_FALSE(ParseChannelFlag("train=http://host/x").ok());
}

}  // namespace
}  // namespace binlake::pipe
