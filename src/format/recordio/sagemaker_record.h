// SageMakerRecordEncoder: one training example as SageMaker's protobuf `Record`
// (sagemaker_record.proto: `features["values"]` a dense float32 tensor of the features, `label
// ["values"]` a float32 tensor of one value) framed as RecordIO (recordio.h): the
// `application/x-recordio-protobuf` content type of SageMaker's built-in algorithms.
//
// The encoder keeps one Record message and one buffer, so encoding a row allocates nothing once
// the first rows have sized them.
//
// Thread-safety: an encoder belongs to one thread.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "common/status.h"

namespace binlake {

class SageMakerRecordEncoder {
 public:
  SageMakerRecordEncoder();
  ~SageMakerRecordEncoder();
  SageMakerRecordEncoder(const SageMakerRecordEncoder&) = delete;
  SageMakerRecordEncoder& operator=(const SageMakerRecordEncoder&) = delete;

  // Appends the framed record of (label, features) to `*out`.
  Status Append(float label, std::span<const float> features, std::string* out);

 private:
  struct Message;
  std::unique_ptr<Message> message_;
  std::string serialized_;
};

}  // namespace binlake
