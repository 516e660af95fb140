#include "materialize/staged_parts.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/testing/memory_object_store.h"

namespace binlake {
namespace {

bool IsPart(std::string_view key) { return key.find("/part-") != std::string_view::npos; }

Status WritePart(ObjectStore& store, const std::string& key, const std::string& data) {
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> w, store.NewWriter(key, {}));
  RETURN_IF_ERROR(w->Write(data));
  return w->Close();
}

TEST(StagedPartsTest, PartsAppearOnlyWhenPublishedAndTheOthersAreDiscarded) {
  MemoryObjectStore inner;
  {
    StagedParts staged(inner, IsPart);
    ASSERT_TRUE(staged.Put("db/t/_marks-1", "m", {}).ok());  // not a part
    for (const char* key : {"db/t/part-1.csv", "db/t/part-2.csv", "db/t/part-3.csv"}) {
      ASSERT_TRUE(WritePart(staged, key, key).ok());
    }
    ASSERT_TRUE(staged.Put("db/t/part-4.csv", "four", {}).ok());
    // Written, durable, invisible.
    EXPECT_EQ(inner.objects().size(), 1u);
    EXPECT_EQ(inner.prepared_count(), 4u);
    EXPECT_EQ(staged.staged(), 4u);
    EXPECT_FALSE(staged.Head("db/t/part-1.csv")->has_value());
    // A staged part deleted (a failed table's) is discarded.
    ASSERT_TRUE(staged.Delete("db/t/part-2.csv").ok());
    EXPECT_EQ(inner.prepared_count(), 3u);
    ASSERT_TRUE(staged.Publish(2).ok());
    EXPECT_EQ(staged.staged(), 0u);
    EXPECT_EQ(inner.prepared_count(), 0u);
    EXPECT_EQ(*inner.Get("db/t/part-1.csv"), "db/t/part-1.csv");
    EXPECT_EQ(*inner.Get("db/t/part-4.csv"), "four");
    EXPECT_FALSE(inner.Head("db/t/part-2.csv")->has_value());
    // A published part is deleted from the store.
    ASSERT_TRUE(staged.Delete("db/t/part-4.csv").ok());
    EXPECT_FALSE(inner.Head("db/t/part-4.csv")->has_value());
    // Staged and never published: discarded with the StagedParts.
    ASSERT_TRUE(WritePart(staged, "db/t/part-5.csv", "five").ok());
    EXPECT_EQ(inner.prepared_count(), 1u);
  }
  EXPECT_EQ(inner.prepared_count(), 0u);
  EXPECT_FALSE(inner.Head("db/t/part-5.csv")->has_value());
  EXPECT_EQ(inner.objects().size(), 3u);  // the marks, parts 1 and 3
}

TEST(StagedPartsTest, APartsBytesGoStraightToTheStoresWriter) {
  MemoryObjectStore inner;
  StagedParts staged(inner, IsPart);
  auto part = staged.NewWriter("db/t/part-1.csv", {});
  ASSERT_TRUE(part.ok());
  // A local store copies into its own writer in the kernel (ObjectRanges::CopyRange).
  EXPECT_NE((*part)->BytesSink(), part->get());
  ASSERT_TRUE((*part)->Write("abc").ok());
  EXPECT_EQ((*part)->bytes_written(), 3u);
  ASSERT_TRUE((*part)->Close().ok());
  EXPECT_EQ((*part)->bytes_written(), 3u);
  EXPECT_FALSE((*part)->Close().ok());  // once
  auto other = staged.NewWriter("db/t/x.csv", {});
  ASSERT_TRUE(other.ok());
  EXPECT_EQ((*other)->BytesSink(), other->get());  // not a part: the store's own writer
}

}  // namespace
}  // namespace binlake
