#include "fullload/load_files.h"

#include <gtest/gtest.h>

#include "common/testing/temp_dir.h"
#include "store/local_object_store.h"
#include "store/testing/memory_object_store.h"

namespace binlake {
namespace {

TEST(LoadFilesTest, LoadFileNamesAreOnlyDirectlyInTheFolder) {
  EXPECT_TRUE(IsLoadFileName("LOAD00000001.csv"));
  EXPECT_TRUE(IsLoadFileName("LOAD0000000A.parquet"));
  EXPECT_FALSE(IsLoadFileName("20261204-101010123.csv"));
  EXPECT_FALSE(IsLoadFileName("2026/12/04/LOAD00000001.csv"));
  EXPECT_FALSE(IsLoadFileName("load00000001.csv"));
}

TEST(LoadFilesTest, ClearingRemovesTheEarlierLoadFilesAndUploadsOnly) {
  TempDir dir("binlake-load-files");
  auto store = LocalObjectStore::Open("file://" + dir.path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ObjectStore& s = **store;
  for (const char* key : {"s/t/LOAD00000001.csv", "s/t/LOAD00000002.csv",
                          "s/t/20261204-101010123.csv", "s/t2/LOAD00000001.csv"}) {
    ASSERT_TRUE(s.Put(key, "x\n", PutOptions{}).ok());
  }
  // An upload an earlier run never finished (a local temp file), and a CDC file's.
  auto load_upload = s.NewWriter("s/t/LOAD00000003.csv", PutOptions{});
  ASSERT_TRUE(load_upload.ok());
  ASSERT_TRUE((*load_upload)->Write("old").ok());
  ASSERT_TRUE((*load_upload)->Prepare().ok());
  auto cdc_upload = s.NewWriter("s/t/20261204-101010999.csv", PutOptions{});
  ASSERT_TRUE(cdc_upload.ok());
  ASSERT_TRUE((*cdc_upload)->Write("cdc").ok());
  ASSERT_TRUE((*cdc_upload)->Prepare().ok());

  ASSERT_TRUE(ClearEarlierLoadFiles(s, "s/t/").ok());
  auto left = s.List("");
  ASSERT_TRUE(left.ok());
  std::vector<std::string> keys;
  for (const ObjectInfo& o : *left) keys.push_back(o.key);
  EXPECT_EQ(keys,
            (std::vector<std::string>{"s/t/20261204-101010123.csv", "s/t2/LOAD00000001.csv"}));
  auto uploads = s.ListUncommitted("s/t/");
  ASSERT_TRUE(uploads.ok());
  ASSERT_EQ(uploads->size(), 1u);
  EXPECT_EQ((*uploads)[0].key, "s/t/20261204-101010999.csv");
}

TEST(LoadFilesTest, CheckDeletesAFileThatIsNotOursAndFailsOnOneThatChanged) {
  MemoryObjectStore store;
  ASSERT_TRUE(store.Put("s/t/LOAD00000001.csv", "12345", PutOptions{}).ok());
  ASSERT_TRUE(store.Put("s/t/LOAD00000002.csv", "late", PutOptions{}).ok());
  ASSERT_TRUE(store.Put("s/t/20261204-101010123.csv", "cdc", PutOptions{}).ok());
  std::vector<OutputFile> written = {{"s/t/LOAD00000001.csv", 1, 5, {}}};
  ASSERT_TRUE(CheckLoadFiles(store, "s/t/", written).ok());
  EXPECT_FALSE(store.Head("s/t/LOAD00000002.csv")->has_value());
  EXPECT_TRUE(store.Head("s/t/20261204-101010123.csv")->has_value());

  // Replaced by something of another size: an error naming the file.
  ASSERT_TRUE(store.Put("s/t/LOAD00000001.csv", "older", PutOptions{}).ok());
  written[0].bytes = 7;
  Status changed = CheckLoadFiles(store, "s/t/", written);
  EXPECT_EQ(changed.code(), StatusCode::kPreconditionFailed);
  EXPECT_NE(changed.message().find("s/t/LOAD00000001.csv holds 5 bytes, not the 7"),
            std::string::npos)
      << changed.message();
  // Gone.
  ASSERT_TRUE(store.Delete("s/t/LOAD00000001.csv").ok());
  Status missing = CheckLoadFiles(store, "s/t/", written);
  EXPECT_NE(missing.message().find("LOAD00000001.csv is missing"), std::string::npos)
      << missing.message();
}

TEST(LoadFilesTest, CreateReplacingReplacesWhatIsThere) {
  MemoryObjectStore store;
  ASSERT_TRUE(store.Put("_binlake/full_load.json", "{\"status\": \"started\"}", PutOptions{}).ok());
  ASSERT_TRUE(CreateReplacing(store, "_binlake/full_load.json", "{\"status\": \"complete\"}").ok());
  EXPECT_EQ(*store.Get("_binlake/full_load.json"), "{\"status\": \"complete\"}");
  ASSERT_TRUE(CreateReplacing(store, "_binlake/new.json", "{}").ok());
  EXPECT_EQ(*store.Get("_binlake/new.json"), "{}");
}

}  // namespace
}  // namespace binlake
