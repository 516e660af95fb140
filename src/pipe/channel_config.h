// What `binlake pipe` serves: one ChannelConfig per channel, from flags or from the files
// SageMaker gives a training container (docs/PIPE.md, "Configuration"):
//
//   /opt/ml/input/config/inputdataconfig.json  {"train": {"TrainingInputMode": "Pipe",
//       "S3DistributionType": "ShardedByS3Key", "RecordWrapperType": "RecordIO", ...}, ...}
//   /opt/ml/input/config/resourceconfig.json   {"current_host": "algo-2",
//       "hosts": ["algo-1", "algo-2"], ...}
//
// The runtime file names no S3 URI, so a channel entry must also carry one: "S3Uri" in the entry,
// or the CreateTrainingJob API's "DataSource": {"S3DataSource": {"S3Uri", "S3DataType",
// "S3DataDistributionType", "AttributeNames"}}. The API's list shape ([{"ChannelName": ...}]) is
// accepted too.
//
// Thread-safety: values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace binlake::pipe {

enum class DataType { kS3Prefix, kManifestFile, kAugmentedManifestFile };
enum class Distribution { kFullyReplicated, kShardedByS3Key };
enum class RecordWrapper { kNone, kRecordIo };
enum class Compression { kNone, kGzip };

struct ChannelConfig {
  std::string name;  // the FIFOs are <fifo dir>/<name>_<epoch>
  std::string uri;   // s3://bucket/prefix or file:///dir/prefix (or the manifest's URI)
  DataType data_type = DataType::kS3Prefix;
  Distribution distribution = Distribution::kFullyReplicated;
  RecordWrapper record_wrapper = RecordWrapper::kNone;
  Compression compression = Compression::kNone;
  std::optional<int64_t> shuffle_seed;       // ShuffleConfig.Seed; none = no shuffle
  std::vector<std::string> attribute_names;  // AugmentedManifestFile only (required there)
};

// The host's place among the training cluster's hosts (ShardedByS3Key).
struct HostPlacement {
  size_t index = 0;  // 0-based
  size_t count = 1;
};

// Parses inputdataconfig.json's text. Every channel must say where its data is (see above); a
// channel whose TrainingInputMode is "File" or "FastFile" is refused (binlake serves Pipe mode).
// `source` names the file in messages.
Result<std::vector<ChannelConfig>> ParseInputDataConfig(std::string_view json,
                                                        std::string_view source);

// Parses resourceconfig.json's text: the position of "current_host" in "hosts".
Result<HostPlacement> ParseResourceConfig(std::string_view json, std::string_view source);

// Parses one --channel NAME=URL.
Result<ChannelConfig> ParseChannelFlag(std::string_view flag);

// Channel names: 1-64 characters of [A-Za-z0-9._-] (CreateTrainingJob's ChannelName pattern).
Status CheckChannelName(std::string_view name);

// The enum values from their SageMaker spellings; kInvalidArgument naming the valid ones.
Result<DataType> ParseDataType(std::string_view text);
Result<Distribution> ParseDistribution(std::string_view text);
Result<RecordWrapper> ParseRecordWrapper(std::string_view text);
Result<Compression> ParseCompression(std::string_view text);

}  // namespace binlake::pipe
