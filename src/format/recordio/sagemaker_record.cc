#include "format/recordio/sagemaker_record.h"

#include "format/recordio/recordio.h"
#include "format/recordio/sagemaker_record.pb.h"

namespace binlake {

struct SageMakerRecordEncoder::Message {
  aialgs::data::Record record;
  aialgs::data::Float32Tensor* features = nullptr;
  aialgs::data::Float32Tensor* label = nullptr;
};

SageMakerRecordEncoder::SageMakerRecordEncoder() : message_(std::make_unique<Message>()) {
  message_->features = (*message_->record.mutable_features())["values"].mutable_float32_tensor();
  message_->label = (*message_->record.mutable_label())["values"].mutable_float32_tensor();
}

SageMakerRecordEncoder::~SageMakerRecordEncoder() = default;

Status SageMakerRecordEncoder::Append(float label, std::span<const float> features,
                                      std::string* out) {
  auto* values = message_->features->mutable_values();
  values->Clear();
  values->Add(features.begin(), features.end());
  message_->label->mutable_values()->Clear();
  message_->label->add_values(label);
  serialized_.clear();
  if (!message_->record.SerializeToString(&serialized_)) {
    return Internal("protobuf could not serialize a training record");
  }
  return AppendRecordIo(serialized_, out);
}

}  // namespace binlake
