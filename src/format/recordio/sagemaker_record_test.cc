#include "format/recordio/sagemaker_record.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "format/recordio/recordio.h"
#include "format/recordio/sagemaker_record.pb.h"

namespace binlake {
namespace {

// The records of a RecordIO stream (whole records only: cflag 0), read per the framing spec.
std::vector<std::string> Unframe(const std::string& bytes) {
  std::vector<std::string> records;
  size_t at = 0;
  while (at + 8 <= bytes.size()) {
    uint32_t magic, word;
    std::memcpy(&magic, bytes.data() + at, 4);
    std::memcpy(&word, bytes.data() + at + 4, 4);
    EXPECT_EQ(magic, kRecordIoMagic);
    EXPECT_EQ(word >> 29, 0u);
    const uint32_t length = word & ((1u << 29) - 1);
    records.push_back(bytes.substr(at + 8, length));
    at += 8 + (length + 3) / 4 * 4;
  }
  EXPECT_EQ(at, bytes.size());
  return records;
}

TEST(SageMakerRecordTest, EachRowIsARecordWithDenseFloat32FeaturesAndLabelUnderValues) {
  SageMakerRecordEncoder encoder;
  std::string out;
  const std::vector<float> first = {1.5f, -2.0f, 3e10f};
  const std::vector<float> second = {0.0f};
  ASSERT_TRUE(encoder.Append(7.0f, first, &out).ok());
  ASSERT_TRUE(encoder.Append(-1.25f, second, &out).ok());
  std::vector<std::string> records = Unframe(out);
  ASSERT_EQ(records.size(), 2u);

  aialgs::data::Record r;
  ASSERT_TRUE(r.ParseFromString(records[0]));
  ASSERT_EQ(r.features().count("values"), 1u);
  const auto& f = r.features().at("values").float32_tensor();
  EXPECT_EQ(std::vector<float>(f.values().begin(), f.values().end()), first);
  EXPECT_EQ(f.keys_size(), 0);  // dense
  ASSERT_EQ(r.label().at("values").float32_tensor().values_size(), 1);
  EXPECT_EQ(r.label().at("values").float32_tensor().values(0), 7.0f);

  ASSERT_TRUE(r.ParseFromString(records[1]));  // the encoder's reused message holds no leftovers
  EXPECT_EQ(r.features().at("values").float32_tensor().values_size(), 1);
  EXPECT_EQ(r.label().at("values").float32_tensor().values(0), -1.25f);
}

}  // namespace
}  // namespace binlake
