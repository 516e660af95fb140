#include "cdc/settings_record.h"

#include <gtest/gtest.h>

#include "store/testing/memory_object_store.h"

namespace binlake {
namespace {

TEST(CdcSettingsRecordTest, ARecordIsWrittenOnlyWhenTheSettingsChange) {
  MemoryObjectStore store;
  S3Settings s;
  const std::string plain = CdcSettingsJson(s, "seq");
  ASSERT_TRUE(RecordCdcSettings(store, "folder", 1, plain).ok());
  ASSERT_TRUE(RecordCdcSettings(store, "folder", 7, plain).ok());  // a restart, same settings
  s.cdc_inserts_only = true;
  const std::string inserts_only = CdcSettingsJson(s, "seq");
  ASSERT_NE(inserts_only, plain);
  ASSERT_TRUE(RecordCdcSettings(store, "folder", 9, inserts_only).ok());
  auto records = ReadCdcSettings(store, "folder");
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].from_checkpoint, 1u);
  EXPECT_EQ((*records)[0].json, plain);
  EXPECT_EQ((*records)[1].from_checkpoint, 9u);
  EXPECT_NE((*records)[1].json.find("\"CdcInsertsOnly\":true"), std::string::npos);
  // A restart before any checkpoint, with other settings again: the record is replaced.
  ASSERT_TRUE(RecordCdcSettings(store, "folder", 9, plain).ok());
  records = ReadCdcSettings(store, "folder");
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[1].json, plain);
  EXPECT_TRUE(store.Get("folder/_binlake/cdc/settings/00000000000000000009.json").ok());
}

TEST(CdcSettingsRecordTest, ARecordThatIsNotJsonIsCorruption) {
  MemoryObjectStore store;
  ASSERT_TRUE(store.Put("_binlake/cdc/settings/00000000000000000001.json", "{", {}).ok());
  EXPECT_EQ(ReadCdcSettings(store, "").status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace binlake
